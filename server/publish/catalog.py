"""The dataset described for catalogues: DCAT-AP 3.0.1 (``/catalog``); VoID is in ``server.publish.void``.

Both descriptions are RDF graphs built from the published version and its dump set, so sizes,
checksums and counts are those of the files actually served. IRIs of the description live in its
documents: ``{base}catalog#dataset`` is the dataset (a ``dcat:Dataset`` and a ``void:Dataset``),
``{base}catalog#dump-<file>`` a distribution, ``{base}graph/<name>`` the subset that is one named graph,
``{base}.well-known/void#links-<target>`` a linkset to an external vocabulary.

Controlled values are the IRIs that DCAT-AP 3.0.1 names (EU authority tables, IANA media types, ADMS
publisher and licence types; see ../shared/reference/vocabularies.md §2.4, §4.9, §4.10). The shapes
check ``sh:class`` on these values, so each is typed and labelled here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pyoxigraph as ox

from server.graph.versions import Published
from server.graph.vocabulary import (
    AUTHORITY,
    DCAT,
    DCATAP,
    DCT,
    FOAF,
    IANA_MEDIA_TYPES,
    NUTS,
    RDF,
    RDFS,
    SKOS,
    SPDX,
    VCARD,
    XSD,
    ontology_ns,
)
from server.publish.dumps import KINDS, DumpFile, DumpSet
from server.settings import Settings
from server.sparql.formats import GZIP

LICENCE = AUTHORITY + "licence/CC_BY_4_0"
LICENCE_TYPE = "http://purl.org/adms/licencetype/Attribution"
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/NonProfitOrganisation"
NUTS_KANTA_HAME = NUTS + "FI1C2"
THEMES = {"REGI": "Regions and cities", "ECON": "Economy and finance", "TECH": "Science and technology"}
LANGUAGES = {"FIN": "Finnish", "SWE": "Swedish", "ENG": "English"}

TITLE = {
    "fi": "Smart Häme -tietoverkko",
    "sv": "Kunskapsgrafen Smart Häme",
    "en": "Smart Häme knowledge graph",
}
DESCRIPTION = {
    "fi": "Avoin tietoverkko Kanta-Hämeen älykkään erikoistumisen strategiasta (Smart Häme): strategiat ja "
    "maakuntaohjelmat, kärjet ja strategiset valinnat, toimijat, EU- ja kansallisesti rahoitetut hankkeet "
    "ja hankkeiden perusteltu luokittelu kärkiin. Jokaisella tiedolla on lähde.",
    "sv": "Öppen kunskapsgraf om strategin för smart specialisering i Egentliga Tavastland (Smart Häme): "
    "strategier och landskapsprogram, spetsar och strategiska val, aktörer, EU-finansierade och nationellt "
    "finansierade projekt och en motiverad klassificering av projekten enligt spetsarna. Varje uppgift "
    "har en källa.",
    "en": "Open knowledge graph of Kanta-Häme's smart specialisation strategy (Smart Häme): strategies and "
    "regional programmes, spearheads and strategic choices, actors, EU and nationally funded projects, and a "
    "reasoned classification of the projects against the spearheads. Every fact has a source.",
}
KEYWORDS = {
    "fi": ("älykäs erikoistuminen", "Kanta-Häme", "aluekehitys", "hankkeet", "EU-rahoitus", "innovaatiot"),
    "sv": (
        "smart specialisering",
        "Egentliga Tavastland",
        "regional utveckling",
        "projekt",
        "EU-finansiering",
        "innovationer",
    ),
    "en": (
        "smart specialisation",
        "Kanta-Häme",
        "regional development",
        "projects",
        "EU funding",
        "innovation",
    ),
}
SERVICE_TITLE = {
    "fi": "Smart Häme -tietoverkon SPARQL-rajapinta",
    "sv": "SPARQL-gränssnitt till kunskapsgrafen Smart Häme",
    "en": "SPARQL endpoint of the Smart Häme knowledge graph",
}
KIND_TEXT = {
    "trig": "the whole dataset, every named graph, as TriG",
    "nquads": "the whole dataset, every named graph, as N-Quads",
    "turtle": "the merged graph (every triple once) as Turtle",
    "ntriples": "the merged graph (every triple once) as N-Triples",
}


class TripleBuilder:
    """A list of triples with terse adders; the builders below read like the Turtle they produce."""

    def __init__(self) -> None:
        self.triples: dict[ox.Triple, None] = {}

    def add(
        self, s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal | str
    ) -> None:
        obj = ox.NamedNode(o) if isinstance(o, str) else o
        self.triples[ox.Triple(s, ox.NamedNode(p), obj)] = None

    def texts(self, s: ox.NamedNode, p: str, by_lang: dict[str, str]) -> None:
        for lang, text in by_lang.items():
            self.add(s, p, ox.Literal(text, language=lang))

    def typed(
        self, iri: str, *classes: str, label: str | None = None, label_p: str = SKOS + "prefLabel"
    ) -> ox.NamedNode:
        node = ox.NamedNode(iri)
        for c in classes:
            self.add(node, RDF + "type", c)
        if label:
            self.add(node, label_p, ox.Literal(label, language="en"))
        return node


def typed_literal(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))


def dataset_iri(base: str) -> str:
    return f"{base}catalog#dataset"


def dump_url(base: str, name: str) -> str:
    return f"{base}dumps/{name}"


def catalog_graph(published: Published, dumps: DumpSet, settings: Settings) -> list[ox.Triple]:
    """The DCAT-AP 3.0.1 description: catalogue, dataset, one distribution per dump, the SPARQL service
    (``server.publish.catalog_versions`` adds the versions)."""
    base = published.base_iri
    g = TripleBuilder()
    catalog = ox.NamedNode(f"{base}catalog")
    dataset = ox.NamedNode(dataset_iri(base))
    service = ox.NamedNode(f"{base}catalog#sparql-service")
    publisher = _agent(g, base, settings)
    contact = _contact(g, base, settings)
    modified = typed_literal(published.modified.isoformat(), "dateTime")
    home = g.typed(base, FOAF + "Document")

    g.add(catalog, RDF + "type", DCAT + "Catalog")
    g.texts(catalog, DCT + "title", {k: f"{v} – catalogue" if k == "en" else v for k, v in TITLE.items()})
    g.texts(catalog, DCT + "description", DESCRIPTION)
    g.add(catalog, DCT + "publisher", publisher)
    g.add(catalog, FOAF + "homepage", home)
    g.add(catalog, DCT + "issued", modified)
    g.add(catalog, DCT + "modified", modified)
    g.add(catalog, DCT + "license", _licence(g))
    g.add(catalog, DCT + "spatial", _spatial(g))
    g.add(catalog, DCAT + "themeTaxonomy", _theme_scheme(g))
    g.add(catalog, DCAT + "dataset", dataset)
    g.add(catalog, DCAT + "service", service)
    for language in _languages(g):
        g.add(catalog, DCT + "language", language)

    _dataset(g, published, dataset, publisher, contact, modified, home)
    for f in dumps.files:
        g.add(dataset, DCAT + "distribution", distribution(g, base, f, modified))
    _service(g, base, service, dataset, publisher, contact)
    return list(g.triples)


def _dataset(
    g: TripleBuilder,
    published: Published,
    dataset: ox.NamedNode,
    publisher: ox.NamedNode,
    contact: ox.NamedNode,
    modified: ox.Literal,
    home: ox.NamedNode,
) -> None:
    period = temporal_coverage(published)
    describe_dataset(g, published.base_iri, dataset, publisher, contact, home, TITLE, period)
    g.add(dataset, DCT + "modified", modified)
    g.add(dataset, DCAT + "version", ox.Literal(published.version))


def describe_dataset(
    g: TripleBuilder,
    base: str,
    dataset: ox.NamedNode,
    publisher: ox.NamedNode,
    contact: ox.NamedNode,
    home: ox.NamedNode,
    title: dict[str, str],
    period: tuple[date, date] | None,
) -> None:
    """What the dataset and each of its versions (``server.publish.catalog_versions``) say alike."""
    g.add(dataset, RDF + "type", DCAT + "Dataset")
    g.texts(dataset, DCT + "title", title)
    g.texts(dataset, DCT + "description", DESCRIPTION)
    g.add(dataset, DCT + "publisher", publisher)
    g.add(dataset, DCAT + "contactPoint", contact)
    g.add(dataset, DCT + "license", _licence(g))
    g.add(dataset, DCT + "spatial", _spatial(g))
    g.add(dataset, DCT + "accessRights", g.typed(AUTHORITY + "access-right/PUBLIC", DCT + "RightsStatement"))
    g.add(dataset, DCT + "accrualPeriodicity", g.typed(AUTHORITY + "frequency/IRREG", DCT + "Frequency"))
    g.add(dataset, DCAT + "landingPage", home)
    g.add(dataset, DCT + "conformsTo", g.typed(ontology_ns(base).rstrip("/"), DCT + "Standard"))
    for code, label in THEMES.items():
        theme = g.typed(AUTHORITY + "data-theme/" + code, SKOS + "Concept", label=label)
        g.add(theme, SKOS + "inScheme", AUTHORITY + "data-theme")
        g.add(dataset, DCAT + "theme", theme)
    for lang, words in KEYWORDS.items():
        for word in words:
            g.add(dataset, DCAT + "keyword", ox.Literal(word, language=lang))
    for language in _languages(g):
        g.add(dataset, DCT + "language", language)
    if period is not None:
        node = ox.NamedNode(f"{dataset.value.split('#')[0]}#temporal-coverage")
        g.add(node, RDF + "type", DCT + "PeriodOfTime")
        g.add(node, DCAT + "startDate", typed_literal(period[0].isoformat(), "date"))
        g.add(node, DCAT + "endDate", typed_literal(period[1].isoformat(), "date"))
        g.add(dataset, DCT + "temporal", node)


def distribution(
    g: TripleBuilder,
    base: str,
    f: DumpFile,
    modified: ox.Literal,
    at: str | None = None,
    url: str | None = None,
) -> ox.NamedNode:
    """A dump file as a DCAT distribution; ``at`` is the IRI of the version it belongs to, whose dumps are
    served under it, ``url`` where the file is when not among them."""
    kind = KINDS[f.kind]
    node = ox.NamedNode(f"{at}#dump-{f.name}" if at else f"{base}catalog#dump-{f.name}")
    url_node = ox.NamedNode(url or (f"{at}/dumps/{f.name}" if at else dump_url(base, f.name)))
    what = KIND_TEXT[f.kind] if f.graph is None else f"the named graph <{f.graph}> as {kind.format.name}"
    g.add(node, RDF + "type", DCAT + "Distribution")
    g.add(node, DCT + "title", ox.Literal(f.name, language="en"))
    g.add(
        node,
        DCT + "description",
        ox.Literal(f"Dump of {what}" + (", gzip-compressed." if f.compressed else "."), language="en"),
    )
    g.add(node, DCAT + "accessURL", url_node)
    g.add(node, DCAT + "downloadURL", url_node)
    g.add(node, DCAT + "mediaType", g.typed(IANA_MEDIA_TYPES + kind.media_type, DCT + "MediaType"))
    if f.compressed:
        g.add(node, DCAT + "compressFormat", g.typed(IANA_MEDIA_TYPES + GZIP, DCT + "MediaType"))
    g.add(node, DCT + "format", g.typed(AUTHORITY + "file-type/" + kind.file_type, DCT + "MediaTypeOrExtent"))
    g.add(node, DCAT + "byteSize", typed_literal(f.size, "nonNegativeInteger"))
    checksum = ox.NamedNode(f"{at}#sha256-{f.name}" if at else f"{base}catalog#sha256-{f.name}")
    g.add(node, SPDX + "checksum", checksum)
    g.add(checksum, RDF + "type", SPDX + "Checksum")
    g.add(
        checksum, SPDX + "algorithm", g.typed(SPDX + "checksumAlgorithm_sha256", SPDX + "ChecksumAlgorithm")
    )
    g.add(checksum, SPDX + "checksumValue", typed_literal(f.sha256, "hexBinary"))
    g.add(node, DCT + "license", _licence(g))
    g.add(node, DCT + "modified", modified)
    availability = g.typed(DCATAP + "stable", SKOS + "Concept", label="stable")
    g.add(node, DCATAP + "availability", availability)
    return node


def _service(
    g: TripleBuilder,
    base: str,
    service: ox.NamedNode,
    dataset: ox.NamedNode,
    publisher: ox.NamedNode,
    contact: ox.NamedNode,
) -> None:
    endpoint = ox.NamedNode(f"{base}sparql")
    g.add(service, RDF + "type", DCAT + "DataService")
    g.texts(service, DCT + "title", SERVICE_TITLE)
    g.add(
        service,
        DCT + "description",
        ox.Literal(
            "Read-only SPARQL 1.1 Query endpoint over every named graph; a GET without a query returns its "
            "service description.",
            language="en",
        ),
    )
    g.add(
        service,
        DCAT + "endpointURL",
        g.typed(endpoint.value, RDFS + "Resource"),
    )
    g.add(service, DCAT + "endpointDescription", endpoint)
    g.add(service, DCAT + "servesDataset", dataset)
    g.add(service, DCT + "conformsTo", g.typed("https://www.w3.org/TR/sparql11-protocol/", DCT + "Standard"))
    g.add(service, DCT + "publisher", publisher)
    g.add(service, DCAT + "contactPoint", contact)
    g.add(service, DCT + "license", _licence(g))
    g.add(service, DCT + "accessRights", g.typed(AUTHORITY + "access-right/PUBLIC", DCT + "RightsStatement"))
    for code in THEMES:
        g.add(service, DCAT + "theme", AUTHORITY + "data-theme/" + code)
    for word in ("SPARQL", "linked data", "smart specialisation"):
        g.add(service, DCAT + "keyword", ox.Literal(word, language="en"))


def _agent(g: TripleBuilder, base: str, settings: Settings) -> ox.NamedNode:
    agent = ox.NamedNode(f"{base}catalog#publisher")
    g.add(agent, RDF + "type", FOAF + "Agent")
    g.add(agent, FOAF + "name", ox.Literal(settings.publisher_name))
    g.add(agent, FOAF + "homepage", settings.publisher_homepage or base)
    kind = g.typed(PUBLISHER_TYPE, SKOS + "Concept", label="Non-Profit Organisation")
    g.add(agent, DCT + "type", kind)
    return agent


def _contact(g: TripleBuilder, base: str, settings: Settings) -> ox.NamedNode:
    # An organisational contact (vcard:Organization), never a person's own address.
    contact = ox.NamedNode(f"{base}catalog#contact")
    g.add(contact, RDF + "type", VCARD + "Kind")
    g.add(contact, RDF + "type", VCARD + "Organization")
    g.add(contact, VCARD + "fn", ox.Literal(settings.publisher_name))
    g.add(contact, VCARD + "hasURL", settings.publisher_homepage or base)
    if settings.contact_email:
        g.add(contact, VCARD + "hasEmail", f"mailto:{settings.contact_email}")
    return contact


def _licence(g: TripleBuilder) -> ox.NamedNode:
    licence = g.typed(
        LICENCE,
        DCT + "LicenseDocument",
        label="Creative Commons Attribution 4.0 International",
        label_p=RDFS + "label",
    )
    g.add(licence, DCT + "type", g.typed(LICENCE_TYPE, SKOS + "Concept", label="Attribution"))
    return licence


def _spatial(g: TripleBuilder) -> ox.NamedNode:
    node = g.typed(NUTS_KANTA_HAME, DCT + "Location")
    g.add(node, SKOS + "prefLabel", ox.Literal("Kanta-Häme", language="fi"))
    g.add(node, SKOS + "notation", ox.Literal("FI1C2"))
    return node


def _theme_scheme(g: TripleBuilder) -> ox.NamedNode:
    scheme = g.typed(AUTHORITY + "data-theme", SKOS + "ConceptScheme")
    g.add(scheme, DCT + "title", ox.Literal("Data theme", language="en"))
    return scheme


def _languages(g: TripleBuilder) -> list[ox.NamedNode]:
    return [g.typed(AUTHORITY + "language/" + code, DCT + "LinguisticSystem") for code in LANGUAGES]


def temporal_coverage(published: Published) -> tuple[date, date] | None:
    """The first and last day the data speaks of: projects' planned dates and programme periods (years)."""
    smh = ontology_ns(published.base_iri)
    firsts = [
        *_days(published, smh + "plannedStart", "-01-01"),
        *_days(published, smh + "periodStart", "-01-01"),
    ]
    lasts = [*_days(published, smh + "plannedEnd", "-12-31"), *_days(published, smh + "periodEnd", "-12-31")]
    return (min(firsts), max(lasts)) if firsts and lasts else None


def _days(published: Published, predicate: str, year_day: str) -> Iterator[date]:
    # Streams the values: one date per project at most, never the dataset.
    for q in published.store.quads_for_pattern(None, ox.NamedNode(predicate), None):
        if not isinstance(q.object, ox.Literal):
            continue
        text = q.object.value + year_day if q.object.datatype.value == XSD + "gYear" else q.object.value[:10]
        try:
            yield date.fromisoformat(text)
        except ValueError:
            continue
