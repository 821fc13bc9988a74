"""External SPARQL engines for the tests: each started in a temporary folder on free ports, then stopped.

``oxigraph serve`` on its RocksDB store (PyPI ``oxigraph``) and Virtuoso Open Source (Debian
``virtuoso-opensource``), as ../shared/reference/engines.md describes them. A test that needs one skips,
saying why, where its binary is absent; ``.ci/run`` installs both.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from server.settings import Settings
from tests.conftest import PortTaken, free_port

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
ENGINES = ("oxigraph", "virtuoso")


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def available(name: str) -> str | None:
    """Why ``name`` cannot be started here, or None."""
    if name == "oxigraph" and oxigraph_binary() is None:
        return "the oxigraph binary is absent (pip install oxigraph; .ci/run does)"
    if name == "virtuoso" and (shutil.which("virtuoso-t") is None or not VIRTUOSO_INI.is_file()):
        return "virtuoso-t is absent (apt-get install virtuoso-opensource; .ci/run does)"
    return None


class Engine:
    """A running engine: its query endpoint and the settings a front end or `publish --to` needs."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.folder = folder
        self.log = folder / "engine.log"
        # A free port can be taken by another test's process before the engine binds it (Virtuoso binds
        # its HTTP port only after 3 to 15 s of set-up): then start again on others.
        for attempt in range(3):
            try:
                self._start()
                return
            except PortTaken:
                if attempt == 2:
                    raise

    def _start(self) -> None:
        name, folder = self.name, self.folder
        self.port = free_port()
        if name == "oxigraph":
            self.url = f"http://127.0.0.1:{self.port}/query"
            command = [oxigraph_binary() or "oxigraph", "serve", "--location", str(folder / "store")]
            command += ["--bind", f"127.0.0.1:{self.port}"]
            self.user = self.password = ""
        else:
            self.url = f"http://127.0.0.1:{self.port}/sparql"
            command = ["virtuoso-t", "-f", "-c", str(self._virtuoso_ini())]
            self.user = self.password = "dba"  # noqa: S105 - a fresh test database's own administrator
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(command, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
        self._wait_ready()

    def settings(self, base: Settings, **changes: object) -> Settings:
        return base.replace(engine=self.url, engine_user=self.user, engine_password=self.password, **changes)

    def env(self) -> dict[str, str]:
        """The same as environment variables, for a server process."""
        return {
            "SMARTHAME_ENGINE": self.url,
            "SMARTHAME_ENGINE_USER": self.user,
            "SMARTHAME_ENGINE_PASSWORD": self.password,
        }

    def _virtuoso_ini(self) -> Path:
        """The packaged ini, with every file in ``folder`` and the two ports free ones.

        Two limits are lifted: ResultSetMaxRows (10,000 by default, which cuts results silently below our
        own max_rows) and MaxQueryCostEstimationTime (its estimate refused saved queries that run in
        milliseconds: "estimated execution time 598 (sec) exceeds the limit of 400").
        """
        text = VIRTUOSO_INI.read_text()
        text = text.replace("/var/lib/virtuoso-opensource-7/db/", "./")
        text = re.sub(r"(?m)^ServerPort\s*=\s*1111", f"ServerPort = {free_port()}", text)
        text = re.sub(r"(?m)^ServerPort\s*=\s*8890", f"ServerPort = {self.port}", text)
        text = re.sub(r"(?m)^ResultSetMaxRows\s*=.*$", "ResultSetMaxRows = 10000000", text)
        text = re.sub(r"(?m)^MaxQueryCostEstimationTime\s*=.*$", "MaxQueryCostEstimationTime = 0", text)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(text)
        return ini

    def _wait_ready(self, seconds: float = 120) -> None:
        # Virtuoso installs its bundled packages into a new database first: 3 to 15 s here.
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = self.log.read_text(errors="replace")
                if (
                    "Failed HTTP listen" in log
                    or "Failed SQL listen" in log
                    or "Address already in use" in log
                ):
                    raise PortTaken(log[-300:])
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log.read_text()}")
            try:
                r = httpx.get(self.url, params={"query": "ASK {}"}, timeout=2, trust_env=False)
                if r.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer in {seconds} s:\n{self.log.read_text()}")

    def graphs(self, prefixes: tuple[str, ...] = ("urn:smarthame:",)) -> dict[str, int]:
        """Triples per graph whose name starts with one of ``prefixes`` (Virtuoso keeps system graphs of
        its own)."""
        query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        r = httpx.post(self.url, data={"query": query}, headers={"accept": "application/sparql-results+json"})
        assert r.status_code == 200, r.text
        rows = r.json()["results"]["bindings"]
        return {b["g"]["value"]: int(b["n"]["value"]) for b in rows if b["g"]["value"].startswith(prefixes)}

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Shared:
    """Engines started once for the whole run (``shared_engines`` in ``tests.conftest``), each on first
    use. Versions live side by side in an engine, so each test module publishes the one it needs and
    switches to it: no module needs an engine of its own (a Virtuoso start costs 3 to 15 s)."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self.tmp_path_factory = tmp_path_factory
        self.running: dict[str, Engine] = {}

    def get(self, name: str) -> Engine:
        """``name`` running; the test skips, saying why, where it is absent."""
        reason = available(name)
        if reason is not None:
            pytest.skip(reason)
        if name not in self.running:
            self.running[name] = Engine(name, self.tmp_path_factory.mktemp(name))
        return self.running[name]

    def stop(self) -> None:
        for engine in self.running.values():
            engine.stop()


@contextmanager
def started(name: str, folder: Path) -> Iterator[Engine]:
    """``name`` running in ``folder`` for the block; the test skips, saying why, where it is absent."""
    reason = available(name)
    if reason is not None:
        pytest.skip(reason)
    engine = Engine(name, folder)
    try:
        yield engine
    finally:
        engine.stop()
