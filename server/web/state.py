"""What the running app holds for one dataset version, reached by routes through :func:`state`.

An ``AppState`` lives as long as the version it serves, so what is computed once per version (caches, the
dump set, the catalogue) is kept here, declared with its type, rather than hung on ``app.state``. When a
newer version is published the server builds a new one and switches to it (``server.web.live``); each
request is pinned to the state current when it arrived (``scope["smarthame.state"]``, set by the edge),
so it is answered wholly from one version, and the old state is closed once its last request is done.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from starlette.requests import Request

from server.errors import SmartHameError, Unavailable
from server.graph.releases import Release
from server.graph.versions import Published
from server.publish.dashboard_index import DashboardIndex, read_index
from server.publish.dumps import DumpSet
from server.publish.linked_data import DatasetCounts
from server.settings import Settings
from server.sparql.cache import ResultCache
from server.sparql.engine import Engine, QueryRequest
from server.sparql.formats import SPARQL_JSON
from server.web.asgi import Scope
from server.web.metrics import Metrics

log = logging.getLogger("smarthame")
INDEX_TIME_LIMIT = 120.0  # seconds per dashboard index query: the server's own work, read once per version


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
    # What the dashboard's answers are computed from (routes.dashboard), read once for the version in this
    # server process (not per query worker), and the reading while it runs; dropped when it is closed.
    dashboard_index: DashboardIndex | None = None
    dashboard_index_task: asyncio.Future[DashboardIndex] | None = None
    releases: list[Release] | None = None  # the releases up to this version (routes.versions)
    active: int = 0  # requests pinned to this state and not finished
    retired: bool = False  # a newer version is served; closed when ``active`` drops to 0

    @property
    def reads_dashboard_index_at_open(self) -> bool:
        """Whether the version's dashboard index is read as it opens (``server.web.live``: at start and at
        a switch, beside the first requests) rather than on first need: on a small version, so that no
        analyst waits for it (4 s of CPU at 10,000 synthetic projects), but not on a large one, where
        every server process would hold an index nobody may ask for (61 MB at 10,000 projects)."""
        triples = self.published.manifest.get("triples")
        if not isinstance(triples, int):  # files given to ``serve``: no manifest
            triples = len(self.published.store)
        return triples <= self.settings.dashboard_index_at_open_max_quads

    @property
    def dashboard_index_status(self) -> str:
        """Whether the index is "read", "reading" (at open or for a request) or "on first need"."""
        if self.dashboard_index is not None:
            return "read"
        return "reading" if self.dashboard_index_task is not None else "on first need"

    async def read_dashboard_index(self) -> DashboardIndex:
        """The version's dashboard index, read on first need (one reading at a time; a failed reading is
        retried by the next call)."""
        if self.dashboard_index is not None:
            return self.dashboard_index
        if self.dashboard_index_task is None:
            self.dashboard_index_task = asyncio.ensure_future(read_index(self._index_rows))
        task = self.dashboard_index_task
        try:
            index = await asyncio.shield(task)  # a request that goes does not cancel others' reading
        finally:
            if task.done() and self.dashboard_index_task is task:
                self.dashboard_index_task = None
        if not self.retired:  # a retired version lets go of its index (drop_dashboard_index)
            self.dashboard_index = index
        return index

    def drop_dashboard_index(self) -> asyncio.Future[DashboardIndex] | None:
        """Let go of the index and cancel its reading, which is shielded from its callers, so only this
        stops it; the reading (to await), if one ran."""
        reading = self.dashboard_index_task
        if reading is not None:
            reading.cancel()
        self.dashboard_index = self.dashboard_index_task = None
        return reading

    async def warm_dashboard_index(self) -> None:
        """Read the dashboard index now if the version is small enough (see above). A failure is logged
        and left to the first dashboard request, which reads again and reports it: reading ahead must
        never stop the server or a switch."""
        if self.retired or not self.reads_dashboard_index_at_open:
            return
        try:
            await self.read_dashboard_index()
        except SmartHameError as e:
            log.warning("could not read the dashboard index of version %s: %s", self.published.version, e)
        except Exception:
            log.exception("could not read the dashboard index of version %s", self.published.version)

    async def _index_rows(self, text: str) -> list[dict[str, Any]]:
        """One index query's rows, run by the version's engine as the server's own query (its own time
        limit); an answer cut at the row limit would make a wrong index, so it is refused instead."""
        request = QueryRequest(text=text, result_format=SPARQL_JSON)
        result = await self.engine.run(request, time_limit=INDEX_TIME_LIMIT)
        if result.truncated:
            raise Unavailable(
                "The dashboard's index needs more rows than the server's row limit allows; raise max_rows "
                "(SMARTHAME_MAX_ROWS) to serve the dashboard for this dataset."
            )
        rows: list[dict[str, Any]] = json.loads(result.body)["results"]["bindings"]
        return rows


PINNED = "smarthame.state"  # the scope key of the state a request is answered from


def state(request: Request) -> AppState:
    """The state of the version this request is answered from (see the module docstring)."""
    return pinned(request.scope)


def pinned(scope: Scope) -> AppState:
    app_state: AppState = scope.get(PINNED) or scope["app"].state.smarthame
    return app_state
