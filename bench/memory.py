"""Memory of the real server, per process kind, against the size of one copy of the store (not a test).

    python bench/memory.py                          # 100,000 synthetic projects, the default settings
    python bench/memory.py --projects 10000 --store memory,disk

1. Publishes the bundled data plus ``bench/synthetic.py``'s N projects into a build folder under /tmp (kept
   for the next run of the same N; never into build/ or data/), with an on-disk store so that both ways of
   serving can be measured. Publishing is timed: it writes the N-Quads, the store, every dump, the changes.
2. Measures one copy of the store: the resident memory a fresh process gains loading the version's
   N-Quads into an in-memory store (what ``store=memory`` holds), and the on-disk store's size.
3. For each ``--store`` value: starts ``python -m server.cli serve`` with the default processes and workers
   (or ``--processes``/``--workers``), runs each query of ``bench/benchmark.py`` once to warm, then three
   times (distinct text each time, so the result cache never answers) from two clients at once, so that
   every query worker reads the store; then reads ``Pss`` from ``/proc/<pid>/smaps_rollup`` of every
   process of the server: supervisor, server processes, zygotes, query workers (by their place in the
   process tree). PSS shares each shared page among the processes mapping it, so the sum counts memory
   once. The on-disk store's files are read through the page cache, which no process's PSS includes:
   ``fincore`` shows how much of them it holds (once, for all processes).
4. Prints per process kind the sum of PSS, the total, and the ratio to one copy of the store; and the
   queries' median latency per way of serving.

The server's query time limit is raised (``--timeout``, default 300 s) so that slow queries are measured
rather than cut.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
import benchmark  # noqa: E402 - sibling scripts
import synthetic  # noqa: E402

KINDS = ("supervisor", "server process", "zygote", "query worker")


def publish(build_dir: Path, projects: int, seed: int, nquads: Path | None = None) -> dict:
    """Bundled data + synthetic projects, published as `smarthame build` would (without SHACL: synthetic).

    The input is an on-disk store beside ``build_dir`` (the synthetic projects bulk-loaded from
    ``nquads`` when given, else generated here), so that the publish's own memory is what is measured:
    the same quads as a Dataset take about three times an in-memory store's memory."""
    from server.graph.loading import bundled_sources, load_sources
    from server.graph.releases import ReleaseNotes
    from server.publish.publishing import publish_version
    from server.settings import Settings

    settings = Settings(build_dir=build_dir, store="disk")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="input-store-", dir=build_dir.parent) as folder:
        store = ox.Store(folder)
        store.bulk_extend(load_sources(bundled_sources(settings), settings.base_iri))
        if nquads is not None:
            store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        else:
            store.bulk_extend(synthetic.generate(projects, seed))
        store.flush()
        loaded = time.perf_counter()
        notes = ReleaseNotes(
            "build", "bench/memory.py", "bench/memory.py", summary=f"{projects} synthetic projects"
        )
        release = publish_version(store, settings, notes)
        del store  # closes RocksDB before its folder is removed
    return {
        "quads": release.triples,
        "read_s": round(loaded - started, 1),
        "publish_s": round(time.perf_counter() - loaded, 1),
    }


def prepared(workdir: Path, projects: int, seed: int) -> tuple[Path, dict]:
    build = workdir / f"build-{projects}-{seed}"
    meta_path = workdir / f"build-{projects}-{seed}.json"
    if meta_path.is_file() and (build / "current" / "manifest.json").is_file():
        return build, json.loads(meta_path.read_text())
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--publish-only",
            "--projects",
            str(projects),
            "--seed",
            str(seed),
            "--workdir",
            str(workdir),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    meta = json.loads(out.stdout.strip().splitlines()[-1])
    meta_path.write_text(json.dumps(meta))
    return build, meta


def one_copy(build: Path) -> dict:
    """Resident memory gained loading the N-Quads into an in-memory store, in a fresh process."""
    code = """
import json, sys, pyoxigraph as ox
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
before = rss()
store = ox.Store()
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
print(json.dumps({"in_memory": rss() - before, "quads": len(store)}))
"""
    folder = build / os.readlink(build / "current")
    out = subprocess.run(
        [sys.executable, "-c", code, str(folder / "dataset.nq")], check=True, capture_output=True, text=True
    )
    sizes = json.loads(out.stdout)
    sizes["on_disk"] = folder_size(folder / "store")
    return sizes


def folder_size(folder: Path) -> int:
    """Bytes of every file under ``folder``."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []


def pss_by_kind(root: int, processes: int) -> dict[str, list[int]]:
    """PSS (bytes) of every process of the server, by kind (its depth below the supervisor)."""
    found: dict[str, list[int]] = {k: [] for k in KINDS}
    offset = 0 if processes > 1 else 1  # one process: it is the server process itself, no supervisor

    def walk(pid: int, depth: int) -> None:
        found[KINDS[min(depth + offset, len(KINDS) - 1)]].append(_pss(pid))
        for child in children(pid):
            walk(child, depth + 1)

    walk(root, 0)
    return found


def _pss(pid: int) -> int:
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def page_cache(store: Path) -> int:
    """Bytes of the on-disk store's files held in the page cache (util-linux ``fincore``)."""
    files = [str(p) for p in store.rglob("*") if p.is_file()]
    out = subprocess.run(
        ["fincore", "--bytes", "--noheadings", "--output", "RES", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    return sum(int(line.split()[0]) for line in out.stdout.splitlines() if line.strip())


def run_queries(port: int, queries: list, rounds: int, timeout: float) -> dict[str, list[float]]:
    """Each query ``rounds`` times from two clients at once; seconds per answer, by query."""
    times: dict[str, list[float]] = {q.name: [] for q in queries}
    errors: list[str] = []

    def client(offset: int) -> None:
        for r in range(rounds):
            for q in queries:
                text = q.text + benchmark.nonce_suffix(f"{offset}-{r}-{time.monotonic_ns()}")
                target = "/sparql?" + urllib.parse.urlencode({"query": text})
                started = time.perf_counter()
                status, _, _ = benchmark.request_once(port, target, q.accept, timeout)
                if status != 200:
                    errors.append(f"{q.name}: HTTP {status}")
                times[q.name].append(time.perf_counter() - started)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"  errors: {sorted(set(errors))}", flush=True)
    return times


def add_serve_arguments(p: argparse.ArgumentParser, rounds: int, timeout: float, workdir: str) -> None:
    """The options :func:`measure` reads from ``args`` (this script's and ``bench/scale.py``'s serve step)."""
    p.add_argument("--processes", type=int, default=0, help="server processes (default: the server's)")
    p.add_argument("--workers", type=int, default=0, help="query workers per process (default: the server's)")
    p.add_argument("--rounds", type=int, default=rounds)
    p.add_argument("--timeout", type=float, default=timeout)
    p.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / workdir)


def measure(build: Path, store: str, args: argparse.Namespace, queries: list) -> dict:
    port = benchmark.free_port()
    env = {
        **os.environ,
        "SMARTHAME_BUILD_DIR": str(build),
        "SMARTHAME_STORE": store,
        "SMARTHAME_TIMEOUT": str(args.timeout),
        "PYTHONPATH": str(ROOT),
    }
    extra = [
        *(["--processes", str(args.processes)] if args.processes else []),
        *(["--workers", str(args.workers)] if args.workers else []),
    ]
    log = open(args.workdir / f"serve-{store}.log", "wb")  # noqa: SIM115 - closed below
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port), *extra],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    try:
        _wait_ready(port, proc, 3600)
        ready = time.perf_counter() - started
        run_queries(port, queries, 1, args.timeout)  # warm: every worker gets a first query
        times = run_queries(port, queries, args.rounds, args.timeout)
        from server.settings import Settings

        processes = args.processes or Settings().server_processes
        pss = pss_by_kind(proc.pid, processes)
        folder = build / os.readlink(build / "current")
        cached = page_cache(folder / "store") if store != "memory" else 0
    finally:
        proc.terminate()
        proc.wait(60)
        log.close()
    return {
        "store": store,
        "ready_s": round(ready, 1),
        "pss": pss,
        "page_cache": cached,
        "latency_ms": {name: round(statistics.median(ts) * 1000, 1) for name, ts in times.items()},
    }


def _wait_ready(port: int, proc: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            status, _, _ = benchmark.request_once(port, "/healthz", "application/json", 5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the server did not become ready")


def report(meta: dict, copy: dict, results: list[dict], projects: int) -> None:
    mib = 2**20
    print(
        f"\n{projects:,} synthetic projects + the bundled data: {meta['quads']:,} quads; "
        f"published in {meta['publish_s']} s (read {meta['read_s']} s)"
    )
    print(
        f"one copy of the store: {copy['in_memory'] / mib:,.0f} MiB in memory "
        f"(on disk: {copy['on_disk'] / mib:,.0f} MiB)\n"
    )
    for r in results:
        print(f"store={r['store']} (ready in {r['ready_s']} s)")
        total = 0
        for kind in KINDS:
            values = r["pss"][kind]
            if values:
                total += sum(values)
                print(f"  {kind:<15} {len(values)} x  {sum(values) / mib:>9,.0f} MiB PSS")
        ratio = total / copy["in_memory"]
        print(f"  {'all':<15}      {total / mib:>9,.0f} MiB PSS = {ratio:.2f} x one copy")
        if r["page_cache"]:
            print(f"  page cache of the on-disk store (once, in no PSS): {r['page_cache'] / mib:,.0f} MiB")
    names = list(results[0]["latency_ms"])
    print(
        f"\n{'query (median ms, 2 clients)':<30}" + "".join(f"{'store=' + r['store']:>16}" for r in results)
    )
    for name in names:
        print(f"{name:<30}" + "".join(f"{r['latency_ms'][name]:>16,.1f}" for r in results))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--projects", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--store", default="auto", help="comma-separated: auto, memory, disk (default auto)")
    add_serve_arguments(p, rounds=3, timeout=300.0, workdir="smarthame-memory")
    p.add_argument("--out", type=Path, help="also write the figures as JSON here")
    p.add_argument("--publish-only", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--nquads", type=Path, help=argparse.SUPPRESS)  # the synthetic projects, written before
    args = p.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.publish_only:
        build = args.workdir / f"build-{args.projects}-{args.seed}"
        print(json.dumps(publish(build, args.projects, args.seed, args.nquads)))
        return 0
    build, meta = prepared(args.workdir, args.projects, args.seed)
    copy = one_copy(build)
    queries = benchmark.analyst_queries(synthetic.project_iri(args.projects // 2, args.seed).value)
    results = [measure(build, store, args, queries) for store in args.store.split(",")]
    report(meta, copy, results, args.projects)
    if args.out:
        args.out.write_text(json.dumps({"meta": meta, "one_copy": copy, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
