"""Benchmark: the benchmark's queries through our front end over each engine, side by side, run together.

Not a test: a script run by hand. For each data set (the bundled data alone, and with ``--projects``
synthetic projects from bench/synthetic.py, named synthetic, published under /tmp only by
bench/memory.py's ``prepared``, with an on-disk store):

1. the in-memory store and the on-disk store (settings ``store=memory`` and ``store=disk``) serve it from
   the build folder; ``oxigraph serve`` (RocksDB, in a temporary folder) and Virtuoso Open Source get it
   by ``publish --to``'s library calls, each step timed: loading (stage), the switch (a pointer update)
   and the prune;
2. every query of bench/benchmark.py runs through a front end (in process) over each in turn: one first
   request, then ``--repeat`` requests whose text differs by a trailing comment (so the result cache
   never answers), interleaved request by request so that a drift in the shared machine's load lands
   on all of them alike;
3. a table per data set: the median and the slowest of the repeated requests per column, in ms, and the
   rows each returned (all must agree).

    python bench/engines.py                  # bundled data and 10,000 synthetic projects
    python bench/engines.py --projects 0     # bundled data only
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import memory  # noqa: E402
import synthetic  # noqa: E402
from benchmark import analyst_queries, nonce_suffix  # noqa: E402

from server.errors import UpstreamFailed  # noqa: E402
from server.graph.versions import Published, open_published  # noqa: E402
from server.settings import Settings  # noqa: E402
from server.sparql.remote_publish import prune, stage, switch  # noqa: E402
from server.web.app import create_app  # noqa: E402
from tests.engines import ENGINES, Engine, available  # noqa: E402
from tests.inprocess import in_process  # noqa: E402

BUNDLED_PROJECT = "https://w3id.org/smart-hame/project/15349"


def rows_of(body: bytes, accept: str) -> int:
    if accept.endswith("json"):
        data = json.loads(body)
        return 1 if "boolean" in data else len(data["results"]["bindings"])
    return body.count(b"\n")


def run(label: str, build: Path, describe_iri: str, repeat: int) -> None:
    local = {kind: Settings(build_dir=build, store=kind, timeout=120) for kind in ("memory", "disk")}
    published = open_published(local["memory"])
    print(f"\n== {label}: {published.manifest.get('triples', '?')} triples", flush=True)
    queries = analyst_queries(describe_iri)
    with tempfile.TemporaryDirectory(prefix="smarthame-engines-") as tmp:
        engines: list[Engine] = []
        try:
            for name in ENGINES:
                engine = start_and_publish(name, Path(tmp) / name, local["memory"], published)
                if engine is not None:
                    engines.append(engine)
            fronts = {f"{kind} store": create_app(s) for kind, s in local.items()}
            for engine in engines:
                fronts[engine.name] = create_app(
                    engine.settings(local["memory"], build_dir=Path(tmp) / "front")
                )
            clients = {name: in_process(app) for name, app in fronts.items()}
            opened = {name: c.__enter__() for name, c in clients.items()}
            try:
                table(queries, opened, repeat)
            finally:
                for c in clients.values():
                    c.__exit__(None, None, None)
        finally:
            for engine in engines:
                engine.stop()


def start_and_publish(name: str, folder: Path, settings: Settings, published: Published) -> Engine | None:
    """``name`` started in ``folder`` and holding ``published``; None (said why) where it cannot."""
    reason = available(name)
    if reason is not None:
        print(f"   {name}: skipped, {reason}")
        return None
    folder.mkdir()
    engine = Engine(name, folder)
    settings = engine.settings(settings)
    steps: dict[str, float] = {}
    try:
        for step, call in (
            ("stage", lambda: stage(settings, published)),
            ("switch", lambda: switch(settings, published.version)),
            ("prune", lambda: prune(settings)),
        ):
            started = time.perf_counter()
            call()
            steps[step] = time.perf_counter() - started
    except BaseException as e:
        engine.stop()
        if not isinstance(e, UpstreamFailed):
            raise
        # Measured, not hidden: the table then goes on without this engine.
        print(f"   publish --to {name} failed after {steps} s: {e}"[:300])
        return None
    took = ", ".join(f"{step} {seconds:.3f} s" for step, seconds in steps.items())
    print(f"   publish --to {name}: {sum(steps.values()):.1f} s ({took})", flush=True)
    return engine


def table(queries: list, clients: dict, repeat: int) -> None:
    names = list(clients)
    print(f"   {'query':<28}" + "".join(f"{n + ' p50/max ms':>26}" for n in names) + "   rows")
    for q in queries:
        times: dict[str, list[float]] = {n: [] for n in names}
        rows: dict[str, int] = {}
        for i in range(repeat + 1):
            for n in names:
                text = q.text + (nonce_suffix(f"{n}-{i}") if i else "")
                started = time.perf_counter()
                r = clients[n].get("/sparql", params={"query": text}, headers={"accept": q.accept})
                elapsed = (time.perf_counter() - started) * 1000
                if r.status_code != 200:
                    rows[n] = -r.status_code
                    continue
                if i:
                    times[n].append(elapsed)
                else:
                    rows[n] = rows_of(r.content, q.accept)
        cells = "".join(
            f"{statistics.median(t):>14.1f} / {max(t):>8.1f}" if t else f"{'failed':>26}"
            for t in times.values()
        )
        agree = "" if len(set(rows.values())) == 1 else "  DIFFER"
        print(f"   {q.name:<28}{cells}   {rows}{agree}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000, help="synthetic projects; 0: bundled only")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per query and engine")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.gettempdir()) / "smarthame-bench-engines"
    workdir.mkdir(exist_ok=True)
    build, _ = memory.prepared(workdir, 0, args.seed)
    run("bundled data", build, BUNDLED_PROJECT, args.repeat)
    if args.projects:
        build, _ = memory.prepared(workdir, args.projects, args.seed)
        iri = synthetic.project_iri(args.projects // 2, args.seed).value
        run(f"bundled data and {args.projects} synthetic projects", build, iri, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
