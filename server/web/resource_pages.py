"""The Linked Data pages: the home page, the ontology and shapes documentation, a resource's page (a
named graph's with its size and dumps) and the 404 page that suggests near misses.

Each function gathers what its template shows (from ``server.publish``) and renders it; the route
(``server.web.routes.resources``) only resolves, negotiates and answers.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from server.graph.versions import Published
from server.graph.vocabulary import SKOS, ontology_ns, shapes_ns
from server.publish import descriptions, summaries
from server.publish.catalog import DESCRIPTION, TITLE
from server.publish.dumps import GRAPH_KINDS, dump_plan
from server.publish.labels import Labeller, graph_name, local_path
from server.publish.linked_data import DatasetCounts, ontology_iri, shapes_iri
from server.publish.ontology_doc import ontology_doc, shapes_doc
from server.sparql.formats import RDF_EXTENSIONS, RDF_LABELS
from server.web import pages


def resource_page(published: Published, iri: str, lang: str, path: str, counts: DatasetCounts | None) -> str:
    """The HTML answer for a resolving ``iri`` (see ``server.publish.linked_data``), requested at ``path``."""
    store, base = published.store, published.base_iri
    common: dict[str, Any] = {
        "lang": lang,
        "path": path,
        "version": published.version,
        "formats": format_links(path),
    }
    if iri == base and counts is not None:
        return pages.render("home.html", **common, **_home(published, lang, counts))
    if iri == ontology_iri(base):
        return pages.render("ontology.html", doc=ontology_doc(store, base, lang), **common)
    if iri == shapes_iri(base):
        title = Labeller(store, lang, base).label(ox.NamedNode(iri))
        return pages.render(
            "shapes.html", shapes=shapes_doc(store, base, lang), title=title, iri=iri, **common
        )
    page = descriptions.build_page(store, iri, lang, base)
    doc_href, doc_label = _documentation_link(base, iri, lang)
    graph = _graph(published, iri, counts) if iri in published.graph_names and counts is not None else None
    summary = summaries.summary(store, iri, [v.iri for v in page.types if v.iri], lang, base)
    return pages.render(
        "resource.html",
        page=page,
        doc_href=doc_href,
        doc_label=doc_label,
        graph=graph,
        summary=summary,
        **common,
    )


def not_found_page(published: Published, path: str, lang: str, request_path: str) -> str:
    """The 404 page for ``{base}path``: what was asked for, IRIs close to it, where to start."""
    iri = published.base_iri + path
    labeller = Labeller(published.store, lang, published.base_iri)
    found = [
        labeller.value(ox.NamedNode(i))
        for i in descriptions.suggestions(published.store, published.base_iri, path)
    ]
    return pages.render(
        "not_found.html",
        lang=lang,
        path=request_path,
        version=published.version,
        formats=[],
        iri=iri,
        suggestions=found,
    )


def format_links(path: str) -> list[dict[str, str]]:
    """A link to each RDF syntax of the page at ``path``."""

    # An extension reads best; a path ending in '/' (the home page) takes the parameter instead.
    def href(ext: str) -> str:
        return f"{path}.{ext}" if path != "/" and not path.endswith("/") else f"{path}?format={ext}"

    return [{"label": RDF_LABELS[m], "media_type": m, "href": href(e)} for e, m in RDF_EXTENSIONS.items()]


def _documentation_link(base: str, iri: str, lang: str) -> tuple[str | None, str | None]:
    """Ontology terms and shapes link to their entry on the generated documentation page."""
    for ns, page in ((ontology_ns(base), "/ontology"), (shapes_ns(base), "/shapes")):
        if iri.startswith(ns) and "/" not in iri[len(ns) :]:
            return f"{page}#{iri[len(ns) :]}", pages.MESSAGES[lang]["documentation"]
    return None, None


def _home(published: Published, lang: str, counts: DatasetCounts) -> dict[str, Any]:
    store, base = published.store, published.base_iri
    labeller = Labeller(store, lang, base)
    smh = ontology_ns(base)
    start = [
        labeller.value(n)
        for cls in ("SmartSpecialisationStrategy", "RegionalProgramme")
        for n in descriptions.instances(store, smh + cls)
    ]
    schemes = sorted(
        (labeller.value(n) for n in descriptions.instances(store, SKOS + "ConceptScheme")),
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


def _graph(published: Published, iri: str, counts: DatasetCounts) -> dict[str, object]:
    """What a named graph's page adds: its size and its dumps."""
    files = [name for name, kind, graph in dump_plan(published) if graph == iri and kind in GRAPH_KINDS]
    return {
        "name": graph_name(ox.NamedNode(iri), published.base_iri),
        "files": [f for name in files for f in (name, f"{name}.gz")],
        "triples": counts.graphs.get(iri, 0),
    }
