"""Benchmark: importing 100 new (synthetic) projects into the bundled graph and into a 10,000-project
synthetic graph, with the time of each step, and validation of only the changed records and their
neighbours against validation of the whole graph.

    .venv/bin/python bench/import.py                  # both graphs
    .venv/bin/python bench/import.py --sizes 0        # the bundled graph only (0 synthetic projects)

Everything happens in a temporary folder: the bundled data is built there (`smarthame build`), the
synthetic graph (bench/synthetic.py) is published beside it, and the 100 imported projects are
synthetic records made here (names start with "Synthetic", sources under {base}synthetic/, business
IDs in the unissued 9xxxxxx range). Nothing is written to build/ or data/. Steps: read (files and the
published version), map (the records through server.graph.records, and the difference), validate,
publish (the ledger and the version), switch (open the new version and start a query engine on it, as
a server does). Each import runs twice on the same starting version: validating the focus (changed
nodes and neighbours) and the whole graph.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402

from server.graph.loading import bundled_sources, load_sources  # noqa: E402
from server.graph.releases import ReleaseNotes  # noqa: E402
from server.graph.versions import open_published  # noqa: E402
from server.publish.importing import import_files  # noqa: E402
from server.publish.publishing import publish_version  # noqa: E402
from server.settings import Settings  # noqa: E402
from server.sparql.engine import Engine  # noqa: E402

SOURCE = f"{synthetic.SYN}source"
SUMMARIES = (
    "Synthetic project on the circular economy: recycling industrial side streams into new products.",
    "Synthetic project on a sustainable food system: local food chains and food processing companies.",
    "Synthetic project on smart services and production: robotics and digitalisation in manufacturing.",
    "Synthetic project on design: service design for small companies and their customers.",
)


def synthetic_records(n: int, folder: Path) -> list[Path]:
    """``n`` synthetic project records and one synthetic applicant organisation for each, as JSON files."""
    orgs, projects = [], []
    for i in range(1, n + 1):
        name = f"Synthetic Import Organisation {i:03d} Oy"
        orgs.append(
            {
                "name": name,
                "y_tunnus": synthetic.synthetic_business_id(50_000 + i),
                "organisaatiotyyppi": "Säätiö",
                "municipality": "Forssa",
                "website": None,
                "aliases": [],
                "notes": [],
                "sources": [SOURCE],
            }
        )
        year = 2015 + i % 5
        projects.append(
            {
                "code": None,
                "name": f"Synthetic import project {i:03d}",
                "fund": "EAKR",
                "period": "2014–2020",
                "programme": None,
                "toimintalinja": None,
                "erityistavoite": None,
                "toteutusaika_text": None,
                "start": f"{year}-01-01",
                "end": f"{year + 2}-12-31",
                "status": None,
                "vastuuviranomainen": None,
                "applicant": {"name": name},
                "partners": [],
                "budget": {"Myönnetty rahoitus": f"{100 + i} 000 €"},
                "summary": SUMMARIES[i % len(SUMMARIES)],
                "source": SOURCE,
                "record_type": "project_page_or_news",
                "region": "Kanta-Häme",
            }
        )
    paths = [folder / "synthetic-organisations.json", folder / "synthetic-projects.json"]
    for path, content in zip(paths, (orgs, projects), strict=True):
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return paths


def start_version(root: Path, n_synthetic: int) -> Path:
    """A build folder whose published version is the bundled data plus ``n_synthetic`` synthetic projects."""
    build = root / f"build-{n_synthetic}"
    settings = Settings(build_dir=build)
    ds = load_sources(bundled_sources(settings), settings.base_iri)
    for q in synthetic.generate(n_synthetic):
        ds.add(q)
    summary = f"The bundled data and {n_synthetic} synthetic projects (bench/import.py)."
    notes = ReleaseNotes("build", settings.publisher_name, "bench/import.py", (), summary)
    publish_version(ds, settings, notes)
    return build


def switch(settings: Settings) -> tuple[float, float]:
    """Wall-clock and this process's CPU seconds to open the new version and start an engine on it."""
    start, start_cpu = time.perf_counter(), time.process_time()
    engine = Engine(open_published(settings), settings)
    engine.start()
    elapsed = time.perf_counter() - start, time.process_time() - start_cpu
    engine.close()
    return elapsed


def run(root: Path, n_synthetic: int, files: list[Path], kinds: list[str]) -> list[dict[str, object]]:
    template = start_version(root, n_synthetic)
    rows = []
    for whole in [kind == "whole" for kind in kinds]:
        build = root / f"run-{n_synthetic}-{'whole' if whole else 'focus'}"
        shutil.copytree(template, build, symlinks=True)
        settings = Settings(build_dir=build)
        outcome = import_files(
            files, settings, validation="whole" if whole else "focus", by="bench/import.py"
        )
        assert outcome.version is not None and outcome.report.conforms
        wall, cpu = switch(settings)
        rows.append(
            {
                "graph": n_synthetic,
                "validation": "whole graph" if whole else "focus",
                "nodes": outcome.focus,
                **outcome.timings,
                "switch": round(wall, 3),
                "cpu": {**outcome.cpu, "switch": round(cpu, 3)},
                "added": outcome.added,
                "removed": outcome.removed,
                "warnings": len(outcome.report.warnings),
            }
        )
        shutil.rmtree(build)
        print(f"  done: {rows[-1]}", file=sys.stderr, flush=True)  # a long run shows its progress
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 10_000], help="synthetic projects added")
    parser.add_argument("--new", type=int, default=100, help="synthetic projects imported")
    parser.add_argument(
        "--validation",
        nargs="+",
        choices=["focus", "whole"],
        default=["focus", "whole"],
        help="validate the changed nodes and their neighbours, the whole graph, or both (the default)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="smarthame-bench-import-") as tmp:
        root = Path(tmp)
        files = synthetic_records(args.new, root)
        rows = [row for n in args.sizes for row in run(root, n, files, args.validation)]
    steps = ("read", "map", "validate", "publish", "switch")
    print(
        f"Importing {args.new} synthetic projects (seconds per step, wall-clock / CPU; {os.cpu_count()} CPUs)"
    )
    print(
        f"{'graph':>22}  {'validation':<12}{'nodes':>7}"
        + "".join(f"{s:>14}" for s in steps)
        + f"{'+quads':>9}"
    )
    for r in rows:
        graph = "bundled" if r["graph"] == 0 else f"bundled + {r['graph']:,} syn."
        nodes = "all" if r["nodes"] is None else r["nodes"]
        cpu = r["cpu"]
        cells = "".join(f"{f'{r[s]:.2f} / {cpu[s]:.2f}':>14}" for s in steps)
        print(f"{graph:>22}  {r['validation']:<12}{nodes:>7}{cells}{r['added']:>9}")
    for n in args.sizes if len(args.validation) == 2 else []:
        by_kind = {r["validation"]: r for r in rows if r["graph"] == n}
        focus, whole = by_kind["focus"], by_kind["whole graph"]
        print(
            f"validation, {n:,} synthetic projects: focus {focus['validate']:.2f} s "
            f"({focus['cpu']['validate']:.2f} CPU), whole graph {whole['validate']:.2f} s "
            f"({whole['cpu']['validate']:.2f} CPU): whole / focus "
            f"{whole['cpu']['validate'] / focus['cpu']['validate']:.1f}x in CPU"
        )


if __name__ == "__main__":
    main()
