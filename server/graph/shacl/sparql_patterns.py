"""The triple patterns of a sh:sparql query, with the groups that hold them, for ``locality``.

Which patterns can share a variable follows the groups: not two branches of one UNION, and into an
EXISTS body only what the groups around it bind (``Scopes.joinable``).
"""

from __future__ import annotations

from dataclasses import dataclass

from server.graph.shacl.sparql_text import Token, matching, read_term, tokenize

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKIPPED_WORDS = (
    "OPTIONAL",
    "UNION",
    "MINUS",
    "GRAPH",
    "SERVICE",
    "SILENT",
    "NOT",
    "DISTINCT",
    "REDUCED",
    "WHERE",
)
MODIFIERS = ("GROUP", "BY", "HAVING", "ORDER", "ASC", "DESC", "LIMIT", "OFFSET")


@dataclass(frozen=True)
class Pattern:
    """A triple pattern with the groups that hold it (outermost first), for ``joinable``."""

    subject: str  # ``?var``, or a constant's SPARQL text
    predicate: str | None  # an IRI, or None for a variable
    object: str
    scope: tuple[int, ...]


@dataclass
class Scopes:
    """Which groups are branches of one UNION, and which are EXISTS bodies."""

    union_of: dict[int, int]
    exists: set[int]

    def joinable(self, a: Pattern, b: Pattern, var: str, patterns: list[Pattern]) -> bool:
        """Whether ``var`` in ``a`` and in ``b`` can be one binding: not across two branches of one
        UNION, and into an EXISTS body only when the groups around it bind the variable too."""
        if var == "?this":
            return True  # pre-bound: the same node in every group
        n = 0
        while n < min(len(a.scope), len(b.scope)) and a.scope[n] == b.scope[n]:
            n += 1
        if n == len(a.scope) or n == len(b.scope):
            return True
        x, y = a.scope[n], b.scope[n]
        if self.union_of.get(x) is not None and self.union_of.get(x) == self.union_of.get(y):
            return False
        if x in self.exists or y in self.exists:  # shared only if bound where both bodies see it
            common = a.scope[:n]
            return any(
                var in (p.subject, p.object) and p.scope[:n] == common and not self.exists & set(p.scope[n:])
                for p in patterns
            )
        return True


def triple_patterns(text: str, prefixes: dict[str, str]) -> tuple[list[Pattern], Scopes] | None:
    """Every triple pattern of a query, in any group (OPTIONAL, UNION, EXISTS...), with prefixed names
    expanded. None when a pattern cannot be read so (a property path, a blank node)."""
    code = [t for t in tokenize(text) if t.kind not in ("ws", "comment")]
    reader = _PatternReader(code, dict(prefixes))
    try:
        reader.read(0, len(code))
    except ValueError:
        return None
    return reader.found, Scopes(reader.union_of, reader.exists)


class _PatternReader:
    def __init__(self, code: list[Token], names: dict[str, str]) -> None:
        self.code, self.names = code, names
        self.found: list[Pattern] = []
        self.union_of: dict[int, int] = {}
        self.exists: set[int] = set()
        self.stack: list[int] = []
        self._groups = 0
        self._last_closed: int | None = None

    def read(self, i: int, end: int) -> None:
        code = self.code
        while i < end:
            t = code[i]
            if t.is_("PREFIX") and i + 2 < end:
                self.names[code[i + 1].text.rstrip(":")] = code[i + 2].text[1:-1]
                i += 3
            elif t.is_("SELECT"):
                while i < end and not code[i].is_("WHERE", "{"):
                    i += 1
            elif t.is_("{"):
                self._open(i)
                i += 1
            elif t.is_("}"):
                self._last_closed = self.stack.pop()
                i += 1
            elif t.is_("FILTER", "BIND") or t.is_(*MODIFIERS):
                i = self._skip(i + 1, end)
            elif t.is_(".", "UNION", "EXISTS") or t.is_(*SKIPPED_WORDS) or t.kind in ("var", "number"):
                if t.kind in ("var", "number") and not (i > 0 and code[i - 1].is_(*MODIFIERS)):
                    i = self._triples(i)
                else:
                    i += 1
            else:
                i = self._triples(i)

    def _open(self, i: int) -> None:
        self._groups += 1
        group = self._groups
        code = self.code
        if i > 0 and code[i - 1].is_("EXISTS"):
            self.exists.add(group)
        if i > 0 and code[i - 1].is_("UNION") and self._last_closed is not None:
            self.union_of[group] = self.union_of.setdefault(self._last_closed, self._last_closed)
        self.stack.append(group)

    def _skip(self, i: int, end: int) -> int:
        """Past a FILTER/BIND expression or a solution modifier; EXISTS groups inside are read."""
        code = self.code
        if i < end and code[i].is_("("):
            close = matching(code, i)
            j = i + 1
            while j < close:
                if code[j].is_("EXISTS") and code[j + 1].is_("{"):
                    inner = matching(code, j + 1)
                    self.read(j + 1, inner + 1)
                    j = inner + 1
                else:
                    j += 1
            return close + 1
        if i + 1 < end and code[i].is_("NOT") and code[i + 1].is_("EXISTS"):
            return i + 1
        if i < end and code[i].is_("EXISTS"):
            return i
        while i < end and (code[i].kind in ("var", "number") or code[i].is_(*MODIFIERS) or code[i].is_("(")):
            i = self._skip(i, end) if code[i].is_("(") else i + 1
        return i

    def _triples(self, i: int) -> int:
        code, scope = self.code, tuple(self.stack)
        subject, i = read_term(code, i)
        if subject is None:
            raise ValueError("not a triple pattern")
        while True:
            predicate, i = read_term(code, i, predicate=True)
            if predicate is None:
                raise ValueError("not a triple pattern")
            while True:
                obj, i = read_term(code, i)
                if obj is None:
                    raise ValueError("not a triple pattern")
                names = self.names
                self.found.append(
                    Pattern(_expand(subject, names), _predicate(predicate, names), _expand(obj, names), scope)
                )
                if i < len(code) and code[i].is_(","):
                    i += 1
                    continue
                break
            if i < len(code) and code[i].is_(";"):
                while i < len(code) and code[i].is_(";"):
                    i += 1
                if i < len(code) and not code[i].is_(".", "}", "FILTER", "OPTIONAL", "BIND", "{"):
                    continue
            return i


def _expand(t: Token, names: dict[str, str]) -> str:
    if t.kind == "var":
        return "?" + t.text[1:]
    if t.kind == "pname":
        prefix, _, local = t.text.partition(":")
        return f"<{names.get(prefix, prefix + ':')}{local}>"
    if t.kind == "literal" and "^^" in t.text and not t.text.endswith(">"):
        lexical, _, datatype = t.text.rpartition("^^")
        return lexical + "^^" + _expand(Token("pname", datatype), names)
    return t.text


def _predicate(t: Token, names: dict[str, str]) -> str | None:
    if t.kind == "var":
        return None
    if t.kind == "word":  # 'a'
        return RDF_TYPE
    return _expand(t, names)[1:-1]
