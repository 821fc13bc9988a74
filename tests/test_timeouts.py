"""Timeouts really stop a query: 503 at the limit, the worker killed and replaced, other clients
unaffected."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.sparql.engine import Engine, QueryRequest
from tests.conftest import LiveServer, with_engine

# A five-way cross product of the 40 fixture triples: 10^8 solutions to count, far beyond a second.
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def timeout_server(
    sample_files: tuple[Path, ...], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("nobuild"), *map(str, sample_files), "--timeout", "1")
    yield server
    server.stop()


async def _runaway_and_simple(url: str) -> tuple[httpx.Response, float, bool, httpx.Response]:
    # Another client is another address (any 127.x.y.z reaches loopback): one address may hold only one
    # worker (setting client_slots), so its own second query would wait.
    other = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
    async with (
        httpx.AsyncClient(base_url=url, timeout=30) as client,
        httpx.AsyncClient(base_url=url, timeout=30, transport=other) as other_client,
    ):
        started = time.perf_counter()
        runaway = asyncio.create_task(client.get("/sparql", params={"query": RUNAWAY}))
        await asyncio.sleep(0.3)  # the runaway query is now holding a worker
        simple = await other_client.get(
            "/sparql", params={"query": "SELECT ?s { ?s a <http://example.org/Project> }"}
        )
        answered_meanwhile = not runaway.done()  # the other query came back while the runaway still ran
        slow = await runaway
        return slow, time.perf_counter() - started, answered_meanwhile, simple


@pytest.mark.http
def test_a_runaway_query_is_stopped_at_the_timeout_while_others_are_answered(
    timeout_server: LiveServer,
) -> None:
    slow, slow_seconds, answered_meanwhile, simple = asyncio.run(_runaway_and_simple(timeout_server.url))
    assert slow.status_code == 503
    assert slow.json()["error"] == "QueryTimeout" and "time limit of 1 s" in slow.json()["message"]
    assert slow_seconds >= 1.0  # never stopped early (a loaded machine only makes it later)
    assert simple.status_code == 200 and len(simple.json()["results"]["bindings"]) == 5
    assert answered_meanwhile
    # The killed worker is replaced: the pool is whole again and counted the timeout. It is killed up to
    # RECLAIM_GRACE after the client was answered, so first wait for no worker to be busy.
    deadline = time.monotonic() + 5
    while "smarthame_workers_busy 0\n" not in _metrics(timeout_server) and time.monotonic() < deadline:
        time.sleep(0.02)
    while httpx.get(timeout_server.url + "/healthz").json()["workers"] < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert httpx.get(timeout_server.url + "/healthz").json()["workers"] == 2
    metrics = _metrics(timeout_server)
    assert "smarthame_query_timeouts_total 1\n" in metrics
    assert "smarthame_worker_restarts_total 1\n" in metrics


@pytest.mark.http
def test_the_timeout_parameter_lowers_the_limit_but_cannot_raise_it(timeout_server: LiveServer) -> None:
    before = _timeouts(timeout_server)
    r = httpx.get(
        timeout_server.url + "/sparql", params={"query": RUNAWAY + " # lowered", "timeout": "0.2"}, timeout=30
    )
    assert r.status_code == 503 and "time limit of 0.2 s" in r.json()["message"]
    r = httpx.get(
        timeout_server.url + "/sparql", params={"query": RUNAWAY + " # raised", "timeout": "60"}, timeout=30
    )
    assert r.status_code == 503 and "time limit of 1 s" in r.json()["message"]
    assert _timeouts(timeout_server) == before + 2


def _metrics(server: LiveServer) -> str:
    return httpx.get(server.url + "/metrics").text


def _timeouts(server: LiveServer) -> int:
    text = httpx.get(server.url + "/metrics").text
    return int(
        next(
            line for line in text.splitlines() if line.startswith("smarthame_query_timeouts_total ")
        ).split()[1]
    )


@pytest.mark.parametrize("value", ["abc", "0", "-1", "nan", "inf"])
def test_a_bad_timeout_is_a_400_naming_it(sample_client, value: str) -> None:
    r = sample_client.get("/sparql", params={"query": "ASK {}", "timeout": value})
    assert r.status_code == 400 and r.json()["message"].startswith("Parameter 'timeout'")


def test_engine_waits_for_a_free_worker_within_the_time_limit(sample_files: tuple[Path, ...]) -> None:
    async def both(engine: Engine) -> list:
        return await asyncio.gather(
            engine.run(QueryRequest(RUNAWAY, JSON)),
            engine.run(QueryRequest("ASK {}", JSON)),
            return_exceptions=True,
        )

    async def both_then_count(engine: Engine) -> tuple[list, int]:
        return await both(engine), engine.timeouts

    (slow, queued), timeouts = with_engine(sample_files, both_then_count, workers=1, timeout=0.5)
    assert type(slow).__name__ == "QueryTimeout" and "ran longer than its time limit of 0.5 s" in slow.message
    assert type(queued).__name__ == "QueryTimeout" and "No query worker became free" in queued.message
    assert timeouts == 2


def test_a_query_past_the_worker_memory_cap_gets_a_503_and_a_fresh_worker(
    sample_files: tuple[Path, ...],
) -> None:
    sort_everything = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY DESC(?a) LIMIT 1"

    async def both(engine: Engine) -> list:
        first = await asyncio.gather(engine.run(QueryRequest(sort_everything, JSON)), return_exceptions=True)
        return [*first, await engine.run(QueryRequest("ASK {}", JSON))]

    failed, after = with_engine(sample_files, both, workers=1, worker_memory_mb=64)
    assert type(failed).__name__ == "WorkerDied" and "crashed or ran out of memory" in failed.message
    assert after.body == b'{"head":{},"boolean":true}'


def test_workers_are_still_replaced_after_the_zygote_died(sample_files: tuple[Path, ...]) -> None:
    import os
    import signal

    async def kill_zygote_then_ask(engine: Engine) -> bytes:
        assert engine.pool is not None
        os.kill(engine.pool._zygote_pid, signal.SIGKILL)  # its workers die with it
        deadline = time.monotonic() + 2
        while engine.pool.idle[0].alive() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        with pytest.raises(Exception, match="time limit"):
            await engine.run(QueryRequest(RUNAWAY, JSON))
        # The runaway's worker is killed RECLAIM_GRACE after its limit and replaced; wait for that (a fork
        # under load can take more than the 0.3 s limit), then the replacement answers.
        deadline = time.monotonic() + 5
        while not engine.pool.idle and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return (await engine.run(QueryRequest("ASK {}", JSON, timeout=0.3))).body

    assert (
        with_engine(sample_files, kill_zygote_then_ask, workers=1, timeout=0.3)
        == b'{"head":{},"boolean":true}'
    )
