"""Several server processes on one port (``server.web.serving``): shared metrics, replacement, clean stop."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from server.web.metrics import Board, Metrics
from tests.conftest import LiveServer

pytestmark = pytest.mark.http


def children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


def descendants(pid: int) -> list[int]:
    found = []
    for child in children(pid):
        found += [child, *descendants(child)]
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):  # gone before the open, or between open and read
        return False


def wait_until(check, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def metric(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name} not in /metrics"
    return float(match.group(1))


@pytest.fixture()
def two_processes(sample_files: tuple[Path, ...], tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path, *map(str, sample_files), "--processes", "2", "--workers", "1")
    assert wait_until(lambda: len(children(server.proc.pid)) == 2)
    yield server
    server.stop()


def test_a_metrics_board_sums_the_slots_of_forked_processes() -> None:
    board = Board(2)
    ours = Metrics(board, 0)
    ours.observe("/sparql", 200, 0.001)
    pid = os.fork()
    if pid == 0:  # the other server process: its numbers land in slot 1 of the same memory
        theirs = Metrics(board, 1)
        theirs.gauge("smarthame_workers_idle", "idle", lambda: 3)
        for _ in range(4):
            theirs.observe("/sparql", 200, 0.002)
        theirs.observe("/metrics", 404, 0.002)
        os._exit(0)
    os.waitpid(pid, 0)
    ours.gauge("smarthame_workers_idle", "idle", lambda: 2)
    text = ours.render()
    assert 'smarthame_http_requests_total{route="/sparql",status="200"} 5' in text
    assert 'smarthame_http_requests_total{route="/metrics",status="404"} 1' in text
    assert metric(text, "smarthame_http_request_duration_seconds_count") == 6
    assert metric(text, "smarthame_workers_idle") == 5


def test_every_request_is_counted_whichever_process_answers(two_processes: LiveServer) -> None:
    url = two_processes.url + "/sparql"

    def one(i: int) -> int:  # a new connection each time, so the kernel may hand it to either process
        return httpx.get(url, params={"query": f"ASK {{}} # {i}"}, timeout=10).status_code

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(one, range(64))) == {200}
    text = httpx.get(two_processes.url + "/metrics").text
    assert 'smarthame_http_requests_total{route="/sparql",status="200"} 64' in text


def test_a_server_process_that_dies_is_replaced(two_processes: LiveServer) -> None:
    supervisor = two_processes.proc.pid
    first, second = children(supervisor)
    os.kill(first, signal.SIGKILL)
    assert wait_until(lambda: len(children(supervisor)) == 2 and first not in children(supervisor))
    assert second in children(supervisor)
    for i in range(10):  # whichever process gets the connection answers
        assert (
            httpx.get(two_processes.url + "/sparql", params={"query": f"ASK {{}} # after {i}"}).status_code
            == 200
        )
    assert wait_until(lambda: not alive(first))


def test_sigterm_stops_every_process_it_started(two_processes: LiveServer) -> None:
    supervisor = two_processes.proc.pid
    httpx.get(two_processes.url + "/sparql", params={"query": "ASK {}"})
    # two server processes, each with a zygote and a query worker; the process that did not answer may
    # still be starting its own
    assert wait_until(lambda: len(descendants(supervisor)) >= 2 + 2 * 2), descendants(supervisor)
    everyone = descendants(supervisor)
    two_processes.proc.send_signal(signal.SIGTERM)
    assert two_processes.proc.wait(timeout=15) == 0
    assert wait_until(lambda: not any(alive(p) for p in everyone)), [p for p in everyone if alive(p)]


def test_a_port_in_use_is_one_clear_error(sample_files: tuple[Path, ...], tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "server.cli",
                "serve",
                *map(str, sample_files),
                "--port",
                str(port),
                "--processes",
                "2",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**os.environ, "SMARTHAME_BUILD_DIR": str(tmp_path)},
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "in use" in result.stderr


def test_processes_default_to_one_per_cpu() -> None:
    from server.settings import MAX_AUTO_PROCESSES, Settings

    assert Settings().server_processes == min(len(os.sched_getaffinity(0)), MAX_AUTO_PROCESSES)
    assert Settings(processes=3).server_processes == 3
    # Each query worker ends up with its own copy of the store: two per server process up to two processes.
    assert Settings(processes=1).query_workers == Settings(processes=2).query_workers == 2
    assert Settings(processes=3).query_workers == 1
    assert Settings(processes=3, workers=4).query_workers == 4


def test_one_process_serves_without_a_supervisor(sample_files: tuple[Path, ...], tmp_path: Path) -> None:
    server = LiveServer(tmp_path, *map(str, sample_files), "--processes", "1")
    try:
        assert httpx.get(server.url + "/sparql", params={"query": "ASK {}"}).status_code == 200
        assert httpx.get(server.url + "/healthz").json()["workers"] == 2
        # Its only child is the query workers' zygote; the workers are the zygote's children.
        (zygote,) = children(server.proc.pid)
        assert len(children(zygote)) == 2
    finally:
        server.stop()


def test_server_processes_that_keep_dying_stop_the_server(two_processes: LiveServer) -> None:
    """A crash loop ends with exit 1 and a message, instead of forking forever."""
    from server.web.serving import MAX_RESTARTS, RESTART_WINDOW

    supervisor = two_processes.proc
    killed: set[int] = set()
    while supervisor.poll() is None and len(killed) <= MAX_RESTARTS + 1:
        for pid in children(supervisor.pid) if alive(supervisor.pid) else []:
            if pid not in killed:
                killed.add(pid)
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)
    assert supervisor.wait(timeout=15) == 1
    out = supervisor.stdout.read().decode(errors="replace") if supervisor.stdout else ""
    assert "starting another" in out and f"within {RESTART_WINDOW:g} s; stopping" in out
