"""The pages in real headless Chromium (Debian's), against a real server whose base IRI is its own address:
they render without asking any other host for anything, and the language switch works."""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest

from tests.conftest import settle, watch_requests

pytestmark = [pytest.mark.browser, pytest.mark.http]

PROJECT = "project/A70783"


@pytest.fixture()
def page(browser, rebased_server, only_this_server):
    """A page that refuses every request not addressed to the test server, and records it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch_requests(page)
    page.external = only_this_server(context, rebased_server.url)  # type: ignore[attr-defined]
    yield page
    context.close()


def test_iris_resolve_where_they_point(rebased_server) -> None:
    """Every IRI in the rebased dump is an address on this server that answers (sampled: one per kind)."""
    base = rebased_server.url + "/"
    dump = httpx.get(f"{base}dumps/smart-hame.nq", timeout=60).content
    subjects = {
        q.subject.value
        for q in ox.parse(dump, format=ox.RdfFormat.N_QUADS)
        if isinstance(q.subject, ox.NamedNode)
    }
    assert not any(s.startswith("https://w3id.org/smart-hame/") for s in subjects), "the dump is rebased"
    ours = sorted(s for s in subjects if s.startswith(base))
    one_per_kind = {s.removeprefix(base).split("/")[0]: s for s in ours}
    assert {"project", "organisation", "concept", "strategy", "ontology", "shapes"} <= set(one_per_kind)
    for iri in one_per_kind.values():
        html = httpx.get(iri, headers={"accept": "text/html"}, timeout=30)
        turtle = httpx.get(iri, headers={"accept": "text/turtle"}, timeout=30)
        assert html.status_code == turtle.status_code == 200, iri
        described = {q.subject.value for q in ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)}
        assert iri in described, iri


def test_project_page_renders_with_no_external_request(page, rebased_server, artifacts_dir) -> None:
    response = page.goto(f"{rebased_server.url}/{PROJECT}?lang=fi")
    assert response is not None and response.status == 200
    settle(page)
    assert page.locator("h1").inner_text().startswith("Alueellisten innovaatiokeskittymien")
    assert page.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "flex", (
        "the stylesheet loaded"
    )
    page.screenshot(path=str(artifacts_dir / "project-page.png"), full_page=True)
    for path in ("/", "/ontology", "/shapes", "/dumps/", "/concept/spearheads/circular-economy"):
        assert page.goto(rebased_server.url + path).status == 200
        settle(page)
    assert page.external == [], f"pages asked other hosts for {page.external}"  # type: ignore[attr-defined]


def test_language_switch(page, rebased_server) -> None:
    page.goto(f"{rebased_server.url}/concept/spearheads/circular-economy?lang=en")
    english = page.locator("h1").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("nav.lang a[hreflang=sv]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "sv"
    swedish = page.locator("h1").inner_text()
    assert swedish != english
    assert page.locator("nav.main").inner_text().startswith("Ontologi")
    page.click("nav.main a[href='/ontology']")  # the choice is remembered on the next page
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "sv"
    page.click("nav.lang a[hreflang=fi]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fi"
    assert page.external == []  # type: ignore[attr-defined]
