"""The public graph names of a query mapped to one version's names in an engine, and back in answers
(``server.sparql.remote_graphs``): where a graph name names a graph it is mapped, elsewhere (a resource
the data describes, a string, a comment) it is left as written."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from server.sparql.remote_graphs import DEFAULT_GRAPH, VersionGraphs, staging_graph, version_iri

G = "https://w3id.org/smart-hame/graph/"
GRAPHS = VersionGraphs("v1", (G + "projects", G + "actors", G + "links"), own_default=True)
P, A, L = (f"<{staging_graph('v1', G + name)}>" for name in ("projects", "actors", "links"))


@pytest.mark.parametrize(
    ("query", "mapped"),
    [
        (f"SELECT * {{ GRAPH <{G}projects> {{ ?s ?p ?o }} }}", f"SELECT * {{ GRAPH {P} {{ ?s ?p ?o }} }}"),
        (
            f"PREFIX g: <{G}> SELECT * FROM g:actors FROM NAMED g:links {{ ?s ?p ?o }}",  # noqa: S608
            f"PREFIX g: <{G}> SELECT * FROM {A} FROM NAMED {L} {{ ?s ?p ?o }}",  # noqa: S608
        ),
        (
            "BASE <https://w3id.org/smart-hame/> SELECT * { GRAPH <graph/links> { ?s ?p ?o } }",
            f"BASE <https://w3id.org/smart-hame/> SELECT * {{ GRAPH {L} {{ ?s ?p ?o }} }}",
        ),
        (
            f"SELECT * {{ VALUES ?g {{ <{G}projects> <{G}links> }} GRAPH ?g {{ ?s ?p ?o }} }}",
            f"SELECT * {{ VALUES ?g {{ {P} {L} }} GRAPH ?g {{ ?s ?p ?o }} }}",
        ),
        (  # a VALUES row: only the graph variable's column; a datatype IRI is no value
            f'SELECT * {{ VALUES (?x ?g) {{ ("1"^^<{G}links> <{G}actors>) (<{G}links> UNDEF) }} '
            "GRAPH ?g { ?s ?p ?o } }",
            f'SELECT * {{ VALUES (?x ?g) {{ ("1"^^<{G}links> {A}) (<{G}links> UNDEF) }} '
            "GRAPH ?g { ?s ?p ?o } }",
        ),
        (
            f"SELECT * {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g = <{G}actors> || <{G}links> != ?g) }}",
            f"SELECT * {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g = {A} || {L} != ?g) }}",
        ),
        (
            f"SELECT * {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN (<{G}actors>, <{G}links>)) }}",
            f"SELECT * {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({A}, {L})) }}",
        ),
        (
            f"SELECT * {{ BIND(<{G}links> AS ?g) GRAPH ?g {{ ?s ?p ?o }} }}",
            f"SELECT * {{ BIND({L} AS ?g) GRAPH ?g {{ ?s ?p ?o }} }}",
        ),
    ],
    ids=["graph", "from-prefixed", "relative-to-base", "values", "values-row", "compared", "in-list", "bind"],
)
def test_graph_names_are_mapped_where_they_name_graphs(query: str, mapped: str) -> None:
    assert GRAPHS.query_text(query) == mapped


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT ?label {{ <{G}projects> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}",
        f'SELECT * {{ GRAPH ?g {{ ?s ?p "<{G}projects>" }} }} # GRAPH <{G}projects>',
        f"PREFIX p: <{G}projects> SELECT * {{ ?s ?p p: }}",
        f"SELECT * {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?s IN (<{G}projects>)) }}",  # ?s is no graph variable
        f"SELECT * {{ GRAPH <{G}other> {{ ?s ?p ?o }} }}",  # not a graph of the version
        f'SELECT * {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STR(?g) = "{G}projects") }}',  # computed: not mapped
    ],
    ids=["resource", "string-and-comment", "prefix-declaration", "other-variable", "other-graph", "str"],
)
def test_graph_names_elsewhere_are_left_as_written(query: str) -> None:
    assert GRAPHS.query_text(query) == query


def test_the_dataset_is_the_version_s_graphs_or_the_request_s_mapped() -> None:
    own = staging_graph("v1", DEFAULT_GRAPH)
    assert GRAPHS.dataset() == {
        "default-graph-uri": [P[1:-1], A[1:-1], L[1:-1], own],
        "named-graph-uri": [P[1:-1], A[1:-1], L[1:-1]],
    }
    assert GRAPHS.dataset([], [G + "links", "http://elsewhere/g"]) == {
        "default-graph-uri": [],
        "named-graph-uri": [L[1:-1], "http://elsewhere/g"],
    }


def test_answers_carry_the_public_names_back() -> None:
    xml = (
        f"<binding name='g'><uri>{L[1:-1]}</uri></binding>"
        f"<binding name='s'><literal>{L[1:-1]}</literal></binding>"
    ).encode()
    assert (
        GRAPHS.solutions_back(xml)
        == (
            f"<binding name='g'><uri>{G}links</uri></binding>"
            f"<binding name='s'><literal>{L[1:-1]}</literal></binding>"
        ).encode()
    )
    triple = ox.Triple(ox.NamedNode(L[1:-1]), ox.NamedNode("urn:p"), ox.Literal(L[1:-1]))
    assert GRAPHS.triple_back(triple) == ox.Triple(
        ox.NamedNode(G + "links"), ox.NamedNode("urn:p"), ox.Literal(L[1:-1])
    )


def test_version_names_keep_the_order_of_the_public_names() -> None:
    names = sorted(GRAPHS.public)
    assert sorted(GRAPHS.named_graphs) == [GRAPHS.engine_name(g) for g in names]
    assert version_iri("2026-12-02 a/b") == "urn:smarthame:engine:version:2026-12-02%20a%2Fb"
