"""The command line as a user runs it: exit codes, messages with file:line, nothing lost on failure."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from server.settings import PROJECT_ROOT


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=300,
    )


def test_validate_bundled_data_conforms() -> None:
    result = run("validate")
    assert result.returncode == 0, result.stdout + result.stderr


def test_build_prints_counts_per_graph_and_class(build_dir: Path) -> None:
    manifest = json.loads((build_dir / "current" / "manifest.json").read_text())
    for graph in ("ontology", "shapes", "strategy", "actors", "projects", "classification", "links"):
        assert manifest["graphs"].get(f"https://w3id.org/smart-hame/graph/{graph}", 0) > 0, graph
    result = run("build", env={"SMARTHAME_BUILD_DIR": str(build_dir)})
    assert result.returncode == 0, result.stderr
    assert "Triples per graph:" in result.stdout and "Instances per class:" in result.stdout
    assert "https://w3id.org/smart-hame/ontology/Project" in result.stdout


def _copy_project(tmp_path: Path) -> Path:
    """A copy of the project's data folders, to corrupt without touching the real ones."""
    root = tmp_path / "project"
    for name in ("ontology", "data", "queries"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    return root


def test_build_refuses_violations_and_keeps_published_version(tmp_path: Path) -> None:
    root = _copy_project(tmp_path)
    env = {"SMARTHAME_PROJECT_ROOT": str(root), "SMARTHAME_BUILD_DIR": str(tmp_path / "build")}
    assert run("build", env=env).returncode == 0
    published = (tmp_path / "build" / "current" / "dataset.nq").read_bytes()
    target = os.readlink(tmp_path / "build" / "current")

    projects = root / "data" / "projects.ttl"
    text = projects.read_text(encoding="utf-8")
    bad = re.sub(r'"(\d{4})-(\d\d)-(\d\d)"\^\^xsd:date', r'"\1-13-45"^^xsd:date', text, count=1)
    assert bad != text, "expected an xsd:date literal in projects.ttl"
    projects.write_text(bad, encoding="utf-8")

    result = run("build", env=env)
    assert result.returncode == 1
    assert "nothing was published" in result.stderr
    assert os.readlink(tmp_path / "build" / "current") == target
    assert (tmp_path / "build" / "current" / "dataset.nq").read_bytes() == published


def test_validate_unreadable_file_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "unterminated .\n')
    result = run("validate", str(bad))
    assert result.returncode == 2
    assert f"{bad}:3" in result.stderr


def test_corrupted_business_id_in_dump_fails_validation(build_dir: Path, tmp_path: Path) -> None:
    dump = tmp_path / "dump.trig"
    result = run("dump", "--format", "trig", "-o", str(dump), env={"SMARTHAME_BUILD_DIR": str(build_dir)})
    assert result.returncode == 0, result.stderr
    assert run("validate", str(dump)).returncode == 0

    text = dump.read_text(encoding="utf-8")
    match = re.search(r'"(\d{7})-(\d)"', text)
    assert match, "expected a business ID in the dump"
    wrong = str((int(match.group(2)) + 1) % 10)
    corrupted = text.replace(match.group(0), f'"{match.group(1)}-{wrong}"')
    dump.write_text(corrupted, encoding="utf-8")
    result = run("validate", str(dump))
    assert result.returncode == 1, result.stdout
    assert match.group(1) in result.stdout


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "tsv"])
def test_query_formats(build_dir: Path, fmt: str) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/smart-hame/ontology/Project> }"
    result = run("query", query, "--format", fmt, env={"SMARTHAME_BUILD_DIR": str(build_dir)})
    assert result.returncode == 0, result.stderr
    if fmt == "json":
        n = int(json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"])
    else:
        n = int(re.findall(r"\d+", result.stdout.splitlines()[-1 if fmt != "table" else 2])[0])
    assert n >= 60


def test_query_syntax_error_exits_nonzero(build_dir: Path) -> None:
    result = run("query", "SELECT * WHERE { ?s ?p }", env={"SMARTHAME_BUILD_DIR": str(build_dir)})
    assert result.returncode != 0
    assert "syntax" in result.stderr.lower()


@pytest.mark.parametrize(
    "fmt,parser", [("trig", "trig"), ("nquads", "nq"), ("turtle", "ttl"), ("ntriples", "nt")]
)
def test_dump_round_trips(build_dir: Path, tmp_path: Path, fmt: str, parser: str) -> None:
    out = tmp_path / f"dump.{parser}"
    assert (
        run("dump", "--format", fmt, "-o", str(out), env={"SMARTHAME_BUILD_DIR": str(build_dir)}).returncode
        == 0
    )
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.from_extension(parser)))
    published = build_dir / "current" / "dataset.nq"
    expected = list(ox.parse(path=str(published), format=ox.RdfFormat.N_QUADS))
    if fmt in ("trig", "nquads"):
        assert len(quads) == len(expected)
    else:  # the merged graph: duplicates across graphs collapse
        assert len({(q.subject, q.predicate, q.object) for q in quads}) == len(
            {(q.subject, q.predicate, q.object) for q in expected}
        )


def test_rebuilding_the_same_inputs_publishes_the_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for target in (first, second):
        assert run("build", env={"SMARTHAME_BUILD_DIR": str(target)}).returncode == 0
    nq_a = (first / "current" / "dataset.nq").read_bytes()
    assert b"_:" in nq_a, "the bundled data has blank nodes; this test is about their labels"
    assert nq_a == (second / "current" / "dataset.nq").read_bytes()
