"""One site in real headless Chromium (Debian's): every kind of page, with the outside world cut off.

For each kind of page (the Linked Data pages, the 404 and error pages, the saved queries' list and run
pages, the editor with a query run, /docs with Swagger UI drawn, the dumps, the dashboard) and each of
fi, sv and en: the response carries ``Content-Security-Policy: default-src 'self'``, the browser reports
no violation of it (``securitypolicyviolation`` events, counted from before the page's first script), no
request goes to another host (each is aborted and counted: 0 expected), no script fails, and the page has
the one header: the same site links and the fi/sv/en switch, with the page in the language asked for.
Each of the dashboard's charts, in fi and sv, has a text alternative (its help text and a table of what
it draws) and works by keyboard (it takes focus in the tab order; the arrow keys step through its items).
"""

from __future__ import annotations

import pytest

from server.settings import Settings
from server.web.pages import LANGUAGES, MESSAGES, SITE_LINKS
from tests.conftest import settle, watch_requests

pytestmark = [pytest.mark.browser, pytest.mark.http]
POLICY = "default-src 'self'"
CSP_PROBE = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(
    e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber
  );
});
"""
HEADER_PROBE = """() => ({
  lang: document.documentElement.getAttribute("lang"),
  links: [...document.querySelectorAll("header.site nav.main a")].map(a => a.getAttribute("href")),
  switch: [...document.querySelectorAll("header.site nav.lang a")].map(a => a.textContent),
  label: document.querySelector("header.site nav.main")?.getAttribute("aria-label"),
  csp: window.__csp,
})"""
# (path, what must be on the page before it counts as drawn: a CSS selector)
PAGES = (
    ("/", "article.home"),
    ("/project/A70870", "section.summary"),
    ("/organisation/hameen-ammattikorkeakoulu-oy", "section.summary"),
    ("/concept/spearheads/circular-economy", "section.summary"),
    ("/ontology", "article.ontology"),
    ("/shapes", "article.shapes"),
    ("/graph/projects", "article.resource"),
    ("/project/A7087", "article.not-found"),
    ("/queries", "table.queries"),
    ("/queries/funding-by-spearhead", "table.results"),
    ("/queries/nope", "article.error"),
    ("/dumps/", "table.files"),
    ("/sparql", "#yasgui .yasqe .CodeMirror"),
    ("/docs", "#swagger-ui .opblock"),
    ("/dashboard", "body[data-drawn=funding]"),
)


@pytest.fixture(scope="module")
def assets() -> None:
    vendor = Settings().static_dir / "vendor"
    missing = [
        n for n in ("yasgui.min.js", "swagger-ui-bundle.js", "echarts.min.js") if not (vendor / n).is_file()
    ]
    if missing:
        pytest.skip(f"assets not installed (make assets): {', '.join(missing)}")


@pytest.fixture()
def page(browser, assets, live_server, only_this_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(CSP_PROBE)
    page = context.new_page()
    watch_requests(page)
    page.outside = only_this_server(context, live_server.url)
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_kind_of_page_keeps_the_policy_and_the_one_header(page, live_server, lang: str) -> None:
    header_links = [href for href, _ in SITE_LINKS]
    for path, drawn in PAGES:
        response = page.goto(f"{live_server.url}{path}?lang={lang}", wait_until="load")
        assert response is not None, path
        assert response.status == (404 if path in ("/project/A7087", "/queries/nope") else 200), path
        assert response.headers["content-security-policy"] == POLICY, path
        page.wait_for_selector(drawn, timeout=20000)
        if path == "/sparql":  # run the default query: YASR draws its table
            page.click(".yasqe_queryButton")
            page.wait_for_selector(".yasr table.dataTable tbody tr td", timeout=20000)
        if page.locator("script").count():  # a page without scripts has fetched all it will at "load"
            settle(page)
        seen = page.evaluate(HEADER_PROBE)  # one round trip for what the header must say
        assert seen["lang"] == lang, path
        assert seen["links"] == header_links, path
        assert seen["switch"] == list(LANGUAGES), path
        assert seen["label"] == MESSAGES[lang]["site"], path
        assert seen["csp"] == [], (path, "Content-Security-Policy violations")
        assert page.errors == [], (path, page.errors)
    assert page.outside == [], f"requests to other hosts: {page.outside}"


def test_language_switch_keeps_the_form_values(page, live_server) -> None:
    """On a saved query's page the switch changes the language and keeps the parameters asked for."""
    page.goto(f"{live_server.url}/queries/funding-by-spearhead?lang=fi&year=2016", wait_until="load")
    page.click("header.site nav.lang a[hreflang=sv]")
    page.wait_for_selector("table.results")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert "year=2016" in page.url and "lang=sv" in page.url
    assert page.locator("form.params input[name=year]").input_value() == "2016"
    assert page.evaluate("window.__csp") == [] and page.outside == []


# (view, its chart's element id, the element holding the chart's table alternative)
CHARTS = (
    ("funding", "funding-chart", "funding-table"),
    ("flow", "flow-chart", "flow-table"),
    ("network", "network-chart", "network-table"),
    ("map", "map-chart", "map-table"),
)


@pytest.mark.parametrize("lang", ("fi", "sv"))
def test_every_chart_has_a_table_alternative_and_works_by_keyboard(page, live_server, lang: str) -> None:
    for view, chart, table in CHARTS:
        page.goto(f"{live_server.url}/dashboard?lang={lang}&view={view}&grouping=fund", wait_until="load")
        page.wait_for_selector(f"body[data-drawn={view}]", timeout=20000)
        node = page.locator(f"#{chart}")
        assert node.get_attribute("tabindex") == "0", chart
        help_text = page.locator(f"#{node.get_attribute('aria-describedby')}").inner_text()
        assert help_text.strip() != "", chart
        rows = page.locator(f"#{table} table tbody tr")
        assert rows.count() > 0, (chart, "no table alternative")
        page.focus(f"#{chart}")
        assert page.evaluate("document.activeElement.id") == chart
        assert page.evaluate(f"window.smarthameDashboard['{chart}Focus'] || null") is None
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        focus = page.evaluate(f"window.smarthameDashboard['{chart}Focus']")
        assert focus is not None, (chart, "the arrow keys moved to no item")
        assert page.evaluate("window.__csp") == [] and page.errors == [], (chart, page.errors)
    assert page.outside == [], f"requests to other hosts: {page.outside}"
