"""Benchmark: the dashboard's data requests, on the bundled data and on synthetic projects.

Not a test (pytest does not collect it): a script.

    python bench/dashboard.py                    # bundled data, then 10,000 synthetic projects
    python bench/dashboard.py --projects 0       # bundled data only
    python bench/dashboard.py --rounds 7 --out bench-dashboard.json

For each dataset it starts ``python -m server.cli serve`` on a free loopback port (the bundled data as
``smarthame build`` publishes it into a temporary folder; the synthetic graph of ``bench/synthetic.py``
with the real ontology, strategy and links graphs, written under /tmp like ``bench/benchmark.py`` does)
and makes, round after round, the data requests the dashboard page makes when each of its five views is
first shown with its default settings (:data:`REQUESTS`), one after another on one connection, each
*uncached*: ``Cache-Control: no-cache`` makes the dashboard's routes compute their answer afresh from the
version's dashboard index (``server.publish.dashboard_index``). It prints each request's median latency
over the rounds, the CPU seconds the server used for it (the server processes and their query workers,
read from /proc: the machine is shared, so wall time alone says little), and the sums of the medians,
and checks the targets on the wall-time sum: under 300 ms in all on the bundled data, under 2 s in all at
10,000 projects (aim: under 1 s, in CPU as well). Before the rounds it waits until ``/healthz`` says the index
is no longer being read (each server process reads a small version's index as it opens: setting
``dashboard_index_at_open_max_quads``) and times that wait and then the first request apart (for a larger
version the first request reads the index in the process that answers it); a round on six connections then
has every server process read its own before the rounds start. It also times all the requests at
once on six connections, as a browser that showed every view would (the page asks only for the view on
show).

How the network stays readable at scale: ``/dashboard/network.json`` draws at most 150 organisations
(those with the most projects) and the edges among them, while its table keeps every organisation;
betweenness is exact up to 600 organisations and past that estimated from as many sources (fixed seed)
as half a million edge visits allow (``server.publish.network``). The script prints how many organisations
and edges there were, how many were drawn, and the response's size; filtering by spearhead and period
narrows the network further.

Measured (``python bench/dashboard.py --rounds 5``, medians, the 2-CPU machine at a quiet moment; README.md
has the details and the way there): bundled data 12.7 ms one after another; 10,000 synthetic projects 236 ms
and 250 ms of the server's CPU, the index read 2.8 s after the server was ready (as the version opened),
the first request then 30 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import benchmark  # noqa: E402 - a sibling script: the synthetic dataset and free ports, as the SPARQL benchmark makes them

ENDORSED = "https%3A%2F%2Fw3id.org%2Fsmart-hame%2Fconcept%2Famount-types%2Feu-and-state-funding-endorsed"
# What the page asks for when each view is first shown (server/web/static/dashboard.js), with its defaults.
REQUESTS = (
    (
        "funding",
        f"/dashboard/data/funding-by-group-and-year.json?grouping=theme&amount_type={ENDORSED}&lang=fi",
    ),
    ("funding", f"/dashboard/data/group-coverage.json?grouping=theme&amount_type={ENDORSED}&lang=fi"),
    ("flow", f"/dashboard/data/strategy-flow.json?amount_type={ENDORSED}&lang=fi"),
    ("network", "/dashboard/network.json?lang=fi"),
    ("network", "/dashboard/data/project-facet-values.json?facet=spearhead&lang=fi"),
    ("network", "/dashboard/data/project-facet-values.json?facet=period&lang=fi"),
    ("map", f"/dashboard/data/projects-by-area.json?amount_type={ENDORSED}&lang=fi"),
    ("map", "/static/geo/kanta-hame-2023.geojson"),
    ("explorer", "/dashboard/projects.json?lang=fi&sort=name&page=1"),
)
TARGETS_MS = {"bundled": 300.0, "synthetic": 2000.0}


def start(args: list[str], env: dict[str, str], log: Path) -> tuple[subprocess.Popen, int]:
    port = benchmark.free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--timeout", "60", *args],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}; see {log}")
        try:
            status, _ = get(port, "/healthz")
            if status == 200:
                return proc, port
        except OSError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"the server did not start within 600 s; see {log}")


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds (user + system) used so far by process ``root`` and all its descendants (the server
    processes and their query workers), read from /proc, with what their reaped children used."""
    parents: dict[int, int] = {}
    spent: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        # After the name: state ppid ... utime(14) stime(15) cutime(16) cstime(17), 1-based from pid.
        parents[int(entry.name)] = int(fields[1])
        spent[int(entry.name)] = sum(int(f) for f in fields[11:15]) / tick
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo += [child for child, parent in parents.items() if parent == pid and child not in tree]
    return sum(spent.get(pid, 0.0) for pid in tree)


def get(port: int, path: str, connection: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path, headers={"Cache-Control": "no-cache", "Accept": "application/json"})
    response = conn.getresponse()
    body = response.read()
    if connection is None:
        conn.close()
    return response.status, body


def measure(port: int, rounds: int, server: int) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    times: dict[str, list[float]] = {path: [] for _, path in REQUESTS}
    cpu: dict[str, list[float]] = {path: [] for _, path in REQUESTS}
    sizes: dict[str, int] = {}
    # A small version's dashboard index is read by every server process as the version opens, beside the
    # first requests (a large one's by the first dashboard request): wait until the processes that answer
    # /healthz say it is no longer being read, five answers in a row.
    cpu_before, started = tree_cpu_seconds(server), time.perf_counter()
    settled, deadline = 0, time.monotonic() + 600
    while settled < 5:
        if time.monotonic() > deadline:
            raise SystemExit("the dashboard index was still being read after 600 s")
        health = json.loads(get(port, "/healthz")[1])
        settled = settled + 1 if health["dashboard_index"] != "reading" else 0
        time.sleep(0.02 if settled else 0.1)
    index_ms = (time.perf_counter() - started) * 1000
    index_cpu_ms = (tree_cpu_seconds(server) - cpu_before) * 1000
    index_state = health["dashboard_index"]
    # The first request pays for the connection (and, for a large version, for reading the index in the
    # server process that answers it); a round on six connections then has every server process read its own.
    cpu_before, started = tree_cpu_seconds(server), time.perf_counter()
    get(port, REQUESTS[0][1], conn)
    first_ms, first_cpu_ms = (
        (time.perf_counter() - started) * 1000,
        (tree_cpu_seconds(server) - cpu_before) * 1000,
    )
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda path: get(port, path)[0], [path for _, path in REQUESTS] * 2))
    conn.close()  # idle while the others read: the server may have closed it (its head timeout)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    get(port, REQUESTS[0][1], conn)
    for _ in range(rounds):
        for _, path in REQUESTS:
            cpu_before = tree_cpu_seconds(server)
            started = time.perf_counter()
            status, body = get(port, path, conn)
            times[path].append((time.perf_counter() - started) * 1000)
            cpu[path].append((tree_cpu_seconds(server) - cpu_before) * 1000)
            if status != 200:
                raise SystemExit(f"{path} answered {status}: {body[:300]!r}")
            sizes[path] = len(body)
    conn.close()
    parallel = []
    with ThreadPoolExecutor(max_workers=6) as pool:  # a browser opens up to six connections to one host
        for _ in range(rounds):
            started = time.perf_counter()
            statuses = list(pool.map(lambda path: get(port, path)[0], [path for _, path in REQUESTS]))
            parallel.append((time.perf_counter() - started) * 1000)
            if set(statuses) != {200}:
                raise SystemExit(f"statuses {statuses}")
    _, network_body = get(port, "/dashboard/network.json?lang=fi")
    network = json.loads(network_body)
    medians = {path: statistics.median(ms) for path, ms in times.items()}
    cpu_medians = {path: statistics.median(ms) for path, ms in cpu.items()}
    return {
        "requests": [
            {
                "view": view,
                "path": path,
                "median_ms": round(medians[path], 1),
                "max_ms": round(max(times[path]), 1),
                "cpu_median_ms": round(cpu_medians[path], 1),
                "bytes": sizes[path],
            }
            for view, path in REQUESTS
        ],
        "index_at_open": index_state,
        "index_wait_ms": round(index_ms, 1),
        "index_wait_cpu_ms": round(index_cpu_ms, 1),
        "first_request_ms": round(first_ms, 1),
        "first_request_cpu_ms": round(first_cpu_ms, 1),
        "total_median_ms": round(sum(medians.values()), 1),
        "total_cpu_median_ms": round(sum(cpu_medians.values()), 1),
        "parallel_median_ms": round(statistics.median(parallel), 1),
        "network": {
            **network["counts"],
            "betweenness_estimated": network["betweenness_estimated"],
            "betweenness_pivots": network["betweenness_pivots"],
            "bytes": len(network_body),
        },
    }


def report(name: str, result: dict, target_ms: float) -> bool:
    print(f"\n{name}: {result['description']}")
    print(f"  {'view':<9} {'median ms':>10} {'max ms':>8} {'CPU ms':>8} {'bytes':>9}  request")
    for r in result["requests"]:
        print(
            f"  {r['view']:<9} {r['median_ms']:>10.1f} {r['max_ms']:>8.1f} {r['cpu_median_ms']:>8.1f} "
            f"{r['bytes']:>9}  {r['path'][:90]}"
        )
    met = result["total_median_ms"] < target_ms
    print(
        f"  all requests one after another: {result['total_median_ms']:.1f} ms "
        f"(target < {target_ms:.0f} ms: {'met' if met else 'NOT met'}), "
        f"{result['total_cpu_median_ms']:.1f} ms of the server's CPU; "
        f"all at once on six connections, as a browser would: {result['parallel_median_ms']:.1f} ms"
    )
    print(
        f"  the dashboard index after the server was ready: {result['index_at_open']} "
        f"{result['index_wait_ms']:.1f} ms later ({result['index_wait_cpu_ms']:.1f} ms of CPU, read as the "
        "version opened)"
        if result["index_at_open"] == "read"
        else "  the dashboard index: read on first need"
    )
    print(
        f"  then the first request: {result['first_request_ms']:.1f} ms, "
        f"{result['first_request_cpu_ms']:.1f} ms of CPU"
    )
    n = result["network"]
    measured = f"estimated from {n['betweenness_pivots']} sources" if n["betweenness_estimated"] else "exact"
    print(
        f"  network: {n['organisations']} organisations, {n['edges']} edges; "
        f"drawn {n['drawn_nodes']} nodes and {n['drawn_edges']} edges; betweenness "
        f"{measured}"
        f"; {n['bytes']} bytes"
    )
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--projects", type=int, default=10_000, help="synthetic projects (0: bundled data only)"
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="save the results as JSON")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "smarthame-dashboard-bench"
    )
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    results, all_met = {}, True

    build = args.workdir / "build"
    subprocess.run(
        [sys.executable, "-m", "server.cli", "build"],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "SMARTHAME_BUILD_DIR": str(build)},
    )
    proc, port = start([], {"SMARTHAME_BUILD_DIR": str(build)}, args.workdir / "bundled.log")
    try:
        results["bundled"] = {
            "description": "the bundled data (smarthame build)",
            **measure(port, args.rounds, proc.pid),
        }
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    all_met &= report("bundled", results["bundled"], TARGETS_MS["bundled"])

    if args.projects:
        folder = args.workdir / f"synthetic-{args.projects}"
        folder.mkdir(exist_ok=True)
        meta = benchmark.prepare_data(folder, args.projects, args.seed)
        proc, port = start([str(folder / "dataset.nq")], {}, folder / "server.log")
        try:
            results["synthetic"] = {
                "description": f"{args.projects} synthetic projects, {meta['organisations']} organisations",
                **measure(port, args.rounds, proc.pid),
            }
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        all_met &= report("synthetic", results["synthetic"], TARGETS_MS["synthetic"])
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
