"""IRIs the code refers to by name: the minted namespaces, the named graphs and the shared prefixes.

Everything minted lives under one base IRI (default ``https://w3id.org/smart-hame/``); the files in
``ontology/`` and ``data/`` are written against the default base and rebased at load time, so these
helpers take the base as an argument instead of holding a global.
"""

from __future__ import annotations

from collections.abc import Iterable

from server.settings import DEFAULT_BASE_IRI

# Named graphs, by short name. Each source file feeds exactly one of them (see server.graph.loading.SOURCES).
GRAPH_NAMES = ("ontology", "shapes", "strategy", "actors", "projects", "classification", "links")


def graph_iri(name: str, base: str = DEFAULT_BASE_IRI) -> str:
    return f"{base}graph/{name}"


def ontology_ns(base: str = DEFAULT_BASE_IRI) -> str:
    return f"{base}ontology/"


def shapes_ns(base: str = DEFAULT_BASE_IRI) -> str:
    return f"{base}shapes/"


# Prefixes offered to analysts (query editor, saved queries, Turtle output). Namespaces are the verified
# ones from ../shared/reference/vocabularies.md §8.
STANDARD_PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "skosxl": "http://www.w3.org/2008/05/skos-xl#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "sh": "http://www.w3.org/ns/shacl#",
    "org": "http://www.w3.org/ns/org#",
    "legal": "http://www.w3.org/ns/legal#",
    "adms": "http://www.w3.org/ns/adms#",
    "locn": "http://www.w3.org/ns/locn#",
    "person": "http://www.w3.org/ns/person#",
    "cv": "http://data.europa.eu/m8g/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatap": "http://data.europa.eu/r5r/",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "schema": "http://schema.org/",
    "eurio": "http://data.europa.eu/s66#",
    "nutscode": "http://data.europa.eu/nuts/code/",
    "euprog": "http://publications.europa.eu/resource/authority/eu-programme/",
    "country": "http://publications.europa.eu/resource/authority/country/",
    "eurovoc": "http://eurovoc.europa.eu/",
    "yso": "http://www.yso.fi/onto/yso/",
    "kunta": "http://uri.suomi.fi/codelist/jhs/kunta_1_20230101/code/",
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
