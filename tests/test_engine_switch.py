"""A switch over an external engine rewrites the pointer and nothing else, and front ends follow it.

Over each engine (the library calls ``smarthame publish --to`` makes): a staged version is not served;
the switch changes no graph but the pointer's (every version's graphs keep their triples); the prune
drops the versions before the previous one and never the two the pointer names; a rollback points back.
Over oxigraph serve, with real processes: two front ends serve version 1, ``smarthame publish --to``
publishes version 2, both serve it within a few watch intervals, and a concurrent load on each sees no
failed and no mixed response (``tests.test_hot_switch.Load``: a response whose version header and body
disagree is mixed).
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from server.graph.versions import Published, open_published
from server.sparql.remote_graphs import VERSION_PREFIX
from server.sparql.remote_publish import Pointer, prune, publish_to, read_pointer, rollback, stage, switch
from server.sparql.remote_store import POINTER, open_engine
from server.web.app import create_app
from tests.conftest import LiveServer
from tests.engines import ENGINES, Engine
from tests.inprocess import in_process
from tests.releasing import ex2_start, publish_fixture, serving_settings, settings_for
from tests.test_hot_switch import START_QUERY, Load, answered_start

pytestmark = pytest.mark.engines
WATCH_INTERVAL = 0.25  # seconds: the default


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest, shared_engines) -> Engine:
    running: Engine = shared_engines.get(request.param)
    return running


def _versions(graphs: dict[str, int]) -> set[str]:
    return {g.removeprefix(VERSION_PREFIX).split(":")[0] for g in graphs if g.startswith(VERSION_PREFIX)}


def _fixture_version(build: Path, k: int, name: str) -> Published:
    """Fixture edit ``k`` published in ``build``, renamed ``name`` so that its graphs are this test's."""
    publish_fixture(build, k)
    return dataclasses.replace(open_published(settings_for(build)), version=name)


def test_a_switch_rewrites_the_pointer_and_nothing_else(engine: Engine, tmp_path: Path) -> None:
    settings = engine.settings(serving_settings(tmp_path / "front"))
    names = [f"switch-{k}" for k in range(3)]
    versions = [_fixture_version(tmp_path / "build", k, name) for k, name in enumerate(names)]
    publish_to(settings, versions[0])
    stage(settings, versions[1])
    assert open_engine(settings).version == names[0], "a staged version is not served"
    before = engine.graphs()
    assert {names[0], names[1]} <= _versions(before)

    switch(settings, names[1])
    after = engine.graphs()
    assert read_pointer(settings) == Pointer(names[1], names[0])
    assert {g: n for g, n in after.items() if g != POINTER} == {
        g: n for g, n in before.items() if g != POINTER
    }
    assert after[POINTER] == 2  # the version served and the previous one
    with in_process(create_app(settings)) as front:
        r = front.get("/sparql", params={"query": START_QUERY}, headers={"accept": "application/json"})
        assert r.headers["x-dataset-version"] == names[1] and answered_start(r.content) == ex2_start(1)

    dropped = prune(settings)
    assert names[0] not in dropped and names[1] not in dropped  # the two the pointer names stay
    publish_to(settings, versions[2])
    assert _versions(engine.graphs()) == {names[1], names[2]}
    assert rollback(settings) == names[1]
    assert read_pointer(settings) == Pointer(names[1], names[2])
    assert open_engine(settings).version == names[1]


def _publish_cli(engine: Engine, build: Path) -> None:
    """`smarthame publish --to URL` of ``build``'s current version, as an operator runs it."""
    env = {**os.environ, **engine.env(), "SMARTHAME_BUILD_DIR": str(build)}
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", "publish", "--to", engine.url],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _wait_for_version(front: LiveServer, version: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while (served := httpx.get(front.url + "/healthz").json()["version"]) != version:
        assert time.monotonic() < deadline, f"{front.url} still serves {served} after {seconds} s"
        time.sleep(0.05)


@pytest.mark.http
def test_two_front_ends_follow_a_publish_without_a_restart(shared_engines, tmp_path: Path) -> None:
    engine: Engine = shared_engines.get("oxigraph")
    build = tmp_path / "build"
    publish_fixture(build, 0)
    _publish_cli(engine, build)
    env = {**engine.env(), "SMARTHAME_WATCH_INTERVAL": str(WATCH_INTERVAL)}
    fronts = [LiveServer(tmp_path / f"front-{i}", "--processes", "1", env=env) for i in range(2)]
    try:
        loads = [Load(front, build, clients=2, checks=("_query", "_page")) for front in fronts]
        with loads[0], loads[1]:
            for load in loads:
                load.wait_for("1")
            publish_fixture(build, 1)
            _publish_cli(engine, build)  # returns once the pointer names version 2
            for front in fronts:
                _wait_for_version(front, "2", seconds=20 * WATCH_INTERVAL)  # a few watch intervals
            for load in loads:  # then the loads' latest 40 responses, all of version 2
                load.wait_for("2", seconds=120)
        health = [httpx.get(front.url + "/healthz").json() for front in fronts]
    finally:
        for front in fronts:
            front.stop()
    for load in loads:
        assert load.failed == [] and load.mixed == []
        assert set(load.seen) == {"1", "2"}, load.seen
    assert [h["version"] for h in health] == ["2", "2"]
