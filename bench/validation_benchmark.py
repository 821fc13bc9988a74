"""Validation at scale: the fast validator against pySHACL, step by step (not a timed test).

    python bench/validation_benchmark.py                        # bundled, 1,000, 10,000, 100,000 projects
    python bench/validation_benchmark.py --sizes 1000 --pyshacl-up-to 1000

For the bundled data and for synthetic graphs (``bench/synthetic.py``: the synthetic projects with the
real ontology, strategy and links they point to) it times, for each validator:

  load     files -> what the validator reads (a pyoxigraph store; pySHACL: a Dataset, then rdflib)
  compile  the shapes -> checks (pySHACL: the shapes graph as rdflib; it reads the shapes inside run)
  run      the validation itself
  locate   results -> ValidationResults with file:line

with wall-clock and CPU seconds (the machine is shared: CPU time is the steadier figure), the ratio
of pySHACL to fast per step, and whether both found the same results. pySHACL runs up to
``--pyshacl-up-to`` projects (at 1,000 projects it takes about 20 s; the time grows with the graph).
After each fast run, an update of 100 synthetic projects and their organisations is validated
incrementally (``server.graph.shacl.locality``): the focus nodes the change can reach, and the
restricted run against the full one.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import synthetic  # noqa: E402
from server.graph import validation  # noqa: E402
from server.graph.loading import bundled_sources, parse_file  # noqa: E402
from server.graph.shacl import forking, locality  # noqa: E402
from server.graph.shacl.data import DataGraph  # noqa: E402
from server.graph.shacl.run import compile_shapes, findings, run_plan  # noqa: E402
from server.graph.source_lines import Locator  # noqa: E402
from server.graph.vocabulary import graph_iri, prefixes  # noqa: E402
from server.settings import Settings  # noqa: E402

STEPS = ("load", "compile", "run", "locate")
CONTEXT = (
    ("ontology", "ontology/smart-hame.ttl"),
    ("strategy", "data/strategy.ttl"),
    ("links", "data/links.ttl"),
)


class Timer:
    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), _cpu()
        yield
        self.wall[name] = time.perf_counter() - wall
        self.cpu[name] = _cpu() - cpu

    def total(self, steps: tuple[str, ...] = STEPS) -> tuple[float, float]:
        return sum(self.wall.get(s, 0) for s in steps), sum(self.cpu.get(s, 0) for s in steps)


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the validator's forked
    processes are joined before a step ends)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def inputs(size: str, tmp: Path, settings: Settings) -> list[tuple[str, Path]]:
    """(graph name, file) for the bundled data or a synthetic graph of ``size`` projects."""
    if size == "bundled":
        return [(s.graph, s.path) for s in bundled_sources(settings) if s.graph != "shapes"]
    path = tmp / f"synthetic-{size}.nq"
    if not path.exists():
        started = time.perf_counter()
        quads = synthetic.write(path, int(size))
        print(f"  (generated {quads:,} synthetic quads in {time.perf_counter() - started:.1f} s)", flush=True)
    return [(g, ROOT / f) for g, f in CONTEXT] + [("", path)]


def fast(files: list[tuple[str, Path]], settings: Settings, t: Timer) -> tuple[list[Any], Any]:
    base = settings.base_iri
    shapes_graph = ox.NamedNode(graph_iri("shapes", base))
    with t.step("load"):
        store = ox.Store()
        for graph, path in files:
            fmt = ox.RdfFormat.N_QUADS if path.suffix == ".nq" else ox.RdfFormat.TURTLE
            target = ox.NamedNode(graph_iri(graph, base)) if graph else None
            store.load(path=str(path), format=fmt, base_iri=base, to_graph=target)
        data = DataGraph.from_store(store, shapes_graph)
    with t.step("compile"):
        shapes = list(parse_file(settings.ontology_dir / "shapes.ttl", shapes_graph, base))
        plan = compile_shapes(shapes, base, prefixes(base))
    with t.step("run"):
        rows = run_plan(plan, data, processes=forking.processes_for(settings.validator_processes, len(store)))
    with t.step("locate"):
        results = validation.fast_results(
            findings(rows, data), data, Locator([p for _, p in files], settings)
        )
    return results, (plan, store, data)


def reference(files: list[tuple[str, Path]], settings: Settings, t: Timer) -> list[Any]:
    base = settings.base_iri
    with t.step("load"):
        dataset = ox.Dataset()
        for graph, path in files:
            for q in parse_file(
                path, ox.NamedNode(graph_iri(graph, base)) if graph else ox.DefaultGraph(), base
            ):
                dataset.add(q)
        data = validation._graph(iter(dataset))
    with t.step("compile"):
        shapes_file = settings.ontology_dir / "shapes.ttl"
        shapes = validation._graph(parse_file(shapes_file, ox.NamedNode(graph_iri("shapes", base)), base))
    with t.step("run"):
        report = validation.pyshacl_report(data, shapes)
    with t.step("locate"):
        locate = Locator([p for _, p in files], settings)
        nodes = list(validation._top_level_results(report))
        results = [validation._result(report, node, data, locate) for node in nodes]
    return results


def incremental(plan: Any, store: ox.Store, data: DataGraph, size: str) -> str:
    """Validate an update of 100 projects (and their organisations) with the focus nodes it reaches."""
    batch = [q for q in synthetic.generate(100, seed=8) if "/synthetic/" in q.subject.value]
    subjects = {q.subject for q in batch}
    removed = [q for s in subjects for q in store.quads_for_pattern(s, None, None)]
    started = time.process_time()
    before = locality.affected(plan, data, [], removed, data)  # walked back before the update
    for q in removed:
        store.remove(q)
    store.extend(batch)
    after = locality.affected(plan, data, batch, [], data)
    reach_cpu = time.process_time() - started
    merged: dict[int, set[Any] | None] = {}
    for i in range(len(plan.checks)):
        a, b = before[i], after[i]
        merged[i] = None if a is None or b is None else a | b
    full_checks = sum(1 for v in merged.values() if v is None)
    nodes = set().union(*(v for v in merged.values() if v is not None))
    started = time.process_time()
    restricted = run_plan(plan, data, focus=merged)
    restricted_cpu = time.process_time() - started
    started = time.process_time()
    full = run_plan(plan, data)
    full_cpu = time.process_time() - started
    same = set(restricted) == {r for r in full if _wanted(r, plan, merged)}
    return (
        f"  update of 100 projects ({len(removed):,} quads out, {len(batch):,} in) at {size}: "
        f"{len(nodes):,} focus nodes reached, {full_checks} checks in full; "
        f"reach {reach_cpu:.2f} s + restricted run {restricted_cpu:.2f} s CPU "
        f"against a full run of {full_cpu:.2f} s "
        f"({full_cpu / max(reach_cpu + restricted_cpu, 1e-9):.0f}x); same results for those nodes: {same}"
    )


def _wanted(row: Any, plan: Any, merged: dict[int, set[Any] | None]) -> bool:
    index = next(i for i, c in enumerate(plan.checks) if c is row.check)
    nodes = merged[index]
    return nodes is None or row.get("this") in nodes


def keys(results: list[Any]) -> set[tuple[Any, ...]]:
    return {
        (r.focus_node, r.path, r.constraint_component, r.severity, r.value, r.shape, r.message)
        for r in results
    }


def line(label: str, t: Timer) -> str:
    cells = " ".join(f"{t.wall.get(s, 0):8.2f} {t.cpu.get(s, 0):7.2f}" for s in STEPS)
    wall, cpu = t.total()
    return f"  {label:8} {cells} {wall:8.2f} {cpu:7.2f}"


def ratios(fast_t: Timer, ref_t: Timer) -> str:
    def ratio(get: Callable[[Timer], float]) -> str:
        denominator = get(fast_t)
        return f"{get(ref_t) / denominator:7.1f}x" if denominator > 0.005 else "      - "

    cells = " ".join(f"{'':8} {ratio(lambda t, s=s: t.cpu.get(s, 0))}" for s in STEPS)
    return f"  {'ratio':8} {cells} {'':8} {ratio(lambda t: t.total()[1])}   (pySHACL / fast, CPU)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["bundled", "1000", "10000", "100000"])
    parser.add_argument(
        "--pyshacl-up-to", type=int, default=10_000, help="largest synthetic size pySHACL runs"
    )
    parser.add_argument("--no-update", action="store_true", help="skip the incremental update check")
    args = parser.parse_args()
    settings = Settings()
    header = " ".join(f"{s + ' wall':>8} {'cpu':>7}" for s in STEPS)
    with tempfile.TemporaryDirectory(prefix="smarthame-validation-") as tmpdir:
        for size in args.sizes:
            files = inputs(size, Path(tmpdir), settings)
            print(f"\n{size} ({'bundled data' if size == 'bundled' else 'synthetic projects'}), seconds:")
            print(f"  {'':8} {header} {'total':>8} {'cpu':>7}")
            fast_t = Timer()
            fast_results, (plan, store, data) = fast(files, settings, fast_t)
            print(line("fast", fast_t), f"  {len(fast_results)} results", flush=True)
            if size == "bundled" or int(size) <= args.pyshacl_up_to:
                ref_t = Timer()
                ref_results = reference(files, settings, ref_t)
                print(line("pyshacl", ref_t), f"  {len(ref_results)} results", flush=True)
                print(ratios(fast_t, ref_t))
                print(f"  same results: {keys(fast_results) == keys(ref_results)}")
            if size != "bundled" and not args.no_update:
                print(incremental(plan, store, data, size), flush=True)
            del store, data


if __name__ == "__main__":
    main()
