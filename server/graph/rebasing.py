"""Moving our IRIs from one base IRI to another: one helper for terms, quads, IRIs and text.

The files in ``ontology/``, ``data/`` and ``queries/`` are written against the default base
(``https://w3id.org/smart-hame/``) and a published version records the base it was built at; whatever
reads them for a server at another base moves every IRI that starts with the old base onto the new
one. IRIs outside the old base, blank nodes and literal values are left as they are, except where
:meth:`Rebaser.text` is asked to move the base inside a text too (SPARQL and ``sh:namespace`` in the
shapes, the text of a saved query).

    rebase = Rebaser(DEFAULT_BASE_IRI, settings.base_iri)
    rebase.quad(q); rebase.term(t); rebase.iri("https://w3id.org/smart-hame/project/A1"); rebase.text(sparql)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, overload

import pyoxigraph as ox


@dataclass(frozen=True)
class Rebaser:
    """Rewrites IRIs that start with ``old`` to start with ``new`` instead."""

    old: str
    new: str

    @property
    def identity(self) -> bool:
        """True when nothing moves (the two bases are the same)."""
        return self.old == self.new

    def iri(self, iri: str) -> str:
        if self.identity or not iri.startswith(self.old):
            return iri
        return self.new + iri[len(self.old) :]

    @overload
    def term(self, term: ox.NamedNode) -> ox.NamedNode: ...
    @overload
    def term(self, term: ox.BlankNode) -> ox.BlankNode: ...
    @overload
    def term(self, term: ox.Literal) -> ox.Literal: ...
    @overload
    def term(self, term: ox.DefaultGraph) -> ox.DefaultGraph: ...
    @overload
    def term(self, term: ox.Triple) -> ox.Triple: ...

    def term(self, term: Any) -> Any:
        """A named node moved onto the new base; a literal with its datatype moved; anything else as it is.

        Triples (RDF-star) are rebased term by term.
        """
        if self.identity:
            return term
        if isinstance(term, ox.NamedNode):
            return ox.NamedNode(self.iri(term.value)) if term.value.startswith(self.old) else term
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            if datatype.startswith(self.old):
                return ox.Literal(term.value, datatype=ox.NamedNode(self.iri(datatype)))
            return term
        if isinstance(term, ox.Triple):
            return ox.Triple(self.term(term.subject), self.term(term.predicate), self.term(term.object))
        return term

    def quad(self, quad: ox.Quad) -> ox.Quad:
        if self.identity:
            return quad
        return ox.Quad(
            self.term(quad.subject),
            self.term(quad.predicate),
            self.term(quad.object),
            self.term(quad.graph_name),
        )

    def text(self, text: str) -> str:
        """Every occurrence of the old base in ``text`` replaced by the new one.

        For trusted text of our own (the shapes' SPARQL and ``sh:namespace``, saved queries), read once at
        start-up; never for a request value.
        """
        return text if self.identity else text.replace(self.old, self.new)
