"""Precision and recall of the classification rules per Smart Häme spearhead, against a hand-checked
test set (a script, not a timed test):

    .venv/bin/python bench/classification_quality.py [--testset bench/classification_testset.csv]

The test set (``bench/classification_testset.csv``: project key, the Smart Häme spearheads by theme it
belongs to or ``none``, the part of the set, and a one-line reason) was labelled by reading each
project's name, summary and sources. The ``tuning`` part (76 projects) was labelled first and the
rules were then improved while looking at it, so its figures flatter the rules; the ``held-out`` part
(62 projects) was labelled after the rules were frozen and nothing was changed after scoring it.
Three variants are scored on the theme classification (the one that places every project, whatever
its time, against the four spearheads):

- ``stems``: Smart Häme spearhead stems in the record only;
- ``rules``: what the graph publishes from rules: the in-force classification carried over the
  published Smart Tavastia -> Smart Häme mappings, stems, and applicants' profiles;
- ``published``: the rules with the editorial decisions of data/editorial/ applied.

Reading the records needs ../shared/reference (real-data and real-data-2).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.graph.classification import rules  # noqa: E402
from server.graph.classification.build import ProjectResult, classify, published_mappings  # noqa: E402
from server.graph.records.convert import EDITORIAL, ONTOLOGY, REFERENCE  # noqa: E402
from server.graph.records.importing import build_graphs, read_record_files, reference_files  # noqa: E402

SPEARHEADS = ("circular-economy", "sustainable-food-system", "smart-services-and-production", "design")
TESTSET = Path(__file__).parent / "classification_testset.csv"


def read_testset(path: Path, part: str | None = None) -> dict[str, set[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for row in rows:
        if part and row["set"] != part:
            continue
        labels = set() if row["spearheads"] == "none" else set(row["spearheads"].split(";"))
        unknown = labels - set(SPEARHEADS)
        if unknown:
            raise SystemExit(f"{path}: {row['project']}: unknown spearheads {sorted(unknown)}")
        if not row["reason"].strip():
            raise SystemExit(f"{path}: {row['project']}: every label needs its one-line reason")
        out[row["project"]] = labels
    return out


def slugs(concepts: list[str]) -> set[str]:
    return {c.rsplit("/", 1)[-1] for c in concepts if "/concept/spearheads/" in c}


def score(gold: dict[str, set[str]], predicted: Callable[[str], set[str]]) -> dict[str, tuple[int, int, int]]:
    """Per spearhead: (true positives, false positives, false negatives)."""
    out = {}
    for s in SPEARHEADS:
        tp = sum(1 for k, g in gold.items() if s in g and s in predicted(k))
        fp = sum(1 for k, g in gold.items() if s not in g and s in predicted(k))
        fn = sum(1 for k, g in gold.items() if s in g and s not in predicted(k))
        out[s] = (tp, fp, fn)
    return out


def ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "–"


def table(name: str, counts: dict[str, tuple[int, int, int]]) -> list[str]:
    lines = [f"\n{name}", f"  {'spearhead':32} {'TP':>3} {'FP':>3} {'FN':>3} {'precision':>9} {'recall':>7}"]
    total = [0, 0, 0]
    for s, (tp, fp, fn) in counts.items():
        total = [total[0] + tp, total[1] + fp, total[2] + fn]
        lines.append(f"  {s:32} {tp:3} {fp:3} {fn:3} {ratio(tp, tp + fp):>9} {ratio(tp, tp + fn):>7}")
    tp, fp, fn = total
    lines.append(
        f"  {'all four (micro-average)':32} {tp:3} {fp:3} {fn:3} {ratio(tp, tp + fp):>9} "
        f"{ratio(tp, tp + fn):>7}"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--testset", type=Path, default=TESTSET)
    parser.add_argument("--part", choices=["tuning", "held-out"], help="score only this part of the set")
    args = parser.parse_args(argv)
    everything = read_testset(args.testset)
    mapped = build_graphs(read_record_files(reference_files(REFERENCE)), ONTOLOGY, EDITORIAL)
    published: dict[str, ProjectResult] = mapped.classification
    missing = sorted(set(everything) - set(published))
    if missing:
        raise SystemExit(f"{args.testset}: no such projects in the graph: {missing}")
    facts = {k: r.facts for k, r in published.items()}
    by_rules = classify(list(facts.values()), published_mappings(mapped.graphs["strategy"]))
    contributes = {
        k: slugs(r.theme.concepts() + [a.concept for e in r.editorial for a in e.assignments])
        - slugs([c for e in r.editorial for c in e.rejected])
        for k, r in published.items()
    }
    parts = [args.part] if args.part else ["tuning", "held-out", None]
    for part in parts:
        gold = read_testset(args.testset, part)
        title = f"{part} part" if part else "the whole set"
        print(
            f"\n=== {title}: {len(gold)} projects, labels per spearhead: "
            + ", ".join(f"{s} {sum(1 for g in gold.values() if s in g)}" for s in SPEARHEADS)
        )
        report = table(
            "stems (Smart Häme stems in the record only)",
            score(gold, lambda k: slugs([a.concept for a in rules.smart_hame_spearheads(facts[k])])),
        )
        report += table(
            "rules (in force -> mappings, stems, profiles)",
            score(gold, lambda k: slugs(by_rules[k].theme.concepts())),
        )
        report += table("published (rules + editorial decisions)", score(gold, lambda k: contributes[k]))
        print("\n".join(report))
        wrong = [
            (k, sorted(g), sorted(slugs(by_rules[k].theme.concepts())))
            for k, g in sorted(gold.items())
            if g != slugs(by_rules[k].theme.concepts())
        ]
        print(f"\nRules disagree with the labels on {len(wrong)} projects:")
        for k, g, p in wrong:
            print(f"  {k[:50]:50} labelled {','.join(g) or 'none':40} rules {','.join(p) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
