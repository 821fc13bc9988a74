"""The dashboard in real headless Chromium (Debian's), against a real server, with the outside world cut off.

Every request to another host is aborted and counted (0 expected), and every Content-Security-Policy
violation is recorded (0 expected). The tests read what each chart drew (ECharts' option, the DOM) and
compare it with the saved queries' answers fetched from the same server; they click a bar and a node
and land on the right Linked Data pages; a facet changes the table and the CSV. Screenshots of each view
in fi and sv go to tests/artifacts/ (gitignored).
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from server.settings import Settings
from tests.conftest import settle, watch_requests

pytestmark = [pytest.mark.browser, pytest.mark.http]
VIEWS = ("funding", "flow", "network", "map", "explorer")
CSP_PROBE = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture(scope="module")
def chart_assets() -> None:
    if not (Settings().static_dir / "vendor" / "echarts.min.js").is_file():
        pytest.skip("Apache ECharts is not installed (make assets)")


@pytest.fixture()
def page(browser, chart_assets, live_server, only_this_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.add_init_script(CSP_PROBE)
    outside = only_this_server(context, live_server.url)
    errors: list[str] = []
    page = context.new_page()
    watch_requests(page)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.outside = outside
    page.errors = errors
    yield page
    context.close()


def open_view(page, base: str, view: str, lang: str = "fi", **params: str) -> None:
    query = "&".join(f"{k}={v}" for k, v in {"lang": lang, "view": view, **params}.items())
    response = page.goto(f"{base}/dashboard?{query}")
    assert response.status == 200
    assert response.headers["content-security-policy"] == "default-src 'self'"
    page.wait_for_selector(f"body[data-drawn={view}]", timeout=20000)


def clean(page) -> None:
    assert page.outside == [], f"requests to other hosts: {page.outside}"
    assert page.evaluate("window.__csp") == [], "Content-Security-Policy violations"
    assert page.errors == [], page.errors


def saved(base: str, name: str, **params: str) -> list[dict[str, str]]:
    response = httpx.get(f"{base}/queries/{name}.json", params=params, timeout=30)
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def option(page, chart: str) -> dict:
    return page.evaluate(f"() => echarts.getInstanceByDom(document.getElementById('{chart}')).getOption()")


def test_every_view_draws_in_fi_and_sv_with_nothing_from_another_host(
    page, live_server, artifacts_dir: Path
) -> None:
    for lang in ("fi", "sv"):
        for view in VIEWS:
            open_view(page, live_server.url, view, lang)
            assert page.locator("html").get_attribute("lang") == lang
            page.screenshot(path=str(artifacts_dir / f"dashboard-{view}-{lang}.png"), full_page=True)
        # Today's data has endorsed amounts by fund but few classified by spearhead: show that grouping too.
        open_view(page, live_server.url, "funding", lang, grouping="fund")
        page.screenshot(path=str(artifacts_dir / f"dashboard-funding-by-fund-{lang}.png"), full_page=True)
    assert "Instrumentpanel" in page.locator("h1").inner_text()
    clean(page)


def test_funding_bars_are_the_saved_query_and_a_bar_opens_its_page(page, live_server) -> None:
    base = live_server.url
    open_view(page, base, "funding", grouping="fund")
    expected = {
        (r["group_label"], r["year"]): float(r["total_eur"])
        for r in saved(base, "funding-by-group-and-year", grouping="fund", lang="fi")
    }
    drawn = option(page, "funding-chart")
    years = drawn["xAxis"][0]["data"]
    got = {(s["name"], years[i]): float(v) for s in drawn["series"] for i, v in enumerate(s["data"]) if v}
    assert got == expected and len(got) >= 5
    coverage = [
        r for r in saved(base, "group-coverage", grouping="fund", lang="fi") if r["scope"] == "selection"
    ][0]
    text = page.locator("#funding-coverage").inner_text()
    assert text.startswith(f"{coverage['projects_with_amount']} / {coverage['projects']} ")
    # The same for project counts by start year.
    page.select_option("#funding-controls select[name=measure]", "projects")
    page.wait_for_function("() => window.smarthameDashboard.funding.measure === 'projects'")
    counts = {
        (r["group_label"], r["year"]): int(r["projects"])
        for r in saved(base, "projects-by-group-and-year", grouping="fund", lang="fi")
    }
    drawn = option(page, "funding-chart")
    years = drawn["xAxis"][0]["data"]
    assert {(s["name"], years[i]): v for s in drawn["series"] for i, v in enumerate(s["data"]) if v} == counts
    assert "measure=projects" in page.url
    # Click the middle of the first series' first bar: its group's Linked Data page opens.
    page.select_option("#funding-controls select[name=measure]", "money")
    page.wait_for_function("() => window.smarthameDashboard.funding.measure === 'money'")
    first = page.evaluate("window.smarthameDashboard.funding.series[0]")
    index = next(i for i, p in enumerate(first["points"]) if p["value"])
    x, y = page.evaluate(
        f"() => echarts.getInstanceByDom(document.getElementById('funding-chart'))"
        f".convertToPixel({{seriesIndex: 0}}, [{index}, {first['points'][index]['value'] / 2}])"
    )
    box = page.locator("#funding-chart").bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + x, box["y"] + y)
    assert page.url == base + "/" + first["group"].removeprefix("https://w3id.org/smart-hame/")
    assert page.locator("h1").inner_text() == next(
        r["group_label"]
        for r in saved(base, "funding-by-group-and-year", grouping="fund", lang="fi")
        if r["group"] == first["group"]
    )
    clean(page)


def test_funding_chart_works_by_keyboard(page, live_server) -> None:
    open_view(page, live_server.url, "funding", grouping="fund")
    page.focus("#funding-chart")
    page.keyboard.press("ArrowRight")
    focus = page.evaluate("window.smarthameDashboard['funding-chartFocus']")
    assert focus["s"] == 0
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/" + focus["group"].removeprefix("https://w3id.org/smart-hame/"))
    clean(page)


def settled_position(page, node: int) -> tuple[float, float]:
    """The node's pixel position once the force layout has stopped moving it (a click on a node
    still in motion misses it on a loaded machine)."""
    locate = (
        "(i) => { const c = echarts.getInstanceByDom(document.getElementById('network-chart'));"
        " const layout = c.getModel().getSeriesByIndex(0).getData().getItemLayout(i);"
        " return c.convertToPixel({seriesIndex: 0}, layout); }"
    )
    x, y = page.evaluate(locate, node)
    for _ in range(50):
        page.wait_for_timeout(200)
        nx, ny = page.evaluate(locate, node)
        if abs(nx - x) < 0.5 and abs(ny - y) < 0.5:
            break
        x, y = nx, ny
    return nx, ny


def test_network_nodes_are_the_saved_query_and_a_node_opens_its_page(page, live_server) -> None:
    base = live_server.url
    open_view(page, base, "network")
    participations = saved(base, "organisation-network")
    projects: dict[str, set[str]] = {}
    for r in participations:
        projects.setdefault(r["organisation"], set()).update(r["projects"].split())
    drawn = option(page, "network-chart")["series"][0]["data"]
    assert {n["id"]: n["value"] for n in drawn} == {o: len(p) for o, p in projects.items()}
    rows = page.locator("#network-table tbody tr")
    assert rows.count() == len(projects)
    net = page.evaluate("window.smarthameDashboard.network")
    top = net["organisations"][0]
    assert top["name"] in rows.first.inner_text() and str(top["degree"]) in rows.first.inner_text()
    node = max(range(len(drawn)), key=lambda i: drawn[i]["value"])
    x, y = settled_position(page, node)
    box = page.locator("#network-chart").bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + x, box["y"] + y)
    assert page.url == base + "/" + drawn[node]["id"].removeprefix("https://w3id.org/smart-hame/")
    clean(page)


def test_network_filter_by_spearhead(page, live_server) -> None:
    base = live_server.url
    circular = "https://w3id.org/smart-hame/concept/spearheads/circular-economy"
    open_view(page, base, "network")
    page.select_option("#network-controls select[name=spearhead]", circular)
    page.wait_for_function("() => window.smarthameDashboard.network.parameters.spearhead !== undefined")
    expected = {r["organisation"] for r in saved(base, "organisation-network", spearhead=circular)}
    assert {n["id"] for n in option(page, "network-chart")["series"][0]["data"]} == expected
    assert "spearhead=" in page.url
    clean(page)


def test_map_colours_the_saved_query_and_shows_the_attribution(page, live_server) -> None:
    base = live_server.url
    open_view(page, base, "map")
    areas = {r["area"]: int(r["projects"]) for r in saved(base, "projects-by-area", lang="fi")}
    drawn = page.evaluate("window.smarthameDashboard.map")
    assert len(drawn["municipalities"]) == 11
    assert {m["iri"]: m["projects"] for m in drawn["municipalities"]} == {
        m["iri"]: areas.get(m["iri"], 0) for m in drawn["municipalities"]
    }
    series = option(page, "map-chart")["series"][0]["data"]
    assert {d["name"]: d["value"] for d in series} == {
        m["name"]: m["projects"] for m in drawn["municipalities"]
    }
    region = "http://data.europa.eu/nuts/code/FI1C2"
    assert {a["area"]: int(a["projects"]) for a in drawn["apart"]}[region] == areas[region]
    assert "Maanmittauslaitos" in page.locator("#map-attribution").inner_text()
    assert page.locator("#map-attribution").is_visible()
    clean(page)


def test_explorer_facet_changes_the_table_and_the_csv(page, live_server) -> None:
    base = live_server.url
    open_view(page, base, "explorer")
    everything = saved(base, "project-explorer", lang="fi")
    assert page.locator("#explorer-summary").inner_text().startswith(f"{len(everything)} ")
    erdf = "https://w3id.org/smart-hame/concept/funds/erdf-2014-2020"
    page.select_option("#facet-fund", erdf)
    page.wait_for_function("() => window.smarthameDashboard.explorer.parameters.fund !== undefined")
    selected = saved(base, "project-explorer", fund=erdf, lang="fi")
    assert 0 < len(selected) < len(everything)
    assert page.locator("#explorer-summary").inner_text().startswith(f"{len(selected)} ")
    shown = page.locator("#explorer-table tbody tr")
    assert shown.count() == min(len(selected), 25)
    names = {r["name"] for r in selected}
    assert all(shown.nth(i).locator("td").nth(1).inner_text() in names for i in range(shown.count()))
    csv = page.locator("#download-csv").get_attribute("href")
    assert "fund=" in csv
    lines = httpx.get(base + csv, timeout=30).text.strip().splitlines()
    assert len(lines) == len(selected) + 1  # the header and one line per project of the selection
    assert "fund=" in page.url  # the shareable address holds the selection
    shared = page.url
    page.goto(shared)
    page.wait_for_selector("body[data-drawn=explorer]")
    assert page.locator("#facet-fund").input_value() == erdf
    page.click("#explorer-table thead button[data-sort=amount]")
    page.wait_for_function("() => window.smarthameDashboard.explorer.sort === 'amount'")
    clean(page)


def test_editor_draws_a_bar_chart_of_a_numeric_column(page, live_server, artifacts_dir: Path) -> None:
    base = live_server.url
    page.goto(base + "/sparql")
    settle(page)
    page.wait_for_selector(".yasqe .CodeMirror")
    text = (
        "PREFIX smh: <https://w3id.org/smart-hame/ontology/>\n"
        "SELECT ?fund (COUNT(?p) AS ?projects) WHERE { ?p a smh:Project ; smh:fund ?fund }\n"
        "GROUP BY ?fund ORDER BY ?fund"
    )
    page.evaluate("(q) => window.smarthameYasgui.getTab().getYasqe().setValue(q)", text)
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table.dataTable tbody tr td", timeout=15000)
    page.click(".yasr .select_chart")
    page.wait_for_selector("#smarthame-chart canvas")
    drawn = page.evaluate("window.smarthameEditorChart")
    answer = httpx.get(
        base + "/sparql",
        params={"query": text},
        headers={"accept": "application/sparql-results+json"},
        timeout=30,
    ).json()
    assert drawn["column"] == "projects"
    assert drawn["values"] == [int(b["projects"]["value"]) for b in answer["results"]["bindings"]]
    page.screenshot(path=str(artifacts_dir / "editor-bar-chart.png"))
    assert page.outside == [], page.outside
    assert page.errors == [], page.errors
