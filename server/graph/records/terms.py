"""Namespaces, IRI minting and literal helpers shared by the graph builders (see docs/model.md)."""

from __future__ import annotations

import re
import unicodedata

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import XSD

from server.graph.vocabulary import STANDARD_PREFIXES, minted_prefixes, ontology_ns
from server.settings import DEFAULT_BASE_IRI

# The converter writes files against the default base; loading rebases them (server.graph.loading).
BASE = DEFAULT_BASE_IRI


def _ns(prefix: str) -> Namespace:
    return Namespace(STANDARD_PREFIXES[prefix])


SMH = Namespace(ontology_ns(BASE))
SKOS = _ns("skos")
SKOSXL = _ns("skosxl")
DCT = _ns("dct")
FOAF = _ns("foaf")
PROV = _ns("prov")
ORG = _ns("org")
LEGAL = _ns("legal")
ADMS = _ns("adms")
PERSON = _ns("person")
CV = _ns("cv")
SCHEMA = _ns("schema")
EURIO = _ns("eurio")
NUTS = _ns("nutscode")
EUPROG = _ns("euprog")
COUNTRY = _ns("country")
EUROVOC = _ns("eurovoc")
YSO = _ns("yso")
KUNTA = _ns("kunta")

# Prefixes written into the data files: the shared table of server.graph.vocabulary (the standard
# vocabularies and one prefix per kind of minted resource); a file declares only those it uses.
PREFIXES: dict[str, str] = {**STANDARD_PREFIXES, **minted_prefixes(BASE)}

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
