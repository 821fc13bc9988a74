"""Dereferenceable IRIs: ``{base}rest`` is served at ``/rest``, as an HTML page or as RDF.

The format comes from an extension (``/project/A70870.ttl``), a ``format`` parameter, or ``Accept``;
the page language from ``?lang=`` (remembered in a cookie), else ``Accept-Language``. Besides the
resources in the store, four IRIs have pages of their own: the base (home), ``ontology`` and
``shapes`` (documentation generated from those graphs) and each ``graph/<name>``. Everything else
that the store never mentions is a 404 with suggestions.

This router holds a catch-all path, so it must be the last in ``server.web.app.ROUTE_MODULES``.
"""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

import anyio.to_thread
import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from server.errors import NotAcceptable, NotFound
from server.graph.versions import Published
from server.graph.vocabulary import graph_iri, ontology_ns, prefixes, shapes_ns
from server.publish import descriptions
from server.publish.catalog import DESCRIPTION, TITLE
from server.publish.dumps import GRAPH_KINDS, dump_plan
from server.publish.labels import Labeller, graph_name, local_path
from server.publish.ontology_doc import ontology_doc, shapes_doc
from server.publish.void import graph_description
from server.sparql.formats import (
    HTML,
    PAGE_EXTENSIONS,
    PAGE_TYPES,
    RDF_EXTENSIONS,
    RDF_LABELS,
    negotiate,
    serialize_triples,
)
from server.web import pages
from server.web.conditional import request_is_fresh
from server.web.state import state

LANG_COOKIE = "smarthame_lang"
VARY = "Accept, Accept-Language, Cookie"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

router = APIRouter()
# Our stylesheet; mounted ahead of the catch-all below, which would otherwise answer /static/… itself.
router.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


@router.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
async def resource(request: Request, path: str) -> Response:
    published = state(request).published
    lang = _language(request)
    target = _resolve(published, path)
    if target is None:
        return _not_found(request, published, path, lang)
    iri, ext = target
    media = negotiate(request.headers.get("accept"), PAGE_TYPES, ext or request.query_params.get("format"))
    tag = _etag(published, iri, media, lang)
    if request_is_fresh(request.headers, tag, published.modified):
        return Response(status_code=304, headers=_headers(published, tag))
    counts = await _counts(request) if iri == published.base_iri or iri in published.graph_names else None
    if media == HTML:
        response: Response = HTMLResponse(_html(published, iri, lang, request.url.path, counts))
    else:
        body = serialize_triples(_triples(published, iri, counts), media, published.base_iri)
        response = Response(body, media_type=media)
    response.headers.update(_headers(published, tag))
    if request.query_params.get("lang") in pages.LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


def _resolve(published: Published, path: str) -> tuple[str, str | None] | None:
    """(IRI, extension) that ``path`` names: the IRI itself if it resolves, else one with an extension cut."""
    base = published.base_iri
    if _known(published, base + path):
        return base + path, None
    stem, dot, ext = path.rpartition(".")
    if dot and ext in PAGE_EXTENSIONS and _known(published, base + stem):
        return base + stem, ext
    return None


def _known(published: Published, iri: str) -> bool:
    return iri in _special_iris(published) or descriptions.resolves(published.store, iri)


def _special_iris(published: Published) -> set[str]:
    base = published.base_iri
    return {base, _ontology_iri(base), _shapes_iri(base), *published.graph_names}


def _ontology_iri(base: str) -> str:
    return ontology_ns(base).rstrip("/")


def _shapes_iri(base: str) -> str:
    return shapes_ns(base).rstrip("/")


def _language(request: Request) -> str:
    return pages.choose_language(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
    )


def _etag(published: Published, iri: str, media: str, lang: str) -> str:
    key = "\n".join((published.version, iri, media, lang if media == HTML else ""))
    # Weak: the edge may gzip the body, and both encodings are the same representation for a cache.
    return 'W/"' + sha256(key.encode()).hexdigest()[:24] + '"'


def _headers(published: Published, tag: str) -> dict[str, str]:
    return {"ETag": tag, "Last-Modified": published.last_modified, "Vary": VARY}


@dataclass(frozen=True)
class _Counts:
    """Triples per graph and instances per class, for the home and graph pages."""

    version: str
    graphs: dict[str, int]
    classes: dict[str, int]


async def _counts(request: Request) -> _Counts:
    """Computed once per version, in a worker thread: counting looks at every triple."""
    published = state(request).published
    cached: _Counts | None = getattr(request.app.state, "page_counts", None)
    if cached is None or cached.version != published.version:

        def count() -> _Counts:
            return _Counts(
                published.version,
                descriptions.graph_sizes(published.store),
                descriptions.class_sizes(published.store),
            )

        cached = request.app.state.page_counts = await anyio.to_thread.run_sync(count)
    return cached


def _triples(published: Published, iri: str, counts: _Counts | None) -> list[ox.Triple]:
    """The RDF of ``iri``: its description, or for the special IRIs the graph or summary they stand for."""
    store, base = published.store, published.base_iri
    triples = dict.fromkeys(descriptions.description(store, iri))
    if iri in (_ontology_iri(base), _shapes_iri(base)):
        graph = ox.NamedNode(graph_iri("ontology" if iri == _ontology_iri(base) else "shapes", base))
        triples.update(
            dict.fromkeys(
                ox.Triple(q.subject, q.predicate, q.object)
                for q in store.quads_for_pattern(None, None, None, graph)
            )
        )
    elif iri in published.graph_names and counts is not None:
        triples.update(dict.fromkeys(graph_description(published, iri, counts.graphs.get(iri, 0))))
    elif iri == base:
        triples.update(dict.fromkeys(_home_triples(base)))
    return list(triples)


def _home_triples(base: str) -> list[ox.Triple]:
    home = ox.NamedNode(base)
    p = prefixes(base)
    out = [
        ox.Triple(home, ox.NamedNode(p["dct"] + "title"), ox.Literal(t, language=lang))
        for lang, t in TITLE.items()
    ]
    out.append(
        ox.Triple(home, ox.NamedNode(p["foaf"] + "primaryTopic"), ox.NamedNode(f"{base}catalog#dataset"))
    )
    for doc in ("catalog", ".well-known/void", "sparql", "dumps/"):
        out.append(ox.Triple(home, ox.NamedNode(p["rdfs"] + "seeAlso"), ox.NamedNode(base + doc)))
    return out


def _html(published: Published, iri: str, lang: str, path: str, counts: _Counts | None) -> str:
    store, base = published.store, published.base_iri
    common = {"lang": lang, "path": path, "version": published.version, "formats": _format_links(path)}
    if iri == base and counts is not None:
        return pages.render("home.html", **common, **_home(published, lang, counts))
    if iri == _ontology_iri(base):
        return pages.render("ontology.html", doc=ontology_doc(store, base, lang), **common)
    if iri == _shapes_iri(base):
        title = Labeller(store, lang, base).label(ox.NamedNode(iri))
        return pages.render(
            "shapes.html", shapes=shapes_doc(store, base, lang), title=title, iri=iri, **common
        )
    page = descriptions.build_page(store, iri, lang, base)
    doc_href, doc_label = _documentation_link(base, iri, lang)
    graph = _graph(published, iri, counts) if iri in published.graph_names and counts is not None else None
    return pages.render(
        "resource.html", page=page, doc_href=doc_href, doc_label=doc_label, graph=graph, **common
    )


def _documentation_link(base: str, iri: str, lang: str) -> tuple[str | None, str | None]:
    """Ontology terms and shapes link to their entry on the generated documentation page."""
    for ns, page in ((ontology_ns(base), "/ontology"), (shapes_ns(base), "/shapes")):
        if iri.startswith(ns) and "/" not in iri[len(ns) :]:
            return f"{page}#{iri[len(ns) :]}", pages.MESSAGES[lang]["documentation"]
    return None, None


def _format_links(path: str) -> list[dict[str, str]]:
    # An extension reads best; a path ending in '/' (the home page) takes the parameter instead.
    def href(ext: str) -> str:
        return f"{path}.{ext}" if path != "/" and not path.endswith("/") else f"{path}?format={ext}"

    return [{"label": RDF_LABELS[m], "media_type": m, "href": href(e)} for e, m in RDF_EXTENSIONS.items()]


def _home(published: Published, lang: str, counts: _Counts) -> dict[str, object]:
    store, base = published.store, published.base_iri
    labeller = Labeller(store, lang, base)
    smh = ontology_ns(base)
    start = [
        labeller.value(n)
        for cls in ("SmartSpecialisationStrategy", "RegionalProgramme")
        for n in descriptions.instances(store, smh + cls)
    ]
    schemes = sorted(
        (labeller.value(n) for n in descriptions.instances(store, prefixes(base)["skos"] + "ConceptScheme")),
        key=lambda v: v.text.lower(),
    )
    classes = sorted(
        ((labeller.value(ox.NamedNode(c)), n) for c, n in counts.classes.items()),
        key=lambda cv: cv[0].text.lower(),
    )
    graphs = [
        (graph_name(ox.NamedNode(g), base), local_path(g, base) or g, n)
        for g, n in sorted(counts.graphs.items())
    ]
    return {
        "title": TITLE[lang],
        "description": DESCRIPTION[lang],
        "start": start,
        "schemes": schemes,
        "classes": classes,
        "graphs": graphs,
    }


def _graph(published: Published, iri: str, counts: _Counts) -> dict[str, object]:
    """What a named graph's page adds: its size and its dumps."""
    files = [name for name, kind, graph in dump_plan(published) if graph == iri and kind in GRAPH_KINDS]
    return {
        "name": graph_name(ox.NamedNode(iri), published.base_iri),
        "files": [f for name in files for f in (name, f"{name}.gz")],
        "triples": counts.graphs.get(iri, 0),
    }


def _not_found(request: Request, published: Published, path: str, lang: str) -> Response:
    """A page that helps for a person, the usual JSON error otherwise."""
    try:
        media = negotiate(request.headers.get("accept"), PAGE_TYPES, None)
    except NotAcceptable:
        media = None
    iri = published.base_iri + path
    if media != HTML:
        raise NotFound(f"No resource <{iri}> in the published data; GET / lists where to start.")
    labeller = Labeller(published.store, lang, published.base_iri)
    found = [
        labeller.value(ox.NamedNode(i))
        for i in descriptions.suggestions(published.store, published.base_iri, path)
    ]
    # Rendered here rather than by the app's error handler: this 404 is a page meant for reading.
    body = pages.render(
        "not_found.html",
        lang=lang,
        path=request.url.path,
        version=published.version,
        formats=[],
        iri=iri,
        suggestions=found,
    )
    return HTMLResponse(body, status_code=404, headers={"Vary": VARY})
