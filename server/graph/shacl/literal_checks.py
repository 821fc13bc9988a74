"""Checks on single values that follow rdflib's reading of literals, run as SPARQL custom functions.

pySHACL decides sh:datatype, sh:pattern, the range and the length constraints on rdflib terms: a
literal is ill-typed when rdflib cannot convert its lexical form, a pattern is matched with Python's
``re`` against rdflib's string of the value, ranges compare rdflib values. SPARQL's own functions
differ in corner cases (``$`` before a final newline, "1e5" as a decimal, ...), so these checks call
back into Python with the same rules; each distinct value is converted once (memoised), and only the
values the query reaches are converted, never the graph.
"""

from __future__ import annotations

import datetime
import logging
import re
import warnings
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

TRUE, FALSE = ox.Literal(True), ox.Literal(False)
NAMESPACE = "urn:smarthame:shacl:function:"
STRING = str(XSD.string)
Check = Callable[[Any], bool]


class Functions:
    """The custom functions one plan uses: each gets an IRI to call it by in the plan's SPARQL."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[Any, ...], str] = {}
        self._checks: dict[ox.NamedNode, Check] = {}

    def call(self, key: tuple[Any, ...], check: Check, var: str) -> str:
        """SPARQL text that is true where ``check`` holds for the value of ``var`` (false on an error)."""
        iri = self._by_key.get(key)
        if iri is None:
            iri = self._by_key[key] = f"{NAMESPACE}{len(self._by_key)}"
            self._checks[ox.NamedNode(iri)] = check
        return f"COALESCE(<{iri}>({var}), false)"

    @property
    def custom_functions(self) -> dict[ox.NamedNode, Callable[[Any], ox.Literal]]:
        """The functions for one run, each remembering its answers for that run only (a plan outlives its
        runs: the memos of a large import must not stay behind in the server)."""
        return {iri: _remembering(check) for iri, check in self._checks.items()}


def _remembering(check: Check) -> Callable[[Any], ox.Literal]:
    memo: dict[Any, ox.Literal] = {}

    def function(term: Any) -> ox.Literal:
        answer = memo.get(term)
        if answer is None:
            answer = memo[term] = TRUE if check(term) else FALSE
        return answer

    return function


@lru_cache(maxsize=65536)
def to_rdflib(term: Any) -> Any:
    """An oxigraph term as rdflib sees it in the pySHACL backend (xsd:string literals are plain)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    # rdflib logs a traceback for every ill-typed literal and warns about "weird booleans": the checks
    # report those, once, readably.
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return Literal(term.value, datatype=URIRef(term.datatype.value))
    finally:
        logger.setLevel(level)


def datatype_check(datatype: str) -> Check:
    """pySHACL's test for a literal whose datatype IRI is already ``datatype`` (the SPARQL guards that)."""

    def check(term: Any) -> bool:
        value = to_rdflib(term)
        if getattr(value, "ill_typed", None) is True:
            return False
        return _actual_datatype(value.value, datatype)

    return check


def _actual_datatype(value: Any, datatype: str) -> bool:
    expected: dict[str, type | tuple[type, ...]] = {
        str(XSD.string): (str, bytes),
        str(RDF.langString): (str, bytes),
        str(XSD.integer): int,
        str(XSD.float): float,
        str(XSD.decimal): Decimal,
        str(XSD.boolean): bool,
        str(XSD.date): datetime.date,
        str(XSD.time): datetime.time,
        str(XSD.dateTime): datetime.datetime,
    }
    kind = expected.get(datatype)
    return True if kind is None else isinstance(value, kind)  # pySHACL trusts datatypes it cannot check


def value_string(term: Any) -> str | None:
    """pySHACL's string of a value for patterns and lengths; None for blank nodes (which always fail)."""
    if isinstance(term, ox.NamedNode) or (
        isinstance(term, ox.Literal) and (term.language or term.datatype.value == STRING)
    ):
        return term.value  # what rdflib's str() gives, without building an rdflib term
    value = to_rdflib(term)
    if isinstance(value, BNode):
        return None
    if (
        isinstance(value, Literal)
        and value.value is not None
        and value.datatype in (None, RDF.langString, XSD.string)
    ):
        return str(value.value)
    return str(value)


def pattern_check(pattern: str, flags: str) -> Check:
    re_flags = (re.I if "i" in flags.lower() else 0) | (re.M if "m" in flags.lower() else 0)
    matcher = re.compile(pattern, re_flags)

    def check(term: Any) -> bool:
        text = value_string(term)
        return text is not None and matcher.search(text) is not None

    return check


def length_check(bound: int, at_least: bool) -> Check:
    def check(term: Any) -> bool:
        if at_least and bound == 0:
            return True  # pySHACL: a minimum length of zero passes even a blank node
        text = value_string(term)
        return text is not None and (len(text) >= bound if at_least else len(text) <= bound)

    return check


RANGE_TESTS: dict[str, Callable[[int], bool]] = {
    "MinInclusive": lambda cmp: cmp >= 0,
    "MinExclusive": lambda cmp: cmp > 0,
    "MaxInclusive": lambda cmp: cmp <= 0,
    "MaxExclusive": lambda cmp: cmp < 0,
}


def range_check(component: str, bound: ox.Literal) -> Check:
    """pySHACL's range test: IRIs and blank nodes fail, strings compare only with strings."""
    limit = to_rdflib(bound)
    passes = RANGE_TESTS[component]

    def check(term: Any) -> bool:
        value = to_rdflib(term)
        if not isinstance(value, Literal):
            return False
        if isinstance(value.value, str) != isinstance(limit.value, str):
            return False
        try:
            return passes(_compare(value, limit))
        except (TypeError, NotImplementedError):
            return False

    return check


def _compare(a: Literal, b: Literal) -> int:
    """pyshacl.rdfutil.compare.compare_literal, which declines rdflib's forced total order on datetimes."""
    if a.eq(b):
        return 0
    if type(a.value) in (datetime.datetime, datetime.time):
        return 0 if a.value == b.value else (1 if a.value > b.value else -1)
    return 1 if a > b else -1


def sparql_regex(pattern: str, flags: str) -> str | None:
    """The pattern rewritten for SPARQL's REGEX when it provably matches as Python's ``re`` does, else None.

    Only literal characters, character classes of literals and ranges, ``.``, repetition, groups,
    alternatives and the anchors ``^`` and ``$`` are accepted, and no flags: on a string without a
    newline, Python and oxigraph (Rust's regex crate) agree on all of these. ``\\w``, ``\\d``, ``\\s``,
    case folding, look-arounds and back-references differ between the two (Unicode tables, ``$``
    before a final newline), so they stay with Python. The rewrite is made from Python's own parse
    of the pattern, so no syntax of one engine reaches the other.
    """
    if flags:
        return None
    try:
        from re import _parser  # type: ignore[attr-defined]

        tree = _parser.parse(pattern)
        return _written(list(tree))
    except (ImportError, re.error, _NotPortable):
        return None


class _NotPortable(Exception):
    pass


_SPECIAL = set("\\^$.|?*+()[]{}")


def _char(code: int, in_class: bool = False) -> str:
    ch = chr(code)
    if code < 0x20 or code == 0x7F:
        raise _NotPortable
    if ch in _SPECIAL or (in_class and ch in "^-]"):
        return "\\" + ch
    return ch


def _written(items: list[Any]) -> str:
    from re import _constants as c  # type: ignore[attr-defined]

    out = []
    for op, arg in items:
        if op is c.LITERAL:
            out.append(_char(arg))
        elif op is c.NOT_LITERAL:
            out.append(f"[^{_char(arg, True)}]")
        elif op is c.ANY:
            out.append(".")
        elif op is c.IN:
            out.append(_class(arg))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, high, inner = arg
            body = f"(?:{_written(list(inner))})"
            bound = f"{{{low},}}" if high is c.MAXREPEAT else f"{{{low},{high}}}"
            out.append(body + bound + ("?" if op is c.MIN_REPEAT else ""))
        elif op is c.SUBPATTERN:
            _group, add_flags, del_flags, inner = arg
            if add_flags or del_flags:
                raise _NotPortable
            out.append(f"(?:{_written(list(inner))})")
        elif op is c.BRANCH:
            out.append("(?:" + "|".join(_written(list(b)) for b in arg[1]) + ")")
        elif op is c.AT and arg is c.AT_BEGINNING:
            out.append("^")
        elif op is c.AT and arg is c.AT_END:
            out.append("$")
        else:
            raise _NotPortable
    return "".join(out)


def _class(items: list[Any]) -> str:
    from re import _constants as c  # type: ignore[attr-defined]

    negate, parts = "", []
    for op, arg in items:
        if op is c.NEGATE:
            negate = "^"
        elif op is c.LITERAL:
            parts.append(_char(arg, True))
        elif op is c.RANGE:
            parts.append(f"{_char(arg[0], True)}-{_char(arg[1], True)}")
        else:
            raise _NotPortable
    if not parts:
        raise _NotPortable
    return f"[{negate}{''.join(parts)}]"
