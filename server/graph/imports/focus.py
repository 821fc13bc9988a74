"""Which nodes an import can have made (non-)conforming: the focus of an incremental validation.

The published version conformed as a whole. A change of statements can only change the results of
shapes whose focus node reads them, and every constraint of ontology/shapes.ttl reads its focus node's
own statements, the types of the nodes it points at, or (``sh:inversePath``, the SPARQL constraints)
the nodes pointing at it (docs/import.md, Incremental validation). So the nodes to check again are:

- every subject and IRI object of an added or removed statement (the changed nodes), and
- every node with a statement pointing at a changed subject (its shapes may read the subject's type).

A change with a blank node falls back to the whole graph: pySHACL's focus nodes are IRIs only.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox


def neighbourhood(dataset: ox.Dataset, changed: Iterable[ox.Quad]) -> set[ox.NamedNode] | None:
    """The nodes to validate after ``changed`` (added and removed quads), or None for the whole graph."""
    subjects: set[ox.NamedNode] = set()
    focus: set[ox.NamedNode] = set()
    for q in changed:
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            return None
        if isinstance(q.subject, ox.NamedNode):
            subjects.add(q.subject)
        if isinstance(q.object, ox.NamedNode):
            focus.add(q.object)
    focus |= subjects
    for s in subjects:
        for q in dataset.quads_for_object(s):
            if isinstance(q.subject, ox.NamedNode):
                focus.add(q.subject)
            elif isinstance(q.subject, ox.BlankNode):
                return None
    return focus
