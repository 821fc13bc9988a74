"""The HTML pages' own words and language: fi/sv/en messages, the reader's language, rendering.

What a page shows about the graph comes from ``server.publish.descriptions`` and ``server.publish.labels``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request, cookie_parser
from starlette.responses import Response

from server.web import templating
from server.web.templating import TEMPLATES

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "en"  # for readers whose browser asks for none of the three
LANG_COOKIE = "smarthame_lang"
# The header's links, in order: (path, message key). Each page's own section is marked as current.
SITE_LINKS = (
    ("/ontology", "ontology"),
    ("/shapes", "shapes"),
    ("/sparql", "sparql"),
    ("/queries", "queries"),
    ("/docs", "api"),
    ("/dumps/", "dumps"),
    ("/versions/", "versions"),
    ("/catalog", "catalog"),
    ("/dashboard", "dashboard"),
)

# Words of the page itself in each language (data labels come from the store), kept with the templates.
MESSAGES: dict[str, dict[str, str]] = json.loads((TEMPLATES / "messages.json").read_text(encoding="utf-8"))
if set(MESSAGES) != set(LANGUAGES) or len({frozenset(m) for m in MESSAGES.values()}) != 1:
    raise RuntimeError("templates/messages.json must have the same keys for each of fi, sv and en")


def choose_language(param: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The page language: an explicit switch, then the remembered choice, then ``Accept-Language``."""
    for explicit in (param, cookie):
        if explicit in LANGUAGES:
            return explicit
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and q > 0:
            ranked.append((-q, i, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def render(template: str, *, query: Mapping[str, str] | None = None, **context: Any) -> str:
    """A page of ``templates/`` in the one layout (``pages_base.html``).

    ``context`` must hold ``lang`` and ``path`` (the page's own path); the template also gets ``t`` (the
    page's messages), the header's links with the current section marked, and the language switch, whose
    links keep the page's ``query`` parameters (its form values, the dashboard's view) and change ``lang``.
    """
    lang, path = context["lang"], context["path"]
    kept = {k: v for k, v in (query or {}).items() if k != "lang" and v}
    context.setdefault("formats", [])
    context.setdefault("version", "")
    return templating.render(
        template,
        t=MESSAGES[lang],
        languages=LANGUAGES,
        site_links=SITE_LINKS,
        section=section_of(path),
        language_links=[(code, f"{path}?{urlencode({**kept, 'lang': code})}") for code in LANGUAGES],
        **context,
    )


def section_of(path: str) -> str | None:
    """The header link a page belongs under: ``/queries/x`` is under ``/queries``; None for the rest."""
    for href, _ in SITE_LINKS:
        stem = href.rstrip("/")
        if path in (href, stem) or path.startswith((stem + "/", stem + ".")):
            return href
    return None


def request_language(request: Request) -> str:
    """The page language of a request: ``?lang=``, then the cookie that remembers it, then
    ``Accept-Language``."""
    return choose_language(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
    )


def scope_language(scope: Mapping[str, Any]) -> str:
    """The page language of a plain-ASGI request (the ``/sparql`` editor): as :func:`request_language`."""
    headers = dict(scope.get("headers") or [])
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    cookie = headers.get(b"cookie")
    remembered = cookie_parser(cookie.decode("latin-1")).get(LANG_COOKIE) if cookie else None
    accept = headers.get(b"accept-language")
    return choose_language(query.get("lang"), remembered, accept.decode("latin-1") if accept else None)


def remember_language(request: Request, response: Response, lang: str) -> None:
    """An explicit ``?lang=`` is remembered for a year."""
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")


def error_page(error: dict[str, object], lang: str, path: str, version: str) -> str:
    """An error (``SmartHameError.as_json()``) as a page, for a browser that asked for HTML."""
    return render("error.html", lang=lang, path=path, version=version, error=error)
