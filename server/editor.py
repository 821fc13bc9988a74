"""HTML of the query editor (the page of ``GET /sparql``) and of the saved-query pages.

The editor is YASGUI (npm ``@zazuko/yasgui``, copied to ``server/static/vendor/`` by ``make assets``),
served by this server and configured by ``server/static/editor.js`` so that the browser asks no other
host for anything: prefixes and their autocompletion come from :func:`server.namespaces.prefixes`, the
class and property autocompleters that call Linked Open Vocabularies are left out, and the examples are
our saved queries. Without the assets the page is a plain form that says how to install them.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from server.namespaces import curie, prefixes
from server.settings import Settings

TEMPLATES = Path(__file__).resolve().parent / "templates"
VENDOR_FILES = ("yasgui.min.js", "yasgui.min.css")
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "long", "int", "nonNegativeInteger")}


@cache
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters["term"] = render_term
    return env


def render(template: str, **context: Any) -> str:
    return _environment().get_template(template).render(**context)


def assets_installed(settings: Settings) -> bool:
    return all((settings.static_dir / "vendor" / name).is_file() for name in VENDOR_FILES)


FALLBACK_EXAMPLE = """SELECT ?class (COUNT(?s) AS ?instances)
WHERE { ?s a ?class }
GROUP BY ?class
ORDER BY DESC(?instances)
LIMIT 20"""


def editor_page(settings: Settings, endpoint: str = "/sparql", example: str = FALLBACK_EXAMPLE) -> str:
    """The editor page: YASGUI when ``make assets`` has run, else a plain form saying how to get it."""
    config = {
        "endpoint": endpoint,
        "prefixes": prefixes(settings.base_iri),
        "savedQueries": "/queries.json",
    }
    return render(
        "editor.html",
        assets=assets_installed(settings),
        endpoint=endpoint,
        example=example,
        # Inside <script>, "</" would end the element early; JSON allows "\u003c" for "<".
        config=Markup(json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")),
    )


def compact(iri: str, base_iri: str) -> str:
    """``prefix:local`` with the longest matching namespace, or the IRI itself."""
    return curie(iri, prefixes(base_iri).items()) or iri


def render_term(term: dict[str, str] | None, base_iri: str) -> Markup:
    """One cell of a SPARQL JSON results row: IRIs as links (ours to this server's page), literals as text."""
    if term is None:
        return Markup("")
    value = term["value"]
    if term["type"] == "uri":
        href = "/" + value[len(base_iri):] if value.startswith(base_iri) else value
        return Markup('<a href="{}" title="{}">{}</a>').format(href, value, compact(value, base_iri))
    if term["type"] == "bnode":
        return Markup("<span class=bnode>_:{}</span>").format(value)
    if term.get("datatype") in NUMERIC:
        return Markup('<span class="num">{}</span>').format(value)
    if term.get("xml:lang"):
        return Markup('{}<sup class="lang">{}</sup>').format(value, term["xml:lang"])
    return escape(value)
