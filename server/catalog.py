"""The dataset described for catalogues: DCAT-AP 3.0.1 (``/catalog``) and VoID (``/.well-known/void``).

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
from dataclasses import dataclass
from datetime import date

import pyoxigraph as ox

from server.dumps import KINDS, DumpFile, DumpSet, dump_plan
from server.namespaces import STANDARD_PREFIXES, graph_iri, ontology_ns, prefixes
from server.settings import Settings
from server.store import Published

RDF = STANDARD_PREFIXES["rdf"]
XSD = STANDARD_PREFIXES["xsd"]
DCT = STANDARD_PREFIXES["dct"]
DCAT = STANDARD_PREFIXES["dcat"]
DCATAP = STANDARD_PREFIXES["dcatap"]
FOAF = STANDARD_PREFIXES["foaf"]
SKOS = STANDARD_PREFIXES["skos"]
VOID = STANDARD_PREFIXES["void"]
VCARD = "http://www.w3.org/2006/vcard/ns#"
SPDX = "http://spdx.org/rdf/terms#"
FORMATS = "http://www.w3.org/ns/formats/"
AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
LICENCE = AUTHORITY + "licence/CC_BY_4_0"
LICENCE_TYPE = "http://purl.org/adms/licencetype/Attribution"
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/NonProfitOrganisation"
NUTS_KANTA_HAME = "http://data.europa.eu/nuts/code/FI1C2"
THEMES = {"REGI": "Regions and cities", "ECON": "Economy and finance", "TECH": "Science and technology"}
LANGUAGES = {"FIN": "Finnish", "SWE": "Swedish", "ENG": "English"}
# Graphs that are not the dataset's own facts: the model, its shapes, and labels of what we link to.
NOT_DATA_GRAPHS = ("ontology", "shapes", "links")

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
    "finansierade projekt och en motiverad klassificering av projekten enligt spetsarna. Varje uppgift har en källa.",
    "en": "Open knowledge graph of Kanta-Häme's smart specialisation strategy (Smart Häme): strategies and "
    "regional programmes, spearheads and strategic choices, actors, EU and nationally funded projects, and a "
    "reasoned classification of the projects against the spearheads. Every fact has a source.",
}
KEYWORDS = {
    "fi": ("älykäs erikoistuminen", "Kanta-Häme", "aluekehitys", "hankkeet", "EU-rahoitus", "innovaatiot"),
    "sv": ("smart specialisering", "Egentliga Tavastland", "regional utveckling", "projekt", "EU-finansiering",
           "innovationer"),
    "en": ("smart specialisation", "Kanta-Häme", "regional development", "projects", "EU funding", "innovation"),
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


@dataclass(frozen=True)
class LinkTarget:
    """An external vocabulary we link to, counted as one VoID linkset."""

    key: str
    title: str
    namespace: str  # object IRIs starting with this are links to the target
    homepage: str


LINK_TARGETS = (
    LinkTarget("nuts", "NUTS statistical regions (Eurostat)", "http://data.europa.eu/nuts/code/",
               "https://ec.europa.eu/eurostat/web/nuts"),
    LinkTarget("kunta", "Finnish municipality codes (JHS, uri.suomi.fi)", "http://uri.suomi.fi/codelist/jhs/kunta_",
               "http://uri.suomi.fi/codelist/jhs/kunta_1_20230101"),
    LinkTarget("eu-authority", "EU authority tables (Publications Office)", AUTHORITY,
               "http://publications.europa.eu/resource/authority"),
    LinkTarget("eurovoc", "EuroVoc", "http://eurovoc.europa.eu/", "http://eurovoc.europa.eu/100141"),
    LinkTarget("yso", "YSO General Finnish Ontology", "http://www.yso.fi/onto/yso/", "http://www.yso.fi/onto/yso/"),
)


class _Graph:
    """A list of triples with terse adders; the builders below read like the Turtle they produce."""

    def __init__(self) -> None:
        self.triples: dict[ox.Triple, None] = {}

    def add(self, s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal | str) -> None:
        obj = ox.NamedNode(o) if isinstance(o, str) else o
        self.triples[ox.Triple(s, ox.NamedNode(p), obj)] = None

    def texts(self, s: ox.NamedNode, p: str, by_lang: dict[str, str]) -> None:
        for lang, text in by_lang.items():
            self.add(s, p, ox.Literal(text, language=lang))

    def typed(self, iri: str, *classes: str, label: str | None = None, label_p: str = SKOS + "prefLabel") -> ox.NamedNode:
        node = ox.NamedNode(iri)
        for c in classes:
            self.add(node, RDF + "type", c)
        if label:
            self.add(node, label_p, ox.Literal(label, language="en"))
        return node


def _lit(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))


def dataset_iri(base: str) -> str:
    return f"{base}catalog#dataset"


def dump_url(base: str, name: str) -> str:
    return f"{base}dumps/{name}"


def catalog_graph(published: Published, dumps: DumpSet, settings: Settings) -> list[ox.Triple]:
    """The DCAT-AP 3.0.1 description: catalogue, dataset, one distribution per dump, the SPARQL service."""
    base = published.base_iri
    g = _Graph()
    catalog = ox.NamedNode(f"{base}catalog")
    dataset = ox.NamedNode(dataset_iri(base))
    service = ox.NamedNode(f"{base}catalog#sparql-service")
    publisher = _agent(g, base, settings)
    contact = _contact(g, base, settings)
    modified = _lit(published.modified.isoformat(), "dateTime")
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
    for lang in _languages(g):
        g.add(catalog, DCT + "language", lang)

    _dataset(g, published, dataset, publisher, contact, modified, home)
    for f in dumps.files:
        g.add(dataset, DCAT + "distribution", _distribution(g, base, f, modified))
    _service(g, base, service, dataset, publisher, contact)
    return list(g.triples)


def _dataset(g: _Graph, published: Published, dataset: ox.NamedNode, publisher: ox.NamedNode,
             contact: ox.NamedNode, modified: ox.Literal, home: ox.NamedNode) -> None:
    base = published.base_iri
    g.add(dataset, RDF + "type", DCAT + "Dataset")
    g.texts(dataset, DCT + "title", TITLE)
    g.texts(dataset, DCT + "description", DESCRIPTION)
    g.add(dataset, DCT + "publisher", publisher)
    g.add(dataset, DCAT + "contactPoint", contact)
    g.add(dataset, DCT + "license", _licence(g))
    g.add(dataset, DCT + "spatial", _spatial(g))
    g.add(dataset, DCT + "accessRights", g.typed(AUTHORITY + "access-right/PUBLIC", DCT + "RightsStatement"))
    g.add(dataset, DCT + "accrualPeriodicity", g.typed(AUTHORITY + "frequency/IRREG", DCT + "Frequency"))
    g.add(dataset, DCT + "modified", modified)
    g.add(dataset, DCAT + "landingPage", home)
    g.add(dataset, DCAT + "version", ox.Literal(published.version))
    g.add(dataset, DCT + "conformsTo", g.typed(ontology_ns(base).rstrip("/"), DCT + "Standard"))
    for code, label in THEMES.items():
        theme = g.typed(AUTHORITY + "data-theme/" + code, SKOS + "Concept", label=label)
        g.add(theme, SKOS + "inScheme", AUTHORITY + "data-theme")
        g.add(dataset, DCAT + "theme", theme)
    for lang, words in KEYWORDS.items():
        for word in words:
            g.add(dataset, DCAT + "keyword", ox.Literal(word, language=lang))
    for lang in _languages(g):
        g.add(dataset, DCT + "language", lang)
    period = temporal_coverage(published)
    if period is not None:
        node = ox.NamedNode(f"{base}catalog#temporal-coverage")
        g.add(node, RDF + "type", DCT + "PeriodOfTime")
        g.add(node, DCAT + "startDate", _lit(period[0].isoformat(), "date"))
        g.add(node, DCAT + "endDate", _lit(period[1].isoformat(), "date"))
        g.add(dataset, DCT + "temporal", node)


def _distribution(g: _Graph, base: str, f: DumpFile, modified: ox.Literal) -> ox.NamedNode:
    kind = KINDS[f.kind]
    node = ox.NamedNode(f"{base}catalog#dump-{f.name}")
    url = ox.NamedNode(dump_url(base, f.name))
    what = KIND_TEXT[f.kind] if f.graph is None else f"the named graph <{f.graph}> as {kind.format.name}"
    g.add(node, RDF + "type", DCAT + "Distribution")
    g.add(node, DCT + "title", ox.Literal(f.name, language="en"))
    g.add(node, DCT + "description", ox.Literal(
        f"Dump of {what}" + (", gzip-compressed." if f.compressed else "."), language="en"))
    g.add(node, DCAT + "accessURL", url)
    g.add(node, DCAT + "downloadURL", url)
    g.add(node, DCAT + "mediaType", g.typed(IANA + kind.media_type, DCT + "MediaType"))
    if f.compressed:
        g.add(node, DCAT + "compressFormat", g.typed(IANA + "application/gzip", DCT + "MediaType"))
    g.add(node, DCT + "format", g.typed(AUTHORITY + "file-type/" + kind.file_type, DCT + "MediaTypeOrExtent"))
    g.add(node, DCAT + "byteSize", _lit(f.size, "nonNegativeInteger"))
    checksum = ox.NamedNode(f"{base}catalog#sha256-{f.name}")
    g.add(node, SPDX + "checksum", checksum)
    g.add(checksum, RDF + "type", SPDX + "Checksum")
    g.add(checksum, SPDX + "algorithm", g.typed(SPDX + "checksumAlgorithm_sha256", SPDX + "ChecksumAlgorithm"))
    g.add(checksum, SPDX + "checksumValue", _lit(f.sha256, "hexBinary"))
    g.add(node, DCT + "license", _licence(g))
    g.add(node, DCT + "modified", modified)
    availability = g.typed(DCATAP + "stable", SKOS + "Concept", label="stable")
    g.add(node, DCATAP + "availability", availability)
    return node


def _service(g: _Graph, base: str, service: ox.NamedNode, dataset: ox.NamedNode, publisher: ox.NamedNode,
             contact: ox.NamedNode) -> None:
    endpoint = ox.NamedNode(f"{base}sparql")
    g.add(service, RDF + "type", DCAT + "DataService")
    g.texts(service, DCT + "title", SERVICE_TITLE)
    g.add(service, DCT + "description", ox.Literal(
        "Read-only SPARQL 1.1 Query endpoint over every named graph; a GET without a query returns its "
        "service description.", language="en"))
    g.add(service, DCAT + "endpointURL", g.typed(endpoint.value, "http://www.w3.org/2000/01/rdf-schema#Resource"))
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


def _agent(g: _Graph, base: str, settings: Settings) -> ox.NamedNode:
    agent = ox.NamedNode(f"{base}catalog#publisher")
    g.add(agent, RDF + "type", FOAF + "Agent")
    g.add(agent, FOAF + "name", ox.Literal(settings.publisher_name))
    g.add(agent, FOAF + "homepage", settings.publisher_homepage or base)
    kind = g.typed(PUBLISHER_TYPE, SKOS + "Concept", label="Non-Profit Organisation")
    g.add(agent, DCT + "type", kind)
    return agent


def _contact(g: _Graph, base: str, settings: Settings) -> ox.NamedNode:
    # An organisational contact (vcard:Organization), never a person's own address.
    contact = ox.NamedNode(f"{base}catalog#contact")
    g.add(contact, RDF + "type", VCARD + "Kind")
    g.add(contact, RDF + "type", VCARD + "Organization")
    g.add(contact, VCARD + "fn", ox.Literal(settings.publisher_name))
    g.add(contact, VCARD + "hasURL", settings.publisher_homepage or base)
    if settings.contact_email:
        g.add(contact, VCARD + "hasEmail", f"mailto:{settings.contact_email}")
    return contact


def _licence(g: _Graph) -> ox.NamedNode:
    licence = g.typed(LICENCE, DCT + "LicenseDocument", label="Creative Commons Attribution 4.0 International",
                      label_p=STANDARD_PREFIXES["rdfs"] + "label")
    g.add(licence, DCT + "type", g.typed(LICENCE_TYPE, SKOS + "Concept", label="Attribution"))
    return licence


def _spatial(g: _Graph) -> ox.NamedNode:
    node = g.typed(NUTS_KANTA_HAME, DCT + "Location")
    g.add(node, SKOS + "prefLabel", ox.Literal("Kanta-Häme", language="fi"))
    g.add(node, SKOS + "notation", ox.Literal("FI1C2"))
    return node


def _theme_scheme(g: _Graph) -> ox.NamedNode:
    scheme = g.typed(AUTHORITY + "data-theme", SKOS + "ConceptScheme")
    g.add(scheme, DCT + "title", ox.Literal("Data theme", language="en"))
    return scheme


def _languages(g: _Graph) -> list[ox.NamedNode]:
    return [g.typed(AUTHORITY + "language/" + code, DCT + "LinguisticSystem") for code in LANGUAGES]


def temporal_coverage(published: Published) -> tuple[date, date] | None:
    """The first and last day the data speaks of: projects' planned dates and programme periods (years)."""
    smh = ontology_ns(published.base_iri)
    firsts = [*_days(published, smh + "plannedStart", "-01-01"), *_days(published, smh + "periodStart", "-01-01")]
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


# ------------------------------------------------------------------------------------------------ VoID


def void_graph(published: Published, dumps: DumpSet) -> list[ox.Triple]:
    """The VoID description: counts and partitions from the merged graph, subsets, dumps, linksets."""
    base = published.base_iri
    g = _Graph()
    dataset = ox.NamedNode(dataset_iri(base))
    merged = dumps.merged
    g.add(dataset, RDF + "type", VOID + "Dataset")
    g.texts(dataset, DCT + "title", TITLE)
    g.add(dataset, DCT + "license", LICENCE)
    g.add(dataset, DCT + "modified", _lit(published.modified.isoformat(), "dateTime"))
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
    g.add(dataset, VOID + "triples", _lit(merged.triples, "integer"))
    g.add(dataset, VOID + "classes", _lit(len(merged.classes), "integer"))
    g.add(dataset, VOID + "properties", _lit(len(merged.properties), "integer"))
    subjects, entities = distinct_subjects(published)
    g.add(dataset, VOID + "distinctSubjects", _lit(subjects, "integer"))
    g.add(dataset, VOID + "entities", _lit(entities, "integer"))
    for cls, n in sorted(merged.classes.items()):
        part = ox.BlankNode()
        g.add(dataset, VOID + "classPartition", part)
        g.add(part, VOID + "class", cls)
        g.add(part, VOID + "entities", _lit(n, "integer"))
    for prop, n in sorted(merged.properties.items()):
        part = ox.BlankNode()
        g.add(dataset, VOID + "propertyPartition", part)
        g.add(part, VOID + "property", prop)
        g.add(part, VOID + "triples", _lit(n, "integer"))
    _subsets(g, published, dumps, dataset)
    _linksets(g, published, dataset)
    return list(g.triples)


def _subsets(g: _Graph, published: Published, dumps: DumpSet, dataset: ox.NamedNode) -> None:
    for graph, triples in sorted(dumps.graphs.items()):
        g.add(dataset, VOID + "subset", ox.NamedNode(graph))
        for t in graph_description(published, graph, triples):
            g.triples[t] = None


def graph_description(published: Published, graph: str, triples: int) -> list[ox.Triple]:
    """A named graph as a VoID subset: its size, dumps and endpoint (also the RDF its IRI resolves to)."""
    base = published.base_iri
    g = _Graph()
    node = ox.NamedNode(graph)
    g.add(node, RDF + "type", VOID + "Dataset")
    g.add(node, DCT + "title", ox.Literal(f"Named graph {graph.removeprefix(base)}", language="en"))
    g.add(node, VOID + "triples", _lit(triples, "integer"))
    g.add(node, VOID + "sparqlEndpoint", f"{base}sparql")
    g.add(node, DCT + "isPartOf", dataset_iri(base))
    for name, _, of in dump_plan(published):
        if of == graph:
            g.add(node, VOID + "dataDump", dump_url(base, name))
            g.add(node, VOID + "dataDump", dump_url(base, name + ".gz"))
    return list(g.triples)


def _linksets(g: _Graph, published: Published, dataset: ox.NamedNode) -> None:
    base = published.base_iri
    for target, per_predicate in link_counts(published).items():
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
        g.add(linkset, VOID + "triples", _lit(sum(per_predicate.values()), "integer"))
        for i, (predicate, n) in enumerate(sorted(per_predicate.items()), start=1):
            part = ox.NamedNode(f"{base}.well-known/void#links-{t.key}-{i}")
            g.add(linkset, VOID + "subset", part)
            g.add(part, RDF + "type", VOID + "Linkset")
            g.add(part, VOID + "subjectsTarget", dataset)
            g.add(part, VOID + "objectsTarget", other)
            g.add(part, VOID + "linkPredicate", predicate)
            g.add(part, VOID + "triples", _lit(n, "integer"))


def link_counts(published: Published) -> dict[str, dict[str, int]]:
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
    bound = {ox.Variable(n): ox.NamedNode(graph_iri(n, published.base_iri)) for n in NOT_DATA_GRAPHS}
    counts: dict[str, dict[str, int]] = {}
    for t in LINK_TARGETS:
        rows = published.store.query(query, substitutions={**bound, ox.Variable("ns"): ox.Literal(t.namespace)})
        counts[t.key] = {row["p"].value: int(row["n"].value) for row in rows}
    return counts


def distinct_subjects(published: Published) -> tuple[int, int]:
    """(distinct subjects of the merged graph, of which IRIs minted under the base: VoID's entities)."""
    # ?base is projected because oxigraph substitutes only projected variables.
    query = """
        SELECT ?base (COUNT(?s) AS ?all) (SUM(IF(isIRI(?s) && STRSTARTS(STR(?s), ?base), 1, 0)) AS ?own) WHERE {
          { SELECT DISTINCT ?base ?s WHERE { GRAPH ?g { ?s ?p ?o } } }
        } GROUP BY ?base"""
    row = next(iter(published.store.query(query, substitutions={ox.Variable("base"): ox.Literal(published.base_iri)})))
    return int(row["all"].value), int(row["own"].value)


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
