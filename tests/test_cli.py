"""The command line as a user runs it: exit codes, messages with file:line, nothing lost on failure.

The commands run in this process (``server.cli.main``) over the tiny project in tests/fixtures/project
(``SMARTHAME_PROJECT_ROOT``), so each build takes milliseconds; the bundled data itself is built once for
the whole suite (the ``build_dir`` fixture, which fails on any violation). One test runs the real
``python -m server.cli`` in a process of its own; ``smarthame convert --check`` reads ../shared.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from server.cli import main
from server.settings import PROJECT_ROOT
from tests.conftest import FIXTURES

PROJECT = FIXTURES / "project"
BASE = "https://w3id.org/smart-hame/"
GRAPHS = {
    "actors": 3,
    "classification": 1,
    "links": 1,
    "ontology": 10,
    "projects": 10,
    "shapes": 32,
    "strategy": 2,
}


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


Smarthame = Callable[..., Ran]


@pytest.fixture()
def smarthame(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Smarthame:
    """``smarthame(*args, project=..., build=...)``: run the command in process; exit code, stdout, stderr."""

    def run(*args: str, project: Path = PROJECT, build: Path | None = None) -> Ran:
        monkeypatch.setenv("SMARTHAME_PROJECT_ROOT", str(project))
        monkeypatch.setenv("SMARTHAME_BUILD_DIR", str(build or tmp_path / "build"))
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


@pytest.fixture()
def built(smarthame: Smarthame, tmp_path: Path) -> Path:
    """The fixture project, built and published into tmp_path/build."""
    assert smarthame("build").code == 0
    return tmp_path / "build"


def copy_project(tmp_path: Path) -> Path:
    """A copy of the fixture project, to corrupt without touching it."""
    return Path(shutil.copytree(PROJECT, tmp_path / "project"))


def test_validate_reports_the_warning_with_file_and_line(smarthame: Smarthame) -> None:
    ran = smarthame("validate")
    assert ran.code == 0
    assert ran.out.splitlines() == [
        "Conforms: 0 violations, 1 warning.",
        "",
        "Warnings",
        "  smhs:EnglishNameShape (sh:QualifiedMinCountConstraintComponent): 1",
        "    Give the project an English name too.",
        "      data/projects.ttl:12  res:project/EX2  skos:prefLabel",
    ]


def test_build_prints_counts_per_graph_and_class(smarthame: Smarthame, tmp_path: Path) -> None:
    ran = smarthame("build")
    assert ran.code == 0, ran.err
    manifest = json.loads((tmp_path / "build" / "current" / "manifest.json").read_text())
    assert manifest["graphs"] == {f"{BASE}graph/{g}": n for g, n in sorted(GRAPHS.items())}
    assert manifest["triples"] == sum(GRAPHS.values()) == 59
    assert f"Published 59 triples as version {manifest['version']} in " in ran.out
    assert "\nTriples per graph:\n" in ran.out and "\nInstances per class:\n" in ran.out
    assert f"        2  {BASE}ontology/Project\n" in ran.out
    assert "smhs:EnglishNameShape" in ran.err, "the warning is shown, and the build goes on"


def test_build_refuses_violations_and_keeps_published_version(smarthame: Smarthame, tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    build = tmp_path / "own-build"
    assert smarthame("build", project=root, build=build).code == 0
    published = (build / "current" / "dataset.nq").read_bytes()
    target = os.readlink(build / "current")

    projects = root / "data" / "projects.ttl"
    text = projects.read_text(encoding="utf-8")
    projects.write_text(text.replace('"2021-06-01"^^xsd:date', '"2021-13-45"^^xsd:date'), encoding="utf-8")
    ran = smarthame("build", project=root, build=build)
    assert ran.code == 1
    assert "smhs:PlannedStartShape (sh:DatatypeConstraintComponent): 1" in ran.err
    assert "data/projects.ttl:12  res:project/EX2" in ran.err
    assert "Build refused: nothing was published; the published version is unchanged." in ran.err
    assert os.readlink(build / "current") == target
    assert (build / "current" / "dataset.nq").read_bytes() == published


def test_validate_unreadable_file_names_file_and_line(smarthame: Smarthame, tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "unterminated .\n')
    ran = smarthame("validate", str(bad))
    assert ran.code == 2
    assert ran.err.startswith(f"error: {bad}:3: ")


def test_corrupted_business_id_in_a_dump_fails_validation(
    smarthame: Smarthame, built: Path, tmp_path: Path
) -> None:
    dump = tmp_path / "dump.trig"
    assert smarthame("dump", "--format", "trig", "-o", str(dump), build=built).code == 0
    assert smarthame("validate", str(dump)).code == 0
    text = dump.read_text(encoding="utf-8")
    assert text.count('"1234567-1"') == 1
    dump.write_text(text.replace('"1234567-1"', '"1234567-2"'), encoding="utf-8")
    ran = smarthame("validate", str(dump))
    assert ran.code == 1
    assert "Business ID 1234567-2 has a wrong check digit." in ran.out


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "tsv"])
def test_query_formats(smarthame: Smarthame, built: Path, fmt: str) -> None:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p a <{BASE}ontology/Project> }}"
    ran = smarthame("query", query, "--format", fmt, build=built)
    assert ran.code == 0, ran.err
    expected = {
        "table": "n\n-\n2\n(1 rows)\n",
        "json": None,
        "csv": "n\r\n2\r\n",
        "tsv": "?n\n2\n",
    }[fmt]
    if fmt == "json":
        assert json.loads(ran.out)["results"]["bindings"] == [
            {"n": {"type": "literal", "value": "2", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}
        ]
    else:
        assert ran.out == expected


def test_query_from_a_graph_that_does_not_exist_counts_nothing(smarthame: Smarthame, built: Path) -> None:
    query = "SELECT (COUNT(*) AS ?n) FROM <http://nowhere.example/none> { ?s ?p ?o }"
    ran = smarthame("query", query, "--format", "csv", build=built)
    assert ran.code == 0 and ran.out == "n\r\n0\r\n"  # FROM was ignored: it counted every triple


def test_a_saved_query_file_runs_from_the_command_line(smarthame: Smarthame, built: Path) -> None:
    ran = smarthame(
        "query", str(PROJECT / "queries" / "projects-starting-since.rq"), "--format", "csv", build=built
    )
    assert ran.out.splitlines() == [
        "since,project,start",
        f",{BASE}project/EX1,2020-01-01",
        f",{BASE}project/EX2,2021-06-01",
    ]


def test_query_syntax_error_exits_nonzero(smarthame: Smarthame, built: Path) -> None:
    ran = smarthame("query", "SELECT * WHERE { ?s ?p }", build=built)
    assert ran.code == 1
    assert ran.err.startswith("error: SPARQL syntax error: error at 1:")


@pytest.mark.parametrize(
    "fmt,parser", [("trig", "trig"), ("nquads", "nq"), ("turtle", "ttl"), ("ntriples", "nt")]
)
def test_dump_round_trips(smarthame: Smarthame, built: Path, tmp_path: Path, fmt: str, parser: str) -> None:
    out = tmp_path / f"dump.{parser}"
    assert smarthame("dump", "--format", fmt, "-o", str(out), build=built).code == 0
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.from_extension(parser)))
    expected = list(ox.parse(path=str(built / "current" / "dataset.nq"), format=ox.RdfFormat.N_QUADS))
    if fmt in ("trig", "nquads"):
        assert len(quads) == len(expected) == 59
    else:  # the merged graph: the label that two graphs state is written once
        assert len({q.triple for q in quads}) == len(quads) == 58


def test_rebuilding_the_same_inputs_publishes_the_same_bytes(smarthame: Smarthame, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for target in (first, second):
        assert smarthame("build", build=target).code == 0
    nq_a = (first / "current" / "dataset.nq").read_bytes()
    assert b"_:" in nq_a, "the fixture has a blank node; this test is about its label"
    assert nq_a == (second / "current" / "dataset.nq").read_bytes()


@pytest.mark.process
def test_the_module_entry_point_runs_the_commands(built: Path) -> None:
    """``python -m server.cli``, the command ``make`` and the benchmark start, in a process of its own."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "server.cli",
            "query",
            f"ASK {{ <{BASE}project/EX1> ?p ?o }}",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "SMARTHAME_PROJECT_ROOT": str(PROJECT), "SMARTHAME_BUILD_DIR": str(built)},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"head": {}, "boolean": True}


def _reference_records(shared_dir: Path) -> list[Path]:
    """The converter's default reference folders (both batches), or a skip saying which is absent."""
    from server.graph.records.convert import REFERENCE

    missing = [str(folder) for folder in REFERENCE if not folder.is_dir()]
    if missing:
        pytest.skip(
            f"{', '.join(missing)} absent: the converter's reference records are not in this ../shared"
        )
    return list(REFERENCE)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_convert_check_says_data_is_up_to_date(smarthame: Smarthame, shared_dir: Path) -> None:
    """``smarthame convert --check`` over the real reference records and the real data/ (read only)."""
    _reference_records(shared_dir)
    ran = smarthame("convert", "--check", project=PROJECT_ROOT)
    assert ran.code == 0, ran.out + ran.err
    assert "out of date" not in ran.err


def test_convert_check_names_a_file_that_would_change(
    smarthame: Smarthame, shared_dir: Path, tmp_path: Path
) -> None:
    _reference_records(shared_dir)
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "data", root / "data")
    links = root / "data" / "links.ttl"
    links.write_text(links.read_text(encoding="utf-8") + "\n# edited by hand\n", encoding="utf-8")
    before = _files(root / "data")
    ran = smarthame("convert", "--check", project=root)
    assert ran.code == 1
    assert re.search(r"out of date: .*links\.ttl.*; run `smarthame convert`", ran.err), ran.err
    assert _files(root / "data") == before, "--check writes nothing"


def test_convert_without_the_reference_records_says_where_they_belong(
    smarthame: Smarthame, tmp_path: Path
) -> None:
    ran = smarthame("convert", "--check", "--reference", str(tmp_path / "nowhere"))
    assert ran.code == 2
    assert ran.err.startswith(
        f"error: {tmp_path / 'nowhere'} not found: the converter reads the reference records"
    )
