"""Which store a version is served from (setting ``store``, ``memory_store_max_quads``), and that the on-disk
one answers the same as the in-memory one, in the server process and in its query workers.

The memory it saves is measured by bench/memory.py (README, "One copy of the store"), not here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from server.errors import Unavailable
from server.graph.versions import Published, open_published, own_quads, served_kind
from tests.releasing import PROJECTS, publish_fixture, serving_settings, settings_for

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The fixture published twice with the default store 'auto': with its threshold above the version's
    size (memory) and below it (disk)."""
    root = tmp_path_factory.mktemp("kinds")
    small, large = root / "small" / "build", root / "large" / "build"
    publish_fixture(small, 0)
    publish_fixture(large, 0, memory_store_max_quads=10)
    return small, large


def manifest(build: Path) -> dict:
    return json.loads((build / "current" / "manifest.json").read_text())


def assert_holds_the_version(published: Published, build: Path) -> None:
    """The store holds the published quads and, as its default graph, their merge: each triple once
    (``server.graph.versions.fill_store``), whichever kind it is."""
    published_quads = list(ox.parse(path=str(build / "current" / "dataset.nq"), format=ox.RdfFormat.N_QUADS))
    assert sum(1 for _ in own_quads(published.store)) == manifest(build)["triples"] == len(published_quads)
    default = list(published.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    # Counted, not compared: a store names blank nodes its own way.
    assert len(default) == len({q.triple for q in published_quads}) < len(published_quads)
    named = {q.triple for q in default if not _has_blank(q.triple)}
    assert named == {q.triple for q in published_quads if not _has_blank(q.triple)}


def _has_blank(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def test_auto_keeps_a_version_up_to_the_threshold_in_memory(both: tuple[Path, Path]) -> None:
    small, _ = both
    assert manifest(small)["store"] == "memory" and not (small / "current" / "store").exists()
    published = open_published(settings_for(small))
    assert published.store_kind == "memory"
    assert_holds_the_version(published, small)


def test_auto_writes_and_serves_an_on_disk_store_above_the_threshold(both: tuple[Path, Path]) -> None:
    _, large = both
    assert manifest(large)["store"] == "disk" and (large / "current" / "store").is_dir()
    settings = settings_for(large)
    assert served_kind(settings) == "disk"
    published = open_published(settings)
    assert published.store_kind == "disk"
    assert_holds_the_version(published, large)
    # The same bytes of N-Quads as the in-memory version: the store kind changes nothing published.
    small, _ = both
    nq = "current/dataset.nq"
    assert (large / nq).read_bytes() == (small / nq).read_bytes()


def test_the_on_disk_store_is_opened_read_only(both: tuple[Path, Path]) -> None:
    import pyoxigraph as ox

    published = open_published(settings_for(both[1]))
    quad = ox.Quad(
        ox.NamedNode("https://example.org/s"),
        ox.NamedNode("https://example.org/p"),
        ox.Literal("o"),
        PROJECTS,
    )
    with pytest.raises(RuntimeError, match="only possible on read-write instances"):
        published.store.add(quad)


def test_store_memory_serves_a_version_that_has_an_on_disk_store(both: tuple[Path, Path]) -> None:
    _, large = both
    published = open_published(settings_for(large, store="memory"))
    assert published.store_kind == "memory"
    assert_holds_the_version(published, large)


def test_store_disk_refuses_a_version_without_one(both: tuple[Path, Path]) -> None:
    small, _ = both
    with pytest.raises(Unavailable, match="Version 1 has no on-disk store \\(setting store is 'disk'\\)"):
        open_published(settings_for(small, store="disk"))


def test_a_server_at_another_base_iri_serves_the_disk_version_from_memory(both: tuple[Path, Path]) -> None:
    """The on-disk store holds the build's IRIs; rebasing needs the N-Quads."""
    published = open_published(settings_for(both[1], base_iri="https://data.example.org/"))
    assert published.store_kind == "memory" and published.version.startswith("1-")


def test_query_workers_answer_from_the_on_disk_store_as_from_memory(both: tuple[Path, Path]) -> None:
    from server.web.app import create_app
    from tests.inprocess import in_process

    answers = {}
    for build in both:
        with in_process(create_app(serving_settings(build, watch_interval=0))) as client:
            assert client.app.state.smarthame.published.store_kind == manifest(build)["store"]
            for query in (COUNT, PER_GRAPH):
                r = client.get("/sparql", params={"query": query}, headers={"accept": "text/csv"})
                assert r.status_code == 200 and r.headers["x-cache"] == "miss"
                answers[build.parent.name, query] = r.text
    assert answers["small", COUNT] == answers["large", COUNT] == f"n\r\n{manifest(both[0])['triples']}\r\n"
    assert answers["small", PER_GRAPH] == answers["large", PER_GRAPH]
