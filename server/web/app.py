"""``create_app(settings)``: the FastAPI application.

The lifespan opens the dataset (the published version, or the files given to ``serve``), starts the
query engine, and keeps both in ``app.state.smarthame``; routes live in ``server.web.routes.*`` and reach
them through :func:`server.web.state.state`. Errors from ``server.errors`` become responses in one handler
here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute

from server.errors import BadParameter, SmartHameError
from server.graph.versions import Published, open_dataset
from server.settings import Settings
from server.sparql.cache import ResultCache
from server.sparql.engine import Engine
from server.web import openapi
from server.web.content_policy import ContentSecurityPolicy
from server.web.edge import Edge
from server.web.error_responses import framework_error, render_error
from server.web.metrics import Metrics
from server.web.routes import apidocs, catalog, dashboard, dumps, ops, publishing, queries, resources, sparql
from server.web.state import AppState


def create_app(settings: Settings, published: Published | None = None) -> FastAPI:
    """The application over ``published`` (or what ``settings`` points at, opened at start-up).

    Several server processes serve one app object built before they fork (``server.web.serving``); each sets
    ``app.state.metrics`` to its own slot of their shared metrics board before it starts.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        data = published if published is not None else open_dataset(settings)
        engine = Engine(data, settings)
        engine.start()
        cache = ResultCache(settings.cache_entries, settings.cache_bytes)
        app.state.smarthame = AppState(
            settings=settings,
            published=data,
            engine=engine,
            cache=cache,
            metrics=_metrics(engine, cache, getattr(app.state, "metrics", None) or Metrics()),
        )
        try:
            yield
        finally:
            engine.close()
            publishing.close_engines(app)  # the engines a publish over HTTP switched in and out

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


def _metrics(engine: Engine, cache: ResultCache, metrics: Metrics) -> Metrics:
    pool = engine.pool
    metrics.gauge("smarthame_cache_hits_total", "Answers served from the result cache.", lambda: cache.hits)
    metrics.gauge("smarthame_cache_misses_total", "Cache look-ups that found nothing.", lambda: cache.misses)
    metrics.gauge("smarthame_cache_entries", "Responses held in the result cache.", lambda: len(cache))
    metrics.gauge("smarthame_cache_bytes", "Bytes held in the result cache.", lambda: cache.bytes)
    if pool is not None:
        metrics.gauge(
            "smarthame_query_timeouts_total", "Queries stopped at their time limit.", lambda: engine.timeouts
        )
        metrics.gauge(
            "smarthame_queries_refused_total",
            "Queries refused 429 or 503 because their client or the wait queue was full.",
            lambda: engine.admission.refused,
        )
        metrics.gauge(
            "smarthame_workers_reclaimed_total",
            "Workers kept after their query overran, as it finished within the grace.",
            lambda: pool.reclaimed,
        )
        metrics.gauge(
            "smarthame_worker_restarts_total", "Query workers killed and replaced.", lambda: pool.restarts
        )
        metrics.gauge("smarthame_workers_busy", "Query workers running a query now.", lambda: pool.busy)
        metrics.gauge("smarthame_workers_idle", "Query workers waiting for a query.", lambda: len(pool.idle))
    return metrics
