"""What the Linked Data pages show: descriptions, labels, incoming links and sources, framework-free.

An IRI minted under the base resolves when the published store mentions it (as subject, object or
graph name). Its description is read straight from the read-only store with bounded pattern lookups
(no SPARQL, so no query budget is needed): every statement with it as subject in any graph, blank
nodes expanded (their concise bounded description), the statements that point to it, and the
``dct:source`` of each graph's statements. Labels come in the reader's language with a fallback.
"""

from __future__ import annotations

import difflib
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from server import templating
from server.namespaces import curie, prefixes
from server.templating import TEMPLATES

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "en"  # for readers whose browser asks for none of the three
INCOMING_LIMIT = 200  # statements pointing at a resource shown on its page; the count is always exact
MAX_BNODE_DEPTH = 8  # blank nodes nest this deep at most on a page (the RDF description has no limit)
SUGGESTION_SCAN = 20_000  # typed resources looked at to suggest IRIs on a 404 page: bounded work per miss

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode(RDF + "type")
DCT_SOURCE = ox.NamedNode(DCT + "source")
RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT = (ox.NamedNode(RDF + x) for x in ("subject", "predicate", "object"))
# Most preferred first: the names a person would recognise the resource by.
LABEL_PROPERTIES = tuple(
    ox.NamedNode(p)
    for p in (SKOS + "prefLabel", RDFS + "label", "http://xmlns.com/foaf/0.1/name", DCT + "title", SKOS + "notation")
)
FIRST_PROPERTIES = (SKOS + "prefLabel", RDFS + "label", "http://xmlns.com/foaf/0.1/name", DCT + "title")

Term = ox.NamedNode | ox.BlankNode | ox.Literal

# Words of the page itself in each language (data labels come from the store), kept with the templates.
MESSAGES: dict[str, dict[str, str]] = json.loads((TEMPLATES / "messages.json").read_text(encoding="utf-8"))
if set(MESSAGES) != set(LANGUAGES) or len({frozenset(m) for m in MESSAGES.values()}) != 1:
    raise RuntimeError("templates/messages.json must have the same keys for each of fi, sv and en")


def choose_language(param: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The page language: an explicit switch, then the remembered choice, then ``Accept-Language``."""
    for explicit in (param, cookie):
        if explicit in LANGUAGES:
            return explicit
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and q > 0:
            ranked.append((-q, i, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def local_path(iri: str, base: str) -> str | None:
    """The server path that ``iri`` resolves at, or None when it is not minted under ``base``."""
    if not iri.startswith(base):
        return None
    rest = iri[len(base):]
    path, hash_, fragment = rest.partition("#")
    href = "/" + quote(path, safe="/:@!$&'()*+,;=-._~")
    return href + (hash_ + quote(fragment, safe="-._~") if hash_ else "")


@dataclass
class Value:
    """One thing shown on a page: a link (by its label) or a literal."""

    text: str
    href: str | None = None
    iri: str | None = None
    external: bool = False
    lang: str | None = None
    datatype: str | None = None  # compact datatype IRI, shown for typed literals other than strings
    node: Node | None = None  # a blank node's own statements
    graphs: tuple[str, ...] = ()  # short names of the graphs that state it
    refs: tuple[int, ...] = ()  # numbers of the sources (Page.sources) the fact comes from
    statements: list[Value] = field(default_factory=list)  # rdf:Statements that describe this fact


@dataclass
class Row:
    predicate: Value
    values: list[Value]


@dataclass
class Node:
    rows: list[Row]


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
        for q in store.quads_for_pattern(subject, DCT_SOURCE, None):
            self.by_graph.setdefault(graph_name(q.graph_name, labeller.base), []).append(q.object)
        self.reified: dict[tuple[ox.NamedNode, Term], list[ox.NamedNode | ox.BlankNode]] = {}
        for q in store.quads_for_pattern(None, RDF_SUBJECT, subject):
            p = next(store.quads_for_pattern(q.subject, RDF_PREDICATE, None), None)
            o = next(store.quads_for_pattern(q.subject, RDF_OBJECT, None), None)
            if p is not None and o is not None and isinstance(p.object, ox.NamedNode):
                self.reified.setdefault((p.object, o.object), []).append(q.subject)
        self.sources: dict[str, Source] = {}

    def cite(self, predicate: ox.NamedNode, obj: Term, graphs: list[str]) -> tuple[tuple[int, ...], list[Value]]:
        if predicate == DCT_SOURCE:
            return (), []
        statements = self.reified.get((predicate, obj), [])
        cited: list[tuple[Term, str]] = []
        for st in statements:
            for q in self.store.quads_for_pattern(st, DCT_SOURCE, None):
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


class Labeller:
    """Labels of terms in one language, looked up in the store once per term."""

    def __init__(self, store: ox.Store, lang: str, base: str) -> None:
        self.store = store
        self.lang = lang
        self.base = base
        self._cache: dict[str, str] = {}
        # Our own IRIs are shown by their path (below), not as res:path.
        self._curies = [(p, ns) for p, ns in prefixes(base).items() if p != "res"]

    def label(self, term: ox.NamedNode | ox.BlankNode) -> str:
        if isinstance(term, ox.BlankNode):
            return "…"
        found = self._cache.get(term.value)
        if found is None:
            found = self._lookup(term) or self.compact(term.value)
            self._cache[term.value] = found
        return found

    def _lookup(self, term: ox.NamedNode) -> str | None:
        for prop in LABEL_PROPERTIES:
            literals = [q.object for q in self.store.quads_for_pattern(term, prop, None) if isinstance(q.object, ox.Literal)]
            if literals:
                return best_literal(literals, self.lang).value
        return None

    def compact(self, iri: str) -> str:
        """``prefix:local`` for a known namespace; the path for our own IRIs; else the IRI itself."""
        found = curie(iri, self._curies)
        if found:
            return found
        if iri.startswith(self.base):
            return iri[len(self.base):] or iri
        return iri

    def value(self, term: Term, graphs: Iterable[str] = ()) -> Value:
        gs = tuple(graphs)
        if isinstance(term, ox.Literal):
            dt = term.datatype.value
            shown = None if dt in (XSD + "string", RDF + "langString") else self.compact(dt)
            return Value(term.value, lang=term.language, datatype=shown, graphs=gs)
        if isinstance(term, ox.BlankNode):
            return Value("…", graphs=gs)
        href = local_path(term.value, self.base)
        return Value(self.label(term), href=href or term.value, iri=term.value, external=href is None, graphs=gs)


def best_literal(literals: list[ox.Literal], lang: str) -> ox.Literal:
    """The literal in ``lang``, else English, Finnish, Swedish, untagged, anything (stable order)."""
    order = [lang, *[x for x in ("en", "fi", "sv") if x != lang], None]

    def rank(lit: ox.Literal) -> tuple[int, str]:
        tag = (lit.language or "").split("-")[0].lower() or None
        return (order.index(tag) if tag in order else len(order), lit.value)

    return min(literals, key=rank)


def resolves(store: ox.Store, iri: str) -> bool:
    """Whether the store mentions ``iri`` anywhere: as subject, object or named graph."""
    node = ox.NamedNode(iri)
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
        incoming = itertools.islice(store.quads_for_pattern(None, None, node), incoming_limit)
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


def graph_name(graph: ox.NamedNode | ox.DefaultGraph, base: str) -> str:
    """``graph/projects`` -> ``projects``: how a graph is named on pages."""
    if isinstance(graph, ox.DefaultGraph):
        return "default"
    prefix = f"{base}graph/"
    return graph.value.removeprefix(prefix)


def build_page(store: ox.Store, iri: str, lang: str, base: str, incoming_limit: int = INCOMING_LIMIT) -> Page:
    """The page of ``iri`` in ``lang`` (call only when :func:`resolves`)."""
    labeller = Labeller(store, lang, base)
    node = ox.NamedNode(iri)
    types = sorted(
        {labeller.value(q.object).iri or "": labeller.value(q.object) for q in store.quads_for_pattern(node, RDF_TYPE, None)
         if isinstance(q.object, ox.NamedNode)}.values(),
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
        graphs=sorted({graph_name(q.graph_name, base) for q in store.quads_for_pattern(node, None, None)}),
    )


def _rows(
    store: ox.Store, subject: ox.NamedNode | ox.BlankNode, labeller: Labeller, depth: int, citations: _Citations
) -> list[Row]:
    values: dict[ox.NamedNode, dict[Term, list[str]]] = {}
    for q in store.quads_for_pattern(subject, None, None):
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
    for q in store.quads_for_pattern(None, None, node):
        total += 1
        key = (q.subject, q.predicate)
        if key in shown or len(shown) < limit:
            shown.setdefault(key, []).append(graph_name(q.graph_name, labeller.base))
    rows = [
        (labeller.value(s), labeller.value(p), tuple(sorted(set(g)))) for (s, p), g in shown.items()
    ]
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
    return sorted({q.subject for q in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(cls))
                   if isinstance(q.subject, ox.NamedNode)}, key=lambda n: n.value)


def graph_sizes(store: ox.Store) -> dict[str, int]:
    """Named graph IRI -> triples, counted inside the store."""
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"].value: int(row["n"].value) for row in rows}


def class_sizes(store: ox.Store) -> dict[str, int]:
    """Class IRI -> distinct instances, over all graphs."""
    rows = store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } FILTER(isIRI(?c)) } GROUP BY ?c")
    return {row["c"].value: int(row["n"].value) for row in rows}


def render(template: str, **context: Any) -> str:
    """A page of ``templates/``; ``context`` must hold ``lang`` (the template gets ``t``, its messages)."""
    return templating.render(template, t=MESSAGES[context["lang"]], languages=LANGUAGES, **context)


def serialize(triples: Iterable[ox.Triple], media_type: str, base: str) -> bytes:
    """Triples as ``media_type`` (an RDF syntax), grouped by subject, with our prefixes where the syntax has them."""
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise ValueError(f"not an RDF media type: {media_type}")
    ordered = sorted(triples, key=lambda t: (isinstance(t.subject, ox.BlankNode), str(t.subject), str(t.predicate),
                                            str(t.object)))
    names = None
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        names = {k: v for k, v in prefixes(base).items() if k != "res"}
    return ox.serialize(ordered, format=fmt, prefixes=names)
