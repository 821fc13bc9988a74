"""The SPARQL endpoint's contract, in process: protocol parsing, negotiation, errors, limits, SERVICE
guard."""

from __future__ import annotations

import csv
import io
import random

import pyoxigraph as ox
import pytest

from server.errors import BadParameter, NotAcceptable, ServiceRefused, UpdateRefused
from server.sparql.engine import Job, execute
from server.sparql.federation import check_service, service_endpoints
from server.sparql.formats import GRAPH_ALIASES, GRAPH_TYPES, RESULT_TYPES, negotiate
from server.sparql.protocol import parse_request
from tests.conftest import with_engine

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# Domain and range of the SD vocabulary's properties (SPARQL 1.1 Service Description, section 3.3).
SD_SCHEMA: dict[str, tuple[str, str | None]] = {
    "endpoint": ("Service", None),
    "feature": ("Service", "Feature"),
    "defaultEntailmentRegime": ("Service", "EntailmentRegime"),
    "supportedLanguage": ("Service", "Language"),
    "languageExtension": ("Service", "Language"),
    "resultFormat": ("Service", None),
    "inputFormat": ("Service", None),
    "defaultDataset": ("Service", "Dataset"),
    "availableGraphs": ("Service", "GraphCollection"),
    "extensionFunction": ("Service", "Function"),
    "extensionAggregate": ("Service", "Aggregate"),
    "defaultGraph": ("Dataset", "Graph"),
    "namedGraph": ("GraphCollection", "NamedGraph"),
    "name": ("NamedGraph", None),
    "graph": ("NamedGraph", "Graph"),
    "entailmentRegime": ("NamedGraph", "EntailmentRegime"),
}
SD_CLASSES = {
    "Service",
    "Feature",
    "EntailmentRegime",
    "Language",
    "Dataset",
    "GraphCollection",
    "Function",
    "Aggregate",
    "Graph",
    "NamedGraph",
    "EntailmentProfile",
}
SUPERCLASSES = {"Dataset": {"GraphCollection"}}
SD_INSTANCES = {
    "SPARQL10Query",
    "SPARQL11Query",
    "SPARQL11Update",
    "DereferencesURIs",
    "UnionDefaultGraph",
    "RequiresDataset",
    "EmptyGraphs",
    "BasicFederatedQuery",
}


def schema_violations(store: ox.Store) -> list[str]:
    """Uses of the SD vocabulary that break its domains and ranges, or terms it does not define."""

    def types(node) -> set[str]:
        found = {
            q.object.value.removeprefix(SD)
            for q in store.quads_for_pattern(node, ox.NamedNode(RDF_TYPE), None)
        }
        return found | {sup for t in found for sup in SUPERCLASSES.get(t, ())}

    problems = []
    for q in store.quads_for_pattern(None, None, None, None):
        for term in (q.predicate, q.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(SD):
                local = term.value.removeprefix(SD)
                if local not in SD_SCHEMA and local not in SD_CLASSES and local not in SD_INSTANCES:
                    problems.append(f"undefined term sd:{local}")
        if not q.predicate.value.startswith(SD):
            continue
        domain, range_ = SD_SCHEMA[q.predicate.value.removeprefix(SD)]
        if domain not in types(q.subject):
            problems.append(f"{q.subject} uses sd:{q.predicate.value.removeprefix(SD)} but is no sd:{domain}")
        if range_ and range_ not in types(q.object):
            problems.append(f"{q.object} is the object of {q.predicate.value} but is no sd:{range_}")
    if not list(store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(SD + "Service"))):
        problems.append("no sd:Service")
    return problems


# --- negotiation -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept, fmt, expected",
    [
        (None, None, "application/sparql-results+json"),
        ("", None, "application/sparql-results+json"),
        ("text/csv", None, "text/csv"),
        ("text/csv;q=0.2, application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("text/*", None, "text/csv"),
        ("text/*;q=0.9, text/tab-separated-values", None, "text/tab-separated-values"),
        ("*/*;q=0.1, text/csv;q=0", None, "application/sparql-results+json"),
        ("application/json", None, "application/sparql-results+json"),
        ("text/csv", "xml", "application/sparql-results+xml"),
        (None, "application/sparql-results+json", "application/sparql-results+json"),
        ("garbage, text/tab-separated-values;q=abc", None, "text/tab-separated-values"),
    ],
)
def test_negotiate_results(accept, fmt, expected) -> None:
    assert negotiate(accept, RESULT_TYPES, fmt) == expected


def test_negotiate_graphs_and_refusals() -> None:
    assert negotiate("application/json", GRAPH_TYPES, None, GRAPH_ALIASES) == "application/ld+json"
    assert negotiate(None, GRAPH_TYPES, "nt") == "application/n-triples"
    with pytest.raises(NotAcceptable) as e:
        negotiate("image/png", RESULT_TYPES)
    assert e.value.offered == list(RESULT_TYPES)
    with pytest.raises(NotAcceptable):
        negotiate("text/csv;q=0", RESULT_TYPES)
    with pytest.raises(NotAcceptable):
        negotiate(None, RESULT_TYPES, "turtle")  # a format we know, not for these results
    with pytest.raises(BadParameter, match="Parameter 'format': unknown format 'pdf'"):
        negotiate(None, RESULT_TYPES, "pdf")


# --- protocol parsing -------------------------------------------------------------------------------------


def test_parse_the_three_ways_to_send_a_query() -> None:
    get = parse_request(
        "GET", b"query=ASK%20%7B%7D&default-graph-uri=http%3A%2F%2Fa%2F&timeout=2.5", None, b""
    )
    assert get.query == "ASK {}" and get.default_graph_uris == ("http://a/",) and get.timeout == 2.5
    form = parse_request(
        "POST",
        b"named-graph-uri=http%3A%2F%2Fb%2F",
        "application/x-www-form-urlencoded",
        b"query=ASK+%7B%7D&format=csv",
    )
    assert form.query == "ASK {}" and form.named_graph_uris == ("http://b/",) and form.format == "csv"
    direct = parse_request(
        "POST", b"", "application/sparql-query; charset=UTF-8", "ASK { ?s ?p 'ä' }".encode()
    )
    assert direct.query == "ASK { ?s ?p 'ä' }"
    assert parse_request("GET", b"", None, b"").query is None


@pytest.mark.parametrize(
    "method, qs, ctype, body, error, name",
    [
        ("GET", b"query=ASK%7B%7D&query=ASK%7B%7D", None, b"", BadParameter, "query"),
        ("GET", b"query=", None, b"", BadParameter, "query"),
        (
            "GET",
            b"query=ASK%7B%7D&default-graph-uri=not%20an%20iri",
            None,
            b"",
            BadParameter,
            "default-graph-uri",
        ),
        ("GET", b"query=ASK%7B%7D&named-graph-uri=relative", None, b"", BadParameter, "named-graph-uri"),
        ("GET", b"query=ASK%7B%7D&format=a&format=b", None, b"", BadParameter, "format"),
        ("GET", b"query=%ff", None, b"", BadParameter, "parameters in the URL"),
        ("POST", b"", "application/sparql-query", b"\xff\xfe", BadParameter, "query"),
        ("POST", b"query=ASK%7B%7D", "application/sparql-query", b"ASK {}", BadParameter, "query"),
        ("GET", b"update=CLEAR%20ALL", None, b"", UpdateRefused, None),
        ("POST", b"", "application/x-www-form-urlencoded", b"update=CLEAR+ALL", UpdateRefused, None),
        ("POST", b"", "application/sparql-update", b"CLEAR ALL", UpdateRefused, None),
        (
            "POST",
            b"using-graph-uri=http%3A%2F%2Fa%2F",
            "application/sparql-query",
            b"ASK {}",
            UpdateRefused,
            None,
        ),
    ],
)
def test_parse_errors_name_the_parameter(method, qs, ctype, body, error, name) -> None:
    with pytest.raises(error) as e:
        parse_request(method, qs, ctype, body)
    if name:
        assert e.value.message.startswith(f"Parameter '{name}'")


def test_parse_refuses_other_bodies_and_methods(sample_client) -> None:
    assert (
        sample_client.post("/sparql", content="ASK {}", headers={"content-type": "text/plain"}).status_code
        == 415
    )
    assert (
        sample_client.post(
            "/sparql",
            content="ASK {}".encode("utf-16"),
            headers={"content-type": "application/sparql-query; charset=UTF-16"},
        ).status_code
        == 415
    )
    r = sample_client.put("/sparql", content="ASK {}")
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD, POST"


# --- errors -------------------------------------------------------------------------------------------------


def test_a_syntax_error_gives_the_parsers_message_and_position(sample_client) -> None:
    r = sample_client.get("/sparql", params={"query": "SELECT ?s\nWHERE { ?s ?p }"})
    body = r.json()
    assert r.status_code == 400 and body["error"] == "QuerySyntaxError"
    assert body["message"].startswith("SPARQL syntax error: error at 2:16:")
    assert (body["line"], body["column"]) == (2, 16)


WEIRD = [
    {"query": "SELECT * { ?s ?p ?o } LIMIT -1"},
    {"query": "SELECT (1/0 AS ?x) {}"},
    {"query": "SELECT * { ?s ?p ?o FILTER(REGEX(?o, '(')) }"},
    {"query": "DESCRIBE ?s WHERE { ?s ?p ?o } LIMIT 3", "format": "csv"},
    {"query": "SELECT * { BIND(<not an iri> AS ?x) }"},
    {"query": "ASK {}", "default-graph-uri": ""},
    {"query": "SELECT * {} VALUES ?x { 1 }", "format": "html"},
    {"query": "\x00\x01"},
    {"query": 'PREFIX : <http://a/> SELECT * { :a :b "\\ud800" }'},
    {"query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <http://nowhere/> { ?s ?p ?o } }", "format": "jsonld"},
    {"query": "SELECT * { ?s ?p ?o }", "timeout": "1e309"},
    {"query": "ASK {}", "format": ""},
]


@pytest.mark.parametrize("params", WEIRD, ids=lambda p: repr(p)[:60])
def test_nothing_a_client_sends_gives_a_500(sample_client, params) -> None:
    r = sample_client.get("/sparql", params=params)
    assert r.status_code < 500, r.text


# --- limits
# ---------------------------------------------------------------------------------------------------


def _random_store(seed: int) -> ox.Store:
    rng = random.Random(seed)
    store = ox.Store()
    texts = [
        "plain",
        "with, comma",
        "line\nbreak",
        "tab\there",
        'quote " here',
        '},{"x":1}',
        "<result>",
        "ä € 🙂",
        "",
    ]
    for i in range(300):
        s = (
            ox.NamedNode(f"http://ex.org/s{rng.randrange(40)}")
            if rng.random() < 0.8
            else ox.BlankNode(f"b{i % 7}")
        )
        p = ox.NamedNode(f"http://ex.org/p{rng.randrange(5)}")
        o = rng.choice(
            [
                ox.Literal(rng.choice(texts), language=rng.choice(["fi", "en"]))
                if rng.random() < 0.3
                else ox.Literal(rng.choice(texts)),
                ox.Literal(
                    str(rng.randrange(100)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
                ),
                ox.NamedNode(f"http://ex.org/o{rng.randrange(50)}"),
            ]
        )
        store.add(ox.Quad(s, p, o))
    return store


def _job(text: str, media: str, max_rows: int) -> Job:
    graph = media if media in GRAPH_TYPES else None
    return Job(text, None if graph else media, graph, (), (), (), max_rows, None)


@pytest.mark.parametrize("media", RESULT_TYPES + GRAPH_TYPES)
@pytest.mark.parametrize("max_rows", [0, 1, 7, 250, 10_000])
def test_row_limit_is_exact_in_every_format(media: str, max_rows: int) -> None:
    store = _random_store(max_rows)
    graph = media in GRAPH_TYPES
    text = "CONSTRUCT WHERE { ?s ?p ?o }" if graph else "SELECT * { ?s ?p ?o OPTIONAL { ?o ?q ?r } }"
    full = (
        len(store.query(text).serialize(format=ox.RdfFormat.N_TRIPLES).splitlines())
        if graph
        else len(list(store.query(text)))
    )
    outcome, body = execute(store, _job(text, media, max_rows))
    assert outcome.error is None and outcome.truncated is (full > max_rows)
    if graph:
        got = len(list(ox.parse(body, format=ox.RdfFormat.from_media_type(media))))
    elif media == "text/csv":
        got = len(list(csv.reader(io.StringIO(body.decode(), newline="")))) - 1
    else:
        got = len(list(ox.parse_query_results(body, format=ox.QueryResultsFormat.from_media_type(media))))
    assert got == min(full, max_rows)
    if outcome.truncated and media == "application/sparql-results+json":
        assert body.startswith(b'{"truncated":true,')


# --- SERVICE guard ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service { ?service a <https://schema.org/Service> }",
        'SELECT * { ?s <http://x/service> "SERVICE <http://a/> {}" } # SERVICE <http://a/>',
        "PREFIX schema: <https://schema.org/> SELECT * { ?s a schema:Service ; schema:serviceType ?t }",
    ],
)
def test_service_guard_lets_the_word_pass_elsewhere(query: str) -> None:
    assert service_endpoints(query) == []
    check_service(query, ())


@pytest.mark.parametrize(
    "query, endpoints",
    [
        ("SELECT * { SERVICE <http://a/> { ?s ?p ?o } }", ["http://a/"]),
        ("SELECT * { ?s ?p 1SERVICE <http://a/> {} }", ["http://a/"]),
        ("SELECT * { ?s ?p trueSERVICE <http://a/> {} }", ["http://a/"]),
        ("SELECT * { FILTER(?a<?b)SERVICE<http://a/>{} }", ["http://a/"]),
        ("SELECT * { SERVICE <\\u0068ttp://a/> {} }", ["http://a/"]),
        ("PREFIX : <http://a/> SELECT * { SERVICE:x {} }", [None]),
        ("SELECT * { SERVICE ?u {} }", [None]),
        ("BASE <http://a/> SELECT * { SERVICE <x> {} }", [None]),
    ],
)
def test_service_guard_finds_every_form_the_parser_accepts(query: str, endpoints: list) -> None:
    assert service_endpoints(query) == endpoints


def test_the_allow_list_lets_only_its_endpoints_through() -> None:
    check_service("SELECT * { SERVICE <http://a/> {} }", ("http://a/",))
    with pytest.raises(ServiceRefused, match="not allowed"):
        check_service("SELECT * { SERVICE <http://b/> {} }", ("http://a/",))
    with pytest.raises(ServiceRefused, match="full IRI"):
        check_service("SELECT * { SERVICE ?x {} }", ("http://a/",))


def test_a_describe_past_the_inline_budget_is_finished_by_a_worker(tmp_path) -> None:
    from server.sparql.engine import INLINE_ROWS, QueryRequest

    big = tmp_path / "big.nt"
    big.write_text(
        "".join(
            f"<http://ex.org/hub> <http://ex.org/p> <http://ex.org/o{i}> .\n"
            for i in range(INLINE_ROWS + 500)
        )
    )

    async def both(engine):
        ask = QueryRequest("DESCRIBE <http://ex.org/hub>", None, graph_format="application/n-triples")
        return await engine.run(ask), await engine.run(
            QueryRequest("DESCRIBE <http://ex.org/o1>", "text/turtle")
        )

    result, small = with_engine((big,), both, workers=1)
    assert not result.truncated and result.body.count(b"\n") == INLINE_ROWS + 500
    assert small.kind == "graph" and small.body == b""


def test_the_cache_keeps_to_its_budgets() -> None:
    from server.sparql.cache import ENTRY_OVERHEAD, CachedResponse, ResultCache

    cache = ResultCache(max_entries=3, max_bytes=40_000)
    for i in range(5):
        entry = CachedResponse(b"x" * 1000, [])
        cache.put(i, entry)
        entry.gzipped()
    assert len(cache) == 3 and cache.get(0) is None and cache.get(4) is not None
    gzipped = len(cache.get(4).gzipped())
    assert cache.bytes == 3 * (1000 + gzipped + ENTRY_OVERHEAD + 8)  # each answer once, its key (8) too
    cache.put("huge", CachedResponse(b"x" * 5100, []))  # with room for its gzip copy, over a quarter
    assert cache.get("huge") is None and cache.hits == 2 and cache.misses == 2


def test_an_alias_finds_its_answer_costs_its_key_and_goes_with_it() -> None:
    from server.sparql.cache import CachedResponse, ResultCache, key_size

    cache = ResultCache(max_entries=2, max_bytes=100_000)
    entry = CachedResponse(b"y" * 1000, [(b"content-type", b"text/csv")])
    cache.put(("query", "ASK {}"), entry)
    held = cache.bytes
    alias = ("raw", b"query=ASK+%7B%7D", ("text/csv", None))
    cache.alias(alias, ("query", "ASK {}"))
    assert cache.get(alias) is entry and cache.bytes == held + key_size(alias)
    cache.alias(alias, ("query", "ASK {}"))  # once only
    assert cache.bytes == held + key_size(alias)
    cache.put("a", CachedResponse(b"a", []))
    cache.put("b", CachedResponse(b"b", []))  # evicts the first entry and its alias
    assert cache.get(alias) is None and len(cache) == 2
    assert cache.bytes == sum(e.size for e in (cache.get("a"), cache.get("b"))) + 2


def test_an_allowed_service_endpoint_is_called_and_others_are_not(sample_files) -> None:
    import http.server
    import threading

    from server.sparql.engine import QueryRequest

    answer = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"remote"}}]}}'
    calls: list[str] = []

    class Remote(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            calls.append(self.rfile.read(int(self.headers["content-length"])).decode())
            self.send_response(200)
            self.send_header("content-type", "application/sparql-results+json")
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args) -> None:
            pass

    remote = http.server.HTTPServer(("127.0.0.1", 0), Remote)
    threading.Thread(target=remote.serve_forever, daemon=True).start()
    allowed = f"http://127.0.0.1:{remote.server_address[1]}/sparql"
    try:
        query = f"SELECT ?x {{ SERVICE <{allowed}> {{ ?s ?p ?x }} }}"

        async def allowed_then_other(engine):
            result = await engine.run(QueryRequest(query, "text/tab-separated-values"))
            assert result.body == b'?x\n"remote"\n' and len(calls) == 1
            with pytest.raises(ServiceRefused):
                await engine.run(QueryRequest(query.replace("/sparql", "/other"), "text/csv"))

        with_engine(sample_files, allowed_then_other, workers=1, service_allowlist=(allowed,))
        assert len(calls) == 1
    finally:
        remote.shutdown()
        remote.server_close()
