"""``/dashboard``: the analyst's dashboard (charts, network, map, project explorer) and its two data routes.

Every chart and table on the page is fed by a saved query of ``queries/`` (:data:`QUERIES`): the page's
script reads the charts' data from ``/queries/{name}.json`` itself, so "data as CSV", "the SPARQL behind
this" and "open in the editor" are the saved query's own links. Two views need work on the server first:

- ``/dashboard/network.json`` runs ``organisation-network`` and computes degree, betweenness and
  spearheads per organisation with networkx (``server.publish.network``);
- ``/dashboard/projects.json`` runs ``project-explorer`` with the facets as its parameters, then counts
  the facets and sorts and pages the table (``server.publish.explorer``).

Both keep their answer per dataset version in a small cache; a request with ``Cache-Control: no-cache``
is computed afresh (the benchmark measures that), except for the facets' labels, which are the frozen
version's own and are read once per version and language (``AppState.facet_labels``). Like every page
the dashboard is sent with ``Content-Security-Policy: default-src 'self'`` (``server.web.content_policy``):
it has no inline script or style, and everything it loads comes from this server.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup

from server.errors import BadParameter, ParseError
from server.graph.vocabulary import prefixes
from server.publish import explorer, network
from server.settings import Settings
from server.sparql.engine import QueryRequest
from server.sparql.formats import SPARQL_JSON
from server.sparql.query_files import load_catalog
from server.sparql.saved_queries import SavedQuery
from server.web import pages
from server.web.saved_query_pages import editor_link
from server.web.state import state
from server.web.templating import TEMPLATES

# View -> the saved queries that feed it (file names in queries/).
QUERIES: dict[str, tuple[str, ...]] = {
    "funding": ("funding-by-group-and-year", "projects-by-group-and-year", "group-coverage"),
    "flow": ("strategy-flow",),
    "network": ("organisation-network",),
    "map": ("projects-by-area",),
    "explorer": ("project-explorer", "project-facet-counts", "project-facet-values"),
}
VIEWS = tuple(QUERIES)
ECHARTS = "echarts.min.js"
CACHE_ENTRIES = 64  # answers kept per server process; each is at most a few hundred kB
MESSAGES: dict[str, dict[str, str]] = json.loads(
    (TEMPLATES / "dashboard_messages.json").read_text(encoding="utf-8")
)
if set(MESSAGES) != set(pages.LANGUAGES) or len({frozenset(m) for m in MESSAGES.values()}) != 1:
    raise RuntimeError("templates/dashboard_messages.json must have the same keys for each of fi, sv and en")


class _Answers:
    """Computed answers by key (the key holds the dataset version), least recently used out first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()

    def get(self, key: Hashable) -> dict[str, Any] | None:
        if key in self.entries:
            self.entries.move_to_end(key)
        return self.entries.get(key)

    def put(self, key: Hashable, value: dict[str, Any]) -> None:
        self.entries[key] = value
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)


def make_router(settings: Settings) -> APIRouter:
    """The dashboard routes; raises ParseError at start-up if a saved query the dashboard needs is missing."""
    catalog = load_catalog(settings.queries_dir, prefixes(settings.base_iri), settings.base_iri)
    for name in (n for names in QUERIES.values() for n in names):
        if name not in catalog:
            raise ParseError(
                settings.queries_dir / f"{name}.rq", None, "the dashboard needs this saved query"
            )
    answers = _Answers(CACHE_ENTRIES)
    router = APIRouter(tags=["dashboard"])

    async def run(
        request: Request, name: str, values: Mapping[str, str | None], as_csv: bool = False
    ) -> list[dict[str, Any]]:
        """The saved query's rows as SPARQL JSON bindings (``{"var": {"value": ...}}``, unbound left out).

        ``as_csv`` has the worker send SPARQL CSV instead, for long answers whose columns need no datatype
        or language: a quarter of the bytes, and read five times faster (10,000 explorer rows: 8.8 MB
        of JSON against 2.1 MB of CSV).
        """
        query = catalog[name]
        bound = query.bind(values, prefixes(settings.base_iri))
        result = await state(request).engine.run(
            QueryRequest(
                text=query.text, result_format="text/csv" if as_csv else SPARQL_JSON, substitutions=bound
            )
        )
        if as_csv:
            reader = csv.DictReader(io.StringIO(result.body.decode("utf-8")))
            return [{k: {"value": v} for k, v in row.items() if v} for row in reader]
        rows: list[dict[str, Any]] = json.loads(result.body)["results"]["bindings"]
        return rows

    async def cached(request: Request, key: tuple[Any, ...], compute: Any) -> dict[str, Any]:
        full_key = (state(request).published.version, *key)
        fresh = "no-cache" in request.headers.get("cache-control", "")
        hit = None if fresh else answers.get(full_key)
        if hit is None:
            hit = await compute()
            answers.put(full_key, hit)
        return hit

    async def facet_labels(request: Request, lang: str) -> dict[tuple[str, str], dict[str, Any]]:
        """The labels of every facet value in ``lang`` (``project-facet-values``), once for the version:
        they are the frozen version's labels, so even a ``no-cache`` request reuses them (1.2 s of the
        explorer's 5 s of query work at 10,000 synthetic projects)."""
        st = state(request)
        if lang not in st.facet_labels:
            rows = await run(request, "project-facet-values", {"lang": lang})
            st.facet_labels[lang] = explorer.labels(rows)
        return st.facet_labels[lang]

    @router.get("/dashboard", include_in_schema=False)
    async def dashboard(request: Request) -> HTMLResponse:
        view = request.query_params.get("view")
        if view and view not in VIEWS:
            raise BadParameter("view", f"no view {view!r}; the dashboard has: {', '.join(VIEWS)}")
        lang = pages.request_language(request)
        st = state(request)
        config = {
            "amountTypes": await _amount_types(request, lang),
            "lang": lang,
            "views": list(VIEWS),
            "queries": {name: _links(catalog[name], lang) for names in QUERIES.values() for name in names},
            "facets": list(explorer.FACETS),
            "sorts": list(explorer.SORTS),
            "baseIri": st.published.base_iri,
            "map": "/static/geo/kanta-hame-2023.geojson",
            "charts": _assets_installed(settings),
            "messages": MESSAGES[lang],
        }
        body = pages.render(
            "dashboard.html",
            query=dict(request.query_params),
            lang=lang,
            path=request.url.path,
            version=st.published.version,
            main_class="dashboard",
            d=MESSAGES[lang],
            views=VIEWS,
            charts=config["charts"],
            # Inside <script>, "</" would end the element early; JSON allows "\\u003c" for "<".
            config=Markup(json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")),  # noqa: S704
        )
        response = HTMLResponse(body, headers=_headers())
        pages.remember_language(request, response, lang)
        return response

    @router.get("/dashboard/network.json", summary="The cooperation network with its measures")
    async def network_data(request: Request) -> Response:
        """Organisations joined by shared projects (``organisation-network``), with degree, betweenness,
        spearheads and bridges computed on the server; at most ``max_nodes`` drawn, every one in the table."""
        values = _only(request, ("period", "spearhead", "lang", "max_nodes"))
        max_nodes = _max_nodes(values.pop("max_nodes", None))

        async def compute() -> dict[str, Any]:
            rows = await run(request, "organisation-network", values)
            return {
                "query": "organisation-network",
                "parameters": values,
                **network.network_of(network.organisations_of(rows), max_nodes),
            }

        key = ("network", max_nodes, *sorted(values.items()))
        return JSONResponse(await cached(request, key, compute), headers=_headers())

    @router.get("/dashboard/projects.json", summary="One page of the project explorer")
    async def projects_data(request: Request) -> Response:
        """Projects of the selection (``project-explorer`` with the facets as parameters), sorted and paged,
        with each facet's values counted within the selection."""
        names = {p.name for p in catalog["project-explorer"].parameters}
        values = _only(request, (*names, "sort", "page", "size"))
        page = explorer.Page.parse(
            values.pop("sort", None), values.pop("page", None), values.pop("size", None)
        )
        lang = values.get("lang") or "fi"

        async def compute() -> dict[str, Any]:
            facet_values = {k: v for k, v in values.items() if k not in ("amount_type", "lang")}
            # All three at once: each runs in a query worker of its own.
            rows, counts, labels = await asyncio.gather(
                run(request, "project-explorer", values, as_csv=True),
                run(request, "project-facet-counts", facet_values),
                facet_labels(request, lang),
            )
            return {
                "query": "project-explorer",
                "parameters": {k: v for k, v in values.items() if v},
                **explorer.explore(rows, counts, labels, page),
            }

        key = ("projects", page, *sorted(values.items()))
        return JSONResponse(await cached(request, key, compute), headers=_headers())

    return router


# The amount types for the pages' selects, labelled in the page's language (values bound as RDF terms).
AMOUNT_TYPES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?scheme ?lang ?value ?label ?order WHERE {
  ?value skos:inScheme ?scheme .
  OPTIONAL { ?value skos:prefLabel ?label_lang FILTER(LANG(?label_lang) = ?lang) }
  OPTIONAL { ?value skos:prefLabel ?label_en FILTER(LANG(?label_en) = "en") }
  BIND(COALESCE(?label_lang, ?label_en, STR(?value)) AS ?label)
  BIND(IF(STRENDS(STR(?value), "/eu-and-state-funding-endorsed"), 0, 1) AS ?order)
} ORDER BY ?order ?label"""


async def _amount_types(request: Request, lang: str) -> list[dict[str, str]]:
    base = state(request).published.base_iri
    result = await state(request).engine.run(
        QueryRequest(
            text=AMOUNT_TYPES,
            result_format=SPARQL_JSON,
            substitutions={"scheme": ox.NamedNode(base + "scheme/amount-types"), "lang": ox.Literal(lang)},
        )
    )
    rows = json.loads(result.body)["results"]["bindings"]
    return [{"value": r["value"]["value"], "label": r["label"]["value"]} for r in rows]


def _only(request: Request, allowed: tuple[str, ...]) -> dict[str, str | None]:
    unknown = sorted(set(request.query_params) - set(allowed))
    if unknown:
        raise BadParameter(
            unknown[0], f"not a parameter of this view; it takes: {', '.join(sorted(allowed))}"
        )
    return {k: request.query_params[k] for k in allowed if request.query_params.get(k)}


def _max_nodes(raw: str | None) -> int:
    if raw is None:
        return network.DEFAULT_MAX_NODES
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise BadParameter("max_nodes", f"expected a whole number from 1 to 1000, got {raw!r}")
    return int(raw)


def _headers() -> dict[str, str]:
    return {"Vary": "Accept-Language, Cookie"}


def _assets_installed(settings: Settings) -> bool:
    return (settings.static_dir / "vendor" / ECHARTS).is_file()


def _links(q: SavedQuery, lang: str) -> dict[str, Any]:
    base = f"/queries/{q.name}"
    return {
        "title": q.title.get(lang) or q.title["en"],
        "html": base,
        "json": f"{base}.json",
        "csv": f"{base}.csv",
        "sparql": f"{base}.rq",
        "editor": editor_link(q),
        "parameters": [p.name for p in q.parameters],
    }
