"""The dashboard's saved queries answered from the version's index (``server.publish.dashboard_index``).

Each function gives what its saved query of ``queries/`` gives the engine, as SPARQL JSON bindings (or,
for the explorer and the network, the rows their routes read): the same groups, counts and sums, the
same terms, in the query's ORDER BY. Where a query's joins multiply rows before it aggregates (several
labels in one language, several years of one amount), the sums here multiply the same way. Ties of the
ORDER BY keep the order the index was read in, which may differ from the engine's.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from server.publish.dashboard_index import SMH, XSD, Amount, DashboardIndex, Term

Key = tuple[Any, ...]  # the columns a query groups by, each term as :func:`_key` gives it
KUNTA = "http://uri.suomi.fi/codelist/jhs/kunta_"
NUTS = "http://data.europa.eu/nuts/"
SPEARHEAD, CHOICE = SMH + "Spearhead", SMH + "StrategicChoice"


def literal(value: str) -> Term:
    return {"type": "literal", "value": value}


def integer(n: int) -> Term:
    return {"type": "literal", "value": str(n), "datatype": XSD + "integer"}


@dataclass
class Sum:
    """SUM as the engine adds: decimal unless every value is an integer; unbound after a non-number."""

    total: Decimal = Decimal(0)
    decimal: bool = False
    error: bool = False

    def add(self, value: Decimal | None, is_integer: bool, present: bool = True) -> None:
        if value is None:
            self.error |= present
            return
        self.total += value
        self.decimal |= not is_integer

    def add_amount(self, a: Amount, times: int = 1) -> None:
        for _ in range(times):
            self.add(a.value, a.integer, a.present)

    def term(self) -> Term | None:
        if self.error:
            return None
        text = format(self.total.normalize(), "f") if self.total else "0"
        return {
            "type": "literal",
            "value": text,
            "datatype": XSD + ("decimal" if self.decimal else "integer"),
        }


def _key(term: Term | None) -> tuple[str | None, ...] | None:
    """A term as a dictionary key: equal for the same RDF term."""
    if term is None:
        return None
    return (term["type"], term["value"], term.get("xml:lang"), term.get("datatype"))


def labels(index: DashboardIndex, iri: str, langs: Iterable[str], fallback: bool = True) -> list[Term | None]:
    """``COALESCE(?label_<lang1>, ?label_<lang2>, ..., STR(?x))`` after one OPTIONAL per language: one entry
    per combination of the labels found, as the engine's rows (None where nothing is bound)."""
    last = literal(iri) if fallback else None
    found = index.labels.get(iri)
    if not found:
        return [last]
    choices = [found.get(lang) or _NONE for lang in langs]
    if all(len(c) == 1 for c in choices):  # at most one label a language: one row
        return [next((c[0] for c in choices if c[0] is not None), last)]
    return [next((t for t in combo if t is not None), last) for combo in itertools.product(*choices)]


_NONE: list[Term | None] = [None]


def labeller(index: DashboardIndex, langs: tuple[str, ...]) -> Callable[[str], list[Term | None]]:
    """:func:`labels` in ``langs``, worked out once per IRI (a group recurs on thousands of rows)."""
    memo: dict[str, list[Term | None]] = {}

    def named(iri: str) -> list[Term | None]:
        found = memo.get(iri)
        if found is None:
            found = memo[iri] = labels(index, iri, langs)
        return found

    return named


def _order(*cells: Term | None) -> tuple[tuple[int, str], ...]:
    """ORDER BY over the cells: unbound first, then by value."""
    return tuple((0, "") if c is None else (1, c["value"]) for c in cells)


def _binding(**cells: Term | None) -> dict[str, Term]:
    return {k: v for k, v in cells.items() if v is not None}


def results(variables: Iterable[str], bindings: list[dict[str, Term]]) -> dict[str, Any]:
    return {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}


# --------------------------------------------------------------------- the funding and coverage charts


@dataclass
class _Cell:
    projects: set[str] = field(default_factory=set)
    total: Sum = field(default_factory=Sum)
    funded: set[str] = field(default_factory=set)


def funding_by_group_and_year(
    index: DashboardIndex, grouping: str, amount_type: str, lang: str
) -> dict[str, Any]:
    """``funding-by-group-and-year``."""
    named = labeller(index, (lang, "fi", "en"))
    amounts = index.amounts_of(amount_type)
    cells: dict[Key, _Cell] = defaultdict(_Cell)
    terms: dict[Key, tuple[Any, ...]] = {}
    for project, group, order, strategy in index.groups.get(grouping, ()):
        for label in named(group["value"]):
            for a in amounts.get(project, ()):
                for year in index.years.get(a.amount, ()) if a.present else ():
                    key = (_key(group), _key(label), _key(order), _key(strategy), year)
                    terms[key] = (group, label, order, strategy, literal(year))
                    cells[key].projects.add(project)
                    cells[key].total.add_amount(a)
    rows = [
        _binding(
            grouping=literal(grouping),
            amount_type=index.term(amount_type),
            lang=literal(lang),
            group=terms[k][0],
            group_label=terms[k][1],
            order=terms[k][2],
            strategy=terms[k][3],
            year=terms[k][4],
            projects=integer(len(c.projects)),
            total_eur=c.total.term(),
        )
        for k, c in cells.items()
    ]
    rows.sort(key=lambda r: _order(r.get("order"), r.get("year")))
    return results(
        (
            "grouping",
            "amount_type",
            "lang",
            "group",
            "group_label",
            "order",
            "strategy",
            "year",
            "projects",
            "total_eur",
        ),
        rows,
    )


def projects_by_group_and_year(index: DashboardIndex, grouping: str, lang: str) -> dict[str, Any]:
    """``projects-by-group-and-year``."""
    named = labeller(index, (lang, "fi", "en"))
    cells: dict[Key, set[str]] = defaultdict(set)
    terms: dict[Key, tuple[Any, ...]] = {}
    for project, group, order, strategy in index.groups.get(grouping, ()):
        for label in named(group["value"]):
            for _, year in index.starts.get(project, ()):
                key = (_key(group), _key(label), _key(order), _key(strategy), year)
                terms[key] = (group, label, order, strategy, literal(year))
                cells[key].add(project)
    rows = [
        _binding(
            grouping=literal(grouping),
            lang=literal(lang),
            group=terms[k][0],
            group_label=terms[k][1],
            order=terms[k][2],
            strategy=terms[k][3],
            year=terms[k][4],
            projects=integer(len(p)),
        )
        for k, p in cells.items()
    ]
    rows.sort(key=lambda r: _order(r.get("order"), r.get("year")))
    return results(
        ("grouping", "lang", "group", "group_label", "order", "strategy", "year", "projects"), rows
    )


def group_coverage(index: DashboardIndex, grouping: str, amount_type: str, lang: str) -> dict[str, Any]:
    """``group-coverage``: the selection's row first, then each group's."""
    named = labeller(index, (lang, "fi", "en"))
    amounts = index.amounts_of(amount_type)
    members: dict[Key, set[str]] = defaultdict(set)
    terms: dict[Key, tuple[Any, ...]] = {("selection",): ()}
    for project, group, order, strategy in index.groups.get(grouping, ()):
        members[("selection",)].add(project)
        for label in named(group["value"]):
            key = ("group", _key(group), _key(label), _key(order), _key(strategy))
            terms[key] = (group, label, order, strategy)
            members[key].add(project)

    with_amount = set(amounts)
    dated = {p for p, found in amounts.items() if any(index.years.get(a.amount) for a in found)}
    with_start = {p for p, found in index.starts.items() if found}

    def row(key: Key, projects: set[str]) -> dict[str, Term]:
        group, label, order, strategy = terms[key] or (None, None, None, None)
        return _binding(
            grouping=literal(grouping),
            amount_type=index.term(amount_type),
            lang=literal(lang),
            scope=literal(key[0]),
            group=group,
            group_label=label,
            order=order,
            strategy=strategy,
            projects=integer(len(projects)),
            projects_with_amount=integer(len(projects & with_amount)),
            projects_with_dated_amount=integer(len(projects & dated)),
            projects_with_start=integer(len(projects & with_start)),
        )

    rows = [row(k, p) for k, p in members.items()]
    rows.sort(key=lambda r: (r["scope"]["value"] != "selection", _order(r.get("order"))))
    return results(
        (
            "grouping", "amount_type", "lang", "scope", "group", "group_label", "order", "strategy",
            "projects", "projects_with_amount", "projects_with_dated_amount", "projects_with_start",
        ),
        rows,
    )  # fmt: skip


# ------------------------------------------------------------------------------- the flow and the map


def strategy_flow(index: DashboardIndex, amount_type: str, lang: str) -> dict[str, Any]:
    """``strategy-flow``: each spearhead of both strategies, then each mapping, with their projects."""
    amounts = index.amounts_of(amount_type)
    contributors: dict[str, set[str]] = defaultdict(set)
    for project, concepts in index.contributes.items():
        for c in concepts:
            contributors[c["value"]].add(project)
    cells: dict[Key, _Cell] = defaultdict(_Cell)
    terms: dict[Key, dict[str, Term | None]] = {}
    for flow in index.flow:
        source, target = flow["source"]["value"], flow.get("target")
        projects = contributors.get(source, set())
        if target is not None:
            projects = projects & contributors.get(target["value"], set())
        targets = labels(index, target["value"], (lang, "fi"), fallback=False) if target else [None]
        for source_label, target_label in itertools.product(labels(index, source, (lang, "fi")), targets):
            cols = {**flow, "source_label": source_label, "target_label": target_label}
            key = tuple(_key(cols.get(v)) for v in FLOW_KEY)
            terms[key] = cols
            cell = cells[key]
            for project in projects:
                cell.projects.add(project)
                with_value = [a for a in amounts.get(project, ()) if a.present]
                for a in with_value:
                    cell.funded.add(project)
                    cell.total.add_amount(a)
                if not with_value:
                    cell.total.add(Decimal(0), True)
            if not projects:
                cell.total.add(Decimal(0), True)
    rows = [
        _binding(
            amount_type=index.term(amount_type),
            lang=literal(lang),
            **{v: terms[k].get(v) for v in FLOW_KEY},
            projects=integer(len(c.projects)),
            projects_with_amount=integer(len(c.funded)),
            total_eur=c.total.term(),
        )
        for k, c in cells.items()
    ]
    rows.sort(
        key=lambda r: (
            r["kind"]["value"] != "spearhead",
            _order(r.get("source_scheme"), r.get("notation"), r.get("target_label")),
        )
    )
    return results(("amount_type", "lang", *FLOW_KEY, "projects", "projects_with_amount", "total_eur"), rows)


FLOW_KEY = (
    "kind",
    "source",
    "source_label",
    "source_scheme",
    "notation",
    "relation",
    "target",
    "target_label",
)


def _area_kind(iri: str) -> str:
    return "municipality" if iri.startswith(KUNTA) else "region" if iri.startswith(NUTS) else "other"


def projects_by_area(index: DashboardIndex, amount_type: str, lang: str) -> dict[str, Any]:
    """``projects-by-area``: a project of the region as a whole only where it names no municipality."""
    named = labeller(index, (lang, "fi", "en"))
    amounts = index.amounts_of(amount_type)
    cells: dict[Key, _Cell] = defaultdict(_Cell)
    terms: dict[Key, tuple[Term, Term | None, str]] = {}
    for project in index.projects:
        areas = index.areas.get(project, [])
        municipal = any(a["value"].startswith(KUNTA) for a in areas)
        with_value = [a for a in amounts.get(project, ()) if a.present]
        for area in areas:
            kind = _area_kind(area["value"])
            if kind == "region" and municipal:
                continue
            for label in named(area["value"]):
                key = (_key(area), _key(label), kind)
                terms[key] = (area, label, kind)
                cell = cells[key]
                cell.projects.add(project)
                for a in with_value:
                    cell.funded.add(project)
                    cell.total.add_amount(a)
                if not with_value:
                    cell.total.add(Decimal(0), True)
    rows = [
        _binding(
            amount_type=index.term(amount_type),
            lang=literal(lang),
            area=terms[k][0],
            area_label=terms[k][1],
            kind=literal(terms[k][2]),
            projects=integer(len(c.projects)),
            projects_with_amount=integer(len(c.funded)),
            total_eur=c.total.term(),
        )
        for k, c in cells.items()
    ]
    rows.sort(key=lambda r: _order(r.get("kind"), r.get("area_label")))
    return results(
        (
            "amount_type",
            "lang",
            "area",
            "area_label",
            "kind",
            "projects",
            "projects_with_amount",
            "total_eur",
        ),
        rows,
    )
