"""Dereferenceable IRIs: ``{base}rest`` is served at ``/rest``, as an HTML page or as RDF.

The format comes from an extension (``/project/A70870.ttl``), a ``format`` parameter, or ``Accept``;
the page language from ``?lang=`` (remembered in a cookie), else ``Accept-Language``. Which IRIs resolve
and what RDF they serve is ``server.publish.linked_data``; the pages are ``server.web.resource_pages``.
Everything else that the store never mentions is a 404 with suggestions.

This router holds a catch-all path, so it must be the last one the app includes.
"""

from __future__ import annotations

from hashlib import sha256
from pathlib import Path

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from server.errors import NotFound
from server.graph.versions import Published
from server.publish.linked_data import DatasetCounts, dataset_counts, needs_counts, resolve, resource_triples
from server.sparql.formats import (
    GRAPH_ALIASES,
    HTML,
    PAGE_EXTENSIONS,
    PAGE_TYPES,
    negotiate,
    serialize_triples,
)
from server.web import pages
from server.web.conditional import request_is_fresh
from server.web.error_responses import wants_html
from server.web.resource_pages import not_found_page, resource_page
from server.web.state import AppState, state

VARY = "Accept, Accept-Language, Cookie"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

router = APIRouter()
# Our stylesheet; mounted ahead of the catch-all below, which would otherwise answer /static/… itself.
router.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


@router.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
async def resource(request: Request, path: str) -> Response:
    st = state(request)
    published = st.published
    lang = pages.request_language(request)
    target = resolve(published, path, set(PAGE_EXTENSIONS))
    if target is None:
        return _not_found(request, published, path, lang)
    iri, ext = target
    # application/json (and format=json) asks for JSON-LD here, as of a CONSTRUCT
    accept, fmt = request.headers.get("accept"), ext or request.query_params.get("format")
    media = negotiate(accept, PAGE_TYPES, fmt, GRAPH_ALIASES)
    tag = _etag(published, iri, media, lang)
    headers = {"ETag": tag, "Last-Modified": published.last_modified, "Vary": VARY}
    if request_is_fresh(request.headers, tag, published.modified):
        return Response(status_code=304, headers=headers)
    counts = await _page_counts(st) if needs_counts(published, iri) else None
    if media == HTML:
        response: Response = HTMLResponse(
            resource_page(published, iri, lang, request.url.path, counts), headers=headers
        )
    else:
        body = serialize_triples(resource_triples(published, iri, counts), media, published.base_iri)
        response = Response(body, media_type=media, headers=headers)
    pages.remember_language(request, response, lang)
    return response


def _etag(published: Published, iri: str, media: str, lang: str) -> str:
    key = "\n".join((published.version, iri, media, lang if media == HTML else ""))
    # Weak: the edge may gzip the body, and both encodings are the same representation for a cache. The
    # version comes first, as in every ETag the edge writes.
    return f'W/"{published.version}-' + sha256(key.encode()).hexdigest()[:24] + '"'


async def _page_counts(st: AppState) -> DatasetCounts:
    """Counted once per version, in a worker thread: counting looks at every triple."""
    if st.page_counts is None:
        st.page_counts = await anyio.to_thread.run_sync(dataset_counts, st.published)
    return st.page_counts


def _not_found(request: Request, published: Published, path: str, lang: str) -> Response:
    """A page that helps for a person (who prefers HTML to JSON, as for every error), our JSON otherwise."""
    if not wants_html(request.headers.get("accept", "").encode("latin-1") or None):
        iri = published.base_iri + path
        raise NotFound(f"No resource <{iri}> in the published data; GET / lists where to start.")
    # Rendered here rather than by the error handler: this 404 is a page meant for reading.
    body = not_found_page(published, path, lang, request.url.path)
    return HTMLResponse(body, status_code=404, headers={"Vary": VARY})
