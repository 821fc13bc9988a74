"""Which focus nodes an import can have made (non-)conforming: the focus of an incremental validation.

    store, focus = changed_store(dataset, added, removed, base, "auto")   # None: the whole graph
    report = validate(store, settings, focus=focus)

The published version conformed as a whole, so only the results that the change can alter need
checking. ``server.graph.shacl.locality.affected`` derives them from the shapes, check by check: a
check reads triples along walks from its focus node, and a changed triple can only alter the results
of the nodes those walks lead back to (docs/validation.md). Removed statements are walked back in the
graph before the change, added ones in the graph after it. The focus is the union over the checks;
a check that needs the whole graph (an rdfs:subClassOf change, a pattern no walk reaches) makes the
whole graph the focus. ``validate`` returns exactly the whole run's results for the focus nodes.

Finding the focus has a cost that grows with the change, a whole run one that grows with the graph:
``validation="auto"`` restricts only when the graph is large against the change (``FOCUS_RATIO``);
``"focus"`` and ``"whole"`` force one or the other.

The store is built once: it is the graph the walks read before and after the change, and the one
``validate`` reads in place (instead of copying the dataset into a store of its own).
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from server.graph.imports.types import VALIDATIONS
from server.graph.shacl.data import DataGraph
from server.graph.shacl.locality import affected
from server.graph.shacl.run import compile_shapes
from server.graph.vocabulary import graph_iri, prefixes

# Quads of the graph per changed quad from which finding the focus and checking it beats a whole run.
# bench/import.py, 100 synthetic projects (6,200 quads), CPU seconds: into the bundled graph (3 quads
# per changed quad) focus 3.06 against whole 0.63; into 10,000 synthetic projects (75) 8.44 against 18.84.
FOCUS_RATIO = 20


def changed_store(
    published: ox.Dataset, added: set[ox.Quad], removed: set[ox.Quad], base: str, validation: str = "auto"
) -> tuple[ox.Store, set[Any] | None]:
    """A store of ``published`` with the change applied, and the focus nodes the change can affect
    (None: validate the whole graph, as ``validation`` "whole" always does)."""
    shapes = ox.NamedNode(graph_iri("shapes", base))
    store = ox.Store()
    store.bulk_extend(published)
    shape_quads = list(store.quads_for_pattern(None, None, None, shapes))
    reached: list[dict[int, set[Any] | None]] = []
    # no shapes graph (validate then reads the ontology's file): the whole graph
    find = restricts(validation, len(published), len(added) + len(removed)) and bool(shape_quads)
    plan = compile_shapes(shape_quads, base, prefixes(base)) if find else None
    if plan is not None and removed:
        before = DataGraph.from_store(store, shapes)
        reached.append(affected(plan, before, [], removed, before))
    for q in removed:
        store.remove(q)
    store.extend(added)
    if plan is None:
        return store, None
    after = DataGraph.from_store(store, shapes)  # anew: the change may have added a named graph
    reached.append(affected(plan, after, added, [], after))
    focus: set[Any] = set()
    for per_check in reached:
        for nodes in per_check.values():
            if nodes is None:
                return store, None
            focus |= nodes
    return store, focus


def restricts(validation: str, graph: int, changed: int) -> bool:
    """Whether ``validation`` (one of VALIDATIONS) checks only the focus for a change of ``changed``
    quads to a graph of ``graph``."""
    if validation not in VALIDATIONS:
        raise ValueError(f"validation is one of {', '.join(VALIDATIONS)}, not {validation!r}")
    return validation == "focus" or (validation == "auto" and graph >= FOCUS_RATIO * changed)
