"""The OpenAPI document: FastAPI's, plus ``/sparql``, which is a plain ASGI handler FastAPI cannot see.

``/sparql`` is described by hand from the same tables the handler uses (media types, settings), so that
the document says what the endpoint really answers: GET and both POSTs of the SPARQL 1.1 Protocol, their
parameters, the media types of each answer and the error statuses in our one error shape.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from server.settings import Settings
from server.sparql.formats import FORM, GRAPH_TYPES, HTML, RESULT_TYPES, SPARQL_QUERY

ERROR = {"$ref": "#/components/schemas/SparqlError"}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
}
# Statuses /sparql answers besides 200, each in the error shape (server.errors).
ERRORS = {
    "400": "Bad parameter, query syntax, a query (or body) too long or too complex, an update, a refused "
    "SERVICE",
    "406": "No offered media type fits Accept or format",
    "408": "The request's head or body did not arrive in time",
    "414": "The request target is over max_url_bytes: send the query by POST",
    "415": "A POST body in a type other than application/sparql-query or a form",
    "429": "This client address already holds its query slots (Retry-After)",
    "431": "Header lines over max_header_bytes",
    "503": "The query ran past its time limit, the wait queue is full (Retry-After), or a worker died",
}


def _parameters(settings: Settings) -> list[dict[str, Any]]:
    def param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}

    iri_list = {"type": "array", "items": {"type": "string", "format": "iri"}}
    return [
        param(
            "query",
            f"SPARQL 1.1 query text, at most {settings.max_query_length} characters; without it the "
            "endpoint describes itself (Service Description, or the query editor for a browser).",
            {"type": "string", "minLength": 1, "maxLength": settings.max_query_length},
        ),
        param("default-graph-uri", "Graphs whose merge is the default graph.", iri_list),
        param("named-graph-uri", "Graphs the query may name with GRAPH.", iri_list),
        param(
            "format",
            "A media type or short name (json, xml, csv, tsv, turtle, ...) that overrides Accept.",
            {"type": "string"},
        ),
        param(
            "timeout",
            f"Seconds, ASCII digits (2 or 0.5), lowering the server's limit of {settings.timeout:g} s; at "
            "least 0.01 s is used.",
            {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$|^\.[0-9]+$"},
        ),
    ]


def _responses() -> dict[str, Any]:
    media = {m: {"schema": {"type": "string"}} for m in (*RESULT_TYPES, *GRAPH_TYPES, HTML)}
    media["application/sparql-results+json"] = {"schema": {"type": "object"}}
    answers: dict[str, Any] = {
        "200": {"description": "Results, a graph, or the service description", "content": media}
    }
    for status, description in ERRORS.items():
        answers[status] = {"description": description, "content": {"application/json": {"schema": ERROR}}}
    return answers


def sparql_path(settings: Settings) -> dict[str, Any]:
    """The OpenAPI path item of ``/sparql``."""
    parameters = _parameters(settings)
    common = {"tags": ["SPARQL"], "responses": _responses()}
    text = {"type": "string", "minLength": 1, "maxLength": settings.max_query_length}
    form = {
        "type": "object",
        "required": ["query"],
        "properties": {
            "query": text,
            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
            "named-graph-uri": {"type": "array", "items": {"type": "string"}},
            "format": {"type": "string"},
            "timeout": parameters[-1]["schema"],
        },
    }
    return {
        "get": {"summary": "Query by GET", "operationId": "sparql_get", "parameters": parameters, **common},
        "post": {
            "summary": "Query by POST: the query as the body (application/sparql-query) or a form",
            "operationId": "sparql_post",
            "parameters": [p for p in parameters if p["name"] != "query"],
            "requestBody": {
                "required": True,
                "content": {SPARQL_QUERY: {"schema": text}, FORM: {"schema": form}},
            },
            **common,
        },
    }


def install(app: FastAPI, settings: Settings) -> None:
    """Make ``app.openapi()`` FastAPI's document with ``/sparql`` in it (built once, then kept)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            document["paths"] = {"/sparql": sparql_path(settings), **document["paths"]}
            document.setdefault("components", {}).setdefault("schemas", {})["SparqlError"] = ERROR_SCHEMA
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
