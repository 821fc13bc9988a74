"""A running server switches to a newly published version without a restart, a failed or a mixed response.

In process: a request pinned at arrival is answered from its version even when its query runs after the
switch, and the old version's engine closes when that request is done. Over HTTP: two server processes
under a concurrent load while two versions are published, and one switched by SIGHUP alone.
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import LiveServer
from tests.releasing import BASE, ex2_start, publish_fixture, serving_settings

START_QUERY = f"SELECT ?start WHERE {{ <{BASE}project/EX2> <{BASE}ontology/plannedStart> ?start }}"
EDIT = {"1": 0, "2": 1, "3": 2}  # version -> the fixture edit published as it


def answered_start(body: bytes) -> str:
    return json.loads(body)["results"]["bindings"][0]["start"]["value"]


# --------------------------------------------------------------------------------------------- in process


def test_a_request_in_flight_finishes_on_the_version_it_arrived_on(tmp_path: Path) -> None:
    from server.web.app import create_app
    from tests.inprocess import in_process

    build = tmp_path / "build"
    publish_fixture(build, 0)
    with in_process(create_app(serving_settings(build, watch_interval=0))) as client:
        app = client.app
        before = client.get("/sparql", params={"query": START_QUERY}, headers={"accept": "application/json"})
        assert before.headers["x-dataset-version"] == "1" and answered_start(before.content) == ex2_start(0)

        async def scenario(_: object) -> tuple[list[dict], bool, int, bool]:
            body_arrives = asyncio.Event()
            sent: list[dict] = []

            async def receive() -> dict:  # the body of the POST comes only after the switch
                await body_arrives.wait()
                form = urllib.parse.urlencode({"query": START_QUERY}).encode()
                return {"type": "http.request", "body": form, "more_body": False}

            async def send(message: dict) -> None:
                sent.append(message)

            task = asyncio.create_task(app(_post_scope(), receive, send))
            await asyncio.sleep(0.05)  # the edge has pinned version 1, the endpoint waits for the body
            old = app.state.live.current
            await asyncio.to_thread(publish_fixture, build, 1)
            switched = await app.state.live.switch()
            in_flight = old.active
            body_arrives.set()
            await task
            return sent, switched, in_flight, old.engine.pool is None

        sent, switched, in_flight, closed = client.run(scenario)
        assert switched and in_flight == 1 and closed
        headers = dict(sent[0]["headers"])
        assert headers[b"x-dataset-version"] == b"1" and headers[b"etag"].startswith(b'W/"1-')
        assert answered_start(b"".join(m.get("body", b"") for m in sent[1:])) == ex2_start(0)
        after = client.get("/sparql", params={"query": START_QUERY}, headers={"accept": "application/json"})
        assert after.headers["x-dataset-version"] == "2" and answered_start(after.content) == ex2_start(1)
        assert after.headers["x-cache"] == "miss", "caches are per version"
        assert "smarthame_version_switches_total 1" in client.get("/metrics").text


def test_a_version_that_will_not_open_is_reported_and_the_served_one_kept(tmp_path: Path) -> None:
    from server.web.app import create_app
    from tests.inprocess import in_process

    build = tmp_path / "build"
    publish_fixture(build, 0)
    with in_process(create_app(serving_settings(build, watch_interval=0))) as client:
        broken = build / "versions" / "9"
        broken.mkdir()
        (build / "next").symlink_to("versions/9")
        (build / "next").replace(build / "current")
        assert client.run(lambda _: client.app.state.live.switch()) is False
        r = client.get("/sparql", params={"query": START_QUERY}, headers={"accept": "application/json"})
        assert r.status_code == 200 and r.headers["x-dataset-version"] == "1"


def test_a_small_version_has_its_dashboard_index_read_when_it_opens(tmp_path: Path) -> None:
    """At start and at a switch, so that no dashboard request waits for it; above the setting's size, on
    the first dashboard request only."""
    from server.web.app import create_app
    from tests.inprocess import in_process

    build = tmp_path / "build"
    publish_fixture(build, 0)
    with in_process(create_app(serving_settings(build, watch_interval=0))) as client:
        live = client.app.state.live
        client.run(lambda _: live.reading_ahead)
        first = live.current
        assert first.dashboard_index is not None and first.dashboard_index_task is None
        assert client.get("/healthz").json()["dashboard_index"] == "read"
        publish_fixture(build, 1)
        assert client.run(lambda _: live.switch())
        client.run(lambda _: live.reading_ahead)
        assert live.current is not first and live.current.dashboard_index is not None
    settings = serving_settings(build, watch_interval=0, dashboard_index_at_open_max_quads=0)
    with in_process(create_app(settings)) as client:
        live = client.app.state.live
        client.run(lambda _: live.reading_ahead)
        assert live.current.dashboard_index is None
        assert client.get("/healthz").json()["dashboard_index"] == "on first need"
        r = client.get("/dashboard/data/project-facet-values.json", params={"facet": "period", "lang": "en"})
        assert r.status_code == 200 and live.current.dashboard_index is not None


def _post_scope() -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/sparql",
        "raw_path": b"/sparql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"accept", b"application/json"),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }


# ----------------------------------------------------------------------------------------------- HTTP


class Load:
    """Clients that ask for a query, a page, a dump, the catalogue and VoID in turn, and check each
    response against the version it says it comes from."""

    CHECKS = ("_query", "_page", "_dump", "_catalogue", "_void")

    def __init__(
        self, server: LiveServer, build: Path, clients: int = 4, checks: tuple[str, ...] = CHECKS
    ) -> None:
        self.server, self.build = server, build
        self.checks = [getattr(self, name) for name in checks]
        self.stop = threading.Event()
        self.seen: Counter[str] = Counter()
        self.failed: list[str] = []
        self.mixed: list[str] = []
        self.last: list[str] = []  # the version of the latest responses, newest last
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._client, daemon=True) for _ in range(clients)]

    def __enter__(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(30)

    def _client(self) -> None:
        checks = self.checks
        with httpx.Client(base_url=self.server.url, timeout=30) as http:
            i = 0
            while not self.stop.is_set():
                check = checks[i % len(checks)]
                i += 1
                try:
                    version, problem = check(http)
                except httpx.HTTPError as e:
                    with self.lock:
                        self.failed.append(f"{check.__name__}: {e!r}")
                    continue
                with self.lock:
                    self.seen[version] += 1
                    self.last = [*self.last[-39:], version]
                    if problem:
                        self.mixed.append(f"{check.__name__} of version {version}: {problem}")

    def _get(self, http: httpx.Client, path: str, **kwargs: object) -> tuple[httpx.Response, str]:
        r = http.get(path, **kwargs)  # type: ignore[arg-type]
        if r.status_code != 200:
            raise httpx.HTTPError(f"{path}: HTTP {r.status_code} {r.text[:200]}")
        version = r.headers["x-dataset-version"]
        etag = r.headers.get("etag", "")
        if not re.match(rf'^(W/)?"{version}-', etag):
            raise httpx.HTTPError(f"{path}: ETag {etag} is not of version {version}")
        return r, version

    def _query(self, http: httpx.Client) -> tuple[str, str | None]:
        r, v = self._get(
            http, "/sparql", params={"query": START_QUERY}, headers={"accept": "application/json"}
        )
        found = answered_start(r.content)
        return v, None if found == ex2_start(EDIT[v]) else f"start {found}"

    def _page(self, http: httpx.Client) -> tuple[str, str | None]:
        r, v = self._get(http, "/project/EX2", headers={"accept": "text/html"})
        others = [ex2_start(k) for k in EDIT.values() if k != EDIT[v]]
        ok = ex2_start(EDIT[v]) in r.text and not any(o in r.text for o in others)
        return v, None if ok else "another version's date on the page"

    def _dump(self, http: httpx.Client) -> tuple[str, str | None]:
        r, v = self._get(http, "/dumps/graph-projects.nt", headers={"accept-encoding": "identity"})
        expected = (self.build / "versions" / v / "dumps" / "graph-projects.nt").read_bytes()
        return v, None if r.content == expected else "not the version's dump file"

    def _catalogue(self, http: httpx.Client) -> tuple[str, str | None]:
        r, v = self._get(http, "/catalog", headers={"accept": "application/n-triples"})
        current = re.findall(
            rf"<{BASE}catalog#dataset> <http://www.w3.org/ns/dcat#hasCurrentVersion> <([^>]+)>", r.text
        )
        return v, None if current == [f"{BASE}versions/{v}"] else f"current version {current}"

    def _void(self, http: httpx.Client) -> tuple[str, str | None]:
        r, v = self._get(http, "/.well-known/void", headers={"accept": "application/n-triples"})
        triples = re.findall(rf'<{BASE}catalog#dataset> <http://rdfs.org/ns/void#triples> "(\d+)"', r.text)
        merged = json.loads((self.build / "versions" / v / "dumps" / "manifest.json").read_text())["merged"]
        return v, None if triples == [str(merged["triples"])] else f"void:triples {triples}"

    def wait_for(self, version: str, seconds: float = 20) -> float:
        """Seconds until the latest 40 responses all come from ``version`` (both processes switched)."""
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            with self.lock:
                if len(self.last) == 40 and set(self.last) == {version}:
                    return time.monotonic() - started
            time.sleep(0.02)
        raise AssertionError(f"version {version} was not served within {seconds} s; latest: {self.last}")


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[LiveServer, Path]]:
    build = tmp_path / "build"
    publish_fixture(build, 0)
    server = LiveServer(build, "--processes", "2", "--workers", "1")
    yield server, build
    server.stop()


@pytest.mark.http
def test_publishing_under_load_gives_no_failed_and_no_mixed_response(served: tuple[LiveServer, Path]) -> None:
    server, build = served
    with Load(server, build) as load:
        load.wait_for("1")
        publish_fixture(build, 1)
        load.wait_for("2")
        publish_fixture(build, 2)
        load.wait_for("3")
    assert load.failed == [] and load.mixed == []
    assert set(load.seen) == {"1", "2", "3"} and sum(load.seen.values()) >= 200, load.seen


@pytest.mark.http
def test_sighup_switches_a_server_that_does_not_watch(tmp_path: Path) -> None:
    build = tmp_path / "build"
    publish_fixture(build, 0)
    env = {"SMARTHAME_WATCH_INTERVAL": "0"}
    server = LiveServer(build, "--processes", "2", "--workers", "1", env=env)
    try:
        with Load(server, build, clients=2) as load:
            load.wait_for("1")
            publish_fixture(build, 1)
            time.sleep(1.0)
            with load.lock:
                assert set(load.last) == {"1"}, "switched without SIGHUP"
            server.proc.send_signal(signal.SIGHUP)
            load.wait_for("2")
        assert load.failed == [] and load.mixed == []
    finally:
        server.stop()
