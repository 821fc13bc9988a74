"""The HTTP edge: one pure-ASGI layer in front of FastAPI's routing.

For every request it pins the version the request is answered from (``server.web.live``), answers CORS
preflights, adds ``X-Dataset-Version`` and ``ETag``/``Last-Modified`` (tied to that version), answers
``If-None-Match``/``If-Modified-Since`` with 304 (``server.web.conditional``), gzips when asked, adds CORS
headers and records metrics. It also serves repeated ``GET /sparql`` queries straight
from the result cache (a dict lookup and one ``send``) and hands other ``/sparql`` requests to the endpoint
without FastAPI's routing, because the endpoint's throughput is what the benchmark measures.

It is also the last word on errors: an error response the framework wrote itself in another shape (plain
text, say, for a malformed ``Range``) is rewritten into ours, and an exception nothing else caught is
logged once with a request id and answered 500 in our shape, with that id in ``X-Request-Id``.

A route opts out of ETags (and 304s) with ``Cache-Control: no-store``; ``/metrics`` and ``/healthz`` do.
"""

from __future__ import annotations

import functools
import logging
import secrets
import time
import zlib
from datetime import datetime
from typing import Any

from server.errors import InternalError, PreflightRefused, SmartHameError
from server.sparql.cache import GZIP_LEVEL, CachedResponse
from server.sparql.formats import COMPRESSIBLE, memo_short, query_formats
from server.web.asgi import ASGIApp, Headers, Message, Receive, Scope, Send, request_headers, send_simple
from server.web.conditional import http_date, is_fresh, version_etag
from server.web.error_responses import framework_error, is_ours, render_error
from server.web.metrics import route_label
from server.web.state import PINNED

log = logging.getLogger("smarthame")
CORS_METHODS = ("GET", "HEAD", "POST")
EXPOSED = (
    b"ETag, Last-Modified, Content-Length, X-Truncated, X-Aggregate-Errors, X-Cache, X-Request-Id, "
    b"Retry-After, X-Dataset-Version"
)
VERSION_HEADER = b"x-dataset-version"  # the version every response comes from, whole
MIN_GZIP_BYTES = 512  # below this the gzip header and checksum cost more than they save


@memo_short(64)  # clients send few distinct Accept-Encoding values
def accepts_gzip(accept_encoding: bytes | None) -> bool:
    for part in (accept_encoding or b"").lower().split(b","):
        coding, _, params = part.partition(b";")
        if coding.strip() in (b"gzip", b"x-gzip", b"*"):
            return _q(params) > 0
    return False


def _q(params: bytes) -> float:
    for param in params.split(b";"):
        name, _, value = param.partition(b"=")
        if name.strip() == b"q":
            try:
                return float(value)
            except ValueError:
                return 1.0
    return 1.0


def not_modified(headers: dict[bytes, bytes], etag: bytes, modified: datetime) -> bool:
    """Whether the request's validators show the client holds this representation (server.web.conditional)."""
    inm = headers.get(b"if-none-match")
    ims = headers.get(b"if-modified-since")
    if inm is None and ims is None:
        return False
    return is_fresh(
        inm.decode("latin-1") if inm is not None else None,
        ims.decode("latin-1") if ims is not None else None,
        etag.decode("latin-1"),
        modified,
    )


class Edge:
    """Pure-ASGI middleware; see the module docstring. Each request is pinned to the state of the version
    served when it arrived (``server.web.live``), and answered from it to the end."""

    def __init__(self, app: ASGIApp, endpoints: dict[str, ASGIApp] | None = None) -> None:
        self.app = app
        self.endpoints = endpoints or {}  # path -> handler called without the framework's routing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        live = getattr(scope["app"].state, "live", None)
        state = live.enter() if live is not None else getattr(scope["app"].state, "smarthame", None)
        if state is not None:
            scope[PINNED] = state  # the whole request is answered from this version (server.web.live)
        try:
            await self._answer(scope, receive, send, state, started)
        finally:
            if live is not None:
                live.leave(state)

    async def _answer(self, scope: Scope, receive: Receive, send: Send, state: Any, started: float) -> None:
        headers = request_headers(scope)
        method, path = scope["method"], scope["path"]
        status_box = [0]

        async def tracked_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_box[0] = message["status"]
            await send(message)

        try:
            if method == "OPTIONS" and b"origin" in headers and b"access-control-request-method" in headers:
                await self._preflight(scope, headers, tracked_send)
            elif state is None:
                await self.app(scope, receive, tracked_send)
            else:
                out = _Outgoing(state, headers, method, tracked_send, scope)
                if path in self.endpoints and method in ("GET", "HEAD") and scope["query_string"]:
                    key = raw_key(scope, headers, state.published.version)
                    entry = state.cache.get(key) if key is not None else None
                    if entry is not None:
                        await out.send_cached(entry, b"hit")
                        self._observe(state, path, status_box[0], started)
                        return
                endpoint = self.endpoints.get(path)
                await (endpoint or self.app)(scope, receive, out.send)
        except Exception:
            await self._internal_error(scope, tracked_send, state, started=status_box[0] != 0)
            status_box[0] = status_box[0] or 500
        if state is not None:
            self._observe(state, path, status_box[0], started)

    @staticmethod
    def _observe(state: Any, path: str, status: int, started: float) -> None:
        state.metrics.observe(route_label(path), status, time.perf_counter() - started)

    @staticmethod
    async def _internal_error(scope: Scope, send: Send, state: Any, started: bool) -> None:
        """Log the exception being handled, once, under a new request id; answer 500 if nothing was sent yet.

        Once a response has started there is no status left to change: the server then closes the
        connection, and the client sees a cut response rather than a wrong one.
        """
        request_id = secrets.token_hex(8)
        log.exception("request %s (%s %s) failed", request_id, scope["method"], scope["path"])
        if started:
            return
        status, headers, body = render_error(InternalError(request_id), scope)
        cors = [(b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", EXPOSED)]
        if state is not None:
            cors.append((VERSION_HEADER, state.published.version.encode()))
        await send_simple(send, status, [*headers, *cors, (b"x-request-id", request_id.encode())], body)

    @staticmethod
    async def _preflight(scope: Scope, headers: dict[bytes, bytes], send: Send) -> None:
        asked = headers[b"access-control-request-method"].decode("latin-1").strip().upper()
        if asked not in CORS_METHODS:
            refused = PreflightRefused(
                f"CORS preflight refused: method {asked} is not allowed; use GET, HEAD or POST."
            )
            await send_simple(send, *render_error(refused, scope))
            return
        allow: Headers = [
            (b"access-control-allow-origin", b"*"),
            (b"access-control-allow-methods", ", ".join(CORS_METHODS).encode()),
            (b"access-control-max-age", b"86400"),
            (b"vary", b"Access-Control-Request-Headers"),
        ]
        if b"access-control-request-headers" in headers:  # any request header is fine here
            allow.append((b"access-control-allow-headers", headers[b"access-control-request-headers"]))
        await send_simple(send, 204, allow, b"")


def raw_key(scope: Scope, headers: dict[bytes, bytes], version: str) -> tuple[Any, ...] | None:
    """The fast-path cache key: the query string as sent and the media types its Accept header negotiates
    to (never the header itself); None when that header is not acceptable (the endpoint then says why)."""
    accept = headers.get(b"accept")
    try:
        formats = query_formats(accept.decode("latin-1") if accept is not None else None, None)
    except SmartHameError:
        return None
    return ("raw", version, scope["query_string"], formats)


class _Outgoing:
    """Wraps ``send`` for one response: validators, 304, gzip and CORS headers."""

    def __init__(
        self, state: Any, headers: dict[bytes, bytes], method: str, send: Send, scope: Scope
    ) -> None:
        self.state = state
        self.request_headers = headers
        self.method = method
        self.raw_send = send
        self.scope = scope
        self.start: Message | None = None
        self.gzip = accepts_gzip(headers.get(b"accept-encoding")) and method != "HEAD"
        self.compressor: Any = None
        self.discard = False  # a 304 was sent: drop the rest of the body

    async def send_cached(self, entry: CachedResponse, cache_status: bytes) -> None:
        headers = [
            *entry.headers,
            (b"x-cache", cache_status),
            (b"content-length", str(len(entry.body)).encode()),
        ]
        await self.send({"type": "http.response.start", "status": 200, "headers": headers})
        await self.send(
            {"type": "http.response.body", "body": b"" if self.method == "HEAD" else entry.body}, entry
        )

    async def send(self, message: Message, entry: CachedResponse | None = None) -> None:
        if message["type"] == "http.response.start":
            self.start = message  # held until the first body part: gzip and 304 depend on it
            return
        if message["type"] != "http.response.body":
            await self.raw_send(message)
            return
        if self.start is None:  # the rest of a streamed body
            await self._send_body(message)
            return
        start, self.start = self.start, None
        entry = entry or self.scope.get("smarthame.entry")
        await self._send_first(start, message, entry)

    async def _send_first(self, start: Message, message: Message, entry: CachedResponse | None) -> None:
        status = start["status"]
        headers = [(k.lower(), v) for k, v in start.get("headers", [])]
        content_type = next((v for k, v in headers if k == b"content-type"), b"")
        body = message.get("body", b"")
        more = message.get("more_body", False)
        if status >= 400 and not is_ours(content_type):
            status, headers, body = self._in_our_shape(status, headers, body)
            content_type = next(v for k, v in headers if k == b"content-type")
            self.discard, more = more, False  # the rest of the framework's body, if any, is dropped
        names = {k for k, _ in headers}
        compressible = content_type.startswith(COMPRESSIBLE) and b"content-encoding" not in names
        use_gzip = self.gzip and compressible and status == 200 and (more or len(body) >= MIN_GZIP_BYTES)
        headers.append((b"access-control-allow-origin", b"*"))
        headers.append((b"access-control-expose-headers", EXPOSED))
        headers.append((VERSION_HEADER, self.state.published.version.encode()))
        if compressible and not any(k == b"vary" and b"accept-encoding" in v.lower() for k, v in headers):
            headers.append((b"vary", b"Accept-Encoding"))
        no_store = any(k == b"cache-control" and b"no-store" in v for k, v in headers)
        if not no_store:
            published = self.state.published
            last_modified = _last_modified(published.modified)
            etag = version_etag(published.version, content_type, b"gzip" if use_gzip else b"")
            if b"etag" not in names:
                headers.append((b"etag", etag))
            else:
                etag = next(v for k, v in headers if k == b"etag")
            if b"last-modified" not in names:
                headers.append((b"last-modified", last_modified))
            if (
                status == 200
                and self.method in ("GET", "HEAD")
                and not_modified(self.request_headers, etag, published.modified)
            ):
                kept = [(k, v) for k, v in headers if k not in (b"content-length", b"content-type")]
                await self.raw_send({"type": "http.response.start", "status": 304, "headers": kept})
                await self.raw_send({"type": "http.response.body", "body": b""})
                self.discard = True
                return
        if use_gzip:
            headers = [(k, v) for k, v in headers if k != b"content-length"]
            headers.append((b"content-encoding", b"gzip"))
            if not more:
                body = entry.gzipped() if entry is not None and entry.body is body else _gzip(body)
                headers.append((b"content-length", str(len(body)).encode()))
            else:
                self.compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
                body = self.compressor.compress(body)
        await self.raw_send({"type": "http.response.start", "status": status, "headers": headers})
        await self.raw_send({"type": "http.response.body", "body": body, "more_body": more})

    def _in_our_shape(self, status: int, headers: Headers, body: bytes) -> tuple[int, Headers, bytes]:
        """An error response the framework wrote in its own shape (plain text), rewritten into ours; headers
        such as ``Content-Range`` stay."""
        allow = next((v.decode("latin-1") for k, v in headers if k == b"allow"), None)
        detail = body.decode("utf-8", "replace")
        exc = framework_error(status, detail, self.method, self.scope["path"], allow)
        status, ours, body = render_error(exc, self.scope)
        replaced = {b"content-type", b"content-length", b"allow", b"vary"}
        kept = [(k, v) for k, v in headers if k not in replaced]
        return status, [*kept, *ours, (b"content-length", str(len(body)).encode())], body

    async def _send_body(self, message: Message) -> None:
        if self.discard:
            return
        if self.compressor is not None:
            body = self.compressor.compress(message.get("body", b""))
            if not message.get("more_body", False):
                body += self.compressor.flush()
            message = {**message, "body": body}
        await self.raw_send(message)


@functools.lru_cache(maxsize=8)
def _last_modified(modified: datetime) -> bytes:
    return http_date(modified).encode()


def _gzip(body: bytes) -> bytes:
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    return compressor.compress(body) + compressor.flush()
