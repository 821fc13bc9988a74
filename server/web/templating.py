"""One Jinja environment for every HTML page: the Linked Data pages and the documentation
(``server.web.pages``, which adds their fi/sv/en messages), the saved-query pages and the editor
(``server.web.editor``). The ``term`` filter renders one cell of a SPARQL JSON result.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from server.graph.vocabulary import XSD, curie, prefixes

TEMPLATES = Path(__file__).resolve().parent / "templates"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "long", "int", "nonNegativeInteger")}


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters["term"] = render_term
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def compact(iri: str, base_iri: str) -> str:
    """``prefix:local`` with the longest matching namespace, or the IRI itself."""
    return curie(iri, prefixes(base_iri).items()) or iri


def render_term(term: dict[str, str] | None, base_iri: str) -> Markup:
    """One cell of a SPARQL JSON results row: IRIs as links (ours to this server's page), literals as text."""
    if term is None:
        return Markup("")
    value = term["value"]
    if term["type"] == "uri":
        href = "/" + value[len(base_iri) :] if value.startswith(base_iri) else value
        return Markup('<a href="{}" title="{}">{}</a>').format(href, value, compact(value, base_iri))
    if term["type"] == "bnode":
        return Markup("<span class=bnode>_:{}</span>").format(value)
    if term.get("datatype") in NUMERIC:
        return Markup('<span class="num">{}</span>').format(value)
    if term.get("xml:lang"):
        return Markup('{}<sup class="lang">{}</sup>').format(value, term["xml:lang"])
    return escape(value)
