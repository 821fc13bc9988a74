"""What a dereferenced IRI answers with: which IRIs under the base resolve, and the RDF each one serves.

``{base}rest`` is served at ``/rest``. Besides the resources the published store mentions, four kinds of
IRI resolve to something of their own: the base (the home page: titles, the catalogue, where to start),
``ontology`` and ``shapes`` (those graphs whole, with their documentation pages) and each
``graph/<name>`` (its VoID description). Framework-free: ``server.web.routes.resources`` negotiates and
``server.web.resource_pages`` renders.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from server.graph.versions import Published
from server.graph.vocabulary import DCT, FOAF, RDFS, graph_iri, ontology_ns, shapes_ns
from server.publish import descriptions
from server.publish.catalog import TITLE, dataset_iri
from server.publish.void import graph_description


@dataclass(frozen=True)
class DatasetCounts:
    """Triples per named graph and instances per class, for the home and graph pages."""

    version: str
    graphs: dict[str, int]
    classes: dict[str, int]


def dataset_counts(published: Published) -> DatasetCounts:
    """Counted inside the store; this looks at every triple, so call it once per version, off the event
    loop."""
    return DatasetCounts(
        published.version,
        descriptions.graph_sizes(published.store),
        descriptions.class_sizes(published.store),
    )


def ontology_iri(base: str) -> str:
    return ontology_ns(base).rstrip("/")


def shapes_iri(base: str) -> str:
    return shapes_ns(base).rstrip("/")


def special_iris(published: Published) -> set[str]:
    """The IRIs with an answer of their own: the base, the ontology, the shapes, every named graph."""
    base = published.base_iri
    return {base, ontology_iri(base), shapes_iri(base), *published.graph_names}


def needs_counts(published: Published, iri: str) -> bool:
    """Whether the answer for ``iri`` shows the dataset's counts (the home page and the graphs' pages)."""
    return iri == published.base_iri or iri in published.graph_names


def resolve(published: Published, path: str, extensions: set[str]) -> tuple[str, str | None] | None:
    """(IRI, extension) that a request ``path`` names: the IRI itself if it resolves, else one with an
    extension (one of ``extensions``) cut off; None when neither resolves."""
    base = published.base_iri
    if _known(published, base + path):
        return base + path, None
    stem, dot, ext = path.rpartition(".")
    if dot and ext in extensions and _known(published, base + stem):
        return base + stem, ext
    return None


def _known(published: Published, iri: str) -> bool:
    return iri in special_iris(published) or descriptions.resolves(published.store, iri)


def resource_triples(published: Published, iri: str, counts: DatasetCounts | None) -> list[ox.Triple]:
    """The RDF of ``iri``: its description, or for a special IRI the graph or summary it stands for."""
    store, base = published.store, published.base_iri
    triples = dict.fromkeys(descriptions.description(store, iri))
    if iri in (ontology_iri(base), shapes_iri(base)):
        graph = ox.NamedNode(graph_iri("ontology" if iri == ontology_iri(base) else "shapes", base))
        triples.update(dict.fromkeys(q.triple for q in store.quads_for_pattern(None, None, None, graph)))
    elif iri in published.graph_names and counts is not None:
        triples.update(dict.fromkeys(graph_description(published, iri, counts.graphs.get(iri, 0))))
    elif iri == base:
        triples.update(dict.fromkeys(home_triples(base)))
    return list(triples)


def home_triples(base: str) -> list[ox.Triple]:
    """What the base IRI says of itself: its titles, the dataset it is about, where to go next."""
    home = ox.NamedNode(base)
    out = [
        ox.Triple(home, ox.NamedNode(DCT + "title"), ox.Literal(t, language=lang))
        for lang, t in TITLE.items()
    ]
    out.append(ox.Triple(home, ox.NamedNode(FOAF + "primaryTopic"), ox.NamedNode(dataset_iri(base))))
    for doc in ("catalog", ".well-known/void", "sparql", "dumps/"):
        out.append(ox.Triple(home, ox.NamedNode(RDFS + "seeAlso"), ox.NamedNode(base + doc)))
    return out
