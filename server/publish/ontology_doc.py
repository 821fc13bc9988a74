"""Documentation pages generated from the ontology and shapes graphs themselves.

``ontology_doc`` reads ``graph/ontology``: the ontology's title and description, its classes and
properties (labels, definitions, super-terms, domains, ranges, alignments to other vocabularies) and
the concept schemes it carries. ``shapes_doc`` reads ``graph/shapes``: each node shape, its target and
the constraints on each path. Nothing is written by hand, so the page cannot drift from the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from server.graph.vocabulary import DCT, OWL, RDF, RDFS, SH, SKOS, graph_iri, ontology_ns, shapes_ns
from server.publish.labels import Labeller, Value, best_literal

# Relations to other vocabularies, shown as "alignments" (subclass and subproperty have their own rows).
ALIGNMENTS = tuple(OWL + p for p in ("equivalentClass", "equivalentProperty", "sameAs")) + tuple(
    SKOS + p for p in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
)
PROPERTY_KINDS = (
    ("object_properties", OWL + "ObjectProperty"),
    ("datatype_properties", OWL + "DatatypeProperty"),
    ("other_properties", OWL + "AnnotationProperty"),
    ("other_properties", RDF + "Property"),
)
# Shape constraints shown, in this order; the rest of a property shape is in its RDF.
CONSTRAINTS = (
    "minCount",
    "maxCount",
    "datatype",
    "class",
    "nodeKind",
    "node",
    "pattern",
    "minInclusive",
    "maxInclusive",
    "minExclusive",
    "maxExclusive",
    "minLength",
    "maxLength",
    "hasValue",
    "in",
    "languageIn",
    "uniqueLang",
    "qualifiedMinCount",
    "qualifiedMaxCount",
    "severity",
)
NESTED = ("qualifiedValueShape",)  # blank-node shapes whose constraints are shown inline


@dataclass
class TermDoc:
    anchor: str
    term: Value
    definition: str | None
    labels: list[tuple[str, str]] = field(default_factory=list)  # (language, label), fi/sv/en first
    parents: list[Value] = field(default_factory=list)
    domain: list[Value] = field(default_factory=list)
    range: list[Value] = field(default_factory=list)
    alignments: list[tuple[str, Value]] = field(default_factory=list)  # (relation, target)
    members: list[TermDoc] = field(default_factory=list)  # a scheme's concepts


@dataclass
class OntologyDoc:
    iri: str
    title: str
    description: str | None
    version: str | None
    sections: list[tuple[str, list[TermDoc]]]  # (message key, terms)


@dataclass
class ConstraintDoc:
    """One property shape (or SPARQL constraint) of a node shape."""

    shape: Value | None  # the property shape when it has an IRI of its own
    anchor: str | None  # its id on the page (only where it first appears: shapes share property shapes)
    name: str | None
    path: str
    constraints: list[tuple[str, str]]
    message: str | None


@dataclass
class ShapeDoc:
    anchor: str
    shape: Value
    name: str | None
    targets: list[tuple[str, Value]]  # (target kind, class or property)
    message: str | None
    properties: list[ConstraintDoc]


class _Reader:
    """Pattern lookups inside one named graph, with labels in the reader's language."""

    def __init__(self, store: ox.Store, graph: str, lang: str, base: str) -> None:
        self.store = store
        self.graph = ox.NamedNode(graph)
        self.labeller = Labeller(store, lang, base)

    def objects(
        self, subject: ox.NamedNode | ox.BlankNode, predicate: str
    ) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        found = self.store.quads_for_pattern(subject, ox.NamedNode(predicate), None, self.graph)
        # The ontology and shapes graphs quote no triples (RDF-star); such an object would be left out.
        return sorted({q.object for q in found if not isinstance(q.object, ox.Triple)}, key=str)

    def subjects(self, predicate: str, obj: str) -> list[ox.NamedNode]:
        found = self.store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(obj), self.graph)
        return sorted(
            {q.subject for q in found if isinstance(q.subject, ox.NamedNode)}, key=lambda n: n.value
        )

    def text(self, subject: ox.NamedNode | ox.BlankNode, *predicates: str) -> str | None:
        for p in predicates:
            literals = [o for o in self.objects(subject, p) if isinstance(o, ox.Literal)]
            if literals:
                return best_literal(literals, self.labeller.lang).value
        return None

    def values(self, subject: ox.NamedNode | ox.BlankNode, predicate: str) -> list[Value]:
        return [
            self.labeller.value(o) for o in self.objects(subject, predicate) if isinstance(o, ox.NamedNode)
        ]


def ontology_doc(store: ox.Store, base: str, lang: str) -> OntologyDoc:
    """The documentation of the ontology in ``lang``."""
    r = _Reader(store, graph_iri("ontology", base), lang, base)
    ns = ontology_ns(base)
    onto = next(iter(r.subjects(RDF + "type", OWL + "Ontology")), ox.NamedNode(ns.rstrip("/")))
    classes = [_term(r, c, ns) for c in r.subjects(RDF + "type", OWL + "Class")]
    sections: list[tuple[str, list[TermDoc]]] = [("classes", sorted(classes, key=_by_label))]
    grouped: dict[str, dict[str, TermDoc]] = {}
    for key, kind in PROPERTY_KINDS:
        for p in r.subjects(RDF + "type", kind):
            grouped.setdefault(key, {}).setdefault(p.value, _term(r, p, ns))
    for key in ("object_properties", "datatype_properties", "other_properties"):
        if grouped.get(key):
            sections.append((key, sorted(grouped[key].values(), key=_by_label)))
    schemes = []
    for s in r.subjects(RDF + "type", SKOS + "ConceptScheme"):
        doc = _term(r, s, ns)
        doc.members = sorted((_term(r, c, ns) for c in r.subjects(SKOS + "inScheme", s.value)), key=_by_label)
        schemes.append(doc)
    if schemes:
        sections.append(("schemes", sorted(schemes, key=_by_label)))
    return OntologyDoc(
        iri=onto.value,
        title=r.text(onto, DCT + "title", RDFS + "label") or r.labeller.compact(onto.value),
        description=r.text(onto, DCT + "description", RDFS + "comment"),
        version=r.text(onto, OWL + "versionInfo"),
        sections=sections,
    )


def _term(r: _Reader, node: ox.NamedNode, ns: str) -> TermDoc:
    iri = node.value
    anchor = iri[len(ns) :] if iri.startswith(ns) else iri.rsplit("/", 1)[-1]
    alignments = [(r.labeller.compact(rel), v) for rel in ALIGNMENTS for v in r.values(node, rel)]
    return TermDoc(
        anchor=anchor,
        term=r.labeller.value(node),
        definition=r.text(node, SKOS + "definition", RDFS + "comment", DCT + "description"),
        labels=_labels(r, node),
        parents=r.values(node, RDFS + "subClassOf")
        + r.values(node, RDFS + "subPropertyOf")
        + r.values(node, SKOS + "broader"),
        domain=r.values(node, RDFS + "domain"),
        range=r.values(node, RDFS + "range"),
        alignments=alignments,
    )


def _labels(r: _Reader, node: ox.NamedNode) -> list[tuple[str, str]]:
    literals = [
        o
        for p in (RDFS + "label", SKOS + "prefLabel")
        for o in r.objects(node, p)
        if isinstance(o, ox.Literal)
    ]
    order = {"fi": 0, "sv": 1, "en": 2}
    found = {(lit.language or "", lit.value) for lit in literals}
    return sorted(found, key=lambda lv: (order.get(lv[0], 3), lv))


def _by_label(doc: TermDoc) -> str:
    return doc.term.text.lower()


def shapes_doc(store: ox.Store, base: str, lang: str) -> list[ShapeDoc]:
    """The node shapes of ``graph/shapes``, each with its targets and the constraints it checks."""
    r = _Reader(store, graph_iri("shapes", base), lang, base)
    ns = shapes_ns(base)
    docs = []
    anchored: set[str] = set()
    for shape in r.subjects(RDF + "type", SH + "NodeShape"):
        parts = [
            _constraint_doc(r, ps, ns, anchored)
            for ps in r.objects(shape, SH + "property")
            if not isinstance(ps, ox.Literal)
        ]
        for alternative in ("or", "and", "xone", "not"):
            for head in r.objects(shape, SH + alternative):
                if not isinstance(head, ox.Literal):
                    paths = [_path_text(r, m) for m in _list(r, head) if not isinstance(m, ox.Literal)]
                    parts.append(ConstraintDoc(None, None, f"sh:{alternative}", " | ".join(paths), [], None))
        for sparql in r.objects(shape, SH + "sparql"):
            if not isinstance(sparql, ox.Literal):
                parts.append(
                    ConstraintDoc(None, None, "SPARQL", "—", [], _text_of(r, sparql, SH + "message"))
                )
        docs.append(
            ShapeDoc(
                _anchor(shape, ns),
                r.labeller.value(shape),
                r.text(shape, SH + "name"),
                _targets(r, shape),
                r.text(shape, SH + "message", SH + "description", RDFS + "comment"),
                parts,
            )
        )
    # Property shapes no node shape names (they carry targets of their own) get an entry of their own too.
    for shape in r.subjects(RDF + "type", SH + "PropertyShape"):
        if shape.value not in anchored:
            part = _constraint_doc(r, shape, ns, set())
            part.anchor = None  # the entry itself carries the id
            docs.append(
                ShapeDoc(
                    _anchor(shape, ns), r.labeller.value(shape), part.name, _targets(r, shape), None, [part]
                )
            )
    return sorted(docs, key=lambda d: d.anchor)


def _anchor(shape: ox.NamedNode, ns: str) -> str:
    return shape.value.removeprefix(ns) if shape.value.startswith(ns) else shape.value.rsplit("/", 1)[-1]


def _targets(r: _Reader, shape: ox.NamedNode) -> list[tuple[str, Value]]:
    return [
        (kind, v)
        for kind in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode")
        for v in r.values(shape, SH + kind)
    ]


def _constraint_doc(
    r: _Reader, ps: ox.NamedNode | ox.BlankNode, ns: str, anchored: set[str]
) -> ConstraintDoc:
    anchor = None
    if isinstance(ps, ox.NamedNode) and ps.value.startswith(ns) and ps.value not in anchored:
        anchored.add(ps.value)
        anchor = ps.value.removeprefix(ns)
    return ConstraintDoc(
        shape=r.labeller.value(ps) if isinstance(ps, ox.NamedNode) else None,
        anchor=anchor,
        name=_text_of(r, ps, SH + "name"),
        path=_path_text(r, ps),
        constraints=_constraints(r, ps),
        message=_text_of(r, ps, SH + "message"),
    )


def _text_of(r: _Reader, node: ox.NamedNode | ox.BlankNode, predicate: str) -> str | None:
    literals = [o for o in r.objects(node, predicate) if isinstance(o, ox.Literal)]
    return best_literal(literals, r.labeller.lang).value if literals else None


def _path_text(r: _Reader, shape: ox.NamedNode | ox.BlankNode) -> str:
    paths = r.objects(shape, SH + "path")
    return _path(r, paths[0]) if paths else "—"


PATH_SUFFIXES = {"zeroOrMorePath": "*", "oneOrMorePath": "+", "zeroOrOnePath": "?"}


def _path(r: _Reader, path: ox.NamedNode | ox.BlankNode | ox.Literal, depth: int = 0) -> str:
    """A SHACL property path in SPARQL's path syntax: ``a / b``, ``(a | b)``, ``^a``, ``a*``."""
    if isinstance(path, ox.NamedNode):
        return r.labeller.compact(path.value)
    if not isinstance(path, ox.BlankNode) or depth > 20:
        return "…"
    if r.objects(path, RDF + "first"):
        return " / ".join(_path(r, m, depth + 1) for m in _list(r, path))
    for alternative in r.objects(path, SH + "alternativePath"):
        return "(" + " | ".join(_path(r, m, depth + 1) for m in _list(r, alternative)) + ")"
    for inverse in r.objects(path, SH + "inversePath"):
        return "^" + _path(r, inverse, depth + 1)
    for name, suffix in PATH_SUFFIXES.items():
        for inner in r.objects(path, SH + name):
            return _path(r, inner, depth + 1) + suffix
    return "…"


def _constraints(r: _Reader, shape: ox.NamedNode | ox.BlankNode) -> list[tuple[str, str]]:
    out = []
    for name in NESTED:
        for o in r.objects(shape, SH + name):
            if isinstance(o, ox.BlankNode):
                inner = "; ".join(f"{k} {v}" for k, v in _constraints(r, o))
                out.append((name, f"[ {inner} ]"))
    for name in CONSTRAINTS:
        for o in r.objects(shape, SH + name):
            if isinstance(o, ox.Literal):
                out.append((name, o.value))
            elif isinstance(o, ox.NamedNode):
                out.append((name, r.labeller.compact(o.value)))
            else:
                items = _list(r, o)
                out.append(
                    (
                        name,
                        ", ".join(
                            i.value if isinstance(i, ox.Literal) else r.labeller.compact(i.value)
                            for i in items
                            if not isinstance(i, ox.BlankNode)
                        ),
                    )
                )
    return out


def _list(
    r: _Reader, head: ox.BlankNode | ox.NamedNode | ox.Literal
) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
    """The members of an RDF list (bounded, in case of a malformed cycle)."""
    items: list[ox.NamedNode | ox.BlankNode | ox.Literal] = []
    node: ox.NamedNode | ox.BlankNode | ox.Literal = head
    while isinstance(node, ox.BlankNode) and len(items) < 1000:
        first = r.objects(node, RDF + "first")
        rest = r.objects(node, RDF + "rest")
        if not first:
            break
        items.append(first[0])
        node = rest[0] if rest else ox.NamedNode(RDF + "nil")
    return items
