"""The W3C SPARQL 1.1 Protocol tests (``tests/test_protocol_w3c.py``) through a real server process over
each external engine, which holds the fixture files as its live version.

The engine first holds the bundled version, so the fixture files arrive by a real switch: the test of
the switch checks that nothing of the version before is left.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.graph.versions import open_files, open_published
from server.settings import Settings
from server.sparql.remote_publish import publish_to
from server.sparql.remote_store import POINTER, open_engine
from tests.conftest import LiveServer
from tests.engines import ENGINES, Engine, started
from tests.test_protocol_w3c import (  # noqa: F401 - the tests, run again here over each engine
    test_query_case,
    test_update_case_is_refused_and_changes_nothing,
)

pytestmark = pytest.mark.engines


@pytest.fixture(scope="module", params=ENGINES)
def engine(
    request: pytest.FixtureRequest, settings: Settings, sample_files: tuple[Path, ...], tmp_path_factory
) -> Iterator[Engine]:
    with started(request.param, tmp_path_factory.mktemp(request.param)) as running:
        publish_to(running.settings(settings), open_published(settings))
        publish_to(running.settings(settings), open_files(sample_files, settings))
        yield running


@pytest.fixture(scope="module")
def sample_server(engine: Engine, tmp_path_factory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("nobuild"), env={**engine.env(), "SMARTHAME_MAX_ROWS": "20"})
    yield server
    server.stop()


def test_the_switch_leaves_only_the_new_version(engine, settings, sample_files) -> None:
    files = open_files(sample_files, settings)
    assert open_engine(engine.settings(settings)).version == files.version
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = httpx.post(engine.url, data={"query": query}, headers={"accept": "application/sparql-results+json"})
    ours = {
        b["g"]["value"]
        for b in r.json()["results"]["bindings"]
        if b["g"]["value"].startswith(
            ("https://w3id.org/smart-hame/", "urn:smarthame:", "http://kasei.us/", "http://example")
        )
    }
    expected = {g for g in files.manifest["graphs"] if g != "(default graph)"}
    if "(default graph)" in files.manifest["graphs"]:
        expected.add("urn:smarthame:engine:default-graph")
    assert ours == expected | {POINTER}
