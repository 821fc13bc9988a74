"""The HTML pages' own words and language: fi/sv/en messages, the reader's language, rendering.

What a page shows about the graph comes from ``server.publish.descriptions`` and ``server.publish.labels``.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.web import templating
from server.web.templating import TEMPLATES

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "en"  # for readers whose browser asks for none of the three
LANG_COOKIE = "smarthame_lang"

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


def render(template: str, **context: Any) -> str:
    """A page of ``templates/``; ``context`` must hold ``lang`` (the template gets ``t``, its messages)."""
    return templating.render(template, t=MESSAGES[context["lang"]], languages=LANGUAGES, **context)


def request_language(request: Request) -> str:
    """The page language of a request: ``?lang=``, then the cookie that remembers it, then
    ``Accept-Language``."""
    return choose_language(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
    )


def remember_language(request: Request, response: Response, lang: str) -> None:
    """An explicit ``?lang=`` is remembered for a year."""
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")


def error_page(error: dict[str, object], lang: str, path: str, version: str) -> str:
    """An error (``SmartHameError.as_json()``) as a page, for a browser that asked for HTML."""
    return render("error.html", lang=lang, path=path, version=version, formats=[], error=error)
