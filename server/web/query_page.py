"""The HTML page a browser gets from ``GET /sparql`` without a query: the query editor.

One function, so the page can be swapped without touching the endpoint. The page itself (YASGUI, or a
plain form that says how to install it) is built by :mod:`server.web.editor`.
"""

from __future__ import annotations

from server.settings import Settings
from server.web.editor import FALLBACK_EXAMPLE, editor_page

EXAMPLE = FALLBACK_EXAMPLE


def render_query_page(endpoint: str, example: str = EXAMPLE, settings: Settings | None = None) -> str:
    """The editor page for ``endpoint``; ``settings`` gives the prefixes' base IRI and the static folder."""
    return editor_page(settings or Settings(), endpoint, example)
