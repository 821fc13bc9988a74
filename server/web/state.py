"""What the running app holds for one dataset version, reached by routes through :func:`state`.

An ``AppState`` lives as long as the version it serves, so what is computed once per version (caches, the
dump set, the catalogue) is kept here, declared with its type, rather than hung on ``app.state``. When a
newer version is published the server builds a new one and switches to it (``server.web.live``); each
request is pinned to the state current when it arrived (``scope["smarthame.state"]``, set by the edge),
so it is answered wholly from one version, and the old state is closed once its last request is done.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from starlette.requests import Request

from server.graph.releases import Release
from server.graph.versions import Published
from server.publish.dashboard_index import DashboardIndex
from server.publish.dumps import DumpSet
from server.publish.linked_data import DatasetCounts
from server.settings import Settings
from server.sparql.cache import ResultCache
from server.sparql.engine import Engine
from server.web.asgi import Scope
from server.web.metrics import Metrics


@dataclass(eq=False)  # one per version served; compared by identity
class AppState:
    settings: Settings
    published: Published
    engine: Engine
    cache: ResultCache = field(default_factory=lambda: ResultCache(0, 0))
    metrics: Metrics = field(default_factory=Metrics)
    # Computed on first need, once for the version (see the routes named).
    page_counts: DatasetCounts | None = None  # home and graph pages (routes.resources)
    dump_set: DumpSet | None = None  # the dump files on disk (routes.dumps, routes.catalog)
    dump_task: asyncio.Future[DumpSet] | None = None  # the writing of dump_set while it runs
    described: dict[str, list[ox.Triple]] = field(default_factory=dict)  # "catalog"/"void" -> triples
    # (saved query, parameter) -> the (IRI, label) pairs the data holds of the parameter's class or scheme
    query_members: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)
    # language -> (facet, value) -> label, group and order of the explorer's facets (routes.dashboard)
    facet_labels: dict[str, dict[tuple[str, str], dict[str, Any]]] = field(default_factory=dict)
    # What the dashboard's answers are computed from, read once for the version in this server process
    # (not per query worker), and the reading while it runs (routes.dashboard); dropped when it is closed.
    dashboard_index: DashboardIndex | None = None
    dashboard_index_task: asyncio.Future[DashboardIndex] | None = None
    releases: list[Release] | None = None  # the releases up to this version (routes.versions)
    active: int = 0  # requests pinned to this state and not finished
    retired: bool = False  # a newer version is served; closed when ``active`` drops to 0


PINNED = "smarthame.state"  # the scope key of the state a request is answered from


def state(request: Request) -> AppState:
    """The state of the version this request is answered from (see the module docstring)."""
    return pinned(request.scope)


def pinned(scope: Scope) -> AppState:
    app_state: AppState = scope.get(PINNED) or scope["app"].state.smarthame
    return app_state
