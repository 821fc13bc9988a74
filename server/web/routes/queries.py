"""``/queries``: the saved queries, listed and run with typed parameters.

``make_router(settings)`` reads ``queries/*.rq`` once, at app creation (a bad file stops the server with
``file:line``), and adds one route per saved query so that the OpenAPI document lists each with its typed,
documented parameters. A run answers as an HTML table with a form, SPARQL JSON, CSV or TSV, chosen by
the path's extension (``/queries/{name}.csv``) or else by ``Accept``; ``/queries/{name}.rq`` is the text.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
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
from server.sparql.saved_queries import SavedQuery, membership_query, membership_substitutions, parse_iri
from server.web.state import state
from server.web.templating import render

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
    """The /queries routes over the saved queries in ``settings.queries_dir``; raises ParseError on a bad file."""
    catalog = load_catalog(settings.queries_dir, prefixes(settings.base_iri), settings.base_iri)
    members: dict[
        tuple[str, str, str], list[tuple[str, str]]
    ] = {}  # (version, query, param) -> [(iri, label)]
    router = APIRouter(tags=["saved queries"])

    async def listing(request: Request, ext: str | None) -> Response:
        media = negotiate(request.headers.get("accept"), LISTING_TYPES, ext, PLAIN_JSON)
        if media == JSON:
            return JSONResponse(
                {"queries": [_listing(q) for q in catalog.values()]}, headers={"Vary": "Accept"}
            )
        return HTMLResponse(
            render("queries_list.html", queries=[_listing(q) for q in catalog.values()]),
            headers={"Vary": "Accept"},
        )

    async def list_queries(request: Request) -> Response:
        return await listing(request, None)

    async def list_queries_json(request: Request) -> Response:
        return await listing(request, "json")

    router.add_api_route(
        "/queries",
        list_queries,
        methods=["GET"],
        summary="List the saved queries",
        description="Every saved query with its title, description and parameters: HTML, or JSON by `Accept`.",
        responses={200: {"content": {m: {} for m in LISTING_TYPES}}},
    )
    router.add_api_route("/queries.json", list_queries_json, methods=["GET"], include_in_schema=False)

    for query in catalog.values():
        run, run_with_extension = _run_endpoints(query, settings, members)
        router.add_api_route(
            f"/queries/{query.name}",
            run,
            methods=["GET"],
            name=f"query-{query.name}",
            operation_id=f"saved_query_{query.name.replace('-', '_')}",
            summary=f"{query.title['en']} ({query.title['fi']})",
            description=_describe(query),
            responses=RESPONSES,
        )
        router.add_api_route(
            f"/queries/{query.name}.{{ext}}", run_with_extension, methods=["GET"], include_in_schema=False
        )

    async def unknown_query(name: str) -> Response:
        raise NotFound(f"No saved query named '{name}'; GET /queries lists them.")

    router.add_api_route("/queries/{name}", unknown_query, methods=["GET"], include_in_schema=False)
    return router


def _listing(q: SavedQuery) -> dict[str, Any]:
    base = f"/queries/{q.name}"
    return {
        **q.as_json(),
        "links": {
            "html": base,
            "json": f"{base}.json",
            "csv": f"{base}.csv",
            "tsv": f"{base}.tsv",
            "sparql": f"{base}.rq",
            "editor": editor_link(q),
        },
        "query": q.text,
    }


def editor_link(q: SavedQuery) -> str:
    """The editor page with this query in a new tab (YASGUI reads ``#query=…&tabTitle=…``)."""
    return "/sparql#" + urlencode({"query": q.text, "tabTitle": q.title["en"]}, quote_via=quote)


def _describe(q: SavedQuery) -> str:
    lines = [q.description["en"], "", f"*{q.description['fi']}*", ""]
    lines.append(
        "Answers as an HTML table (`text/html`), SPARQL JSON, CSV or TSV, by `Accept` or by adding "
        f"`.json`, `.csv` or `.tsv` to the path; `/queries/{q.name}.rq` is the SPARQL text. Parameters are "
        "bound as RDF terms, never pasted into the query; one left out takes its default, or else matches everything."
    )
    return "\n".join(lines)


def _signature(q: SavedQuery) -> inspect.Signature:
    """``(request, <one keyword per parameter>)``: FastAPI documents each parameter from this signature.

    Values are declared as strings and typed by ``server.sparql.saved_queries``, so that a bad value gets our
    error shape and message; the OpenAPI schema still says the real type (``json_schema_extra``).
    """
    params = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)]
    for i, p in enumerate(q.parameters):
        described = p.description["en"] + f" — {p.description['fi']}"
        if p.of_class or p.in_scheme:
            kinds = (p.of_class and f"a <{p.of_class}>", p.in_scheme and f"in <{p.in_scheme}>")
            described += " (an IRI or prefixed name: " + ", ".join(filter(None, kinds)) + ")"
        typed = int if p.type in ("integer", "year") else str  # as the OpenAPI schema types it
        sample = p.example or p.default
        params.append(
            inspect.Parameter(
                f"param_{i}",  # the Python name; a SPARQL variable may be a keyword such as "class"
                inspect.Parameter.KEYWORD_ONLY,
                annotation=str,
                default=Query(
                    typed(p.default) if p.default is not None else None,
                    alias=p.name,
                    description=described,
                    examples=[typed(sample)] if sample else None,
                    json_schema_extra=p.openapi_schema(),
                ),
            )
        )
    return inspect.Signature(params)


def _run_endpoints(
    q: SavedQuery, settings: Settings, members: dict[tuple[str, str, str], list[tuple[str, str]]]
) -> tuple[Callable[..., Awaitable[Response]], Callable[..., Awaitable[Response]]]:
    """The documented ``/queries/{name}`` endpoint and the ``/queries/{name}.{ext}`` one."""
    names = {p.name for p in q.parameters}

    async def answer(request: Request, ext: str | None) -> Response:
        unknown = sorted(set(request.query_params) - names)
        if unknown:
            takes = ", ".join(sorted(names)) or "no parameters"
            raise BadParameter(unknown[0], f"'{q.name}' does not take it; it takes: {takes}")
        if ext == "rq":
            return Response(q.text, media_type=f"{SPARQL_QUERY}; charset=utf-8")
        if ext is not None and ext not in SAVED_QUERY_EXTENSIONS:
            raise NotFound(
                f"No format '.{ext}' for saved queries; use one of: .rq, {', '.join('.' + e for e in SAVED_QUERY_EXTENSIONS)}"
            )
        media = negotiate(request.headers.get("accept"), SAVED_QUERY_TYPES, ext)
        known = await _known_values(request, q, members)
        raw = {name: request.query_params.get(name) for name in names}
        bound = q.bind(raw, prefixes(settings.base_iri), {k: {iri for iri, _ in v} for k, v in known.items()})
        engine_format = SPARQL_JSON if media == HTML else media
        result = await state(request).engine.run(
            QueryRequest(text=q.text, result_format=engine_format, substitutions=bound)
        )
        headers = {"Vary": "Accept", TRUNCATED_HEADER: "true" if result.truncated else "false"}
        if media == HTML:
            page = render(
                "queries_run.html",
                query=_listing(q),
                params=_form_fields(q, raw, known, settings.base_iri),
                results=json.loads(result.body),
                truncated=result.truncated,
                query_string=urlencode({k: v for k, v in raw.items() if v}),
                base_iri=settings.base_iri,
            )
            return HTMLResponse(page, headers=headers)
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

    async def run(request: Request, **values: str | None) -> Response:
        return await answer(request, None)

    async def run_with_extension(request: Request, ext: str) -> Response:
        return await answer(request, ext)

    run.__signature__ = _signature(q)  # type: ignore[attr-defined]
    run.__name__ = f"run_{q.name.replace('-', '_')}"
    return run, run_with_extension


async def _known_values(
    request: Request, q: SavedQuery, members: dict[tuple[str, str, str], list[tuple[str, str]]]
) -> dict[str, list[tuple[str, str]]]:
    """For each IRI parameter with a class or scheme: the (IRI, label) pairs the published data holds."""
    version = state(request).published.version
    out = {}
    for p in q.parameters:
        text = membership_query(p)
        if text is None:
            continue
        key = (version, q.name, p.name)
        if key not in members:
            result = await state(request).engine.run(
                QueryRequest(text=text, result_format=SPARQL_JSON, substitutions=membership_substitutions(p))
            )
            rows = json.loads(result.body)["results"]["bindings"]
            members[key] = [(r["value"]["value"], r.get("label", r["value"])["value"]) for r in rows]
        out[p.name] = members[key]
    return out


def _form_fields(
    q: SavedQuery, raw: dict[str, str | None], known: dict[str, list[tuple[str, str]]], base_iri: str
) -> list[dict[str, Any]]:
    fields = []
    for p in q.parameters:
        options = known.get(p.name)
        if options is None and p.allowed:
            options = [(v, v) for v in p.allowed]
        value = raw.get(p.name) or p.default or ""
        if p.type == "iri" and value:
            try:  # a prefixed name (a default such as kunta:061) selects its option by the full IRI
                value = parse_iri(p.name, value, prefixes(base_iri))
            except BadParameter:
                pass
        fields.append({**p.as_json(), "value": value, "options": options})
    return fields
