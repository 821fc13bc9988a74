"""One import: files in, a new validated version out, or a refusal that leaves everything as it was.

    outcome = import_files([Path("new-projects.xlsx")], settings, dry_run=False)
    outcome.version, outcome.changes, outcome.report.warnings, outcome.timings

Steps (each timed in ``outcome.timings``, wall-clock, and ``outcome.cpu``):

1. read: the files into records (with file:sheet:row:column) and RDF statements (``inputs``);
2. map: the reference records, the earlier imports (``ledger``) and the new records, matched
   (``merge``), through the one mapping of ``server.graph.records``; the difference with what the
   records mapped to before is applied to the published dataset, with the RDF statements;
3. validate: the shapes, on the focus nodes the change can affect (``focus``) or on the whole graph;
   a violation refuses the import (``ImportRefused``) with each result located in the input files;
4. publish: the new version as a release, with the ledger in its folder, through ``publish`` (the
   caller's: ``server.publish.importing`` passes ``server.publish.publishing.publish_version``, which
   this layer cannot import).

Nothing is written before step 4, so a refused or dry run leaves the published files byte-identical.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from server.errors import ImportRefused, Unavailable
from server.graph.imports.focus import changed_store
from server.graph.imports.inputs import ImportInputs, read_inputs
from server.graph.imports.ledger import Ledger, load_ledger, save_ledger
from server.graph.imports.locate import locate_results
from server.graph.imports.mapping import map_records, reference_records
from server.graph.imports.merge import merge
from server.graph.rebasing import Rebaser
from server.graph.releases import Release, ReleaseNotes, SourceFile
from server.graph.validation import ValidationReport, validate
from server.graph.versions import published_dir
from server.settings import DEFAULT_BASE_IRI, Settings

# Publishes a dataset with its release notes; the callable writes more files (the ledger) into the
# version's folder, given the folder and the version, before the version is committed.
Publisher = Callable[[ox.Dataset, ReleaseNotes, Callable[[Path, str], None]], Release]


@dataclass
class ImportOutcome:
    """What an import did (or, with ``dry_run``, would do)."""

    version: str | None  # the new version; None when nothing changed or on a dry run
    previous: str | None
    report: ValidationReport
    changes: list[dict[str, Any]]
    added: int
    removed: int
    focus: int | None  # nodes validated; None for the whole graph
    timings: dict[str, float] = field(default_factory=dict)  # wall-clock seconds per step
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per step, with ended children's
    dry_run: bool = False

    @property
    def notes(self) -> dict[str, Any]:
        """The release notes for this version: what changed, from which files (for versions' history)."""
        return {"changes": self.changes, "added_quads": self.added, "removed_quads": self.removed}


@contextmanager
def _timed(timings: dict[str, float], step: str, cpu: dict[str, float]) -> Iterator[None]:
    start, start_cpu = time.perf_counter(), _cpu()
    yield
    timings[step] = round(time.perf_counter() - start, 3)
    cpu[step] = round(_cpu() - start_cpu, 3)


def _cpu() -> float:
    """CPU seconds of this process and of its children that ended (the validator's forked processes)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def import_files(
    paths: list[Path],
    settings: Settings,
    *,
    dry_run: bool = False,
    validation: str = "auto",
    reference: list[Path] | None = None,
    by: str = "smarthame import",
    replace_graph: str | None = None,
    publish: Publisher | None = None,
) -> ImportOutcome:
    """Import ``paths`` into the published version; see the module docstring.

    ``validation`` is "auto", "focus" or "whole" (``server.graph.imports.focus``). ``reference`` names
    the record folders behind a version that has no ledger (one ``smarthame build`` published; default
    ``server.graph.records.convert.REFERENCE``). ``replace_graph`` (a publisher
    graph's IRI) first empties that graph: the Graph Store protocol's PUT and DELETE. ``publish`` is
    needed unless ``dry_run``; ``by`` names the command or endpoint (the release's ``via``).
    """
    timings: dict[str, float] = {}
    cpu: dict[str, float] = {}
    with _timed(timings, "read", cpu):
        inputs = read_inputs(paths, settings.base_iri)
        dataset, previous = _published(settings)
    ledger = load_ledger(settings.build_dir, previous, reference or _default_reference())
    with _timed(timings, "map", cpu):
        added, removed, changes, ledger_next = _difference(inputs, ledger, dataset, settings, replace_graph)
    with _timed(timings, "validate", cpu):
        store, focus = changed_store(dataset, added, removed, settings.base_iri, validation)
        report = validate(store, settings, files=inputs.rdf_files, focus=focus)
        report = locate_results(report, ledger_next.records, settings.base_iri)
    for q in removed:
        dataset.discard(q)
    for q in added:
        dataset.add(q)
    outcome = ImportOutcome(
        None,
        previous,
        report,
        changes,
        len(added),
        len(removed),
        None if focus is None else len(focus),
        timings,
        cpu,
        dry_run,
    )
    if not report.conforms:
        raise ImportRefused(report)
    if dry_run or not (added or removed):
        return outcome
    if publish is None:
        raise ValueError("import_files publishes through a publisher (server.publish.importing)")
    with _timed(timings, "publish", cpu):
        outcome.version = _publish(dataset, publish, outcome, ledger_next, by, inputs, settings)
    return outcome


def _publish(
    dataset: ox.Dataset,
    publish: Publisher,
    outcome: ImportOutcome,
    ledger: Ledger,
    by: str,
    inputs: ImportInputs,
    settings: Settings,
) -> str | None:
    """The one call into publishing: the version as a release, with the ledger of the new version (with
    ``outcome.notes``, what changed and the old values' sources) in its folder. The new version, or None
    when its content is that of the published one."""

    def write_ledger(folder: Path, version: str) -> None:
        ledger.version = version
        ledger.history.append(
            {
                "version": version,
                "previous": outcome.previous,
                "by": by,
                "issued": datetime.now(UTC).replace(microsecond=0).isoformat(),
                "files": [p.name for p in inputs.files],
                **outcome.notes,
            }
        )
        save_ledger(folder, ledger)

    files = tuple(SourceFile(p.name, _sha256(p)) for p in inputs.files)
    summary = f"{len(outcome.changes)} changes from {', '.join(p.name for p in inputs.files)}."
    notes = ReleaseNotes("import", settings.publisher_name, by, files, summary, tuple(outcome.changes))
    release = publish(dataset, notes, write_ledger)
    return release.version if release.created else None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _reference_mapping(folders: tuple[Path, ...], settings: Settings) -> frozenset[ox.Quad]:
    """What the reference folders alone map to: the records behind a version `smarthame build` published."""
    inputs = [p for f in folders if f.is_dir() for p in sorted(f.glob("*.json"))]
    inputs += [
        settings.data_dir / "editorial" / "classification-decisions.csv",
        settings.ontology_dir / "smart-hame.ttl",
    ]
    stamp = tuple((str(p), p.stat().st_mtime_ns) for p in inputs if p.is_file())
    return _cached_reference_mapping(folders, settings.project_root, settings.base_iri, stamp)


# Keyed by what the mapping reads (the files and their times, the base IRI), not by the whole settings:
# imports into other build folders (each test's own) map the same reference records.
@lru_cache(maxsize=2)
def _cached_reference_mapping(
    folders: tuple[Path, ...], project_root: Path, base_iri: str, stamp: tuple[tuple[str, int], ...]
) -> frozenset[ox.Quad]:
    base, strategy = reference_records(list(folders))
    settings = Settings(project_root=project_root, base_iri=base_iri)
    return frozenset(map_records(merge(base, [], []), strategy, settings))


def _default_reference() -> list[Path]:
    from server.graph.records.convert import REFERENCE

    return list(REFERENCE)


def _published(settings: Settings) -> tuple[ox.Dataset, str | None]:
    """The published dataset (rebased onto the settings' base) and its version."""
    import json

    current = published_dir(settings)
    nq = current / "dataset.nq"
    if not nq.is_file():
        raise Unavailable(f"No published dataset under {settings.build_dir}; run `smarthame build` first.")
    manifest = json.loads((current / "manifest.json").read_text(encoding="utf-8"))
    rebaser = Rebaser(manifest.get("base_iri", DEFAULT_BASE_IRI), settings.base_iri)
    quads = ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS)
    dataset = ox.Dataset(rebaser.quad(q) for q in quads)
    return dataset, manifest.get("version")


def _difference(
    inputs: ImportInputs, ledger: Ledger, dataset: ox.Dataset, settings: Settings, replace_graph: str | None
) -> tuple[set[ox.Quad], set[ox.Quad], list[dict[str, Any]], Ledger]:
    """Quads to add and to remove, the changes for the release notes, and the next version's ledger."""
    added: set[ox.Quad] = set()
    removed: set[ox.Quad] = set()
    changes: list[dict[str, Any]] = []
    next_ledger = Ledger(None, ledger.reference, list(ledger.records), list(ledger.history), ledger.mapped)
    records = [r for r in inputs.records]
    if records:
        base, strategy = reference_records(ledger.reference)
        merged = merge(base, ledger.records, records)
        if merged.changes:  # else every record is in the graph as it is
            old = ledger.mapped
            if old is None:
                old = _reference_mapping(tuple(ledger.reference), settings)
            new = map_records(merged, strategy, settings)
            added |= new - old
            removed |= old - new
            changes += merged.changes
            next_ledger.records += records
            next_ledger.mapped = new
    if replace_graph is not None:
        removed |= {q for q in dataset.quads_for_graph_name(ox.NamedNode(replace_graph))}
    incoming = set(inputs.quads)
    removed -= incoming
    added |= {q for q in incoming if q not in dataset}
    if inputs.rdf_files or replace_graph is not None:
        changes += _rdf_changes(inputs, added | removed, replace_graph)
    return added, removed, changes, next_ledger


def _rdf_changes(inputs: ImportInputs, quads: set[ox.Quad], replaced: str | None) -> list[dict[str, Any]]:
    publisher = {q.graph_name.value for q in inputs.quads if isinstance(q.graph_name, ox.NamedNode)}
    graphs = sorted(publisher | ({replaced} if replaced else set()))
    sent = set(inputs.quads)
    return [
        {
            "kind": "graph",
            "entity": g,
            "change": "statements",
            "files": [p.name for p in inputs.rdf_files],
            "added": sum(1 for q in quads & sent if q.graph_name == ox.NamedNode(g)),
        }
        for g in graphs
    ]
