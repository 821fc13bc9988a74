"""``/docs``: the OpenAPI document rendered by Swagger UI from our own ``/static/vendor``.

FastAPI's built-in page loads Swagger UI from a CDN; pages here make no request to another host, so the
app turns that page off and serves this one instead.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from server.web.state import state

router = APIRouter()

MISSING_ASSETS = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>API documentation</title>
<link rel="stylesheet" href="/static/pages.css"></head><body><main>
<h1>API documentation</h1>
<p>The interactive page needs Swagger UI, which is not installed. Run <code>make assets</code> and restart
the server. The OpenAPI document itself is at <a href="/openapi.json">/openapi.json</a>.</p>
</main></body></html>"""


@router.get("/docs", include_in_schema=False)
async def api_docs(request: Request) -> HTMLResponse:
    vendor = state(request).settings.static_dir / "vendor"
    if not (vendor / "swagger-ui-bundle.js").is_file():
        return HTMLResponse(MISSING_ASSETS)
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="Smart Häme knowledge graph — API",
        swagger_js_url="/static/vendor/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
    )
