"""What makes the fast validator fast on large inputs changes no answer: forked processes give the
serial run's rows, a large input read straight into a store gives the same results
(up to the canonical spelling of typed literals, docs/validation.md), and the line scan of N-Triples
and N-Quads locates subjects where the token scan does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from server.errors import ParseError
from server.graph import source_lines, validation
from server.graph.loading import bundled_sources, load_sources, parse_file
from server.graph.shacl import forking
from server.graph.shacl.data import DataGraph
from server.graph.shacl.run import compile_shapes, run_plan
from server.graph.vocabulary import graph_iri, prefixes
from server.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).parent / "shapes_cases"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


def compare_forked_with_serial() -> int:
    """Run in a fresh interpreter (see the test below): a fork needs a process with one thread."""
    settings = Settings()
    base = settings.base_iri
    shapes = ox.NamedNode(graph_iri("shapes", base))
    dataset = load_sources(bundled_sources(settings), base)
    # A project with nothing said about it breaks several shapes, so the rows compared are not empty.
    graph = ox.NamedNode(graph_iri("projects", base))
    project_class = ox.NamedNode(base + "ontology/Project")
    bare = ox.NamedNode(base + "project/synthetic-bare")
    dataset.add(
        ox.Quad(bare, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), project_class, graph)
    )
    plan = compile_shapes(list(dataset.quads_for_graph_name(shapes)), base, prefixes(base))
    data = DataGraph.from_dataset(dataset, shapes)
    serial = run_plan(plan, data)
    forking.MIN_QUADS = 0
    assert forking.processes_for(2, 10) == 2
    forked = run_plan(plan, data, processes=2)
    # The same rows, each once; a query's solution order is the engine's (reports are sorted).
    assert len(forked) == len(set(forked)) == len(serial)
    assert set(forked) == set(serial)
    assert len(serial) > 0
    return len(serial)


def test_forked_processes_give_the_serial_rows() -> None:
    # Other tests in this process may leave threads behind, and then the validator rightly refuses to
    # fork; a fresh interpreter has one thread.
    code = "from tests.test_validation_scale import compare_forked_with_serial as c; print(c())"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) > 0


def test_no_fork_with_other_threads_or_when_asked_for_one(monkeypatch) -> None:
    monkeypatch.setattr(forking, "MIN_QUADS", 0)
    assert forking.processes_for(1, 10**9) == 1
    monkeypatch.setattr(forking.threading, "active_count", lambda: 2)
    assert forking.processes_for(0, 10**9) == 1
    assert forking.processes_for(4, 10**9) == 1


def test_small_graphs_are_not_forked() -> None:
    assert forking.processes_for(4, forking.MIN_QUADS - 1) == 1


def _keys(report: validation.ValidationReport) -> list[tuple[object, ...]]:
    fields = ("focus_node", "path", "constraint_component", "severity", "shape", "location")
    return sorted(tuple(str(getattr(r, f)) for f in fields) for r in report.results)


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.glob("*.ttl"))[::10])
def test_a_large_input_read_into_a_store_gives_the_same_results(case: str, settings, monkeypatch) -> None:
    path = CASES / case
    small = validation.validate_files([path], settings)
    monkeypatch.setattr(validation, "LARGE_INPUT_BYTES", 0)
    large = validation.validate_files([path], settings)
    assert _keys(large) == _keys(small)
    assert large.conforms == small.conforms


def test_a_large_input_that_does_not_parse_names_file_and_line(tmp_path: Path, settings, monkeypatch) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text('<urn:a> <urn:b> "x" <urn:g> .\n<urn:a> <urn:b "y" .\n', encoding="utf-8")
    monkeypatch.setattr(validation, "LARGE_INPUT_BYTES", 0)
    with pytest.raises(ParseError) as raised:
        validation.validate_files([bad], settings)
    assert raised.value.line == 2
    assert "bad.nq" in str(raised.value)


def test_line_scan_of_n_quads_agrees_with_the_token_scan(tmp_path: Path, settings) -> None:
    quads = list(parse_file(CASES / "conforms.ttl", ox.NamedNode("urn:g"), settings.base_iri))
    path = tmp_path / "data.nq"
    ox.serialize(quads, path, ox.RdfFormat.N_QUADS)
    by_lines = dict(source_lines.subject_lines(path))
    stat = path.stat()
    by_tokens = source_lines._scanned(path.resolve(), stat.st_mtime_ns, stat.st_size)
    assert by_lines == by_tokens
    assert len(by_lines) == len({q.subject for q in quads if isinstance(q.subject, ox.NamedNode)})
