"""Follow every link on every HTML page from the home page: no internal link may be dead.

A page's links to itself in the RDF syntaxes (``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``) are followed for
one page of each shape of path (its first segment and depth): every subject in every syntax is
``test_resources``'s to check (by Accept), and following all of them here doubled the crawl's time.
A page in another language (the switch's ``?lang=`` links) is fetched and must answer, but its links are
not read again: they are the links of the page in any language, which
``test_a_page_links_to_the_same_places_in_every_language`` checks for one page of each kind. The crawler
keeps no cookie, so a plain link gives the page in the default language, and the switch's link to that
language (the same page again) is followed for one page of each shape, like the syntaxes.
"""

from __future__ import annotations

import html
import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pyoxigraph as ox
import pytest

from server.web.pages import DEFAULT_LANGUAGE, LANGUAGES

ORIGIN = "http://testserver"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_EXTENSIONS = (".ttl", ".jsonld", ".nt", ".rdf")


def _sampled_shape(url: str) -> tuple[str, ...] | None:
    """The shape of a link followed for one page of each shape only (see the module docstring): a
    resource in an RDF syntax, or a page in the default language; else None."""
    parts = urlsplit(url)
    segments = parts.path.strip("/").split("/")
    extension = next((e for e in RDF_EXTENSIONS if parts.path.endswith(e)), None)
    if extension is not None and not parts.query:
        return "syntax", segments[0], str(len(segments)), extension
    if parts.query == f"lang={DEFAULT_LANGUAGE}":
        return "language", segments[0], str(len(segments))
    return None


# Our pages are well-formed HTML5 from one template set, so a scan of their tags finds what
# html.parser.HTMLParser finds, three times faster (the same targets and ids on every page of the crawl
# when it was written; test_the_tag_scan_finds_what_an_html_parser_finds keeps one page of each kind
# to it). The text of script and style elements is not markup, as in HTMLParser.
_RAW_TEXT = re.compile(r"(<(script|style)\b[^>]*>).*?</\2\s*>", re.S | re.I)
_TAG = re.compile(r"<([a-zA-Z][^\s/>]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*/?>")
_ATTRIBUTE = re.compile(r"([^\s=>/]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?")


@dataclass
class _Links:
    """The targets of a page's links and resources, and the ids it defines."""

    targets: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    def add(self, tag: str, attributes: dict[str, str | None]) -> None:
        """What one start tag (its name and attributes, lower case) links to and defines."""
        if attributes.get("id"):
            self.ids.add(attributes["id"] or "")
        for name in ("href", "src", "action") if tag != "form" else ("action",):
            value = attributes.get(name)
            if value and not value.startswith(("data:", "mailto:", "javascript:")):
                self.targets.append(value)


def _parse(text: str) -> _Links:
    found = _Links()
    for tag in _TAG.finditer(_RAW_TEXT.sub(r"\1", text)):
        attributes: dict[str, str | None] = {}
        for a in _ATTRIBUTE.finditer(tag.group(2)):  # the last of a repeated attribute, as HTMLParser
            value = next((v for v in a.group(2, 3, 4) if v is not None), None)
            attributes[a.group(1).lower()] = html.unescape(value) if value is not None else None
        found.add(tag.group(1).lower(), attributes)
    return found


@pytest.mark.sweep
def test_no_dead_internal_link_and_every_resource_is_reached(client, published) -> None:
    crawler = client.another()  # its own cookie jar, emptied after every request (see the docstring)
    try:
        pages = crawler.run(_crawl)  # on the app's event loop: a request costs a millisecond or two
    finally:
        crawler.close()
    base = published.base_iri
    minted = {
        "/" + q.subject.value.removeprefix(base)
        for q in published.store.quads_for_pattern(None, None, None)
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(base)
    }
    unreached = sorted(minted - pages)
    assert not unreached, (
        f"{len(unreached)} of {len(minted)} resources no page links to, e.g. {unreached[:10]}"
    )


async def _crawl(client) -> set[str]:
    """Every link from the home page on, followed; fails on a dead one. Returns the paths of the pages."""
    queue = deque([f"{ORIGIN}/"])
    seen = {f"{ORIGIN}/"}
    ids: dict[str, set[str]] = {}
    anchors: list[tuple[str, str, str]] = []  # (page, target page, fragment)
    dead: list[tuple[str, str, int]] = []
    referrer: dict[str, str] = {}
    shapes: set[tuple[str, ...]] = set()  # of the sampled links followed
    pages = 0
    while queue:
        url = queue.popleft()
        r = await client.get(url.removeprefix(ORIGIN), headers={"accept": BROWSER_ACCEPT})
        client.cookies.clear()  # the language links set one
        if r.status_code != 200:
            dead.append((referrer.get(url, "(start)"), url, r.status_code))
            continue
        if not r.headers.get("content-type", "").startswith("text/html"):
            continue
        if "lang=" in urlsplit(url).query:
            continue  # its links are the page's in any language (see the module docstring)
        pages += 1
        parsed = _parse(r.text)
        ids[url] = parsed.ids
        for target in parsed.targets:
            absolute, fragment = urldefrag(urljoin(url, target))
            if urlsplit(absolute).netloc != "testserver":
                continue  # external: not ours to check, and the tests stay offline
            if fragment and "=" not in fragment:  # "#query=…" is the editor's state, not an element id
                anchors.append((url, absolute, fragment))
            shape = _sampled_shape(absolute)
            if shape in shapes:
                continue  # one of its shape was followed (see the module docstring)
            if shape is not None:
                shapes.add(shape)
            if absolute not in seen:
                seen.add(absolute)
                referrer[absolute] = url
                queue.append(absolute)
    assert not dead, f"{len(dead)} dead links, e.g. " + "; ".join(
        f"{p} -> {u} ({s})" for p, u, s in dead[:10]
    )
    missing = [(p, t, f) for p, t, f in anchors if t in ids and f not in ids[t]]
    assert not missing, f"links to missing anchors: {missing[:10]}"
    assert pages == len(ids)
    return {urlsplit(url).path for url in ids}


PAGE_KINDS = (
    ["/", "/project/A70870", "/organisation/hameen-ammattikorkeakoulu-oy",
     "/concept/spearheads/circular-economy", "/classification/15349/theme", "/ontology", "/shapes",
     "/graph/projects", "/queries", "/queries/funding-by-spearhead", "/dumps/", "/versions/", "/dashboard",
     "/sparql", "/docs", "/project/nope"]
)  # fmt: skip


class _ReferenceLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found = _Links()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.add(tag, dict(attrs))


@pytest.mark.parametrize("path", PAGE_KINDS)
def test_the_tag_scan_finds_what_an_html_parser_finds(client, path: str) -> None:
    text = client.get(path, headers={"accept": BROWSER_ACCEPT}).text
    reference = _ReferenceLinks()
    reference.feed(text)
    reference.close()
    assert reference.found.targets, path
    assert _parse(text) == reference.found, path


@pytest.mark.parametrize(
    "path",
    ["/", "/project/A70870", "/organisation/hameen-ammattikorkeakoulu-oy",
     "/concept/spearheads/circular-economy", "/classification/15349/theme", "/ontology", "/shapes",
     "/graph/projects", "/queries", "/queries/funding-by-spearhead", "/dumps/", "/versions/", "/dashboard",
     "/sparql"],
)  # fmt: skip
def test_a_page_links_to_the_same_places_in_every_language(client, path: str) -> None:
    found = {}
    switch = {f"?lang={lang}" for lang in LANGUAGES}
    for lang in LANGUAGES:
        r = client.get(f"{path}?lang={lang}", headers={"accept": BROWSER_ACCEPT})
        assert r.status_code == 200, (path, lang)
        # without the fragment: the editor's "#query=…&tabTitle=…" names the tab in the page's language
        found[lang] = {urldefrag(t)[0] for t in _parse(r.text).targets} - switch
    assert found["fi"] and all(links == found["fi"] for links in found.values()), path
