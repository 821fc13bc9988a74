"""Hostile input over real HTTP (issue 12, items 2-6 and 10): each attack runs against one server process
while a probe from another address asks ``/healthz``; no attack gets a 500, the probe is always answered.

Bounded in count and time, loopback only. Latency here is asserted only where it cannot flake on a loaded
2-core machine: every probe answered within PROBE_BOUND, and within LOOP_BOUND where an attack used to
hold the event loop for seconds (today's figures, p99 included, come from bench/hostile.py).
Where a counter tells the story (workers busy, workers restarted) the test reads the counter instead.
"""

from __future__ import annotations

import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import LiveServer
from tests.rawhttp import connect, request_bytes, send_all

pytestmark = [pytest.mark.http, pytest.mark.hostile]

# A five-way cross product of the fixture triples: far more solutions than a 5 s limit lets it count.
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
PROBE_BOUND = 5.0  # seconds: generous, so a loaded machine cannot fail it; before the fixes, 10.7 s
# Where an attack used to block the event loop itself: the worst probe then waited 1.5-4.5 s (DESCRIBE of
# 2,020 terms) or timed out (3 MB Accept headers); since, under 0.1 s on the loaded 2-core machine.
LOOP_BOUND = 1.0


@pytest.fixture(scope="module")
def server(sample_files: tuple[Path, ...], tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {
        "SMARTHAME_TIMEOUT": "5",
        "SMARTHAME_WORKERS": "2",
        "SMARTHAME_CLIENT_SLOTS": "1",
        "SMARTHAME_MAX_WAITING": "2",
    }
    server = LiveServer(
        tmp_path_factory.mktemp("hostile"), *map(str, sample_files), "--processes", "1", env=env
    )
    yield server
    server.stop()


class Probe:
    """``GET /healthz`` from 127.0.0.250 every 50 ms in a thread, recording status and latency."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.results: list[tuple[int, float]] = []
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        transport = httpx.HTTPTransport(local_address="127.0.0.250")
        with httpx.Client(transport=transport, timeout=30) as client:
            client.get(self.url + "/healthz")  # connected before the attack starts
            self._ready.set()
            while not self._stop.is_set():
                started = time.perf_counter()
                status = client.get(self.url + "/healthz").status_code
                self.results.append((status, time.perf_counter() - started))
                self._stop.wait(0.05)

    def __enter__(self) -> Probe:
        self._thread.start()
        self._ready.wait(timeout=30)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def assert_answered(self, worst: float = PROBE_BOUND) -> None:
        assert self.results, "the probe sent nothing"
        assert {s for s, _ in self.results} == {200}
        latencies = [t for _, t in self.results]
        assert max(latencies) < worst, sorted(latencies)


def client(server: LiveServer, address: str, timeout: float = 30) -> httpx.Client:
    return httpx.Client(
        base_url=server.url, transport=httpx.HTTPTransport(local_address=address), timeout=timeout
    )


def metric(server: LiveServer, name: str) -> float:
    text = httpx.get(server.url + "/metrics", timeout=10).text
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match, name
    return float(match.group(1))


def settled_metric(server: LiveServer, name: str) -> float:
    """``name`` once no worker is busy: an overrun query's worker is killed (and counted) up to
    RECLAIM_GRACE after its client was answered, so a counter read at once may still move."""
    deadline = time.monotonic() + 10
    while metric(server, "smarthame_workers_busy") and time.monotonic() < deadline:
        time.sleep(0.02)
    return metric(server, name)


def concurrently(*calls: Callable[[], list[httpx.Response]]) -> list[httpx.Response]:
    with ThreadPoolExecutor(len(calls)) as pool:
        return [r for future in [pool.submit(c) for c in calls] for r in future.result()]


def no_server_errors(responses: list[httpx.Response]) -> None:
    """No 5xx except a query stopped at its time limit (503 QueryTimeout, by design)."""
    bad = [
        (r.status_code, r.text[:200])
        for r in responses
        if r.status_code >= 500 and not (r.status_code == 503 and r.json()["error"] == "QueryTimeout")
    ]
    assert bad == []


# Item 2: a huge Accept header no longer costs the event loop seconds ------------------------------------


def test_huge_accept_headers_are_refused_cheaply(server: LiveServer) -> None:
    accept = ", ".join(f"application/x-{i}" for i in range(100_000))  # 1.7 MB of media ranges

    def attack(n: int) -> Callable[[], list[httpx.Response]]:
        def run() -> list[httpx.Response]:
            with client(server, f"127.0.0.{10 + n}") as c:
                return [
                    c.get("/sparql", params={"query": f"ASK {{}} #{n}-{i}"}, headers={"Accept": accept})
                    for i in range(5)
                ]

        return run

    with Probe(server.url) as probe:
        responses = concurrently(*(attack(n) for n in range(4)))
    assert [r.status_code for r in responses] == [431] * 20
    assert all(r.json()["error"] == "HeadersTooLarge" for r in responses)
    probe.assert_answered(LOOP_BOUND)


# Item 3: a DESCRIBE of many terms goes to a worker, under its time limit ----------------------------------


def test_a_describe_of_two_thousand_terms_does_not_hold_the_event_loop(server: LiveServer) -> None:
    text = "PREFIX : <a:>\nDESCRIBE " + ": " * 2020  # 1.3-1.6 s of engine work each on this machine
    headers = {"Content-Type": "application/sparql-query", "Accept": "text/turtle"}

    def attack(n: int) -> Callable[[], list[httpx.Response]]:
        def run() -> list[httpx.Response]:
            with client(server, f"127.0.0.{20 + n}") as c:
                return [c.post("/sparql", content=f"{text}#{n}-{i}", headers=headers) for i in range(2)]

        return run

    with Probe(server.url) as probe:
        responses = concurrently(*(attack(n) for n in range(4)))
    no_server_errors(responses)  # two workers for four clients: some may wait past the 5 s limit
    assert {r.status_code for r in responses} <= {200, 503} and any(r.status_code == 200 for r in responses)
    probe.assert_answered(LOOP_BOUND)


# Item 4: abandoned queries, one client's share, the wait queue ----------------------------------------------


def test_a_query_whose_client_hung_up_stops_and_frees_its_worker(server: LiveServer) -> None:
    restarts = settled_metric(server, "smarthame_worker_restarts_total")
    target = "/sparql?query=" + urllib.parse.quote(RUNAWAY + " # hung up")
    for n in range(3):  # three clients send a heavy query and hang up
        with connect(server.port, source=f"127.0.0.{30 + n}") as sock:
            send_all(sock, request_bytes("GET", target))
            time.sleep(0.1)
    deadline = time.monotonic() + 1.5  # well inside the 5 s limit the queries would otherwise have run
    while metric(server, "smarthame_workers_busy") > 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert metric(server, "smarthame_workers_busy") == 0
    assert metric(server, "smarthame_worker_restarts_total") - restarts >= 2  # the two that were running
    with client(server, "127.0.0.39") as c:
        r = c.get("/sparql", params={"query": "ASK { ?s ?p ?o } # after the hang-ups"})
    assert r.status_code == 200 and r.json()["boolean"] is True


def test_one_client_address_holds_one_worker_and_one_place_in_the_queue(server: LiveServer) -> None:
    mine = [client(server, "127.0.0.40") for _ in range(4)]  # one address, four connections

    def heavy(i: int) -> list[httpx.Response]:
        return [mine[i].get("/sparql", params={"query": f"{RUNAWAY} #{i}", "timeout": "2"})]

    def other() -> list[httpx.Response]:
        time.sleep(0.3)  # the heavy ones are in
        with client(server, "127.0.0.41") as c:
            return [c.get("/sparql", params={"query": "ASK { ?s ?p ?o } # another client"})]

    with Probe(server.url) as probe:
        *responses, theirs = concurrently(*(lambda i=i: heavy(i) for i in range(4)), other)
    for c in mine:
        c.close()
    assert sorted(r.status_code for r in responses) == [429, 429, 503, 503]
    refused = [r for r in responses if r.status_code == 429]
    assert all(r.json()["error"] == "TooManyRequests" and r.headers["retry-after"] == "1" for r in refused)
    assert all(r.json()["error"] == "QueryTimeout" for r in responses if r.status_code == 503)
    assert theirs.status_code == 200
    probe.assert_answered()


def test_a_full_wait_queue_answers_503_with_retry_after(server: LiveServer) -> None:
    clients = [client(server, f"127.0.0.{50 + n}") for n in range(6)]  # made first: each costs CPU

    def heavy(n: int) -> list[httpx.Response]:
        time.sleep(0.1 * n)  # in order: two run, two wait, the rest find the queue full
        return [clients[n].get("/sparql", params={"query": f"{RUNAWAY} #{n}", "timeout": "2"})]

    with Probe(server.url) as probe:
        responses = concurrently(*(lambda n=n: heavy(n) for n in range(6)))
    for c in clients:
        c.close()
    overloaded = [r for r in responses if r.status_code == 503 and r.json()["error"] == "Overloaded"]
    assert len(overloaded) == 2, [(r.status_code, r.text[:40]) for r in responses]
    assert all(r.headers["retry-after"] == "1" and "max_waiting" in r.json()["message"] for r in overloaded)
    no_server_errors([r for r in responses if r not in overloaded])
    probe.assert_answered()


# Item 5: a tiny timeout costs no worker fork ----------------------------------------------------------------


def test_a_tiny_timeout_does_not_cost_a_worker_per_request(server: LiveServer) -> None:
    restarts = settled_metric(server, "smarthame_worker_restarts_total")
    with client(server, "127.0.0.60") as c:
        statuses = [
            c.get("/sparql", params={"query": f"ASK {{}} #{i}", "timeout": "0.000001"}).status_code
            for i in range(30)
        ]
        refused = c.get("/sparql", params={"query": "ASK {}", "timeout": "1e-300"})
    assert set(statuses) <= {200, 503} and statuses.count(200) >= 20  # floored at 10 ms
    assert settled_metric(server, "smarthame_worker_restarts_total") == restarts
    assert refused.status_code == 400 and refused.json()["error"] == "BadParameter"


# Item 6: queries nested deeper than the engine can parse are refused before it sees them -----------------


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }",
        "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000,
        "ASK " + "{ FILTER EXISTS " * 1_000 + "{}" + " }" * 1_000,
        "SELECT * { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(3_000)) + " }",
        "SELECT * { " + "UNION".join("{}" for _ in range(10_000)) + " }",  # within max_query_length
    ],
    ids=["parentheses", "groups", "filter-exists", "binds", "unions"],
)
def test_a_query_too_deep_for_the_engine_is_400_and_no_worker_dies(server: LiveServer, text: str) -> None:
    restarts = settled_metric(server, "smarthame_worker_restarts_total")
    headers = {"Content-Type": "application/sparql-query"}
    with Probe(server.url) as probe, client(server, "127.0.0.70") as c:
        responses = [c.post("/sparql", content=text.encode(), headers=headers) for _ in range(3)]
    assert [r.status_code for r in responses] == [400] * 3
    assert all(r.json()["error"] == "QueryTooComplex" for r in responses)
    assert settled_metric(server, "smarthame_worker_restarts_total") == restarts
    probe.assert_answered()


# Item 10: an aggregate the engine could not complete says so ----------------------------------------------


def test_an_aggregate_left_unbound_by_an_error_is_flagged(server: LiveServer) -> None:
    query = "SELECT (SUM(?o) AS ?total) (COUNT(*) AS ?n) { ?s ?p ?o }"  # labels are not numbers: SUM errs
    with client(server, "127.0.0.80") as c:
        r = c.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
        csv = c.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.headers["x-aggregate-errors"] == "?total"
    body = r.json()
    assert body["aggregate_errors"] == ["total"] and "total" not in body["results"]["bindings"][0]
    assert int(body["results"]["bindings"][0]["n"]["value"]) > 0
    assert csv.status_code == 200 and csv.headers["x-aggregate-errors"] == "?total"
