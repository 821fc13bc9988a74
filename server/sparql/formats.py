"""Content negotiation and every media-type table: query results, RDF graphs, pages, listings.

``negotiate(accept, offered, format_param)`` is general: pages, saved queries and the SPARQL endpoint all
call it with their own tuple of offered media types from here (the server's preference order).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox

from server.errors import BadParameter, NotAcceptable
from server.graph.vocabulary import RDF, prefixes

# Media types, by name.
SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
N_TRIPLES = "application/n-triples"
JSON_LD = "application/ld+json"
RDF_XML = "application/rdf+xml"
TRIG = "application/trig"
N_QUADS = "application/n-quads"
HTML = "text/html"
JSON = "application/json"
GZIP = "application/gzip"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
FORM = "application/x-www-form-urlencoded"

# SELECT and ASK results, server preference first.
RESULT_TYPES: tuple[str, ...] = (SPARQL_JSON, SPARQL_XML, CSV, TSV)
# CONSTRUCT and DESCRIBE results (and other RDF documents), server preference first.
GRAPH_TYPES: tuple[str, ...] = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML, TRIG, N_QUADS)

# A resource's page and RDF (``/{path}``): the extension that names each syntax in a path, its label on the
# page, and what is offered, HTML first so that a client that accepts anything gets the page.
RDF_EXTENSIONS: dict[str, str] = {"ttl": TURTLE, "jsonld": JSON_LD, "nt": N_TRIPLES, "rdf": RDF_XML}
RDF_LABELS: dict[str, str] = {
    TURTLE: "Turtle",
    JSON_LD: "JSON-LD",
    N_TRIPLES: "N-Triples",
    RDF_XML: "RDF/XML",
}
PAGE_EXTENSIONS: dict[str, str] = {"html": HTML, **RDF_EXTENSIONS}
PAGE_TYPES: tuple[str, ...] = tuple(PAGE_EXTENSIONS.values())
# The catalogue and VoID documents.
DESCRIPTION_TYPES: tuple[str, ...] = (TURTLE, JSON_LD, RDF_XML, N_TRIPLES)
# A saved query's run (``/queries/{name}[.ext]``): HTML (a table rendered from SPARQL JSON) first, so that a
# browser or a client that accepts anything gets the table.
SAVED_QUERY_EXTENSIONS: dict[str, str] = {
    "html": HTML,
    "json": SPARQL_JSON,
    "csv": CSV,
    "tsv": TSV,
    "xml": SPARQL_XML,
}
SAVED_QUERY_TYPES: tuple[str, ...] = (HTML, SPARQL_JSON, CSV, TSV, SPARQL_XML)
# Listings (``/queries``, ``/dumps/``) are a page or plain JSON; PLAIN_JSON maps the names that ALIASES reads
# as SPARQL JSON back to plain JSON for them.
LISTING_TYPES: tuple[str, ...] = (HTML, JSON)
PLAIN_JSON: dict[str, str] = {"json": JSON, JSON: JSON}
# `smarthame query --format`: what the engine is asked for (a table is printed from SPARQL JSON).
CLI_OUTPUT_TYPES: dict[str, str] = {"table": SPARQL_JSON, "json": SPARQL_JSON, "csv": CSV, "tsv": TSV}
# Each type's name in the W3C formats vocabulary (http://www.w3.org/ns/formats/), for the service description.
W3C_FORMAT_NAMES: dict[str, str] = {
    SPARQL_JSON: "SPARQL_Results_JSON",
    SPARQL_XML: "SPARQL_Results_XML",
    CSV: "SPARQL_Results_CSV",
    TSV: "SPARQL_Results_TSV",
    TURTLE: "Turtle",
    N_TRIPLES: "N-Triples",
    JSON_LD: "JSON-LD",
    RDF_XML: "RDF_XML",
    TRIG: "TriG",
    N_QUADS: "N-Quads",
}
# Content-Type prefixes of responses worth gzipping (text and RDF; not images or archives).
COMPRESSIBLE: tuple[bytes, ...] = (
    b"text/",
    b"application/sparql-results",
    b"application/ld+json",
    b"application/json",
    b"application/rdf+xml",
    b"application/n-triples",
    b"application/n-quads",
    b"application/trig",
    b"application/xml",
    b"application/javascript",
    b"image/svg",
)

# Other names clients use for the types above (Accept values and `format=` values alike).
ALIASES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "srj": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "srx": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "rdf/xml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    # Notation3 is a superset of Turtle: a Turtle document is an N3 one (SPARQLWrapper's N3 asks so).
    "n3": "text/turtle",
    "text/n3": "text/turtle",
    "text/rdf+n3": "text/turtle",
    "application/turtle": "text/turtle",
    "application/x-json+ld": "application/ld+json",
    "trig": "application/trig",
    "nquads": "application/n-quads",
    "n-quads": "application/n-quads",
    "nq": "application/n-quads",
    "html": HTML,
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
}
# Where a generic alias means something else for graphs ("json" asked of a CONSTRUCT means JSON-LD).
GRAPH_ALIASES: dict[str, str] = {
    "json": "application/ld+json",
    "application/json": "application/ld+json",
    "xml": "application/rdf+xml",
    "application/xml": "application/rdf+xml",
    "text/xml": "application/rdf+xml",
}


# Media ranges an Accept header may list: parsing is Python work per range on the event loop (1.2 MB of
# ranges took 2.1 s), and no client needs more (browsers send under ten).
MAX_MEDIA_RANGES = 64
SHORT_HEADER = 256  # header values up to this long are memoised; longer ones are worked out each time
T = TypeVar("T")


def memo_short(maxsize: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Memoise a function of a header value (first argument) and small values, for values up to
    SHORT_HEADER characters only, so that the memo holds at most ``maxsize`` short strings whatever clients
    send."""

    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        memo = functools.lru_cache(maxsize=maxsize)(fn)

        @functools.wraps(fn)
        def call(header: str | bytes | None, *rest: object) -> T:
            if header is not None and len(header) > SHORT_HEADER:
                return fn(header, *rest)
            return memo(header, *rest)

        return call

    return decorate


@dataclass(frozen=True)
class MediaRange:
    type: str  # "text/turtle", "text/*" or "*/*"
    q: float
    order: int

    def specificity(self, media_type: str) -> int:
        """How specifically this range matches ``media_type``: 3 exact, 2 ``type/*``, 1 ``*/*``, 0 no
        match."""
        if self.type == media_type:
            return 3
        if self.type == "*/*":
            return 1
        major, _, sub = self.type.partition("/")
        return 2 if sub == "*" and media_type.startswith(major + "/") else 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed parts are skipped, a bad q counts as 1.

    Raises BadParameter for more than MAX_MEDIA_RANGES ranges (counted before any is parsed)."""
    if header and header.count(",") >= MAX_MEDIA_RANGES:
        raise BadParameter(
            "Accept header",
            f"lists {header.count(',') + 1} media ranges; at most {MAX_MEDIA_RANGES} are read. List the "
            "types you want, or use the format parameter.",
        )
    ranges: list[MediaRange] = []
    for order, part in enumerate((header or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 1.0
        ranges.append(MediaRange(media, q, order))
    return ranges


def negotiate(
    accept: str | None,
    offered: tuple[str, ...] | list[str],
    format_param: str | None = None,
    aliases: dict[str, str] | None = None,
) -> str:
    """The offered media type that best fits ``format_param`` or else the Accept header.

    ``format_param`` (a short name such as ``json``/``turtle`` or a media type) wins over Accept. With no
    Accept header, or ``*/*``, the first offered type is chosen. Raises NotAcceptable (406, listing the
    offered types) when nothing fits, and BadParameter when ``format`` names no format we know.
    """
    names = {**ALIASES, **(aliases or {})}
    if format_param is not None:
        wanted = format_param.strip().lower()
        wanted = names.get(wanted, wanted)
        if wanted in offered:
            return wanted
        if "/" not in wanted and wanted not in names:
            raise BadParameter("format", f"unknown format '{format_param}'; use one of {', '.join(offered)}")
        raise NotAcceptable(list(offered))
    if not accept or not accept.strip():
        return offered[0]
    ranges = [MediaRange(names.get(r.type, r.type), r.q, r.order) for r in parse_accept(accept)]
    best: tuple[float, int] | None = None
    chosen: str | None = None
    for rank, media_type in enumerate(offered):
        matches = [(r.specificity(media_type), r) for r in ranges]
        matches = [m for m in matches if m[0] > 0]
        if not matches:
            continue
        q = max(matches, key=lambda m: (m[0], -m[1].order))[1].q  # the most specific range decides q
        if q > 0 and (best is None or q > best[0]):
            best, chosen = (q, rank), media_type
    if chosen is None:
        raise NotAcceptable(list(offered))
    return chosen


@memo_short(256)  # clients send few distinct Accept headers; this saves ~40 us a request
def query_formats(accept: str | None, format_param: str | None) -> tuple[str | None, str | None]:
    """What ``/sparql`` answers with: the media type for rows (SELECT/ASK) and for graphs
    (CONSTRUCT/DESCRIBE), None where nothing fits; NotAcceptable when neither fits."""
    result_format = _negotiate_or_none(accept, RESULT_TYPES, format_param)
    graph_format = _negotiate_or_none(accept, GRAPH_TYPES, format_param, GRAPH_ALIASES)
    if result_format is None and graph_format is None:
        raise NotAcceptable([*RESULT_TYPES, *GRAPH_TYPES])
    return result_format, graph_format


def _negotiate_or_none(
    accept: str | None,
    offered: tuple[str, ...],
    format_param: str | None,
    aliases: dict[str, str] | None = None,
) -> str | None:
    try:
        return negotiate(accept, offered, format_param, aliases)
    except NotAcceptable:
        return None


def results_format(media_type: str) -> ox.QueryResultsFormat:
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    if fmt is None:
        raise ValueError(f"not a query results media type: {media_type}")
    return fmt


def rdf_format(media_type: str) -> ox.RdfFormat:
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise ValueError(f"not an RDF media type: {media_type}")
    return fmt


def content_type(media_type: str) -> str:
    """The Content-Type header value: text types say they are UTF-8."""
    if media_type.startswith("text/") or media_type.endswith(("json", "xml")):
        return f"{media_type}; charset=utf-8"
    return media_type


def written(body: bytes | None) -> bytes:
    """The bytes a pyoxigraph serialiser returns when given no output (typed ``bytes | None``)."""
    if body is None:
        raise TypeError("the serialiser wrote to an output instead of returning bytes")
    return body


def serialize_triples(triples: Iterable[ox.Triple], media_type: str, base: str) -> bytes:
    """Triples as ``media_type`` (an RDF syntax), grouped by subject, with our prefixes where the syntax has
    them (JSON-LD: its ``@context``). NotAcceptable for RDF/XML of triples it cannot write."""
    fmt = rdf_format(media_type)
    ordered = sorted(
        triples,
        key=lambda t: (isinstance(t.subject, ox.BlankNode), str(t.subject), str(t.predicate), str(t.object)),
    )
    names = None
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        names = {k: v for k, v in prefixes(base).items() if k != "res"}
    if media_type == RDF_XML:
        check_rdf_xml(ordered)
    body = written(ox.serialize(ordered, format=fmt, prefixes=names))
    return with_context(body, base) if media_type == JSON_LD else body


@functools.lru_cache(maxsize=8)
def _context(base: str) -> bytes:
    return json.dumps(prefixes(base), ensure_ascii=False, separators=(",", ":")).encode()


def with_context(body: bytes, base: str) -> bytes:
    """pyoxigraph's JSON-LD (expanded: an array of node objects) with our prefixes as its ``@context``.

    The one place JSON-LD gets its context, for every route and the query workers. The nodes stay as
    pyoxigraph wrote them, with absolute IRIs, and a top-level object holding only ``@context`` and
    ``@graph`` means the same as that array; a client that compacts gets our prefixes. None of our prefix
    names is an IRI scheme (``http``, ``urn``…), so no absolute IRI reads as a compact one.
    """
    return b'{"@context":' + _context(base) + b',"@graph":' + body + b"}"


# XML 1.0 names without colons (NCName): RDF/XML writes every predicate, and the first rdf:type of a node,
# as an element name, namespace + local name, so the IRI must end in one.
_NAME_START = (
    "A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_LOCAL_NAME = re.compile(f"[{_NAME_START}][{_NAME_START}\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040]*$")
_RDF_TYPE = ox.NamedNode(RDF + "type")


def check_rdf_xml(triples: Iterable[ox.Triple]) -> None:
    """NotAcceptable (406) naming the first IRI that RDF/XML would have to write as an element name and
    cannot, as it ends in no XML local name (``http://example.org/123``); pyoxigraph wrote a malformed
    document for it (``<oxprefix: …>``)."""
    for t in triples:
        named = [(t.predicate, "predicate")]
        if t.predicate == _RDF_TYPE and isinstance(t.object, ox.NamedNode):
            named.append((t.object, "class"))
        for iri, role in named:
            if _LOCAL_NAME.search(iri.value) is None:
                raise NotAcceptable(
                    [m for m in GRAPH_TYPES if m != RDF_XML],
                    f"RDF/XML cannot write this result: the {role} <{iri.value}> ends in no XML name (a "
                    "letter or _, then letters, digits, -, _ or .). Ask for another RDF syntax.",
                )
