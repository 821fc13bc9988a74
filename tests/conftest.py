"""Shared fixtures: the published bundled dataset, an in-process client, a real server process."""

from __future__ import annotations

import asyncio
import fcntl
import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

from server.settings import PROJECT_ROOT, Settings

T = TypeVar("T")
SHARED = PROJECT_ROOT.parent / "shared"
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (reference data, conformance suites); tests that need it skip where it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (a user's fresh clone); CI has it")
    return SHARED


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data built and published by `smarthame build`, once for the whole run.

    Under pytest-xdist the workers share one build: the first to take the lock builds, the others wait for
    it and read the same folder (a build validates everything, seconds of CPU each time).
    """
    from server.cli import main

    # the same folder for every worker of this run; without xdist the base folder's parent holds the
    # folders of earlier runs, whose build would be read instead
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    target = shared / "bundled-build"
    with open(shared / "bundled-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "current" / "manifest.json").is_file():
            os.environ["SMARTHAME_BUILD_DIR"] = str(target)
            try:
                assert main(["build"]) == 0, "smarthame build failed on the bundled data"
            finally:
                del os.environ["SMARTHAME_BUILD_DIR"]
    return target


@pytest.fixture(scope="session")
def settings(build_dir: Path) -> Settings:
    return Settings(build_dir=build_dir)


@pytest.fixture(scope="session")
def shared_engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """External engines (oxigraph serve, Virtuoso) started once for the run: ``tests.engines.Shared``."""
    from tests.engines import Shared

    engines = Shared(tmp_path_factory)
    yield engines
    engines.stop()


@pytest.fixture(scope="session")
def published(settings: Settings):
    from server.graph.versions import open_published

    return open_published(settings)


@pytest.fixture(scope="session")
def app_client(settings: Settings) -> Iterator:
    """The app on the published bundled data, started once for the run, with an in-process client."""
    from server.web.app import create_app
    from tests.inprocess import in_process

    with in_process(create_app(settings)) as c:
        yield c


@pytest.fixture()
def client(app_client):
    """``app_client`` with an empty cookie jar: a language chosen by an earlier test (the switch sets a
    cookie) must not choose this test's."""
    app_client.cookies.clear()
    return app_client


@contextmanager
def started_engine(files: tuple[Path, ...], **settings: Any) -> Iterator[Any]:
    """A query engine with its worker processes over ``files`` (Settings ``settings``), closed on the way
    out."""
    from server.graph.versions import open_files
    from server.sparql.engine import Engine

    config = Settings(files=tuple(files), **settings)
    engine = Engine(open_files(config.files, config), config)
    engine.start()
    try:
        yield engine
    finally:
        engine.close()


def with_engine(files: tuple[Path, ...], main: Callable[[Any], Awaitable[T]], **settings: Any) -> T:
    """``await main(engine)`` on a started engine over ``files``, the engine's whole life in one event loop.

    The engine talks to its workers over connections of the loop that first used them, as the server does;
    closing it inside that loop lets those connections close cleanly (no "unclosed transport").
    """

    async def run() -> T:
        with started_engine(files, **settings) as engine:
            result = await main(engine)
        await asyncio.sleep(0)  # the closed connections finish closing
        return result

    return asyncio.run(run())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PortTaken(RuntimeError):
    pass


class LiveServer:
    """A real `smarthame serve` process on a free loopback port."""

    def __init__(
        self,
        build_dir: Path,
        *args: str,
        env: dict[str, str] | None = None,
        port: int | None = None,
        command: list[str] | None = None,
        cwd: Path | None = None,
        preexec_fn: Callable[[], None] | None = None,
    ) -> None:
        full_env = {**os.environ, "SMARTHAME_BUILD_DIR": str(build_dir), **(env or {})}
        # A free port can be taken by another test's process before the server binds it: then start again
        # on another (a port the test chose is its own business).
        for attempt in range(3):
            self.port = port or free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            serve = [*(command or [sys.executable, "-m", "server.cli"]), "serve", "--port", str(self.port)]
            self.proc = subprocess.Popen(
                [*serve, *args],
                env=full_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                cwd=cwd,
                preexec_fn=preexec_fn,  # noqa: PLW1509 - a resource limit for the server, set before it runs
            )
            try:
                self._wait_ready()
                return
            except PortTaken:
                if port is not None or attempt == 2:
                    raise

    def _wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                out = self.proc.stdout.read().decode(errors="replace") if self.proc.stdout else ""
                self.stop()
                error = PortTaken if "Address already in use" in out else RuntimeError
                raise error(f"server exited with {self.proc.returncode}:\n{out}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not start listening in time")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@pytest.fixture(scope="session")
def live_server(build_dir: Path) -> Iterator[LiveServer]:
    server = LiveServer(build_dir)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rebased_server(build_dir: Path) -> Iterator[LiveServer]:
    """A real server whose base IRI is its own address, so every minted IRI resolves where it points."""
    port = free_port()
    server = LiveServer(build_dir, "--base-iri", f"http://127.0.0.1:{port}/", port=port)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# --- SPARQL endpoint over small fixture files (independent of the bundled build) ---------------------

FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
W3C_GRAPH = "http://kasei.us/2009/09/sparql/data/data{n}.rdf"  # names the manifest gives dataN.nt


@pytest.fixture(scope="session")
def sample_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ...]:
    """tests/fixtures/sample.trig, plus the W3C protocol tests' three graphs as N-Quads when ../shared has
    them."""
    files = [FIXTURES / "sample.trig"]
    protocol = SHARED / "conformance" / "sparql11-protocol"
    if protocol.is_dir():
        import pyoxigraph as ox

        quads = [
            ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(W3C_GRAPH.format(n=n)))
            for n in (1, 2, 3)
            for t in ox.parse(path=str(protocol / f"data{n}.nt"), format=ox.RdfFormat.N_TRIPLES)
        ]
        nq = tmp_path_factory.mktemp("w3c") / "protocol-data.nq"
        ox.serialize(quads, output=str(nq), format=ox.RdfFormat.N_QUADS)
        files.append(nq)
    return tuple(files)


@pytest.fixture(scope="session")
def sample_settings(sample_files: tuple[Path, ...]) -> Settings:
    return Settings(files=sample_files, max_rows=20, timeout=5, workers=2)


@pytest.fixture(scope="session")
def sample_client(sample_settings: Settings) -> Iterator:
    """An in-process client over the app serving the fixture files (max_rows 20)."""
    from server.web.app import create_app
    from tests.inprocess import in_process

    with in_process(create_app(sample_settings)) as c:
        yield c


@pytest.fixture(scope="session")
def sample_server(
    sample_files: tuple[Path, ...], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """`smarthame serve FILES` on the fixture files, as a real process (max_rows 20)."""
    server = LiveServer(
        tmp_path_factory.mktemp("nobuild"), *map(str, sample_files), env={"SMARTHAME_MAX_ROWS": "20"}
    )
    yield server
    server.stop()


# Debian's Chromium in its headless shell (package chromium-headless-shell: the same Chromium build
# without the desktop browser around it, what Playwright runs for headless by default): the browser tests'
# pages cost 0.63-0.69 times the CPU of `chromium --headless` there (bench/browsers.py). The full browser
# serves where only it is installed.
CHROMIUM_CHOICES = ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
CHROMIUM = next((c for c in CHROMIUM_CHOICES if Path(c).exists()), CHROMIUM_CHOICES[0])
# The flags the machine's probe found necessary: without the background-networking ones Chromium keeps
# trying hosts this closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Debian's headless Chromium, driven by Playwright, for one test module.

    Module scope, not session: Playwright's sync API keeps an event loop running in this thread while it
    is open, and later tests that call ``asyncio.run`` would fail under it."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium-headless-shell is not installed; `make browser` installs it")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def only_this_server():
    """``only_this_server(context, base_url)`` aborts every request of a browser context not addressed to
    ``base_url`` (or inline ``data:``) and returns the list of refused URLs, for a test to assert empty."""
    return _guard


def settle(page, seconds: float = 20, quiet: float = 0.05) -> None:
    """Wait until ``page`` has had no request in flight for ``quiet`` seconds (the page's own requests:
    its scripts' fetches, images, …).

    Playwright's "networkidle" waits for 500 ms without a request, on every page, whatever it loads: 10 s
    of the browser tests. Our pages' scripts fetch what they draw as they start, so a short quiet time
    after the last request ended means the page has fetched all it will.
    """
    pending = getattr(page, "_pending_requests", None)
    if pending is None:
        raise RuntimeError("settle(page) needs watch_requests(page) right after the page was opened")
    deadline = time.monotonic() + seconds
    quiet_since = None
    while quiet_since is None or time.monotonic() - quiet_since < quiet:
        if time.monotonic() > deadline:
            raise AssertionError(f"requests still in flight after {seconds} s: {[r.url for r in pending]}")
        page.wait_for_timeout(10)  # lets Playwright deliver the request events
        if pending:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()


def watch_requests(page) -> None:
    """Keep count of ``page``'s requests in flight, for :func:`settle`."""
    pending: set = set()
    page._pending_requests = pending
    page.on("request", lambda request: pending.add(request))  # Playwright wants Python functions
    page.on("requestfinished", lambda request: pending.discard(request))
    page.on("requestfailed", lambda request: pending.discard(request))


def _guard(context, base_url: str) -> list[str]:
    refused: list[str] = []

    def guard(route) -> None:
        url = route.request.url
        if url.startswith((base_url + "/", "data:")):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    context.route("**/*", guard)
    return refused
