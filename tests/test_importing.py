"""The one import path: record files read by content, mapped by the same code as the bundled data, the
same record minting the same IRI whatever file or order it comes in, and bad files named precisely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from server.graph.records.batch import RecordError, detect_kind, read_record_files, reference_files
from server.graph.records.convert import EDITORIAL, ONTOLOGY, REFERENCE, convert
from server.graph.records.importing import build_graphs
from server.settings import PROJECT_ROOT

needs_reference = pytest.mark.skipif(
    not all(f.is_dir() for f in REFERENCE), reason="../shared/reference/real-data(-2) is absent"
)


def write(path: Path, content: object) -> Path:
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


PROJECT = {
    "code": "A70870",
    "name": "Testihanke",
    "fund": "EAKR",
    "period": "2014–2020",
    "record_type": "eura2014_project_page",
    "source": "https://example.org/A70870",
    "region": "Kanta-Häme",
    "start": "2015-06-01",
    "end": "2018-10-31",
    "summary": "A circular-economy test project.",
}


def test_kinds_are_read_from_the_content_not_the_file_name(tmp_path: Path) -> None:
    assert detect_kind([PROJECT], tmp_path / "actors.json") == "projects"
    organisation = {"name": "Testi Oy", "y_tunnus": None, "sources": ["https://example.org/"]}
    assert detect_kind([organisation], tmp_path / "projects.json") == "organisations"
    assert detect_kind({"current_smart_specialisation": {}}, tmp_path / "x.json") == "strategy"
    assert detect_kind({"people_additions": []}, tmp_path / "x.json") == "additions"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ([PROJECT, {k: v for k, v in PROJECT.items() if k != "source"}], "record 2: a project record needs"),
        ({"colour": "blue"}, "not a record file"),
    ],
)
def test_a_file_of_no_known_kind_is_refused_with_its_name(
    tmp_path: Path, content: object, problem: str
) -> None:
    path = write(tmp_path / "records.json", content)
    with pytest.raises(RecordError) as e:
        read_record_files([path])
    assert str(path) in e.value.message and problem in e.value.message


def test_json_syntax_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"name": "x",\n  oops\n]', encoding="utf-8")
    with pytest.raises(RecordError) as e:
        read_record_files([path])
    assert e.value.message.startswith(f"{path}:3: not valid JSON")


@needs_reference
def test_the_converter_is_a_use_of_the_import_path() -> None:
    """`smarthame convert` writes exactly what build_graphs makes of the reference files."""
    files, _ = convert(REFERENCE, EDITORIAL)
    mapped = build_graphs(read_record_files(reference_files(REFERENCE)), ONTOLOGY, EDITORIAL)
    for name, text in files.items():
        assert Graph().parse(data=text, format="turtle").isomorphic(mapped.graphs[name]), name
        assert (PROJECT_ROOT / "data" / f"{name}.ttl").read_text(encoding="utf-8") == text, name


@needs_reference
def test_the_same_record_mints_the_same_iri_in_any_file_and_order(tmp_path: Path) -> None:
    """The second batch split into one file per record and read in reverse order maps to the same graphs."""
    first = reference_files(REFERENCE[:1])
    second = REFERENCE[1]
    projects = json.loads((second / "projects.json").read_text(encoding="utf-8"))
    actors = json.loads((second / "actors.json").read_text(encoding="utf-8"))
    pieces = [write(tmp_path / f"p{n:03}.json", [r]) for n, r in enumerate(reversed(projects))]
    pieces.append(write(tmp_path / "a.json", list(reversed(actors))))
    pieces.append(second / "strategy-additions.json")
    split = build_graphs(read_record_files(first + pieces), ONTOLOGY, EDITORIAL)
    whole = build_graphs(read_record_files(reference_files(REFERENCE)), ONTOLOGY, EDITORIAL)
    for name in ("projects", "classification"):
        assert set(split.graphs[name].subjects()) == set(whole.graphs[name].subjects()), name
    assert set(split.graphs["actors"].subjects()) == set(whole.graphs["actors"].subjects())


@needs_reference
def test_a_record_naming_an_unknown_organisation_stops_the_mapping_with_its_place(tmp_path: Path) -> None:
    record = {**PROJECT, "code": None, "name": "Uusi hanke", "applicant": {"name": "Tuntematon Oy"}}
    path = write(tmp_path / "new.json", [record])
    batch = read_record_files(reference_files(REFERENCE) + [path])
    with pytest.raises(RecordError) as e:
        build_graphs(batch, ONTOLOGY, EDITORIAL)
    assert e.value.message.startswith(f"{path}:record 1: organisation 'Tuntematon Oy'")


@needs_reference
def test_an_imported_project_is_classified_by_the_same_rules(tmp_path: Path) -> None:
    record = {**PROJECT, "code": "A79999", "name": "Kiertotaloutta testissä", "applicant": {"name": "HAMK"}}
    path = write(tmp_path / "new.json", [record])
    mapped = build_graphs(read_record_files(reference_files(REFERENCE) + [path]), ONTOLOGY, EDITORIAL)
    result = mapped.classification["A79999"]
    assert result.in_force.strategy == "smart-tavastia"
    assert result.theme.concepts() == ["https://w3id.org/smart-hame/concept/spearheads/circular-economy"]
