"""The SPARQL endpoint over real HTTP (`smarthame serve FILES` on the fixture files, max_rows 20)."""

from __future__ import annotations

import gzip
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from tests.conftest import LiveServer

pytestmark = pytest.mark.http
SD = "http://www.w3.org/ns/sparql-service-description#"
SELECT = (
    "SELECT ?p ?label { ?p a <http://example.org/Project> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"
)
CONSTRUCT = "CONSTRUCT { ?p ?q ?o } WHERE { ?p a <http://example.org/Project> ; ?q ?o }"


_clients: dict[str, httpx.Client] = {}


@pytest.fixture(scope="module", autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    for client in _clients.values():
        client.close()
    _clients.clear()


def get(server: LiveServer, **kwargs) -> httpx.Response:
    # One keep-alive connection per server: a repeated query reaches the same server process, and its cache.
    client = _clients.get(server.url) or _clients.setdefault(server.url, httpx.Client(timeout=10))
    return client.get(server.url + "/sparql", **kwargs)


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/*;q=0.8, application/sparql-results+json;q=0.1", "text/csv"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_results_follow_accept(sample_server: LiveServer, accept: str, expected: str) -> None:
    r = get(sample_server, params={"query": SELECT}, headers={"accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == expected
    if expected != "text/csv":  # pyoxigraph reads every results format but CSV
        rows = list(ox.parse_query_results(r.content, format=ox.QueryResultsFormat.from_media_type(expected)))
        assert len(rows) == 6


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/trig", "application/trig"),
        ("application/n-quads", "application/n-quads"),
        ("application/json", "application/ld+json"),
        (None, "text/turtle"),
    ],
)
def test_construct_results_follow_accept(
    sample_server: LiveServer, accept: str | None, expected: str
) -> None:
    r = get(sample_server, params={"query": CONSTRUCT}, headers={"accept": accept} if accept else {})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == expected
    triples = list(ox.parse(r.content, format=ox.RdfFormat.from_media_type(expected)))
    assert len(triples) == 20  # 27 triples about projects, cut at max_rows
    assert r.headers["x-truncated"] == "true"


def test_the_format_parameter_wins_over_accept(sample_server: LiveServer) -> None:
    r = get(
        sample_server,
        params={"query": SELECT, "format": "tsv"},
        headers={"accept": "application/sparql-results+xml"},
    )
    assert r.headers["content-type"].startswith("text/tab-separated-values")


def test_406_lists_the_offered_types(sample_server: LiveServer) -> None:
    r = get(sample_server, params={"query": SELECT}, headers={"accept": "image/png"})
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.json()["offered"] and "text/turtle" in r.json()["offered"]
    r = get(sample_server, params={"query": SELECT}, headers={"accept": "text/turtle"})
    assert r.status_code == 406 and r.json()["offered"][0] == "application/sparql-results+json"


def test_service_description_meets_the_three_w3c_checks(sample_server: LiveServer) -> None:
    endpoint = sample_server.url + "/sparql"
    for accept, fmt in [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        (None, ox.RdfFormat.TURTLE),
    ]:
        r = get(sample_server, headers={"accept": accept} if accept else {})
        assert r.status_code == 200  # returns-rdf: it parses as RDF
        store = ox.Store()
        store.load(r.content, format=fmt)
        has_endpoint = f"ASK {{ ?s a <{SD}Service> ; <{SD}endpoint> <{endpoint}> }}"
        assert store.query(has_endpoint)  # has-endpoint-triple
        from tests.test_sparql_endpoint import schema_violations

        assert schema_violations(store) == []  # conforms-to-schema
        graphs = {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(SD + "name"), None)}
        assert {"http://example.org/projects", "http://example.org/actors"} <= graphs


def test_a_browser_gets_the_query_page(sample_server: LiveServer) -> None:
    r = get(sample_server, headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.text.startswith("<!doctype html>") and "/sparql" in r.text


def test_truncated_results_say_so_in_a_header_and_the_json(sample_server: LiveServer) -> None:
    r = get(sample_server, params={"query": "SELECT * { ?s ?p ?o }"})
    body = r.json()
    assert r.headers["x-truncated"] == "true" and body["truncated"] is True
    assert len(body["results"]["bindings"]) == 20
    r = get(sample_server, params={"query": "SELECT * { ?s ?p ?o } LIMIT 20"})
    assert r.headers["x-truncated"] == "false" and "truncated" not in r.json()


def test_a_too_long_query_is_refused(sample_server: LiveServer) -> None:
    long = "ASK {}" + " " * 100_001
    r = httpx.post(
        sample_server.url + "/sparql", content=long, headers={"content-type": "application/sparql-query"}
    )
    assert r.status_code == 400 and r.json()["error"] == "QueryTooLong"


def test_etag_last_modified_and_304(sample_server: LiveServer) -> None:
    params = {"query": SELECT + " # etag"}
    first = get(sample_server, params=params)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert first.headers["x-cache"] == "miss"
    again = get(sample_server, params=params)
    assert (
        again.headers["x-cache"] == "hit" and again.headers["etag"] == etag and again.content == first.content
    )
    assert get(sample_server, params=params, headers={"if-none-match": etag}).status_code == 304
    assert get(sample_server, params=params, headers={"if-none-match": '"other"'}).status_code == 200
    assert get(sample_server, params=params, headers={"if-modified-since": modified}).status_code == 304
    other = get(sample_server, params=params, headers={"accept": "text/csv"})
    assert other.headers["etag"] != etag  # another representation, another tag
    description = get(sample_server)
    assert description.headers["etag"] and description.headers["last-modified"] == modified
    assert "etag" not in httpx.get(sample_server.url + "/metrics").headers


def test_repeated_post_queries_are_cached_too(sample_server: LiveServer) -> None:
    send = {"content": SELECT + " # post", "headers": {"content-type": "application/sparql-query"}}
    with httpx.Client() as client:  # one connection, so one server process and its cache
        assert client.post(sample_server.url + "/sparql", **send).headers["x-cache"] == "miss"
        assert client.post(sample_server.url + "/sparql", **send).headers["x-cache"] == "hit"


def test_cors_preflight_and_headers(sample_server: LiveServer) -> None:
    pre = httpx.options(
        sample_server.url + "/sparql",
        headers={
            "origin": "https://example.net",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == "*"
    assert "POST" in pre.headers["access-control-allow-methods"]
    assert pre.headers["access-control-allow-headers"] == "content-type"
    refused = httpx.options(
        sample_server.url + "/sparql",
        headers={"origin": "https://example.net", "access-control-request-method": "DELETE"},
    )
    assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers
    r = get(sample_server, params={"query": "ASK {}"}, headers={"origin": "https://example.net"})
    assert (
        r.headers["access-control-allow-origin"] == "*"
        and "ETag" in r.headers["access-control-expose-headers"]
    )


def test_gzip_when_asked(sample_server: LiveServer) -> None:
    params = {"query": "SELECT * { ?s ?p ?o } # gzip"}
    with httpx.Client() as client:
        for attempt in ("miss", "hit"):
            r = client.get(sample_server.url + "/sparql", params=params, headers={"accept-encoding": "gzip"})
            assert r.headers["content-encoding"] == "gzip" and r.headers["x-cache"] == attempt
            assert int(r.headers["content-length"]) < len(r.content)  # httpx has decoded it
            assert "Accept-Encoding" in r.headers["vary"]
            assert json.loads(r.content)["truncated"] is True
    plain = httpx.get(sample_server.url + "/sparql", params=params, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    with httpx.stream(
        "GET", sample_server.url + "/sparql", params=params, headers={"accept-encoding": "gzip"}
    ) as r:
        raw = b"".join(r.iter_raw())
    assert raw[:2] == b"\x1f\x8b" and gzip.decompress(raw) == plain.content


@pytest.fixture
def listener() -> Iterator[tuple[int, list]]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    connections: list = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                connections.append(conn.recv(200))
                conn.close()
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield sock.getsockname()[1], connections
    stop.set()
    thread.join()
    sock.close()


@pytest.mark.parametrize(
    "form",
    [
        "SELECT * {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
        "SELECT * {{ service silent <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "PREFIX : <http://127.0.0.1:{port}/> SELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}",
        "SELECT * {{ ?s ?p ?o . SERVICE#comment\n<\\u0068ttp://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
        "BASE <http://127.0.0.1:{port}/> SELECT * {{ SERVICE <x> {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_refused_and_never_reaches_the_port(
    sample_server: LiveServer, listener, form: str
) -> None:
    port, connections = listener
    r = get(sample_server, params={"query": form.format(port=port)})
    assert r.status_code == 400 and r.json()["error"] == "ServiceRefused"
    assert "--allow-service" in r.json()["message"]
    assert connections == []


def test_healthz_and_metrics(sample_server: LiveServer) -> None:
    get(sample_server, params={"query": "ASK {} # metrics"})
    get(sample_server, params={"query": "ASK {} # metrics"})
    health = httpx.get(sample_server.url + "/healthz")
    assert health.status_code == 200 and health.json()["status"] == "ok" and health.json()["workers"] == 2
    text = httpx.get(sample_server.url + "/metrics").text
    for name in (
        'smarthame_http_requests_total{route="/sparql",status="200"}',
        'smarthame_http_request_duration_seconds_bucket{le="+Inf"}',
        "smarthame_query_timeouts_total",
        "smarthame_cache_hits_total",
    ):
        assert name in text
    hits = next(line for line in text.splitlines() if line.startswith("smarthame_cache_hits_total"))
    assert float(hits.split()[1]) >= 1


def test_head_and_unsupported_methods(sample_server: LiveServer) -> None:
    r = httpx.head(sample_server.url + "/sparql", params={"query": "ASK {}"})
    assert r.status_code == 200 and r.content == b""
    r = httpx.delete(sample_server.url + "/sparql")
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD, POST"


def test_files_served_keep_their_named_graphs(
    sample_server: LiveServer, sample_files: tuple[Path, ...]
) -> None:
    r = get(sample_server, params={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"})
    graphs = [b["g"]["value"] for b in r.json()["results"]["bindings"]]
    assert graphs[:2] == ["http://example.org/actors", "http://example.org/projects"]
