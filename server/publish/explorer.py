"""The project explorer's page of results: sorting and paging ``project-explorer`` rows, labelling facets.

The saved queries do the filtering, every facet value bound as an RDF term: ``project-explorer`` gives the
selected projects, ``project-facet-counts`` each facet's values within the selection with their counts
(counts within the current selection, as Datasette's facets do). This module turns their SPARQL JSON rows
into what the dashboard shows: one page of projects in the chosen order, and the facets labelled from
``project-facet-values``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from server.errors import BadParameter

# The facets, in the order the page shows them (each is a parameter of both saved queries).
FACETS = ("spearhead", "choice", "fund", "period", "area", "organisation", "organisation_type", "status")
SORTS = ("name", "code", "start", "end", "amount")
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 200

Row = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class Page:
    """Which slice of the selection to show, checked: ``sort`` one of SORTS, ``page`` from 1."""

    sort: str = "name"
    descending: bool = False
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE

    @classmethod
    def parse(cls, sort: str | None, page: str | None, size: str | None) -> Page:
        key = (sort or "name").strip()
        descending = key.startswith("-")
        key = key.removeprefix("-")
        if key not in SORTS:
            raise BadParameter("sort", f"expected one of {', '.join(SORTS)} (a leading '-' sorts descending)")
        return cls(
            key,
            descending,
            _positive("page", page, 1),
            min(_positive("size", size, DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE),
        )


def _positive(name: str, raw: str | None, default: int) -> int:
    if raw is None or not raw.strip():
        return default
    if not raw.strip().isdigit() or int(raw) < 1:
        raise BadParameter(name, f"expected a whole number from 1, got {raw!r}")
    return int(raw)


def _value(row: Row, name: str) -> str | None:
    cell = row.get(name)
    return cell["value"] if cell is not None else None


def project(row: Row) -> dict[str, Any]:
    amount = _value(row, "amount_eur")
    return {
        "project": _value(row, "project"),
        "code": _value(row, "code"),
        "name": _value(row, "name"),
        "start": _value(row, "start"),
        "end": _value(row, "end"),
        "period": _value(row, "programme_period"),
        "status": _value(row, "statuses"),
        "amount_eur": float(amount) if amount else None,
    }


def _sort_key(sort: str) -> Any:
    def key(p: dict[str, Any]) -> tuple[Any, ...]:
        value = p["amount_eur"] if sort == "amount" else p[sort]
        # Projects without the value go last in either direction (sorted separately below).
        return (value if sort == "amount" else (value or "").lower(), (p["name"] or "").lower(), p["project"])

    return key


def labels(bindings: Iterable[Row]) -> dict[tuple[str, str], dict[str, Any]]:
    """(facet, value) -> label, group and order, from the rows of ``project-facet-values``."""
    out = {}
    for row in bindings:
        facet, value = _value(row, "facet"), _value(row, "value")
        if facet and value:
            out[(facet, value)] = {
                "label": _value(row, "label") or value,
                "group": _value(row, "group"),
                "order": _value(row, "order") or "",
            }
    return out


def explore(
    bindings: Iterable[Row],
    counts: Iterable[Row],
    facet_labels: Mapping[tuple[str, str], Mapping[str, Any]],
    page: Page,
) -> dict[str, Any]:
    """One page of the selection, its size and sums, and the facets counted within it."""
    return explore_projects([project(r) for r in bindings], counts, facet_labels, page)


def explore_projects(
    projects: list[dict[str, Any]],
    counts: Iterable[Row],
    facet_labels: Mapping[tuple[str, str], Mapping[str, Any]],
    page: Page,
) -> dict[str, Any]:
    """:func:`explore` of rows already read by :func:`project`."""
    key = "amount_eur" if page.sort == "amount" else page.sort
    with_value = [p for p in projects if p[key] is not None]
    without = [p for p in projects if p[key] is None]
    with_value.sort(key=_sort_key(page.sort), reverse=page.descending)
    without.sort(key=_sort_key("name"))
    ordered = with_value + without
    start = (page.page - 1) * page.size
    facets: dict[str, list[dict[str, Any]]] = {facet: [] for facet in FACETS}
    for row in counts:
        facet, value = _value(row, "facet"), _value(row, "value")
        if facet in facets and value:
            fallback = {"label": value, "group": None, "order": ""}
            entry = {"value": value, "projects": int(_value(row, "projects") or 0)}
            facets[facet].append({**entry, **facet_labels.get((facet, value), fallback)})
    for entries in facets.values():
        entries.sort(key=lambda e: (e["group"] or "", e["order"], str(e["label"]).lower()))
    return {
        "total": len(projects),
        "with_amount": sum(1 for p in projects if p["amount_eur"] is not None),
        "amount_total_eur": float(sum((_decimal(p["amount_eur"]) for p in projects), Decimal(0))),
        "page": page.page,
        "size": page.size,
        "pages": max(1, -(-len(projects) // page.size)),
        "sort": ("-" if page.descending else "") + page.sort,
        "projects": ordered[start : start + page.size],
        "facets": facets,
    }


def _decimal(value: float | None) -> Decimal:
    if value is None:
        return Decimal(0)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)
