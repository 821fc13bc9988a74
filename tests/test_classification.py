"""The classification over time: every project against the strategy in force when it ran and by Smart Häme
theme, editorial decisions the rules never overturn, and the rules' own behaviour on small cases.

Expectations about periods are computed from the source records (../shared/reference, skipped where
absent); those about the editorial layer from data/editorial/classification-decisions.csv.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from server.graph.classification import rules
from server.graph.classification.build import classify
from server.graph.classification.editorial import EditorialError, read_decisions
from server.graph.classification.facts import ProjectFacts
from server.graph.classification.rules import Mapping
from server.graph.loading import bundled_sources, load_sources
from server.graph.records.codes import project_id
from server.settings import PROJECT_ROOT, Settings

BASE = "https://w3id.org/smart-hame/"
SMH = BASE + "ontology/"
KIND = BASE + "concept/classification-kinds/"
EDITORIAL = PROJECT_ROOT / "data" / "editorial" / "classification-decisions.csv"
REFERENCE = PROJECT_ROOT.parent / "shared" / "reference"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SPEARHEADS = ("circular-economy", "sustainable-food-system", "smart-services-and-production", "design")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    st = ox.Store()
    st.extend(load_sources(bundled_sources(Settings())))
    return st


def values(store: ox.Store, s: str | None, p: str, o: str | None = None) -> list:
    found = store.quads_for_pattern(
        ox.NamedNode(s) if s else None, ox.NamedNode(p), ox.NamedNode(o) if o else None, None
    )
    return list(found)


def classifications(store: ox.Store) -> dict[str, dict[str, list[str]]]:
    """project -> kind -> its classifications of that kind."""
    out: dict[str, dict[str, list[str]]] = {}
    for q in values(store, None, SMH + "classifiedProject"):
        kinds = [k.object.value for k in values(store, q.subject.value, SMH + "classificationKind")]
        assert len(kinds) == 1, q.subject.value
        out.setdefault(q.object.value, {}).setdefault(kinds[0][len(KIND) :], []).append(q.subject.value)
    return out


def concepts_of(store: ox.Store, c: str) -> set[str]:
    return {
        q.object.value
        for p in ("spearhead", "strategicChoice", "programmeLine")
        for q in values(store, c, SMH + p)
    }


def test_every_project_has_one_in_force_and_one_theme_outcome(store: ox.Store) -> None:
    projects = {q.subject.value for q in values(store, None, RDF_TYPE, SMH + "Project")}
    by_project = classifications(store)
    assert len(projects) >= 155 and set(by_project) == projects
    for project, kinds in by_project.items():
        assert len(kinds["in-force"]) == 1 and len(kinds["theme"]) == 1, project
        for c in kinds["in-force"] + kinds["theme"]:
            reasons = values(store, c, SMH + "notClassifiableBecause")
            # Either it assigns concepts, or it is a not-classifiable record that says why.
            assert bool(concepts_of(store, c)) != bool(reasons), c
            not_classifiable = values(
                store, c, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", SMH + "NotClassifiable"
            )
            assert bool(not_classifiable) == bool(reasons), c


def expected_strategy(record: dict) -> str | None:
    """The strategy in force at the record's planned start (a second reading of periods.py's rule)."""
    start = record.get("start") or ""
    if len(start) < 10:
        return "unknown"
    if start < "2014-01-01":
        return None
    return "smart-tavastia" if start < "2021-11-29" else "smart-hame"


def test_in_force_strategy_follows_the_planned_start(store: ox.Store) -> None:
    if not REFERENCE.is_dir():
        pytest.skip("../shared/reference is absent")
    by_project = classifications(store)
    checked = {None: 0, "smart-tavastia": 0, "smart-hame": 0}
    for batch in ("real-data", "real-data-2"):
        for record in json.loads((REFERENCE / batch / "projects.json").read_text(encoding="utf-8")):
            expected = expected_strategy(record)
            if expected == "unknown":
                continue
            c = by_project[f"{BASE}project/{project_id(record)}"]["in-force"][0]
            got = [q.object.value.rsplit("/", 1)[-1] for q in values(store, c, SMH + "strategy")]
            assert got == ([expected] if expected else []), (record["name"], got)
            checked[expected] += 1
    assert min(checked.values()) >= 5, checked


def test_every_smart_hame_spearhead_has_projects_by_theme(store: ox.Store) -> None:
    by_project = classifications(store)
    for slug in SPEARHEADS:
        spearhead = f"{BASE}concept/spearheads/{slug}"
        themed = {
            p for p, kinds in by_project.items() for c in kinds["theme"] if spearhead in concepts_of(store, c)
        }
        assert themed, slug
        assert themed <= {q.subject.value for q in values(store, None, SMH + "contributesTo", spearhead)}


def test_themes_derived_from_smart_tavastia_follow_the_published_mappings(store: ox.Store) -> None:
    derived = 0
    for q in values(store, None, SMH + "classificationKind", KIND + "theme"):
        sources = {
            s.object.value for s in values(store, q.subject.value, "http://www.w3.org/ns/prov#wasDerivedFrom")
        }
        mappings = {s for s in sources if s.startswith(BASE + "mapping/")}
        if not mappings:
            continue
        derived += 1
        in_force = next(s for s in sources if s.endswith("/in-force"))
        targets = {
            o.object.value
            for m in mappings
            for o in values(store, m, "http://www.w3.org/1999/02/22-rdf-syntax-ns#object")
        }
        starts = {
            o.object.value
            for m in mappings
            for o in values(store, m, "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject")
        }
        assert concepts_of(store, q.subject.value) <= targets, q.subject.value
        assert starts <= concepts_of(store, in_force), q.subject.value
    assert derived >= 20


def test_editorial_decisions_override_the_rules_and_name_their_editor(store: ox.Store) -> None:
    with EDITORIAL.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows, "the editorial layer holds decisions"
    by_project = classifications(store)
    for row in rows:
        project, concept = f"{BASE}project/{row['project']}", f"{BASE}concept/{row['concept']}"
        editorial = by_project[project]["editorial"]
        agents = {
            q.object.value
            for c in editorial
            for q in values(store, c, "http://www.w3.org/ns/prov#wasAttributedTo")
        }
        assert f"{BASE}agent/{row['editor']}" in agents
        contributes = bool(values(store, project, SMH + "contributesTo", concept))
        if row["decision"] == "include":
            assert contributes and any(concept in concepts_of(store, c) for c in editorial), row
        else:
            assert not contributes, row
            assert any(values(store, c, SMH + "rejects", concept) for c in editorial), row
            rules_made = by_project[project]["in-force"] + by_project[project]["theme"]
            assert all(concept not in concepts_of(store, c) for c in rules_made), row
    editor = values(store, f"{BASE}agent/graph-editor", "http://www.w3.org/2000/01/rdf-schema#label")
    assert {q.object.language for q in editor} == {"fi", "sv", "en"}
    assert not values(store, f"{BASE}agent/graph-editor", "http://xmlns.com/foaf/0.1/name")


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("nope,spearheads/design,include,why,2026-12-01,graph-editor", "no project/nope"),
        ("P1,spearheads/nope,include,why,2026-12-01,graph-editor", "no concept/spearheads/nope"),
        ("P1,spearheads/design,maybe,why,2026-12-01,graph-editor", "decision must be include or exclude"),
        ("P1,spearheads/design,include,why,1.12.2026,graph-editor", "date must be yyyy-mm-dd"),
        ("P1,spearheads/design,include,why,2026-12-01,Matti Meikäläinen", "a public role"),
        ("P1,spearheads/design,include, ,2026-12-01,graph-editor", "give the reason"),
    ],
)
def test_a_bad_editorial_row_names_file_and_line(tmp_path: Path, row: str, problem: str) -> None:
    path = tmp_path / "decisions.csv"
    path.write_text("project,concept,decision,reason,date,editor\n" + row + "\n", encoding="utf-8")
    with pytest.raises(EditorialError) as e:
        read_decisions(path, {"P1"}, {"spearheads/design"})
    assert e.value.message.startswith(f"{path}:2: ") and problem in e.value.message


# --- the rules on small cases
# ---------------------------------------------------------------------------------


def facts(name: str, summary: str = "", **more: object) -> ProjectFacts:
    return ProjectFacts("T", name, summary or None, **more)  # type: ignore[arg-type]


def theme(f: ProjectFacts, mappings: dict[str, list[Mapping]] | None = None) -> set[str]:
    result = classify([f], mappings or {}, profiles=False)["T"]
    return {c.rsplit("/", 1)[-1] for c in result.theme.concepts()}


@pytest.mark.parametrize(
    ("name", "summary", "expected"),
    [
        ("Hämeen malli", "Re-designing work-trial processes", set()),  # not design after "re-"
        ("Palvelumuotoilu kylissä", "", {"design"}),  # a Finnish compound holds the stem
        ("Mosaiikki", "Immigrant work in Hyvinkää and Nurmijärvi", set()),  # a place name is no lake
        ("Lakeland Finland", "Tourism cooperation", set()),
        ("Tavastia Blueways", "Water-tourism routes on lakes", set()),  # nature as a tourism setting
        ("Vesistökunnostus", "Restoration of lakes", {"circular-economy"}),
        (
            "HITU",
            "Mapping climate-change risks for rural areas",
            set(),
        ),  # adaptation, not the circular economy
        ("Hämeen ilmastovahti", "Climate actions of municipalities", {"circular-economy"}),
        ("Tuotannon digitalisaatio", "Digital tools for SME production", {"smart-services-and-production"}),
        (
            "Digitaalinen oppiminen",
            "Digital learning objects for teachers",
            set(),
        ),  # technology without business
    ],
)
def test_stems_start_words_and_weak_stems_yield_to_the_setting(
    name: str, summary: str, expected: set[str]
) -> None:
    assert theme(facts(name, summary, period_label="2007–2013")) == expected


def test_a_related_or_narrower_mapping_needs_the_targets_own_stems() -> None:
    old = BASE + "concept/smart-tavastia-spearheads/teollisuus-4-0"
    new = BASE + "concept/spearheads/smart-services-and-production"
    related = {old: [Mapping("relatedMatch", new, BASE + "mapping/x")]}
    metal = facts("Metallialan koulutus", "Vocational training for metal trades", start="2016-06-01")
    assert theme(metal, related) == set()  # Teollisuus 4.0 in force, but nothing of smart services
    robots = facts("Robotiikkaa yrityksiin", "Robotics for SME production", start="2016-06-01")
    assert theme(robots, related) == {"smart-services-and-production"}
    close = {old: [Mapping("closeMatch", new, BASE + "mapping/x")]}
    assert theme(metal, close) == {"smart-services-and-production"}  # a close match carries the theme alone


def test_fund_axis_and_specific_objective_give_strategic_choices() -> None:
    f = facts(
        "Ohjaamo",
        "One-stop guidance",
        start="2023-01-01",
        fund=rules.EUPROG + "ESF_PLUS",
        fund_as_written="ESR+",
        specific_objective="4.1. Tutkimus-, osaamis- ja innovaatiokeskittymien kehittäminen",
    )
    result = classify([f], {}, profiles=False)["T"].in_force
    assert result.strategy == "smart-hame"
    choices = {a.concept.rsplit("/", 1)[-1]: a.basis for a in result.assignments if a.role == "choice"}
    assert "fund 'ESR+'" in choices["competence-employment-inclusion"]
    assert "specific objective 4.1." in choices["sustainable-growth-rdi"]


def test_no_period_and_before_2014_are_explicit_not_classifiable_outcomes() -> None:
    unknown = classify([facts("Hanke", "A food project")], {}, profiles=False)["T"]
    assert unknown.in_force.reason == "the sources give no period, decision or date for the project"
    assert unknown.theme.concepts() == [BASE + "concept/spearheads/sustainable-food-system"]
    early = classify([facts("Hanke", "A food project", start="2009-01-01")], {}, profiles=False)["T"].in_force
    assert early.strategy is None and early.reason and "before 2014" in early.reason
