"""What the front end does to a query before an external engine sees it, and the row cut of its answer:
in process, no engine (``server.sparql.remote_text``, ``server.sparql.remote``)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from server.errors import BadParameter
from server.sparql.evaluation import Job
from server.sparql.remote import _Cut, from_engine, skolem
from server.sparql.remote_text import ascii_only, bind, names_dataset, query_form

IRI = ox.NamedNode("https://w3id.org/smart-hame/concept/x")


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("PREFIX select: <a:> # ASK\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "graph"),
        ("ask {}", "boolean"),
        ("BASE <x:> DESCRIBE <a>", "graph"),
        ('SELECT ("ASK" AS ?x) {}', "solutions"),
    ],
)
def test_the_query_form_comes_from_the_first_keyword(text: str, form: str) -> None:
    assert query_form(text) == form


def test_from_in_a_string_or_comment_is_no_dataset() -> None:
    assert names_dataset("SELECT * FROM <g:> { ?s ?p ?o }")
    assert not names_dataset('SELECT * { ?s ?p "from" } # FROM <g:>')


def test_a_parameter_is_replaced_in_patterns_and_expressions_and_bound_where_projected() -> None:
    text = 'SELECT ?p (COUNT(?s) AS ?n) WHERE { ?s ?q ?p . FILTER(?p != "?p") } GROUP BY ?p'
    assert bind(text, {"p": IRI}) == (
        f"SELECT ?p (COUNT(?s) AS ?n) WHERE {{ VALUES (?p) {{ ({IRI}) }} ?s ?q {IRI} . "
        f'FILTER({IRI} != "?p") }} GROUP BY ?p'
    )


def test_a_subquery_stops_projecting_the_parameter_and_its_own_values_keep_it() -> None:
    text = "SELECT ?n WHERE { { SELECT DISTINCT ?b ?s WHERE { ?s ?p ?b VALUES ?b { 1 } } } }"
    assert bind(text, {"b": ox.Literal("x")}) == (
        'SELECT ?n WHERE { { SELECT DISTINCT  ?s WHERE { ?s ?p "x" VALUES ?b { 1 } } } }'
    )


def test_a_blank_node_cannot_be_sent() -> None:
    with pytest.raises(BadParameter):
        bind("SELECT ?b { ?b ?p ?o }", {"b": ox.BlankNode("x")})


def test_non_ascii_strings_and_iris_travel_as_escapes() -> None:
    assert ascii_only('SELECT * { ?s ?p "Häme €" , <http://x/ä> } # Häme') == (
        'SELECT * { ?s ?p "H\\u00E4me \\u20AC" , <http://x/\\u00E4> } # Häme'
    )


def _job(max_rows: int) -> Job:
    return Job("SELECT * {}", None, None, (), (), (), max_rows, None)


@pytest.mark.parametrize("chunk", [1, 7, 1000])
def test_solutions_are_cut_at_the_cap_whatever_the_chunks(chunk: int) -> None:
    head = (
        b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="n"/></head><results>'
    )
    rows = b"".join(
        b'<result><binding name="n"><literal>%d</literal></binding></result>' % i for i in range(9)
    )
    data = head + rows + b"</results></sparql>"
    cut = _Cut("solutions", 4)
    stopped = any(cut.feed(data[i : i + chunk]) for i in range(0, len(data), chunk))
    cut.finish()
    solutions = ox.parse_query_results(bytes(cut.buffer), format=ox.QueryResultsFormat.XML)
    assert stopped and cut.truncated and cut.rows == 4
    assert [s["n"].value for s in solutions] == ["0", "1", "2", "3"]


@pytest.mark.parametrize(
    ("max_rows", "truncated", "kept"), [(2, True, 2), (3, False, 3), (5, False, 3), (0, True, 0)]
)
def test_triples_are_cut_at_the_cap(max_rows: int, truncated: bool, kept: int) -> None:
    data = b'<a:s> <a:p> "1" .\n<a:s> <a:p> "2" .\n<a:s> <a:p> "3" .\n'
    cut = _Cut("graph", max_rows)
    for i in range(0, len(data), 5):
        if cut.feed(data[i : i + 5]):
            break
    cut.finish()
    assert cut.truncated is truncated
    assert len(list(ox.parse(bytes(cut.buffer), format=ox.RdfFormat.N_TRIPLES))) == kept


def test_blank_nodes_come_back_from_their_skolem_iris() -> None:
    iri = skolem(ox.BlankNode("c14n3"))
    assert isinstance(iri, ox.NamedNode)
    xml = f"<uri>{iri.value}</uri><bnode>nodeID://b1</bnode>".encode()
    assert from_engine(xml, "solutions") == b"<bnode>c14n3</bnode><bnode>b1</bnode>"
    assert from_engine(f"<{iri.value}> <a:p> <a:o> .".encode(), "graph") == b"_:c14n3 <a:p> <a:o> ."


@pytest.mark.parametrize(
    "text", ["\n    SELECT * {}\n  ", " \t two words\t", "   ", "inner  \n  only", ""], ids=repr
)
def test_the_whitespace_at_a_literals_ends_comes_back(text: str) -> None:
    """pyoxigraph trims the text of a SPARQL XML ``<literal>``: from_engine writes its ends as references."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    xml = (
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="o"/></head><results>'
        f'<result><binding name="o"><literal xml:lang="fi">{escaped}</literal></binding></result>'
        f'<result><binding name="o"><literal>{escaped}</literal></binding></result>'
        '<result><binding name="o"><literal/></binding></result></results></sparql>'
    ).encode()
    parsed = ox.parse_query_results(from_engine(xml, "solutions"), format=ox.QueryResultsFormat.XML)
    assert isinstance(parsed, ox.QuerySolutions)
    assert [s["o"].value for s in parsed] == [text, text, ""]
