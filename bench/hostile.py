"""Probe latency under hostile clients (issue 12): p50/p99/max of ``GET /healthz`` during each attack.

Not a test (pytest does not collect it): tests/test_hostile.py asserts only what cannot flake on a loaded
machine; the latency figures, and the target (a probe's p99 under 100 ms on the bundled data), live here.

    python bench/hostile.py                                  # this tree, on build/ (the bundled data)
    python bench/hostile.py --source /tmp/main --python /path/to/main/.venv/bin/python   # another tree

It starts ``python -m server.cli serve`` (one process, two query workers) in ``--source`` on the build in
``--build`` (``smarthame build`` makes it), loopback only. Then, for each attack, attackers from their
own 127.0.x.y addresses run for ``--seconds`` while a probe from 127.0.0.250 asks ``/healthz`` every 20 ms
on one kept-alive connection, in a process of its own; it prints one row per attack: the probe's p50, p99
and worst latency, how many probes failed, and the attackers' statuses.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HEAVY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, python: str, source: Path, build: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "SMARTHAME_BUILD_DIR": str(build), "SMARTHAME_WORKERS": "2"}
        self.proc = subprocess.Popen(
            [python, "-m", "server.cli", "serve", "--port", str(self.port), "--processes", "1"],
            cwd=source,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("the server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def request(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    source: str = "127.0.0.1",
    timeout: float = 30,
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def probe_process(port: int, stop: Any, out: Any) -> None:
    """The probe in a process of its own, so that the attackers' threads (this script's GIL) do not
    delay it; sends (latencies, failures) back."""
    latencies: list[float] = []
    failures: list[str] = []
    probe(port, stop, latencies, failures)
    out.send((latencies, failures))


def probe(port: int, stop: Any, latencies: list[float], failures: list[str]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=("127.0.0.250", 0))
    while not stop.is_set():
        started = time.perf_counter()
        try:
            conn.request("GET", "/healthz")
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                failures.append(str(r.status))
        except OSError as e:
            failures.append(type(e).__name__)
            conn.close()
            conn = http.client.HTTPConnection(
                "127.0.0.1", port, timeout=30, source_address=("127.0.0.250", 0)
            )
        latencies.append(time.perf_counter() - started)
        stop.wait(0.02)
    conn.close()


def _loop(stop: threading.Event, statuses: Counter[str], send: Callable[[], int]) -> None:
    while not stop.is_set():
        try:
            statuses[str(send())] += 1
        except OSError as e:
            statuses[type(e).__name__] += 1


def attacks(port: int) -> dict[str, tuple[int, Callable[[int, threading.Event, Counter[str]], None]]]:
    """name -> (attackers, attacker(n, stop, statuses))."""
    q = urllib.parse.quote

    def huge_accept(n: int, stop: threading.Event, st: Counter[str]) -> None:
        accept = ", ".join(f"application/x-{i}" for i in range(180_000))  # 3 MB
        _loop(
            stop,
            st,
            lambda: request(port, "GET", "/sparql?query=ASK%7B%7D", {"Accept": accept}, None, f"127.0.1.{n}")[
                0
            ],
        )

    def many_ranges(n: int, stop: threading.Event, st: Counter[str]) -> None:
        accept = ", ".join(f"a/x{i}" for i in range(3_000))  # 20 KB of ranges, under the header limit
        _loop(
            stop,
            st,
            lambda: request(port, "GET", "/sparql?query=ASK%7B%7D", {"Accept": accept}, None, f"127.0.2.{n}")[
                0
            ],
        )

    def describe(n: int, stop: threading.Event, st: Counter[str]) -> None:
        text = ("PREFIX : <a:>\nDESCRIBE " + ": " * 2020).encode()
        headers = {"Content-Type": "application/sparql-query"}
        _loop(stop, st, lambda: request(port, "POST", "/sparql", headers, text, f"127.0.3.{n}")[0])

    def hang_up(n: int, stop: threading.Event, st: Counter[str]) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            with socket.create_connection(("127.0.0.1", port), source_address=(f"127.0.4.{n}", 0)) as s:
                target = "/sparql?query=" + q(f"{HEAVY} #{n}-{i}")
                s.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            st["hung up"] += 1
            stop.wait(2)

    def tiny_timeout(n: int, stop: threading.Event, st: Counter[str]) -> None:
        counter = iter(range(10**9))
        _loop(
            stop,
            st,
            lambda: request(
                port,
                "GET",
                f"/sparql?query=ASK%7B%7D%23{n}-{next(counter)}&timeout=0.000001",
                None,
                None,
                f"127.0.5.{n}",
            )[0],
        )

    def nested(n: int, stop: threading.Event, st: Counter[str]) -> None:
        text = ("SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }").encode()
        headers = {"Content-Type": "application/sparql-query"}
        _loop(stop, st, lambda: request(port, "POST", "/sparql", headers, text, f"127.0.6.{n}")[0])

    def idle(n: int, stop: threading.Event, st: Counter[str]) -> None:
        held = []
        for _ in range(300):  # three attackers: 900 connections that send nothing or drip
            try:
                held.append(socket.create_connection(("127.0.0.1", port), source_address=(f"127.0.7.{n}", 0)))
            except OSError as e:
                st[type(e).__name__] += 1
        st["opened"] += len(held)
        stop.wait()
        st["closed by the server"] += sum(_closed(s) for s in held)
        for s in held:
            s.close()

    return {
        "3 MB Accept (x4)": (4, huge_accept),
        "3,000 Accept ranges (x4)": (4, many_ranges),
        "DESCRIBE of 2,020 terms (x4)": (4, describe),
        "heavy query, hang up, every 2 s (x3)": (3, hang_up),
        "timeout=0.000001 (x2)": (2, tiny_timeout),
        "10,000 nested parentheses (x2)": (2, nested),
        "900 idle connections (x3)": (3, idle),
    }


def _closed(sock: socket.socket) -> bool:
    sock.settimeout(0.01)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


def run(port: int, seconds: float, only: str = "") -> list[tuple[str, list[float], list[str], Counter[str]]]:
    rows = []
    for name, (count, attacker) in {"(no attack)": (0, None), **attacks(port)}.items():
        if only and only not in name:
            continue
        stop, probe_stop = threading.Event(), multiprocessing.Event()
        statuses: Counter[str] = Counter()
        receiver, sender = multiprocessing.Pipe(duplex=False)
        prober = multiprocessing.Process(target=probe_process, args=(port, probe_stop, sender))
        threads = [threading.Thread(target=attacker, args=(n + 1, stop, statuses)) for n in range(count)]
        prober.start()
        for t in threads:
            t.start()
        time.sleep(seconds)
        probe_stop.set()
        latencies, failures = receiver.recv()
        prober.join()
        stop.set()
        for t in threads:
            t.join()
        rows.append((name, latencies, failures, statuses))
        time.sleep(3)  # let the server settle (workers replaced, connections closed)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT, help="source tree to serve from")
    parser.add_argument("--python", default=sys.executable, help="its Python (with its dependencies)")
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="build folder (smarthame build)")
    parser.add_argument("--seconds", type=float, default=6.0, help="each attack's duration")
    parser.add_argument("--only", default="", help="run only the attacks whose name has this text")
    args = parser.parse_args()
    server = Server(args.python, args.source, args.build)
    try:
        rows = run(server.port, args.seconds, args.only)
    finally:
        server.stop()
    columns = ("p50 ms", "p99 ms", "max ms", "probes", "failed")
    print(f"{'attack':40} " + " ".join(f"{c:>8}" for c in columns) + "  attackers' answers")
    for name, latencies, failures, statuses in rows:
        ms = sorted(x * 1000 for x in latencies)
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))] if ms else float("nan")
        p50 = statistics.median(ms) if ms else float("nan")
        worst = ms[-1] if ms else float("nan")
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
        print(f"{name:40} {p50:8.1f} {p99:8.1f} {worst:8.1f} {len(ms):8d} {len(failures):8d}  {answers}")


if __name__ == "__main__":
    main()
