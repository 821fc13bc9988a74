"""Measure the peak memory of writing the dumps of a large published graph (not part of the test suite).

    python tests/measure_dump_memory.py                   # 100,000 synthetic projects + the bundled data
    python tests/measure_dump_memory.py --projects 2000   # a quick run

It publishes the bundled data plus ``tests/synthetic.py``'s graph of N projects into a temporary build
folder (that step sorts in memory, as ``smarthame build`` does, and is not what is measured), then runs
each measured step in a fresh process and reads that process's peak RSS (``ru_maxrss``):

    load       open the published version into the in-memory store, as ``smarthame dump`` does first
    <format>   load, then ``smarthame dump --format <format>`` of the whole dataset to a file
    all        load, then every file under /dumps/ (all syntaxes, every graph, gzip, SHA-256)

The claim checked: writing dumps streams, so its peak stays within ``BOUND_MIB`` of the load's peak
(the store itself is the one copy of the data; no step builds a second one in Python). With
``--tracemalloc`` the Python heap's own peak during the writing is reported too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOUND_MIB = 128  # extra peak RSS that writing dumps may add over loading the store
FORMATS = ("nquads", "trig", "turtle", "ntriples")


def publish_synthetic(build_dir: Path, projects: int) -> dict:
    """Bundled data + synthetic projects, published like `smarthame build` (without SHACL: it is synthetic)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import synthetic

    from server.dataset import bundled_sources, load_sources
    from server.settings import Settings
    from server.store import publish

    settings = Settings(build_dir=build_dir)
    ds = load_sources(bundled_sources(settings), settings.base_iri)
    for q in synthetic.generate(projects):
        ds.add(q)
    target = publish(ds, f"synthetic-{projects}", settings.base_iri, build_dir)
    return json.loads((target / "manifest.json").read_text())


def child(mode: str, build_dir: Path, out_dir: Path, trace: bool) -> dict:
    """One measured step, run in its own process; prints its figures as JSON."""
    import tracemalloc

    from server.dumps import open_dumps, write_dump
    from server.settings import Settings
    from server.store import open_published

    settings = Settings(build_dir=build_dir)
    started = time.perf_counter()
    published = open_published(settings)
    loaded = time.perf_counter()
    rss_loaded = _peak_mib()
    if trace:
        tracemalloc.start()
    if mode in FORMATS:
        with open(out_dir / f"dump.{mode}", "wb") as out:
            write_dump(published, out, mode)
    elif mode == "all":
        open_dumps(published, out_dir)
    python_peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    return {
        "mode": mode,
        "load_s": round(loaded - started, 1),
        "write_s": round(time.perf_counter() - loaded, 1),
        "peak_rss_after_load_mib": round(rss_loaded),
        "peak_rss_mib": round(_peak_mib()),
        "python_heap_peak_mib": None if python_peak is None else round(python_peak, 1),
    }


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def run_child(mode: str, build_dir: Path, out_dir: Path, trace: bool) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--build-dir", str(build_dir), "--out-dir", str(out_dir)]
    if trace:
        cmd.append("--tracemalloc")
    result = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--tracemalloc", action="store_true", help="also report the Python heap's peak")
    parser.add_argument("--child")
    parser.add_argument("--build-dir", type=Path)
    parser.add_argument("--out-dir", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.build_dir, args.out_dir, args.tracemalloc)))
        return 0

    with tempfile.TemporaryDirectory(prefix="dump-memory-") as tmp:
        build_dir, out_dir = Path(tmp) / "build", Path(tmp) / "out"
        out_dir.mkdir()
        started = time.perf_counter()
        manifest = publish_synthetic(build_dir, args.projects)
        print(f"published {manifest['triples']:,} quads ({args.projects:,} synthetic projects + bundled data) "
              f"in {time.perf_counter() - started:.0f} s; dataset.nq is "
              f"{(build_dir / 'current' / 'dataset.nq').stat().st_size / 2**20:.0f} MiB", flush=True)
        rows = [run_child(mode, build_dir, out_dir, args.tracemalloc) for mode in ("load", *FORMATS, "all")]
        sizes = {p.name: p.stat().st_size for p in sorted(out_dir.rglob("*")) if p.is_file()}
    baseline = rows[0]["peak_rss_mib"]
    print(f"\n{'step':<10} {'load s':>7} {'write s':>8} {'peak RSS MiB':>13} {'over load':>10} {'Python heap MiB':>16}")
    worst = 0
    for r in rows:
        over = r["peak_rss_mib"] - baseline
        worst = max(worst, over)
        heap = "" if r["python_heap_peak_mib"] is None else f"{r['python_heap_peak_mib']:.1f}"
        print(f"{r['mode']:<10} {r['load_s']:>7} {r['write_s']:>8} {r['peak_rss_mib']:>13} {over:>10} {heap:>16}")
    total = sum(sizes.values()) / 2**20
    print(f"\nfiles written: {len(sizes)}, {total:.0f} MiB in all; largest "
          + ", ".join(f"{n} {s / 2**20:.0f} MiB" for n, s in sorted(sizes.items(), key=lambda kv: -kv[1])[:3]))
    verdict = "within" if worst <= BOUND_MIB else "OVER"
    print(f"writing dumps added at most {worst} MiB of peak RSS over loading the store: {verdict} the "
          f"{BOUND_MIB} MiB bound")
    return 0 if worst <= BOUND_MIB else 1


if __name__ == "__main__":
    sys.exit(main())
