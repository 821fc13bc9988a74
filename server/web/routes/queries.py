"""``/queries``: the saved queries, listed and run with typed parameters.

``make_router(settings)`` reads ``queries/*.rq`` once, at app creation (a bad file stops the server with
``file:line``), and adds one route per saved query, a :class:`SavedQueryEndpoint`, so that the OpenAPI
document lists each with its typed, documented parameters. A run answers as an HTML table with a form,
SPARQL JSON, CSV or TSV, chosen by the path's extension (``/queries/{name}.csv``) or else by ``Accept``;
``/queries/{name}.rq`` is the text.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from server.errors import BadParameter, NotFound
from server.graph.vocabulary import prefixes
from server.settings import Settings
from server.sparql.engine import QueryRequest
from server.sparql.formats import (
    CSV,
    HTML,
    JSON,
    LISTING_TYPES,
    PLAIN_JSON,
    SAVED_QUERY_EXTENSIONS,
    SAVED_QUERY_TYPES,
    SPARQL_JSON,
    SPARQL_QUERY,
    TSV,
    negotiate,
)
from server.sparql.query_files import load_catalog
from server.sparql.saved_queries import Parameter, SavedQuery, membership_query, membership_substitutions
from server.web import pages
from server.web.routes.prefixed import PrefixedRouter
from server.web.saved_query_pages import list_page, listing_entry, run_page
from server.web.state import AppState, state

TRUNCATED_HEADER = "X-Truncated"  # as on /sparql
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The answer; `X-Truncated: true` when it was cut at the row limit.",
        "content": {m: {} for m in SAVED_QUERY_TYPES},
    },
    400: {"description": "A parameter value that does not fit its type; the message names the parameter."},
    406: {"description": "None of the offered media types fits `Accept`."},
    503: {"description": "The query ran past the server's time limit and was stopped."},
}


def make_router(settings: Settings) -> APIRouter:
    """The /queries routes over the saved queries in ``settings.queries_dir``; raises ParseError on a bad
    file."""
    catalog = load_catalog(settings.queries_dir, prefixes(settings.base_iri), settings.base_iri)
    router = PrefixedRouter("/queries", tags=["saved queries"])

    async def list_queries(request: Request) -> Response:
        return _listing(request, catalog, None)

    async def list_queries_json(request: Request) -> Response:
        return _listing(request, catalog, "json")

    router.add_api_route(
        "/queries",
        list_queries,
        methods=["GET"],
        summary="List the saved queries",
        description="Every saved query with its title, description and parameters: HTML, or JSON by "
        "`Accept`.",
        responses={200: {"content": {m: {} for m in LISTING_TYPES}}},
    )
    router.add_api_route("/queries.json", list_queries_json, methods=["GET"], include_in_schema=False)
    for query in catalog.values():
        endpoint = SavedQueryEndpoint(query, settings)
        router.add_api_route(
            f"/queries/{query.name}",
            endpoint.run,
            methods=["GET"],
            name=f"query-{query.name}",
            operation_id=f"saved_query_{query.name.replace('-', '_')}",
            summary=f"{query.title['en']} ({query.title['fi']})",
            description=endpoint.description(),
            responses=RESPONSES,
            openapi_extra={"parameters": endpoint.openapi_parameters()} if query.parameters else None,
        )
        router.add_api_route(
            f"/queries/{query.name}.{{ext}}",
            endpoint.run_with_extension,
            methods=["GET"],
            include_in_schema=False,
        )

    async def unknown_query(name: str) -> Response:
        raise NotFound(f"No saved query named '{name}'; GET /queries lists them.")

    router.add_api_route("/queries/{name}", unknown_query, methods=["GET"], include_in_schema=False)
    return router


def _listing(request: Request, catalog: dict[str, SavedQuery], ext: str | None) -> Response:
    media = negotiate(request.headers.get("accept"), LISTING_TYPES, ext, PLAIN_JSON)
    headers = {"Vary": "Accept, Accept-Language, Cookie"}
    lang = pages.request_language(request)
    if media == JSON:
        return JSONResponse({"queries": [listing_entry(q) for q in catalog.values()]}, headers=headers)
    version = state(request).published.version
    response = HTMLResponse(list_page(catalog.values(), lang, version), headers=headers)
    pages.remember_language(request, response, lang)
    return response


class SavedQueryEndpoint:
    """The HTTP face of one saved query: its OpenAPI description and its two handlers.

    The handlers read the query string themselves and bind it through ``server.sparql.saved_queries``, so
    that a bad value gets our error shape and a message naming the parameter; the OpenAPI document still
    gives each parameter its real type (:meth:`openapi_parameters`).
    """

    def __init__(self, query: SavedQuery, settings: Settings) -> None:
        self.query = query
        self.settings = settings
        self.names = {p.name for p in query.parameters}

    def description(self) -> str:
        q = self.query
        return "\n".join(
            [
                q.description["en"],
                "",
                f"*{q.description['fi']}*",
                "",
                "Answers as an HTML table (`text/html`), SPARQL JSON, CSV or TSV, by `Accept` or by adding "
                f"`.json`, `.csv` or `.tsv` to the path; `/queries/{q.name}.rq` is the SPARQL text. "
                "Parameters "
                "are bound as RDF terms, never pasted into the query; one left out takes its default, or "
                "else "
                "matches everything.",
            ]
        )

    def openapi_parameters(self) -> list[dict[str, Any]]:
        """One OpenAPI parameter object per query parameter: optional, in the query string, typed."""
        return [_openapi_parameter(p) for p in self.query.parameters]

    async def run(self, request: Request) -> Response:
        return await self.answer(request, None)

    async def run_with_extension(self, request: Request, ext: str) -> Response:
        return await self.answer(request, ext)

    async def answer(self, request: Request, ext: str | None) -> Response:
        q, st = self.query, state(request)
        # ``lang`` is always taken: the page's language, and the labels' too where the query has a ``lang``.
        unknown = sorted(set(request.query_params) - self.names - {"lang"})
        if unknown:
            takes = ", ".join(sorted(self.names)) or "no parameters"
            raise BadParameter(unknown[0], f"'{q.name}' does not take it; it takes: {takes}")
        if ext == "rq":
            return Response(q.text, media_type=f"{SPARQL_QUERY}; charset=utf-8")
        if ext is not None and ext not in SAVED_QUERY_EXTENSIONS:
            raise NotFound(
                f"No format '.{ext}' for saved queries; use one of: .rq, "
                + ", ".join("." + e for e in SAVED_QUERY_EXTENSIONS)
            )
        page_lang = request.query_params.get("lang")
        if "lang" not in self.names and page_lang is not None and page_lang not in pages.LANGUAGES:
            raise BadParameter("lang", f"the page language is one of {', '.join(pages.LANGUAGES)}")
        media = negotiate(request.headers.get("accept"), SAVED_QUERY_TYPES, ext)
        members = await _members(st, q)
        raw = {name: request.query_params.get(name) for name in self.names}
        known = {k: {iri for iri, _ in v} for k, v in members.items()}
        bound = q.bind(raw, prefixes(self.settings.base_iri), known)
        result = await st.engine.run(
            QueryRequest(
                text=q.text, result_format=SPARQL_JSON if media == HTML else media, substitutions=bound
            )
        )
        headers = {"Vary": "Accept", TRUNCATED_HEADER: "true" if result.truncated else "false"}
        if media == HTML:
            lang = pages.request_language(request)
            base, version = self.settings.base_iri, st.published.version
            page = run_page(q, raw, members, result.body, result.truncated, base, lang, version)
            headers["Vary"] = "Accept, Accept-Language, Cookie"
            response = HTMLResponse(page, headers=headers)
            pages.remember_language(request, response, lang)
            return response
        if media in (CSV, TSV):
            # UTF-8 without a byte-order mark, the charset said in Content-Type: the bytes are the engine's
            # SPARQL CSV, as /sparql sends them, and a BOM would become part of the first column's name for
            # programs that read UTF-8 (Python's csv, R, pandas with encoding="utf-8"). LibreOffice, Google
            # Sheets and Excel's "From Text/CSV" import read it as UTF-8; only a double-click in Excel guesses
            # the legacy code page.
            extension = "csv" if media == CSV else "tsv"
            headers["Content-Disposition"] = f'attachment; filename="{q.name}.{extension}"'
            media += "; charset=utf-8; header=present"
        return Response(result.body, media_type=media, headers=headers)


def _openapi_parameter(p: Parameter) -> dict[str, Any]:
    described = p.description["en"] + f" — {p.description['fi']}"
    if p.of_class or p.in_scheme:
        kinds = (p.of_class and f"a <{p.of_class}>", p.in_scheme and f"in <{p.in_scheme}>")
        described += " (an IRI or prefixed name: " + ", ".join(filter(None, kinds)) + ")"
    schema = p.openapi_schema()
    sample = p.example or p.default
    if sample:
        schema["examples"] = [int(sample) if schema["type"] == "integer" else sample]
    return {"name": p.name, "in": "query", "required": False, "description": described, "schema": schema}


async def _members(st: AppState, q: SavedQuery) -> dict[str, list[tuple[str, str]]]:
    """For each IRI parameter with a class or scheme: the (IRI, label) pairs the published data holds,
    asked of the engine once per served version."""
    out = {}
    for p in q.parameters:
        text = membership_query(p)
        if text is None:
            continue
        key = (q.name, p.name)
        if key not in st.query_members:
            result = await st.engine.run(
                QueryRequest(text=text, result_format=SPARQL_JSON, substitutions=membership_substitutions(p))
            )
            rows = json.loads(result.body)["results"]["bindings"]
            st.query_members[key] = [(r["value"]["value"], r.get("label", r["value"])["value"]) for r in rows]
        out[p.name] = st.query_members[key]
    return out
