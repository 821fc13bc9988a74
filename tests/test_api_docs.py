"""The API documentation page is served from our own assets: no CDN."""

from __future__ import annotations

import re


def test_docs_page_loads_swagger_ui_from_this_server(client) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    # What the page loads (scripts, stylesheets, icons), not where its links lead.
    sources = re.findall(r'<(?:script|img)\b[^>]*\bsrc="([^"]+)"|<link\b[^>]*\bhref="([^"]+)"', response.text)
    sources = [a or b for a, b in sources]
    assert sources, response.text
    external = [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert not external, f"/docs loads assets from other hosts: {external}"
    for path in sources:
        if path.startswith("/static/"):
            assert client.get(path).status_code == 200, path


def test_openapi_document_is_served(client) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["info"]["title"].startswith("Smart Häme")
    assert client.get("/redoc").status_code == 404
