"""Read a SHACL shapes graph into ``Shape`` objects, refusing every feature the compiler does not implement.

Which nodes are shapes follows pySHACL: nodes typed sh:NodeShape or sh:PropertyShape, subjects of a
target, sh:property or sh:node, and the values of the shape-expecting parameters. A shape with a
``sh:path`` is a property shape. Shapes with targets (explicit, or implicit: a shape that is also an
rdfs:Class) are the roots of validation; their sh:property shapes are reported too.

Anything on a shape in the SHACL namespace that is neither implemented nor purely descriptive raises
``UnsupportedShape`` naming the shape and the feature, so a growing shapes file never loses a check
silently: ``smarthame validate --validator pyshacl`` runs the reference instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from server.errors import DataError
from server.graph.shacl.paths import RDF_FIRST, Step

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
VIOLATION, WARNING, INFO = SH + "Violation", SH + "Warning", SH + "Info"
Term = ox.NamedNode | ox.BlankNode | ox.Literal

# Parameter -> component local name, for the constraints the compiler implements.
IMPLEMENTED = {
    "class": "Class", "datatype": "Datatype", "nodeKind": "NodeKind", "minCount": "MinCount",
    "maxCount": "MaxCount", "minInclusive": "MinInclusive", "maxInclusive": "MaxInclusive",
    "minExclusive": "MinExclusive", "maxExclusive": "MaxExclusive", "minLength": "MinLength",
    "maxLength": "MaxLength", "pattern": "Pattern", "languageIn": "LanguageIn", "uniqueLang": "UniqueLang",
    "in": "In", "hasValue": "HasValue", "node": "Node", "or": "Or", "and": "And", "not": "Not",
    "xone": "Xone", "qualifiedValueShape": "QualifiedValueShape",
}  # fmt: skip
# Read with another parameter, or descriptive only (no validation of their own).
COMPANIONS = {
    "flags", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "property", "sparql",
    "path", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "severity", "message",
    "deactivated", "name", "description", "order", "group", "defaultValue", "declare", "prefixes",
}  # fmt: skip
SHAPE_EXPECTING = ("property", "node", "not", "qualifiedValueShape")
LIST_OF_SHAPES = ("and", "or", "xone")


class UnsupportedShape(DataError):
    """A shape uses a SHACL feature the fast validator does not implement (or a malformed one)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(
            f"The SHACL shapes could not be run by the fast validator: {where}: {problem}. "
            "Run the reference with --validator pyshacl (setting SMARTHAME_VALIDATOR=pyshacl), "
            "or implement the feature in server/graph/shacl/."
        )


@dataclass(frozen=True)
class Targets:
    classes: tuple[ox.NamedNode, ...] = ()
    nodes: tuple[Term, ...] = ()
    subjects_of: tuple[ox.NamedNode, ...] = ()
    objects_of: tuple[ox.NamedNode, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.classes or self.nodes or self.subjects_of or self.objects_of)


@dataclass(frozen=True)
class SparqlSpec:
    """One sh:sparql constraint: its SELECT text (already rebased), messages and prefixes."""

    node: ox.NamedNode | ox.BlankNode
    select: str
    messages: tuple[ox.Literal, ...]
    prefixes: tuple[tuple[str, str], ...]


@dataclass(eq=False)
class Constraint:
    """One constraint of a shape: ``component`` is the local name (``Class``, ``MinCount``…)."""

    component: str
    values: tuple[object, ...] = ()
    shapes: tuple[Shape, ...] = ()


@dataclass(eq=False)
class Shape:
    node: ox.NamedNode | ox.BlankNode
    label: str
    path: Step | None
    severity: str
    messages: tuple[ox.Literal, ...]
    deactivated: bool
    targets: Targets
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    sparql: list[SparqlSpec] = field(default_factory=list)

    @property
    def iri(self) -> str | None:
        return self.node.value if isinstance(self.node, ox.NamedNode) else None

    @property
    def is_property(self) -> bool:
        return self.path is not None


class ShapesGraph:
    """The shapes triples, indexed both ways: small (a few thousand triples), so plain dicts."""

    def __init__(self, triples: Iterable[ox.Triple | ox.Quad], prefixes: dict[str, str]) -> None:
        self._out: dict[Term, dict[str, list[Term]]] = {}
        self._in: dict[str, dict[Term, list[Term]]] = {}
        self._prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
        for t in triples:
            if isinstance(t.subject, ox.Triple) or isinstance(t.object, ox.Triple):
                raise UnsupportedShape(str(t.subject), "RDF-star triples in the shapes graph are not read")
            p = t.predicate.value
            self._out.setdefault(t.subject, {}).setdefault(p, []).append(t.object)
            self._in.setdefault(p, {}).setdefault(t.object, []).append(t.subject)

    def objects(self, s: Term, p: str | ox.NamedNode) -> list[Term]:
        return self._out.get(s, {}).get(p if isinstance(p, str) else p.value, [])

    def value(self, s: Term, p: str) -> Term | None:
        values = self.objects(s, p)
        return values[0] if values else None

    def predicates(self, s: Term) -> list[str]:
        return list(self._out.get(s, {}))

    def subjects(self, p: str, o: Term | None = None) -> list[Term]:
        by_object = self._in.get(p, {})
        if o is not None:
            return list(by_object.get(o, []))
        return [s for subjects in by_object.values() for s in subjects]

    def values_of(self, p: str) -> list[Term]:
        return list(self._in.get(p, {}))

    def items(self, node: Term, where: str) -> list[Term]:
        """The members of an RDF list; UnsupportedShape if it is not one."""
        items, seen = [], set()
        while node != ox.NamedNode(RDF + "nil"):
            first = self.objects(node, RDF_FIRST)
            rest = self.objects(node, RDF + "rest")
            if len(first) != 1 or len(rest) != 1 or node in seen:
                raise UnsupportedShape(where, f"{node} is not a well-formed RDF list")
            seen.add(node)
            items.append(first[0])
            node = rest[0]
        return items

    def label(self, node: Term) -> str:
        if isinstance(node, ox.NamedNode):
            for prefix, ns in self._prefixes:
                if node.value.startswith(ns) and node.value != ns:
                    return f"{prefix}:{node.value[len(ns) :]}"
            return str(node)
        referrer = next(iter(s for subjects in self._referrers(node) for s in subjects), None)
        return (
            f"a blank-node shape of {self.label(referrer)}" if referrer is not None else "a blank-node shape"
        )

    def _referrers(self, node: Term) -> Iterable[list[Term]]:
        return (by_object[node] for by_object in self._in.values() if node in by_object)


def shape_nodes(g: ShapesGraph) -> list[ox.NamedNode | ox.BlankNode]:
    """Every node pySHACL would take as a shape, in a stable order."""
    found: dict[Term, None] = {}
    for kind in ("NodeShape", "PropertyShape"):
        found.update(dict.fromkeys(g.subjects(RDF + "type", ox.NamedNode(SH + kind))))
    for p in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "property", "node"):
        found.update(dict.fromkeys(g.subjects(SH + p)))
    for p in SHAPE_EXPECTING:
        found.update(dict.fromkeys(g.values_of(SH + p)))
    for p in LIST_OF_SHAPES:
        for lst in g.values_of(SH + p):
            found.update(dict.fromkeys(g.items(lst, f"the sh:{p} list {lst}")))
    return [n for n in found if isinstance(n, ox.NamedNode | ox.BlankNode)]


def refuse_global_features(g: ShapesGraph) -> None:
    """Features that change validation for every shape: custom components, SHACL-AF targets and rules."""
    for kind in (
        "ConstraintComponent",
        "SPARQLTarget",
        "SPARQLTargetType",
        "JSTarget",
        "SPARQLRule",
        "JSRule",
    ):
        for node in g.subjects(RDF + "type", ox.NamedNode(SH + kind)):
            raise UnsupportedShape(g.label(node), f"sh:{kind} is not implemented")
    for node in g.values_of(SH + "parameter")[:1]:
        raise UnsupportedShape(
            g.label(node), "custom constraint components (sh:parameter) are not implemented"
        )
