"""Record files in, one batch out: reading reference records and telling their kinds apart.

    batch = read_record_files([Path("real-data/projects.json"), Path("real-data-2/actors.json"), ...])

A file's kind is read from its content, never from its name: a list of project records (each has
``name``, ``fund``, ``record_type`` and ``source``), a list of organisation records (``name``,
``y_tunnus``, ``sources``), the strategy facts (an object with ``current_smart_specialisation``) or
strategy additions (an object of fact sections with ``people_additions`` or ``timeline_additions``).
``server.graph.records.importing.build_graphs`` maps a batch to the graph.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server.errors import DataError

Record = dict[str, Any]

PROJECT_KEYS = ("name", "fund", "record_type", "source")
ORGANISATION_KEYS = ("name", "y_tunnus", "sources")
ADDITION_SECTIONS = ("people_additions", "timeline_additions")


class RecordError(DataError):
    """A record file that cannot be read, or a record the mapping cannot use; names file and record."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where


@dataclass(frozen=True)
class Origin:
    """Where a record came from: the file and, for a list, the record's position (1-based)."""

    path: Path
    index: int | None = None

    def __str__(self) -> str:
        return f"{self.path}" if self.index is None else f"{self.path}:record {self.index}"


@dataclass(frozen=True)
class Located:
    """A record with its origin."""

    origin: Origin
    data: Record


@dataclass
class RecordBatch:
    """Every record of the files read, by kind, in file order."""

    projects: list[Located] = field(default_factory=list)
    organisations: list[Located] = field(default_factory=list)
    strategy: Located | None = None
    additions: list[Located] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def detect_kind(content: Any, path: Path) -> str:
    """``projects``, ``organisations``, ``strategy`` or ``additions``, from the file's content."""
    if isinstance(content, list) and content and all(isinstance(r, dict) for r in content):
        if all(all(k in r for k in PROJECT_KEYS) for r in content):
            return "projects"
        if all(all(k in r for k in ORGANISATION_KEYS) for r in content):
            return "organisations"
        first = content[0]
        kind = "project" if "fund" in first else "organisation"
        keys = PROJECT_KEYS if kind == "project" else ORGANISATION_KEYS
        bad = next(n for n, r in enumerate(content, start=1) if not all(k in r for k in keys))
        missing = [k for k in keys if k not in content[bad - 1]]
        raise RecordError(
            f"{path}:record {bad}", f"a {kind} record needs {', '.join(keys)}; missing {', '.join(missing)}"
        )
    if isinstance(content, dict):
        if "current_smart_specialisation" in content:
            return "strategy"
        if any(k in content for k in ADDITION_SECTIONS):
            return "additions"
    raise RecordError(
        str(path),
        "not a record file: expected a list of project records (name, fund, record_type, source), a list "
        "of organisation records (name, y_tunnus, sources), the strategy facts or strategy additions",
    )


def read_record_files(paths: list[Path]) -> RecordBatch:
    """Read and sort the records of ``paths`` by kind; a file that is not JSON or of no known kind stops
    the read with its name (and line, for a syntax error)."""
    batch = RecordBatch()
    for path in paths:
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise RecordError(f"{path}:{e.lineno}", f"not valid JSON: {e.msg}") from None
        except OSError as e:
            raise RecordError(str(path), f"cannot be read: {e.strerror}") from None
        kind = detect_kind(content, path)
        batch.files.append(path)
        if kind == "projects":
            batch.projects += [Located(Origin(path, n), r) for n, r in enumerate(content, start=1)]
        elif kind == "organisations":
            batch.organisations += [Located(Origin(path, n), r) for n, r in enumerate(content, start=1)]
        elif kind == "strategy":
            if batch.strategy is not None:
                raise RecordError(
                    str(path), f"a second strategy file (the first was {batch.strategy.origin})"
                )
            batch.strategy = Located(Origin(path), content)
        else:
            batch.additions.append(Located(Origin(path), content))
    return batch


def reference_files(folders: list[Path]) -> list[Path]:
    """The JSON files of reference folders, folder by folder, in name order."""
    return [p for folder in folders for p in sorted(folder.glob("*.json"))]
