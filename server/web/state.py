"""What the running app holds for one served dataset, reached by routes through :func:`state`."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from server.graph.versions import Published
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


def state(request: Request) -> AppState:
    return request.app.state.smarthame
