"""Probes: which focus nodes of a sh:sparql check a changed triple can reach, by its query's patterns.

A triple pattern, bound to the changed triple, together with the patterns that every solution using
it also matches (its own group's and those of the groups around it), gives the focus nodes whose
result can change, where walking the patterns one by one would over-reach through a shared value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from server.graph.shacl.data import DataGraph
from server.graph.shacl.expressions import term
from server.graph.shacl.plan import Check
from server.graph.shacl.sparql_patterns import Pattern, triple_patterns


@dataclass(frozen=True)
class Probe:
    """A triple pattern of a sh:sparql query and the patterns every solution using it also matches
    (those of its own group and of the groups around it): bound to a changed triple, they give the
    focus nodes whose result can change, exactly where following walks would over-reach through a
    shared value (a spearhead that a quarter of the projects contribute to)."""

    pattern: Pattern
    required: tuple[Pattern, ...]


def probes_of(check: Check) -> list[Probe] | None:
    """The probes of a sh:sparql check, or None when some pattern's group does not bind ?this."""
    if check.sparql is None:
        return None
    read = triple_patterns(check.sparql.select, dict(check.sparql.prefixes))
    if read is None:
        return None
    patterns = read[0]
    probes = []
    for p in patterns:
        required = tuple(q for q in patterns if p.scope[: len(q.scope)] == q.scope)
        if not any("?this" in (q.subject, q.object) for q in required):
            return None
        probes.append(Probe(p, required))
    return probes


def probe(
    probes: list[Probe],
    changes: list[tuple[Any, DataGraph]],
    by_predicate: dict[str, list[tuple[Any, DataGraph]]],
) -> set[Any] | None:
    """The focus nodes the changed triples reach through the probes; None: run the check in full."""
    found: set[Any] = set()
    for each in probes:
        p = each.pattern
        bound = [
            (name, position) for name, position in ((p.subject, 0), (p.object, 2)) if name.startswith("?")
        ]
        if p.predicate is None:
            bound.append(("?" + "_predicate", 1))
        per_graph: dict[int, tuple[DataGraph, set[tuple[Any, ...]]]] = {}
        for t, graph in changes if p.predicate is None else by_predicate.get(p.predicate, []):
            terms = (t.subject, t.predicate, t.object)
            if any(
                not name.startswith("?") and name != str(terms[i])
                for name, i in ((p.subject, 0), (p.object, 2))
            ):
                continue  # a constant of the pattern that the triple does not have
            if any(isinstance(terms[i], ox.BlankNode) for _, i in bound):
                return None  # a stored blank node cannot be written into the probe: run in full
            per_graph.setdefault(id(graph), (graph, set()))[1].add(tuple(terms[i] for _, i in bound))
        for graph, rows in per_graph.values():
            found |= _ask_probe(each, bound, rows, graph)
    return found


def _ask_probe(
    probe: Probe, bound: list[tuple[str, int]], rows: set[tuple[Any, ...]], graph: DataGraph
) -> set[Any]:
    names = [name for name, _ in bound]
    pattern = probe.pattern
    text = []
    for q in probe.required:
        predicate = (
            f"<{q.predicate}>" if q.predicate else ("?_predicate" if q is pattern else f"?_any{id(q)}")
        )
        text.append(f"{q.subject} {predicate} {q.object} .")
    found: set[Any] = set()
    ordered = sorted(rows, key=str)
    for start in range(0, len(ordered), 1000):
        values = " ".join("(" + " ".join(term(v) for v in row) + ")" for row in ordered[start : start + 1000])
        head = f"VALUES ({' '.join(names)}) {{ {values} }}" if names else ""
        query = f"SELECT DISTINCT ?this WHERE {{ {head} {' '.join(text)} }}"
        found |= {row["this"] for row in graph.query(query, {}) if row["this"] is not None}
    return found
