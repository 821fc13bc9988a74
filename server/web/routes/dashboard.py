"""``/dashboard``: the analyst's dashboard (charts, network, map, project explorer) and its data routes.

Every chart and table on the page is fed by a saved query of ``queries/`` (:data:`QUERIES`), whose "data
as CSV", "the SPARQL behind this" and "open in the editor" links the page shows. The page reads the
answers from this server's dashboard routes, computed from the version's dashboard index
(``server.publish.dashboard_index``: read once per version and server process with one pass of plain
queries, then each answer in Python, the same rows the saved query gives; ``tests/test_dashboard_index.py``
compares them):

- ``/dashboard/data/{name}.json``: the saved query ``name``'s answer as SPARQL JSON (:data:`ANSWERS`);
- ``/dashboard/network.json``: the organisations of ``organisation-network`` with degree, betweenness and
  spearheads per organisation computed with networkx (``server.publish.network``);
- ``/dashboard/projects.json``: ``project-explorer`` with the facets as its parameters, the facets counted
  within the selection, sorted and paged (``server.publish.explorer``).

The last two keep their answer per dataset version in a small cache; a request with ``Cache-Control:
no-cache`` is computed afresh from the index (the benchmark measures that). Like every page the dashboard
is sent with ``Content-Security-Policy: default-src 'self'`` (``server.web.content_policy``): it has no
inline script or style, and everything it loads comes from this server.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup

from server.errors import BadParameter, NotFound, ParseError
from server.graph.vocabulary import prefixes
from server.publish import dashboard_answers, dashboard_projects, explorer, network
from server.publish.dashboard_index import DashboardIndex
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
# Saved query -> its answer from the index, given the bound parameters' values (strings; None: unbound).
ANSWERS: dict[str, Any] = {
    "funding-by-group-and-year": lambda ix, v: dashboard_answers.funding_by_group_and_year(
        ix, v["grouping"], v["amount_type"], v["lang"]
    ),
    "projects-by-group-and-year": lambda ix, v: dashboard_answers.projects_by_group_and_year(
        ix, v["grouping"], v["lang"]
    ),
    "group-coverage": lambda ix, v: dashboard_answers.group_coverage(
        ix, v["grouping"], v["amount_type"], v["lang"]
    ),
    "strategy-flow": lambda ix, v: dashboard_answers.strategy_flow(ix, v["amount_type"], v["lang"]),
    "projects-by-area": lambda ix, v: dashboard_answers.projects_by_area(ix, v["amount_type"], v["lang"]),
    "project-facet-values": lambda ix, v: dashboard_projects.facet_values(ix, v.get("facet"), v["lang"]),
}
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

    async def dashboard_index(request: Request) -> DashboardIndex:
        return await state(request).read_dashboard_index()

    def bound(name: str, values: Mapping[str, str | None]) -> dict[str, str | None]:
        """The saved query's parameters as it binds them (defaults filled in), as strings."""
        terms = catalog[name].bind(values, prefixes(settings.base_iri))
        return {p.name: (terms[p.name].value if p.name in terms else None) for p in catalog[name].parameters}

    async def cached(request: Request, key: tuple[Any, ...], compute: Any) -> dict[str, Any]:
        full_key = (state(request).published.version, *key)
        fresh = "no-cache" in request.headers.get("cache-control", "")
        hit = None if fresh else answers.get(full_key)
        if hit is None:
            hit = await compute()
            answers.put(full_key, hit)
        return hit

    def facet_labels(
        request: Request, index: DashboardIndex, lang: str
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """The labels of every facet value in ``lang`` (``project-facet-values``), once for the version."""
        st = state(request)
        if lang not in st.facet_labels:
            rows = dashboard_projects.facet_values(index, None, lang)["results"]["bindings"]
            st.facet_labels[lang] = explorer.labels(rows)
        return st.facet_labels[lang]

    @router.get("/dashboard/data/{name}.json", summary="A saved query's answer, from the dashboard's index")
    async def answer(request: Request, name: str) -> Response:
        """What ``/queries/{name}.json`` answers, computed from the version's dashboard index, for the saved
        queries of :data:`ANSWERS`."""
        if name not in ANSWERS:
            raise NotFound(f"No dashboard data named {name!r}; it has: {', '.join(sorted(ANSWERS))}")
        values = _only(request, tuple(p.name for p in catalog[name].parameters))
        bound_values = bound(name, values)
        index = await dashboard_index(request)
        return JSONResponse(ANSWERS[name](index, bound_values), headers=_headers())

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
            index = await dashboard_index(request)
            v = bound("organisation-network", values)
            orgs = dashboard_projects.network_organisations(
                index, v["period"], v["spearhead"], v["lang"] or "fi"
            )
            return {
                "query": "organisation-network",
                "parameters": values,
                **network.network_of(orgs, max_nodes),
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

        async def compute() -> dict[str, Any]:
            index = await dashboard_index(request)
            v = bound("project-explorer", values)
            lang, amount_type = v["lang"] or "fi", v["amount_type"] or ""
            filters = {k: v[k] for k in dashboard_projects.FILTERS}
            projects = dashboard_projects.explorer_projects(index, filters, amount_type, lang)
            counts = dashboard_projects.facet_counts(index, filters)
            labels = facet_labels(request, index, lang)
            return {
                "query": "project-explorer",
                "parameters": {k: v for k, v in values.items() if v},
                **explorer.explore_projects(projects, counts, labels, page),
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
        # Where the page reads the answer: computed from the version's dashboard index where it can be.
        "data": f"/dashboard/data/{q.name}.json" if q.name in ANSWERS else f"{base}.json",
    }
