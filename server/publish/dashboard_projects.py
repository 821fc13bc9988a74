"""The project explorer's and the network's saved queries answered from the version's index.

``project-facet-values``, ``project-facet-counts`` and ``project-explorer`` with their filters, and
``organisation-network`` as the organisations ``server.publish.network`` measures; like
``server.publish.dashboard_answers``, each gives what the engine gives for its saved query (see there).
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from server.publish.dashboard_answers import (
    SPEARHEAD,
    Sum,
    _binding,
    _key,
    _order,
    integer,
    labels,
    literal,
    results,
)
from server.publish.dashboard_index import DashboardIndex, Term
from server.publish.explorer import FACETS
from server.publish.network import Organisation

FILTERS = (*FACETS, "text")  # the explorer's filters (its parameters but amount_type and lang)


def facet_values(index: DashboardIndex, facet: str | None, lang: str) -> dict[str, Any]:
    """``project-facet-values``: every value of each facet (or of ``facet``), labelled and counted."""
    rows: list[dict[str, Term]] = []
    for name in FACETS if facet is None else (facet,):
        if name not in FACETS:
            continue
        projects: dict[tuple[Any, ...], set[str]] = defaultdict(set)
        terms: dict[tuple[Any, ...], tuple[Term, Term | None, Term | None]] = {}
        for project, value, group, order in _facet_rows(index, name):
            key = (_key(value), _key(group), _key(order))
            terms[key] = (value, group, order)
            projects[key].add(project)
        for key, members in projects.items():
            value, group, order = terms[key]
            text = name in ("period", "status")
            for label in [value] if text else labels(index, value["value"], (lang, "fi", "en")):
                rows.append(
                    _binding(
                        lang=literal(lang),
                        facet=literal(name),
                        value=value,
                        label=label,
                        group=group,
                        order=order,
                        projects=integer(len(members)),
                    )
                )
    rows.sort(key=lambda r: _order(r.get("facet"), r.get("order"), r.get("label")))
    return results(("lang", "facet", "value", "label", "group", "order", "projects"), rows)


def _facet_rows(index: DashboardIndex, facet: str) -> Iterable[tuple[str, Term, Term | None, Term | None]]:
    """(project, value, group, order) as ``project-facet-values`` finds them for one facet."""
    if facet == "spearhead":
        spearheads = index.types.get(SPEARHEAD, set())
        for project, concepts in index.contributes.items():
            for c in concepts:
                if c["value"] in spearheads:
                    for group, order in index.spearheads.get(c["value"], ()):
                        yield project, c, group, order
    elif facet in ("choice", "fund"):
        for project, member, rank, _ in index.groups.get(facet, ()):
            yield project, member, None, rank if facet == "choice" else None
    elif facet == "area":
        for project in index.projects:
            for area in index.areas.get(project, ()):
                yield project, area, None, None
    elif facet == "organisation":
        for project, organisations in index.participants.items():
            for o in organisations:
                yield project, {"type": "uri", "value": o}, None, None
    elif facet == "organisation_type":
        for project, organisations in index.participants.items():
            for o in organisations:
                for t in index.organisation_types.get(o, ()):
                    yield project, {"type": "uri", "value": t}, None, None
    elif facet == "period":
        for project, periods in index.periods.items():
            for written in periods:
                yield project, {**written, "value": written["value"][:9]}, None, None
    elif facet == "status":
        for project, statuses in index.statuses.items():
            for s in statuses:
                yield project, literal(s), None, None


def _checks(index: DashboardIndex, values: Mapping[str, str | None]) -> list[Callable[[str], bool]]:
    """One test per bound filter of ``project-explorer`` and ``project-facet-counts`` (period aside)."""
    checks: list[Callable[[str], bool]] = []
    v = {k: x for k, x in values.items() if x}
    if "spearhead" in v:
        checks.append(lambda p: any(c["value"] == v["spearhead"] for c in index.contributes.get(p, ())))
    if "choice" in v:
        checks.append(lambda p: v["choice"] in index.reaches.get(p, ()))
    if "fund" in v:
        checks.append(lambda p: v["fund"] in index.fund_filter.get(p, ()))
    if "area" in v:
        checks.append(lambda p: any(a["value"] == v["area"] for a in index.areas.get(p, ())))
    if "organisation" in v:
        checks.append(lambda p: v["organisation"] in index.participants.get(p, ()))
    if "organisation_type" in v:
        t = v["organisation_type"]
        checks.append(
            lambda p: any(t in index.organisation_types.get(o, ()) for o in index.participants.get(p, ()))
        )
    if "status" in v:
        checks.append(lambda p: v["status"] in index.statuses.get(p, ()))
    if "text" in v:
        word = v["text"].lower()
        checks.append(lambda p: any(word in w for w in index.words.get(p, ())))
    return checks


def _periods(index: DashboardIndex, project: str, period: str | None) -> list[Term | None]:
    """The project's programme periods that pass the period filter (OPTIONAL, then FILTER)."""
    found: list[Term | None] = list(index.periods.get(project, ())) or [None]
    if not period:
        return found
    return [p for p in found if p is not None and p["value"].startswith(period)]


def selection(index: DashboardIndex, values: Mapping[str, str | None]) -> list[str]:
    """The projects (``smh:Project``) that pass every bound filter, in the index's order."""
    checks = _checks(index, values)
    period = values.get("period")
    if not checks and not period:
        return list(index.projects)
    return [
        p
        for p in index.projects
        if all(check(p) for check in checks) and (not period or _periods(index, p, period))
    ]


def facet_counts(index: DashboardIndex, values: Mapping[str, str | None]) -> list[dict[str, Term]]:
    """``project-facet-counts``: each facet's values within the selection, with the projects having each."""
    pairs = index.facet_pairs
    counts: Counter[tuple[str, str]] = Counter()
    for p in selection(index, values):
        counts.update(pairs.get(p, ()))
    return [
        {"facet": literal(f), "value": {"value": v}, "projects": integer(n)}
        for (f, v), n in sorted(counts.items())
    ]


def explorer_projects(
    index: DashboardIndex, values: Mapping[str, str | None], amount_type: str, lang: str
) -> list[dict[str, Any]]:
    """``project-explorer``'s rows as its route reads them (``server.publish.explorer.project``)."""
    amounts = index.amounts_of(amount_type)
    period = values.get("period")
    langs = (lang, "fi", "en")
    out = []
    for p in selection(index, values):
        codes, starts, ends, periods = index.columns[p]
        if period:
            periods = [t for t in periods if t is not None and t.startswith(period)]
        names = [t["value"] for t in labels(index, p, langs) if t]
        if len(codes) == len(starts) == len(ends) == len(periods) == len(names) == 1:  # the usual case
            combos: Mapping[tuple[str | None, ...], int] = {
                (codes[0], names[0], starts[0], ends[0], periods[0]): 1
            }
        else:
            combos = Counter(itertools.product(codes, names, starts, ends, periods))
        with_value = [a for a in amounts.get(p, ()) if a.present]
        statuses = index.status_lists.get(p)
        for (code, name, start, end, programme_period), times in combos.items():
            amount = None
            if with_value:
                total = Sum()
                for a in with_value:
                    total.add_amount(a, times)
                term = total.term()
                amount = float(term["value"]) if term else None
            out.append(
                {
                    "project": p,
                    "code": code or None,
                    "name": name or None,
                    "start": start or None,
                    "end": end or None,
                    "period": programme_period or None,
                    "status": statuses or None,
                    "amount_eur": amount,
                }
            )
    return out


def network_organisations(
    index: DashboardIndex, period: str | None, spearhead: str | None, lang: str
) -> dict[str, Organisation]:
    """``organisation-network`` as :func:`server.publish.network.organisations_of` makes it, in its order."""
    found: dict[str, Organisation] = {}
    for project, members in index.participants.items():
        if spearhead and not any(c["value"] == spearhead for c in index.contributes.get(project, ())):
            continue
        if period and not any(t["value"].startswith(period) for t in index.periods.get(project, ())):
            continue
        themes = index.project_themes.get(project, _NO_THEMES)
        for o in members:
            row = index.organisations.get(o)
            if row is None:
                continue
            if o not in found:
                found[o] = Organisation(o, _name(row), _type_label(row, lang))
            found[o].projects.add(project)
            found[o].spearheads |= themes
    return dict(sorted(found.items(), key=lambda item: (item[1].name, item[0])))


_NO_THEMES: frozenset[str] = frozenset()


def _name(row: Mapping[str, Term]) -> str:
    return (row.get("name_fi") or row["some_name"])["value"]


def _type_label(row: Mapping[str, Term], lang: str) -> str | None:
    chosen = row.get({"sv": "type_label_sv", "en": "type_label_en"}.get(lang, "type_label_fi"))
    cell = chosen or row.get("type_label_fi")
    return cell["value"] if cell else None
