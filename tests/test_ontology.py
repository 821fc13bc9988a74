"""The ontology file: metadata, trilingual labels and definitions, alignments, and fit with data and
shapes."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS

from server.graph.vocabulary import STANDARD_PREFIXES
from server.settings import PROJECT_ROOT

ONTOLOGY_FILE = PROJECT_ROOT / "ontology" / "smart-hame.ttl"
SHAPES_FILE = PROJECT_ROOT / "ontology" / "shapes.ttl"
DATA_FILES = sorted((PROJECT_ROOT / "data").glob("*.ttl"))
BASE = "https://w3id.org/smart-hame/"
ONTOLOGY = URIRef(BASE + "ontology")
SMH = BASE + "ontology/"
LANGUAGES = {"fi", "sv", "en"}
MODEL_SCHEMES = (
    "amount-types",
    "organisation-types",
    "funds",
    "participant-roles",
    "programme-event-types",
    "year-bases",
    "classification-kinds",
    "context-types",
)
# Namespaces an alignment may point into: the verified ones (server.graph.vocabulary, from
# ../shared/reference/vocabularies.md) plus FRAPO (vocabularies.md §5.2).
KNOWN_NAMESPACES = (*STANDARD_PREFIXES.values(), "http://purl.org/cerif/frapo/", SMH)
ALIGNMENTS = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    SKOS.closeMatch,
    SKOS.exactMatch,
    RDFS.domain,
    RDFS.range,
)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, publicID=BASE)


def smh_terms(g: Graph) -> list[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return sorted({s for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(SMH)})


def languages(g: Graph, subject: URIRef, predicate: URIRef) -> set[str]:
    return {o.language for o in g.objects(subject, predicate) if isinstance(o, Literal) and o.language}


def test_ontology_metadata(ontology: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    version_iri = ontology.value(ONTOLOGY, OWL.versionIRI)
    version = ontology.value(ONTOLOGY, OWL.versionInfo)
    assert version_iri is not None and version is not None
    assert str(version_iri).startswith(str(ONTOLOGY) + "/") and str(version_iri).endswith(str(version))
    assert URIRef("http://creativecommons.org/licenses/by/4.0/") in set(
        ontology.objects(ONTOLOGY, DCTERMS.license)
    )
    assert languages(ontology, ONTOLOGY, DCTERMS.title) >= LANGUAGES
    assert languages(ontology, ONTOLOGY, DCTERMS.description) >= LANGUAGES
    assert ontology.value(ONTOLOGY, DCTERMS.creator) is not None


def test_contract_terms_are_declared(ontology: Graph) -> None:
    """Every smh: term that docs/model.md names is a class or property of the ontology."""
    import re

    model = (PROJECT_ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    named = {m for m in re.findall(r"`smh:(\w+)`", model)} | {
        m for span in re.findall(r"`(smh:[^`]+)`", model) for m in re.findall(r"smh:(\w+)", span)
    }
    declared = {str(t)[len(SMH) :] for t in smh_terms(ontology)}
    assert named, "no smh: terms found in docs/model.md"
    assert not named - declared, f"in docs/model.md but not in the ontology: {sorted(named - declared)}"


@pytest.mark.parametrize("predicate", [RDFS.label, SKOS.definition], ids=["label", "definition"])
def test_every_term_is_named_and_defined_in_three_languages(ontology: Graph, predicate: URIRef) -> None:
    missing = {
        str(t)[len(SMH) :]: sorted(LANGUAGES - languages(ontology, t, predicate))
        for t in smh_terms(ontology)
        if not languages(ontology, t, predicate) >= LANGUAGES
    }
    assert not missing, (
        f"terms without {predicate.n3(ontology.namespace_manager)} in some language: {missing}"
    )


def test_every_term_is_defined_by_the_ontology(ontology: Graph) -> None:
    assert all((t, RDFS.isDefinedBy, ONTOLOGY) in ontology for t in smh_terms(ontology))


def test_alignments_point_into_known_vocabularies(ontology: Graph) -> None:
    unknown = {
        (str(s), str(o))
        for p in ALIGNMENTS
        for s, o in ontology.subject_objects(p)
        if str(s).startswith(SMH) and isinstance(o, URIRef) and not str(o).startswith(KNOWN_NAMESPACES)
    }
    assert not unknown, f"alignments to namespaces not in vocabularies.md: {sorted(unknown)}"


def test_classes_are_aligned(ontology: Graph) -> None:
    """Each class says what it is in a shared vocabulary (subclass, equivalent class or close match)."""
    for cls in ontology.subjects(RDF.type, OWL.Class):
        links = [
            *ontology.objects(cls, RDFS.subClassOf),
            *ontology.objects(cls, OWL.equivalentClass),
            *ontology.objects(cls, SKOS.closeMatch),
        ]
        assert links, f"{cls} is not aligned to any shared vocabulary"


@pytest.mark.parametrize("slug", MODEL_SCHEMES)
def test_model_scheme_concepts_are_trilingual(ontology: Graph, slug: str) -> None:
    scheme = URIRef(f"{BASE}scheme/{slug}")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology
    assert languages(ontology, scheme, SKOS.prefLabel) >= LANGUAGES
    concepts = sorted(ontology.subjects(SKOS.inScheme, scheme))
    assert concepts, f"scheme/{slug} has no concepts"
    for c in concepts:
        assert str(c).startswith(f"{BASE}concept/{slug}/"), f"{c} is not minted as concept/{slug}/…"
        assert (c, RDF.type, SKOS.Concept) in ontology
        assert languages(ontology, c, SKOS.prefLabel) >= LANGUAGES, f"{c} lacks a prefLabel language"
        assert languages(ontology, c, SKOS.definition) >= LANGUAGES, f"{c} lacks a definition language"
        assert (c, SKOS.topConceptOf, scheme) in ontology or ontology.value(c, SKOS.broader) is not None, (
            f"{c} is neither a top concept nor narrower than another"
        )


def test_organisation_types_keep_the_eura_values(ontology: Graph) -> None:
    """The Finnish names are the EURA Organisaatiotyyppi strings verbatim (real-data README §2)."""
    eura = {
        "Ammattikorkeakoulu",
        "Kunta",
        "Kuntayhtymä",
        "Säätiö",
        "Ammatillinen oppilaitos",
        "Muu yksityisoikeudellinen oikeushenkilö",
        "Muu julkisoikeudellinen oikeushenkilö",
        "Kansalaisjärjestö",
        "Mikroyritys",
        "Pieni yritys",
        "Keskisuuri yritys",
        "Yliopisto",
        "Valtion viranomainen",
    }
    scheme = URIRef(f"{BASE}scheme/organisation-types")
    finnish = {
        str(label)
        for c in ontology.subjects(SKOS.inScheme, scheme)
        for label in ontology.objects(c, SKOS.prefLabel)
        if label.language == "fi"
    }
    assert eura <= finnish, f"missing EURA values: {sorted(eura - finnish)}"


def _data_graph() -> Graph:
    g = Graph()
    for f in DATA_FILES:
        g.parse(f, publicID=BASE)
    return g


needs_data = pytest.mark.skipif(not DATA_FILES, reason="data/*.ttl not written yet")


@needs_data
def test_every_class_used_in_data_has_a_shape(ontology: Graph) -> None:
    """sh:targetClass also reaches subclasses (the ontology is part of the data graph), so a class is
    covered when it or one of its superclasses is targeted."""
    shapes = Graph().parse(SHAPES_FILE, publicID=BASE)
    targeted = set(shapes.objects(None, SH.targetClass))
    used = set(_data_graph().objects(None, RDF.type))
    uncovered = {
        str(c) for c in used if not ({c} | set(ontology.transitive_objects(c, RDFS.subClassOf))) & targeted
    }
    assert not uncovered, f"classes used in data/*.ttl that no shape targets: {sorted(uncovered)}"


@needs_data
def test_every_smh_term_used_in_data_is_declared(ontology: Graph) -> None:
    declared = set(smh_terms(ontology))
    g = _data_graph()
    used = {
        t for triple in g for t in (triple[1], triple[2]) if isinstance(t, URIRef) and str(t).startswith(SMH)
    }
    undeclared = sorted(str(t) for t in used - declared)
    assert not undeclared, f"smh: terms used in data/*.ttl but not declared in the ontology: {undeclared}"


def test_ontology_file_parses_with_the_loader() -> None:
    """The server reads files with pyoxigraph, not rdflib; both must accept the ontology."""
    import pyoxigraph as ox

    quads = list(ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE, base_iri=BASE))
    assert len(quads) == len(Graph().parse(ONTOLOGY_FILE, publicID=BASE))
