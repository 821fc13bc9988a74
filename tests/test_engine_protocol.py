"""The W3C SPARQL 1.1 Protocol tests (``tests/test_protocol_w3c.py``) through a real server process over
each external engine, which holds the fixture files as its live version.

The engine first holds the bundled version, so the fixture files arrive by a real switch: the test of
the switch checks that the version before is kept (for a rollback) and nothing else is there.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.graph.versions import open_files, open_published
from server.settings import Settings
from server.sparql.remote_graphs import DEFAULT_GRAPH, NO_GRAPH, staging_graph, version_iri
from server.sparql.remote_publish import publish_to
from server.sparql.remote_store import POINTER, open_engine
from tests.conftest import LiveServer
from tests.engines import ENGINES, Engine
from tests.test_protocol_w3c import (  # noqa: F401 - the tests, run again here over each engine
    test_query_case,
    test_update_case_is_refused_and_changes_nothing,
)

pytestmark = pytest.mark.engines


@pytest.fixture(scope="module", params=ENGINES)
def engine(
    request: pytest.FixtureRequest, settings: Settings, sample_files: tuple[Path, ...], shared_engines
) -> Engine:
    running: Engine = shared_engines.get(request.param)
    publish_to(running.settings(settings), open_published(settings))
    publish_to(running.settings(settings), open_files(sample_files, settings))
    return running


@pytest.fixture(scope="module")
def sample_server(engine: Engine, tmp_path_factory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("nobuild"), env={**engine.env(), "SMARTHAME_MAX_ROWS": "20"})
    yield server
    server.stop()


def test_the_switch_keeps_the_previous_version_and_only_it(engine, settings, sample_files) -> None:
    files, bundled = open_files(sample_files, settings), open_published(settings)
    assert open_engine(engine.settings(settings)).version == files.version
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    r = httpx.post(engine.url, data={"query": query}, headers={"accept": "application/sparql-results+json"})
    ours = {
        b["g"]["value"]: int(b["n"]["value"])
        for b in r.json()["results"]["bindings"]
        if b["g"]["value"].startswith("urn:smarthame:")
    }
    expected = {POINTER: 2, version_iri(files.version): 1, version_iri(bundled.version): 1}
    for version in (files, bundled):
        for graph, n in version.manifest["graphs"].items():
            expected[staging_graph(version.version, DEFAULT_GRAPH if graph == NO_GRAPH else graph)] = n
    assert ours == expected
