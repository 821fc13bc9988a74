"""Switching a running server to a newly published version, without a restart and without a failed request.

Each server process watches ``build/current`` (one ``readlink`` every ``watch_interval`` seconds), or, over
an external engine (``--engine``), the engine's pointer (one small query: ``server.sparql.remote_store``),
and checks again at once on SIGHUP (the supervisor passes it on to every server process). When the link names
another version the process opens it, starts a query engine over it (its own workers) and builds a fresh
:class:`~server.web.state.AppState` (its own result cache, dump set, catalogue, counts), all beside the
one it serves; then it switches with one assignment. From then on new requests are answered from the new
version, while requests already pinned to the old state (``server.web.edge``) finish on it: the old engine
is closed when the last of them is done. A version that cannot be opened is reported and the served one
kept.

    live = Live(settings, app, first_state); live.start()   # in the app's lifespan
    await live.switch()                                      # e.g. right after a publish over HTTP
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
from typing import Any

from server.errors import SmartHameError
from server.graph.versions import CURRENT, Published, open_published, versions_dir
from server.settings import Settings
from server.sparql.cache import ResultCache
from server.sparql.engine import Engine
from server.sparql.remote_store import open_engine, served_manifest
from server.web.metrics import Metrics
from server.web.state import AppState

log = logging.getLogger("smarthame")
# Counters that must not fall back to 0 at a switch: what retired versions counted is carried over.
CARRIED = (
    "cache_hits",
    "cache_misses",
    "query_timeouts",
    "queries_refused",
    "workers_reclaimed",
    "worker_restarts",
)


def start_state(settings: Settings, published: Published, metrics: Metrics) -> AppState:
    """A started engine and an empty cache over ``published`` (blocking: it forks the query workers)."""
    engine = Engine(published, settings)
    engine.start()
    cache = ResultCache(settings.cache_entries, settings.cache_bytes)
    return AppState(settings=settings, published=published, engine=engine, cache=cache, metrics=metrics)


class Live:
    """The state one server process serves now, and the switch to the next (see the module docstring)."""

    def __init__(self, settings: Settings, app: Any, first: AppState) -> None:
        self.settings = settings
        self.app = app
        self.current = first
        self.retiring: set[AppState] = set()
        self.switches = 0
        self.carried = dict.fromkeys(CARRIED, 0.0)
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        # One import over HTTP at a time in this process (routes.publishing): each starts from the version
        # the previous one published (processes are kept apart by the build folder's own lock).
        self.publish_lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self.reading_ahead: asyncio.Task[None] | None = None  # the latest version's index being read
        self._readings: set[asyncio.Task[None]] = set()  # every such reading not yet done
        self._failed: str | None = None  # a link target that would not open: not retried until SIGHUP
        self._sighup = False
        self._unreachable = False  # the engine's pointer could not be read at the last check
        app.state.smarthame = first

    @property
    def watching(self) -> bool:
        if self.settings.engine:
            return True  # the engine's pointer
        folder = self.current.published.folder
        return folder is not None and folder.parent == versions_dir(self.settings.build_dir)

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        # The first version's dashboard index is read beside the first requests, not before them.
        self._read_ahead(self.current)
        if not self.watching:
            return
        self._task = loop.create_task(self._watch())
        if threading.current_thread() is threading.main_thread():
            loop.add_signal_handler(signal.SIGHUP, self.wake)
            self._sighup = True

    def _read_ahead(self, st: AppState) -> None:
        self.reading_ahead = task = asyncio.get_running_loop().create_task(st.warm_dashboard_index())
        self._readings.add(task)
        task.add_done_callback(self._readings.discard)

    def wake(self) -> None:
        """Look at ``build/current`` now (SIGHUP), and retry a version that would not open."""
        self._failed = None
        self._wake.set()

    async def _watch(self) -> None:
        interval = self.settings.watch_interval
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval if interval > 0 else None)
            self._wake.clear()
            await self.switch()

    async def _target(self) -> str | None:
        """The version to serve: the folder ``build/current`` names, or the version an external engine's
        pointer names (one small query; an engine that does not answer is no reason to switch)."""
        if self.settings.engine:
            try:
                manifest = await asyncio.to_thread(served_manifest, self.settings)
            except SmartHameError as e:
                if not self._unreachable:  # said once, not at every check
                    log.warning("could not read the engine's pointer (%s); still serving what was", e)
                self._unreachable = True
                return None
            self._unreachable = False
            return manifest["version"] if manifest is not None else None
        try:
            return os.readlink(self.settings.build_dir / CURRENT)
        except OSError:
            return None

    def _serves(self, target: str) -> bool:
        published = self.current.published
        if self.settings.engine:
            return target == published.version
        return self.settings.build_dir / target == published.folder

    def _open(self, target: str) -> Published:
        if self.settings.engine:
            return open_engine(self.settings)
        return open_published(self.settings, self.settings.build_dir / target)

    async def switch(self) -> bool:
        """Serve the version ``build/current`` (or the engine's pointer) names if it is not the served
        one; True if switched. A version that will not open is reported once and not tried again until
        SIGHUP (over an engine: tried again at each check, for an engine's failures pass)."""
        async with self._lock:
            target = await self._target()
            if target is None or self._serves(target):
                return False
            if target == self._failed and not self.settings.engine:
                return False
            try:
                published = await asyncio.to_thread(self._open, target)
                new = await asyncio.to_thread(start_state, self.settings, published, self.current.metrics)
            except (SmartHameError, OSError, ValueError, KeyError) as e:
                if target != self._failed:
                    log.error(
                        "could not open the published version %s (%s); still serving %s",
                        target,
                        e,
                        self.current.published.version,
                    )
                self._failed = target
                return False
            self._failed = None
            old, self.current = self.current, new
            self.app.state.smarthame = new
            self.switches += 1
            self._retire(old)
            # Read beside the new version's first requests (which wait for it if they need it), not
            # before the switch: a publish over HTTP is answered once its version is served.
            self._read_ahead(new)
            log.warning("now serving version %s (was %s)", new.published.version, old.published.version)
            return True

    def enter(self) -> AppState:
        """Pin a request to the current state (the edge calls this, and :meth:`leave` when done)."""
        st = self.current
        st.active += 1
        return st

    def leave(self, st: AppState) -> None:
        st.active -= 1
        if st.retired and st.active == 0:
            self._close(st)

    def count(self, name: str) -> float:
        """A counter over every version this process served (``CARRIED``)."""
        return self.carried[name] + _counters(self.current)[name]

    def _retire(self, st: AppState) -> None:
        st.retired = True
        self.retiring.add(st)
        for name, value in _counters(st).items():
            self.carried[name] += value
        if st.active == 0:
            self._close(st)

    def _close(self, st: AppState) -> None:
        self.retiring.discard(st)
        st.engine.close()
        # A retired version's dashboard index (61 MB at 10,000 synthetic projects) goes with it, even while
        # something still holds the state.
        st.drop_dashboard_index()
        st.facet_labels.clear()

    async def stop(self) -> None:
        for task in (self._task, *self._readings):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._sighup:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        for st in [*self.retiring, self.current]:
            reading = st.drop_dashboard_index()
            if reading is not None:  # awaited, so that its query worker is stopped before the engine closes
                with contextlib.suppress(asyncio.CancelledError, Exception):  # logged by its reader
                    await reading
            st.engine.close()


def _counters(st: AppState) -> dict[str, float]:
    pool = st.engine.pool
    return {
        "cache_hits": st.cache.hits,
        "cache_misses": st.cache.misses,
        "query_timeouts": st.engine.timeouts,  # running or waiting for a worker
        "queries_refused": st.engine.admission.refused,
        "workers_reclaimed": pool.reclaimed if pool is not None else 0,
        "worker_restarts": pool.restarts if pool is not None else 0,
    }
