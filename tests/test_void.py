"""VoID at /.well-known/void: every count recomputed here, independently, from the store with rdflib."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest
import rdflib

from server.graph.versions import own_quads
from server.publish.void import LINK_TARGETS

# rdflib's TriG, N-Quads and JSON-LD parsers use its own deprecated ConjunctiveGraph internally.
pytestmark = pytest.mark.filterwarnings("ignore:.*(ConjunctiveGraph|default_context).*:DeprecationWarning")
BASE = "https://w3id.org/smart-hame/"
# Plain namespaces: pytest's collection probes module attributes, which rdflib's closed ones warn about.
RDF = rdflib.Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DATASET = rdflib.URIRef(f"{BASE}catalog#dataset")
NOT_DATA = {f"{BASE}graph/{g}" for g in ("ontology", "shapes", "links")}


@pytest.fixture(scope="module")
def void(app_client) -> rdflib.Graph:
    r = app_client.get("/.well-known/void", headers={"accept": "text/turtle"})
    assert r.status_code == 200
    return rdflib.Graph().parse(data=r.text, format="turtle")


@pytest.fixture(scope="module")
def graphs(published) -> dict[str, set[tuple]]:
    ds = rdflib.Dataset()
    ds.parse(data=ox.serialize(own_quads(published.store), format=ox.RdfFormat.N_QUADS), format="nquads")
    return {str(g.identifier): set(g) for g in ds.graphs() if len(g)}


@pytest.fixture(scope="module")
def union(graphs) -> set[tuple]:
    return set().union(*graphs.values())


def count(void: rdflib.Graph, node: rdflib.term.Node, prop: rdflib.URIRef) -> int:
    value = void.value(node, prop)
    assert value is not None, f"{node} has no {prop}"
    return int(value)


def test_dataset_counts(void, union) -> None:
    assert count(void, DATASET, VOID.triples) == len(union)
    assert count(void, DATASET, VOID.properties) == len({p for _, p, _ in union})
    assert count(void, DATASET, VOID.classes) == len({o for _, p, o in union if p == RDF.type})
    assert count(void, DATASET, VOID.distinctSubjects) == len({s for s, _, _ in union})
    own = {s for s, _, _ in union if isinstance(s, rdflib.URIRef) and str(s).startswith(BASE)}
    assert count(void, DATASET, VOID.entities) == len(own)


def test_class_and_property_partitions(void, union) -> None:
    instances = Counter(o for _, p, o in union if p == RDF.type)
    parts = {
        void.value(b, VOID["class"]): count(void, b, VOID.entities)
        for b in void.objects(DATASET, VOID.classPartition)
    }
    assert parts == dict(instances)
    per_property = Counter(p for _, p, _ in union)
    parts = {
        void.value(b, VOID.property): count(void, b, VOID.triples)
        for b in void.objects(DATASET, VOID.propertyPartition)
    }
    assert parts == dict(per_property)


def test_graph_subsets(void, graphs) -> None:
    subsets = {
        str(s): count(void, s, VOID.triples)
        for s in void.objects(DATASET, VOID.subset)
        if (s, RDF.type, VOID.Linkset) not in void
    }
    assert subsets == {g: len(triples) for g, triples in graphs.items()}
    for g in graphs:
        dumps = {str(d) for d in void.objects(rdflib.URIRef(g), VOID.dataDump)}
        assert any(d.endswith(".ttl") for d in dumps) and any(d.endswith(".nt.gz") for d in dumps)


def test_linksets_count_links_to_each_target(void, graphs) -> None:
    data = set().union(*(t for g, t in graphs.items() if g not in NOT_DATA))
    found = 0
    for target in LINK_TARGETS:
        links = [
            (s, p, o)
            for s, p, o in data
            if isinstance(o, rdflib.URIRef) and str(o).startswith(target.namespace)
        ]
        linkset = rdflib.URIRef(f"{BASE}.well-known/void#links-{target.key}")
        if not links:
            assert (linkset, None, None) not in void
            continue
        found += 1
        assert (linkset, RDF.type, VOID.Linkset) in void
        assert count(void, linkset, VOID.triples) == len(links), target.key
        per_predicate = {
            void.value(p, VOID.linkPredicate): count(void, p, VOID.triples)
            for p in void.objects(linkset, VOID.subset)
        }
        assert per_predicate == dict(Counter(p for _, p, _ in links)), target.key
        other = void.value(linkset, VOID.objectsTarget)
        assert str(void.value(other, VOID.uriSpace)) == target.namespace
    assert found >= 4, "the data links to NUTS, municipalities, EU authority tables and YSO or EuroVoc"


def test_endpoint_dumps_and_vocabularies(void) -> None:
    assert void.value(DATASET, VOID.sparqlEndpoint) == rdflib.URIRef(f"{BASE}sparql")
    dumps = {str(d) for d in void.objects(DATASET, VOID.dataDump)}
    assert f"{BASE}dumps/smart-hame.nq.gz" in dumps and f"{BASE}dumps/smart-hame.ttl" in dumps
    vocabularies = {str(v) for v in void.objects(DATASET, VOID.vocabulary)}
    assert {
        f"{BASE}ontology/",
        "http://www.w3.org/2004/02/skos/core#",
        "http://purl.org/dc/terms/",
    } <= vocabularies
    assert str(void.value(DATASET, VOID.uriSpace)) == BASE
