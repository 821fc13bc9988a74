"""An external engine that fails, hangs or loses its client: our error shape, and the upstream request
closed. The engine here is a small fake that answers the pointer and then does what each query asks
(the word after ``# `` in it), and records when its connection was closed.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import httpx
import pytest

from server.settings import Settings
from server.sparql.remote_store import POINTER
from server.web.app import create_app
from tests.conftest import LiveServer
from tests.inprocess import in_process

MANIFEST = {
    "version": "fake-1",
    "base_iri": "https://w3id.org/smart-hame/",
    "modified": "2026-12-01T00:00:00+00:00",
    "triples": 1,
    "graphs": {"https://w3id.org/smart-hame/graph/projects": 1},
    "classes": {},
}
XML_HEAD = b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'


class FakeEngine(BaseHTTPRequestHandler):
    closed = threading.Event()  # set when a HANG query's connection is closed by the front end

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers["content-length"])).decode())
        query = form["query"][0]
        if POINTER in query:
            literal = json.dumps(MANIFEST).replace("&", "&amp;").replace("<", "&lt;")
            body = XML_HEAD + b'<variable name="m"/></head><results><result><binding name="m"><literal>'
            self._send(200, body + literal.encode() + b"</literal></binding></result></results></sparql>")
        elif "# FAIL" in query:
            self._send(500, b"Internal engine trouble")
        elif "# REFUSE" in query:
            self._send(400, b"syntax error at line 1")
        elif "# HANG" in query:
            self.send_response(200)
            self.send_header("content-type", "application/sparql-results+xml")
            self.end_headers()
            self.wfile.write(XML_HEAD + b'<variable name="s"/></head><results>')
            self.wfile.flush()
            self.connection.settimeout(60)
            try:  # the front end sends nothing more: recv returns b"" once it closes the connection
                if self.connection.recv(1) == b"":
                    FakeEngine.closed.set()
            except OSError:
                FakeEngine.closed.set()
        else:
            rows = b"".join(
                b'<result><binding name="n"><literal>%d</literal></binding></result>' % i for i in range(50)
            )
            self._send(
                200, XML_HEAD + b'<variable name="n"/></head><results>' + rows + b"</results></sparql>"
            )

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("content-type", "application/sparql-results+xml" if status == 200 else "text/plain")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def fake() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeEngine)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def front(fake: str) -> Iterator:
    with in_process(create_app(Settings(engine=fake, timeout=1, max_rows=20))) as c:
        yield c


def _ask(front, marker: str = "") -> httpx.Response:
    return front.get("/sparql", params={"query": f"SELECT ?n WHERE {{ ?s ?p ?n }} # {marker}"})


def test_rows_past_the_cap_are_cut(front) -> None:
    r = _ask(front)
    assert r.status_code == 200 and r.headers["x-truncated"] == "true"
    assert [b["n"]["value"] for b in r.json()["results"]["bindings"]] == [str(i) for i in range(20)]


def test_an_engine_that_fails_is_a_502(front) -> None:
    r = _ask(front, "FAIL")
    assert r.status_code == 502
    assert r.json() == {
        "error": "UpstreamFailed",
        "message": "The SPARQL engine failed with HTTP 500: Internal engine trouble",
        "status": 502,
    }


def test_a_query_the_engine_refuses_is_a_400(front) -> None:
    r = _ask(front, "REFUSE")
    assert (r.status_code, r.json()["error"]) == (400, "QueryFailed")


def test_an_engine_past_the_time_limit_is_a_504_and_its_request_is_closed(front) -> None:
    FakeEngine.closed.clear()
    r = _ask(front, "HANG")
    assert r.status_code == 504
    assert r.json()["error"] == "UpstreamTimeout" and "time limit of 1 s" in r.json()["message"]
    assert FakeEngine.closed.wait(10)


def test_an_engine_that_cannot_be_reached_is_a_502() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once the socket is closed
    from server.errors import UpstreamFailed
    from server.sparql.remote_store import open_engine

    with pytest.raises(UpstreamFailed, match="could not be reached"):
        open_engine(Settings(engine=f"http://127.0.0.1:{port}/sparql"))


@pytest.mark.http
def test_the_engine_request_is_closed_when_the_client_goes(fake: str, tmp_path) -> None:
    server = LiveServer(tmp_path, env={"SMARTHAME_ENGINE": fake, "SMARTHAME_TIMEOUT": "30"})
    try:
        FakeEngine.closed.clear()
        query = "SELECT%20%3Fn%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fn%20%7D%20%23%20HANG"
        with socket.create_connection(("127.0.0.1", server.port)) as client:
            client.sendall(f"GET /sparql?query={query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            time.sleep(1)  # the query is now waiting on the engine
        started = time.monotonic()
        assert FakeEngine.closed.wait(10), "the engine request outlived its client"
        assert time.monotonic() - started < 10  # well before the 30 s time limit
    finally:
        server.stop()
