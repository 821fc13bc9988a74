"""``create_app(settings)``: the FastAPI application.

The lifespan opens the dataset (the published version, or the files given to ``serve``), starts the
query engine, and keeps both in an ``AppState`` that ``app.state.live`` (``server.web.live``) replaces when
a newer version is published; routes live in ``server.web.routes.*`` and reach the state of their request
through :func:`server.web.state.state`. Errors from ``server.errors`` become responses in one handler
here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute

from server.errors import BadParameter, SmartHameError
from server.graph.versions import Published
from server.settings import Settings
from server.sparql.remote_store import open_served
from server.sparql.workers import WorkerPool
from server.web import openapi
from server.web.content_policy import ContentSecurityPolicy
from server.web.edge import Edge
from server.web.error_responses import framework_error, render_error
from server.web.live import Live, start_state
from server.web.metrics import Metrics
from server.web.routes import (
    apidocs,
    catalog,
    dashboard,
    dumps,
    ops,
    publishing,
    queries,
    resources,
    sparql,
    versions,
)


def create_app(settings: Settings, published: Published | None = None) -> FastAPI:
    """The application over ``published`` (or what ``settings`` points at, opened at start-up).

    Several server processes serve one app object built before they fork (``server.web.serving``); each sets
    ``app.state.metrics`` to its own slot of their shared metrics board before it starts.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        data = published.reopened() if published is not None else open_served(settings)
        metrics = getattr(app.state, "metrics", None) or Metrics()
        live = Live(settings, app, start_state(settings, data, metrics))
        app.state.live = live
        _metrics(live, metrics)
        live.start()  # watches build/current, and SIGHUP, for a newly published version
        try:
            yield
        finally:
            await live.stop()  # the engines of the served version and of those still retiring

    app = FastAPI(
        title="Smart Häme knowledge graph",
        description="SPARQL endpoint, Linked Data pages, saved analyst queries and dumps of the open "
        "knowledge graph of Kanta-Häme's smart specialisation strategy.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # server.web.routes.apidocs serves /docs from our own assets, not a CDN
        redoc_url=None,
        # /metrics is our own; FastAPI's OpenTelemetry bridge asked for its providers (reading the
        # environment) on every request, about 3% of a one-entity DESCRIBE's time.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )

    # Every error leaves in our shape (server.web.error_responses): ours, and the framework's own.
    @app.exception_handler(SmartHameError)
    async def handle_error(request: Request, exc: SmartHameError) -> Response:
        return _error_response(request, exc)

    @app.exception_handler(HTTPException)
    async def handle_framework_error(request: Request, exc: HTTPException) -> Response:
        allow = (exc.headers or {}).get("Allow")
        return _error_response(
            request, framework_error(exc.status_code, exc.detail, request.method, request.url.path, allow)
        )

    @app.exception_handler(RequestValidationError)
    async def handle_invalid_request(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {"loc": ("request",), "msg": "is not valid"}
        name = str(first["loc"][-1]) if first.get("loc") else "request"
        return _error_response(request, BadParameter(name, str(first.get("msg", "is not valid"))))

    # CORS, ETag/304, gzip, metrics, and the /sparql fast path (no framework routing on the hot path)
    app.add_middleware(Edge, endpoints={sparql.ENDPOINT: sparql.sparql_endpoint})
    app.add_middleware(ContentSecurityPolicy)  # outermost: on every response, the edge's own too

    # One router per responsibility; the saved queries get one route per file. `resources` answers every
    # other path (an IRI under the base is served at its path), so it comes last.
    for router in (
        sparql.router,
        ops.router,
        apidocs.router,
        queries.make_router(settings),
        dashboard.make_router(settings),
        dumps.router,
        versions.router,
        catalog.router,
        publishing.router,
        resources.router,
    ):
        app.include_router(answer_head(router))
    openapi.install(app, settings)
    return app


def answer_head(router: APIRouter) -> APIRouter:
    """Every GET route of ``router`` answers HEAD too (HEAD /healthz, /docs, /queries… were 404): the same
    handler (uvicorn sends no body), registered right after its GET so that a catch-all later in the order
    (the Linked Data pages) does not take it first, and left out of the OpenAPI document."""
    has_head = {r.path for r in router.routes if isinstance(r, APIRoute) and "HEAD" in (r.methods or ())}
    routes: list[BaseRoute] = []
    for route in router.routes:
        routes.append(route)
        if isinstance(route, APIRoute) and "GET" in (route.methods or ()) and route.path not in has_head:
            twin = APIRouter()
            twin.add_api_route(
                route.path,
                route.endpoint,
                methods=["HEAD"],
                include_in_schema=False,
                response_class=route.response_class,
                name=f"{route.name}-head",
            )
            routes.extend(twin.routes)
    router.routes[:] = routes
    return router


def _error_response(request: Request, exc: SmartHameError) -> Response:
    status, headers, body = render_error(exc, request.scope)
    return Response(body, status_code=status, headers={k.decode(): v.decode() for k, v in headers})


def _metrics(live: Live, metrics: Metrics) -> Metrics:
    """The gauges of /metrics, read from the version served now; counters carried over switches
    (``server.web.live.CARRIED``)."""

    def pool() -> WorkerPool | None:
        return live.current.engine.pool

    def count(name: str) -> Callable[[], float]:
        return lambda: live.count(name)

    metrics.gauge("smarthame_cache_hits_total", "Answers served from the result cache.", count("cache_hits"))
    metrics.gauge("smarthame_cache_misses_total", "Cache look-ups that found nothing.", count("cache_misses"))
    metrics.gauge(
        "smarthame_cache_entries", "Responses held in the result cache.", lambda: len(live.current.cache)
    )
    metrics.gauge(
        "smarthame_cache_bytes", "Bytes held in the result cache.", lambda: live.current.cache.bytes
    )
    metrics.gauge(
        "smarthame_query_timeouts_total", "Queries stopped at their time limit.", count("query_timeouts")
    )
    metrics.gauge(
        "smarthame_queries_refused_total",
        "Queries refused 429 or 503 because their client or the wait queue was full.",
        count("queries_refused"),
    )
    metrics.gauge(
        "smarthame_workers_reclaimed_total",
        "Workers kept after their query overran, as it finished within the grace.",
        count("workers_reclaimed"),
    )
    metrics.gauge(
        "smarthame_worker_restarts_total", "Query workers killed and replaced.", count("worker_restarts")
    )
    metrics.gauge("smarthame_workers_busy", "Query workers running a query now.", lambda: _busy(pool()))
    metrics.gauge("smarthame_workers_idle", "Query workers waiting for a query.", lambda: _idle(pool()))
    metrics.gauge(
        "smarthame_version_switches_total", "Newly published versions switched to.", lambda: live.switches
    )
    return metrics


def _busy(pool: WorkerPool | None) -> float:
    return pool.busy if pool is not None else 0


def _idle(pool: WorkerPool | None) -> float:
    return len(pool.idle) if pool is not None else 0
