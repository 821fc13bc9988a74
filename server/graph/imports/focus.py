"""Which nodes an import can have made (non-)conforming: the focus of an incremental validation.

The published version conformed as a whole. A change of statements can only change the results of
shapes whose focus node reads them, and every constraint of ontology/shapes.ttl reads its focus node's
own statements, the types of the nodes it points at, or (``sh:inversePath``, the SPARQL constraints)
the nodes pointing at it (docs/import.md, Incremental validation). So the nodes to check again are:

- every subject and IRI object of an added or removed statement (the changed nodes), and
- every node with a statement pointing at a changed subject (its shapes may read the subject's type);
  for a blank node, the IRIs it hangs from;
- for a subject whose type changed, the nodes pointing at those too: one constraint reads a type two
  statements away (``ClassificationConsistencyShape``: the type of a spearhead's broader concept).

pySHACL's focus nodes are IRIs only, so a changed blank node that a shape targets (by class, with its
subclasses, or as the subject or object of a targeted property) makes the whole graph the focus.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
Node = ox.NamedNode | ox.BlankNode


def neighbourhood(
    dataset: ox.Dataset, changed: Iterable[ox.Quad], shapes: ox.NamedNode | None = None
) -> set[ox.NamedNode] | None:
    """The IRIs to validate after ``changed`` (added and removed quads), or None for the whole graph."""
    subjects: set[Node] = set()
    retyped: set[Node] = set()
    focus: set[ox.NamedNode] = set()
    blank: set[ox.BlankNode] = set()
    for q in changed:
        if isinstance(q.subject, (ox.NamedNode, ox.BlankNode)):
            subjects.add(q.subject)
            if q.predicate == RDF_TYPE:
                retyped.add(q.subject)
        if isinstance(q.object, ox.NamedNode):
            focus.add(q.object)
        for term in (q.subject, q.object):
            if isinstance(term, ox.BlankNode):
                blank.add(term)
    if blank and _targeted(dataset, blank, shapes):
        return None
    for s in subjects:
        if isinstance(s, ox.NamedNode):
            focus.add(s)
        referrers = _referrers(dataset, s)
        focus |= referrers
        if s in retyped:
            for r in referrers:
                focus |= _referrers(dataset, r)
    return focus


def _referrers(dataset: ox.Dataset, node: Node, depth: int = 4) -> set[ox.NamedNode]:
    """IRIs with a statement pointing at ``node``, through blank nodes (nested shapes read down them)."""
    found: set[ox.NamedNode] = set()
    for q in dataset.quads_for_object(node):
        if isinstance(q.subject, ox.NamedNode):
            found.add(q.subject)
        elif isinstance(q.subject, ox.BlankNode) and depth > 0:
            found |= _referrers(dataset, q.subject, depth - 1)
    return found


def _targeted(dataset: ox.Dataset, nodes: set[ox.BlankNode], shapes: ox.NamedNode | None) -> bool:
    """Whether a shape targets one of the blank ``nodes``."""
    quads = list(dataset.quads_for_graph_name(shapes) if shapes else dataset)

    def objects_of(predicate: str) -> set[Any]:
        p = ox.NamedNode(SH + predicate)
        return {q.object for q in quads if q.predicate == p}

    classes = objects_of("targetClass") | {
        q.subject for q in quads if q.predicate == RDF_TYPE and q.object == ox.NamedNode(SH + "NodeShape")
    }
    classes = _with_subclasses(dataset, classes)
    subjects_of, objects_of_ = objects_of("targetSubjectsOf"), objects_of("targetObjectsOf")
    for node in nodes:
        for q in dataset.quads_for_subject(node):
            if q.predicate in subjects_of or (q.predicate == RDF_TYPE and q.object in classes):
                return True
        if any(q.predicate in objects_of_ for q in dataset.quads_for_object(node)):
            return True
    return False


def _with_subclasses(dataset: ox.Dataset, classes: set[Any]) -> set[Any]:
    todo, seen = list(classes), set(classes)
    while todo:
        for q in dataset.quads_for_object(todo.pop()):
            if q.predicate == SUBCLASS and q.subject not in seen:
                seen.add(q.subject)
                todo.append(q.subject)
    return seen
