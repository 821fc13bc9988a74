"""SHACL results traced back to the imported cell: ``file:sheet:row:column`` (JSON: ``file:record N:field``).

A result's focus node is an IRI an imported record minted (``project/<key>``, a part of it such as
``project/<key>/amount/2``, its ``classification/<key>/…``, an ``organisation/<slug>``); its path is a
term that one column of the declared table (``columns.COLUMNS``) maps to. Results about nodes no
imported record minted keep the ``file:line`` the validator found (RDF files) or none.
"""

from __future__ import annotations

import dataclasses

from server.graph.imports.columns import COLUMNS
from server.graph.imports.merge import entity_iri
from server.graph.imports.types import ImportRecord
from server.graph.validation import ValidationReport, ValidationResult
from server.graph.vocabulary import curie, prefixes
from server.settings import DEFAULT_BASE_IRI

# Parts of a project minted from one field of its record.
PART_FIELDS = {"status": "status", "period": "start"}


def locate_results(report: ValidationReport, records: list[ImportRecord], base: str) -> ValidationReport:
    index = {}
    for record in records:
        if record.cells and record.kind in ("projects", "organisations"):
            iri = base + entity_iri(record)[len(DEFAULT_BASE_IRI) :]
            index[iri] = record
            if record.kind == "projects":
                index[iri.replace("/project/", "/classification/", 1)] = record
    if not index:
        return report
    names = list(prefixes(base).items())
    results = [_located(r, index, names) for r in report.results]
    return dataclasses.replace(report, results=results)


def _located(
    result: ValidationResult, index: dict[str, ImportRecord], names: list[tuple[str, str]]
) -> ValidationResult:
    focus = result.focus_node
    owner = next((iri for iri in (focus, *_parents(focus)) if iri in index), None)
    if owner is None:
        return result
    record = index[owner]
    part = focus[len(owner) :].strip("/")
    where = _part_cell(record, part) if part else None
    if where is None and result.path and result.path.startswith("<"):
        where = _term_cell(record, curie(result.path.strip("<>"), names))
    if where is None and result.value:  # a SPARQL constraint has no path: the field holding the value
        where = _value_cell(record, result.value)
    return dataclasses.replace(result, location=where or record.where)


def _parents(iri: str) -> list[str]:
    parts = iri.split("/")
    return ["/".join(parts[:n]) for n in range(len(parts) - 1, 3, -1)]


def _part_cell(record: ImportRecord, part: str) -> str | None:
    """``amount/2`` -> its row of the amounts sheet; ``status/1`` -> the status cell."""
    if part in record.parts:
        return record.parts[part]
    field = PART_FIELDS.get(part.split("/")[0])
    return record.cells.get(field) if field else None


def _term_cell(record: ImportRecord, term: str | None) -> str | None:
    sheet = record.kind
    for column in COLUMNS:
        if column.sheet == sheet and term in column.terms and column.field in record.cells:
            return record.cells[column.field]
    return None


def _value_cell(record: ImportRecord, value: str) -> str | None:
    lexical = value[1 : value.index('"', 1)] if value.startswith('"') else value
    field = next((k for k, v in record.located.data.items() if isinstance(v, str) and v == lexical), None)
    return record.cells.get(field) if field else None
