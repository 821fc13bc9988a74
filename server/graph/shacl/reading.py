"""Turn shape nodes into ``Shape`` objects with their checked parameters.

Parameter checks mirror pySHACL's (a sh:minCount must be an xsd:integer literal, one sh:datatype per
shape, ...), so a shapes file that pySHACL refuses is refused here too, with the shape's name.
"""

from __future__ import annotations

import pyoxigraph as ox

from server.graph.shacl.paths import RDF_FIRST, REPEATS, Step
from server.graph.shacl.shapes import (
    COMPANIONS,
    IMPLEMENTED,
    RDF,
    RDFS,
    SH,
    VIOLATION,
    XSD,
    Constraint,
    Shape,
    ShapesGraph,
    SparqlSpec,
    Targets,
    Term,
    UnsupportedShape,
    refuse_global_features,
    shape_nodes,
)

INTEGER = XSD + "integer"
SINGLE_VALUED = {
    "datatype",
    "nodeKind",
    "minCount",
    "maxCount",
    "minLength",
    "maxLength",
    "languageIn",
    "uniqueLang",
}
SINGLE_VALUED |= {"in"}


class ShapeReader:
    """Reads each shape once; shapes refer to each other through sh:node, sh:or, sh:property..."""

    def __init__(self, g: ShapesGraph, rebase: dict[str, str]) -> None:
        self.g = g
        self._rebase = rebase
        self._shapes: dict[Term, Shape] = {}

    def roots(self) -> list[Shape]:
        """The shapes with targets, in a stable order (all shapes are read, so every one is checked)."""
        refuse_global_features(self.g)
        shapes = [self.shape(n) for n in shape_nodes(self.g)]
        return [s for s in shapes if s.targets]

    def shape(self, node: Term) -> Shape:
        if node in self._shapes:
            return self._shapes[node]
        g = self.g
        label = g.label(node)
        if not isinstance(node, ox.NamedNode | ox.BlankNode):
            raise UnsupportedShape(label, "a literal cannot be a shape")
        paths = g.objects(node, SH + "path")
        if len(paths) > 1:
            raise UnsupportedShape(label, "a shape can have only one sh:path")
        severity = self._one(node, "severity", label)
        shape = Shape(
            node=node,
            label=label,
            path=read_path(g, paths[0], label) if paths else None,
            severity=severity.value if isinstance(severity, ox.NamedNode) else VIOLATION,
            messages=tuple(m for m in g.objects(node, SH + "message") if isinstance(m, ox.Literal)),
            deactivated=self._flag(node, "deactivated", label),
            targets=self._targets(node),
        )
        self._shapes[node] = shape  # before the parameters, so that a cycle finds it (and is refused later)
        for p in g.predicates(node):
            if not p.startswith(SH):
                continue
            name = p[len(SH) :]
            if name in IMPLEMENTED:
                shape.constraints.extend(self._constraints(shape, name))
            elif name not in COMPANIONS:
                raise UnsupportedShape(label, f"sh:{name} is not implemented")
        shape.properties = [self.shape(p) for p in g.objects(node, SH + "property")]
        shape.sparql = [self._sparql(shape, c) for c in g.objects(node, SH + "sparql")]
        return shape

    def _targets(self, node: Term) -> Targets:
        g = self.g
        classes = [c for c in g.objects(node, SH + "targetClass") if isinstance(c, ox.NamedNode)]
        class_types = {
            ox.NamedNode(RDFS + "Class"),
            *g.subjects(RDFS + "subClassOf", ox.NamedNode(RDFS + "Class")),
        }
        if isinstance(node, ox.NamedNode) and any(t in class_types for t in g.objects(node, RDF + "type")):
            classes.append(node)  # an implicit class target
        return Targets(
            classes=tuple(classes),
            nodes=tuple(g.objects(node, SH + "targetNode")),
            subjects_of=tuple(
                p for p in g.objects(node, SH + "targetSubjectsOf") if isinstance(p, ox.NamedNode)
            ),
            objects_of=tuple(
                p for p in g.objects(node, SH + "targetObjectsOf") if isinstance(p, ox.NamedNode)
            ),
        )

    def _constraints(self, shape: Shape, name: str) -> list[Constraint]:
        g, node, label = self.g, shape.node, shape.label
        values = g.objects(node, SH + name)
        component = IMPLEMENTED[name]
        if name in ("node", "not"):
            return [Constraint(component, shapes=(self.shape(v),)) for v in values]
        if name in ("or", "and", "xone"):
            return [
                Constraint(component, shapes=tuple(self.shape(s) for s in g.items(v, label))) for v in values
            ]
        if name == "qualifiedValueShape":
            return self._qualified(shape, values)
        if name in SINGLE_VALUED and len(values) != 1:
            raise UnsupportedShape(label, f"sh:{name} must have exactly one value")
        if name in ("minCount", "maxCount", "minLength", "maxLength"):
            return [Constraint(component, (self._count(values[0], name, label),))]
        if name == "uniqueLang":
            if not (isinstance(values[0], ox.Literal) and values[0].value == "true"):
                raise UnsupportedShape(label, "sh:uniqueLang other than true means nothing; remove it")
            return [Constraint(component)]
        if name in ("in", "languageIn"):
            items = tuple(g.items(values[0], label))
            if any(isinstance(i, ox.BlankNode) for i in items):
                raise UnsupportedShape(label, f"sh:{name} with a blank node cannot be written as SPARQL")
            return [Constraint(component, items)]
        if name == "pattern":
            flags = g.value(node, SH + "flags")
            patterns = [v for v in values if isinstance(v, ox.Literal)]
            if len(patterns) != len(values):
                raise UnsupportedShape(label, "sh:pattern must be a literal")
            return [Constraint(component, (p.value, flags.value if flags else "")) for p in patterns]
        if name == "hasValue":
            if any(isinstance(v, ox.BlankNode) for v in values):
                raise UnsupportedShape(label, "sh:hasValue with a blank node cannot be written as SPARQL")
            return [Constraint(component, (v,)) for v in values]
        return [Constraint(component, tuple(values))]

    def _qualified(self, shape: Shape, values: list[Term]) -> list[Constraint]:
        label = shape.label
        disjoint = self.g.value(shape.node, SH + "qualifiedValueShapesDisjoint")
        if isinstance(disjoint, ox.Literal) and disjoint.value == "true":
            raise UnsupportedShape(label, "sh:qualifiedValueShapesDisjoint is not implemented")
        bounds = []
        for name in ("qualifiedMinCount", "qualifiedMaxCount"):
            found = self.g.objects(shape.node, SH + name)
            if len(found) > 1:
                raise UnsupportedShape(label, f"sh:{name} must have at most one value")
            bounds.append(self._count(found[0], name, label) if found else None)
        if bounds == [None, None]:
            raise UnsupportedShape(
                label, "sh:qualifiedValueShape needs sh:qualifiedMinCount or sh:qualifiedMaxCount"
            )
        return [Constraint("QualifiedValueShape", tuple(bounds), shapes=(self.shape(v),)) for v in values]

    def _sparql(self, shape: Shape, node: Term) -> SparqlSpec:
        g, label = self.g, shape.label
        if shape.is_property:
            raise UnsupportedShape(label, "sh:sparql on a property shape ($PATH) is not implemented")
        selects = g.objects(node, SH + "select")
        if len(selects) != 1 or not isinstance(selects[0], ox.Literal):
            raise UnsupportedShape(label, "a sh:sparql constraint needs exactly one sh:select string")
        if g.objects(node, SH + "ask"):
            raise UnsupportedShape(label, "sh:ask validators are not implemented")
        if self._flag(node, "deactivated", label):
            raise UnsupportedShape(label, "a deactivated sh:sparql constraint is not implemented; remove it")
        return SparqlSpec(
            node=node,  # type: ignore[arg-type]
            select=self._rebased(selects[0].value),
            messages=tuple(m for m in g.objects(node, SH + "message") if isinstance(m, ox.Literal)),
            prefixes=tuple(self._prefixes(node, label).items()),
        )

    def _prefixes(self, constraint: Term, label: str) -> dict[str, str]:
        """pySHACL's rule: an owl:Ontology's own sh:declare, else every ontology's plus the node's."""
        g = self.g
        ontologies = set(g.subjects(RDF + "type", ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")))
        everywhere = [d for o in ontologies for d in g.objects(o, SH + "declare")]
        found: dict[str, str] = {}
        for holder in g.objects(constraint, SH + "prefixes"):
            own = g.objects(holder, SH + "declare")
            for declaration in own if own and holder in ontologies else [*everywhere, *own]:
                prefix, namespace = (
                    g.value(declaration, SH + "prefix"),
                    g.value(declaration, SH + "namespace"),
                )
                if not isinstance(prefix, ox.Literal) or not isinstance(namespace, ox.Literal):
                    raise UnsupportedShape(label, "every sh:declare needs one sh:prefix and one sh:namespace")
                found[prefix.value] = self._rebased(namespace.value)
        return found

    def _rebased(self, text: str) -> str:
        for old, new in self._rebase.items():
            text = text.replace(old, new)
        return text

    def _one(self, node: Term, name: str, label: str) -> Term | None:
        values = self.g.objects(node, SH + name)
        if len(values) > 1:
            raise UnsupportedShape(label, f"sh:{name} must have at most one value")
        return values[0] if values else None

    def _flag(self, node: Term, name: str, label: str) -> bool:
        value = self._one(node, name, label)
        return isinstance(value, ox.Literal) and value.value in ("true", "1")

    @staticmethod
    def _count(value: Term, name: str, label: str) -> int:
        if not (isinstance(value, ox.Literal) and value.datatype.value == INTEGER and value.value.isdigit()):
            raise UnsupportedShape(label, f"sh:{name} must be a non-negative xsd:integer")
        return int(value.value)


def read_path(g: ShapesGraph, node: ox.NamedNode | ox.BlankNode | ox.Literal, where: str) -> Step:
    """The path tree of ``node``; raises UnsupportedShape (naming ``where``) when it is no SHACL path."""
    if isinstance(node, ox.NamedNode):
        return Step("iri", iri=node.value)
    if isinstance(node, ox.BlankNode):
        if g.objects(node, RDF_FIRST):
            items = g.items(node, where)
            if len(items) < 2:
                raise UnsupportedShape(where, "a sequence path (an RDF list) needs at least two members")
            return Step("sequence", parts=tuple(read_path(g, i, where) for i in items))
        if (inverse := g.value(node, SH + "inversePath")) is not None:
            return Step("inverse", parts=(read_path(g, inverse, where),))
        if (alternatives := g.value(node, SH + "alternativePath")) is not None:
            items = g.items(alternatives, where)
            return Step("alternative", parts=tuple(read_path(g, i, where) for i in items))
        for name, symbol in REPEATS.items():
            if (inner := g.value(node, SH + name)) is not None:
                return Step(symbol, parts=(read_path(g, inner, where),))
    raise UnsupportedShape(where, f"sh:path {node} is not a SHACL property path")
