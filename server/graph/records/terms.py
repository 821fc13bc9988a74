"""Namespaces, IRI minting and literal helpers shared by the graph builders (see docs/model.md)."""

from __future__ import annotations

import re
import unicodedata

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import XSD

BASE = "https://w3id.org/smart-hame/"

SMH = Namespace(BASE + "ontology/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
LEGAL = Namespace("http://www.w3.org/ns/legal#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
PERSON = Namespace("http://www.w3.org/ns/person#")
CV = Namespace("http://data.europa.eu/m8g/")
SCHEMA = Namespace("http://schema.org/")
EURIO = Namespace("http://data.europa.eu/s66#")
NUTS = Namespace("http://data.europa.eu/nuts/code/")
EUPROG = Namespace("http://publications.europa.eu/resource/authority/eu-programme/")
COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
EUROVOC = Namespace("http://eurovoc.europa.eu/")
YSO = Namespace("http://www.yso.fi/onto/yso/")
KUNTA = Namespace("http://uri.suomi.fi/codelist/jhs/kunta_1_20230101/code/")

# Prefixes written into the data files: the standard ones of server/namespaces.py plus one per kind of
# minted resource, so that `project:A70870` reads as what it is.
PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dct": str(DCT),
    "foaf": str(FOAF),
    "prov": str(PROV),
    "org": str(ORG),
    "legal": str(LEGAL),
    "adms": str(ADMS),
    "person": str(PERSON),
    "cv": str(CV),
    "schema": str(SCHEMA),
    "eurio": str(EURIO),
    "nutscode": str(NUTS),
    "euprog": str(EUPROG),
    "country": str(COUNTRY),
    "eurovoc": str(EUROVOC),
    "yso": str(YSO),
    "kunta": str(KUNTA),
    "res": BASE,
    "smh": str(SMH),
    "strategy": BASE + "strategy/",
    "programme": BASE + "programme/",
    "progevent": BASE + "event/",
    "scheme": BASE + "scheme/",
    "spearhead": BASE + "concept/spearheads/",
    "choice": BASE + "concept/strategic-choices/",
    "tavastia": BASE + "concept/smart-tavastia-spearheads/",
    "amount": BASE + "concept/amount-types/",
    "orgtype": BASE + "concept/organisation-types/",
    "event": BASE + "concept/programme-event-types/",
    "fund": BASE + "concept/funds/",
    "organisation": BASE + "organisation/",
    "people": BASE + "person/",
    "membership": BASE + "membership/",
    "project": BASE + "project/",
    "classification": BASE + "classification/",
    "governance": BASE + "governance/",
    "portfolio": BASE + "portfolio/",
    "agent": BASE + "agent/",
    "mapping": BASE + "mapping/",
    "graph": BASE + "graph/",
}

_TRANSLIT = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "’": "", "'": ""})


def slug(text: str, limit: int = 80) -> str:
    """ASCII, lower case, words joined by '-', cut at a word boundary after at most ``limit`` characters."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT)).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for w in words:
        candidate = f"{out}-{w}" if out else w
        if len(candidate) > limit and out:
            break
        out = candidate
    return out


def res(path: str) -> URIRef:
    return URIRef(BASE + path)


def fi(text: str) -> Literal:
    return Literal(text, lang="fi")


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def lang(text: str, language: str | None) -> Literal:
    return Literal(text, lang=language) if language else Literal(text)


def date(value: str) -> Literal:
    """``2015-06-01`` -> xsd:date, ``2020-08`` -> xsd:gYearMonth, ``2017`` -> xsd:gYear."""
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return Literal(value, datatype=XSD.date)
    if re.fullmatch(r"\d{4}-\d\d", value):
        return Literal(value, datatype=XSD.gYearMonth)
    if re.fullmatch(r"\d{4}", value):
        return Literal(value, datatype=XSD.gYear)
    raise ValueError(f"not a date: {value!r}")


def year(value: str | int) -> Literal:
    return Literal(str(value), datatype=XSD.gYear)


def integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def decimal(value: str) -> Literal:
    return Literal(value, datatype=XSD.decimal)


def url(text: str) -> URIRef:
    """A source URL as an IRI; a bare host name ('www.fskk.fi') gets http://."""
    text = text.strip()
    if not re.match(r"https?://", text):
        text = "http://" + text
    return URIRef(text.replace(" ", "%20"))


def split_annotated_url(text: str) -> tuple[URIRef, str | None]:
    """'https://x/y (MYR 8.12.2014 puolsi)' -> (IRI, 'MYR 8.12.2014 puolsi')."""
    m = re.fullmatch(r"(\S+)\s*(?:\((.*)\))?\s*", text)
    if not m:
        raise ValueError(f"not a URL: {text!r}")
    return url(m.group(1)), m.group(2)


def business_id_valid(business_id: str) -> bool:
    """Finnish Y-tunnus check digit: weights 7,9,10,5,8,4,2; r = sum % 11; r 0 -> 0, r 1 -> invalid, else 11 - r."""
    m = re.fullmatch(r"(\d{7})-(\d)", business_id)
    if not m:
        return False
    r = sum(int(d) * w for d, w in zip(m.group(1), (7, 9, 10, 5, 8, 4, 2))) % 11
    if r == 1:
        return False
    return (0 if r == 0 else 11 - r) == int(m.group(2))
