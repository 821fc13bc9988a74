"""IRIs the code refers to by name: the minted namespaces, the named graphs, every other namespace
(one constant each, imported wherever it is used) and the prefixes offered to analysts.

Everything minted lives under one base IRI (default ``https://w3id.org/smart-hame/``); the files in
``ontology/`` and ``data/`` are written against the default base and rebased at load time, so these
helpers take the base as an argument instead of holding a global.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from server.settings import DEFAULT_BASE_IRI

# Named graphs, by short name. Each source file feeds exactly one of them (see server.graph.loading.SOURCES).
GRAPH_NAMES = ("ontology", "shapes", "strategy", "actors", "projects", "classification", "links", "publisher")

# What publishers may write as RDF (`smarthame import FILE.ttl`, the Graph Store protocol): statements of
# their own about the graph's entities (links, labels, extra sources). The other graphs are made from
# records or the bundled files, so that a rebuild never loses or duplicates what was written there.
PUBLISHER_GRAPHS = ("publisher",)
# The graphs made from records by server.graph.records (an import re-maps them and applies the difference).
RECORD_GRAPHS = ("strategy", "actors", "projects", "classification", "links")


def graph_iri(name: str, base: str = DEFAULT_BASE_IRI) -> str:
    return f"{base}graph/{name}"


def ontology_ns(base: str = DEFAULT_BASE_IRI) -> str:
    return f"{base}ontology/"


def shapes_ns(base: str = DEFAULT_BASE_IRI) -> str:
    return f"{base}shapes/"


# Namespaces, by the name the code uses. The verified ones are from ../shared/reference/vocabularies.md §8.
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SKOSXL = "http://www.w3.org/2008/05/skos-xl#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
PROV = "http://www.w3.org/ns/prov#"
TIME = "http://www.w3.org/2006/time#"
SH = "http://www.w3.org/ns/shacl#"
ORG = "http://www.w3.org/ns/org#"
LEGAL = "http://www.w3.org/ns/legal#"
ADMS = "http://www.w3.org/ns/adms#"
LOCN = "http://www.w3.org/ns/locn#"
PERSON = "http://www.w3.org/ns/person#"
CV = "http://data.europa.eu/m8g/"
DCAT = "http://www.w3.org/ns/dcat#"
DCATAP = "http://data.europa.eu/r5r/"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
SCHEMA = "http://schema.org/"
EURIO = "http://data.europa.eu/s66#"
NUTS = "http://data.europa.eu/nuts/code/"
AUTHORITY = "http://publications.europa.eu/resource/authority/"  # EU authority tables
EU_PROGRAMME = AUTHORITY + "eu-programme/"
COUNTRY = AUTHORITY + "country/"
EUROVOC = "http://eurovoc.europa.eu/"
YSO = "http://www.yso.fi/onto/yso/"
KUNTA = "http://uri.suomi.fi/codelist/jhs/kunta_1_20230101/code/"
# Referred to by the catalogue and the service description, but not offered as prefixes.
VCARD = "http://www.w3.org/2006/vcard/ns#"
SPDX = "http://spdx.org/rdf/terms#"
FORMATS = "http://www.w3.org/ns/formats/"
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
ENTAILMENT = "http://www.w3.org/ns/entailment/"

RDF_TYPE = ox.NamedNode(RDF + "type")

# Prefixes offered to analysts (query editor, saved queries, Turtle output).
STANDARD_PREFIXES: dict[str, str] = {
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "skosxl": SKOSXL,
    "dct": DCT,
    "foaf": FOAF,
    "prov": PROV,
    "time": TIME,
    "sh": SH,
    "org": ORG,
    "legal": LEGAL,
    "adms": ADMS,
    "locn": LOCN,
    "person": PERSON,
    "cv": CV,
    "dcat": DCAT,
    "dcatap": DCATAP,
    "void": VOID,
    "sd": SD,
    "schema": SCHEMA,
    "eurio": EURIO,
    "nutscode": NUTS,
    "euprog": EU_PROGRAMME,
    "country": COUNTRY,
    "eurovoc": EUROVOC,
    "yso": YSO,
    "kunta": KUNTA,
}


# One prefix per kind of minted resource (docs/model.md, IRIs), so that `project:A70870` reads as what it
# is in the data files the converter writes.
MINTED_KINDS: dict[str, str] = {
    "strategy": "strategy/",
    "programme": "programme/",
    "progevent": "event/",
    "scheme": "scheme/",
    "spearhead": "concept/spearheads/",
    "choice": "concept/strategic-choices/",
    "tavastia": "concept/smart-tavastia-spearheads/",
    "amount": "concept/amount-types/",
    "orgtype": "concept/organisation-types/",
    "event": "concept/programme-event-types/",
    "fund": "concept/funds/",
    "organisation": "organisation/",
    "people": "person/",
    "membership": "membership/",
    "project": "project/",
    "classification": "classification/",
    "governance": "governance/",
    "portfolio": "portfolio/",
    "agent": "agent/",
    "mapping": "mapping/",
    "round": "funding-round/",
    "statistic": "funding-statistic/",
    "context": "context/",
    "fact": "fact/",
    "graph": "graph/",
}


def minted_prefixes(base: str = DEFAULT_BASE_IRI) -> dict[str, str]:
    """``res`` for the base, ``smh`` for the ontology and one prefix per kind of minted resource."""
    return {"res": base, "smh": ontology_ns(base), **{k: base + path for k, path in MINTED_KINDS.items()}}


def prefixes(base: str = DEFAULT_BASE_IRI) -> dict[str, str]:
    """All prefixes, with the project's own (``smh`` ontology, ``smhs`` shapes, ``res`` resources)."""
    return {"smh": ontology_ns(base), "smhs": shapes_ns(base), "res": base, **STANDARD_PREFIXES}


def curie(iri: str, namespaces: Iterable[tuple[str, str]]) -> str | None:
    """``prefix:local`` for the longest of ``(prefix, namespace)`` that ``iri`` starts with and is longer
    than; None when none fits. Pages and result tables both name IRIs this way."""
    best_ns, best = "", None
    for prefix, ns in namespaces:
        if len(ns) > len(best_ns) and len(iri) > len(ns) and iri.startswith(ns):
            best_ns, best = ns, f"{prefix}:{iri[len(ns) :]}"
    return best
