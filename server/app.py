"""``create_app(settings)``: the FastAPI application.

The lifespan opens the dataset (the published version, or the files given to ``serve``), starts the
query engine, and keeps both in ``app.state.smarthame``; routes live in ``server.routes.*`` and reach
them through :func:`state`. Errors from ``server.errors`` become responses in one handler here.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from server.engine import Engine
from server.errors import NotAcceptable, SmartHameError
from server.settings import Settings
from server.store import Published, open_dataset

# Route modules, each exposing `router`, or `make_router(settings)` when its routes depend on the settings
# (the saved queries: one route per file); one per responsibility.
ROUTE_MODULES: tuple[str, ...] = ()


@dataclass
class AppState:
    settings: Settings
    published: Published
    engine: Engine


def state(request: Request) -> AppState:
    return request.app.state.smarthame


def create_app(settings: Settings, published: Published | None = None) -> FastAPI:
    """The application over ``published`` (or what ``settings`` points at, opened at start-up)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        data = published if published is not None else open_dataset(settings)
        engine = Engine(data, settings)
        engine.start()
        app.state.smarthame = AppState(settings=settings, published=data, engine=engine)
        try:
            yield
        finally:
            engine.close()

    app = FastAPI(
        title="Smart Häme knowledge graph",
        description="SPARQL endpoint, Linked Data pages, saved analyst queries and dumps of the open "
        "knowledge graph of Kanta-Häme's smart specialisation strategy.",
        version="0.1.0",
        lifespan=lifespan,
    )

    @app.exception_handler(SmartHameError)
    async def render_error(request: Request, exc: SmartHameError) -> Response:
        headers = {"Vary": "Accept"}
        body = exc.as_json()
        if isinstance(exc, NotAcceptable):
            body["offered"] = exc.offered
        return JSONResponse(body, status_code=exc.status, headers=headers)

    for name in ROUTE_MODULES:
        module = importlib.import_module(f"server.routes.{name}")
        app.include_router(module.make_router(settings) if hasattr(module, "make_router") else module.router)
    return app
