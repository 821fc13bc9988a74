"""The W3C SPARQL query tests about datasets (``FROM``, ``FROM NAMED``, ``GRAPH``, ``EXISTS`` over named
graphs), run over real HTTP (issue 12, item 12). The tests are vendored in tests/fixtures/w3c (README there).

One server serves every data file of the suites, each as a named graph named by the file's IRI. A test's
dataset reaches the server as the suites say: by the query's ``FROM``/``FROM NAMED`` (the query's base is
its file's IRI, given as a ``BASE`` before the query text, as a harness's base would be), or by the
manifest's ``qt:data``/``qt:graphData``, sent as the protocol's ``default-graph-uri``/``named-graph-uri``.
Results are compared as multisets of solutions; a blank node is compared as "some blank node".
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from tests.conftest import FIXTURES, LiveServer

pytestmark = pytest.mark.http

SUITES = FIXTURES / "w3c"
BASE = "http://w3c.test/"  # the IRI of tests/fixtures/w3c/ for these tests
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
Solutions = collections.Counter[frozenset[tuple[str, str]]]


@dataclass(frozen=True)
class Case:
    name: str
    query: Path
    data: tuple[str, ...]  # qt:data: the default graph's IRIs
    graph_data: tuple[str, ...]  # qt:graphData: named graphs
    result: Path


def iri(path: Path) -> str:
    return BASE + path.relative_to(SUITES).as_posix()


def _objects(graph: list[ox.Triple], subject: object, predicate: str) -> list[ox.Term]:
    return [t.object for t in graph if t.subject == subject and t.predicate == ox.NamedNode(predicate)]


def _list(graph: list[ox.Triple], head: ox.Term) -> Iterator[ox.Term]:
    while head != ox.NamedNode(RDF + "nil"):
        yield _objects(graph, head, RDF + "first")[0]
        head = _objects(graph, head, RDF + "rest")[0]


def cases() -> list[Case]:
    found = []
    for manifest in sorted(SUITES.glob("*/manifest.ttl")):
        graph = list(ox.parse(path=str(manifest), format=ox.RdfFormat.TURTLE, base_iri=iri(manifest)))
        heads = [t.object for t in graph if t.predicate == ox.NamedNode(MF + "entries")]
        for entry in _list(graph, heads[0]):
            action = _objects(graph, entry, MF + "action")[0]
            name = _objects(graph, entry, MF + "name")[0]
            assert isinstance(name, ox.Literal)
            found.append(
                Case(
                    f"{manifest.parent.name}/{name.value}",
                    SUITES / _objects(graph, action, QT + "query")[0].value.removeprefix(BASE),
                    tuple(t.value for t in _objects(graph, action, QT + "data")),
                    tuple(t.value for t in _objects(graph, action, QT + "graphData")),
                    SUITES / _objects(graph, entry, MF + "result")[0].value.removeprefix(BASE),
                )
            )
    return found


CASES = cases()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Every data file of the suites as a named graph named by its IRI (relative IRIs in it resolved
    against that IRI, as ``<>`` in exists-graph-variable.ttl must be; its blank nodes its own)."""
    folder = tmp_path_factory.mktemp("w3c-dataset")
    quads = []
    for path in sorted(SUITES.glob("*/*.ttl")):
        if path.name == "manifest.ttl" or path in {c.result for c in CASES}:
            continue
        name = ox.NamedNode(iri(path))
        # Blank nodes are local to their file: pyoxigraph keeps a file's labels unless asked to rename them
        turtle = ox.parse(
            path=str(path), format=ox.RdfFormat.TURTLE, base_iri=name.value, rename_blank_nodes=True
        )
        for t in turtle:
            quads.append(ox.Quad(t.subject, t.predicate, t.object, name))
    data = folder / "w3c-datasets.nq"
    ox.serialize(quads, output=str(data), format=ox.RdfFormat.N_QUADS)
    server = LiveServer(folder, str(data), "--processes", "1")
    yield server
    server.stop()


def _key(term: ox.Term) -> str:
    return "_:" if isinstance(term, ox.BlankNode) else str(term)


def expected(case: Case) -> Solutions | bool:
    if case.result.suffix == ".srx":
        results = ox.parse_query_results(path=str(case.result), format=ox.QueryResultsFormat.XML)
        if isinstance(results, ox.QueryBoolean):
            return bool(results)
        return collections.Counter(
            frozenset((v.value, _key(s[v])) for v in results.variables if s[v] is not None) for s in results
        )
    graph = list(ox.parse(path=str(case.result), format=ox.RdfFormat.TURTLE, base_iri=iri(case.result)))
    result_set = next(t.subject for t in graph if t.object == ox.NamedNode(RS + "ResultSet"))
    boolean = _objects(graph, result_set, RS + "boolean")
    if boolean:
        return boolean[0].value == "true"
    solutions: Solutions = collections.Counter()
    for solution in _objects(graph, result_set, RS + "solution"):
        bindings = _objects(graph, solution, RS + "binding")
        solutions[
            frozenset(
                (_objects(graph, b, RS + "variable")[0].value, _key(_objects(graph, b, RS + "value")[0]))
                for b in bindings
            )
        ] += 1
    return solutions


def answered(server: LiveServer, case: Case) -> Solutions | bool:
    text = f"BASE <{iri(case.query)}>\n" + case.query.read_text(encoding="utf-8")
    params = [("default-graph-uri", g) for g in case.data] + [("named-graph-uri", g) for g in case.graph_data]
    r = httpx.post(
        server.url + "/sparql",
        params=params,
        content=text.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+xml"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    results = ox.parse_query_results(r.content, format=ox.QueryResultsFormat.XML)
    if isinstance(results, ox.QueryBoolean):
        return bool(results)
    return collections.Counter(
        frozenset((v.value, _key(s[v])) for v in results.variables if s[v] is not None) for s in results
    )


def test_the_vendored_suites_are_all_read() -> None:
    assert collections.Counter(c.name.split("/")[0] for c in CASES) == {
        "dataset": 12,
        "graph": 17,
        "exists": 6,
    }


# Added to the suite in 2025 without approval (no dawgt:approval), about a GRAPH variable's scope inside
# the pattern, which the engine (pyoxigraph 0.5.13) evaluates otherwise: engine semantics, not the dataset.
ENGINE_DISAGREES = {"graph/graph-variable-scope", "graph/graph-optional"}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(strict=True, reason="unapproved test; pyoxigraph disagrees"))
        if c.name in ENGINE_DISAGREES
        else c
        for c in CASES
    ],
    ids=[c.name for c in CASES],
)
def test_w3c_dataset_query(server: LiveServer, case: Case) -> None:
    assert answered(server, case) == expected(case)


def test_a_triple_in_two_graphs_is_in_the_default_graph_once(server: LiveServer) -> None:
    """dataset/data-g1.ttl and data-g1-dup.ttl hold the same triples; with the union flag each counted
    twice (exists-graph-variable returned its row twice)."""
    everything = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    distinct = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }"
    in_graphs = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    assert _count(server, everything) == _count(server, distinct) < _count(server, in_graphs)
    g1 = iri(SUITES / "dataset" / "data-g1.ttl")
    one = f"SELECT (COUNT(*) AS ?n) FROM <{g1}> {{ ?s ?p ?o }}"  # noqa: S608 - SPARQL, our own IRI
    assert _count(server, one) == 2


@pytest.mark.xfail(
    strict=True,
    reason="pyoxigraph 0.5.13 evaluates several FROM graphs as a union that keeps duplicates",
)
def test_two_from_graphs_holding_the_same_triples_merge(server: LiveServer) -> None:
    """The default graph of ``FROM <a> FROM <b>`` is the RDF merge of a and b: a triple in both, once.
    The engine counts it twice (4 here, not 2); the materialised default graph does not have this
    problem, explicit FROM lists of overlapping graphs still do."""
    g1, dup = iri(SUITES / "dataset" / "data-g1.ttl"), iri(SUITES / "dataset" / "data-g1-dup.ttl")
    both = f"SELECT (COUNT(*) AS ?n) FROM <{g1}> FROM <{dup}> {{ ?s ?p ?o }}"  # noqa: S608 - SPARQL
    assert _count(server, both) == 2


# The cases on the bundled data -------------------------------------------------------------------


def _ask(server: LiveServer, query: str, **params: str) -> httpx.Response:
    r = httpx.get(
        server.url + "/sparql",
        params={"query": query, **params},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return r


def _count(server: LiveServer, query: str, **params: str) -> int:
    return int(_ask(server, query, **params).json()["results"]["bindings"][0]["n"]["value"])


def test_from_a_graph_that_does_not_exist_is_an_empty_dataset(live_server: LiveServer) -> None:
    """It answered 6,112 and true (FROM was ignored)."""
    nowhere = "SELECT (COUNT(*) AS ?n) FROM <http://nowhere.example/none> { ?s ?p ?o }"
    assert _count(live_server, nowhere) == 0
    assert _ask(live_server, "ASK FROM <urn:x> { ?s ?p ?o }").json()["boolean"] is False
    everything = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    assert _count(live_server, everything, **{"default-graph-uri": "urn:x"}) == 0


def test_the_default_graph_holds_each_triple_once_and_from_picks_one_graph(live_server: LiveServer) -> None:
    graphs = _ask(live_server, "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g").json()
    sizes = {b["g"]["value"]: int(b["n"]["value"]) for b in graphs["results"]["bindings"]}
    distinct = _count(
        live_server, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }"
    )
    assert _count(live_server, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == distinct <= sum(sizes.values())
    name, size = min(sizes.items())
    one = f"SELECT (COUNT(*) AS ?n) FROM <{name}> {{ ?s ?p ?o }}"  # noqa: S608 - SPARQL, a graph's IRI
    assert _count(live_server, one) == size
    named_only = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{name}> {{ ?s ?p ?o }}"  # noqa: S608 - SPARQL
    assert _count(live_server, named_only) == 0  # a dataset with no default graph named


def test_the_service_description_says_what_the_default_graph_is(live_server: LiveServer) -> None:
    r = httpx.get(live_server.url + "/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    graph = ox.Store()
    graph.load(r.content, format=ox.RdfFormat.TURTLE)
    [row] = graph.query(
        """PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        PREFIX void: <http://rdfs.org/ns/void#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?note ?n {
          ?s sd:defaultDataset/sd:defaultGraph ?d . ?d rdfs:comment ?note ; void:triples ?n
        }"""
    )
    assert "RDF merge of all the named graphs, each triple once" in row["note"].value
    assert "FROM" in row["note"].value and "default-graph-uri" in row["note"].value
    assert int(row["n"].value) == _count(live_server, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
