"""``smarthame import FILE... [--dry-run]``: the command line over ``server.graph.imports.run``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from server.errors import ImportRefused, ImportRejected
from server.graph.imports.types import VALIDATIONS
from server.settings import Settings

EXIT_OK, EXIT_REFUSED = 0, 1


def add_import_parser(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help="Add or update records (JSON records, the spreadsheet template, RDF) and publish a new version.",
    )
    p.add_argument("files", nargs="+", help="JSON record files, .csv/.xlsx (docs/import.md) or RDF files")
    p.add_argument("--dry-run", action="store_true", help="validate and report; publish nothing")
    p.add_argument(
        "--validation",
        choices=VALIDATIONS,
        default="auto",
        help="focus: only the nodes the change can affect; whole: the whole new dataset; auto (the default): "
        "focus when the graph is large against the change",
    )
    p.add_argument(
        "--reference",
        action="append",
        help="record folders behind a version `smarthame build` published (default ../shared/reference/"
        "real-data and real-data-2)",
    )
    p.add_argument("--by", default="smarthame import", help="who imports, for the release notes")


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    from server.publish.importing import import_files

    try:
        outcome = import_files(
            [Path(f) for f in args.files],
            settings,
            dry_run=args.dry_run,
            validation=args.validation,
            reference=[Path(r) for r in args.reference] if args.reference else None,
            by=args.by,
        )
    except ImportRejected as e:
        print(e.message, file=sys.stderr)
        return EXIT_REFUSED
    except ImportRefused as e:
        print(e.report.format_text(), file=sys.stderr)
        print(f"Import refused: {e.message} The published version is unchanged.", file=sys.stderr)
        return EXIT_REFUSED
    for change in outcome.changes:
        print(_change_line(change))
    if outcome.report.results:
        print(outcome.report.format_text(), file=sys.stderr)
    checked = (
        "the whole graph" if outcome.focus is None else f"the {outcome.focus} nodes the change can affect"
    )
    steps = ", ".join(f"{k} {v:.2f} s" for k, v in outcome.timings.items())
    print(f"+{outcome.added} −{outcome.removed} statements; validated {checked}; {steps}", file=sys.stderr)
    if outcome.dry_run:
        print("Dry run: the import conforms; nothing was published.")
    elif outcome.version is None:
        print("Nothing changed; no new version.")
    else:
        print(f"Published version {outcome.version} (previous {outcome.previous}).")
    return EXIT_OK


def _change_line(change: dict[str, Any]) -> str:
    if change["kind"] == "additions":
        return f"added strategy additions  ({change['where']})"
    if change["change"] == "added":
        return f"added {change['kind']} {change['entity']}  ({change['where']})"
    if change["change"] == "changed":
        fields = ", ".join(f"{f['field']}: {f['old']!r} -> {f['new']!r}" for f in change["fields"])
        return f"changed {change['kind']} {change['entity']}: {fields}  ({change['where']})"
    return f"new statements in {change['entity']} from {', '.join(change['files'])}"
