"""Answers that used to be wrong over real HTTP (issue 12, items 13 and 14): no 500 for a path or Host
that is no valid IRI part, and HEAD wherever GET answers.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from tests.conftest import LiveServer
from tests.rawhttp import connect, exchange, read_response, request_bytes, send_all

pytestmark = pytest.mark.http


@pytest.mark.parametrize("path", ["/a%20b", "/a%22", "/a%3C", "/a%zz", "/a%00", "/a\\b", "/a%7Bb%7D"])
def test_a_path_that_decodes_to_no_iri_is_404_in_our_shape(live_server: LiveServer, path: str) -> None:
    r = exchange(live_server.port, request_bytes("GET", path, {"Accept": "text/turtle"}))
    assert r is not None and r.status == 404, r.body[:300]
    assert r.json()["error"] == "NotFound"


@pytest.mark.parametrize("host", ["a b", 'a"b', "a<b>", "a/b", ""])
def test_an_unsafe_host_gives_a_description_of_the_listening_address(
    live_server: LiveServer, host: str
) -> None:
    r = exchange(
        live_server.port,
        request_bytes("GET", "/sparql", {"Accept": "text/turtle"}).replace(
            b"Host: 127.0.0.1", f"Host: {host}".encode()
        ),
    )
    assert r is not None and r.status == 200, r.body[:300]
    assert r.headers["vary"] == "Accept, Host, Accept-Encoding"
    graph = ox.Store()
    graph.load(r.body, format=ox.RdfFormat.TURTLE)
    endpoints = [q.object.value for q in graph.quads_for_pattern(None, ox.NamedNode(SD_ENDPOINT), None)]
    assert endpoints == [f"http://127.0.0.1:{live_server.port}/sparql"]


def test_a_valid_host_names_the_endpoint(live_server: LiveServer) -> None:
    r = exchange(
        live_server.port,
        request_bytes("GET", "/sparql", {"Accept": "text/turtle"}).replace(
            b"Host: 127.0.0.1", b"Host: data.example.org:8080"
        ),
    )
    assert r is not None and r.status == 200
    assert b"<http://data.example.org:8080/sparql>" in r.body


SD_ENDPOINT = "http://www.w3.org/ns/sparql-service-description#endpoint"
GETS = ["/healthz", "/metrics", "/docs", "/openapi.json", "/queries", "/queries.json", "/catalog", "/dumps/"]


@pytest.mark.parametrize(
    "path", [*GETS, "/queries/organisations-by-type", "/queries/organisations-by-type.csv"]
)
def test_every_get_route_answers_head_alike(live_server: LiveServer, path: str) -> None:
    got = exchange(live_server.port, request_bytes("GET", path))
    with connect(live_server.port) as sock:
        send_all(sock, request_bytes("HEAD", path))
        head = read_response(sock, head_only=True)
        sock.settimeout(0.3)
        with pytest.raises(TimeoutError):  # no body follows, whatever Content-Length says
            sock.recv(1)
    assert got is not None and head is not None
    assert (head.status, head.body) == (got.status, b"") and got.status == 200
    assert head.headers["content-type"] == got.headers["content-type"]
