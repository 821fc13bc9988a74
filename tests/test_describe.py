"""``server.sparql.describe`` gives what pyoxigraph's own DESCRIBE gives, triple for triple."""

from __future__ import annotations

import collections

import pyoxigraph as ox
import pytest

from server.graph.versions import merge_into_default_graph
from server.sparql.describe import constant_iris, describe
from server.sparql.engine import Job, execute


def engine_describe(store: ox.Store, query: str) -> collections.Counter[str]:
    """The engine's DESCRIBE over the default graph, which a version's store fills with the merge of its
    graphs (server.graph.versions.fill_store): each triple once."""
    return collections.Counter(str(t) for t in store.query(query))


def fast_describe(store: ox.Store, query: str, limit: int = 1_000_000) -> collections.Counter[str]:
    nodes = constant_iris(query)
    assert nodes is not None, query
    triples, truncated = describe(store, nodes, limit)
    assert not truncated
    return collections.Counter(str(t) for t in triples)


def test_every_subject_of_the_published_data_is_described_as_the_engine_does(published) -> None:
    store = published.store
    subjects = {q.subject for q in store if isinstance(q.subject, ox.NamedNode)}
    counted = store.query("SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o FILTER(isIRI(?s)) }")
    assert len(subjects) == int(next(iter(counted))["n"].value)
    for subject in subjects:
        query = f"DESCRIBE <{subject.value}>"
        assert fast_describe(store, query) == engine_describe(store, query), subject


@pytest.fixture(scope="module")
def tricky_store() -> ox.Store:
    store = ox.Store()
    store.load(
        b"""
        <http://g1> { <http://a> <http://p> _:b . _:b <http://q> _:c . _:c <http://r> 1 . _:c <http://s> _:b .
                      <http://a> <http://p> 2 . <http://x> <http://p> <http://a> . <http://a> <http://p>
                      _:c . }
        <http://g2> { <http://a> <http://p> 2 . <http://a> <http://p> 3 . <http://x> <http://p> "x"@fi . }
        { <http://a> <http://p> 2 . <http://a> <http://p> <http://x> . }
    """,
        format=ox.RdfFormat.TRIG,
    )
    merge_into_default_graph(store)
    return store


@pytest.mark.parametrize(
    "query",
    [
        # a blank-node chain with a cycle, a blank node reached twice, a triple in three graphs (said once)
        "DESCRIBE <http://a>",
        "DESCRIBE <http://a> <http://x>",
        "DESCRIBE <http://a> <http://a>",
        "describe<http://x>",
        "# a comment\nDESCRIBE <http://a>  # another\n# nonce 17\n",
        "DESCRIBE <http://nothing>",
    ],
)
def test_tricky_descriptions_match_the_engine(tricky_store: ox.Store, query: str) -> None:
    assert fast_describe(tricky_store, query) == engine_describe(tricky_store, query)


@pytest.mark.parametrize(
    "query",
    [
        "PREFIX ex: <http://ex/> DESCRIBE ex:a",
        "BASE <http://ex/> DESCRIBE <a>",
        "DESCRIBE <a>",  # relative: the engine resolves it against the base IRI
        "DESCRIBE <http://a/%zz>",  # invalid: the engine reports the syntax error
        "DESCRIBE <http://a> FROM <http://g1>",
        "DESCRIBE <http://a> WHERE {}",
        "DESCRIBE ?x WHERE { ?x ?p ?o }",
        "DESCRIBE *",
        "DESCRIBE",
        "SELECT * { <http://a> ?p ?o }",
        "DESCRIBE <http://a> LIMIT 1",
    ],
)
def test_anything_else_goes_to_the_engine(query: str) -> None:
    assert constant_iris(query) is None


def test_the_row_limit_cuts_a_description_and_says_so(tricky_store: ox.Store) -> None:
    triples, truncated = describe(tricky_store, (ox.NamedNode("http://a"),), 3)
    assert len(triples) == 3 and truncated
    everything = sum(engine_describe(tricky_store, "DESCRIBE <http://a>").values())
    triples, truncated = describe(tricky_store, (ox.NamedNode("http://a"),), everything)
    assert len(triples) == everything and not truncated


def test_execute_takes_this_path_only_without_a_dataset_clause(tricky_store: ox.Store) -> None:
    """default-graph-uri changes what DESCRIBE sees, so such a job must go through the engine."""
    job = Job("DESCRIBE <http://a>", None, "application/n-triples", ("http://g2",), (), (), 100, None)
    outcome, body = execute(tricky_store, job)
    assert outcome.kind == "graph"
    assert sorted(body.decode().splitlines()) == sorted(
        f"{t} ." for t in tricky_store.query("DESCRIBE <http://a>", default_graph=[ox.NamedNode("http://g2")])
    )
    assert body.count(b"\n") == 2  # g2 alone: 2 and 3
    unioned, _ = execute(
        tricky_store, Job("DESCRIBE <http://a>", None, "application/n-triples", (), (), (), 100, None)
    )
    assert unioned.kind == "graph" and unioned.rows == sum(
        engine_describe(tricky_store, "DESCRIBE <http://a>").values()
    )
