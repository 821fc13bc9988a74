"""An external engine that fails, hangs or loses its client: our error shape, and the upstream request
closed. The engine here is a small fake that answers the pointer and then does what each query asks
(the word after ``# `` in it), and records when its connection was closed.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
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


# Admission (server.sparql.admission) on the engine path, over HTTP: as tests/test_hostile.py checks it on
# the local one. A HANG query holds its slot until its time limit closes the engine request.


@pytest.fixture(scope="module")
def admitted(fake: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {
        "SMARTHAME_ENGINE": fake,
        "SMARTHAME_TIMEOUT": "5",
        "SMARTHAME_WORKERS": "2",
        "SMARTHAME_CLIENT_SLOTS": "1",
        "SMARTHAME_MAX_WAITING": "2",
    }
    server = LiveServer(tmp_path_factory.mktemp("admitted"), "--processes", "1", env=env)
    yield server
    server.stop()


def _from(server: LiveServer, address: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=server.url, transport=transport, timeout=30)


def _together(*calls: Callable[[], httpx.Response]) -> list[httpx.Response]:
    with ThreadPoolExecutor(len(calls)) as pool:
        return [f.result() for f in [pool.submit(c) for c in calls]]


HANG = "SELECT ?n WHERE { ?s ?p ?n } # HANG"
TIMED_OUT = {"QueryTimeout", "UpstreamTimeout"}  # waited past its limit, or ran into it at the engine


@pytest.mark.http
def test_one_client_address_holds_one_engine_slot_and_one_place_in_the_queue(admitted: LiveServer) -> None:
    mine = [_from(admitted, "127.0.0.40") for _ in range(4)]  # one address, four connections

    def hang(i: int) -> Callable[[], httpx.Response]:
        return lambda: mine[i].get("/sparql", params={"query": f"{HANG} {i}", "timeout": "2"})

    def other() -> httpx.Response:
        time.sleep(0.3)  # the hanging ones are in
        with _from(admitted, "127.0.0.41") as c:
            return c.get("/sparql", params={"query": "SELECT ?n WHERE { ?s ?p ?n } # another client"})

    *responses, theirs = _together(*(hang(i) for i in range(4)), other)
    for c in mine:
        c.close()
    refused = [r for r in responses if r.status_code == 429]
    assert len(refused) == 2, [(r.status_code, r.text[:80]) for r in responses]
    assert all(r.json()["error"] == "TooManyRequests" and r.headers["retry-after"] == "1" for r in refused)
    timed_out = [r for r in responses if r.status_code != 429]
    assert sorted(r.status_code for r in timed_out) in ([503, 504], [504, 504]), [r.text for r in timed_out]
    assert {r.json()["error"] for r in timed_out} <= TIMED_OUT
    assert theirs.status_code == 200, theirs.text


@pytest.mark.http
def test_a_full_engine_queue_answers_503_with_retry_after(admitted: LiveServer) -> None:
    clients = [_from(admitted, f"127.0.0.{50 + n}") for n in range(6)]

    def hang(n: int) -> Callable[[], httpx.Response]:
        def run() -> httpx.Response:
            time.sleep(0.1 * n)  # in order: two run, two wait, the rest find the queue full
            return clients[n].get("/sparql", params={"query": f"{HANG} {n}", "timeout": "2"})

        return run

    responses = _together(*(hang(n) for n in range(6)))
    for c in clients:
        c.close()
    overloaded = [r for r in responses if r.status_code == 503 and r.json()["error"] == "Overloaded"]
    assert len(overloaded) == 2, [(r.status_code, r.text[:80]) for r in responses]
    assert all(r.headers["retry-after"] == "1" and "max_waiting" in r.json()["message"] for r in overloaded)
    assert {r.json()["error"] for r in responses if r not in overloaded} <= TIMED_OUT
