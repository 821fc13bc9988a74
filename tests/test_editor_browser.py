"""The SPARQL editor in real headless Chromium (Debian's), against a real server, with the outside world cut
off.

Every request to a host other than the server is aborted and recorded; the test fails if there was even
one. It runs a query and sees rows, then opens a saved query from /queries in the editor and runs that.
Screenshots go to tests/artifacts/ (gitignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from server.settings import Settings
from server.web.editor import VENDOR_FILES
from tests.conftest import settle, watch_requests

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def editor_assets() -> None:
    vendor = Settings().static_dir / "vendor"
    if not all((vendor / name).is_file() for name in VENDOR_FILES):
        pytest.skip("the YASGUI assets are not installed (make assets)")


@pytest.fixture()
def page(browser, editor_assets, live_server, only_this_server):
    """A fresh page whose requests may only go to the live server; others are aborted and recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    outside = only_this_server(context, live_server.url)
    errors: list[str] = []
    page = context.new_page()
    watch_requests(page)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.outside = outside
    page.errors = errors
    yield page
    context.close()


def test_editor_runs_a_query_with_no_request_to_another_host(page, live_server, artifacts_dir: Path) -> None:
    response = page.goto(live_server.url + "/sparql")
    settle(page)
    assert response.status == 200
    page.wait_for_selector(".yasqe .CodeMirror")
    page.wait_for_selector("#examples[data-loaded=true]")
    yasqe = "window.smarthameYasgui.getTab().getYasqe()"
    assert "PREFIX smh: <https://w3id.org/smart-hame/ontology/>" in page.evaluate(f"{yasqe}.getValue()")
    assert page.evaluate(f"{yasqe}.config.autocompleters") == ["smarthamePrefixes", "variables"]
    assert page.evaluate("window.smarthameYasgui.getTab().getEndpoint()") == live_server.url + "/sparql"
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table.dataTable tbody tr td", timeout=15000)
    rows = page.locator(".yasr table.dataTable tbody tr")
    assert rows.count() > 10
    assert "res:project/" in rows.first.inner_text()
    page.screenshot(path=str(artifacts_dir / "editor-results.png"))
    with page.expect_download() as download:  # YASR's table download: a CSV built in the page
        page.click(".yasr_downloadIcon")
    assert (
        Path(download.value.path()).read_text(encoding="utf-8").splitlines()[0] == '"project","code","name"'
    )
    options = page.locator("#examples option").count()
    assert options >= 16  # the placeholder and every saved query
    assert page.outside == [], page.outside
    assert page.errors == [], page.errors


def test_prefix_completion_offers_our_prefixes(page, live_server) -> None:
    page.goto(live_server.url + "/sparql")
    settle(page)
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate(
        "() => { const y = window.smarthameYasgui.getTab().getYasqe();"
        " y.setValue('PREFIX kun'); y.setCursor({line: 0, ch: 10}); y.autocomplete(); }"
    )
    page.wait_for_selector(".CodeMirror-hints li")
    hints = page.locator(".CodeMirror-hints li").all_inner_texts()
    assert hints == ["kunta: <http://uri.suomi.fi/codelist/jhs/kunta_1_20230101/code/>"]
    assert page.outside == [], page.outside


def test_saved_query_opens_from_the_list_in_the_editor(page, live_server, artifacts_dir: Path) -> None:
    page.goto(live_server.url + "/queries")
    settle(page)
    page.screenshot(path=str(artifacts_dir / "queries-list.png"))
    page.click("tr#spearhead-overview a.open-in-editor")
    page.wait_for_selector(".yasqe .CodeMirror")
    tab = "window.smarthameYasgui.getTab()"
    page.wait_for_function(f"{tab}.getName().startsWith('Spearhead overview')")
    assert "GROUP BY ?spearhead ?notation" in page.evaluate(f"{tab}.getYasqe().getValue()")
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table.dataTable tbody tr td", timeout=15000)
    text = page.locator(".yasr table.dataTable tbody").inner_text()
    assert page.locator(".yasr table.dataTable tbody tr").count() == 4
    assert "Kestävän ruokajärjestelmän edelläkävijämaakunta" in text
    page.screenshot(path=str(artifacts_dir / "editor-saved-query.png"))
    page.select_option("#examples", "organisations-by-type")
    page.wait_for_function(f"{tab}.getName().startsWith('Organisations by type')")
    assert page.outside == [], page.outside
    assert page.errors == [], page.errors


def test_saved_query_page_in_the_browser(page, live_server, artifacts_dir: Path) -> None:
    page.goto(live_server.url + "/queries/funding-by-year-and-fund")
    settle(page)
    page.select_option("#param-amount_type", label="Puollettu EU- ja valtion rahoitus")
    page.fill("#param-year", "2016")
    page.click("form.params button[type=submit]")
    page.wait_for_url("**/queries/funding-by-year-and-fund?*")
    assert page.locator("table.results tbody tr").count() == 2
    assert "767958" in page.locator("table.results").inner_text()
    page.screenshot(path=str(artifacts_dir / "saved-query-page.png"), full_page=True)
    assert page.outside == [], page.outside
