"""SHACL property paths: read from the shapes graph, written as SPARQL and as report text.

A path is kept as a small tree (``Step``) so that three things can be made from it: the SPARQL 1.1
property path the checks use, the text of ``ValidationResult.path`` (written exactly as the pySHACL
backend writes it, see ``server.graph.validation._path``), and the predicates it walks, forward or
backward, which ``locality`` follows to find the focus nodes a change can reach.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

SH = "http://www.w3.org/ns/shacl#"
RDF_FIRST = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#first")
REPEATS = {"zeroOrMorePath": "*", "oneOrMorePath": "+", "zeroOrOnePath": "?"}  # SHACL name -> SPARQL


@dataclass(frozen=True)
class Step:
    """One node of a path tree: ``kind`` is iri, inverse, alternative, sequence, or a repeat (* + ?)."""

    kind: str
    iri: str | None = None
    parts: tuple[Step, ...] = ()

    @property
    def sparql(self) -> str:
        """SPARQL property path text, parenthesised wherever precedence could matter."""
        if self.kind == "iri":
            return f"<{self.iri}>"
        if self.kind == "inverse":
            return f"^({self.parts[0].sparql})"
        if self.kind == "alternative":
            return "(" + "|".join(p.sparql for p in self.parts) + ")"
        if self.kind == "sequence":
            return "(" + "/".join(p.sparql for p in self.parts) + ")"
        return f"({self.parts[0].sparql}){self.kind}"

    @property
    def text(self) -> str:
        """The report's text for the path, as ``server.graph.validation._path`` writes it."""
        if self.kind == "iri":
            return f"<{self.iri}>"
        if self.kind == "inverse":
            return "^" + self.parts[0].text
        if self.kind == "alternative":
            return "(" + "|".join(p.text for p in self.parts) + ")"
        if self.kind == "sequence":
            return "/".join(p.text for p in self.parts)
        inner = self.parts[0]
        return (inner.text if inner.kind == "iri" else f"({inner.text})") + self.kind

    @property
    def is_predicate(self) -> bool:
        return self.kind == "iri"

    def pattern(self, s: str, o: str) -> str:
        """A graph pattern for ``s PATH o``. oxigraph evaluates an alternative path several times
        slower than the same alternatives as a union (0.07 s against 0.015 s for the seven participant
        predicates over 10,000 projects, measured), so alternatives of plain and inverse predicates
        become a union; other paths stay property paths."""
        if self.kind == "iri":
            return f"{s} <{self.iri}> {o} ."
        if self.kind == "inverse" and self.parts[0].kind == "iri":
            return f"{o} <{self.parts[0].iri}> {s} ."
        if self.kind == "alternative" and all(_simple(p) for p in self.parts):
            return "{ " + " } UNION { ".join(p.pattern(s, o) for p in self.parts) + " }"
        return f"{s} {self.sparql} {o} ."


def _simple(step: Step) -> bool:
    return step.kind == "iri" or (step.kind == "inverse" and step.parts[0].kind == "iri")
