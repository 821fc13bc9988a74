"""The SPARQL 1.1 Service Description a GET of the endpoint without a query returns.

It names the endpoint (the URL the client asked, so it matches behind any host name), the language,
result formats, features, and the default dataset with each named graph and its size. Every node is
typed explicitly (``sd:Language``, ``sd:Feature``, ``formats:Format``…) so that a checker needs no
inference to see the description conform to the vocabulary.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from server.graph.vocabulary import ENTAILMENT, FORMATS, RDF_TYPE, RDFS, SD, VOID, XSD
from server.sparql.formats import GRAPH_TYPES, RESULT_TYPES, W3C_FORMAT_NAMES, rdf_format, written

XSD_INTEGER = ox.NamedNode(XSD + "integer")
DEFAULT_GRAPH_KEY = "(default graph)"  # how server.graph.versions.count_dataset names the default graph


DEFAULT_GRAPH_NOTE = (
    "The RDF merge of all the named graphs, each triple once however many graphs hold it. It is the "
    "default graph only when neither the query (FROM, FROM NAMED) nor the request (default-graph-uri, "
    "named-graph-uri) names a dataset; when one does, the dataset is exactly what it names."
)


def describe_service(
    endpoint: str, graphs: dict[str, int], federated: bool, default_triples: int | None = None
) -> list[ox.Triple]:
    """Triples describing the endpoint at ``endpoint`` over ``graphs`` (graph IRI -> triples);
    ``default_triples``: the default graph's size (else the sum of the graphs', which counts a triple
    held in two graphs twice)."""
    service = ox.BlankNode("service")
    triples: list[ox.Triple] = []

    def add(s: Any, p: str | ox.NamedNode, o: Any) -> None:
        triples.append(ox.Triple(s, ox.NamedNode(p) if isinstance(p, str) else p, o))

    def typed(node: Any, cls: str) -> Any:
        add(node, RDF_TYPE, ox.NamedNode(cls))
        return node

    typed(service, SD + "Service")
    add(service, SD + "endpoint", ox.NamedNode(endpoint))
    add(
        service,
        RDFS + "label",
        ox.Literal("Smart Häme SPARQL endpoint", language="en"),
    )
    add(service, SD + "supportedLanguage", typed(ox.NamedNode(SD + "SPARQL11Query"), SD + "Language"))
    for media in (*RESULT_TYPES, *GRAPH_TYPES):
        add(
            service,
            SD + "resultFormat",
            typed(ox.NamedNode(FORMATS + W3C_FORMAT_NAMES[media]), FORMATS + "Format"),
        )
    features = ["UnionDefaultGraph", *(["BasicFederatedQuery"] if federated else [])]
    for feature in features:
        add(service, SD + "feature", typed(ox.NamedNode(SD + feature), SD + "Feature"))
    simple = ox.NamedNode(ENTAILMENT + "Simple")
    add(service, SD + "defaultEntailmentRegime", typed(simple, SD + "EntailmentRegime"))

    dataset = typed(ox.BlankNode("dataset"), SD + "Dataset")
    add(service, SD + "defaultDataset", dataset)
    default = typed(ox.BlankNode("defaultGraph"), SD + "Graph")
    add(dataset, SD + "defaultGraph", default)
    # sd:UnionDefaultGraph: "the RDF merge of the underlying named graphs", which is what it is.
    add(default, RDFS + "comment", ox.Literal(DEFAULT_GRAPH_NOTE, language="en"))
    size = sum(graphs.values()) if default_triples is None else default_triples
    add(default, VOID + "triples", ox.Literal(str(size), datatype=XSD_INTEGER))
    for i, (name, count) in enumerate(sorted(graphs.items())):
        if name == DEFAULT_GRAPH_KEY:
            continue
        named = typed(ox.BlankNode(f"named{i}"), SD + "NamedGraph")
        add(dataset, SD + "namedGraph", named)
        add(named, SD + "name", ox.NamedNode(name))
        graph = typed(ox.BlankNode(f"graph{i}"), SD + "Graph")
        add(named, SD + "graph", graph)
        add(graph, VOID + "triples", ox.Literal(str(count), datatype=XSD_INTEGER))
    order = {
        t.subject: i for i, t in reversed(list(enumerate(triples)))
    }  # group by subject, first seen first
    return sorted(triples, key=lambda t: order[t.subject])


def serialize_description(triples: list[ox.Triple], media_type: str) -> bytes:
    prefixes = {"sd": SD, "formats": FORMATS, "void": VOID}
    fmt = rdf_format(media_type)
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        return written(ox.serialize(triples, format=fmt, prefixes=prefixes))
    return written(ox.serialize(triples, format=fmt))
