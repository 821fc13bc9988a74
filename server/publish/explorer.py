"""The project explorer's page of results: facet counts, sorting and paging over ``project-explorer`` rows.

The saved query ``project-explorer`` does the filtering (every facet value is bound as an RDF term); this
module turns its SPARQL JSON rows into what the dashboard's table shows: one page of projects in the
chosen order, and for each facet the values present in the selection with how many projects have each
(counts within the current selection, as Datasette's facets do), labelled from ``project-facet-values``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from server.errors import BadParameter

# Facet name -> (the explorer's parameter, the column listing a project's values, how values are separated)
FACETS: dict[str, tuple[str, str]] = {
    "spearhead": ("spearheads", " "),
    "choice": ("choices", " "),
    "fund": ("funds", " "),
    "period": ("programme_period", ""),
    "area": ("areas", " "),
    "organisation": ("organisations", " "),
    "organisation_type": ("organisation_types", " "),
    "status": ("statuses", " | "),
}
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
        return cls(key, descending, _positive("page", page, 1), min(_positive("size", size, DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE))


def _positive(name: str, raw: str | None, default: int) -> int:
    if raw is None or not raw.strip():
        return default
    if not raw.strip().isdigit() or int(raw) < 1:
        raise BadParameter(name, f"expected a whole number from 1, got {raw!r}")
    return int(raw)


def _value(row: Row, name: str) -> str | None:
    cell = row.get(name)
    return cell["value"] if cell is not None else None


def facet_values(row: Row, facet: str) -> list[str]:
    """The values of ``facet`` that one explorer row has (a period is cut to its nine characters)."""
    column, separator = FACETS[facet]
    raw = _value(row, column)
    if not raw:
        return []
    if facet == "period":
        return [raw[:9]]
    return [v for v in raw.split(separator) if v]


def project(row: Row) -> dict[str, Any]:
    amount = _value(row, "amount_eur")
    return {
        "project": _value(row, "project"),
        "code": _value(row, "code"),
        "name": _value(row, "name"),
        "summary": _value(row, "summary"),
        "start": _value(row, "start"),
        "end": _value(row, "end"),
        "period": _value(row, "programme_period"),
        "status": _value(row, "statuses"),
        "amount_eur": float(amount) if amount else None,
        "spearheads": facet_values(row, "spearhead"),
        "funds": facet_values(row, "fund"),
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
    bindings: Iterable[Row], facet_labels: Mapping[tuple[str, str], Mapping[str, Any]], page: Page
) -> dict[str, Any]:
    """One page of the selection, its size and sums, and the facets counted within it."""
    rows = list(bindings)
    projects = [project(r) for r in rows]
    with_value = [p for p in projects if (p["amount_eur"] if page.sort == "amount" else p[page.sort]) is not None]
    without = [p for p in projects if p not in with_value]
    with_value.sort(key=_sort_key(page.sort), reverse=page.descending)
    without.sort(key=_sort_key("name"))
    ordered = with_value + without
    start = (page.page - 1) * page.size
    facets = {}
    for facet in FACETS:
        counts = Counter(v for r in rows for v in facet_values(r, facet))
        entries = [
            {"value": v, "projects": n, **facet_labels.get((facet, v), {"label": v, "group": None, "order": ""})}
            for v, n in counts.items()
        ]
        entries.sort(key=lambda e: (e["group"] or "", e["order"], str(e["label"]).lower()))
        facets[facet] = entries
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
