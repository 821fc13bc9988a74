"""The editorial layer: a person's reasoned, dated decisions, read from a curated CSV file.

    project,concept,decision,reason,date,editor
    go-iittala-village,spearheads/design,include,"…",2026-12-01,graph-editor

``project`` is the key of ``project/{key}``, ``concept`` the path of ``concept/{scheme}/{slug}``,
``decision`` is ``include`` (the project contributes to the concept) or ``exclude`` (it does not,
whatever a rule says), ``editor`` the public role of the person who decided (``EDITORS``; never a
name). The rules never write this file and never overturn a row of it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from server.errors import DataError

COLUMNS = ("project", "concept", "decision", "reason", "date", "editor")
DECISIONS = ("include", "exclude")
# Public roles that may decide, with their names in fi/sv/en: the agent of their classifications.
EDITORS: dict[str, dict[str, str]] = {
    "graph-editor": {
        "fi": "tietoverkon toimittaja (Smart Häme -tietoverkkohanke)",
        "sv": "kunskapsgrafens redaktör (projektet Smart Häme-kunskapsgrafen)",
        "en": "graph editor (Smart Häme knowledge graph project)",
    },
}


class EditorialError(DataError):
    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Decision:
    project: str
    concept: str  # path under concept/, e.g. "spearheads/design"
    include: bool
    reason: str
    date: str
    editor: str
    line: int


def read_decisions(path: Path, projects: set[str], concepts: set[str]) -> list[Decision]:
    """The decisions of ``path``; a row naming an unknown project, concept, decision, date or editor
    stops the conversion with the file and line."""
    if not path.is_file():
        return []
    out = []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise EditorialError(f"{path}:1", f"the header must be {','.join(COLUMNS)}")
        for row in reader:
            where = f"{path}:{reader.line_num}"
            if row["project"] not in projects:
                raise EditorialError(where, f"no project/{row['project']} in the graph")
            if row["concept"] not in concepts:
                raise EditorialError(where, f"no concept/{row['concept']} to classify against")
            if row["decision"] not in DECISIONS:
                raise EditorialError(
                    where, f"decision must be {' or '.join(DECISIONS)}, not {row['decision']!r}"
                )
            if not re.fullmatch(r"\d{4}-\d\d-\d\d", row["date"]):
                raise EditorialError(where, f"date must be yyyy-mm-dd, not {row['date']!r}")
            if row["editor"] not in EDITORS:
                raise EditorialError(where, f"editor must be one of {', '.join(EDITORS)} (a public role)")
            if not row["reason"].strip():
                raise EditorialError(where, "give the reason for the decision")
            out.append(
                Decision(
                    row["project"],
                    row["concept"],
                    row["decision"] == "include",
                    row["reason"].strip(),
                    row["date"],
                    row["editor"],
                    reader.line_num,
                )
            )
    return out
