"""Records matched to the records already behind the graph: by register code, business ID or IRI.

A project matches the record that mints the same ``project/<key>`` (its register code, else the slug
of its name: ``server.graph.records.codes``); an organisation matches by business ID, else by the
IRI its name mints. A matched record updates the earlier one field by field: a field the new record
leaves empty keeps its value, so a spreadsheet row with three cells changes three facts. Each change
keeps the old value and the old record's sources, for the release's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from server.errors import ImportRejected
from server.graph.imports.types import ImportRecord
from server.graph.records.codes import project_code
from server.graph.records.terms import BASE, slug

# Fields that say what kind of page a record was read from: an update keeps the earlier record's.
KEPT_FIELDS = ("record_type",)


@dataclass
class Merged:
    """The effective records, by kind, and what the new records added or changed."""

    records: dict[str, list[ImportRecord]] = field(
        default_factory=lambda: {"projects": [], "organisations": [], "additions": []}
    )
    changes: list[dict[str, Any]] = field(default_factory=list)


def entity_iri(record: ImportRecord) -> str:
    """The IRI (under the default base) the record mints."""
    data = record.located.data
    if record.kind == "projects":
        return f"{BASE}project/{project_code(data).key}"
    return f"{BASE}organisation/{slug(str(data['name']))}"


def _matches(old: ImportRecord, new: ImportRecord) -> bool:
    if old.kind != new.kind or new.kind == "additions":
        return False
    if new.kind == "organisations":
        bid = new.located.data.get("y_tunnus")
        if bid and bid == old.located.data.get("y_tunnus"):
            return True
    return entity_iri(old) == entity_iri(new)


def merge(base: list[ImportRecord], earlier: list[ImportRecord], new: list[ImportRecord]) -> Merged:
    """``base`` (the reference records), then ``earlier`` imports, then ``new``: changes are the new ones'."""
    merged = Merged()
    for record in base:
        merged.records[record.kind].append(record)
    for record in earlier:
        _apply(merged, record, None)
    for record in new:
        _apply(merged, record, merged.changes)
    return merged


def _apply(merged: Merged, record: ImportRecord, changes: list[dict[str, Any]] | None) -> None:
    same_kind = merged.records[record.kind]
    if record.kind == "additions":  # sections of facts, not entities: an identical file adds nothing
        if all(old.located.data != record.located.data for old in same_kind):
            same_kind.append(record)
            if changes is not None:
                changes.append({"kind": "additions", "change": "added", "where": record.where})
        return
    index = next((i for i, old in enumerate(same_kind) if _matches(old, record)), None)
    if index is None:
        same_kind.append(record)
        if changes is not None:
            changes.append(_added(record))
        return
    old = same_kind[index]
    data = dict(old.located.data)
    _amount_page(data, record)
    fields = []
    for key, value in _provenance_kept(data, record.located.data).items():
        if _empty(value) or key in KEPT_FIELDS and not _empty(data.get(key)) or data.get(key) == value:
            continue
        value = _combined(data.get(key), value)
        if value == data.get(key):
            continue
        fields.append({"field": key, "old": data.get(key), "new": value, "where": record.cells.get(key)})
        data[key] = value
    updated = ImportRecord(
        old.kind,
        type(old.located)(record.located.origin, data),
        {**old.cells, **record.cells},
        {**old.parts, **record.parts},
    )
    same_kind[index] = updated
    if changes is not None and fields:
        changes.append(
            {
                "kind": record.kind[:-1],
                "entity": entity_iri(updated),
                "change": "changed",
                "where": record.where,
                "old_source": _sources(old),
                "fields": fields,
            }
        )


def _provenance_kept(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The new record's fields, its page added beside the old one instead of replacing it: the facts
    already in the graph keep the page they came from, and new amounts cite the new page."""
    page, before = new.get("source"), old.get("source")
    if _empty(page) or _empty(before) or page == before:
        return new
    fields = {k: v for k, v in new.items() if k != "source"}
    others = list(old.get("other_sources") or [])
    fields["other_sources"] = others + [page] if page not in others else others
    if not _empty(new.get("budget")) and _empty(new.get("budget_source")):
        fields["budget_source"] = page
    return fields


def _amount_page(old: dict[str, Any], new: ImportRecord) -> None:
    """A record names one page for all its amounts: new amounts from another page than the amounts
    already in the graph would make those cite the new page, so the import is refused instead."""
    data = new.located.data
    if _empty(old.get("budget")) or _empty(data.get("budget")):
        return
    before = old.get("budget_source") or old.get("source")
    after = data.get("budget_source") or data.get("source")
    if after and before != after:
        where = new.parts.get("amount/1") or new.cells.get("budget") or new.where
        raise ImportRejected(
            [
                f"{where}: the project's amounts already cite {before}; a record names one page for its "
                "amounts, so give amounts from another page in a record of their own or with that page"
            ]
        )


def _combined(old: Any, new: Any) -> Any:
    """Lists gain the new items, objects the new keys (a key given again takes the new value)."""
    if isinstance(old, list) and isinstance(new, list):
        return old + [v for v in new if v not in old]
    if isinstance(old, dict) and isinstance(new, dict):
        return {**old, **new}
    return new


def _added(record: ImportRecord) -> dict[str, Any]:
    return {
        "kind": record.kind[:-1],
        "entity": entity_iri(record),
        "change": "added",
        "where": record.where,
        "source": _sources(record),
    }


def _sources(record: ImportRecord) -> list[str]:
    data = record.located.data
    found = [data.get("source"), data.get("budget_source"), *(data.get("sources") or [])]
    return sorted({s for s in found if isinstance(s, str) and s})


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}
