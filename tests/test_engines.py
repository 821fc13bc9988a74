"""The front end over real external engines: the bundled version published into each, then served.

Over each engine (``tests.engines``): what ``publish --to`` leaves (the version in its own graphs, the
pointer), queries answered as the in-memory engine answers them (graph names in the query and in the
answer included: ``server.sparql.remote_graphs``), the row cap, a sample of pages, the dumps, catalogue,
VoID and dashboard, and a load that fails its check leaving the served version as it was. Two front ends
following a switch: ``tests.test_engine_switch``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from server.errors import UpstreamFailed
from server.graph.versions import open_files, open_published
from server.settings import Settings
from server.sparql.remote_graphs import VERSION_PREFIX, staging_graph, version_iri
from server.sparql.remote_publish import publish_to, read_pointer
from server.sparql.remote_store import local_copy, open_engine
from server.web.app import create_app
from tests.engines import ENGINES, Engine
from tests.inprocess import in_process

pytestmark = pytest.mark.engines
BASE = "https://w3id.org/smart-hame/"
# The release history of a catalogue: the versions, and the software their PROV activities name.
HISTORY = (BASE + "versions/", BASE + "catalog#software")
PROJECT = BASE + "project/15349"
GRAPH = BASE + "graph/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DCAT_BYTE_SIZE = "http://www.w3.org/ns/dcat#byteSize"
SPDX_CHECKSUM_VALUE = "http://spdx.org/rdf/terms#checksumValue"


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest, settings: Settings, shared_engines) -> Engine:
    """An engine serving the bundled version, published by `publish --to`'s library call."""
    running: Engine = shared_engines.get(request.param)
    publish_to(running.settings(settings), open_published(settings))
    return running


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator:
    """An in-process front end over the in-memory engine, for this module only (its thread ends with it)."""
    with in_process(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def remote(engine: Engine, settings: Settings) -> Iterator:
    """An in-process front end over ``engine``."""
    with in_process(create_app(engine.settings(settings))) as c:
        yield c


def _engine_graphs(engine: Engine) -> dict[str, int]:
    """Every graph the engine holds whose name is ours: the public names and the versions'."""
    return engine.graphs((BASE, "urn:smarthame:"))


def test_publish_leaves_the_version_in_its_own_graphs_and_a_pointer_naming_it(engine, settings) -> None:
    published = open_published(settings)
    served = open_engine(engine.settings(settings))
    assert served.version == published.version
    assert served.manifest["graphs"] == published.manifest["graphs"]
    graphs = _engine_graphs(engine)
    mine = {g: n for g, n in graphs.items() if g.startswith(version_iri(published.version) + ":")}
    assert mine == {staging_graph(published.version, g): n for g, n in published.manifest["graphs"].items()}
    assert graphs[version_iri(published.version)] == 1  # its manifest
    assert not any(g.startswith(BASE) for g in graphs)  # nothing under a public graph name
    pointer = read_pointer(engine.settings(settings))
    assert pointer.serves == published.version
    others = {g.removeprefix(VERSION_PREFIX).split(":")[0] for g in graphs if g.startswith(VERSION_PREFIX)}
    assert others - {version_iri(published.version).removeprefix(VERSION_PREFIX)} <= (
        {quote(pointer.previous, safe="")} if pointer.previous else set()
    )


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        f"SELECT ?p ?o WHERE {{ <{PROJECT}> ?p ?o }}",
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c }",
        'SELECT ?s WHERE { ?s ?p "Hämeen ammattikorkeakoulu Oy"@fi }',
        f"ASK {{ <{PROJECT}> ?p ?o }}",
        "ASK { ?s <urn:nothing> ?o }",
        # Graph names in the query (server.sparql.remote_graphs): mapped where they name a graph ...
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}projects> {{ ?s ?p ?o }} }}",
        f"PREFIX g: <{GRAPH}> SELECT ?s WHERE {{ GRAPH g:actors {{ ?s a ?c }} }} ORDER BY ?s LIMIT 5",
        f"BASE <{BASE}> SELECT (COUNT(*) AS ?n) FROM <graph/strategy> WHERE {{ ?s ?p ?o }}",  # noqa: S608
        f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{GRAPH}links> FROM NAMED <{GRAPH}actors> "  # noqa: S608
        "WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ <{GRAPH}projects> <{GRAPH}links> }} "
        "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
        f"FILTER(?g = <{GRAPH}actors> || ?g IN (<{GRAPH}links>)) }} GROUP BY ?g",
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ BIND(<{GRAPH}strategy> AS ?g) GRAPH ?g {{ ?s ?p ?o }} }} "
        "GROUP BY ?g",
        # ... and left alone where the graph is a resource the data describes, and in strings
        f"SELECT ?label WHERE {{ <{GRAPH}classification> <{RDFS_LABEL}> ?label }}",
        f'SELECT ?s WHERE {{ GRAPH <{GRAPH}projects> {{ ?s ?p "<{GRAPH}projects>" }} }}',
        # Literals with whitespace at their ends (see test_literals_keep_the_whitespace_at_their_ends)
        "SELECT ?text WHERE { GRAPH ?g { ?shape <http://www.w3.org/ns/shacl#select> ?text } }",
    ],
    ids=[
        "graph-sizes",
        "one-project",
        "typed-subjects",
        "non-ascii-literal",
        "ask-true",
        "ask-false",
        "graph-iri",
        "graph-prefixed-name",
        "from-relative-to-base",
        "from-named",
        "values-of-a-graph-variable",
        "graph-variable-compared",
        "graph-variable-bound",
        "graph-as-a-resource",
        "graph-name-in-a-string",
        "literal-edge-whitespace",
    ],
)
def test_rows_match_the_in_memory_engine(remote, client, query: str) -> None:
    got = remote.get(
        "/sparql", params={"query": query}, headers={"accept": "application/sparql-results+json"}
    )
    want = client.get(
        "/sparql", params={"query": query}, headers={"accept": "application/sparql-results+json"}
    )
    assert got.status_code == want.status_code == 200, got.text
    assert _solutions(got.json()) == _solutions(want.json())


def test_a_request_dataset_names_public_graphs(remote, client) -> None:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    params = {"query": query, "named-graph-uri": [GRAPH + "actors", GRAPH + "links"]}
    headers = {"accept": "application/sparql-results+json"}
    got, want = (
        remote.get("/sparql", params=params, headers=headers),
        client.get("/sparql", params=params, headers=headers),
    )
    assert got.status_code == want.status_code == 200, got.text
    assert _solutions(got.json()) == _solutions(want.json())
    assert {r["g"]["value"] for r in got.json()["results"]["bindings"]} == {GRAPH + "actors", GRAPH + "links"}


def test_graph_names_in_a_constructed_graph_are_the_public_ones(remote, client) -> None:
    query = "CONSTRUCT { ?g a <urn:example:Graph> } WHERE { GRAPH ?g { ?s ?p ?o } }"
    got = remote.get("/sparql", params={"query": query}, headers={"accept": "text/turtle"})
    want = client.get("/sparql", params={"query": query}, headers={"accept": "text/turtle"})
    assert got.status_code == want.status_code == 200, got.text
    assert _triples(got.content) == _triples(want.content) != set()


@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_graphs_match_the_in_memory_engine(remote, client, form: str) -> None:
    query = f"CONSTRUCT {{ <{PROJECT}> ?p ?o }} WHERE {{ <{PROJECT}> ?p ?o }}"
    if form == "DESCRIBE":
        query = f"DESCRIBE <{PROJECT}>"
    got = remote.get("/sparql", params={"query": query}, headers={"accept": "text/turtle"})
    want = client.get("/sparql", params={"query": query}, headers={"accept": "text/turtle"})
    assert got.status_code == want.status_code == 200, got.text
    assert got.headers["content-type"].startswith("text/turtle")
    assert _triples(got.content) == _triples(want.content) != set()


def test_the_row_cap_cuts_and_says_so(engine, settings) -> None:
    with in_process(create_app(engine.settings(settings, max_rows=7))) as capped:
        select = capped.get(
            "/sparql", params={"query": "SELECT * { ?s ?p ?o }"}, headers={"accept": "text/csv"}
        )
        construct = capped.get(
            "/sparql",
            params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
            headers={"accept": "application/n-triples"},
        )
        exact = capped.get(
            "/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 7"}, headers={"accept": "text/csv"}
        )
    assert select.status_code == 200 and select.headers["x-truncated"] == "true"
    assert len(select.text.strip().splitlines()) == 1 + 7
    assert construct.headers["x-truncated"] == "true"
    assert len(construct.text.strip().splitlines()) == 7
    assert exact.headers["x-truncated"] == "false" and len(exact.text.strip().splitlines()) == 8


def test_a_query_the_engine_refuses_is_a_400_in_our_shape(remote) -> None:
    r = remote.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert r.status_code == 400
    assert r.json()["error"] == "QueryFailed" and r.json()["message"].startswith("The SPARQL engine refused")


def test_our_walls_stand_before_the_engine(engine, settings) -> None:
    with in_process(create_app(engine.settings(settings, max_query_length=50))) as short:
        too_long = short.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } # " + "x" * 60})
        service = short.get("/sparql", params={"query": "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"})
    assert (too_long.status_code, too_long.json()["error"]) == (400, "QueryTooLong")
    assert (service.status_code, service.json()["error"]) == (400, "ServiceRefused")


@pytest.mark.parametrize(
    "path",
    [
        "/project/15349.ttl",
        "/organisation/hameen-ammattikorkeakoulu-oy.ttl",
        "/concept/spearheads/circular-economy.ttl",
    ],
)
def test_resource_descriptions_match_the_in_memory_ones(remote, client, path: str) -> None:
    got, want = remote.get(path), client.get(path)
    assert got.status_code == want.status_code == 200, got.text
    assert _triples(got.content) == _triples(want.content) != set()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/project/15349",
        "/organisation/hameen-ammattikorkeakoulu-oy",
        "/graph/projects",
        "/ontology/Project",
    ],
)
def test_pages_render_as_over_the_in_memory_engine(remote, client, path: str) -> None:
    got, want = remote.get(path), client.get(path)
    assert got.status_code == want.status_code == 200, got.text
    assert _visible_text(got.text) == _visible_text(want.text)


@pytest.mark.parametrize(
    "path",
    ["/catalog.ttl", "/.well-known/void.ttl", "/dashboard/network.json", "/queries/spearhead-overview.json"],
)
def test_descriptions_and_dashboard_answer(remote, client, path: str) -> None:
    got, want = _settled(remote, path), _settled(client, path)
    assert got.status_code == want.status_code == 200, got.text
    if path.endswith(".ttl"):  # the dumps' byte sizes are those of the engine's literal forms
        # An engine's front end describes the served version only: the release history (versions/N, its
        # notes, PROV, dumps and software agent) lives in the build folder that published it, which it
        # does not read.
        assert _triples(got.content, blank=False, sizes=False, history=False) == _triples(
            want.content, blank=False, sizes=False, history=False
        )


def test_the_dumps_hold_the_published_quads(remote, client) -> None:
    listing = _settled(remote, "/dumps/", headers={"accept": "application/json"})
    assert listing.status_code == 200, listing.text
    names = [f["name"] for f in listing.json()["files"] if f["format"] == "nquads" and f["compressed"]]
    assert len(names) == 1, listing.text
    got, want = remote.get("/dumps/" + names[0]), _settled(client, "/dumps/" + names[0])
    assert got.status_code == want.status_code == 200
    assert _quads(got.content) == _quads(want.content)


def test_literals_keep_the_whitespace_at_their_ends(engine, settings) -> None:
    """In the store's reads (the dumps, the pages; the answers: "literal-edge-whitespace" above): the
    shapes' SPARQL texts begin with a newline, which pyoxigraph's reading of SPARQL XML results would
    drop (``server.sparql.remote``)."""
    select = ox.NamedNode("http://www.w3.org/ns/shacl#select")
    texts = sorted(
        {q.object.value for q in open_published(settings).store.quads_for_pattern(None, select, None)}
    )
    assert texts and all(t.startswith("\n") and t != t.strip() for t in texts)
    served = open_engine(engine.settings(settings))
    try:
        read = local_copy(served).store.quads_for_pattern(None, select, None)
        assert sorted({q.object.value for q in read}) == texts
    finally:
        served.store.close()


def test_a_load_that_fails_its_check_leaves_the_served_version(engine, settings, sample_files) -> None:
    files = open_files(sample_files, settings)  # small: the check, not the load, is under test
    graph = next(g for g in files.manifest["graphs"] if g != "(default graph)")
    wrong = dataclasses.replace(
        files,
        version="broken",
        manifest={**files.manifest, "graphs": {**files.manifest["graphs"], graph: 1}},
    )
    before = _engine_graphs(engine)
    with pytest.raises(UpstreamFailed, match="other counts"):
        publish_to(engine.settings(settings), wrong)
    assert _engine_graphs(engine) == before
    assert open_engine(engine.settings(settings)).version == open_published(settings).version


# --- helpers -----------------------------------------------------------------------------------------


def _settled(c, path: str, **kwargs):
    """The answer once the dumps it needs are written (503 "being written" until then)."""
    import time

    deadline = time.monotonic() + 120
    while (r := c.get(path, **kwargs)).status_code == 503 and "being written" in r.text:
        assert time.monotonic() < deadline, "the dumps were not written in 120 s"
        time.sleep(0.5)
    return r


def _solutions(body: dict) -> object:
    if "boolean" in body:
        return body["boolean"]
    rows = body["results"]["bindings"]
    return sorted(json.dumps(r, sort_keys=True) for r in rows)


def _triples(data: bytes, blank: bool = True, sizes: bool = True, history: bool = True) -> set[str]:
    parsed = ox.parse(data, format=ox.RdfFormat.TURTLE)
    return {
        str(t)
        for t in parsed
        if (blank or not (isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)))
        and (sizes or t.predicate.value not in (DCAT_BYTE_SIZE, SPDX_CHECKSUM_VALUE))
        and (history or not any(x.value.startswith(HISTORY) for x in (t.subject, t.object)))
    }


def _quads(gz: bytes) -> set[str]:
    """The dump's quads as an engine holds them: literals in their canonical forms (an engine stores
    values, so "2026-12-01T00:00:00+00:00" comes back as "...Z"), blank nodes canonically labelled."""
    import gzip

    store = ox.Store()
    store.bulk_extend(ox.parse(gzip.decompress(gz), format=ox.RdfFormat.N_QUADS))
    dataset = ox.Dataset(store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


def _visible_text(html: str) -> list[str]:
    """The page's words, sorted: the same content, whatever order the engine returned statements in."""
    import re

    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return sorted(re.sub(r"<[^>]+>", " ", text).split())
