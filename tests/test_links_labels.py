"""Every external concept the data links to has a label in graph/links, so pages can name it."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from server.graph.versions import own_quads
from server.graph.vocabulary import graph_iri
from server.publish.void import LINK_TARGETS, NOT_DATA_GRAPHS

LABELS = tuple(
    ox.NamedNode(p)
    for p in ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label")
)


@pytest.mark.parametrize("target", LINK_TARGETS, ids=[t.key for t in LINK_TARGETS])
def test_every_linked_external_iri_has_a_label(published, target) -> None:
    store = published.store
    skip = {ox.NamedNode(graph_iri(g, published.base_iri)) for g in NOT_DATA_GRAPHS}
    links = ox.NamedNode(graph_iri("links", published.base_iri))
    linked = {
        q.object.value
        for q in own_quads(store)
        if q.graph_name not in skip
        and isinstance(q.object, ox.NamedNode)
        and q.object.value.startswith(target.namespace)
    }
    unlabelled = sorted(
        iri
        for iri in linked
        if not any(next(store.quads_for_pattern(ox.NamedNode(iri), p, None, links), None) for p in LABELS)
    )
    assert not unlabelled, (
        f"{len(unlabelled)} {target.title} IRIs the data links to have no skos:prefLabel or rdfs:label in "
        f"data/links.ttl (graph links): " + ", ".join(unlabelled[:20])
    )
