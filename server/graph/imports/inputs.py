"""The files of one import, read into records (with where each field came from) and RDF statements.

    inputs = read_inputs([Path("batch/projects.json"), Path("template.xlsx"), Path("links.ttl")], base)
    inputs.records       # ImportRecord: kind, the record (reference JSON format) and its cells
    inputs.quads         # statements for the graphs publishers may write (vocabulary.PUBLISHER_GRAPHS)

A file's kind comes from its extension (``.json``, ``.csv``, ``.xlsx``, an RDF syntax) and, for JSON
and CSV, from its content (``server.graph.records.batch.detect_kind``, the header row). Every problem
is collected before anything is refused, so a publisher sees all of them at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from server.errors import ImportRejected, ParseError
from server.graph.imports.spreadsheet import SPREADSHEET_SUFFIXES, read_spreadsheets
from server.graph.imports.types import ImportRecord
from server.graph.loading import parse_file, rdf_format
from server.graph.records.batch import Located, Origin, RecordError, detect_kind
from server.graph.records.terms import business_id_valid
from server.graph.vocabulary import PUBLISHER_GRAPHS, graph_iri
from server.settings import DEFAULT_BASE_IRI


@dataclass
class ImportInputs:
    records: list[ImportRecord] = field(default_factory=list)
    quads: list[ox.Quad] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    rdf_files: list[Path] = field(default_factory=list)


def read_inputs(paths: list[Path], base: str = DEFAULT_BASE_IRI) -> ImportInputs:
    """Read every file; raise ImportRejected with every problem found, or ParseError for broken RDF."""
    inputs, problems = ImportInputs(), []
    sheets = [p for p in paths if p.suffix.lower() in SPREADSHEET_SUFFIXES and p.is_file()]
    for path in paths:
        if not path.is_file():
            problems.append(f"{path}: file not found")
            continue
        inputs.files.append(path)
        suffix = path.suffix.lower()
        if suffix == ".json" and not _looks_like_json_ld(path):
            records, found = read_json_records(path)
        elif suffix in SPREADSHEET_SUFFIXES:
            records, found = read_spreadsheets(sheets) if path == sheets[0] else ([], [])
        else:
            inputs.rdf_files.append(path)
            quads, found = read_rdf(path, base)
            inputs.quads += quads
            records = []
        inputs.records += records
        problems += found
    if problems:
        raise ImportRejected(problems)
    return inputs


def _looks_like_json_ld(path: Path) -> bool:
    """JSON-LD sent as ``.json``: an object or list whose first object has ``@context`` or ``@graph``."""
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    first = content[0] if isinstance(content, list) and content else content
    return isinstance(first, dict) and any(k in first for k in ("@context", "@graph", "@id"))


def read_json_records(path: Path) -> tuple[list[ImportRecord], list[str]]:
    """Records of one reference-format JSON file (projects, organisations or strategy additions)."""
    try:
        content: Any = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        return [], [f"{path}:{e.lineno}:{e.colno}: not valid JSON: {e.msg}"]
    except UnicodeDecodeError:
        return [], [f"{path}: not UTF-8 text"]
    try:
        kind = detect_kind(content, path)
    except RecordError as e:
        return [], [e.message]
    if kind == "strategy":
        return [], [
            f"{path}: the strategy facts come with the bundled records; import projects, "
            "organisations or strategy additions"
        ]
    if kind == "additions":
        return [ImportRecord("additions", Located(Origin(path), content), {})], []
    records, problems = [], []
    for n, record in enumerate(content, start=1):
        origin = Origin(path, n)
        cells = {key: f"{origin}:{key}" for key in record}
        records.append(ImportRecord(kind, Located(origin, record), cells))
        problems += [f"{where}: {what}" for where, what in _business_ids(record, cells)]
    return records, problems


def _business_ids(record: dict[str, Any], cells: dict[str, str]) -> list[tuple[str, str]]:
    """Business IDs of an imported record that fail the check digit. The bundled records keep theirs out of
    the graph with a report line; a publisher's new record is refused instead, so the ID gets fixed."""
    found = []
    parties = [("y_tunnus", record)] + [
        (key, p) for key in ("applicant", "partners", "tuen_siirronsaajat") for p in _parties(record.get(key))
    ]
    for key, party in parties:
        bid = party.get("y_tunnus")
        if isinstance(bid, str) and bid and not business_id_valid(bid):
            found.append((cells.get(key, key), f"business ID {bid!r} has a wrong check digit or form"))
    return found


def _parties(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    return [p for p in value if isinstance(p, dict)] if isinstance(value, list) else []


def read_rdf(path: Path, base: str) -> tuple[list[ox.Quad], list[str]]:
    """Statements of an RDF file: triples go to the publisher graph, quads must name one publishers may
    write (``vocabulary.PUBLISHER_GRAPHS``)."""
    allowed = {graph_iri(g, base) for g in PUBLISHER_GRAPHS}
    try:
        rdf_format(path)
    except ParseError as e:
        return [], [e.message]
    default = ox.NamedNode(graph_iri(PUBLISHER_GRAPHS[0], base))
    quads = list(parse_file(path, default, base))  # ParseError (file:line) propagates: exit 2
    refused = sorted({q.graph_name.value for q in quads if q.graph_name.value not in allowed})  # type: ignore[union-attr]
    problems = [
        f"{path}: graph <{g}> is not one publishers may write; send triples, or quads in "
        + ", ".join(f"<{a}>" for a in sorted(allowed))
        for g in refused
    ]
    return quads, problems
