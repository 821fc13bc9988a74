"""`smarthame import`: JSON records, the spreadsheet template and RDF each publish a new version; bad rows
and violations refuse with where the fact came from, exit 1, and leave every published byte as it was."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest

from server.cli import main
from server.graph.imports.columns import COLUMNS, SHEETS
from server.graph.imports.spreadsheet import read_spreadsheet, read_spreadsheets
from server.graph.records.convert import REFERENCE
from server.settings import PROJECT_ROOT
from tests.releasing import fingerprint

pytestmark = pytest.mark.skipif(
    not all(f.is_dir() for f in REFERENCE), reason="../shared/reference/real-data(-2) is absent"
)
EXAMPLE = PROJECT_ROOT / "docs" / "examples" / "import-example.xlsx"
BASE = "https://w3id.org/smart-hame/"
HGG_PAGE = "https://hameenliitto.fi/elinvoima-ja-kehittaminen/projektit/hame-goes-global-hanke/"


@pytest.fixture
def build(build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the published bundled build that this test may import into."""
    target = tmp_path / "build"
    shutil.copytree(build_dir, target, symlinks=True)
    monkeypatch.setenv("SMARTHAME_BUILD_DIR", str(target))
    return target


def current_version(build: Path) -> str:
    return json.loads((build / "current" / "manifest.json").read_text())["version"]


def published_quads(build: Path, graph: str | None = None) -> set[ox.Quad]:
    quads = ox.parse(path=str(build / "current" / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    return {q for q in quads if graph is None or q.graph_name == ox.NamedNode(BASE + "graph/" + graph)}


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_a_json_batch_publishes_a_new_version_with_the_change_and_its_old_source(
    build: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "batch.json"
    record = {
        "name": "Häme Goes Global",
        "fund": "AKKE (kansallinen)",
        "record_type": "project_page_or_news",
        "source": HGG_PAGE,
        "start": "2021-03-01",
        "end": "2023-12-31",
    }
    batch.write_text(json.dumps([record]), encoding="utf-8")
    before = current_version(build)
    assert main(["import", str(batch)]) == 0
    after = current_version(build)
    assert after != before
    project = ox.NamedNode(BASE + "project/hame-goes-global")
    start = ox.NamedNode(BASE + "ontology/plannedStart")
    dates = {
        q.object.value
        for q in published_quads(build, "projects")
        if q.subject == project and q.predicate == start
    }
    assert dates == {"2021-03-01"}
    ledger = json.loads((build / "versions" / after / "imports" / "ledger.json").read_text())
    (change,) = ledger["history"][-1]["changes"]
    assert change["entity"] == BASE + "project/hame-goes-global" and change["change"] == "changed"
    assert [f["field"] for f in change["fields"]] == ["start", "end", "other_sources"]
    assert change["old_source"] == [
        "https://www.hameenliitto.fi/elinvoima-ja-kehittaminen/rahoitus/akke-rahoitus/akke-rahoitetut-hankkeet-2021/"
    ]
    assert f"Published version {after} (previous {before})." in capsys.readouterr().out


def test_the_example_spreadsheet_publishes_a_new_version(build: Path) -> None:
    before = current_version(build)
    assert main(["import", str(EXAMPLE)]) == 0
    assert current_version(build) != before


def test_the_example_csv_files_hold_the_same_records_as_the_xlsx() -> None:
    from_xlsx, problems = read_spreadsheet(EXAMPLE)
    assert problems == []
    from_csv, problems = read_spreadsheets([EXAMPLE.parent / "import-example" / f"{s}.csv" for s in SHEETS])
    assert problems == []
    assert sorted(json.dumps(r.located.data, sort_keys=True) for r in from_csv) == sorted(
        json.dumps(r.located.data, sort_keys=True) for r in from_xlsx
    )


def test_an_rdf_file_adds_to_the_publisher_graph(build: Path, tmp_path: Path) -> None:
    ttl = tmp_path / "links.ttl"
    ttl.write_text(
        f"<{BASE}organisation/hameen-ammattikorkeakoulu-oy> "
        "<http://www.w3.org/2000/01/rdf-schema#seeAlso> <https://tietopalvelu.ytj.fi/yritys/2617489-3> .\n"
    )
    before = current_version(build)
    assert main(["import", str(ttl)]) == 0
    assert current_version(build) != before
    (quad,) = published_quads(build, "publisher")
    assert quad.object == ox.NamedNode("https://tietopalvelu.ytj.fi/yritys/2617489-3")


def test_rdf_for_a_graph_made_from_records_is_refused(build: Path, tmp_path: Path, capsys) -> None:
    trig = tmp_path / "projects.trig"
    trig.write_text(f'<{BASE}graph/projects> {{ <{BASE}project/x> <{BASE}ontology/note> "x" . }}\n')
    before = fingerprint(build)
    assert main(["import", str(trig)]) == 1
    assert f"{trig}: graph <{BASE}graph/projects> is not one publishers may write" in capsys.readouterr().err
    assert fingerprint(build) == before


BAD_ROWS = [
    (
        "organisations",
        ["name", "business_id", "sources"],
        ["Synthetic Oy", "1234567-8", "https://example.org/synthetic"],
        "business_id",
        "business ID '1234567-8' is invalid",
    ),
    (
        "projects",
        ["name", "fund", "start", "end", "source"],
        ["Synthetic project", "EAKR", "2024-05-01", "2023-01-31", "https://example.org/synthetic"],
        "end",
        "the project ends (2023-01-31) before it starts (2024-05-01)",
    ),
    (
        "projects",
        ["name", "fund", "source"],
        ["Synthetic project", "Synthetic fund", "https://example.org/synthetic"],
        "fund",
        "fund 'Synthetic fund' is not known",
    ),
]


@pytest.mark.parametrize(
    "sheet,header,row,column,message", BAD_ROWS, ids=["business-id", "end-before-start", "fund"]
)
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_bad_row_refuses_with_file_sheet_row_column(
    build: Path, tmp_path: Path, capsys, suffix: str, sheet: str, header, row, column: str, message: str
) -> None:
    path = tmp_path / f"synthetic-{sheet}{suffix}"
    if suffix == ".csv":
        write_csv(path, [header, row])
    else:
        book = openpyxl.Workbook()
        book.active.title = sheet
        book.active.append(header)
        book.active.append(row)
        book.save(path)
    before = fingerprint(build)
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:{sheet}:2:{column}: {message}" in err
    assert fingerprint(build) == before


def test_every_bad_row_of_a_file_is_named_at_once(build: Path, tmp_path: Path, capsys) -> None:
    path = write_csv(
        tmp_path / "synthetic.csv",
        [
            ["name", "fund", "start", "end", "source"],
            ["Synthetic A", "EAKR", "2024-05-01", "2023-01-31", "https://example.org/a"],
            ["Synthetic B", "EAKR", "2024-13-01", "", "ftp://example.org/b"],
        ],
    )
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "refused (3 problems)" in err
    assert f"{path}:projects:2:end:" in err
    assert f"{path}:projects:3:start:" in err
    assert f"{path}:projects:3:source: 'ftp://example.org/b' is not a web address" in err


def test_a_violation_refuses_with_the_record_field_and_changes_nothing(
    build: Path, tmp_path: Path, capsys
) -> None:
    batch = tmp_path / "batch.json"
    record = {
        "name": "Häme Goes Global",
        "fund": "AKKE (kansallinen)",
        "record_type": "project_page_or_news",
        "source": HGG_PAGE,
        "start": "2024-03-01",
        "end": "2023-12-31",
    }
    batch.write_text(json.dumps([record]), encoding="utf-8")
    before = fingerprint(build)
    assert main(["import", str(batch)]) == 1
    err = capsys.readouterr().err
    assert "Import refused" in err
    assert (
        f"{batch}:record 1:start  res:project/hame-goes-global" in err
    )  # the shape's path is smh:plannedStart
    assert fingerprint(build) == before


def test_a_turtle_violation_names_file_and_line(build: Path, tmp_path: Path, capsys) -> None:
    ttl = tmp_path / "project.ttl"
    ttl.write_text(f"@prefix smh: <{BASE}ontology/> .\n\n<{BASE}project/synthetic-1> a smh:Project .\n")
    before = fingerprint(build)
    assert main(["import", str(ttl)]) == 1
    assert f"{ttl}:3  res:project/synthetic-1" in capsys.readouterr().err
    assert fingerprint(build) == before


FOCUS_CASES = {
    # a new project without what a project needs, pointing at an existing organisation
    "new-project": (
        f"@prefix smh: <{BASE}ontology/> .\n<{BASE}project/synthetic-1> a smh:Project ;\n"
        f"  smh:applicant <{BASE}organisation/hameen-ammattikorkeakoulu-oy> .\n",
        {f"{BASE}project/synthetic-1"},
    ),
    # a second organisation given Aalto's business ID: the uniqueness check fails on both, and Aalto
    # is reached only through the shared value (smh:businessId/^smh:businessId)
    "shared-business-id": (
        f'<{BASE}organisation/ars-hame-ry> <{BASE}ontology/businessId> "2228357-4" .\n',
        {f"{BASE}organisation/ars-hame-ry", f"{BASE}organisation/aalto-yliopisto-aalto-korkeakoulusaatio"},
    ),
}


@pytest.mark.parametrize("case", list(FOCUS_CASES))
def test_focused_validation_finds_what_the_whole_graph_validation_finds(
    build: Path, tmp_path: Path, case: str
) -> None:
    from server.errors import ImportRefused
    from server.publish.importing import import_files
    from server.settings import Settings

    text, expected = FOCUS_CASES[case]
    path = tmp_path / "change.ttl"
    path.write_text(text)
    settings = Settings(build_dir=build)
    reports = []
    for validation in ("focus", "whole"):
        with pytest.raises(ImportRefused) as refused:
            import_files([path], settings, validation=validation)
        reports.append(refused.value.report)
    focused, whole = reports

    def key(results):
        return [(r.focus_node, r.shape, r.message) for r in results]

    # the published version conformed, so every violation is the change's; the whole graph's results
    # also hold the warnings the change cannot alter
    assert key(focused.violations) == key(whole.violations)
    assert set(key(focused.results)) <= set(key(whole.results))
    assert {r.focus_node for r in focused.violations} == expected


def test_auto_validation_restricts_only_when_the_graph_is_large_against_the_change() -> None:
    from server.graph.imports.focus import FOCUS_RATIO, restricts

    assert restricts("auto", FOCUS_RATIO * 100, 100) is True
    assert restricts("auto", FOCUS_RATIO * 100 - 1, 100) is False
    assert restricts("focus", 1, 100) is True
    assert restricts("whole", 10**9, 1) is False
    with pytest.raises(ValueError, match="validation is one of auto, focus, whole"):
        restricts("some", 1, 1)


def test_a_dry_run_validates_and_publishes_nothing(build: Path, capsys) -> None:
    before = fingerprint(build)
    assert main(["import", "--dry-run", str(EXAMPLE)]) == 0
    assert "Dry run: the import conforms; nothing was published." in capsys.readouterr().out
    assert fingerprint(build) == before


def test_a_dry_run_refuses_what_an_import_refuses(build: Path, tmp_path: Path, capsys) -> None:
    ttl = tmp_path / "project.ttl"
    ttl.write_text(f"@prefix smh: <{BASE}ontology/> .\n\n<{BASE}project/synthetic-1> a smh:Project .\n")
    before = fingerprint(build)
    assert main(["import", "--dry-run", str(ttl)]) == 1
    assert f"{ttl}:3  res:project/synthetic-1" in capsys.readouterr().err
    assert fingerprint(build) == before


def test_the_same_import_twice_changes_nothing_the_second_time(build: Path, capsys) -> None:
    assert main(["import", str(EXAMPLE)]) == 0
    first = current_version(build)
    assert main(["import", str(EXAMPLE)]) == 0
    assert current_version(build) == first
    assert "Nothing changed; no new version." in capsys.readouterr().out


def test_docs_describe_every_column_of_the_declared_table() -> None:
    text = (PROJECT_ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"| {column.sheet} | `{column.name}` |" in text, column


def write_book(path: Path, sheets: dict[str, list[list[str | None]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


SYNTHETIC_SOURCE = "https://w3id.org/smart-hame/synthetic/source"
SYNTHETIC_BOOK = {
    "projects": [
        ["name", "fund", "period", "start", "end", "summary", "source"],
        [
            "Synthetic template project",
            "EAKR",
            "2014–2020",
            "2016-01-01",
            "2017-12-31",
            "Synthetic project on the circular economy: recycling industrial side streams.",
            SYNTHETIC_SOURCE,
        ],
    ],
    "organisations": [
        ["name", "business_id", "type", "sources"],
        ["Synthetic Template Oy", "9600000-4", "Säätiö", SYNTHETIC_SOURCE],
    ],
    "participations": [
        ["project", "organisation", "role"],
        ["Synthetic template project", "Synthetic Template Oy", "applicant"],
        ["Synthetic template project", "Hämeen ammattikorkeakoulu Oy", "partner"],
    ],
    "amounts": [
        ["project", "label", "amount"],
        ["Synthetic template project", "Myönnetty rahoitus", "120 000 €"],
        ["Synthetic template project", "Kokonaisbudjetti", "200 000 €"],
    ],
}


def test_a_new_project_from_every_sheet_is_mapped_and_classified_with_provenance(
    build: Path, tmp_path: Path
) -> None:
    from server.publish.importing import import_files
    from server.settings import Settings

    book = write_book(tmp_path / "synthetic.xlsx", SYNTHETIC_BOOK)
    outcome = import_files([book], Settings(build_dir=build))
    assert [(c["change"], c["entity"]) for c in outcome.changes] == [
        ("added", f"{BASE}project/synthetic-template-project"),
        ("added", f"{BASE}organisation/synthetic-template-oy"),
    ]
    quads = published_quads(build)
    project = ox.NamedNode(f"{BASE}project/synthetic-template-project")
    smh = BASE + "ontology/"
    about = {(q.predicate.value, q.object.value) for q in quads if q.subject == project}
    assert (smh + "applicant", f"{BASE}organisation/synthetic-template-oy") in about
    assert (smh + "partner", f"{BASE}organisation/hameen-ammattikorkeakoulu-oy") in about
    assert sum(1 for p, _ in about if p == smh + "amount") == 2
    classified = {
        q.subject for q in quads if q.predicate.value == smh + "classifiedProject" and q.object == project
    }
    assert classified, "the new project has no classification"
    prov = "http://www.w3.org/ns/prov#wasAttributedTo"
    assert all(any(q.predicate.value == prov for q in quads if q.subject == c) for c in classified)
    assert {q.graph_name.value for q in quads if q.subject in classified} == {f"{BASE}graph/classification"}


def test_what_the_mapping_refuses_is_named_by_row(build: Path, tmp_path: Path, capsys) -> None:
    sheets = dict(SYNTHETIC_BOOK)
    header, row = SYNTHETIC_BOOK["projects"]
    sheets["projects"] = [header, [*row[:2], "1999", *row[3:]]]  # a period no EAKR programme had
    book = write_book(tmp_path / "synthetic.xlsx", sheets)
    before = fingerprint(build)
    assert main(["import", str(book)]) == 1
    err = capsys.readouterr().err
    assert f"{book}:projects:2: curation.FUNDS has no entry for fund 'EAKR' in period '1999'" in err
    assert fingerprint(build) == before


@pytest.mark.parametrize(
    "suffix,text",
    [
        (".ttl", "<{s}> <{p}> <{o}> ."),
        (".nt", "<{s}> <{p}> <{o}> ."),
        (".trig", "<{g}> {{ <{s}> <{p}> <{o}> . }}"),
        (".nq", "<{s}> <{p}> <{o}> <{g}> ."),
        (".jsonld", '{{"@id": "{s}", "{p}": {{"@id": "{o}"}}}}'),
        (".json", '{{"@context": {{}}, "@id": "{s}", "{p}": {{"@id": "{o}"}}}}'),
    ],
)
def test_every_rdf_syntax_is_read_into_the_publisher_graph(tmp_path: Path, suffix: str, text: str) -> None:
    from server.graph.imports.inputs import read_inputs

    s, p = f"{BASE}organisation/hameen-ammattikorkeakoulu-oy", "http://www.w3.org/2000/01/rdf-schema#seeAlso"
    o, g = "https://tietopalvelu.ytj.fi/yritys/2617489-3", f"{BASE}graph/publisher"
    path = tmp_path / f"links{suffix}"
    path.write_text(text.format(s=s, p=p, o=o, g=g) + "\n")
    inputs = read_inputs([path])
    assert inputs.records == []
    assert inputs.quads == [ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), ox.NamedNode(g))]


def test_a_second_import_keeps_the_first_and_adds_only_its_own(build: Path, tmp_path: Path) -> None:
    from server.publish.importing import import_files
    from server.settings import Settings

    settings = Settings(build_dir=build)
    first = import_files([EXAMPLE], settings)
    after_first = published_quads(build)
    book = write_book(tmp_path / "synthetic.xlsx", SYNTHETIC_BOOK)
    second = import_files([book], settings)
    assert second.previous == first.version
    after_second = published_quads(build)
    assert after_first - after_second == set(), "the second import removed what the first added"
    new_subjects = {q.subject.value for q in after_second - after_first}
    assert f"{BASE}project/synthetic-template-project" in new_subjects
    assert not any("hame-goes-global" in s for s in new_subjects)
    ledger = json.loads((build / "versions" / second.version / "imports" / "ledger.json").read_text())
    assert [h["version"] for h in ledger["history"]] == [first.version, second.version]


def test_reference_records_imported_again_change_nothing(build: Path) -> None:
    from server.publish.importing import import_files
    from server.settings import Settings

    files = sorted(REFERENCE[1].glob("*.json"))  # projects, organisations and strategy additions
    outcome = import_files(files, Settings(build_dir=build), dry_run=True)
    assert (outcome.changes, outcome.added, outcome.removed) == ([], 0, 0)


def test_an_import_is_a_release_and_a_rollback_carries_the_ledger_of_what_it_publishes(build: Path) -> None:
    from server.graph.releases import current_release, list_releases
    from server.publish.importing import import_files
    from server.publish.publishing import rollback
    from server.settings import Settings

    settings = Settings(build_dir=build)
    before = current_release(build)
    outcome = import_files([EXAMPLE], settings)
    release = current_release(build)
    assert release is not None and before is not None
    assert (release.version, release.previous, outcome.version) == (
        str(before.number + 1),
        before.version,
        release.version,
    )
    assert (release.notes.action, release.notes.via, release.notes.by) == (
        "import",
        "smarthame import",
        settings.publisher_name,
    )
    assert [f.path for f in release.notes.files] == ["import-example.xlsx"]
    assert release.notes.files[0].sha256 == hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    assert list(release.notes.changes) == outcome.changes and release.changes["added"] == outcome.added
    ledger = build / "versions" / release.version / "imports" / "ledger.json"
    assert json.loads(ledger.read_text())["history"][-1]["version"] == release.version
    back = rollback(before.version, settings, "Test publisher")  # the build's version: no ledger
    assert not (back.folder / "imports").exists()
    again = rollback(release.version, settings, "Test publisher")
    assert (again.folder / "imports" / "ledger.json").read_bytes() == ledger.read_bytes()
    assert [r.notes.action for r in list_releases(build)][-3:] == ["import", "rollback", "rollback"]
