"""Errors as responses: the one place an error becomes what the client reads.

Every 4xx and 5xx leaves in one shape, ``SmartHameError.as_json()``: as JSON, or as a page in the
reader's language for a browser (an ``Accept`` that prefers ``text/html`` to JSON). Our own errors
come here from the app's exception handlers and from the ``/sparql`` handler; the framework's own
(an unknown route or static file, a method a route does not answer, a malformed ``Range``) are turned
into ours by :func:`framework_error` first, and the edge catches what is left (``server.web.edge``).
"""

from __future__ import annotations

import json
from http import HTTPStatus

from starlette.requests import cookie_parser

from server.errors import (
    BadParameter,
    HTTPError,
    MethodNotAllowed,
    NotAcceptable,
    NotFound,
    SmartHameError,
    Unauthorized,
)
from server.sparql.formats import HTML, JSON, PLAIN_JSON, memo_short, negotiate
from server.web import pages
from server.web.asgi import Headers, Scope, request_headers
from server.web.state import PINNED

ERROR_TYPES = (JSON, HTML)  # JSON first: a client that accepts anything gets JSON


def render_error(exc: SmartHameError, scope: Scope | None = None) -> tuple[int, Headers, bytes]:
    """Status, headers and body of the response for ``exc`` to the request ``scope`` (JSON without one)."""
    body = exc.as_json()
    headers: Headers = [(b"vary", b"Accept")]
    if isinstance(exc, MethodNotAllowed):
        headers.append((b"allow", ", ".join(exc.allowed).encode()))
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    if isinstance(exc, Unauthorized):
        headers.append((b"www-authenticate", b'Bearer realm="smarthame publishing"'))
    if scope is not None:
        sent = request_headers(scope)
        if wants_html(sent.get(b"accept")):
            page = pages.error_page(body, _language(sent), scope.get("path", "/"), _version(scope))
            return exc.status, [(b"content-type", b"text/html; charset=utf-8"), *headers], page.encode()
    return (
        exc.status,
        [(b"content-type", JSON.encode()), *headers],
        json.dumps(body, ensure_ascii=False).encode(),
    )


@memo_short(64)  # clients send few distinct Accept headers
def wants_html(accept: bytes | None) -> bool:
    try:
        return negotiate(accept.decode("latin-1") if accept else None, ERROR_TYPES, None, PLAIN_JSON) == HTML
    except (NotAcceptable, BadParameter):
        return False  # accepts neither, or an Accept we do not read: JSON, the shape the API documents


def framework_error(
    status: int, detail: str, method: str, path: str, allow: str | None = None
) -> SmartHameError:
    """One of ours for a status the web framework answered with itself."""
    if status == 404:
        what = "static file" if path.startswith("/static/") else "route"
        return NotFound(f"No {what} at {path}; GET / lists where to start.")
    if status == 405:
        allowed = tuple(m.strip() for m in (allow or "").split(",") if m.strip())
        return MethodNotAllowed(method, allowed or ("GET", "HEAD"))
    return HTTPError(status, detail.strip() or HTTPStatus(status).phrase)


def is_ours(content_type: bytes) -> bool:
    """Whether an error response's Content-Type is one render_error gives (or a page of ours), or the
    Turtle SHACL report of a refused import (``server.web.routes.publishing``): the framework answers
    no error in Turtle."""
    return content_type.startswith((JSON.encode(), HTML.encode(), b"text/turtle"))


def _language(sent: dict[bytes, bytes]) -> str:
    cookie = sent.get(b"cookie")
    remembered = cookie_parser(cookie.decode("latin-1")).get(pages.LANG_COOKIE) if cookie else None
    accept_language = sent.get(b"accept-language")
    return pages.choose_language(
        None, remembered, accept_language.decode("latin-1") if accept_language else None
    )


def _version(scope: Scope) -> str:
    app_state = scope.get(PINNED) or getattr(getattr(scope.get("app"), "state", None), "smarthame", None)
    return app_state.published.version if app_state is not None else ""
