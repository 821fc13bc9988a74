"""The OpenAPI document: FastAPI's, plus ``/sparql``, which is a plain ASGI handler FastAPI cannot see.

``/sparql`` is described by hand from the same tables the handler uses (media types, settings), so that
the document says what the endpoint really answers: GET and both POSTs of the SPARQL 1.1 Protocol, their
parameters, the media types of each answer and the error statuses in our one error shape.

Every other operation gets its answers from :data:`ANSWERS` (FastAPI would say ``application/json`` and
422 for all of them): the media types of its 200 and the error statuses it can give, each error as JSON
or, for a browser, as a page. Parameters that accept only members of a set (a published version, a dump
file, a graph) list them as an ``enum`` of the served version; the document is rebuilt when the served
version changes. Schemathesis checks the whole document against a running server
(tests/test_schemathesis.py).
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from fastapi import FastAPI

from server.graph.releases import list_releases
from server.graph.versions import Published
from server.graph.vocabulary import curie, prefixes
from server.publish.dumps import KINDS, dump_plan
from server.settings import Settings
from server.sparql.formats import (
    DESCRIPTION_TYPES,
    FORM,
    GRAPH_TYPES,
    GZIP,
    HTML,
    JSON,
    LISTING_TYPES,
    N_QUADS,
    RESULT_TYPES,
    SAVED_QUERY_TYPES,
    SPARQL_QUERY,
    TURTLE,
)
from server.sparql.query_files import load_catalog
from server.sparql.saved_queries import membership_query, membership_substitutions

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
            {"type": "string", "minLength": 1, "maxLength": settings.max_query_length, "pattern": r"\S"},
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
    text = {"type": "string", "minLength": 1, "maxLength": settings.max_query_length, "pattern": r"\S"}
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


# Why each status is answered, for the operations' descriptions; all in our error shape.
STATUS_TEXT = {
    "304": "Not modified since the ETag or date the request gave",
    "400": "A bad parameter, or a malformed Range header",
    "401": "No bearer token, where writes need publish_token",
    "403": "A token that is not publish_token, or a graph publishers may not write",
    "404": "Nothing by that name in the published data",
    "405": "Writes are off: the server has no publish_token",
    "406": "No offered media type fits Accept or format",
    "408": "The request's head or body did not arrive in time",
    "414": "The request target is over max_url_bytes",
    "415": "A body in a media type the route does not read",
    "416": "A Range past the end of the file",
    "422": "The import violates the shapes (JSON, or the SHACL report in Turtle); nothing was published",
    "429": "This client address already holds its query slots (Retry-After)",
    "431": "Header lines over max_header_bytes",
    "503": "Busy or not ready: a query past its time limit, a full wait queue (Retry-After), too many "
    "connections, dumps still being written",
}
# What any operation may answer before its route runs (server.web.http_protocol, server.web.edge).
PROTOCOL_STATUSES = ("408", "414", "431", "503")
DUMP_TYPES = (*(k.media_type for k in KINDS.values()), GZIP)
FILES = ("304", "400", "404", "416")  # a file served with ETag and ranges
QUERIES = ("400", "406", "429", "503")  # a query through the engine
HEALTH = {
    "type": "object",
    "required": ["status", "version", "workers", "replacing", "process"],
    "properties": {
        "status": {"enum": ["ok", "degraded"]},
        "version": {"type": "string"},
        "workers": {"type": "integer"},
        "replacing": {"type": "integer"},
        "process": {"type": "integer"},
    },
}
# (method, path) -> (media types of the 200 answer, error statuses besides PROTOCOL_STATUSES).
ANSWERS: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {
    ("get", "/healthz"): ((JSON,), ()),  # its 503 is the same object, "degraded"
    ("get", "/metrics"): (("text/plain",), ()),
    ("get", "/queries"): (LISTING_TYPES, ("406",)),
    ("get", "/dashboard/network.json"): ((JSON,), QUERIES),
    ("get", "/dashboard/projects.json"): ((JSON,), QUERIES),
    ("get", "/dashboard/data/{name}.json"): ((JSON,), ("400", "404", "503")),  # 503: the index is being read
    ("get", "/dumps/"): (LISTING_TYPES, ("406",)),
    ("get", "/dumps/SHA256SUMS"): (("text/plain",), ()),
    ("get", "/dumps/{name}"): (DUMP_TYPES, FILES),
    ("get", "/versions/"): (LISTING_TYPES, ("404", "406")),  # 404: serving files, no versions
    ("get", "/versions/{version}"): (LISTING_TYPES, ("404", "406")),
    ("get", "/versions/{version}/changes/{name}"): ((JSON, N_QUADS), FILES),
    ("get", "/versions/{version}/dataset.nq.gz"): ((GZIP,), FILES),
    ("get", "/versions/{version}/dumps/"): ((JSON,), ("404",)),
    ("get", "/versions/{version}/dumps/{name}"): (DUMP_TYPES, FILES),
    ("get", "/catalog"): (DESCRIPTION_TYPES, ("406",)),
    ("get", "/.well-known/void"): (DESCRIPTION_TYPES, ("406",)),
    ("post", "/publish"): ((JSON,), ("400", "401", "403", "404", "415", "422")),
    ("get", "/graph-store"): (GRAPH_TYPES, ("400", "403", "404", "406")),
    **{
        (method, "/graph-store"): ((JSON,), ("400", "401", "403", "404", "405", "415", "422"))
        for method in ("put", "post", "delete")
    },
}
SAVED_QUERY = (SAVED_QUERY_TYPES, QUERIES)


def _schema(media: str) -> dict[str, Any]:
    return {"type": "object"} if media == JSON else {"type": "string"}


def _answers(method: str, path: str, summary: str) -> dict[str, Any]:
    """The responses of one operation other than /sparql, from ANSWERS."""
    media, errors = SAVED_QUERY if path.startswith("/queries/") else ANSWERS[(method, path)]
    ok = {m: {"schema": HEALTH if path == "/healthz" else _schema(m)} for m in media}
    answers: dict[str, Any] = {"200": {"description": summary or "OK", "content": ok}}
    if path == "/healthz":
        answers["503"] = {"description": "No query worker is ready", "content": ok}
    if path == "/graph-store" and method in ("put", "post"):
        answers["201"] = {"description": "The graph was created", "content": ok}
    failed = {JSON: {"schema": ERROR}, HTML: {"schema": {"type": "string"}}}  # JSON, or a page for a browser
    for status in sorted({*errors, *PROTOCOL_STATUSES, *(["304"] if method == "get" else [])}):
        if status in answers:
            continue
        content = {} if status == "304" else dict(failed)
        if status == "422":
            content[TURTLE] = {"schema": {"type": "string"}}
        answers[status] = {"description": STATUS_TEXT[status], **({"content": content} if content else {})}
    return answers


def _members(document: dict[str, Any], published: Published, settings: Settings) -> None:
    """The parameters that name a member of a set: each lists the served version's members."""
    folder = published.folder
    versions = [r.version for r in list_releases(settings.build_dir, upto=folder.name)] if folder else []
    dumps = [n for name, _, _ in dump_plan(published) for n in (name, f"{name}.gz")]
    sets = {"version": versions, "name": None, "graph": sorted(published.graph_names)}
    for path, item in document["paths"].items():
        for op in item.values():
            for param in op.get("parameters", []):
                members = sets.get(param["name"])
                if param["name"] == "name" and path == "/dumps/{name}":
                    members = dumps
                if members and param["in"] in ("path", "query") and path != "/sparql":
                    param["schema"] = {"type": "string", "enum": members}


MAX_ENUM = 100  # members listed at most; a larger set (organisations at scale) is left to the message


def _saved_query_members(document: dict[str, Any], published: Published, settings: Settings) -> None:
    """Each saved query's IRI parameter of a class or scheme lists its members: their IRIs and prefixed
    names (both are accepted; anything else is 400)."""
    base = published.base_iri
    names = list(prefixes(base).items())
    for q in load_catalog(settings.queries_dir, prefixes(base), base).values():
        operation = document["paths"].get(f"/queries/{q.name}", {}).get("get", {})
        for p in q.parameters:
            text = membership_query(p)
            if text is None:
                continue
            bound: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
                ox.Variable(k): v for k, v in membership_substitutions(p).items()
            }
            rows = published.store.query(text, substitutions=bound)
            if not isinstance(rows, ox.QuerySolutions):  # membership_query is a SELECT
                continue
            iris = sorted({row["value"].value for row in rows if isinstance(row["value"], ox.NamedNode)})
            if not iris or len(iris) > MAX_ENUM:
                continue
            short = sorted({c for iri in iris if (c := curie(iri, names)) is not None})
            for param in operation.get("parameters", []):
                if param["name"] == p.name:
                    param["schema"]["enum"] = iris + short


def install(app: FastAPI, settings: Settings) -> None:
    """Make ``app.openapi()`` FastAPI's document with ``/sparql`` in it and every operation's real answers
    (built once per served version, then kept)."""
    build = app.openapi
    built_for: list[str] = []

    def openapi() -> dict[str, Any]:
        served = getattr(app.state, "smarthame", None)
        published = served.published if served is not None else None
        version = published.version if published is not None else ""
        if app.openapi_schema is None or built_for != [version]:
            app.openapi_schema = None
            document = build()
            for path, item in document["paths"].items():
                for method, op in item.items():
                    op["responses"] = _answers(method, path, op.get("summary", ""))
                    if path == "/graph-store":
                        op["parameters"] = [GRAPH_PARAMETER]
            if published is not None:
                _members(document, published, settings)
                _saved_query_members(document, published, settings)
            document["paths"] = {"/sparql": sparql_path(settings), **document["paths"]}
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas["SparqlError"] = ERROR_SCHEMA
            for unused in ("HTTPValidationError", "ValidationError"):  # FastAPI's 422, never sent
                schemas.pop(unused, None)
            app.openapi_schema, built_for[:] = document, [version]
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


GRAPH_PARAMETER = {
    "name": "graph",
    "in": "query",
    "required": True,
    "description": "The IRI of a named graph of the published version.",
    "schema": {"type": "string", "format": "iri"},
}
