"""The dashboard's saved queries and data routes, checked against facts worked out independently.

As in ``test_query_answers``: expected answers come from the source records (``../shared``) where the
records state them, and otherwise from a second formulation in plain Python over the published store's
quads (no SPARQL) for what rests on this graph's own curation (classification, mappings). Never a
snapshot of the query's own output.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from itertools import combinations

import pytest
from test_query_answers import (
    BASE,
    DCT,
    ENDORSED,
    RDF_TYPE,
    SKOS,
    SMH,
    Facts,
    endorsed_by_year_and_fund,
    real,  # noqa: F401, F811 - the fixture: both batches of source records
    rows,
    short,
)

from server.publish import network

GROUPINGS = ("theme", "in-force", "choice", "fund")
KUNTA = "http://uri.suomi.fi/codelist/jhs/kunta_1_20230101/code/"
REGION = "http://data.europa.eu/nuts/code/FI1C2"
MATCHES = tuple(SKOS + m for m in ("exactMatch", "closeMatch", "narrowMatch", "broadMatch", "relatedMatch"))


@pytest.fixture(scope="module")
def facts(published) -> Facts:
    return Facts(published.store)


def groups_of(facts: Facts, project: str, grouping: str) -> set[str]:
    """The groups a project belongs to under ``grouping``, worked out from the quads."""
    named = facts.objects(project, SMH + "contributesTo")
    if grouping == "theme":
        return named & facts.spearheads()
    if grouping == "choice":
        above = set().union(*(facts.objects(c, SKOS + "broader") for c in named)) if named else set()
        return (named | above) & facts.subjects(RDF_TYPE, SMH + "StrategicChoice")
    if grouping == "fund":
        concept = facts.fund(project)
        return {concept} if concept else facts.objects(project, SMH + "fund")
    # in force: what the classifications made against the strategy in force say, where there are any...
    in_force = BASE + "concept/classification-kinds/in-force"
    stated = [
        c
        for c in facts.subjects(SMH + "classifiedProject", project)
        if in_force in facts.objects(c, SMH + "classificationKind")
    ]
    in_schemes = {
        c
        for c in named
        if any(facts.subjects(SMH + "spearheadScheme", s) for s in facts.objects(c, SKOS + "inScheme"))
    }
    if stated:
        return set().union(*(facts.objects(c, SMH + "spearhead") for c in stated)) & in_schemes
    # ... else the spearheads of the earliest strategy the project is classified under
    strategy_of = {}
    for concept in named:
        for scheme in facts.objects(concept, SKOS + "inScheme"):
            for strategy in facts.subjects(SMH + "spearheadScheme", scheme):
                strategy_of[concept] = strategy
    strategies = set(strategy_of.values())

    def earlier(s: str) -> set[str]:
        out, todo = set(), list(facts.objects(s, SMH + "precededBy"))
        while todo:
            e = todo.pop()
            if e not in out:
                out.add(e)
                todo += facts.objects(e, SMH + "precededBy")
        return out

    return {c for c, s in strategy_of.items() if not earlier(s) & strategies}


@pytest.mark.parametrize("grouping", GROUPINGS)
def test_funding_by_group_and_year_matches_a_second_formulation(client, facts, grouping: str) -> None:
    expected: dict[tuple[str, str], list] = defaultdict(lambda: [set(), Decimal(0)])
    for project in facts.projects():
        for group in groups_of(facts, project, grouping):
            for year, kind, value in facts.amounts(project):
                if kind == ENDORSED and year:
                    expected[(group, year)][0].add(project)
                    expected[(group, year)][1] += value
    got = {
        (r["group"], r["year"]): (int(r["projects"]), Decimal(r["total_eur"]))
        for r in rows(client, "funding-by-group-and-year", grouping=grouping)
    }
    assert got == {k: (len(p), total) for k, (p, total) in expected.items()}


def test_funding_by_fund_and_year_matches_the_endorsements_in_the_source_records(client, real) -> None:  # noqa: F811
    got = {
        (r["year"], short(r["group"])): (int(r["projects"]), Decimal(r["total_eur"]))
        for r in rows(client, "funding-by-group-and-year", grouping="fund")
    }
    assert got == endorsed_by_year_and_fund(real["projects"])


@pytest.mark.parametrize("grouping", GROUPINGS)
def test_projects_by_group_and_start_year(client, facts, grouping: str) -> None:
    expected: dict[tuple[str, str], set[str]] = defaultdict(set)
    for project in facts.projects():
        start = facts.one(project, SMH + "plannedStart")
        for group in groups_of(facts, project, grouping) if start else ():
            expected[(group, start[:4])].add(project)
    got = {
        (r["group"], r["year"]): int(r["projects"])
        for r in rows(client, "projects-by-group-and-year", grouping=grouping)
    }
    assert got == {k: len(v) for k, v in expected.items()}


@pytest.mark.parametrize("grouping", GROUPINGS)
def test_group_coverage_counts_the_selection_and_each_group(client, facts, grouping: str) -> None:
    members: dict[str | None, set[str]] = defaultdict(set)
    for project in facts.projects():
        for group in groups_of(facts, project, grouping):
            members[group].add(project)
            members[None].add(project)

    def counts(projects: set[str]) -> tuple[int, int, int, int]:
        amounts = {p: [a for a in facts.amounts(p) if a[1] == ENDORSED] for p in projects}
        return (
            len(projects),
            sum(1 for p in projects if amounts[p]),
            sum(1 for p in projects if any(year for year, _, _ in amounts[p])),
            sum(1 for p in projects if facts.one(p, SMH + "plannedStart")),
        )

    got = {
        r.get("group"): (
            int(r["projects"]),
            int(r["projects_with_amount"]),
            int(r["projects_with_dated_amount"]),
            int(r["projects_with_start"]),
        )
        for r in rows(client, "group-coverage", grouping=grouping)
    }
    assert got == {g: counts(p) for g, p in members.items()}


def test_strategy_flow_nodes_and_mappings(client, facts) -> None:
    tavastia = facts.subjects(SKOS + "inScheme", BASE + "scheme/smart-tavastia-spearheads")
    spearheads = facts.spearheads()
    got = rows(client, "strategy-flow", lang="en")
    nodes = {
        r["source"]: (int(r["projects"]), Decimal(r["total_eur"])) for r in got if r["kind"] == "spearhead"
    }

    def node(concept: str) -> tuple[int, Decimal]:
        projects = facts.subjects(SMH + "contributesTo", concept)
        total = sum((v for p in projects for _, kind, v in facts.amounts(p) if kind == ENDORSED), Decimal(0))
        return len(projects), total

    assert nodes == {c: node(c) for c in tavastia | spearheads}
    mappings = {
        (r["source"], r["relation"], r["target"]): int(r["projects"]) for r in got if r["kind"] == "mapping"
    }
    expected = {
        (s, m.split("#")[1], t): len(
            facts.subjects(SMH + "contributesTo", s) & facts.subjects(SMH + "contributesTo", t)
        )
        for s in tavastia
        for m in MATCHES
        for t in facts.objects(s, m) & spearheads
    }
    assert mappings == expected and len(expected) >= 5  # the five mappings of data/strategy.ttl


def test_projects_by_area_keeps_the_region_apart(client, facts) -> None:
    got = {
        r["area"]: (r["kind"], int(r["projects"]), int(r["projects_with_amount"]))
        for r in rows(client, "projects-by-area")
    }
    expected: dict[str, set[str]] = defaultdict(set)
    for project in facts.projects():
        areas = facts.objects(project, DCT + "spatial")
        municipal = {a for a in areas if a.startswith(KUNTA)}
        for area in areas:
            if area.startswith(KUNTA) or not municipal:
                expected[area].add(project)
    assert {a: n for a, (_, n, _) in got.items()} == {a: len(p) for a, p in expected.items()}
    assert got[REGION][0] == "region" and got[KUNTA + "061"][0] == "municipality"
    for area, projects in expected.items():
        funded = sum(1 for p in projects if any(k == ENDORSED for _, k, _ in facts.amounts(p)))
        assert got[area][2] == funded, area


def test_organisation_network_rows_are_the_participations(client, facts) -> None:
    def pairs(**params: str) -> set[tuple[str, str]]:
        return {
            (r["organisation"], p)
            for r in rows(client, "organisation-network", **params)
            for p in r["projects"].split()
        }

    assert pairs() == {(o, p) for p in facts.projects() for o in facts.participants(p)}
    circular = BASE + "concept/spearheads/circular-economy"
    assert pairs(spearhead=circular) == {
        (o, p) for p in facts.subjects(SMH + "contributesTo", circular) for o in facts.participants(p)
    }
    assert {p for _, p in pairs(period="2007–2013")} == {
        p
        for p in facts.projects()
        if (facts.one(p, SMH + "programmePeriod") or "").startswith("2007–2013") and facts.participants(p)
    }
    themes = {
        r["organisation"]: set(r.get("spearheads", "").split()) for r in rows(client, "organisation-network")
    }
    for org, spearheads in themes.items():
        projects = facts.subjects(SMH + "applicant", org) | facts.subjects(SMH + "partner", org)
        projects |= facts.subjects(SMH + "subsidyRecipient", org)
        assert spearheads == set().union(
            *(facts.objects(p, SMH + "contributesTo") & facts.spearheads() for p in projects)
        )


def test_network_route_computes_degree_and_spearheads_per_organisation(client, facts) -> None:
    net = client.get("/dashboard/network.json").json()
    partners: dict[str, set[str]] = defaultdict(set)
    projects: dict[str, set[str]] = defaultdict(set)
    themes: dict[str, set[str]] = defaultdict(set)
    for p in facts.projects():
        members = facts.participants(p)
        for o in members:
            projects[o].add(p)
            themes[o] |= facts.objects(p, SMH + "contributesTo") & facts.spearheads()
        for a, b in combinations(members, 2):
            partners[a].add(b)
            partners[b].add(a)
    got = {
        o["organisation"]: (o["projects"], o["degree"], o["spearhead_count"], o["bridge"])
        for o in net["organisations"]
    }
    assert got == {
        o: (len(projects[o]), len(partners[o]), len(themes[o]), len(themes[o]) >= 2) for o in projects
    }
    assert net["counts"]["edges"] == sum(len(v) for v in partners.values()) // 2
    assert all(o["betweenness"] == 0 for o in net["organisations"] if o["degree"] <= 1)


def test_betweenness_and_bridges_on_a_small_network() -> None:
    rows_ = [
        network.Participation("a", "A", None, "p1", frozenset({"s1"})),
        network.Participation("b", "B", None, "p1", frozenset({"s1"})),
        network.Participation("b", "B", None, "p2", frozenset({"s2"})),
        network.Participation("c", "C", None, "p2", frozenset({"s2"})),
    ]
    net = network.build_network(rows_, max_nodes=2)
    by = {o["organisation"]: o for o in net["organisations"]}
    assert (by["b"]["betweenness"], by["a"]["betweenness"]) == (1.0, 0.0)  # every a-c path passes b
    assert (by["b"]["bridge"], by["a"]["bridge"], by["b"]["degree"]) == (True, False, 2)
    assert [n["organisation"] for n in net["nodes"]] == ["b", "a"]  # two drawn: most projects first
    assert net["edges"] == [{"source": "a", "target": "b", "shared_projects": 1}]
    assert net["counts"] == {
        "organisations": 3,
        "projects": 2,
        "edges": 2,
        "drawn_nodes": 2,
        "drawn_edges": 1,
        "bridges": 1,
    }


def explorer_projects(client, **params: str) -> set[str]:
    return {r["project"] for r in rows(client, "project-explorer", **params)}


def test_project_explorer_filters_match_a_second_formulation(client, facts) -> None:
    everything = facts.projects()
    assert explorer_projects(client) == everything
    erdf = BASE + "concept/funds/erdf-2014-2020"
    assert explorer_projects(client, fund=erdf) == {p for p in everything if facts.fund(p) == erdf}
    forssa = KUNTA + "061"
    assert explorer_projects(client, area=forssa, period="2014–2020") == {
        p
        for p in everything
        if forssa in facts.objects(p, DCT + "spatial")
        and (facts.one(p, SMH + "programmePeriod") or "").startswith("2014–2020")
    }
    words = {
        p: " ".join(
            facts.objects(p, SKOS + "prefLabel")
            | facts.objects(p, DCT + "title")
            | facts.objects(p, DCT + "description")
        )
        for p in everything
    }
    assert explorer_projects(client, text="KIERTO") == {p for p, w in words.items() if "kierto" in w.lower()}
    hamk = BASE + "organisation/hameen-ammattikorkeakoulu-oy"
    assert explorer_projects(client, organisation=hamk) == {
        p for p in everything if hamk in facts.participants(p)
    }
    rdi = BASE + "concept/strategic-choices/sustainable-growth-rdi"
    assert explorer_projects(client, choice=rdi) == {
        p for p in everything if rdi in groups_of(facts, p, "choice")
    }
    ended = {
        p
        for p in everything
        if any(
            facts.objects(s, SMH + "statusValue") & {"Toiminta päättynyt"}
            for s in facts.objects(p, SMH + "status")
        )
    }
    assert explorer_projects(client, status="Toiminta päättynyt") == ended
    amounts = {
        r["project"]: Decimal(r["amount_eur"]) for r in rows(client, "project-explorer") if "amount_eur" in r
    }
    assert amounts == {
        p: sum(v for _, k, v in facts.amounts(p) if k == ENDORSED)
        for p in everything
        if any(k == ENDORSED for _, k, _ in facts.amounts(p))
    }


def test_facet_values_count_the_projects_of_each_value(client, facts) -> None:
    got = {
        (r["facet"], r["value"]): int(r["projects"]) for r in rows(client, "project-facet-values", lang="sv")
    }
    funds: dict[str, int] = defaultdict(int)
    for p in facts.projects():
        for f in groups_of(facts, p, "fund"):
            funds[f] += 1
    assert {v: n for (f, v), n in got.items() if f == "fund"} == funds
    areas = {v: n for (f, v), n in got.items() if f == "area"}
    assert areas[KUNTA + "061"] == len(facts.subjects(DCT + "spatial", KUNTA + "061"))


def test_projects_route_pages_sorts_and_counts_facets(client, facts) -> None:
    first = client.get("/dashboard/projects.json", params={"sort": "-amount", "size": "5"}).json()
    everything = facts.projects()
    assert first["total"] == len(everything) and first["pages"] == -(-len(everything) // 5)
    amounts = [p["amount_eur"] for p in first["projects"]]
    assert amounts == sorted(amounts, reverse=True) and len(amounts) == 5
    erdf = BASE + "concept/funds/erdf-2014-2020"
    assert {e["value"]: e["projects"] for e in first["facets"]["fund"]}[erdf] == sum(
        1 for p in everything if facts.fund(p) == erdf
    )
    narrowed = client.get("/dashboard/projects.json", params={"fund": erdf, "size": "200"}).json()
    assert {p["project"] for p in narrowed["projects"]} == {p for p in everything if facts.fund(p) == erdf}
    assert [e["value"] for e in narrowed["facets"]["fund"]] == [erdf]
    bad = client.get("/dashboard/projects.json", params={"sort": "colour"})
    assert bad.status_code == 400 and bad.json()["error"] == "BadParameter"


def test_dashboard_page_languages_security_policy_and_missing_assets(client, monkeypatch) -> None:
    from server.web.routes import dashboard

    for lang, word in (("fi", "Kojelauta"), ("sv", "Instrumentpanel"), ("en", "Dashboard")):
        page = client.get("/dashboard", params={"lang": lang})
        assert page.status_code == 200 and f"<h1>{word}</h1>" in page.text
        assert page.headers["content-security-policy"] == "default-src 'self'"
        assert "<style" not in page.text and " style=" not in page.text
        assert page.text.count("<script") == page.text.count("<script src=") + 1  # and the JSON config block
    client.cookies.clear()  # the ?lang= switch is remembered; the session's client is shared
    assert '<html lang="sv">' in client.get("/dashboard", headers={"accept-language": "sv-FI,sv;q=0.9"}).text
    monkeypatch.setattr(dashboard, "_assets_installed", lambda settings: True)
    assert 'id="no-assets"' not in client.get("/dashboard").text
    monkeypatch.setattr(dashboard, "_assets_installed", lambda settings: False)
    page = client.get("/dashboard", params={"lang": "en"}).text
    assert 'id="no-assets"' in page and "make assets" in page and "echarts.min.js" not in page
    assert '<a href="/dashboard">Dashboard</a>' in client.get("/ontology", params={"lang": "en"}).text
    client.cookies.clear()


def test_the_map_file_is_built_from_the_national_boundaries_with_the_attribution(shared_dir) -> None:
    import json
    import subprocess
    import sys

    from server.settings import PROJECT_ROOT

    script = PROJECT_ROOT / "scripts" / "build_map.py"
    check = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr  # the committed file is what the script builds
    shipped = json.loads(
        (PROJECT_ROOT / "server/web/static/geo/kanta-hame-2023.geojson").read_text(encoding="utf-8")
    )
    assert [f["properties"]["code"] for f in shipped["features"]] == [
        "061",
        "082",
        "086",
        "103",
        "109",
        "165",
        "169",
        "433",
        "694",
        "834",
        "981",
    ]
    assert all(
        "Maanmittauslaitos" in text and "CC BY 4.0" in text for text in shipped["attribution"].values()
    )
    national = json.loads((shared_dir / "reference/geo/kuntarajat-2023.geojson").read_text(encoding="utf-8"))
    names = {f["properties"]["NATCODE"]: f["properties"]["NAMEFIN"] for f in national["features"]}
    assert {f["properties"]["code"]: f["properties"]["name"] for f in shipped["features"]} == {
        c: names[c] for c in (f["properties"]["code"] for f in shipped["features"])
    }


def test_facet_counts_within_a_selection(client, facts) -> None:
    erdf = BASE + "concept/funds/erdf-2014-2020"
    selected = {p for p in facts.projects() if facts.fund(p) == erdf}
    got = {
        (r["facet"], r["value"]): int(r["projects"]) for r in rows(client, "project-facet-counts", fund=erdf)
    }
    assert {v for (f, v) in got if f == "fund"} == {erdf} and got[("fund", erdf)] == len(selected)
    areas: dict[str, int] = defaultdict(int)
    organisations: dict[str, int] = defaultdict(int)
    for p in selected:
        for a in facts.objects(p, DCT + "spatial"):
            areas[a] += 1
        for o in facts.participants(p):
            organisations[o] += 1
    assert {v: n for (f, v), n in got.items() if f == "area"} == areas
    assert {v: n for (f, v), n in got.items() if f == "organisation"} == organisations


def test_strategy_in_force_is_the_earliest_strategy_a_project_is_classified_under() -> None:
    """On a small graph: a project classified under both strategies counts under the earlier one only."""
    import pyoxigraph as ox

    from server.graph.vocabulary import prefixes
    from server.settings import PROJECT_ROOT
    from server.sparql.query_files import load_saved_query

    ex = "http://example.org/"
    n = ox.NamedNode
    triples = [
        (n(ex + "new"), n(SMH + "precededBy"), n(ex + "old")),
        (n(ex + "new"), n(SMH + "spearheadScheme"), n(ex + "new-scheme")),
        (n(ex + "old"), n(SMH + "spearheadScheme"), n(ex + "old-scheme")),
        (n(ex + "c-new"), n(SKOS + "inScheme"), n(ex + "new-scheme")),
        (n(ex + "c-old"), n(SKOS + "inScheme"), n(ex + "old-scheme")),
        (n(ex + "c-new"), n(SKOS + "notation"), ox.Literal("1")),
        (n(ex + "c-old"), n(SKOS + "notation"), ox.Literal("1")),
        (n(ex + "both"), n(SMH + "contributesTo"), n(ex + "c-new")),
        (n(ex + "both"), n(SMH + "contributesTo"), n(ex + "c-old")),
        (n(ex + "new-only"), n(SMH + "contributesTo"), n(ex + "c-new")),
        # Classifications that say they were made against the strategy in force win over the structure:
        # "stated" is under both strategies but its in-force one is the new; "unplaced" was not classifiable.
        (n(ex + "stated"), n(SMH + "contributesTo"), n(ex + "c-new")),
        (n(ex + "stated"), n(SMH + "contributesTo"), n(ex + "c-old")),
        (n(ex + "stated/in-force"), n(SMH + "classifiedProject"), n(ex + "stated")),
        (
            n(ex + "stated/in-force"),
            n(SMH + "classificationKind"),
            n(BASE + "concept/classification-kinds/in-force"),
        ),
        (n(ex + "stated/in-force"), n(SMH + "spearhead"), n(ex + "c-new")),
        (n(ex + "unplaced"), n(SMH + "contributesTo"), n(ex + "c-new")),
        (n(ex + "unplaced/in-force"), n(SMH + "classifiedProject"), n(ex + "unplaced")),
        (
            n(ex + "unplaced/in-force"),
            n(SMH + "classificationKind"),
            n(BASE + "concept/classification-kinds/in-force"),
        ),
    ]
    for project, value in (("both", "100"), ("new-only", "20"), ("stated", "3"), ("unplaced", "4000")):
        amount = n(ex + project + "/amount")
        triples += [
            (n(ex + project), n(SMH + "amount"), amount),
            (amount, n(SMH + "amountType"), n(ENDORSED)),
            (
                amount,
                n("http://schema.org/value"),
                ox.Literal(value, datatype=n("http://www.w3.org/2001/XMLSchema#decimal")),
            ),
            (
                amount,
                n(SMH + "year"),
                ox.Literal("2016", datatype=n("http://www.w3.org/2001/XMLSchema#gYear")),
            ),
        ]
    store = ox.Store()
    store.extend(ox.Quad(*t, ox.DefaultGraph()) for t in triples)
    query = load_saved_query(PROJECT_ROOT / "queries" / "funding-by-group-and-year.rq", prefixes(BASE))
    bound = query.bind({"grouping": "in-force"}, prefixes(BASE))
    result = store.query(query.text, substitutions={ox.Variable(k): v for k, v in bound.items()})
    got = {
        (r["group"].value, r["strategy"].value, int(r["projects"].value), r["total_eur"].value)
        for r in result
    }
    assert got == {(ex + "c-old", ex + "old", 1, "100"), (ex + "c-new", ex + "new", 2, "23")}


def test_organisations_straight_from_the_rows_are_those_of_the_participations(client) -> None:
    """The network route gathers organisations from the query's rows directly; the same as going through
    one Participation per project."""
    bindings = client.get("/queries/organisation-network.json").json()["results"]["bindings"]
    direct = network.organisations_of(bindings)
    through = network.organisations(network.participations(bindings))
    assert len(direct) > 40
    assert {k: (o.name, o.type_label, o.projects, o.spearheads) for k, o in direct.items()} == {
        k: (o.name, o.type_label, o.projects, o.spearheads) for k, o in through.items()
    }
