"""SPARQL 1.1 Protocol: turn an HTTP request (method, query string, content type, body) into what to run.

Knows no web framework, so the endpoint and the tests call it alike. Follows the Protocol's three ways to
send a query (GET, URL-encoded POST, direct POST), refuses every update request (the endpoint is
read-only), and names the parameter whenever something is wrong with one.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox

from server.errors import BadParameter, MethodNotAllowed, UnsupportedMediaType, UpdateRefused
from server.settings import parse_seconds
from server.sparql.formats import ALIASES, FORM, SPARQL_QUERY, SPARQL_UPDATE

METHODS = ("GET", "HEAD", "POST")
UPDATE_PARAMS = ("update", "using-graph-uri", "using-named-graph-uri")
READ_ONLY = "This endpoint is read-only: SPARQL Update is not accepted here. Send a query instead."


@dataclass(frozen=True)
class ProtocolRequest:
    query: str | None  # None: no query was sent (the endpoint then describes itself)
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    format: str | None = None  # `format=` overrides Accept
    timeout: float | None = None  # seconds, as asked; the engine caps it at the server's limit


def parse_request(
    method: str, query_string: bytes | str, content_type: str | None, body: bytes
) -> ProtocolRequest:
    """Read a SPARQL Protocol query request; raise a typed 4xx error for anything we cannot run."""
    if method not in METHODS:
        raise MethodNotAllowed(method, METHODS)
    params = _parse_params(query_string, "the URL")
    if method == "POST":
        media, charset = _media_type(content_type)
        if charset not in (None, "utf-8", "utf8", "us-ascii"):
            raise UnsupportedMediaType(f"Request bodies must be UTF-8; got charset={charset}.")
        if media == FORM:
            body_params = _parse_params(body, "the request body")
            _refuse_update(body_params)
            if "query" in params and "query" in body_params:
                raise BadParameter("query", "sent both in the URL and in the body; send it once")
            params = {
                k: params.get(k, []) + body_params.get(k, []) for k in params.keys() | body_params.keys()
            }
        elif media == SPARQL_QUERY:
            _refuse_update(params)
            if "query" in params:
                raise BadParameter("query", "sent in the URL of a direct POST; put it in the body only")
            params["query"] = [_decode(body, "query")]
        elif media == SPARQL_UPDATE:
            raise UpdateRefused(READ_ONLY)
        else:
            raise UnsupportedMediaType(
                f"POST a query as {SPARQL_QUERY} or {FORM}; got Content-Type {content_type or '(none)'}."
            )
    _refuse_update(params)
    query = _single(params, "query")
    if query is not None and not query.strip():
        raise BadParameter("query", "is empty")
    return ProtocolRequest(
        query=query,
        default_graph_uris=_graphs(params, "default-graph-uri"),
        named_graph_uris=_graphs(params, "named-graph-uri"),
        format=_format(params),
        timeout=_timeout(_single(params, "timeout")),
    )


def _parse_params(raw: bytes | str, where: str) -> dict[str, list[str]]:
    text = _decode(raw, f"parameters in {where}") if isinstance(raw, bytes) else raw
    params: dict[str, list[str]] = {}
    try:
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError) as e:
        raise BadParameter(f"parameters in {where}", f"not valid URL-encoded UTF-8 ({e})") from None
    for name, value in pairs:
        params.setdefault(name, []).append(value)
    return params


def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadParameter(name, f"not valid UTF-8 (byte {e.start})") from None


def _media_type(content_type: str | None) -> tuple[str | None, str | None]:
    if not content_type:
        return None, None
    media, *params = (p.strip() for p in content_type.split(";"))
    charset = None
    for p in params:
        name, _, value = p.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


def _refuse_update(params: dict[str, list[str]]) -> None:
    if any(name in params for name in UPDATE_PARAMS):
        raise UpdateRefused(READ_ONLY)


FORMAT_PARAMS = ("format", "output", "results")  # Virtuoso's name, sparqler's, and SPARQLWrapper's third


def _format(params: dict[str, list[str]]) -> str | None:
    """The format asked by name: ``format``, or ``output`` or ``results``, given once or repeated with
    values that agree. SPARQLWrapper, on its defaults, sends every one of them, some twice (``tsv`` and
    ``text/tab-separated-values``; ``json-ld`` and ``application/ld+json,application/x-json+ld``)."""
    values = [v for name in FORMAT_PARAMS for v in params.get(name, [])]
    if not values:
        return None
    firsts = [v.split(",")[0].split(";")[0].strip() for v in values]
    meant = {ALIASES.get(f.lower(), f.lower()) for f in firsts}
    if len(meant) > 1:
        raise BadParameter(
            "format", f"given as {', '.join(repr(v) for v in values)}, which disagree; send one"
        )
    return firsts[0]


def _single(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise BadParameter(name, f"given {len(values)} times; send it once")
    return values[0] if values else None


def _graphs(params: dict[str, list[str]], name: str) -> tuple[str, ...]:
    for iri in params.get(name, []):
        try:
            ox.NamedNode(iri)
        except ValueError as e:
            raise BadParameter(name, f"'{iri}' is not an absolute IRI ({e})") from None
    return tuple(params.get(name, []))


def _timeout(raw: str | None) -> float | None:
    """Seconds as ASCII decimal digits only: ``float()`` would also read ``nan``, ``1_0`` and ``٥``."""
    if raw is None:
        return None
    try:
        return parse_seconds(raw)
    except ValueError as e:
        raise BadParameter("timeout", str(e)) from None
