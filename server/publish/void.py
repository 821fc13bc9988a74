"""The VoID description (``/.well-known/void``): counts and partitions computed from the published data,
one subset per named graph, the dumps, and a ``void:Linkset`` per external vocabulary we link to.

It shares the dataset IRI, titles and the triple builder with the DCAT-AP catalogue
(``server.publish.catalog``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox

from server.graph.versions import Published
from server.graph.vocabulary import (
    AUTHORITY,
    DCT,
    EUROVOC,
    FOAF,
    FORMATS,
    NUTS,
    RDF,
    VOID,
    YSO,
    graph_iri,
    prefixes,
)
from server.publish.catalog import (
    LICENCE,
    TITLE,
    TripleBuilder,
    dataset_iri,
    dump_url,
    typed_literal,
)
from server.publish.dumps import DumpSet, dump_plan
from server.sparql.engine import Engine, QueryRequest
from server.sparql.formats import SPARQL_JSON

# Graphs that are not the dataset's own facts: the model, its shapes, and labels of what we link to.
NOT_DATA_GRAPHS = ("ontology", "shapes", "links")


@dataclass(frozen=True)
class LinkTarget:
    """An external vocabulary we link to, counted as one VoID linkset."""

    key: str
    title: str
    namespace: str  # object IRIs starting with this are links to the target
    homepage: str


LINK_TARGETS = (
    LinkTarget(
        "nuts",
        "NUTS statistical regions (Eurostat)",
        NUTS,
        "https://ec.europa.eu/eurostat/web/nuts",
    ),
    LinkTarget(
        "kunta",
        "Finnish municipality codes (JHS, uri.suomi.fi)",
        "http://uri.suomi.fi/codelist/jhs/kunta_",
        "http://uri.suomi.fi/codelist/jhs/kunta_1_20230101",
    ),
    LinkTarget(
        "eu-authority",
        "EU authority tables (Publications Office)",
        AUTHORITY,
        "http://publications.europa.eu/resource/authority",
    ),
    LinkTarget("eurovoc", "EuroVoc", EUROVOC, "http://eurovoc.europa.eu/100141"),
    LinkTarget("yso", "YSO General Finnish Ontology", YSO, YSO),
)


def void_graph(published: Published, dumps: DumpSet, counts: VoidCounts) -> list[ox.Triple]:
    """The VoID description: counts and partitions from the merged graph, subsets, dumps, linksets."""
    base = published.base_iri
    g = TripleBuilder()
    dataset = ox.NamedNode(dataset_iri(base))
    merged = dumps.merged
    g.add(dataset, RDF + "type", VOID + "Dataset")
    g.texts(dataset, DCT + "title", TITLE)
    g.add(dataset, DCT + "license", LICENCE)
    g.add(dataset, DCT + "modified", typed_literal(published.modified.isoformat(), "dateTime"))
    g.add(dataset, VOID + "sparqlEndpoint", f"{base}sparql")
    g.add(dataset, VOID + "uriSpace", ox.Literal(base))
    g.add(dataset, FOAF + "homepage", base)
    for f in dumps.files:
        if f.graph is None:
            g.add(dataset, VOID + "dataDump", dump_url(base, f.name))
    for fmt in ("Turtle", "N-Triples", "N-Quads", "TriG", "RDF_XML", "JSON-LD"):
        g.add(dataset, VOID + "feature", FORMATS + fmt)
    for ns in vocabularies(list(merged.properties) + list(merged.classes), base):
        g.add(dataset, VOID + "vocabulary", ns)
    g.add(dataset, VOID + "triples", typed_literal(merged.triples, "integer"))
    g.add(dataset, VOID + "classes", typed_literal(len(merged.classes), "integer"))
    g.add(dataset, VOID + "properties", typed_literal(len(merged.properties), "integer"))
    g.add(dataset, VOID + "distinctSubjects", typed_literal(counts.subjects, "integer"))
    g.add(dataset, VOID + "entities", typed_literal(counts.entities, "integer"))
    for cls, n in sorted(merged.classes.items()):
        part = ox.BlankNode()
        g.add(dataset, VOID + "classPartition", part)
        g.add(part, VOID + "class", cls)
        g.add(part, VOID + "entities", typed_literal(n, "integer"))
    for prop, n in sorted(merged.properties.items()):
        part = ox.BlankNode()
        g.add(dataset, VOID + "propertyPartition", part)
        g.add(part, VOID + "property", prop)
        g.add(part, VOID + "triples", typed_literal(n, "integer"))
    _subsets(g, published, dumps, dataset)
    _linksets(g, published, dataset, counts.links)
    return list(g.triples)


def _subsets(g: TripleBuilder, published: Published, dumps: DumpSet, dataset: ox.NamedNode) -> None:
    for graph, triples in sorted(dumps.graphs.items()):
        g.add(dataset, VOID + "subset", ox.NamedNode(graph))
        for t in graph_description(published, graph, triples):
            g.triples[t] = None


def graph_description(published: Published, graph: str, triples: int) -> list[ox.Triple]:
    """A named graph as a VoID subset: its size, dumps and endpoint (also the RDF its IRI resolves to)."""
    base = published.base_iri
    g = TripleBuilder()
    node = ox.NamedNode(graph)
    g.add(node, RDF + "type", VOID + "Dataset")
    g.add(node, DCT + "title", ox.Literal(f"Named graph {graph.removeprefix(base)}", language="en"))
    g.add(node, VOID + "triples", typed_literal(triples, "integer"))
    g.add(node, VOID + "sparqlEndpoint", f"{base}sparql")
    g.add(node, DCT + "isPartOf", dataset_iri(base))
    for name, _, of in dump_plan(published):
        if of == graph:
            g.add(node, VOID + "dataDump", dump_url(base, name))
            g.add(node, VOID + "dataDump", dump_url(base, name + ".gz"))
    return list(g.triples)


def _linksets(
    g: TripleBuilder, published: Published, dataset: ox.NamedNode, links: dict[str, dict[str, int]]
) -> None:
    base = published.base_iri
    for target, per_predicate in links.items():
        if not per_predicate:
            continue
        t = next(x for x in LINK_TARGETS if x.key == target)
        other = ox.NamedNode(f"{base}.well-known/void#target-{t.key}")
        g.add(other, RDF + "type", VOID + "Dataset")
        g.add(other, DCT + "title", ox.Literal(t.title, language="en"))
        g.add(other, VOID + "uriSpace", ox.Literal(t.namespace))
        g.add(other, FOAF + "homepage", t.homepage)
        linkset = ox.NamedNode(f"{base}.well-known/void#links-{t.key}")
        g.add(dataset, VOID + "subset", linkset)
        g.add(linkset, RDF + "type", VOID + "Linkset")
        g.add(linkset, VOID + "subjectsTarget", dataset)
        g.add(linkset, VOID + "objectsTarget", other)
        g.add(linkset, VOID + "triples", typed_literal(sum(per_predicate.values()), "integer"))
        for i, (predicate, n) in enumerate(sorted(per_predicate.items()), start=1):
            part = ox.NamedNode(f"{base}.well-known/void#links-{t.key}-{i}")
            g.add(linkset, VOID + "subset", part)
            g.add(part, RDF + "type", VOID + "Linkset")
            g.add(part, VOID + "subjectsTarget", dataset)
            g.add(part, VOID + "objectsTarget", other)
            g.add(part, VOID + "linkPredicate", predicate)
            g.add(part, VOID + "triples", typed_literal(n, "integer"))


@dataclass(frozen=True)
class VoidCounts:
    """The numbers of the VoID description that need a pass over every triple."""

    subjects: int  # distinct subjects of the merged graph
    entities: int  # of which IRIs minted under the base
    links: dict[str, dict[str, int]]  # target key -> predicate -> distinct triples linking to the target


# The counts read every triple (18 s at 100,000 projects), so they run in the query workers, never in the
# event loop, under this limit rather than the one for clients' queries.
COUNT_TIME_LIMIT = 600.0


async def void_counts(engine: Engine, published: Published) -> VoidCounts:
    subjects, entities = await distinct_subjects(engine, published)
    return VoidCounts(subjects, entities, await link_counts(engine, published))


async def link_counts(engine: Engine, published: Published) -> dict[str, dict[str, int]]:
    """Target key -> predicate -> distinct triples whose object is in the target, in the data graphs
    (every named graph except those of NOT_DATA_GRAPHS)."""
    # Oxigraph binds a substituted variable only if the query projects it, hence the constant columns.
    query = """
        SELECT ?ns ?ontology ?shapes ?links ?p (COUNT(*) AS ?n) WHERE {
          { SELECT DISTINCT ?ns ?ontology ?shapes ?links ?s ?p ?o WHERE {
               GRAPH ?g { ?s ?p ?o }
               FILTER(?g NOT IN (?ontology, ?shapes, ?links) && isIRI(?o) && STRSTARTS(STR(?o), ?ns))
          } }
        } GROUP BY ?ns ?ontology ?shapes ?links ?p"""
    bound = {n: ox.NamedNode(graph_iri(n, published.base_iri)) for n in NOT_DATA_GRAPHS}
    counts: dict[str, dict[str, int]] = {}
    for t in LINK_TARGETS:
        rows = await _rows(engine, query, {**bound, "ns": ox.Literal(t.namespace)})
        counts[t.key] = {row["p"]["value"]: int(row["n"]["value"]) for row in rows}
    return counts


async def distinct_subjects(engine: Engine, published: Published) -> tuple[int, int]:
    """(distinct subjects of the merged graph, of which IRIs minted under the base: VoID's entities)."""
    # ?base is projected because oxigraph substitutes only projected variables.
    query = """
        SELECT ?base (COUNT(?s) AS ?all) (SUM(IF(isIRI(?s) && STRSTARTS(STR(?s), ?base), 1, 0)) AS ?own)
        WHERE {
          { SELECT DISTINCT ?base ?s WHERE { GRAPH ?g { ?s ?p ?o } } }
        } GROUP BY ?base"""
    row = (await _rows(engine, query, {"base": ox.Literal(published.base_iri)}))[0]
    return int(row["all"]["value"]), int(row["own"]["value"])


async def _rows(
    engine: Engine, query: str, substitutions: dict[str, ox.NamedNode | ox.Literal]
) -> list[dict[str, dict[str, str]]]:
    result = await engine.run(
        QueryRequest(query, SPARQL_JSON, substitutions=substitutions, max_rows=1_000_000),
        time_limit=COUNT_TIME_LIMIT,
    )
    rows: list[dict[str, dict[str, str]]] = json.loads(result.body)["results"]["bindings"]
    return rows


def vocabularies(terms: list[str], base: str) -> list[str]:
    """The namespaces of the given predicates and classes: known prefixes first, else cut at '#' or '/'."""
    known = sorted(prefixes(base).values(), key=len, reverse=True)
    found = set()
    for iri in terms:
        ns = next((n for n in known if iri.startswith(n) and n != base), None)
        if ns is None:
            cut = max(iri.rfind("#"), iri.rfind("/"))
            ns = iri[: cut + 1] if cut > 0 else iri
        found.add(ns)
    return sorted(found)
