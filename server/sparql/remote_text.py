"""What the front end must know of a query's text before it goes to an external engine.

The SPARQL 1.1 Protocol carries a query and its dataset, nothing else: no initial bindings, no hint of the
query form. So, on the tokens of ``server.sparql.federation`` (strings, IRIs and comments are never
touched):

- :func:`query_form` names the form (SELECT, ASK, CONSTRUCT, DESCRIBE), so the engine can be asked for
  the one wire format each form is read back in;
- :func:`bind` writes parameter values into the text, with pyoxigraph's substitution semantics (measured on
  0.5.13, ``server.sparql.saved_queries``): a parameter is replaced by its term wherever it is used in a
  pattern or an expression, subqueries included; where it is projected or grouped on it stays a variable
  (a constant is not allowed there), and a ``VALUES`` row opening the WHERE group binds it in the
  solutions, as pyoxigraph binds a projected substituted variable (a final VALUES clause would do the
  same by the standard, but Virtuoso 7.2 then returns no rows for a grouped query). Each value is
  written by pyoxigraph's own term serialisation of a term the saved query's parameter already
  checked, so no request text reaches the query except as a well-formed RDF term.
- :func:`names_dataset` says whether the text has its own ``FROM``/``FROM NAMED``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from urllib.parse import urljoin

import pyoxigraph as ox

from server.errors import BadParameter
from server.sparql.evaluation import Kind, Term
from server.sparql.lexer import token_spans

FORMS: dict[str, Kind] = {"select": "solutions", "ask": "boolean", "construct": "graph", "describe": "graph"}
# Keywords after which, at the same brace depth, variables name solutions rather than values. A VALUES
# block of the query's own keeps its variable: its rows then meet the parameter's value in the final
# VALUES clause, as they meet the substituted term in pyoxigraph.
_PROJECTING = {"select", "group", "order", "values"}
# Keywords that end such a list.
_CLAUSES = {"where", "limit", "offset", "having", "from"}


def _words(text: str) -> Iterator[tuple[str, str, int]]:
    for kind, value, start in token_spans(text):
        yield kind, value.lower() if kind == "word" else value, start


def query_form(text: str) -> Kind:
    """The result kind of ``text`` from its first form keyword; "solutions" when none is found (the
    engine then reports the syntax error)."""
    for kind, value, _ in _words(text):
        if kind == "word" and value in FORMS:
            return FORMS[value]
    return "solutions"


def names_dataset(text: str) -> bool:
    """Whether the query has a FROM or FROM NAMED clause of its own."""
    return any(kind == "word" and value == "from" for kind, value, _ in _words(text))


def with_base(text: str, base: str) -> str:
    """``text`` read against ``base``, as pyoxigraph's ``base_iri`` reads it: a ``BASE <...>`` before it,
    or, when the query has a BASE of its own (which then wins), that one made absolute against ``base``
    (Virtuoso 7.2 refuses a second BASE in a prologue: "syntax error at 'BASE'")."""
    previous = ""
    for kind, value, start in _words(text):
        if kind == "iri" and previous == "base":
            return text[:start] + f"<{urljoin(base, value[1:-1])}>" + text[start + len(value) :]
        previous = value
    return f"BASE <{base}>\n{text}"


def bind(text: str, substitutions: Mapping[str, Term]) -> str:
    """``text`` with each variable of ``substitutions`` bound to its term (see the module docstring)."""
    if not substitutions:
        return text
    written = {name: _term(name, term) for name, term in substitutions.items()}
    out: list[str] = []
    last = 0
    # Per open brace: whether a SELECT list, GROUP BY, ORDER BY or VALUES is being read there, and how
    # many parentheses are open (a variable inside them is in an expression, hence replaced).
    projecting: list[str] = [""]  # the keyword whose list is being read, or ""
    parens: list[int] = [0]
    previous = ""
    projected: list[str] = []  # parameters the top-level SELECT list names
    opened = False
    for kind, value, start in _words(text):
        if value == "{":
            if not opened and len(projecting) == 1:
                opened = True
                if projected:  # bind them in the solutions: a VALUES row opening the WHERE group
                    out.append(text[last : start + 1])
                    out.append(_values_row(projected, written))
                    last = start + 1
            projecting.append("")
            parens.append(0)
        elif value == "}":
            if len(projecting) > 1:
                projecting.pop()
                parens.pop()
            projecting[-1] = ""
        elif value == "(":
            parens[-1] += 1
        elif value == ")":
            parens[-1] = max(parens[-1] - 1, 0)
        elif kind == "word" and value in _PROJECTING:
            projecting[-1] = value
        elif kind == "word" and value in _CLAUSES:
            projecting[-1] = ""
        elif kind == "var" and value[1:] in written:
            if (projecting[-1] and parens[-1] == 0) or previous == "as":
                if not opened and previous != "as" and value[1:] not in projected:
                    projected.append(value[1:])
                elif projecting[-1] == "select" and len(projecting) > 1 and previous != "as":
                    # A subquery projecting the parameter: left out, for it is unbound there, and
                    # Virtuoso 7.2 joins nothing on an unbound projected variable.
                    out.append(text[last:start])
                    last = start + len(value)
                previous = value
                continue
            out.append(text[last:start])
            out.append(written[value[1:]])
            last = start + len(value)
        previous = value
    out.append(text[last:])
    return "".join(out)


def _values_row(names: list[str], written: Mapping[str, str]) -> str:
    return f" VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(written[n] for n in names)}) }}"


def _term(name: str, term: Term) -> str:
    if isinstance(term, ox.BlankNode):
        raise BadParameter(name, "a blank node cannot be sent to an external engine; give an IRI")
    return str(term)


def ascii_only(text: str) -> str:
    """``text`` with every non-ASCII character of its strings and IRIs written as a ``\\u`` escape.

    Virtuoso 7.2 reads a query's text as Latin-1 whatever the request says (a "€" in a string came back
    as "?"); the escapes mean the same characters to every engine (SPARQL 1.1, section 19.2). Comments
    and names keep their characters: a comment is not read, and no name of ours is outside ASCII.
    """
    if text.isascii():
        return text
    out: list[str] = []
    last = 0
    for kind, value, start in token_spans(text):
        if kind in ("string", "iri") and not value.isascii():
            out.append(text[last:start])
            out.append("".join(c if c.isascii() else _escape(c) for c in value))
            last = start + len(value)
    out.append(text[last:])
    return "".join(out)


def _escape(c: str) -> str:
    code = ord(c)
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"
