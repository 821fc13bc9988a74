"""What the running app holds for the one dataset version it serves, reached by routes through :func:`state`.

An ``AppState`` lives as long as the version it serves (the app's lifespan), so what is computed once per
version is kept here, declared with its type, rather than hung on ``app.state`` where a route first needs it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from starlette.requests import Request

from server.graph.versions import Published
from server.publish.dumps import DumpSet
from server.publish.linked_data import DatasetCounts
from server.settings import Settings
from server.sparql.cache import ResultCache
from server.sparql.engine import Engine
from server.web.metrics import Metrics


@dataclass
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


def state(request: Request) -> AppState:
    app_state: AppState = request.app.state.smarthame
    return app_state
