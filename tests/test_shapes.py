"""The SHACL shapes, case by case: each file in tests/shapes_cases/ is wrong in exactly one way.

A case file is named ``{Shape}.{Component}.ttl`` and says in its header what must fire:

    # expect: smhs:PlannedStartShape sh:DatatypeConstraintComponent sh:Violation

It is validated together with the ontology (so the model's concept schemes resolve); that constraint
must fire with that severity, and no other constraint may fire at violation level. ``conforms.ttl``
uses every class correctly and must give no result at all. Every constraint in ontology/shapes.ttl
must have a case.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from server.errors import DataError
from server.graph.validation import ValidationReport, validate_files
from server.settings import PROJECT_ROOT, Settings

CASES_DIR = Path(__file__).parent / "shapes_cases"
SHAPES_FILE = PROJECT_ROOT / "ontology" / "shapes.ttl"
SMHS = "https://w3id.org/smart-hame/shapes/"
EXPECT = re.compile(r"^# expect: smhs:(\S+) sh:(\S+) sh:(Violation|Warning)$", re.MULTILINE)

# SHACL parameter -> the constraint component pySHACL reports for it.
COMPONENTS = {
    SH["class"]: "ClassConstraintComponent",
    SH.datatype: "DatatypeConstraintComponent",
    SH.nodeKind: "NodeKindConstraintComponent",
    SH.minCount: "MinCountConstraintComponent",
    SH.maxCount: "MaxCountConstraintComponent",
    SH.minInclusive: "MinInclusiveConstraintComponent",
    SH.maxInclusive: "MaxInclusiveConstraintComponent",
    SH.pattern: "PatternConstraintComponent",
    SH.languageIn: "LanguageInConstraintComponent",
    SH.uniqueLang: "UniqueLangConstraintComponent",
    SH["in"]: "InConstraintComponent",
    SH.hasValue: "HasValueConstraintComponent",
    SH.node: "NodeConstraintComponent",
    SH["or"]: "OrConstraintComponent",
    SH["and"]: "AndConstraintComponent",
    SH["not"]: "NotConstraintComponent",
    SH.xone: "XoneConstraintComponent",
    SH.qualifiedMinCount: "QualifiedMinCountConstraintComponent",
    SH.qualifiedMaxCount: "QualifiedMaxCountConstraintComponent",
    SH.lessThan: "LessThanConstraintComponent",
    SH.lessThanOrEquals: "LessThanOrEqualsConstraintComponent",
    SH.equals: "EqualsConstraintComponent",
    SH.disjoint: "DisjointConstraintComponent",
    SH.closed: "ClosedConstraintComponent",
    SH.sparql: "SPARQLConstraintComponent",
}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def declared_constraints() -> set[tuple[str, str]]:
    """(shape local name, component) for every constraint that can be reported.

    Reported shapes are the targeted node shapes and the property shapes they hold; shapes used only
    inside sh:node, sh:or or sh:qualifiedValueShape are parts of another constraint.
    """
    g = Graph().parse(SHAPES_FILE)
    node_shapes = {s for t in TARGETS for s in g.subjects(t, None)}
    shapes = node_shapes | {p for s in node_shapes for p in g.objects(s, SH.property)}
    found = set()
    for shape in shapes:
        assert str(shape).startswith(SMHS), f"shape without an smhs: IRI: {shape}"
        for parameter, component in COMPONENTS.items():
            if (shape, parameter, None) in g:
                found.add((str(shape)[len(SMHS) :], component))
    return found


def expectation(path: Path) -> tuple[str, str, str]:
    m = EXPECT.search(path.read_text(encoding="utf-8"))
    assert m, f"{path.name}: no '# expect: smhs:Shape sh:Component sh:Severity' header"
    return m.group(1), m.group(2), m.group(3)


BAD_CASES = sorted(p for p in CASES_DIR.glob("*.ttl") if p.name != "conforms.ttl")


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


def fired(report: ValidationReport, severity: str) -> set[tuple[str, str]]:
    return {
        ((r.shape or "")[len(SMHS) :], r.constraint_component.rsplit("#", 1)[-1])
        for r in report.results
        if r.severity == severity
    }


def test_good_case_conforms_without_warnings(settings: Settings) -> None:
    report = validate_files([CASES_DIR / "conforms.ttl"], settings)
    assert report.results == [], report.format_text()
    assert report.conforms


@pytest.mark.parametrize("path", BAD_CASES, ids=lambda p: p.stem)
def test_case_fires_exactly_its_constraint(path: Path, settings: Settings) -> None:
    shape, component, severity = expectation(path)
    assert path.name == f"{shape}.{component.removesuffix('ConstraintComponent')}.ttl", (
        "file name and header disagree"
    )
    report = validate_files([path], settings)
    expected = (shape, component)
    assert expected in fired(report, severity), report.format_text()
    other = "Warning" if severity == "Violation" else "Violation"
    assert expected not in fired(report, other), report.format_text()
    others = fired(report, "Violation") - {expected}
    assert not others, f"other violations fired: {sorted(others)}\n{report.format_text()}"
    assert report.conforms == (severity == "Warning")
    for r in report.results:
        if r.shape == SMHS + shape:
            assert r.message and "Value does not" not in r.message, (
                "the result should carry the shape's own message"
            )


def test_every_constraint_has_a_case() -> None:
    covered = {expectation(p)[:2] for p in BAD_CASES}
    missing = declared_constraints() - covered
    assert not missing, f"constraints in shapes.ttl without a case in tests/shapes_cases/: {sorted(missing)}"
    stale = covered - declared_constraints()
    assert not stale, f"cases for constraints that shapes.ttl no longer has: {sorted(stale)}"


def test_every_reported_shape_has_a_message() -> None:
    """pySHACL's default messages ("Value does not conform…") do not tell an analyst what to fix."""
    g = Graph().parse(SHAPES_FILE)
    for name in {shape for shape, _ in declared_constraints()}:
        shape = URIRef(SMHS + name)
        messages = [
            *g.objects(shape, SH.message),
            *(m for c in g.objects(shape, SH.sparql) for m in g.objects(c, SH.message)),
        ]
        assert messages, f"smhs:{name} has no sh:message"


def test_location_points_at_the_subject_line(settings: Settings) -> None:
    path = CASES_DIR / "PlannedPeriodOrderShape.SPARQL.ttl"
    report = validate_files([path], settings)
    [result] = report.violations
    line = next(
        i
        for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith("project:T1")
    )
    assert result.location == f"tests/shapes_cases/{path.name}:{line}"
    assert result.focus_node == "https://w3id.org/smart-hame/project/T1"
    assert result.value == '"2018-10-31"^^<http://www.w3.org/2001/XMLSchema#date>'


def test_blank_node_takes_its_referrers_location(settings: Settings) -> None:
    path = CASES_DIR / "NoContactPointShape.MaxCount.ttl"
    report = validate_files([path], settings)
    [result] = report.violations
    assert result.location and result.location.startswith(f"tests/shapes_cases/{path.name}:")


def test_sparql_constraints_follow_a_different_base_iri() -> None:
    """SPARQL text spells the default base out; validation rebases it with the data."""
    settings = Settings(base_iri="https://data.example.org/hame/")
    report = validate_files([CASES_DIR / "BusinessIdCheckDigitShape.SPARQL.ttl"], settings)
    assert {r.focus_node for r in report.violations} == {
        "https://data.example.org/hame/organisation/testi-oy",
        "https://data.example.org/hame/organisation/testi-oy-id",
    }
    assert {r.shape for r in report.violations} == {
        "https://data.example.org/hame/shapes/BusinessIdCheckDigitShape"
    }


def test_report_renders_as_text_and_json(settings: Settings) -> None:
    report = validate_files([CASES_DIR / "BusinessIdCheckDigitShape.SPARQL.ttl"], settings)
    text = report.format_text()
    assert text.startswith("Does not conform: 2 violations")
    assert "smhs:BusinessIdCheckDigitShape" in text and "2331972-8" in text
    assert "tests/shapes_cases/BusinessIdCheckDigitShape.SPARQL.ttl:" in text
    data = report.as_json()
    assert data["conforms"] is False and data["violations"] == 2
    assert {
        "severity",
        "focus_node",
        "path",
        "value",
        "message",
        "shape",
        "constraint_component",
        "location",
    } <= set(data["results"][0])


def test_shapes_that_cannot_run_raise_data_error(tmp_path: Path) -> None:
    """A shapes file pySHACL refuses (VALUES is not allowed in SHACL-SPARQL) must not pass as 'conforms'."""
    (tmp_path / "ontology").mkdir()
    (tmp_path / "ontology" / "smart-hame.ttl").write_bytes(
        (PROJECT_ROOT / "ontology" / "smart-hame.ttl").read_bytes()
    )
    (tmp_path / "ontology" / "shapes.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<https://w3id.org/smart-hame/shapes/BrokenShape> a sh:NodeShape ;\n"
        "    sh:targetClass <https://w3id.org/smart-hame/ontology/Project> ;\n"
        '    sh:sparql [ sh:select "SELECT $this WHERE { VALUES ?x { 1 } $this ?p ?x }" ] .\n',
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="could not be run"):
        validate_files([CASES_DIR / "FundMissingShape.MinCount.ttl"], Settings(project_root=tmp_path))
