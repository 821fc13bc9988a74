"""Constraints as SPARQL boolean expressions: "does the value bound to ?v pass", "does ?x conform".

The expression for a whole shape is what sh:node, sh:or, sh:and, sh:not, sh:xone and
sh:qualifiedValueShape need. It follows pySHACL's two notions of conformance (with warnings allowed,
as ``server.graph.validation`` runs it):

- ``CONFORMS`` (sh:or, sh:and, sh:not, sh:xone, sh:qualifiedValueShape): a shape whose severity is
  sh:Warning or sh:Info always conforms; otherwise every constraint holds, sh:property shapes
  recursively in the same sense.
- ``NO_RESULTS`` (sh:node): the shape gives no result of any severity.

Every EXISTS body starts from the bound node (oxigraph plans EXISTS bodies without the outer
bindings, see ``sparql_text``), and every test is false, never an error, on a value of the wrong kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyoxigraph as ox

from server.graph.shacl import literal_checks as lc
from server.graph.shacl.paths import Step
from server.graph.shacl.shapes import INFO, RDF, RDFS, SH, WARNING, XSD, Constraint, Shape, UnsupportedShape

CONFORMS, NO_RESULTS = "conforms", "no-results"
ALLOWED_SEVERITIES = {WARNING, INFO}
TYPE = f"<{RDF}type>"
# Instances of classes and their subclasses in the data graph (rdfs:subClassOf*) are written as a mark
# that the run fills in once it knows the subclasses: `?x rdf:type <C>` (or a VALUES list of them) is
# 3 to 5 times faster than the path `?x rdf:type/rdfs:subClassOf* <C>` (measured, 10,000 projects).
# "test" marks an expression (is ?x an instance), "enum" a pattern (bind ?x to each instance).
# Only generated text holds marks.
CLASS_MARK_PATTERN = "\u27ea(test|enum) (\\S+) ([^\u27eb]+)\u27eb"


def class_mark(kind: str, var: str, classes: Iterable[ox.NamedNode]) -> str:
    return f"\u27ea{kind} {var} {' '.join(c.value for c in classes)}\u27eb"


SET_LEVEL = {"MinCount", "MaxCount", "HasValue", "UniqueLang", "QualifiedValueShape"}
MAX_NESTED_COUNT = 4  # counts inside sh:or/sh:node are written as that many distinct values, pairwise
NODE_KINDS = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}


def term(t: object) -> str:
    """An RDF term as SPARQL text (N-Triples syntax is valid SPARQL)."""
    return str(t)


class Expressions:
    def __init__(self, functions: lc.Functions) -> None:
        self.functions = functions
        self._vars = 0

    def fresh(self) -> str:
        self._vars += 1
        return f"?_v{self._vars}"

    def conforms(self, shape: Shape, x: str, mode: str, stack: tuple[Shape, ...] = ()) -> str:
        """True where the node bound to ``x`` conforms to ``shape`` in the sense of ``mode``."""
        if shape in stack:
            raise UnsupportedShape(
                shape.label, "recursive shapes are not implemented (SHACL leaves them undefined)"
            )
        if shape.deactivated or (mode == CONFORMS and shape.severity in ALLOWED_SEVERITIES):
            return "true"
        if shape.sparql:
            raise UnsupportedShape(
                shape.label, "sh:sparql inside sh:node, sh:or and the like is not implemented"
            )
        stack = (*stack, shape)
        if shape.path is None:
            parts = [self.value_test(c, shape, x, stack) for c in shape.constraints]
            parts += [self.conforms(p, x, mode, stack) for p in shape.properties]
        else:
            parts = self._property_parts(shape, x, mode, stack)
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def _property_parts(self, shape: Shape, x: str, mode: str, stack: tuple[Shape, ...]) -> list[str]:
        path = _path_of(shape).sparql
        v = self.fresh()
        tests = [
            self.value_test(c, shape, v, stack) for c in shape.constraints if c.component not in SET_LEVEL
        ]
        tests += [self.conforms(p, v, mode, stack) for p in shape.properties]
        parts = [f"NOT EXISTS {{ {x} {path} {v} FILTER(!({' && '.join(tests)})) }}"] if tests else []
        parts += [self.set_test(c, shape, x, stack) for c in shape.constraints if c.component in SET_LEVEL]
        return parts

    def value_test(self, c: Constraint, shape: Shape, v: str, stack: tuple[Shape, ...] = ()) -> str:
        """True where the value bound to ``v`` passes the value-level constraint ``c``."""
        kind = c.component
        if kind in SET_LEVEL:
            if kind == "HasValue" and shape.path is None:
                return f"sameTerm({v}, {term(c.values[0])})"
            raise UnsupportedShape(
                shape.label, f"sh:{kind[0].lower() + kind[1:]} on a node shape is not implemented"
            )
        if kind == "Class":
            return " && ".join(class_mark("test", v, [k]) for k in self._iris(c, shape))
        if kind == "Datatype":
            return self._datatype(self._iris(c, shape)[0], v)
        if kind == "NodeKind":
            local = self._iris(c, shape)[0].value.removeprefix(SH)
            if local not in NODE_KINDS:
                raise UnsupportedShape(shape.label, f"sh:nodeKind {c.values[0]} is no SHACL node kind")
            return NODE_KINDS[local].format(v=v)
        if kind == "In":
            return "(" + (" || ".join(f"sameTerm({v}, {term(i)})" for i in c.values) or "false") + ")"
        if kind == "LanguageIn":
            return self._language_in(c, shape, v)
        if kind == "Pattern":
            return self._pattern(str(c.values[0]), str(c.values[1]), v)
        if kind in lc.RANGE_TESTS:
            bound = c.values[0]
            if not isinstance(bound, ox.Literal):
                raise UnsupportedShape(shape.label, f"the bound of sh:{kind} must be a literal")
            return self.functions.call((kind, bound), lc.range_check(kind, bound), v)
        if kind in ("MinLength", "MaxLength"):
            n = int(c.values[0])  # type: ignore[call-overload]
            return self.functions.call((kind, n), lc.length_check(n, kind == "MinLength"), v)
        return self._logical(c, shape, v, stack)

    def _logical(self, c: Constraint, shape: Shape, v: str, stack: tuple[Shape, ...]) -> str:
        kind = c.component
        if kind == "Node":
            [target] = c.shapes
            if target.is_property:
                raise UnsupportedShape(shape.label, f"sh:node names a property shape ({target.label})")
            return self.conforms(target, v, NO_RESULTS, stack)
        members = [self.conforms(s, v, CONFORMS, stack) for s in c.shapes]
        if kind == "Not":
            return f"!{members[0]}"
        if kind == "And":
            return "(" + " && ".join(members) + ")" if members else "true"
        if kind == "Or":
            return "(" + " || ".join(members) + ")" if members else "false"
        if kind == "Xone":
            return "((" + " + ".join(f"IF({m}, 1, 0)" for m in members) + ") = 1)"
        raise UnsupportedShape(shape.label, f"sh:{kind} is not implemented")

    def set_test(self, c: Constraint, shape: Shape, x: str, stack: tuple[Shape, ...] = ()) -> str:
        """True where the values of ``x`` along the property shape's path pass ``c``."""
        path, kind = _path_of(shape).sparql, c.component
        if kind == "MinCount":
            return self.distinct_values(x, path, int(c.values[0]), shape) if c.values[0] else "true"  # type: ignore[call-overload]
        if kind == "MaxCount":
            return "!" + self.distinct_values(x, path, int(c.values[0]) + 1, shape)  # type: ignore[call-overload]
        if kind == "HasValue":
            return f"EXISTS {{ {x} {path} {term(c.values[0])} }}"
        if kind == "UniqueLang":
            a, b = self.fresh(), self.fresh()
            return f"NOT EXISTS {{ {x} {path} {a} . {x} {path} {b} FILTER({same_language(a, b)}) }}"
        low, high = c.values
        [qualified] = c.shapes

        def conform(var: str) -> str:
            return self.conforms(qualified, var, CONFORMS, (*stack, shape))

        parts = []
        if low:
            parts.append(self.distinct_values(x, path, int(low), shape, conform))  # type: ignore[call-overload]
        if high is not None:
            parts.append("!" + self.distinct_values(x, path, int(high) + 1, shape, conform))  # type: ignore[call-overload]
        return " && ".join(parts) or "true"

    def distinct_values(
        self, x: str, path: str, n: int, shape: Shape, condition: Callable[[str], str] | None = None
    ) -> str:
        """EXISTS n distinct values of ``x`` along ``path`` (each meeting ``condition``)."""
        if n > MAX_NESTED_COUNT:
            raise UnsupportedShape(shape.label, f"a count above {MAX_NESTED_COUNT} inside sh:node or sh:or")
        vs = [self.fresh() for _ in range(n)]
        tests = [f"!sameTerm({a}, {b})" for i, a in enumerate(vs) for b in vs[i + 1 :]]
        tests += [condition(v) for v in vs] if condition else []
        patterns = " . ".join(f"{x} {path} {v}" for v in vs)
        where = f"FILTER({' && '.join(tests)})" if tests else ""
        return f"EXISTS {{ {patterns} {where} }}"

    def _pattern(self, pattern: str, flags: str, v: str) -> str:
        """Python's ``re`` decides (pySHACL's reading); SPARQL's REGEX answers instead where the two
        provably agree: a portable pattern on a string or IRI without a newline (a Python call per
        value cost 1 s of 34 at 100,000 projects for the register codes alone; measured)."""
        check = self.functions.call(("pattern", pattern, flags), lc.pattern_check(pattern, flags), v)
        portable = lc.sparql_regex(pattern, flags)
        if portable is None:
            return check
        text_like = f'isIRI({v}) || (isLiteral({v}) && (LANG({v}) != "" || DATATYPE({v}) = <{XSD}string>))'
        guard = f'({text_like}) && !CONTAINS(STR({v}), "\\n")'
        return f"IF({guard}, REGEX(STR({v}), {term(ox.Literal(portable))}), {check})"

    def _datatype(self, datatype: ox.NamedNode, v: str) -> str:
        iri = datatype.value
        if iri == RDF + "langString":
            return f'(isLiteral({v}) && LANG({v}) != "")'
        if iri == XSD + "string":
            return f"(isLiteral({v}) && DATATYPE({v}) = <{iri}>)"
        if iri == RDFS + "Literal":
            return f"isLiteral({v})"
        if iri == RDFS + "Datatype":  # rdflib gives every literal but plain and tagged ones a datatype
            return f'(isLiteral({v}) && LANG({v}) = "" && DATATYPE({v}) != <{XSD}string>)'
        # A literal oxigraph reads as a valid value of its datatype is one rdflib reads too (dates only
        # within Python's years 1-9999), so Python is asked only about the others: the few that matter.
        valid = f"sameTerm(<{iri}>(STR({v})), {v})"
        if iri in (XSD + "date", XSD + "dateTime"):
            valid += f" && YEAR({v}) >= 1 && YEAR({v}) <= 9999"
        check = self.functions.call(("datatype", iri), lc.datatype_check(iri), v)
        return f"(isLiteral({v}) && DATATYPE({v}) = <{iri}> && (COALESCE({valid}, false) || {check}))"

    def _language_in(self, c: Constraint, shape: Shape, v: str) -> str:
        if not all(isinstance(t, ox.Literal) and not t.language for t in c.values):
            raise UnsupportedShape(shape.label, "every member of sh:languageIn must be a plain string")
        wanted = sorted({t.value.lower() for t in c.values})  # type: ignore[attr-defined]
        tagged = f'isLiteral({v}) && LANG({v}) != ""'
        if "*" in wanted:
            return f"({tagged})"
        listed = ", ".join(term(ox.Literal(w)) for w in wanted)
        # pySHACL's reading: the whole tag, or its first subtag, is in the list (case-insensitive).
        first = f'LCASE(STRBEFORE(CONCAT(LANG({v}), "-"), "-"))'
        return f"({tagged} && (LCASE(LANG({v})) IN ({listed}) || {first} IN ({listed})))"

    @staticmethod
    def _iris(c: Constraint, shape: Shape) -> list[ox.NamedNode]:
        if not all(isinstance(t, ox.NamedNode) for t in c.values):
            raise UnsupportedShape(
                shape.label, f"sh:{c.component[0].lower() + c.component[1:]} must name IRIs"
            )
        return list(c.values)  # type: ignore[arg-type]


def _path_of(shape: Shape) -> Step:
    if shape.path is None:
        raise UnsupportedShape(shape.label, "a count or value-set constraint needs a property shape")
    return shape.path


def same_language(a: str, b: str) -> str:
    """Two distinct tagged literals with the same language tag (case-insensitive), as pySHACL compares."""
    return (
        f'!sameTerm({a}, {b}) && isLiteral({a}) && isLiteral({b}) && LANG({a}) != "" '
        f"&& LCASE(LANG({a})) = LCASE(LANG({b}))"
    )
