"""``/healthz`` and ``/metrics``: for whoever runs the server. Neither is cached (``no-store``)."""

from __future__ import annotations

import os

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from server.web.state import state

router = APIRouter()
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/healthz", tags=["operations"])
async def healthz(request: Request) -> JSONResponse:
    """200 while the dataset is loaded and a query worker is ready or being replaced (a worker killed
    at a query's time limit is replaced within milliseconds: that is the server working, not failing);
    503 when there is none."""
    st = state(request)
    pool = st.engine.pool
    workers = st.engine.ready()  # live workers; an external engine counts as one
    replacing = pool.replacing if pool is not None else 0
    up = workers + replacing > 0
    body = {
        "status": "ok" if up else "degraded",
        "version": st.published.version,
        "workers": workers,
        "replacing": replacing,
        "process": os.getpid(),  # several server processes share the port: which one answered
        "dashboard_index": st.dashboard_index_status,  # this process's, for the version
    }
    return JSONResponse(body, status_code=200 if up else 503, headers=NO_STORE)


@router.get("/metrics", tags=["operations"])
async def metrics(request: Request) -> PlainTextResponse:
    """Prometheus text format: requests, latency histogram, timeouts, cache hits, worker restarts."""
    return PlainTextResponse(
        state(request).metrics.render(), media_type="text/plain; version=0.0.4", headers=NO_STORE
    )
