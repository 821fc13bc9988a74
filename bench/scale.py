"""The whole pipeline at scale, step by step: time and memory of each (not a test; issue 14).

    python bench/scale.py                        # 300,000 synthetic projects (about 11 M quads)
    python bench/scale.py --projects 10000       # a quick look at the same steps

Each step runs in a process of its own, so that its figures are its own:

  generate  ``bench/synthetic.py`` writes N synthetic projects as N-Quads (never into data/ or build/)
  validate  ``smarthame validate`` of the bundled data files and the synthetic file (the fast
            validator; its forked processes are counted in CPU and, each, in peak memory)
  publish   the bundled data plus the generated file, bulk-loaded into an on-disk input store and
            published from it as ``smarthame build`` publishes (``bench/memory.py --publish-only``):
            canonical N-Quads, the served on-disk store, every dump, changes
  serve     ``smarthame serve`` with the default settings on that version; the benchmark's queries
            (``bench/benchmark.py``) from two clients at once, after one warming round; then the sum
            of PSS of every process of the server and the page cache the on-disk store holds

For each step: wall-clock seconds, CPU seconds (the step's process and every child it waited for: on a
shared machine the steadier figure), the peak resident memory of its largest process (``ru_maxrss`` of
the step's process tree, as the kernel reports the largest of the waited-for children), and what it
made (quads, bytes). The on-paper estimate for a larger graph is in README ("Scale").
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
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
import benchmark  # noqa: E402 - sibling scripts
import memory  # noqa: E402
import synthetic  # noqa: E402

MIB = 2**20


def run_step(name: str, argv: list[str]) -> dict:
    """Run ``argv`` to its end; wall and CPU seconds, and the peak RSS of its largest process.

    ``os.wait4`` reports the child together with every descendant it waited for: CPU summed, maximum
    RSS the largest of them (the kernel keeps a maximum, not a sum)."""
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=out_file, stderr=err_file)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read().decode(), err_file.read().decode()
    if proc.returncode and not (name == "validate" and proc.returncode == 1):  # 1: violations, reported
        raise RuntimeError(f"{name} exited with {proc.returncode}: {err[-2000:]}")
    return {
        "step": name,
        "wall_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss": usage.ru_maxrss * 1024,
        "stdout": out,
        "returncode": proc.returncode,
    }


def generate(path: Path, projects: int, seed: int) -> dict:
    step = run_step(
        "generate",
        [sys.executable, "bench/synthetic.py", str(projects), "--seed", str(seed), "-o", str(path)],
    )
    step["made"] = f"{int(step['stdout'].split()[0]):,} quads, {path.stat().st_size / MIB:,.0f} MiB N-Quads"
    return step


def validate(path: Path) -> dict:
    from server.graph.loading import bundled_sources
    from server.settings import Settings

    # The bundled graph (the synthetic projects link to its strategy and organisations) and the projects.
    files = [str(s.path) for s in bundled_sources(Settings()) if s.graph != "shapes"]
    step = run_step("validate", [sys.executable, "-m", "server.cli", "validate", *files, str(path)])
    first = [line for line in step["stdout"].splitlines() if line.strip()][:1] or ["(no report)"]
    step["made"] = f"exit {step['returncode']}: {first[0][:70]}"  # the report's summary line
    return step


def publish(workdir: Path, projects: int, seed: int, nquads: Path) -> tuple[dict, Path]:
    build = workdir / f"build-{projects}-{seed}"
    if build.exists():
        subprocess.run(["rm", "-rf", str(build)], check=True)
    argv = [sys.executable, "bench/memory.py", "--publish-only", "--projects", str(projects)]
    argv += ["--seed", str(seed), "--workdir", str(workdir), "--nquads", str(nquads)]
    step = run_step("publish", argv)
    meta = json.loads(step["stdout"].strip().splitlines()[-1])
    (workdir / f"build-{projects}-{seed}.json").write_text(json.dumps(meta))  # memory.py may reuse it
    folder = build / os.readlink(build / "current")
    store, every = memory.folder_size(folder / "store"), memory.folder_size(folder)
    step["made"] = (
        f"{meta['quads']:,} quads; store {store / MIB:,.0f} MiB, version folder {every / MIB:,.0f} MiB"
    )
    return step, build


def serve(build: Path, args: argparse.Namespace, projects: int) -> dict:
    queries = benchmark.analyst_queries(synthetic.project_iri(projects // 2, args.seed).value)
    started_cpu = _children_cpu()
    started = time.perf_counter()
    measured = memory.measure(build, "auto", args, queries)
    total = sum(sum(v) for v in measured["pss"].values())
    return {
        "step": "serve",
        "wall_s": round(time.perf_counter() - started, 1),
        # The server's own CPU (query workers are reaped by their zygote, not waited for: not counted).
        "cpu_s": round(_children_cpu() - started_cpu, 1),
        "peak_rss": total,  # here: the sum of PSS of all the server's processes, after the queries
        "made": (
            f"ready in {measured['ready_s']} s; {sum(len(v) for v in measured['pss'].values())} processes; "
            f"page cache {measured['page_cache'] / MIB:,.0f} MiB"
        ),
        "latency_ms": measured["latency_ms"],
        "pss": {k: sum(v) for k, v in measured["pss"].items()},
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def report(projects: int, steps: list[dict]) -> None:
    print(f"\n{projects:,} synthetic projects (bench/scale.py; CPU includes every waited-for child)\n")
    print(f"{'step':<10}{'wall s':>9}{'CPU s':>9}{'peak MiB':>10}  made")
    for s in steps:
        label = "PSS MiB" if s["step"] == "serve" else ""
        print(
            f"{s['step']:<10}{s['wall_s']:>9,.1f}{s['cpu_s']:>9,.1f}{s['peak_rss'] / MIB:>10,.0f}  "
            f"{s['made']}{'  (' + label + ': sum of all processes)' if label else ''}"
        )
    serve_step = next((s for s in steps if s["step"] == "serve"), None)
    if serve_step:
        print("\nquery (median ms, 2 clients)")
        for name, ms in serve_step["latency_ms"].items():
            print(f"  {name:<30}{ms:>12,.1f}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--projects", type=int, default=300_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--steps", default="generate,validate,publish,serve")
    memory.add_serve_arguments(p, rounds=2, timeout=600.0, workdir="smarthame-scale")
    p.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = p.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    wanted = args.steps.split(",")
    path = args.workdir / f"synthetic-{args.projects}-{args.seed}.nq"
    build = args.workdir / f"build-{args.projects}-{args.seed}"
    steps: list[dict] = []
    for name in wanted:
        print(f"{name} ...", flush=True)
        if name == "generate":
            steps.append(generate(path, args.projects, args.seed))
        elif name == "validate":
            steps.append(validate(path))
        elif name == "publish":
            step, build = publish(args.workdir, args.projects, args.seed, path)
            steps.append(step)
        elif name == "serve":
            steps.append(serve(build, args, args.projects))
        else:
            p.error(f"unknown step {name!r}")
        print(f"  {steps[-1]['wall_s']} s wall, {steps[-1]['cpu_s']} s CPU", flush=True)
    report(args.projects, steps)
    if args.out:
        args.out.write_text(json.dumps({"projects": args.projects, "steps": steps}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
