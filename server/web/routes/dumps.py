"""``/dumps/``: the dump files with their sizes and checksums, a listing page and ``SHA256SUMS``.

The files are written when a version is published (``server.publish.publishing``); a server at another
base IRI, or one serving files, writes its own once, in a worker thread started by the first request that
needs them (:func:`dump_set`). They are served from disk with ``Content-Length``, a strong ``ETag`` (the
version and the SHA-256 of the bytes sent), ``Last-Modified``, ``Repr-Digest`` and range requests. A plain
file asked for with ``Accept-Encoding: gzip`` is sent as its ``.gz`` twin with ``Content-Encoding: gzip``
(as nginx's gzip_static does), so nothing is compressed per request.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)

from server.errors import NotAcceptable, Unavailable
from server.publish.catalog import dump_url
from server.publish.dumps import KINDS, DumpFile, DumpSet, open_dumps
from server.publish.labels import local_path
from server.sparql.formats import GZIP, JSON, LISTING_TYPES, PLAIN_JSON, negotiate
from server.web import pages
from server.web.conditional import request_is_fresh
from server.web.edge import accepts_gzip
from server.web.state import state

router = APIRouter(tags=["dumps"])
Endpoint = Callable[..., Awaitable[Response]]
WAIT_SECONDS = 20.0  # how long a request waits for the dumps to be written before it is told to retry


def get_and_head(router: APIRouter, path: str, **documented: Any) -> Callable[[Endpoint], Endpoint]:
    """Register ``GET path`` (documented) and ``HEAD path`` (the same handler, left out of the OpenAPI
    document, where one route with both methods would give two operations the same id)."""

    def register(endpoint: Endpoint) -> Endpoint:
        router.add_api_route(path, endpoint, methods=["GET"], **documented)
        router.add_api_route(path, endpoint, methods=["HEAD"], include_in_schema=False)
        return endpoint

    return register


async def dump_set(request: Request) -> DumpSet:
    """The dump set of the served version; the first request starts writing it in a worker thread.

    A request waits up to WAIT_SECONDS for the writing to finish, then gets a 503 that says to retry:
    a large dataset takes minutes, longer than a client should hang. One writer per version.
    """
    st = state(request)
    if st.dump_set is not None:
        return st.dump_set
    if st.dump_task is None:
        st.dump_task = asyncio.ensure_future(
            asyncio.to_thread(open_dumps, st.published, st.settings.build_dir)
        )
    task = st.dump_task
    done, _ = await asyncio.wait({task}, timeout=WAIT_SECONDS)
    if not done:
        raise Unavailable(
            f"The dumps of version {st.published.version} are being written; this takes minutes for a large "
            "dataset. Try again shortly."
        )
    st.dump_task = None
    st.dump_set = task.result()  # a failed writing raises here, and the next request retries
    return st.dump_set


@router.api_route("/dumps", methods=["GET", "HEAD"], include_in_schema=False)
async def dumps_root() -> Response:
    return RedirectResponse("/dumps/", status_code=301)


@get_and_head(router, "/dumps/", summary="List the dumps with sizes and SHA-256 sums")
async def listing(request: Request) -> Response:
    dumps = await dump_set(request)
    published = state(request).published
    media = negotiate(
        request.headers.get("accept"),
        LISTING_TYPES,
        request.query_params.get("format"),
        aliases=PLAIN_JSON,
    )
    files = [_file_info(published.base_iri, f) for f in dumps.files]
    headers = {"Vary": "Accept, Accept-Language, Cookie", "Last-Modified": published.last_modified}
    if media == JSON:
        return JSONResponse({"version": dumps.version, "files": files}, headers=headers)
    lang = pages.request_language(request)
    body = pages.render(
        "dumps.html", lang=lang, path=request.url.path, version=dumps.version, formats=[], files=files
    )
    return HTMLResponse(body, headers=headers)


@get_and_head(router, "/dumps/SHA256SUMS", summary="Checksums in `sha256sum -c` format")
async def checksums(request: Request) -> Response:
    dumps = await dump_set(request)
    return PlainTextResponse(
        dumps.sha256sums(), headers={"Last-Modified": state(request).published.last_modified}
    )


@get_and_head(router, "/dumps/{name}", summary="One dump file")
async def dump_file(request: Request, name: str) -> Response:
    """The file; a client that accepts gzip gets the precompressed twin of a plain file, marked as such,
    and a ``.gz`` file as its RDF syntax with ``Content-Encoding: gzip`` when it asks for that syntax
    rather than for ``application/gzip`` (``Accept: text/turtle`` on ``smart-hame.ttl.gz``)."""
    dumps = await dump_set(request)
    published = state(request).published
    f = dumps.get(name)
    sent, media, headers = f, f.media_type, {"Last-Modified": published.last_modified}
    gzip_ok = accepts_gzip(request.headers.get("accept-encoding", "").encode())
    etag = f'"{published.version}-{f.sha256}"'  # the version first, as in every ETag of ours
    if not f.compressed:
        headers["Vary"] = "Accept-Encoding"
        if gzip_ok:
            sent = dumps.get(f"{f.name}.gz")
            headers["Content-Encoding"] = "gzip"
            etag = f'"{published.version}-{sent.sha256}"'
    else:
        headers["Vary"] = "Accept, Accept-Encoding"
        syntax = KINDS[f.kind].media_type
        if gzip_ok and _prefers(request.headers.get("accept"), syntax):
            media = syntax
            headers["Content-Encoding"] = "gzip"
            etag = f'"{published.version}-{f.sha256}-gzip"'  # the same bytes, another representation
    headers["ETag"] = etag
    headers["Repr-Digest"] = "sha-256=:" + base64.b64encode(bytes.fromhex(sent.sha256)).decode() + ":"
    if request_is_fresh(request.headers, etag, published.modified):
        return Response(status_code=304, headers=headers)
    return FileResponse(dumps.path(sent), media_type=media, headers=headers)


def _prefers(accept: str | None, syntax: str) -> bool:
    """Whether ``accept`` prefers ``syntax`` to ``application/gzip`` (a tie, or neither, keeps gzip)."""
    try:
        return negotiate(accept, (GZIP, syntax)) == syntax
    except NotAcceptable:
        return False


def _file_info(base: str, f: DumpFile) -> dict[str, object]:
    graph_href = local_path(f.graph, base) if f.graph else None
    return {
        "name": f.name,
        "url": dump_url(base, f.name),
        "media_type": f.media_type,
        "format": f.kind,
        "compressed": f.compressed,
        "graph": f.graph,
        "graph_name": f.graph.removeprefix(f"{base}graph/") if f.graph else None,
        "graph_href": graph_href or f.graph,
        "size": f.size,
        "sha256": f.sha256,
    }
