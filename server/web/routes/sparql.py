"""``/sparql``: the SPARQL 1.1 Protocol endpoint, written as a plain ASGI handler.

Parse the request (``server.sparql.protocol``), negotiate (``server.sparql.formats``), answer from the
cache or the engine (cancelled if the client hangs up first), send bytes. Without a query it describes
itself: a Service Description in RDF, or a query form for a browser. ``server.web.edge.Edge`` calls it
directly (no framework routing on the hot path); the router below registers the same handler so the app
lists and serves it without the edge too.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable
from typing import Any, TypeVar

from fastapi import APIRouter
from starlette.routing import Route

from server.errors import QueryTooLong, SmartHameError
from server.publish.service_description import describe_service, serialize_description
from server.sparql.cache import CachedResponse
from server.sparql.engine import QueryRequest
from server.sparql.formats import (
    GRAPH_ALIASES,
    GRAPH_TYPES,
    HTML,
    SPARQL_QUERY,
    content_type,
    negotiate,
    query_formats,
)
from server.sparql.protocol import ProtocolRequest, parse_request
from server.web.asgi import Headers, Receive, Scope, Send, request_headers
from server.web.edge import raw_key
from server.web.editor import editor_page
from server.web.error_responses import render_error
from server.web.pages import scope_language
from server.web.state import pinned

T = TypeVar("T")
ENDPOINT = "/sparql"
VARY = (b"vary", b"Accept")
VARY_HOST = (b"vary", b"Accept, Host")  # the description names the endpoint by the Host it was asked at
VALID_HOST = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.?)+(?::[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?"
)
AGGREGATE_ERRORS = b"x-aggregate-errors"  # projected aggregates some row leaves unbound after an error


class ClientGone(Exception):
    """The client closed its connection before its request was read: there is no one to answer."""


async def sparql_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
    state = pinned(scope)
    headers = request_headers(scope)
    method = scope["method"]
    try:
        content_type_header = headers.get(b"content-type")
        body = (
            await _read_body(receive, state.settings.max_query_length, content_type_header)
            if method == "POST"
            else b""
        )
        request = parse_request(
            method,
            scope["query_string"],
            content_type_header.decode("latin-1") if content_type_header else None,
            body,
        )
        if request.query is None:
            status, out_headers, out_body = _describe(scope, headers, state, request)
        else:
            status, out_headers, out_body = await _answer(scope, receive, headers, state, request)
    except SmartHameError as exc:
        status, out_headers, out_body = render_error(exc, scope)
    except ClientGone:
        return
    out_headers.append((b"content-length", str(len(out_body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": out_headers})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else out_body})


async def _answer(
    scope: Scope, receive: Receive, headers: dict[bytes, bytes], state: Any, request: ProtocolRequest
) -> tuple[int, Headers, bytes]:
    result_format, graph_format = query_formats(_text(headers.get(b"accept")), request.format)
    version = state.published.version
    key = (
        "query",
        version,
        request.query,
        request.default_graph_uris,
        request.named_graph_uris,
        result_format,
        graph_format,
    )
    entry = state.cache.get(key)
    cache_status = b"hit"
    if entry is None:
        cache_status = b"miss"
        run = state.engine.run(
            QueryRequest(
                text=request.query or "",
                result_format=result_format,
                graph_format=graph_format,
                default_graph_uris=request.default_graph_uris,
                named_graph_uris=request.named_graph_uris,
                timeout=request.timeout,
                client=_client(scope),
            )
        )
        result = await unless_client_leaves(receive, run)
        described: Headers = [
            (b"content-type", content_type(result.media_type).encode()),
            (b"x-truncated", b"true" if result.truncated else b"false"),
            VARY,
        ]
        if result.aggregate_errors:  # the engine left these unbound after an error: not a complete answer
            described.append((AGGREGATE_ERRORS, " ".join("?" + v for v in result.aggregate_errors).encode()))
        entry = CachedResponse(result.body, described)
        state.cache.put(key, entry)
    if scope["method"] in ("GET", "HEAD"):
        alias = raw_key(scope, headers, version)
        if alias is not None:
            state.cache.alias(alias, key)
    scope["smarthame.entry"] = entry  # lets the edge reuse the cached gzip bytes
    return 200, [*entry.headers, (b"x-cache", cache_status)], entry.body


async def unless_client_leaves(receive: Receive, work: Awaitable[T]) -> T:
    """``await work``, unless the client disconnects first: then ``work`` is cancelled (a query running
    in a worker loses that worker, which is killed and replaced; one waiting for a slot gives up its
    place) and ClientGone is raised. Three clients that sent a heavy query and hung up every 2 s had
    kept every worker busy for no one."""
    task = asyncio.ensure_future(work)
    watch = asyncio.ensure_future(_disconnect(receive))
    try:
        await asyncio.wait({task, watch}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watch.cancel()
        if not task.done():
            task.cancel()
            await asyncio.wait({task})
    if task.cancelled():
        raise ClientGone
    return task.result()


async def _disconnect(receive: Receive) -> None:
    """Return when the client has gone (the request's body, if any, was read before)."""
    while (await receive())["type"] != "http.disconnect":
        pass


def _describe(
    scope: Scope, headers: dict[bytes, bytes], state: Any, request: ProtocolRequest
) -> tuple[int, Headers, bytes]:
    endpoint = endpoint_url(scope, headers)
    vary = VARY if state.settings.public_url else VARY_HOST
    media = negotiate(_text(headers.get(b"accept")), (*GRAPH_TYPES, HTML), request.format, GRAPH_ALIASES)
    if media == HTML:
        return (
            200,
            [(b"content-type", b"text/html; charset=utf-8"), vary],
            editor_page(state.settings, endpoint, scope_language(scope), state.published.version).encode(),
        )
    graphs = state.published.manifest.get("graphs") or {g: 0 for g in state.published.graph_names}
    triples = describe_service(
        endpoint, graphs, bool(state.settings.service_allowlist), state.published.default_graph_triples
    )
    return 200, [(b"content-type", content_type(media).encode()), vary], serialize_description(triples, media)


def endpoint_url(scope: Scope, headers: dict[bytes, bytes]) -> str:
    """The endpoint's absolute URL: under the configured public_url, else as this client reached it
    when its Host header is a valid host (``a b`` made the description's IRI invalid and answered 500),
    else the address the server listens on."""
    public: str = scope["app"].state.smarthame.settings.public_url
    if public:
        return public.rstrip("/") + str(scope["path"])
    host = _text(headers.get(b"host")) or ""
    if not VALID_HOST.fullmatch(host):
        server = scope.get("server") or ("localhost", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}{scope['path']}"


def body_limit(max_query_length: int, content_type: bytes | None) -> int:
    """The most bytes a POST body may have: max_query_length characters at up to 4 bytes each in UTF-8,
    three times that URL-encoded (a form), plus room for the other parameters."""
    direct = content_type is not None and content_type.split(b";")[0].strip().lower() == SPARQL_QUERY.encode()
    return (4 if direct else 12) * max_query_length + 4096


async def _read_body(receive: Receive, max_query_length: int, content_type: bytes | None) -> bytes:
    """The request body, refused past :func:`body_limit`; a client that goes away ends the request."""
    limit = body_limit(max_query_length, content_type)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise QueryTooLong(
                f"The request body is over {limit} bytes; this endpoint accepts queries of at "
                f"most {max_query_length} characters (setting max_query_length)."
            )
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value is not None else None


class _Endpoint:
    """``sparql_endpoint`` as an ASGI app object, so the router passes it every method untouched."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await sparql_endpoint(scope, receive, send)


router = APIRouter()
router.routes.append(Route(ENDPOINT, _Endpoint()))
