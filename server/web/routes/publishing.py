"""Publishers' writes over HTTP (off unless ``publish_token`` is set): ``POST /publish`` and the Graph Store
protocol on the publisher graph. Reads (``GET``/``HEAD /graph-store``) are open and read-only.

Every write goes through the import of ``server.graph.imports.run`` (the same mapping and SHACL gate as
``smarthame import``): 200 with what changed, 422 with the report (JSON, or Turtle by Accept) when the
shapes refuse, nothing changed; ``?dry-run=true`` validates only. A bearer token is compared in constant
time: 401 without one, 403 for a wrong one. With no token configured, ``/publish`` is 404 and the Graph
Store writes are 405, and nothing changes.
"""

from __future__ import annotations

import dataclasses
import hmac
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from server.errors import (
    BadParameter,
    Forbidden,
    ImportRefused,
    ImportRejected,
    InputError,
    MethodNotAllowed,
    NotFound,
    ParseError,
    Unauthorized,
    UnsupportedMediaType,
)
from server.graph.vocabulary import PUBLISHER_GRAPHS, graph_iri
from server.settings import Settings
from server.sparql.formats import GRAPH_TYPES, content_type, negotiate, serialize_triples
from server.web.state import state

if TYPE_CHECKING:
    from server.graph.imports.run import ImportOutcome
    from server.graph.validation import ValidationReport

router = APIRouter(tags=["publishing"])
GRAPH_STORE = "/graph-store"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUFFIXES = {
    "application/json": ".json",
    "text/csv": ".csv",
    XLSX: ".xlsx",
    "text/turtle": ".ttl",
    "application/trig": ".trig",
    "application/n-triples": ".nt",
    "application/n-quads": ".nq",
    "application/ld+json": ".jsonld",
}
MAX_BODY = 64 * 1024 * 1024  # a publisher's batch is kilobytes; this only stops a runaway upload


@router.post("/publish")
async def publish_file(request: Request) -> Response:
    """Import the request body (JSON records, the CSV/XLSX template, or RDF) and publish a new version."""
    settings = _writable(request, missing=NotFound("Publishing over HTTP is off: set publish_token."))
    with tempfile.TemporaryDirectory(prefix="smarthame-publish-") as tmp:
        paths = await _body_files(request, Path(tmp), "upload")
        return await _import(request, settings, paths)


@router.get(GRAPH_STORE, operation_id="read_graph")
@router.head(GRAPH_STORE, operation_id="read_graph_head", include_in_schema=False)
async def read_graph(request: Request) -> Response:
    """The Graph Store protocol's read of a named graph, as Turtle (or another RDF type by Accept)."""
    st = state(request)
    graph = _graph_param(request)
    triples = [q.triple for q in st.published.store.quads_for_pattern(None, None, None, _named(graph))]
    if not triples:
        raise NotFound(f"No graph <{graph}> in the published version.")
    media = negotiate(request.headers.get("accept"), GRAPH_TYPES)
    body = serialize_triples(triples, media, st.settings.base_iri)
    return Response(b"" if request.method == "HEAD" else body, headers={"content-type": content_type(media)})


@router.put(GRAPH_STORE, operation_id="replace_graph")
@router.post(GRAPH_STORE, operation_id="add_to_graph")
@router.delete(GRAPH_STORE, operation_id="delete_graph")
async def write_graph(request: Request) -> Response:
    """PUT replaces the publisher graph, POST adds to it, DELETE empties it; each through the import gate."""
    settings = _writable(request, missing=MethodNotAllowed(request.method, ("GET", "HEAD")))
    graph = _graph_param(request)
    if graph not in {graph_iri(g, settings.base_iri) for g in PUBLISHER_GRAPHS}:
        editable = ", ".join(f"<{graph_iri(g, settings.base_iri)}>" for g in PUBLISHER_GRAPHS)
        raise Forbidden(
            f"Graph <{graph}> is made from records or bundled files; publishers may write {editable}."
        )
    existed = any(
        True for _ in state(request).published.store.quads_for_pattern(None, None, None, _named(graph))
    )
    if request.method == "DELETE" and not existed:
        raise NotFound(f"No graph <{graph}> in the published version.")
    with tempfile.TemporaryDirectory(prefix="smarthame-gsp-") as tmp:
        paths = [] if request.method == "DELETE" else await _body_files(request, Path(tmp), "graph")
        replace = graph if request.method in ("PUT", "DELETE") else None
        response = await _import(request, settings, paths, replace_graph=replace)
    if response.status_code == 200 and not existed and request.method != "DELETE":
        response.status_code = 201
    return response


def _writable(request: Request, missing: Exception) -> Settings:
    settings = state(request).settings
    if not settings.publish_token:
        raise missing
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Writes need `Authorization: Bearer <token>` (the server's publish_token).")
    if not hmac.compare_digest(token.strip().encode(), settings.publish_token.encode()):
        raise Forbidden("The bearer token is not the server's publish_token.")
    return settings


def _graph_param(request: Request) -> str:
    params = request.query_params
    if "default" in params:
        raise Forbidden("The default graph is the union the engine answers from; write a named graph.")
    graph = params.get("graph")
    if not graph:
        raise BadParameter("graph", "name the graph: ?graph=<IRI>")
    return graph


def _named(iri: str) -> Any:
    import pyoxigraph as ox

    try:
        return ox.NamedNode(iri)
    except ValueError:
        raise BadParameter("graph", f"{iri!r} is not an IRI") from None


async def _body_files(request: Request, folder: Path, stem: str) -> list[Path]:
    media = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        return await _form_files(request, folder, stem)
    suffix = SUFFIXES.get(media)
    if suffix is None:
        raise UnsupportedMediaType(
            f"Send the file with a Content-Type of {', '.join(SUFFIXES)}; not {media or 'none'}."
        )
    body = await request.body()
    if len(body) > MAX_BODY:
        raise InputError(f"The body is over {MAX_BODY // 2**20} MiB.")
    path = folder / f"{stem}{suffix}"
    path.write_bytes(body)
    return [path]


async def _form_files(request: Request, folder: Path, stem: str) -> list[Path]:
    """The file parts of a multipart/form-data body (the Graph Store protocol allows it for POST)."""
    paths = []
    async with request.form() as form:  # closes the parts' temporary files
        for n, (_, value) in enumerate(form.multi_items(), start=1):
            if isinstance(value, str):
                continue
            media = (value.content_type or "").split(";")[0].strip().lower()
            suffix = SUFFIXES.get(media) or Path(value.filename or "").suffix
            if not suffix:
                raise UnsupportedMediaType(f"Form part {n} has no Content-Type or file name we read.")
            path = folder / f"{stem}-{n}{suffix}"
            path.write_bytes(await value.read())
            paths.append(path)
    if not paths:
        raise InputError("The multipart/form-data body has no file part.")
    return paths


async def _import(
    request: Request, settings: Settings, paths: list[Path], replace_graph: str | None = None
) -> Response:
    # The import path (rdflib, the validators) on the first publish, not at every server's start.
    from server.graph.imports.report import report_graph
    from server.publish.importing import import_files

    dry_run = request.query_params.get("dry-run", "false").lower() == "true"
    live = request.app.state.live
    async with live.publish_lock:  # see Live.publish_lock
        try:
            outcome = await run_in_threadpool(
                import_files,
                paths,
                settings,
                dry_run=dry_run,
                by="HTTP publisher",
                replace_graph=replace_graph,
            )
        except ParseError as e:  # the client's file, so a 4xx (the CLI's exit 2 for the same)
            raise ImportRejected([_as_sent(e.message, paths)]) from None
        except ImportRejected as e:
            raise ImportRejected([_as_sent(p, paths) for p in e.problems]) from None
        except ImportRefused as refused:
            refused.report = _report_as_sent(refused.report, paths)
            if negotiate(request.headers.get("accept"), ("application/json", "text/turtle")) == "text/turtle":
                body = report_graph(refused.report).serialize(format="turtle")
                return Response(body, status_code=422, headers={"content-type": content_type("text/turtle")})
            raise
        if outcome.version is not None:
            await live.switch()  # this process at once; the others watch build/current
    return JSONResponse(_summary(outcome))


def _as_sent(text: str, paths: list[Path]) -> str:
    """Name the uploaded files as the request did (``upload.ttl``), not by the server's temporary folder."""
    for path in paths:
        text = text.replace(f"{path.parent}/", "")
    return text


def _report_as_sent(report: ValidationReport, paths: list[Path]) -> ValidationReport:
    results = [
        dataclasses.replace(r, location=_as_sent(r.location, paths) if r.location else None)
        for r in report.results
    ]
    return dataclasses.replace(report, results=results)


def _summary(outcome: ImportOutcome) -> dict[str, Any]:
    return {
        "version": outcome.version,
        "previous": outcome.previous,
        "dry_run": outcome.dry_run,
        "added": outcome.added,
        "removed": outcome.removed,
        "validated_nodes": outcome.focus,
        "changes": outcome.changes,
        "warnings": [dataclasses.asdict(r) for r in outcome.report.warnings],
        "timings": outcome.timings,
    }
