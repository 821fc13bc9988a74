"""Terms as a person reads them: labels in the reader's language, our IRIs as server paths.

``Labeller`` looks each term's label up in the store once (``skos:prefLabel``, ``rdfs:label``,
``foaf:name``, ``dct:title``, ``skos:notation``, in that order), in the page language with a fallback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

import pyoxigraph as ox

from server.graph.vocabulary import DCT, FOAF, RDF, RDFS, SKOS, XSD, curie, prefixes

DCT_SOURCE = ox.NamedNode(DCT + "source")
RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT = (ox.NamedNode(RDF + x) for x in ("subject", "predicate", "object"))
# Most preferred first: the names a person would recognise the resource by.
LABEL_PROPERTIES = tuple(
    ox.NamedNode(p)
    for p in (SKOS + "prefLabel", RDFS + "label", FOAF + "name", DCT + "title", SKOS + "notation")
)
FIRST_PROPERTIES = (SKOS + "prefLabel", RDFS + "label", FOAF + "name", DCT + "title")

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple  # a Triple: a quoted statement (RDF-star)


def local_path(iri: str, base: str) -> str | None:
    """The server path that ``iri`` resolves at, or None when it is not minted under ``base``."""
    if not iri.startswith(base):
        return None
    rest = iri[len(base) :]
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
            literals = [
                q.object
                for q in self.store.quads_for_pattern(term, prop, None)
                if isinstance(q.object, ox.Literal)
            ]
            if literals:
                return best_literal(literals, self.lang).value
        return None

    def compact(self, iri: str) -> str:
        """``prefix:local`` for a known namespace; the path for our own IRIs; else the IRI itself."""
        found = curie(iri, self._curies)
        if found:
            return found
        if iri.startswith(self.base):
            return iri[len(self.base) :] or iri
        return iri

    def value(self, term: Term, graphs: Iterable[str] = ()) -> Value:
        gs = tuple(graphs)
        if isinstance(term, ox.Triple):  # served files may quote statements; shown as written
            return Value(f"<< {term} >>", graphs=gs)
        if isinstance(term, ox.Literal):
            dt = term.datatype.value
            shown = None if dt in (XSD + "string", RDF + "langString") else self.compact(dt)
            return Value(term.value, lang=term.language, datatype=shown, graphs=gs)
        if isinstance(term, ox.BlankNode):
            return Value("…", graphs=gs)
        href = local_path(term.value, self.base)
        return Value(
            self.label(term), href=href or term.value, iri=term.value, external=href is None, graphs=gs
        )


def best_literal(literals: list[ox.Literal], lang: str) -> ox.Literal:
    """The literal in ``lang``, else English, Finnish, Swedish, untagged, anything (stable order)."""
    order = [lang, *[x for x in ("en", "fi", "sv") if x != lang], None]

    def rank(lit: ox.Literal) -> tuple[int, str]:
        tag = (lit.language or "").split("-")[0].lower() or None
        return (order.index(tag) if tag in order else len(order), lit.value)

    return min(literals, key=rank)


def graph_name(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph, base: str) -> str:
    """``graph/projects`` -> ``projects``: how a graph is named on pages."""
    if isinstance(graph, ox.DefaultGraph):
        return "default"
    prefix = f"{base}graph/"
    return graph.value.removeprefix(prefix)
