"""``/catalog`` (DCAT-AP 3.0.1) and ``/.well-known/void`` (VoID), as Turtle, JSON-LD, RDF/XML or N-Triples.

Both are built from the served version and its dump set, once per version, and kept with the app. The
VoID counts look at every triple, so they run in the query workers (``server.publish.void.void_counts``): the
event loop goes on answering meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable

import anyio.to_thread
import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response

from server.publish.catalog_versions import catalogue
from server.publish.void import void_counts, void_graph
from server.sparql.formats import DESCRIPTION_TYPES, GRAPH_ALIASES, negotiate, serialize_triples
from server.web.routes.dumps import dump_set, get_and_head
from server.web.routes.versions import releases
from server.web.state import state

router = APIRouter(tags=["catalogue"])


@get_and_head(router, "/catalog", summary="DCAT-AP 3.0.1 catalogue of the dataset")
async def catalog(request: Request) -> Response:
    return await _describe(request, "catalog", None)


@router.api_route("/catalog.{ext}", methods=["GET", "HEAD"], include_in_schema=False)
async def catalog_ext(request: Request, ext: str) -> Response:
    return await _describe(request, "catalog", ext)


@get_and_head(router, "/.well-known/void", summary="VoID description of the dataset")
async def void(request: Request) -> Response:
    return await _describe(request, "void", None)


@router.api_route("/.well-known/void.{ext}", methods=["GET", "HEAD"], include_in_schema=False)
async def void_ext(request: Request, ext: str) -> Response:
    return await _describe(request, "void", ext)


async def _describe(request: Request, which: str, ext: str | None) -> Response:
    media = negotiate(
        request.headers.get("accept"),
        DESCRIPTION_TYPES,
        ext or request.query_params.get("format"),
        GRAPH_ALIASES,
    )
    triples = await _graph(request, which)
    published = state(request).published
    body = serialize_triples(triples, media, published.base_iri)
    return Response(
        body, media_type=media, headers={"Vary": "Accept", "Last-Modified": published.last_modified}
    )


async def _graph(request: Request, which: str) -> list[ox.Triple]:
    st = state(request)
    dumps = await dump_set(request)
    if which not in st.described:
        build: Callable[[], list[ox.Triple]]
        if which == "catalog":
            found = releases(st) if st.published.folder is not None else []

            def build() -> list[ox.Triple]:
                return catalogue(st.published, dumps, st.settings, found)
        else:
            counts = await void_counts(st.engine, st.published)

            def build() -> list[ox.Triple]:
                return void_graph(st.published, dumps, counts)

        st.described[which] = await anyio.to_thread.run_sync(build)
    return st.described[which]
