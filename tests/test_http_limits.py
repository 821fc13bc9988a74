"""Bounds at the HTTP edge, over real HTTP (issue 12, items 1, 2, 7, 8, 9, 11, 16): request heads and
their size, head and body timeouts, open connections, settings and parameters read strictly, limits that
agree with their documentation, and a graceful stop that answers every request it took.
"""

from __future__ import annotations

import contextlib
import json
import re
import resource
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import LiveServer
from tests.rawhttp import closed_by_server, connect, exchange, read_response, request_bytes, send_all

pytestmark = pytest.mark.http
ASK = "/sparql?query=" + urllib.parse.quote("ASK {}")


@pytest.fixture(scope="module")
def bounded(sample_files: tuple[Path, ...], tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server process with short head and body timeouts, so the tests need not wait long."""
    env = {"SMARTHAME_HEAD_TIMEOUT": "1", "SMARTHAME_BODY_TIMEOUT": "1", "SMARTHAME_MAX_ROWS": "20"}
    server = LiveServer(
        tmp_path_factory.mktemp("bounded"), *map(str, sample_files), "--processes", "1", env=env
    )
    yield server
    server.stop()


def metric(server: LiveServer, name: str) -> float:
    text = httpx.get(server.url + "/metrics", timeout=10).text
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match, name
    return float(match.group(1))


# Item 1: header size, and what the cache keeps per header --------------------------------------------


@pytest.mark.parametrize("size", [40_000, 4_000_000])
def test_an_oversized_header_is_refused_with_431_in_our_shape(bounded: LiveServer, size: int) -> None:
    with connect(bounded.port) as sock:
        send_all(sock, request_bytes("GET", ASK, {"Accept": "a" * size}))
        r = read_response(sock)
    assert r is not None and r.status == 431
    assert r.json()["error"] == "HeadersTooLarge" and "max_header_bytes" in r.json()["message"]
    assert r.headers["connection"] == "close"


def test_headers_under_the_limit_are_served(bounded: LiveServer) -> None:
    r = exchange(bounded.port, request_bytes("GET", ASK, {"X-Padding": "a" * 30_000}))
    assert r is not None and r.status == 200


def test_distinct_accept_headers_share_one_cache_entry(bounded: LiveServer) -> None:
    """The cache is keyed on the negotiated media type, never on the header as sent."""
    query = "/sparql?query=" + urllib.parse.quote("SELECT * { ?s ?p ?o } LIMIT 1 # distinct accepts")
    before = metric(bounded, "smarthame_cache_entries")
    with httpx.Client(timeout=10) as client:
        for i in range(40):
            accept = f"application/sparql-results+json, application/x-{i}-{'p' * 500};q=0.1"
            assert client.get(bounded.url + query, headers={"Accept": accept}).status_code == 200
    assert metric(bounded, "smarthame_cache_entries") - before <= 2  # the answer, and its GET alias


# Item 2: a bounded number of media ranges ---------------------------------------------------------------


def test_an_accept_header_with_too_many_ranges_is_refused(bounded: LiveServer) -> None:
    many = ", ".join(f"application/x-{i}" for i in range(100))
    r = httpx.get(bounded.url + ASK, headers={"Accept": many}, timeout=10)
    assert r.status_code == 400
    assert r.json()["error"] == "BadParameter" and "Accept" in r.json()["message"]
    few = ", ".join(f"application/x-{i}" for i in range(20)) + ", application/sparql-results+xml"
    r = httpx.get(bounded.url + ASK, headers={"Accept": few}, timeout=10)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+xml")


# Item 7: heads and bodies have a time limit; connections have a cap ---------------------------------------


def test_a_connection_that_sends_nothing_is_closed(bounded: LiveServer) -> None:
    with connect(bounded.port, timeout=15) as sock:
        assert closed_by_server(sock)


def test_a_dripping_head_is_answered_408(bounded: LiveServer) -> None:
    with connect(bounded.port, timeout=15) as sock:
        head = request_bytes("GET", ASK)
        for byte in head[:20]:  # never reaches the end of the head
            if not send_all(sock, bytes([byte])):
                break
            time.sleep(0.1)
        r = read_response(sock)
    assert r is not None and r.status == 408 and r.json()["error"] == "RequestTimeout"
    assert "head_timeout" in r.json()["message"]


def test_a_body_shorter_than_announced_is_answered_408(bounded: LiveServer) -> None:
    with connect(bounded.port, timeout=15) as sock:
        send_all(
            sock,
            request_bytes(
                "POST", "/sparql", {"Content-Type": "application/sparql-query", "Content-Length": "100"}
            )
            + b"ASK {",
        )
        r = read_response(sock)
    assert r is not None and r.status == 408 and "body_timeout" in r.json()["message"]


def _nofile_256() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


def test_idle_connections_cannot_use_up_the_open_files(
    sample_files: tuple[Path, ...], tmp_path: Path
) -> None:
    """Under a 256 open-files limit, 400 idle connections: the server keeps answering others."""
    server = LiveServer(tmp_path, *map(str, sample_files), "--processes", "1", preexec_fn=_nofile_256)
    with contextlib.ExitStack() as stack:
        stack.callback(server.stop)
        for _ in range(400):
            stack.enter_context(connect(server.port, timeout=5))
        time.sleep(0.5)
        with httpx.Client(timeout=5) as client:
            statuses = [client.get(server.url + ASK + f"%23{i}").status_code for i in range(10)]
        assert statuses == [200] * 10


# Item 8: settings and parameters, strictly ------------------------------------------------------------


@pytest.mark.parametrize("value", ["1_0", "\u0665", "nan", "inf", "-1", "0", "1e-3", " "])
def test_a_timeout_parameter_must_be_plain_positive_digits(bounded: LiveServer, value: str) -> None:
    r = httpx.get(bounded.url + "/sparql", params={"query": "ASK {}", "timeout": value}, timeout=10)
    assert r.status_code == 400 and r.json()["error"] == "BadParameter" and "timeout" in r.json()["message"]


@pytest.mark.parametrize(
    "args, env",
    [
        (["--timeout", "nan"], {}),
        (["--timeout", "inf"], {}),
        ([], {"SMARTHAME_TIMEOUT": "1_0"}),
        ([], {"SMARTHAME_WORKERS": "\u0665"}),
        ([], {"SMARTHAME_MAX_CONNECTIONS": "0"}),
        ([], {"SMARTHAME_HEAD_TIMEOUT": "nan"}),
        ([], {"SMARTHAME_MAX_URL_BYTES": "70000"}),
    ],
)
def test_a_setting_that_cannot_work_stops_the_server_with_its_name(
    tmp_path: Path, args: list[str], env: dict[str, str]
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "serve", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "SMARTHAME_BUILD_DIR": str(tmp_path), **env},
    )
    assert result.returncode == 2
    assert "error" in result.stderr and ("timeout" in result.stderr or "SMARTHAME_" in result.stderr)


# Item 9: limits as documented, in our error shape -------------------------------------------------------


def test_a_too_long_url_is_414_saying_to_post(bounded: LiveServer) -> None:
    target = "/sparql?query=" + urllib.parse.quote("ASK {} #" + "x" * 70_000)
    r = exchange(bounded.port, request_bytes("GET", target))
    assert r is not None and r.status == 414
    assert r.json()["error"] == "URITooLong" and "POST" in r.json()["message"]


@pytest.mark.parametrize("character", ["ä", "\U0001f600"])
@pytest.mark.parametrize("how", ["form", "direct"])
def test_a_query_of_max_query_length_multibyte_characters_is_accepted(
    bounded: LiveServer, character: str, how: str
) -> None:
    """max_query_length counts characters: 100,000 of them pass however many bytes they take."""
    text = "ASK {} #" + character * (100_000 - len("ASK {} #"))
    assert len(text) == 100_000
    if how == "form":
        r = httpx.post(bounded.url + "/sparql", data={"query": text}, timeout=30)
    else:
        headers = {"Content-Type": "application/sparql-query"}
        r = httpx.post(bounded.url + "/sparql", content=text.encode(), headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    r = httpx.post(bounded.url + "/sparql", data={"query": text + "x"}, timeout=30)
    assert r.status_code == 400 and r.json()["error"] == "QueryTooLong"


# Item 16: a graceful stop answers what it took ------------------------------------------------------------


@pytest.mark.parametrize("processes", ["1", "2"])
def test_a_graceful_stop_answers_requests_on_kept_alive_connections(
    sample_files: tuple[Path, ...], tmp_path: Path, processes: str
) -> None:
    server = LiveServer(tmp_path, *map(str, sample_files), "--processes", processes)
    with contextlib.ExitStack() as stack:
        connections = [stack.enter_context(connect(server.port)) for _ in range(12)]
        for sock in connections:  # each kept alive after one answer
            send_all(sock, request_bytes("GET", ASK))
            r = read_response(sock)
            assert r is not None and r.status == 200
        server.proc.send_signal(signal.SIGTERM)
        time.sleep(0.2)
        answers = []
        for sock in connections:
            send_all(sock, request_bytes("GET", ASK))
            answers.append(read_response(sock))
        assert [a.status if a else None for a in answers] == [200] * 12
        assert all(a.headers.get("connection") == "close" for a in answers if a)
        assert all(closed_by_server(sock) for sock in connections)
        # uvicorn ends a single process by raising the SIGTERM it caught again, once it has stopped cleanly
        assert server.proc.wait(timeout=20) in (0, -signal.SIGTERM)
        stack.callback(server.stop)


def test_an_answer_in_flight_at_a_stop_is_completed(sample_files: tuple[Path, ...], tmp_path: Path) -> None:
    server = LiveServer(tmp_path, *map(str, sample_files), "--processes", "1")
    try:
        slow = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        with connect(server.port, timeout=30) as sock:
            send_all(sock, request_bytes("GET", "/sparql?query=" + urllib.parse.quote(slow)))
            time.sleep(0.3)
            server.proc.send_signal(signal.SIGTERM)
            r = read_response(sock)
        assert r is not None and r.status == 200 and json.loads(r.body)["results"]["bindings"]
        assert r.headers.get("connection") == "close"
    finally:
        server.stop()
