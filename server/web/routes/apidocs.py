"""``/docs``: the OpenAPI document drawn by Swagger UI from our own ``/static/vendor``, in the site's layout.

FastAPI's built-in page loads Swagger UI from a CDN and configures it with an inline script; pages here
make no request to another host and run no inline script (``server.web.content_policy``), so the app turns
that page off and serves this one instead, configured by ``static/swagger-init.js``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from server.web import pages
from server.web.state import state

router = APIRouter()
OPENAPI_URL = "/openapi.json"


@router.get("/docs", include_in_schema=False)
async def api_docs(request: Request) -> HTMLResponse:
    st = state(request)
    lang = pages.request_language(request)
    body = pages.render(
        "api_docs.html",
        lang=lang,
        path="/docs",
        version=st.published.version,
        main_class="wide",
        assets=(st.settings.static_dir / "vendor" / "swagger-ui-bundle.js").is_file(),
        openapi_url=OPENAPI_URL,
    )
    response = HTMLResponse(body, headers={"Vary": "Accept-Language, Cookie"})
    pages.remember_language(request, response, lang)
    return response
