"""The saved queries' pages and listing entries: the list, and a run as a table with a parameter form.

What a query is and how its values are bound is ``server.sparql.saved_queries``; the route
(``server.web.routes.queries``) parses the request, runs the query and calls these.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, urlencode

from server.errors import BadParameter
from server.graph.vocabulary import prefixes
from server.sparql.saved_queries import SavedQuery, parse_iri
from server.web import pages

Members = Mapping[str, list[tuple[str, str]]]  # parameter -> the (IRI, label) pairs it may take


def listing_entry(q: SavedQuery, lang: str = "en") -> dict[str, Any]:
    """A query as ``/queries`` lists it (JSON and page alike): its header, its links and its text; the
    editor link names the tab in ``lang``."""
    base = f"/queries/{q.name}"
    return {
        **q.as_json(),
        "links": {
            "html": base,
            "json": f"{base}.json",
            "csv": f"{base}.csv",
            "tsv": f"{base}.tsv",
            "sparql": f"{base}.rq",
            "editor": editor_link(q, lang),
        },
        "query": q.text,
    }


def editor_link(q: SavedQuery, lang: str = "en") -> str:
    """The editor page with this query in a new tab (YASGUI reads ``#query=…&tabTitle=…``)."""
    title = q.title.get(lang) or q.title["en"]
    return "/sparql#" + urlencode({"query": q.text, "tabTitle": title}, quote_via=quote)


def list_page(queries: Iterable[SavedQuery], lang: str, version: str) -> str:
    return pages.render(
        "queries_list.html",
        lang=lang,
        path="/queries",
        version=version,
        main_class="wide",
        queries=[listing_entry(q, lang) for q in queries],
    )


def run_page(
    q: SavedQuery,
    raw: Mapping[str, str | None],
    members: Members,
    results: bytes,
    truncated: bool,
    base_iri: str,
    lang: str,
    version: str,
) -> str:
    """A run as HTML in ``lang``: the form with the values asked for, the table of SPARQL JSON
    ``results``."""
    asked = {k: v for k, v in raw.items() if v}
    return pages.render(
        "queries_run.html",
        lang=lang,
        path=f"/queries/{q.name}",
        version=version,
        main_class="wide",
        query=asked,
        query_entry=listing_entry(q, lang),
        params=_form_fields(q, raw, members, base_iri),
        results=json.loads(results),
        truncated=truncated,
        query_string=urlencode(asked),
        base_iri=base_iri,
    )


def _form_fields(
    q: SavedQuery, raw: Mapping[str, str | None], members: Members, base_iri: str
) -> list[dict[str, Any]]:
    fields = []
    for p in q.parameters:
        options = members.get(p.name)
        if options is None and p.allowed:
            options = [(v, v) for v in p.allowed]
        value = raw.get(p.name) or p.default or ""
        if p.type == "iri" and value:
            # A prefixed name (a default such as kunta:061) selects its option by the full IRI. A value
            # that does not parse never gets here (binding refused it); were it to, the form shows it as
            # typed.
            with contextlib.suppress(BadParameter):
                value = parse_iri(p.name, value, prefixes(base_iri))
        fields.append({**p.as_json(), "value": value, "options": options})
    return fields
