"""The fast validator gives pySHACL's results: on every case in tests/shapes_cases/, on the bundled
data, and on tests/validator_cases/ (SHACL features the project's shapes do not use yet, each TriG
file carrying its own shapes in graph/shapes).

Results are compared as sets of (focus node, path, constraint component, severity, value, shape,
message). Blank nodes are compared by their canonical description (their triples, and the triple
that refers to them, followed a few steps), so the comparison does not rest on blank node labels.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from server.graph.loading import bundled_sources, load_files, load_sources, parse_file
from server.graph.validation import ValidationReport, validate
from server.graph.vocabulary import graph_iri
from server.settings import Settings

HERE = Path(__file__).parent
SHAPE_CASES = sorted((HERE / "shapes_cases").glob("*.ttl"))
FEATURE_CASES = sorted((HERE / "validator_cases").glob("*.trig"))
Key = tuple[str, str | None, str, str, str | None, str | None, str]


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


def describe(text: str | None, data: ox.Dataset, depth: int = 3) -> str | None:
    """A result's term as text; a blank node as its triples and its referrer's, recursively."""
    if text is None or not text.startswith("_:"):
        return text
    return _describe(ox.BlankNode(text[2:]), data, depth)


def _describe(node: ox.NamedNode | ox.BlankNode | ox.Literal, data: ox.Dataset, depth: int) -> str:
    if not isinstance(node, ox.BlankNode):
        return str(node)
    if depth == 0:
        return "[]"
    out = sorted(
        f"{q.predicate} {_describe(q.object, data, depth - 1)}" for q in data.quads_for_subject(node)
    )
    into = sorted(
        f"^{q.predicate} {_describe(q.subject, data, depth - 1)}" for q in data.quads_for_object(node)
    )
    return "[" + "; ".join(out + into) + "]"


def keys(report: ValidationReport, data: ox.Dataset) -> set[Key]:
    return {
        (
            describe(r.focus_node, data) or "",
            r.path,
            r.constraint_component,
            r.severity,
            describe(r.value, data),
            r.shape,
            r.message,
        )
        for r in report.results
    }


def assert_same(data: ox.Dataset, settings: Settings, files: list[Path]) -> ValidationReport:
    fast = validate(data, settings, files=files, validator="fast")
    reference = validate(data, settings, files=files, validator="pyshacl")
    fast_keys, reference_keys = keys(fast, data), keys(reference, data)
    assert fast_keys == reference_keys, (
        f"only fast: {sorted(fast_keys - reference_keys)}\nonly pySHACL: {sorted(reference_keys - fast_keys)}"
    )
    assert fast.conforms == reference.conforms
    assert [r.location for r in sorted(fast.results, key=repr)] == [
        r.location for r in sorted(reference.results, key=repr)
    ]
    return fast


def with_ontology(path: Path, settings: Settings) -> ox.Dataset:
    """What validate_files checks: the file's quads and the ontology."""
    data = load_files([path], settings.base_iri)
    ontology = settings.ontology_dir / "smart-hame.ttl"
    for q in parse_file(ontology, ox.NamedNode(graph_iri("ontology", settings.base_iri)), settings.base_iri):
        data.add(q)
    return data


# pySHACL on every case is 23 s of CPU: a sweep, out of the fast lane (which still runs the fast validator
# on every case in tests/test_shapes.py, and both validators on the bundled data and the feature cases).
@pytest.mark.sweep
@pytest.mark.parametrize("path", SHAPE_CASES, ids=lambda p: p.stem)
def test_shape_case_gives_the_reference_results(path: Path, settings: Settings) -> None:
    report = assert_same(
        with_ontology(path, settings), settings, [path, settings.ontology_dir / "smart-hame.ttl"]
    )
    assert bool(report.results) == (path.name != "conforms.ttl")  # every bad case really fires


def test_bundled_data_gives_the_reference_results(settings: Settings) -> None:
    data = load_sources(bundled_sources(settings), settings.base_iri)
    files = [s.path for s in bundled_sources(settings) if s.graph != "shapes"]
    report = assert_same(data, settings, files)
    assert len(report.warnings) > 10 and report.conforms


@pytest.mark.parametrize("path", FEATURE_CASES, ids=lambda p: p.stem)
def test_feature_case_gives_the_reference_results(path: Path, settings: Settings) -> None:
    report = assert_same(load_files([path], settings.base_iri), settings, [path])
    fired = {(r.shape, r.constraint_component) for r in report.results}
    assert len(fired) >= 4, fired  # each case exercises several constraints
