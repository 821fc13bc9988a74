"""What the records behind a published version were, so that the next import can map them again.

    build/versions/<v>/imports/ledger.json   reference folders, imported records (with where they came
                                             from) and the history of changes, cumulative
    build/versions/<v>/imports/mapped.nq     the statements the records mapped to (what the next import
                                             diffs)

A version published by ``smarthame build`` has no ledger: its records are the reference folders and
its mapped statements are those folders mapped again. The ledger of a new version is written into the
version's folder while it is staged (``server.publish.publishing``), so it is published with the version
or not at all; a rollback carries the ledger of the version it publishes again.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from server.graph.imports.types import ImportRecord
from server.graph.records.batch import Located, Origin
from server.graph.versions import versions_dir


@dataclass
class Ledger:
    version: str | None
    reference: list[Path]
    records: list[ImportRecord] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    mapped: AbstractSet[ox.Quad] | None = None


LEDGER_DIR = "imports"  # in a version's folder
LEDGER, MAPPED = "ledger.json", "mapped.nq"


def ledger_dir(version_folder: Path) -> Path:
    return version_folder / LEDGER_DIR


def load_ledger(build_dir: Path, version: str | None, reference: list[Path]) -> Ledger:
    """The ledger of ``version``, or a fresh one over ``reference`` when that version has none."""
    if version is None:
        return Ledger(version, reference)
    path = ledger_dir(versions_dir(build_dir) / version) / LEDGER
    if not path.is_file():
        return Ledger(version, reference)
    data = json.loads(path.read_text(encoding="utf-8"))
    records = [
        ImportRecord(r["kind"], Located(Origin(Path(r["where"])), r["record"]), r["cells"], r["parts"])
        for r in data["records"]
    ]
    nq = path.parent / MAPPED
    mapped = set(ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS)) if nq.is_file() else None
    return Ledger(version, [Path(p) for p in data["reference"]], records, data["history"], mapped)


def save_ledger(version_folder: Path, ledger: Ledger) -> None:
    """Write ``ledger`` into the folder of its version (a staging folder, before it is committed)."""
    folder = ledger_dir(version_folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "version": ledger.version,
        "reference": [str(p) for p in ledger.reference],
        "records": [
            {"kind": r.kind, "where": r.where, "record": r.located.data, "cells": r.cells, "parts": r.parts}
            for r in ledger.records
        ],
        "history": ledger.history,
    }
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if ledger.mapped is not None:
        quads = sorted(ledger.mapped, key=str)
        _replace(folder / MAPPED, "".join(f"{q} .\n" for q in quads))
    _replace(folder / LEDGER, text)


def _replace(target: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
