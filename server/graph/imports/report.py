"""A validation report as SHACL's own vocabulary (``sh:ValidationReport``), for clients that want RDF.

Each result keeps its focus node, path (when it is one property), value, message, severity, shape and
constraint component; where the fact came from (``file:sheet:row:column``, ``file:line``) is its
``rdfs:comment``, since SHACL has no term for a source location.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.util import from_n3

from server.graph.validation import ValidationReport

SEVERITIES = {"Violation": SH.Violation, "Warning": SH.Warning, "Info": SH.Info}


def report_graph(report: ValidationReport) -> Graph:
    g = Graph()
    g.bind("sh", SH)
    for prefix, ns in report.prefixes.items():
        g.bind(prefix, ns)
    top = BNode()
    g.add((top, RDF.type, SH.ValidationReport))
    g.add((top, SH.conforms, Literal(report.conforms)))
    for r in report.results:
        node = BNode()
        g.add((top, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.focusNode, _node(r.focus_node)))
        g.add((node, SH.resultSeverity, SEVERITIES[r.severity]))
        g.add((node, SH.sourceConstraintComponent, URIRef(r.constraint_component)))
        g.add((node, SH.resultMessage, Literal(r.message)))
        if r.shape:
            g.add((node, SH.sourceShape, URIRef(r.shape)))
        if r.path and r.path.startswith("<") and r.path.endswith(">") and ">" not in r.path[1:-1]:
            g.add((node, SH.resultPath, URIRef(r.path[1:-1])))
        if r.value is not None:
            g.add((node, SH.value, _node(r.value)))
        if r.location:
            g.add((node, RDFS.comment, Literal(r.location)))
    return g


def _node(text: str) -> URIRef | Literal | BNode:
    if text.startswith('"'):
        term = from_n3(text)
        return term if isinstance(term, Literal) else Literal(text)
    if text.startswith("_:"):
        return BNode(text[2:])
    return URIRef(text)
