"""``/versions/``: every release, each with its changelog, its changes as files, and its dumps.

    /versions/                      the releases up to the served one, newest first (HTML or JSON)
    /versions/<v>                   release <v>: notes, PROV, the quads and the projects and organisations
                                    that changed since the version before (HTML in fi/sv/en, or JSON)
    /versions/<v>/changes/<file>    <graph>.added.nq, <graph>.removed.nq, changes.json
    /versions/<v>/dumps/            the dumps of <v>, while it is one of the newest ``keep_versions``
    /versions/<v>/dumps/<file>

A file under ``/versions/<v>/`` never changes, so it is sent with ``Cache-Control: immutable`` and an
ETag of its version and SHA-256 (dumps) or of its version and size (changes).
"""

from __future__ import annotations

import base64
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from server.errors import NotFound
from server.graph.build_folder import ARCHIVE
from server.graph.releases import Release, list_releases
from server.publish.dumps import DUMPS, DumpSet, read_dump_set
from server.publish.publishing import CHANGES
from server.sparql.formats import GZIP, JSON, LISTING_TYPES, N_QUADS, PLAIN_JSON, negotiate
from server.web import pages
from server.web.conditional import http_date, request_is_fresh
from server.web.edge import accepts_gzip
from server.web.routes.dumps import get_and_head
from server.web.state import AppState, state
from server.web.version_pages import release_json, release_page, releases_page

router = APIRouter(tags=["versions"])
IMMUTABLE = "public, max-age=31536000, immutable"


def releases(st: AppState) -> list[Release]:
    """The releases up to the served version, read once per served version."""
    if st.releases is None:
        folder = st.published.folder
        if folder is None:
            raise NotFound("This server serves files, not published versions; there are no releases.")
        st.releases = list_releases(st.settings.build_dir, upto=folder.name)
    return st.releases


def release(st: AppState, version: str) -> Release:
    for r in releases(st):
        if r.version == version:
            return r
    raise NotFound(f"No published version '{version}'; GET /versions/ lists them.")


@router.api_route("/versions", methods=["GET", "HEAD"], include_in_schema=False)
async def versions_root() -> Response:
    return RedirectResponse("/versions/", status_code=301)


@get_and_head(router, "/versions/", summary="The published versions, newest first")
async def listing(request: Request) -> Response:
    st = state(request)
    found = releases(st)
    media = negotiate(
        request.headers.get("accept"), LISTING_TYPES, request.query_params.get("format"), PLAIN_JSON
    )
    if media == JSON:
        body = {"current": st.published.version, "versions": [release_json(r) for r in reversed(found)]}
        return JSONResponse(body, headers={"Vary": "Accept"})
    lang = pages.request_language(request)
    html = releases_page(st.published, found, lang, request.url.path)
    return HTMLResponse(html, headers={"Vary": "Accept, Accept-Language, Cookie"})


@get_and_head(router, "/versions/{version}", summary="One version: its notes and what changed")
async def one(request: Request, version: str) -> Response:
    st = state(request)
    found = release(st, version)
    media = negotiate(
        request.headers.get("accept"), LISTING_TYPES, request.query_params.get("format"), PLAIN_JSON
    )
    headers = {"Last-Modified": http_date(found.issued)}
    if media == JSON:
        return JSONResponse(release_json(found, with_changes=True), headers={**headers, "Vary": "Accept"})
    lang = pages.request_language(request)
    html = release_page(st.published, found, lang, request.url.path)
    return HTMLResponse(html, headers={**headers, "Vary": "Accept, Accept-Language, Cookie"})


@get_and_head(router, "/versions/{version}/changes/{name}", summary="Quads added or removed in a version")
async def change_file(request: Request, version: str, name: str) -> Response:
    found = release(state(request), version)
    path = found.folder / CHANGES / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise NotFound(f"No change file '{name}' in version {version}; GET /versions/{version} lists them.")
    media = JSON if name.endswith(".json") else N_QUADS
    etag = f'"{version}-{path.stat().st_size:x}"'
    return _file(request, found, path, media, etag, headers={})


@get_and_head(router, "/versions/{version}/dataset.nq.gz", summary="The N-Quads an older version keeps")
async def archive(request: Request, version: str) -> Response:
    found = release(state(request), version)
    kept = found.manifest.get("archive")
    if kept is None:
        raise NotFound(f"Version {version} still keeps its dumps: GET /versions/{version}/dumps/ lists them.")
    path = found.folder / ARCHIVE
    return _file(request, found, path, GZIP, f'"{version}-{kept["sha256"]}"', headers={})


@router.api_route("/versions/{version}/dumps", methods=["GET", "HEAD"], include_in_schema=False)
async def dumps_root(version: str) -> Response:
    return RedirectResponse(f"/versions/{version}/dumps/", status_code=301)


@get_and_head(router, "/versions/{version}/dumps/", summary="The dumps of one version")
async def version_dumps(request: Request, version: str) -> Response:
    st = state(request)
    found = release(st, version)
    dumps = _dumps(st, found)
    body = {"version": version, "files": [f"/versions/{version}/dumps/{f.name}" for f in dumps.files]}
    return JSONResponse(body, headers={"Cache-Control": IMMUTABLE})


@get_and_head(router, "/versions/{version}/dumps/{name}", summary="One dump file of one version")
async def version_dump(request: Request, version: str, name: str) -> Response:
    st = state(request)
    found = release(st, version)
    dumps = _dumps(st, found)
    f = dumps.get(name)
    sent, headers = f, {}
    if not f.compressed:
        headers["Vary"] = "Accept-Encoding"
        if accepts_gzip(request.headers.get("accept-encoding", "").encode()):
            sent = dumps.get(f"{f.name}.gz")
            headers["Content-Encoding"] = "gzip"
    headers["Repr-Digest"] = "sha-256=:" + base64.b64encode(bytes.fromhex(sent.sha256)).decode() + ":"
    return _file(request, found, dumps.path(sent), f.media_type, f'"{version}-{sent.sha256}"', headers)


def _dumps(st: AppState, found: Release) -> DumpSet:
    """The dump set of ``found`` as it was published (at the base IRI it was built at)."""
    if not found.retained or not (found.folder / DUMPS / "manifest.json").is_file():
        raise NotFound(
            f"The dumps of version {found.version} are no longer kept (setting keep_versions is "
            f"{st.settings.keep_versions}); its changes are at /versions/{found.version}."
        )
    return read_dump_set(found.folder / DUMPS)


def _file(
    request: Request, found: Release, path: Path, media: str, etag: str, headers: dict[str, str]
) -> Response:
    headers = {**headers, "ETag": etag, "Cache-Control": IMMUTABLE, "Last-Modified": http_date(found.issued)}
    if request_is_fresh(request.headers, etag, found.issued):
        return Response(status_code=304, headers=headers)
    if not path.is_file():  # pruned since the listing was read
        raise NotFound(
            f"Version {found.version} no longer keeps {path.name}; GET /versions/ lists what is kept."
        )
    return FileResponse(path, media_type=media, headers=headers)
