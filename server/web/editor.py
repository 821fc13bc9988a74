"""HTML of the query editor, the page a browser gets at ``GET /sparql``.

The editor is YASGUI (npm ``@zazuko/yasgui``, copied to ``server/web/static/vendor/`` by ``make assets``),
served by this server and configured by ``server/static/editor.js`` so that the browser asks no other
host for anything: prefixes and their autocompletion come from :func:`server.graph.vocabulary.prefixes`, the
class and property autocompleters that call Linked Open Vocabularies are left out, and the examples are
our saved queries. Without the assets the page is a plain form that says how to install them.
"""

from __future__ import annotations

import json

from markupsafe import Markup

from server.graph.vocabulary import prefixes
from server.settings import Settings
from server.web import pages

VENDOR_FILES = ("yasgui.min.js", "yasgui.min.css")


def assets_installed(settings: Settings) -> bool:
    return all((settings.static_dir / "vendor" / name).is_file() for name in VENDOR_FILES)


FALLBACK_EXAMPLE = """SELECT ?class (COUNT(?s) AS ?instances)
WHERE { ?s a ?class }
GROUP BY ?class
ORDER BY DESC(?instances)
LIMIT 20"""


def editor_page(
    settings: Settings,
    endpoint: str = "/sparql",
    lang: str = pages.DEFAULT_LANGUAGE,
    version: str = "",
    example: str = FALLBACK_EXAMPLE,
) -> str:
    """The editor page in ``lang``: YASGUI when ``make assets`` has run, else a plain form saying how to get
    it."""
    config = {
        "endpoint": endpoint,
        "prefixes": prefixes(settings.base_iri),
        "savedQueries": "/queries.json",
        "lang": lang,
    }
    return pages.render(
        "editor.html",
        lang=lang,
        path="/sparql",
        version=version,
        main_class="editor",
        assets=assets_installed(settings),
        # The result view's bar chart (static/editor-chart.js) needs Apache ECharts, also from `make assets`.
        charts=(settings.static_dir / "vendor" / "echarts.min.js").is_file(),
        endpoint=endpoint,
        example=example,
        # Inside <script>, "</" would end the element early; JSON allows "\u003c" for "<".
        # Safe to mark: JSON of our own settings, with every "<" escaped (the line above says why).
        config=Markup(json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")),  # noqa: S704
    )
