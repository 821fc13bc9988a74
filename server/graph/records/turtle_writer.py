"""A small deterministic Turtle writer: sorted subjects, ``rdf:type`` first, prefixed names where legal.

rdflib's serialisers write a full IRI for every resource whose local part holds a ``/`` and order some
output by hash; the data files are diffed by people, so this writer fixes the order and the layout.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

# A local part that needs no escaping in a Turtle prefixed name (a conservative subset of PN_LOCAL).
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


class TurtleWriter:
    """Writes graphs with a fixed set of prefixes; only the prefixes a file uses are declared."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        # Longest namespace first, so `res:` never wins over `project:` for a project IRI.
        self._prefixes = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self._written: dict[str, tuple[str | None, str]] = {}  # IRI -> (prefix used, text): IRIs recur

    def iri(self, term: URIRef, used: set[str]) -> str:
        value = str(term)
        known = self._written.get(value)
        if known is None:
            known = self._written[value] = self._shortened(value)
        if known[0] is not None:
            used.add(known[0])
        return known[1]

    def _shortened(self, value: str) -> tuple[str | None, str]:
        for prefix, ns in self._prefixes:
            if value.startswith(ns) and _LOCAL.fullmatch(value[len(ns) :]):
                return prefix, f"{prefix}:{value[len(ns) :]}"
        return None, f"<{value}>"

    def term(self, term: Node, used: set[str]) -> str:
        if isinstance(term, BNode):
            raise TypeError("blank nodes are not written: give every resource an IRI")
        if isinstance(term, URIRef):
            return self.iri(term, used)
        if not isinstance(term, Literal):
            raise TypeError(f"cannot write {term!r} in Turtle")
        text = '"' + "".join(_ESCAPES.get(ch, ch) for ch in str(term)) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None:
            return f"{text}^^{self.iri(term.datatype, used)}"
        return text

    def serialize(self, graph: Graph, header: Iterable[str]) -> str:
        used: set[str] = set()
        blocks = []
        for subject in sorted(set(graph.subjects()), key=str):
            if not isinstance(subject, URIRef):
                raise TypeError(f"blank node subject {subject!r}: give every resource an IRI")
            by_predicate: dict[URIRef, list[str]] = {}
            for p, o in graph.predicate_objects(subject):
                assert isinstance(p, URIRef)  # rdflib graphs hold IRIs as predicates
                by_predicate.setdefault(p, []).append(self.term(o, used))
            preds = sorted(by_predicate, key=lambda p: (p != RDF.type, self.iri(p, set())))
            lines = []
            for p in preds:
                objects = sorted(set(by_predicate[p]))
                name = "a" if p == RDF.type else self.iri(p, used)
                joined = (",\n" + " " * (5 + len(name))).join(objects)
                lines.append(f"    {name} {joined}")
            blocks.append(self.iri(subject, used) + "\n" + " ;\n".join(lines) + " .\n")
        head = [f"# {line}".rstrip() for line in header]
        decls = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(self._prefixes) if p in used]
        return "\n".join(head) + "\n\n" + "\n".join(decls) + "\n\n" + "\n".join(blocks)
