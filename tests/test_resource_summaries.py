"""What a person reads on a project's, organisation's and spearhead's page, read back from the HTML.

Expectations come from the source records (../shared/reference/real-data*/: amounts, statuses,
applicants, partners) or, for what the records do not hold (classifications, sums by spearhead), from a
second formulation over the store: Python pattern lookups, not the page's SPARQL. Money is checked as
exact strings in fi, sv and en.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest

from server.publish.money import NBSP, format_money
from server.settings import PROJECT_ROOT

REFERENCE = PROJECT_ROOT.parent / "shared" / "reference"
BASE = "https://w3id.org/smart-hame/"
SMH = BASE + "ontology/"
DCT_SOURCE = ox.NamedNode("http://purl.org/dc/terms/source")
LANGS = ("fi", "sv", "en")
# The reader's words for an applicant, a partner and the EU and state funding endorsed, per language.
APPLICANT = {"fi": "hakija", "sv": "sökande", "en": "applicant"}
PARTNER = {"fi": "osatoteuttaja", "sv": "delgenomförare", "en": "partner"}
ENDORSED = {
    "fi": "Puollettu EU- ja valtion rahoitus",
    "sv": "Förordad EU- och statlig finansiering",
    "en": "EU and state funding endorsed",
}


class _Tables(HTMLParser):
    """Each table of the summary (by its class) as rows of cell texts, and each row's link targets."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.links: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._hrefs: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and "summary" in (found.get("class") or "").split():
            self._table = (found.get("class") or "").replace("summary", "").strip()
            self.tables.setdefault(self._table, [])
            self.links.setdefault(self._table, [])
        elif self._table and tag == "tr":
            self._row, self._hrefs = [], []
        elif self._row is not None and tag in ("td", "th"):
            self._cell = []
        elif self._row is not None and tag == "a" and found.get("href"):
            self._hrefs.append(found["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(re.sub(r"[ \t\r\n]+", " ", "".join(self._cell)).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self.links[self._table].append(self._hrefs)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(client, path: str, lang: str) -> _Tables:
    response = client.get(f"{path}?lang={lang}", headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    parser = _Tables()
    parser.feed(response.text)
    return parser


@pytest.fixture(scope="module")
def records() -> list[dict]:
    folders = [REFERENCE / "real-data", REFERENCE / "real-data-2"]
    if not all(f.is_dir() for f in folders):
        pytest.skip("../shared/reference/real-data(-2) is absent (a user's fresh clone); CI has it")
    return [r for f in folders for r in json.loads((f / "projects.json").read_text(encoding="utf-8"))]


def money_as_written(written: str) -> Decimal | None:
    """'250.000 €', '222 000 euroa' -> the number; None for anything less plain."""
    simple = re.fullmatch(r"(\d{1,3}(?:[ .]\d{3})+)\s*(?:€|euroa|euron)", written.strip())
    return Decimal(re.sub(r"[ .]", "", simple[1])) if simple else None


def expected_money(value: Decimal, lang: str) -> str:
    """Written out independently of server.publish.money, from Python's own grouping."""
    grouped = f"{int(value):,}"
    return f"€{grouped}" if lang == "en" else grouped.replace(",", NBSP) + NBSP + "€"


def project_path(published, record: dict) -> str:
    """The page of the project that cites ``record``'s source under ``record``'s name (a news page can be
    the source of several projects; a project's IRI is minted from its code or its name)."""
    graph = ox.NamedNode(BASE + "graph/projects")
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    store, name = published.store, record["name"]

    def named(project: ox.NamedNode) -> bool:  # a name may end in a translation or a remark, in () or []
        names = {q.object.value for q in store.quads_for_pattern(project, label, None)}
        return any(name == n or name.startswith((n + " (", n + " [")) for n in names)

    found = {
        q.subject.value
        for q in store.quads_for_pattern(None, DCT_SOURCE, ox.NamedNode(record["source"]), graph)
        if isinstance(q.subject, ox.NamedNode) and named(q.subject)
    }
    assert len(found) == 1, (record["name"], found)
    return "/" + found.pop()[len(BASE) :]


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        ("250000", "fi", "250\u00a0000\u00a0€"),
        ("250000", "sv", "250\u00a0000\u00a0€"),
        ("250000", "en", "€250,000"),
        ("1234567.5", "fi", "1\u00a0234\u00a0567,50\u00a0€"),
        ("1234567.5", "en", "€1,234,567.50"),
        ("999", "sv", "999\u00a0€"),
        ("-4200", "en", "-€4,200"),
        ("0", "fi", "0\u00a0€"),
    ],
)
def test_money_is_written_for_the_page_language(value: str, lang: str, text: str) -> None:
    assert format_money(Decimal(value), "EUR", lang) == text


@pytest.mark.parametrize("lang", LANGS)
def test_a70870_shows_its_amount_status_participants_and_classifications(
    client, published, records, lang: str
) -> None:
    record = next(r for r in records if r.get("code") == "A70870")
    ((label, written),) = record["budget"].items()  # {"eu_ja_valtio_myr_2015": "250.000 €"}
    page = tables(client, "/project/A70870", lang)
    amount = page.tables["amounts"][1:]
    assert len(amount) == 1
    value, meaning, year, _basis, source = amount[0]
    assert value == expected_money(money_as_written(written), lang) == {
        "fi": "250\u00a0000\u00a0€", "sv": "250\u00a0000\u00a0€", "en": "€250,000"
    }[lang]  # fmt: skip
    assert (meaning, year) == (ENDORSED[lang], label.rsplit("_", 1)[1])
    assert page.links["amounts"][1][-1] == record["budget_source"]
    assert source != ""
    assert [row[0] for row in page.tables["statuses"][1:]] == [record["status"]]
    participants = {row[0]: row[1] for row in page.tables["participants"][1:]}
    assert participants[record["applicant"]["name"]] == APPLICANT[lang]
    assert record["vastuuviranomainen"] in participants
    # Each classification of the project in the graph, with its basis, labelled as a classification.
    store = published.store
    project = ox.NamedNode(BASE + "project/A70870")
    classified = {  # a set: the store's default graph repeats each named graph's triples
        q.subject for q in store.quads_for_pattern(None, ox.NamedNode(SMH + "classifiedProject"), project)
    }
    shown = [t for name, t in page.tables.items() if name == "classification"]
    assert len(classified) == 2 and len(shown) == 1
    has_basis = ox.NamedNode(SMH + "basis")
    basis = {q.object.value for c in classified for q in store.quads_for_pattern(c, has_basis, None)}
    shown_basis = {cell for row in page.tables["classification"] for cell in row[1:] if "'circular'" in cell}
    assert shown_basis and all(any(b in cell for b in basis) for cell in shown_basis)


def test_every_plain_amount_of_the_records_is_on_its_project_page(client, published, records) -> None:
    checked = 0
    for record in records:
        plain = [v for v in map(money_as_written, (record.get("budget") or {}).values()) if v is not None]
        if not plain:
            continue
        page = tables(client, project_path(published, record), "fi")
        shown = Counter(row[0] for row in page.tables["amounts"][1:])
        wanted = Counter(expected_money(v, "fi") for v in plain)
        assert wanted <= shown, (record["name"], shown)
        if record.get("status"):
            assert [row[0] for row in page.tables["statuses"][1:]] == [record["status"]], record["name"]
        checked += 1
    assert checked >= 30  # both batches' plain amounts (a count, not a timing)


@pytest.mark.parametrize("lang", ("fi", "sv"))
def test_an_organisation_page_lists_its_projects_with_roles_and_amounts(
    client, published, records, lang: str
) -> None:
    business_id = "2617489-3"  # Hämeen ammattikorkeakoulu Oy, as every record with its applicant gives it
    applicant = {
        project_path(published, r) for r in records if (r["applicant"] or {}).get("y_tunnus") == business_id
    }
    partner = {
        project_path(published, r)
        for r in records
        if any(p.get("y_tunnus") == business_id for p in r.get("partners") or [])
    }
    page = tables(client, "/organisation/hameen-ammattikorkeakoulu-oy", lang)
    rows = page.tables["organisation-projects"][1:]
    roles = {
        links[0]: row[1] for row, links in zip(rows, page.links["organisation-projects"][1:], strict=True)
    }
    assert len(applicant) == 7 and len(partner) == 2  # counted in the records (y_tunnus)
    assert applicant | partner <= roles.keys()
    assert all(APPLICANT[lang] in roles[p] for p in applicant)
    assert all(PARTNER[lang] in roles[p] for p in partner)
    a70870 = next(row for row in rows if row[0] == "Alueelliset järkivihreät innovaatiot")
    assert a70870[2] == "2015-06-01–2018-10-31"
    assert expected_money(Decimal(250000), lang) in a70870[4] and "2015" in a70870[4]


def sums_by_lookup(store: ox.Store, spearhead: str) -> dict[tuple[str, str], tuple[Decimal, int]]:
    """(amount meaning, year) -> (sum, projects) over the projects that contribute to ``spearhead``."""
    p = {n: ox.NamedNode(SMH + n) for n in ("contributesTo", "amount", "amountType", "year")}
    value = ox.NamedNode("http://schema.org/value")
    projects = {q.subject for q in store.quads_for_pattern(None, p["contributesTo"], ox.NamedNode(spearhead))}
    out: dict[tuple[str, str], tuple[Decimal, set]] = {}
    seen = set()
    for project in projects:
        for a in {q.object for q in store.quads_for_pattern(project, p["amount"], None)}:
            if (project, a) in seen:
                continue
            seen.add((project, a))
            kinds = {q.object.value for q in store.quads_for_pattern(a, p["amountType"], None)}
            values = {Decimal(q.object.value) for q in store.quads_for_pattern(a, value, None)}
            years = {q.object.value for q in store.quads_for_pattern(a, p["year"], None)} or {""}
            if len(kinds) == len(values) == len(years) == 1:
                key = (kinds.pop(), years.pop())
                total, who = out.get(key, (Decimal(0), set()))
                out[key] = (total + values.pop(), who | {project})
    return {k: (v, len(who)) for k, (v, who) in out.items()}


def test_a_spearhead_page_sums_per_meaning_and_year_under_both_strategies(client, published) -> None:
    spearhead = BASE + "concept/spearheads/circular-economy"
    tavastia = BASE + "concept/smart-tavastia-spearheads/luonnonvarojen-kestava-kaytto"
    response = client.get("/concept/spearheads/circular-economy?lang=en", headers={"Accept": "text/html"})
    sections = response.text.split('<section class="spearhead-part">')[1:]
    assert len(sections) >= 2  # its own projects, and those of the Smart Tavastia spearhead mapped to it
    assert 'href="/concept/smart-tavastia-spearheads/luonnonvarojen-kestava-kaytto"' in sections[1]
    endorsed = BASE + "concept/amount-types/eu-and-state-funding-endorsed"
    for html, iri in ((sections[0], spearhead), (sections[1], tavastia)):
        parser = _Tables()
        parser.feed(html)
        shown = {(row[0], row[1]): (row[2], int(row[3])) for row in parser.tables["sums"][1:]}
        expected = sums_by_lookup(published.store, iri)
        endorsed_years = {y: v for (k, y), v in expected.items() if k == endorsed}
        assert endorsed_years, iri
        for year, (total, n) in endorsed_years.items():
            assert shown[(ENDORSED["en"], year or "–")] == (expected_money(total, "en"), n), (iri, year)
        assert len(shown) == len(expected)
        per_year = {row[0]: int(row[1]) for row in parser.tables["projects-per-year"][1:]}
        contributes = ox.NamedNode(SMH + "contributesTo")
        contributing = {
            q.subject for q in published.store.quads_for_pattern(None, contributes, ox.NamedNode(iri))
        }
        assert sum(per_year.values()) == len(contributing)
    first = _Tables()
    first.feed(sections[0])
    assert (
        dict(((r[0], r[1]), r[2]) for r in first.tables["sums"][1:])[(ENDORSED["en"], "2015")] == "€250,000"
    )
