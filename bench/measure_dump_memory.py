"""Measure the peak memory of writing the dumps of a large published graph (not part of the test suite).

    python bench/measure_dump_memory.py                   # 100,000 synthetic projects + the bundled data
    python bench/measure_dump_memory.py --projects 2000   # a quick run

It publishes the bundled data plus ``bench/synthetic.py``'s graph of N projects into a temporary build
folder (in a process of its own: that step sorts in memory, as ``smarthame build`` does, and is not what
is measured), then runs each measured step in a fresh process:

    load       open the published version into the in-memory store, as ``smarthame dump`` does first
    <format>   load, then ``smarthame dump --format <format>`` of the whole dataset to a file
    all        load, then every file under /dumps/ (all syntaxes, every graph, gzip, SHA-256)

Memory is read from ``/proc/self/status``: ``VmRSS`` once the store is loaded, then the peak RSS is reset
(``/proc/self/clear_refs``) so that ``VmHWM`` afterwards is the peak of the writing alone. (``ru_maxrss``
would not do: Linux keeps it across ``exec``, so a child reports its parent's peak.) The claim checked:
writing dumps streams, so its peak stays within ``BOUND_MIB`` of the resident size of the loaded store,
which is the one copy of the data. With ``--tracemalloc`` the Python heap's own peak is reported too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOUND_MIB = (
    64  # extra peak RSS that writing dumps may add over the loaded store (measured: +3 MiB at 100k projects)
)
FORMATS = ("nquads", "trig", "turtle", "ntriples")


def publish_synthetic(build_dir: Path, projects: int) -> dict:
    """Bundled data + synthetic projects, published like `smarthame build` (without SHACL: it is
    synthetic)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import synthetic

    from server.graph.loading import bundled_sources, load_sources
    from server.graph.releases import ReleaseNotes
    from server.publish.publishing import publish_version
    from server.settings import Settings

    settings = Settings(build_dir=build_dir)
    ds = load_sources(bundled_sources(settings), settings.base_iri)
    for q in synthetic.generate(projects):
        ds.add(q)
    notes = ReleaseNotes("build", "bench", "bench/measure_dump_memory.py")
    return publish_version(ds, settings, notes).manifest


def proc_status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # "5" resets VmHWM to the current RSS (Linux >= 4.0)


def child(mode: str, build_dir: Path, out_dir: Path, trace: bool) -> dict:
    """One measured step, run in its own process; prints its figures as JSON."""
    import tracemalloc

    from server.graph.versions import open_published
    from server.publish.dumps import write_dump, write_dump_set
    from server.settings import Settings

    settings = Settings(build_dir=build_dir)
    started = time.perf_counter()
    published = open_published(settings)
    loaded = time.perf_counter()
    load_peak = proc_status_mib("VmHWM")
    rss_loaded = proc_status_mib("VmRSS")
    reset_peak()
    if trace:
        tracemalloc.start()
    if mode in FORMATS:
        with open(out_dir / f"dump.{mode}", "wb") as out:
            write_dump(published, out, mode)
    elif mode == "all":  # what publishing writes into the version folder, written again here
        write_dump_set(published, out_dir / "dumps")
    python_peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    return {
        "mode": mode,
        "load_s": round(loaded - started, 1),
        "write_s": round(time.perf_counter() - loaded, 1),
        "load_peak_mib": round(load_peak),
        "rss_loaded_mib": round(rss_loaded),
        "write_peak_mib": round(proc_status_mib("VmHWM")),
        "python_heap_peak_mib": None if python_peak is None else round(python_peak, 1),
    }


def run_child(mode: str, build_dir: Path, out_dir: Path, trace: bool) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        mode,
        "--build-dir",
        str(build_dir),
        "--out-dir",
        str(out_dir),
    ]
    if trace:
        cmd.append("--tracemalloc")
    result = subprocess.run(
        cmd, capture_output=True, text=True, check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--tracemalloc", action="store_true", help="also report the Python heap's peak")
    parser.add_argument("--child")
    parser.add_argument("--publish", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--build-dir", type=Path)
    parser.add_argument("--out-dir", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.build_dir, args.out_dir, args.tracemalloc)))
        return 0
    if args.publish:
        publish_synthetic(args.build_dir, args.publish)
        return 0

    with tempfile.TemporaryDirectory(prefix="dump-memory-") as tmp:
        build_dir, out_dir = Path(tmp) / "build", Path(tmp) / "out"
        out_dir.mkdir()
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--publish", str(args.projects), "--build-dir", str(build_dir)],
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        manifest = json.loads((build_dir / "current" / "manifest.json").read_text())
        print(
            f"published {manifest['triples']:,} quads ({args.projects:,} synthetic projects + bundled data) "
            f"in {time.perf_counter() - started:.0f} s; dataset.nq is "
            f"{(build_dir / 'current' / 'dataset.nq').stat().st_size / 2**20:.0f} MiB",
            flush=True,
        )
        rows = [run_child(mode, build_dir, out_dir, args.tracemalloc) for mode in ("load", *FORMATS, "all")]
        sizes = {p.name: p.stat().st_size for p in sorted(out_dir.rglob("*")) if p.is_file()}
    print(
        f"\n{'step':<10} {'load s':>7} {'write s':>8} {'load peak':>10} {'RSS loaded':>11} {'write peak':>11}"
        f" {'over loaded':>12} {'Python heap':>12}   (MiB)"
    )
    worst = 0
    for r in rows:
        over = r["write_peak_mib"] - r["rss_loaded_mib"]
        worst = max(worst, over)
        heap = "" if r["python_heap_peak_mib"] is None else f"{r['python_heap_peak_mib']:.1f}"
        print(
            f"{r['mode']:<10} {r['load_s']:>7} {r['write_s']:>8} {r['load_peak_mib']:>10} "
            f"{r['rss_loaded_mib']:>11}"
            f" {r['write_peak_mib']:>11} {over:>12} {heap:>12}"
        )
    total = sum(sizes.values()) / 2**20
    print(
        f"\nfiles written: {len(sizes)}, {total:.0f} MiB in all; largest "
        + ", ".join(f"{n} {s / 2**20:.0f} MiB" for n, s in sorted(sizes.items(), key=lambda kv: -kv[1])[:3])
    )
    verdict = "within" if worst <= BOUND_MIB else "OVER"
    print(
        f"writing dumps peaked at most {worst} MiB above the resident loaded store: {verdict} the "
        f"{BOUND_MIB} MiB bound"
    )
    return 0 if worst <= BOUND_MIB else 1


if __name__ == "__main__":
    sys.exit(main())
