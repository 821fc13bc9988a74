"""What a resource's page shows, read straight from the read-only store: framework-free.

An IRI minted under the base resolves when the published store mentions it (as subject, object or
graph name). Its description is read with bounded pattern lookups (no SPARQL, so no query budget is
needed): every statement with it as subject in any graph, blank nodes expanded (their concise bounded
description), the statements that point to it, and the ``dct:source`` of each graph's statements.
"""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass, field

import pyoxigraph as ox

from server.graph.versions import own_quads
from server.graph.vocabulary import RDF_TYPE
from server.publish.labels import (
    DCT_SOURCE,
    FIRST_PROPERTIES,
    RDF_OBJECT,
    RDF_PREDICATE,
    RDF_SUBJECT,
    Labeller,
    Node,
    Row,
    Term,
    Value,
    graph_name,
)

INCOMING_LIMIT = 200  # statements pointing at a resource shown on its page; the count is always exact
MAX_BNODE_DEPTH = 8  # blank nodes nest this deep at most on a page (the RDF description has no limit)
SUGGESTION_SCAN = 20_000  # typed resources looked at to suggest IRIs on a 404 page: bounded work per miss


@dataclass
class Source:
    number: int
    value: Value
    graphs: list[str] = field(default_factory=list)  # graphs whose facts cite it


@dataclass
class Page:
    """Everything the resource page shows about one IRI."""

    iri: str
    label: str
    types: list[Value]
    rows: list[Row]
    incoming: list[tuple[Value, Value, tuple[str, ...]]]  # (subject, predicate, graphs)
    incoming_total: int
    sources: list[Source]
    graphs: list[str] = field(default_factory=list)


class _Citations:
    """Where each fact about one subject comes from, numbered in order of first use.

    A fact cites the ``dct:source`` of an ``rdf:Statement`` that reifies it when there is one (editorial
    mappings carry their own sources); otherwise the ``dct:source`` that its subject has in the graph
    stating the fact.
    """

    def __init__(self, store: ox.Store, subject: ox.NamedNode | ox.BlankNode, labeller: Labeller) -> None:
        self.store = store
        self.labeller = labeller
        self.by_graph: dict[str, list[Term]] = {}
        for q in own_quads(store, subject, DCT_SOURCE, None):
            self.by_graph.setdefault(graph_name(q.graph_name, labeller.base), []).append(q.object)
        self.reified: dict[tuple[ox.NamedNode, Term], list[ox.NamedNode | ox.BlankNode | ox.Triple]] = {}
        for q in store.quads_for_pattern(None, RDF_SUBJECT, subject):
            p = next(store.quads_for_pattern(q.subject, RDF_PREDICATE, None), None)
            o = next(store.quads_for_pattern(q.subject, RDF_OBJECT, None), None)
            if p is not None and o is not None and isinstance(p.object, ox.NamedNode):
                self.reified.setdefault((p.object, o.object), []).append(q.subject)
        self.sources: dict[str, Source] = {}

    def cite(
        self, predicate: ox.NamedNode, obj: Term, graphs: list[str]
    ) -> tuple[tuple[int, ...], list[Value]]:
        if predicate == DCT_SOURCE:
            return (), []
        statements = self.reified.get((predicate, obj), [])
        cited: list[tuple[Term, str]] = []
        for st in statements:
            for q in own_quads(self.store, st, DCT_SOURCE, None):
                cited.append((q.object, graph_name(q.graph_name, self.labeller.base)))
        if not cited:
            cited = [(t, g) for g in graphs for t in self.by_graph.get(g, [])]
        numbers = []
        for term, graph in cited:
            key = str(term)
            if key not in self.sources:
                self.sources[key] = Source(len(self.sources) + 1, self.labeller.value(term))
            source = self.sources[key]
            if graph not in source.graphs:
                source.graphs.append(graph)
            numbers.append(source.number)
        return tuple(sorted(set(numbers))), [self.labeller.value(st) for st in statements]


def resolves(store: ox.Store, iri: str) -> bool:
    """Whether the store mentions ``iri`` anywhere: as subject, object or named graph (never, for text
    that is no IRI: a request path can decode to spaces, quotes or ``<``)."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return False
    return (
        next(store.quads_for_pattern(node, None, None), None) is not None
        or next(store.quads_for_pattern(None, None, node), None) is not None
        or node in set(store.named_graphs())
    )


def description(store: ox.Store, iri: str, incoming_limit: int = INCOMING_LIMIT) -> list[ox.Triple]:
    """The RDF served for ``iri``: its concise bounded description over all graphs, each triple once.

    That is every triple with ``iri`` as subject, plus, recursively, those of the blank nodes they reach.
    A resource only ever named as an object (a version IRI, say) is described by the statements that
    point to it instead, at most ``incoming_limit`` of them.
    """
    node = ox.NamedNode(iri)
    triples = _closure(store, node)
    if not triples:
        incoming = itertools.islice(own_quads(store, None, None, node), incoming_limit)
        triples = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in incoming)
    return list(triples)


def _closure(store: ox.Store, start: ox.NamedNode | ox.BlankNode) -> dict[ox.Triple, None]:
    seen: dict[ox.Triple, None] = {}
    todo: list[ox.NamedNode | ox.BlankNode] = [start]
    visited: set[ox.NamedNode | ox.BlankNode] = set()
    while todo:
        subject = todo.pop()
        if subject in visited:
            continue
        visited.add(subject)
        for q in store.quads_for_pattern(subject, None, None):
            seen[ox.Triple(q.subject, q.predicate, q.object)] = None
            if isinstance(q.object, ox.BlankNode):
                todo.append(q.object)
    return seen


def build_page(store: ox.Store, iri: str, lang: str, base: str, incoming_limit: int = INCOMING_LIMIT) -> Page:
    """The page of ``iri`` in ``lang`` (call only when :func:`resolves`)."""
    labeller = Labeller(store, lang, base)
    node = ox.NamedNode(iri)
    types = sorted(
        {
            labeller.value(q.object).iri or "": labeller.value(q.object)
            for q in store.quads_for_pattern(node, RDF_TYPE, None)
            if isinstance(q.object, ox.NamedNode)
        }.values(),
        key=lambda v: v.text.lower(),
    )
    citations = _Citations(store, node, labeller)
    rows = _rows(store, node, labeller, depth=0, citations=citations)
    incoming, total = _incoming(store, node, labeller, incoming_limit)
    return Page(
        iri=iri,
        label=labeller.label(node),
        types=types,
        rows=rows,
        incoming=incoming,
        incoming_total=total,
        sources=list(citations.sources.values()),
        graphs=sorted({graph_name(q.graph_name, base) for q in own_quads(store, node, None, None)}),
    )


def _rows(
    store: ox.Store,
    subject: ox.NamedNode | ox.BlankNode,
    labeller: Labeller,
    depth: int,
    citations: _Citations,
) -> list[Row]:
    values: dict[ox.NamedNode, dict[Term, list[str]]] = {}
    for q in own_quads(store, subject, None, None):
        if q.predicate == RDF_TYPE and depth == 0:
            continue  # shown as the types in the heading
        graphs = values.setdefault(q.predicate, {}).setdefault(q.object, [])
        graphs.append(graph_name(q.graph_name, labeller.base))
    rows = []
    for predicate, objects in values.items():
        shown = []
        for obj, graphs in objects.items():
            v = labeller.value(obj, sorted(set(graphs)))
            if depth == 0:
                v.refs, v.statements = citations.cite(predicate, obj, list(v.graphs))
            if isinstance(obj, ox.BlankNode) and depth < MAX_BNODE_DEPTH:
                v.node = Node(_rows(store, obj, labeller, depth + 1, citations))
            shown.append(v)
        shown.sort(key=lambda v: _value_order(v, labeller.lang))
        rows.append(Row(labeller.value(predicate), shown))
    rows.sort(key=_row_order)
    return rows


def _value_order(v: Value, lang: str) -> tuple[int, str]:
    if v.lang is None:
        return (1, v.text.lower())
    return (0 if v.lang.split("-")[0] == lang else 2, v.text.lower())


def _row_order(row: Row) -> tuple[int, str]:
    iri = row.predicate.iri or ""
    first = FIRST_PROPERTIES.index(iri) if iri in FIRST_PROPERTIES else len(FIRST_PROPERTIES)
    return (first, row.predicate.text.lower())


def _incoming(
    store: ox.Store, node: ox.NamedNode, labeller: Labeller, limit: int
) -> tuple[list[tuple[Value, Value, tuple[str, ...]]], int]:
    shown: dict[tuple[Term, ox.NamedNode], list[str]] = {}
    total = 0
    for q in own_quads(store, None, None, node):
        total += 1
        key = (q.subject, q.predicate)
        if key in shown or len(shown) < limit:
            shown.setdefault(key, []).append(graph_name(q.graph_name, labeller.base))
    rows = [(labeller.value(s), labeller.value(p), tuple(sorted(set(g)))) for (s, p), g in shown.items()]
    rows.sort(key=lambda r: (r[1].text.lower(), r[0].text.lower()))
    return rows, total


def suggestions(store: ox.Store, base: str, path: str, limit: int = 8) -> list[str]:
    """IRIs close to the missing ``base + path``, for the 404 page; looks at a bounded number of resources."""
    wanted = base + path
    first = path.split("/", 1)[0] + "/"
    candidates = {
        q.subject.value
        for q in itertools.islice(store.quads_for_pattern(None, RDF_TYPE, None), SUGGESTION_SCAN)
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(base + first)
    }
    return difflib.get_close_matches(wanted, sorted(candidates), n=limit, cutoff=0.6)


def instances(store: ox.Store, cls: str) -> list[ox.NamedNode]:
    return sorted(
        {
            q.subject
            for q in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(cls))
            if isinstance(q.subject, ox.NamedNode)
        },
        key=lambda n: n.value,
    )


def graph_sizes(store: ox.Store) -> dict[str, int]:
    """Named graph IRI -> triples, counted inside the store."""
    rows = _select(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"].value: int(row["n"].value) for row in rows}


def class_sizes(store: ox.Store) -> dict[str, int]:
    """Class IRI -> distinct instances, over all graphs."""
    rows = _select(
        store,
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } FILTER(isIRI(?c)) } GROUP BY ?c",
    )
    return {row["c"].value: int(row["n"].value) for row in rows}


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    rows = store.query(query)
    if not isinstance(rows, ox.QuerySolutions):
        raise TypeError(f"expected the solutions of a SELECT, got {type(rows).__name__}")
    return rows
