"""sh:sparql constraints: checked as pySHACL checks them, then run once for all focus nodes.

pySHACL runs the SELECT once per focus node with ``$this`` pre-bound. Here the focus nodes are joined
in as the first pattern of the WHERE clause instead, which gives the same rows for the queries SHACL
allows: pySHACL refuses MINUS, VALUES, SERVICE, sub-selects that do not select ``$this`` and ``AS
$this`` (where pre-binding and joining would differ), and so does this module, on tokens rather than
pySHACL's regular expressions, together with what it does not implement (GRAPH, ``$shapesGraph``,
``$currentShape``, ``$PATH``, ``?failure``, grouping that is not by ``$this``). oxigraph parses the
result (rdflib's parser took 1.8 s for the twelve constraints; oxigraph's a few milliseconds). EXISTS
bodies are nested from their bound variables (``sparql_text.nest_exists``).
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from server.graph.shacl.shapes import Shape, SparqlSpec, UnsupportedShape
from server.graph.shacl.sparql_text import (
    Token,
    add_projection,
    nest_exists,
    split_where,
    tokenize,
    variables,
)

REFUSED_WORDS = ("MINUS", "VALUES", "SERVICE", "GRAPH")
PRE_BOUND = {
    "shapesGraph": "$shapesGraph",
    "currentShape": "$currentShape",
    "PATH": "$PATH",
    "failure": "?failure",
}
_EMPTY = ox.Store()


def sparql_query_parts(shape: Shape, spec: SparqlSpec) -> tuple[str, str, str, bool]:
    """The constraint's query in parts, ready for the focus nodes: (text up to the WHERE clause's '{',
    the clause's body, the rest from its '}', whether the body binds ``?this`` in every row)."""
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in spec.prefixes)
    try:
        return _parts(prologue, spec.select)
    except ValueError as e:
        raise UnsupportedShape(shape.label, str(e)) from None


@lru_cache(maxsize=256)
def _parts(prologue: str, select: str) -> tuple[str, str, str, bool]:
    _parses(prologue + select)
    code = [t for t in tokenize(select) if t.kind not in ("ws", "comment")]
    used = variables(code)
    for name, written in PRE_BOUND.items():
        if name in used:
            raise ValueError(f"sh:sparql with {written} is not implemented")
    _refuse_constructs(code)
    if not _selects(code, 0, "this"):
        select = add_projection(select, "this")
    nested = nest_exists(select, {"this"})
    _parses(prologue + nested)  # the nested text must still be a query (it always should be)
    before, body, after, bound = split_where(nested)
    return prologue + before, body, after, bound


def _parses(text: str) -> None:
    try:
        _EMPTY.query(text)
    except SyntaxError as e:
        raise ValueError(f"its sh:select is not valid SPARQL ({e})") from None


def _refuse_constructs(code: list[Token]) -> None:
    for i, t in enumerate(code):
        if t.is_(*REFUSED_WORDS):
            raise ValueError(f"a SPARQL constraint must not use {t.text.upper()}")
        if t.is_("AS") and i + 1 < len(code) and code[i + 1].text[1:] == "this":
            raise ValueError("a SPARQL constraint must not bind $this with AS")
        if t.is_("SELECT") and i > _first(code, "SELECT") and not _selects(code, i, "this"):
            raise ValueError("a sub-select in a SPARQL constraint must select $this")
        if t.is_("GROUP") and not _grouped_by(code, i + 2, "this"):
            raise ValueError("grouping in a SPARQL constraint must be GROUP BY $this")


def _first(code: list[Token], word: str) -> int:
    return next(i for i, t in enumerate(code) if t.is_(word))


def _selects(code: list[Token], at: int, var: str) -> bool:
    """Whether the SELECT at (or after) ``at`` projects ``?var`` (``SELECT *`` does not count: pySHACL
    refuses it in sub-selects, and at the top it adds ``?this`` itself)."""
    i = next(i for i in range(at, len(code)) if code[i].is_("SELECT")) + 1
    while i < len(code) and not code[i].is_("WHERE", "{"):
        if code[i].kind == "var" and code[i].text[1:] == var:
            return True
        i += 1
    return False


def _grouped_by(code: list[Token], i: int, var: str) -> bool:
    while i < len(code) and not code[i].is_("HAVING", "ORDER", "LIMIT", "OFFSET", "}"):
        if code[i].kind == "var" and code[i].text[1:] == var:
            return True
        i += 1
    return False
