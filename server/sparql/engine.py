"""Run one SPARQL query under a budget (time, rows) and return serialised bytes.

Interface used by every route (SPARQL endpoint, saved queries, pages):

    engine = Engine(published, settings); engine.start()
    result = await engine.run(QueryRequest(text=..., result_format="application/sparql-results+json", ...))
    result.body, result.media_type, result.truncated, result.kind
    engine.close()

``run`` evaluates in a worker process (``server.sparql.workers``) that is killed when the time is up;
``run_sync`` evaluates in this process with the same row limit but no time limit (CLI, start-up checks).
With ``settings.engine`` set, both send the checked job to that external engine instead
(``server.sparql.remote``), under the same limits; callers see the same results and errors.
The evaluation itself (row caps, serialisation) is ``server.sparql.evaluation``.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from server.errors import NotAcceptable, QueryFailed, QuerySyntaxError, QueryTooLong, UpstreamTimeout
from server.graph.versions import Published
from server.settings import Settings
from server.sparql.admission import Admission
from server.sparql.complexity import check_complexity
from server.sparql.evaluation import Job, Kind, Outcome, Term, constant_describe, described, execute
from server.sparql.federation import check_service
from server.sparql.remote import RemoteQueries
from server.sparql.remote_graphs import VersionGraphs
from server.sparql.remote_store import RemoteStore
from server.sparql.workers import WorkerPool


@dataclass(frozen=True)
class QueryRequest:
    text: str
    # The negotiated media type. A results type (JSON, XML, CSV, TSV) serves SELECT/ASK; an RDF type
    # serves CONSTRUCT/DESCRIBE. Give `graph_format` too when the query form is not known in advance.
    result_format: str | None
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    substitutions: Mapping[str, Term] = field(default_factory=dict)  # variable name (no '?') -> RDF term
    timeout: float | None = None  # seconds; may only lower the server's limit
    max_rows: int | None = None  # may only lower the server's limit
    graph_format: str | None = None  # RDF media type for CONSTRUCT/DESCRIBE when result_format is for rows
    client: str = ""  # who asks (the client's address), for the per-client cap on query slots


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    media_type: str
    kind: Kind
    truncated: bool = False
    rows: int | None = None  # counted only where the exact path ran
    aggregate_errors: tuple[str, ...] = ()  # projected aggregates left unbound by an error in some row


class WorkerFailed(RuntimeError):
    """An unexpected exception in a query worker (a bug of ours); carries the worker's traceback."""


# DESCRIBE of IRIs only (no WHERE, no dataset clause), after an optional prologue and with comments.
_BOUNDED_DESCRIBE = re.compile(
    r"""\s*(?:(?:BASE\s*<[^<>\s]*>|PREFIX\s+[^\s:<>]*:\s*<[^<>\s]*>|\#[^\n]*)\s*)*
        DESCRIBE(?:\s+(?:<[^<>\s"{}|^`\\]*>|[A-Za-z][\w\-.]*:[\w\-]*|:[\w\-]*))+
        \s*(?:\#[^\n]*\s*)*$""",
    re.IGNORECASE | re.VERBOSE,
)
# In-process answers stop here (then a worker takes over). Measured on the shared 2-core machine, a
# 15-triple DESCRIBE took 0.17 ms in this process and 0.61 ms through a worker (engine.run, one client);
# 1,000 triples keep the event loop's pause around a millisecond.
INLINE_ROWS = 1_000
# ... and this many terms: each costs a lookup (or, for prefixed names, engine work) even when it has no
# triples, and 2,020 terms took 0.4-0.5 s in this process.
INLINE_TERMS = 16
# The shortest time limit a request may ask for: a smaller one (1e-300) cost a worker fork per request.
MIN_TIMEOUT = 0.01
_AFTER_DESCRIBE = re.compile(r"describe", re.IGNORECASE)
_DESCRIBE_TERM = re.compile(r"<[^<>\s]*>|[A-Za-z][\w\-.]*:[\w\-]*|:[\w\-]*")


class Engine:
    """The query engine over one published dataset: checks budgets, then evaluates in a worker."""

    def __init__(self, published: Published, settings: Settings) -> None:
        self.published = published
        self.settings = settings
        self.pool: WorkerPool | None = None
        self.admission = Admission(settings.query_workers, settings.client_slots, settings.max_waiting)
        self.remote: RemoteQueries | None = None

    @property
    def timeouts(self) -> int:
        """Queries stopped at their time limit, running or waiting for a worker."""
        return self.admission.timeouts + (self.pool.timeouts if self.pool is not None else 0)

    def start(self) -> None:
        if self.settings.engine:
            self.remote = RemoteQueries(self.settings, VersionGraphs.of(self.published.manifest))
            return
        disk = self.published.store_kind == "disk"  # workers then open the store themselves
        self.pool = WorkerPool(self.published.store_opener(), self.settings, fresh_zygote=disk)
        self.pool.start()

    def ready(self) -> int:
        """How many queries could start now: idle and busy workers, or 1 for an external engine."""
        if self.remote is not None:
            return 1
        return self.pool.ready() if self.pool is not None else 0

    def close(self) -> None:
        if self.remote is not None:
            self.remote.close()
        store: object = self.published.store
        if isinstance(store, RemoteStore):
            store.close()
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    async def run(self, request: QueryRequest, time_limit: float | None = None) -> QueryResult:
        """Evaluate in a worker; QueryTimeout (503) once the time limit passes, the worker then killed.

        A DESCRIBE of constant IRIs is answered here instead, within INLINE_ROWS triples: its work is
        bounded by what it outputs, so it cannot run away, and it saves the round trip to a worker.
        ``time_limit`` is for the server's own queries (the VoID counts read every triple) and replaces
        the server's limit; a client's request never sets it.
        """
        job = self.job(request)
        if self.remote is not None:
            return await self._admitted_remote(
                self.remote, job, request.client, time_limit or self.time_limit(request)
            )
        if self.pool is None:
            return self._result(*execute(self.published.store, job))
        nodes = constant_describe(job)
        if nodes is not None and len(nodes) <= INLINE_TERMS:  # server.sparql.describe: no query set-up
            outcome, body = described(self.published.store, nodes, job, min(job.max_rows, INLINE_ROWS))
            if not outcome.truncated or job.max_rows <= INLINE_ROWS:
                return self._result(outcome, body)
        elif (
            nodes is None
            and len(job.text) < 4096
            and _BOUNDED_DESCRIBE.match(job.text)
            and len(_DESCRIBE_TERM.findall(_AFTER_DESCRIBE.split(job.text, maxsplit=1)[-1])) <= INLINE_TERMS
        ):
            inline = job if job.max_rows <= INLINE_ROWS else replace(job, max_rows=INLINE_ROWS)
            outcome, body = execute(self.published.store, inline)
            if not outcome.truncated or inline is job:
                return self._result(outcome, body)
        limit = time_limit or self.time_limit(request)
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with self.admission.slot(request.client, limit):
            remaining = limit - (loop.time() - started)
            return self._result(*await self.pool.run(job, remaining, limit))

    async def _admitted_remote(
        self, remote: RemoteQueries, job: Job, client: str, limit: float
    ) -> QueryResult:
        """Over an external engine under the same admission as the local workers (``query_workers`` slots:
        the queries this process has running at the engine at once), the wait counted in the limit."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with self.admission.slot(client, limit):
            return await self._run_remote(remote, job, limit - (loop.time() - started), limit)

    async def _run_remote(
        self, remote: RemoteQueries, job: Job, remaining: float, limit: float
    ) -> QueryResult:
        """Over an external engine, a DESCRIBE of constant IRIs is answered by ``server.sparql.describe``
        on the engine's triples, as it is in memory: DESCRIBE is the engine's to define (Virtuoso's adds
        the triples pointing at the IRI), and the front end's answer stays the same on every engine."""
        nodes = constant_describe(job)
        if nodes is None:
            return self._result(*await remote.run(job, remaining, limit))
        try:
            async with asyncio.timeout(remaining):
                found = await asyncio.to_thread(described, self.published.store, nodes, job)
        except TimeoutError:
            raise UpstreamTimeout(
                f"The SPARQL engine did not describe the resource within {limit:g} s (setting timeout)."
            ) from None
        return self._result(*found)

    def run_sync(self, request: QueryRequest) -> QueryResult:
        """Evaluate in this process: row limit yes, time limit no. Not for request handlers."""
        if self.settings.engine:
            if self.remote is None:
                self.remote = RemoteQueries(self.settings, VersionGraphs.of(self.published.manifest))
            return self._result(*self.remote.run_sync(self.job(request)))
        return self._result(*execute(self.published.store, self.job(request)))

    def time_limit(self, request: QueryRequest) -> float:
        """The request's limit, at most the server's and at least MIN_TIMEOUT."""
        if request.timeout is None or math.isnan(request.timeout):
            return self.settings.timeout
        return max(min(self.settings.timeout, request.timeout), min(MIN_TIMEOUT, self.settings.timeout))

    def job(self, request: QueryRequest) -> Job:
        """Check the query against the budgets that need no evaluation (length, SERVICE) and pack it."""
        if len(request.text) > self.settings.max_query_length:
            raise QueryTooLong(
                f"The query has {len(request.text)} characters; this endpoint accepts at most "
                f"{self.settings.max_query_length} (setting max_query_length)."
            )
        check_complexity(request.text)
        check_service(request.text, self.settings.service_allowlist)
        max_rows = (
            self.settings.max_rows
            if request.max_rows is None
            else min(request.max_rows, self.settings.max_rows)
        )
        return Job(
            text=request.text,
            result_format=request.result_format,
            graph_format=request.graph_format,
            default_graphs=tuple(request.default_graph_uris),
            named_graphs=tuple(request.named_graph_uris),
            substitutions=tuple(request.substitutions.items()),
            max_rows=max(max_rows, 0),
            base_iri=self.published.base_iri,
        )

    @staticmethod
    def _result(outcome: Outcome, body: bytes) -> QueryResult:
        if outcome.error == "internal":
            raise WorkerFailed(outcome.message)
        if outcome.error == "syntax":
            raise QuerySyntaxError(outcome.message, outcome.line, outcome.column)
        if outcome.error == "not_acceptable":
            raise NotAcceptable(list(outcome.offered), outcome.message or None)
        if outcome.error == "failed" or outcome.kind is None:
            raise QueryFailed(outcome.message)
        return QueryResult(
            body, outcome.media_type, outcome.kind, outcome.truncated, outcome.rows, outcome.aggregate_errors
        )
