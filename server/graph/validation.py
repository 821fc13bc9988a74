"""Run the Smart Häme SHACL shapes and return results a person can act on.

Two validators give the same results: ``fast`` (the default: the shapes compiled to SPARQL and run on
a pyoxigraph store, ``server.graph.shacl``) and ``pyshacl``, the reference, which converts the data
to rdflib first (the setting ``validator``, or ``--validator``). The data graph is the union of every
graph in the dataset except ``graph/shapes``: the data graphs and the ontology graph, whose concept
schemes the data links to. Neither validator infers anything (the shapes name their classes
explicitly; sh:targetClass and sh:class follow rdfs:subClassOf triples in the data).

    report = validate(load_sources(bundled_sources(settings), settings.base_iri), settings)
    report = validate_files([Path("mine.ttl")], settings)   # with the ontology, so schemes resolve
    report = validate(dataset, settings, focus=nodes)        # only results about these focus nodes
    report.conforms, report.violations, report.warnings, report.format_text(), report.as_json()

Each result carries ``location``, the ``file:line`` where its focus node is first written as a
subject (``server.graph.source_lines``; blank nodes take their referrer's line).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from server.errors import DataError
from server.graph.loading import bundled_sources, load_files, load_into, parse_file
from server.graph.rebasing import Rebaser
from server.graph.shacl import forking
from server.graph.shacl.data import DataGraph
from server.graph.shacl.literal_checks import to_rdflib
from server.graph.shacl.run import Finding, compile_shapes, findings, run_plan
from server.graph.source_lines import Locator
from server.graph.vocabulary import graph_iri, prefixes
from server.settings import DEFAULT_BASE_IRI, VALIDATORS, Settings

SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
Data = ox.Dataset | ox.Store


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result. IRIs are written out in full; ``path`` uses SPARQL property-path syntax."""

    severity: str  # "Violation", "Warning" or "Info"
    focus_node: str
    path: str | None
    value: str | None
    message: str
    shape: str | None
    constraint_component: str
    location: str | None = None  # "file:line" where the focus node is first a subject


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of one validation run; ``conforms`` means no violations (warnings allowed)."""

    conforms: bool
    results: list[ValidationResult]
    prefixes: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Warning"]

    def as_json(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [asdict(r) for r in self.results],
        }

    def format_text(self) -> str:
        """The report for a terminal: a summary line, then results grouped by severity and rule."""
        verdict = "Conforms" if self.conforms else "Does not conform"
        counts = f"{_plural(len(self.violations), 'violation')}, {_plural(len(self.warnings), 'warning')}"
        lines = [f"{verdict}: {counts}."]
        for severity in ("Violation", "Warning", "Info"):
            group = [r for r in self.results if r.severity == severity]
            if not group:
                continue
            lines.append(f"\n{severity}s")
            rules: dict[tuple[str | None, str, str], list[ValidationResult]] = {}
            for r in group:
                rules.setdefault((r.shape, r.constraint_component, r.message), []).append(r)
            for (shape, component, message), items in rules.items():
                lines.append(f"  {self._short(shape or '?')} ({self._short(component)}): {len(items)}")
                lines.append(f"    {message}")
                for r in items:
                    where = r.location or "(no file)"
                    detail = " ".join(self._short(x) for x in (r.path, r.value) if x)
                    lines.append(f"      {where}  {self._short(r.focus_node)}  {detail}".rstrip())
        return "\n".join(lines)

    def _short(self, text: str) -> str:
        """Compact full IRIs (bare or in angle brackets) with the report's prefixes."""

        def compact(m: re.Match[str]) -> str:
            iri = m.group(1) or m.group(2)
            for prefix, ns in sorted(self.prefixes.items(), key=lambda kv: -len(kv[1])):
                if iri.startswith(ns) and re.fullmatch(r"[\w.\-/]*", iri[len(ns) :]):
                    return f"{prefix}:{iri[len(ns) :]}"
            return m.group(0)

        return re.sub(r"<([^>\s]+)>|(https?://[^\s\"'<>|^]+)", compact, text)


def validate(
    dataset: Data,
    settings: Settings,
    *,
    files: Iterable[Path] | None = None,
    validator: str | None = None,
    focus: Iterable[ox.NamedNode | ox.BlankNode | ox.Literal] | None = None,
) -> ValidationReport:
    """Validate a dataset (or store) from ``server.graph.loading`` against its ``graph/shapes``
    (or ontology/shapes.ttl).

    ``files`` are scanned for locations; by default the bundled ontology and data files. ``validator``
    overrides the setting. ``focus`` keeps the results about those focus nodes only, exactly those
    of a full run; the fast validator checks only them (``server.graph.shacl.locality`` says which
    nodes a change can affect), the reference checks everything and keeps theirs.
    """
    backend = validator or settings.validator
    if backend not in VALIDATORS:
        choices = ", ".join(VALIDATORS)
        raise DataError(f"Unknown validator '{backend}': use one of {choices} (setting validator).")
    if files is None:
        files = [s.path for s in bundled_sources(settings) if s.graph != "shapes" and s.path.is_file()]
    locate = Locator(list(files), settings)
    if backend == "fast":
        results = _run_fast(dataset, settings, locate, focus)
    else:
        results = _run_reference(dataset, settings, locate)
        if focus is not None:
            wanted = {_term(to_rdflib(n)) for n in focus}
            results = [r for r in results if r.focus_node in wanted]
    return _report(results, settings)


def _run_reference(dataset: Data, settings: Settings, locate: Locator) -> list[ValidationResult]:
    base = settings.base_iri
    shapes_iri = ox.NamedNode(graph_iri("shapes", base))
    shapes = _graph(_quads_of(dataset, shapes_iri))
    if len(shapes) == 0:
        shapes = _shapes_from_file(settings.ontology_dir / "shapes.ttl", base)
    else:
        shapes = _rebase_literals(shapes, base)
    data = _graph(q for q in dataset if q.graph_name != shapes_iri)
    return _run(data, shapes, locate)


def _run_fast(
    dataset: Data, settings: Settings, locate: Locator, focus: Iterable[Any] | None
) -> list[ValidationResult]:
    base = settings.base_iri
    shapes_iri = ox.NamedNode(graph_iri("shapes", base))
    shape_quads = list(_quads_of(dataset, shapes_iri))
    if not shape_quads:
        shape_quads = list(_file_quads(settings.ontology_dir / "shapes.ttl", "shapes", base))
    plan = compile_shapes(shape_quads, base, prefixes(base))
    if isinstance(dataset, ox.Dataset):
        data = DataGraph.from_dataset(dataset, shapes_iri)
    else:
        data = DataGraph.from_store(dataset, shapes_iri)
    processes = forking.processes_for(settings.validator_processes, len(data.store))
    return fast_results(findings(run_plan(plan, data, focus, processes), data), data, locate)


def fast_results(found: Iterable[Finding], data: DataGraph, locate: Locator) -> list[ValidationResult]:
    """The fast validator's findings written out as results, with their locations."""
    return [
        ValidationResult(
            severity=SEVERITY_NAMES.get(URIRef(f.severity), "Violation"),
            focus_node=_term(to_rdflib(f.focus)),
            path=f.path,
            value=_term(to_rdflib(f.value)) if f.value is not None else None,
            message=f.message,
            shape=f.shape,
            constraint_component=f.component,
            location=locate(f.focus, data.referrer),
        )
        for f in found
    ]


def _quads_of(dataset: Data, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    if isinstance(dataset, ox.Dataset):
        return iter(dataset.quads_for_graph_name(graph))
    return dataset.quads_for_pattern(None, None, None, graph)


def _shapes_from_file(path: Path, base: str) -> Graph:
    stat = path.stat()
    return _cached_shapes(path.resolve(), stat.st_mtime_ns, stat.st_size, base)


@lru_cache(maxsize=4)
def _cached_shapes(path: Path, mtime_ns: int, size: int, base: str) -> Graph:
    """The shapes file as rdflib, read once per version of the file (pySHACL does not change it)."""
    return _rebase_literals(_graph(parse_file(path, ox.NamedNode(graph_iri("shapes", base)), base)), base)


def _file_quads(path: Path, graph: str, base: str) -> tuple[ox.Quad, ...]:
    """A bundled file (the shapes, the ontology) read once per version of the file, into ``graph``."""
    stat = path.stat()
    return _cached_file_quads(path.resolve(), stat.st_mtime_ns, stat.st_size, graph, base)


@lru_cache(maxsize=4)
def _cached_file_quads(path: Path, mtime_ns: int, size: int, graph: str, base: str) -> tuple[ox.Quad, ...]:
    return tuple(parse_file(path, ox.NamedNode(graph_iri(graph, base)), base))


LARGE_INPUT_BYTES = 20_000_000  # files larger than this together are read into a store directly


def validate_files(
    paths: Sequence[Path], settings: Settings, *, validator: str | None = None
) -> ValidationReport:
    """Validate arbitrary RDF files together with the ontology, against the bundled shapes.

    A ``graph/shapes`` inside the files (a dump, say) is ignored: the files are checked against ours.
    Raises ParseError (file and line) when a file does not parse.

    Large inputs are parsed straight into a pyoxigraph store (``loading.load_into``) instead of a
    Dataset: four times faster, but the store keeps typed literals in canonical form, so a result's
    value reads "-250000" where the file wrote "-250000.00" (docs/validation.md).
    """
    base = settings.base_iri
    ontology_file = settings.ontology_dir / "smart-hame.ttl"
    ontology = ox.NamedNode(graph_iri("ontology", base))
    shapes_iri = ox.NamedNode(graph_iri("shapes", base))
    data: Data
    if sum(Path(p).stat().st_size for p in paths if Path(p).is_file()) < LARGE_INPUT_BYTES:
        data = load_files(paths, base)
        for q in _file_quads(ontology_file, "ontology", base):
            data.add(q)
        for q in list(data.quads_for_graph_name(shapes_iri)):
            data.remove(q)
    else:
        data = ox.Store()
        for path in paths:
            load_into(data, Path(path), ox.DefaultGraph(), base)
        load_into(data, ontology_file, ontology, base)
        data.remove_graph(shapes_iri)
    return validate(data, settings, files=[*paths, ontology_file], validator=validator)


def _run(data: Graph, shapes: Graph, locate: Locator) -> list[ValidationResult]:
    report = pyshacl_report(data, shapes)
    return [_result(report, node, data, locate) for node in _top_level_results(report)]


def pyshacl_report(data: Graph, shapes: Graph) -> Graph:
    """pySHACL's report graph, run as this module runs it (no inference, warnings allowed)."""
    import pyshacl  # the reference validator only: with rdflib's SPARQL, 110 ms of every server's start

    with _quiet_rdflib():
        _, report, text = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference="none",
            abort_on_first=False,
            allow_warnings=True,
            meta_shacl=False,
            advanced=False,
            js=False,
        )
    if not isinstance(report, Graph):  # pySHACL could not run the shapes at all
        raise DataError(f"The SHACL shapes could not be run (ontology/shapes.ttl): {text}")
    return report


def _report(results: list[ValidationResult], settings: Settings) -> ValidationReport:
    results = sorted(
        results,
        key=lambda r: (
            r.severity != "Violation",
            r.severity,
            r.shape or "",
            *_location_key(r.location),
            r.focus_node,
            r.constraint_component,
            r.path or "",
            r.value or "",
            r.message,
        ),
    )
    return ValidationReport(
        conforms=not any(r.severity == "Violation" for r in results),
        results=results,
        prefixes=prefixes(settings.base_iri),
    )


def _location_key(location: str | None) -> tuple[str, int]:
    if location is None:
        return ("~", 0)
    file, _, line = location.rpartition(":")
    return (file, int(line)) if line.isdigit() else (location, 0)


def _top_level_results(report: Graph) -> Iterator[Any]:
    nested = set(report.objects(None, SH.detail))
    for node in report.subjects(RDF.type, SH.ValidationResult):
        if node not in nested:
            yield node


def _result(report: Graph, node: Any, data: Graph, locate: Locator) -> ValidationResult:
    focus = report.value(node, SH.focusNode)
    path = report.value(node, SH.resultPath)
    value = report.value(node, SH.value)
    if value == focus:  # node-level constraints repeat the focus node as the value
        value = None
    messages = sorted(
        report.objects(node, SH.resultMessage), key=lambda m: getattr(m, "language", None) != "en"
    )
    return ValidationResult(
        severity=SEVERITY_NAMES.get(report.value(node, SH.resultSeverity), "Violation"),
        focus_node=_term(focus),
        path=_path(report, path) if path is not None else None,
        value=_term(value) if value is not None else None,
        message=str(messages[0]) if messages else "",
        shape=_term(report.value(node, SH.sourceShape))
        if isinstance(report.value(node, SH.sourceShape), URIRef)
        else None,
        constraint_component=str(report.value(node, SH.sourceConstraintComponent)),
        location=locate(focus, data),
    )


def _term(term: Any) -> str:
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = '"' + str(term).replace("\\", "\\\\").replace('"', '\\"') + '"'
        if term.language:
            return f"{text}@{term.language}"
        return f"{text}^^<{term.datatype}>" if term.datatype else text
    return str(term)


def _path(g: Graph, path: Any) -> str:
    """A SHACL path as SPARQL property-path text with full IRIs in angle brackets."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    if (inverse := g.value(path, SH.inversePath)) is not None:
        return "^" + _path(g, inverse)
    if (alternatives := g.value(path, SH.alternativePath)) is not None:
        return "(" + "|".join(_path(g, p) for p in g.items(alternatives)) + ")"
    if g.value(path, RDF.first) is not None:
        return "/".join(_path(g, p) for p in g.items(path))
    for name, symbol in (("zeroOrMorePath", "*"), ("oneOrMorePath", "+"), ("zeroOrOnePath", "?")):
        if (inner := g.value(path, SH[name])) is not None:
            text = _path(g, inner)
            return (text if isinstance(inner, URIRef) else f"({text})") + symbol
    return str(path)


def _prepared(text: str) -> Any:
    # pySHACL writes the PREFIX lines in set order, which changes between runs: sort them for the key.
    lines = text.splitlines()
    prefixes = sorted(line for line in lines if line.lstrip().upper().startswith("PREFIX "))
    body = [line for line in lines if not line.lstrip().upper().startswith("PREFIX ")]
    return _prepare("\n".join(prefixes + body))


@lru_cache(maxsize=256)
def _prepare(text: str) -> Any:
    from rdflib.plugins.sparql import prepareQuery  # with pySHACL, on first need (see pyshacl_report)

    return prepareQuery(text)


class _PreparedQueryGraph(Graph):
    """An rdflib graph that parses each SPARQL text once per process.

    pySHACL runs a SPARQL constraint once per focus node with the same text and new bindings, and
    rdflib parses the text every time: parsing took 90% of a 14 s run over the bundled data (measured;
    2 s with the cache).
    """

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


def _graph(quads: Iterable[ox.Quad]) -> Graph:
    """Quads as one rdflib graph; terms are converted once each."""
    g = _PreparedQueryGraph()
    memo: dict[Any, Any] = {}

    def conv(t: Any) -> Any:
        r = memo.get(t)
        if r is None:
            r = memo[t] = _to_rdflib(t)
        return r

    with _quiet_rdflib():
        for q in quads:
            g.add((conv(q.subject), conv(q.predicate), conv(q.object)))
    return g


def _to_rdflib(term: Any) -> Any:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):  # rdflib treats "x" and "x"^^xsd:string as different terms
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported RDF term {term!r} (RDF-star triples are not validated)")


def _rebase_literals(shapes: Graph, base: str) -> Graph:
    """A copy with the default base rewritten inside literals (sh:namespace, SPARQL text).

    The loader rebases IRIs only; shapes spell the base out in a few literals too.
    """
    rebaser = Rebaser(DEFAULT_BASE_IRI, base)
    if rebaser.identity:
        return shapes
    rebased = _PreparedQueryGraph()
    for s, p, o in shapes:
        if isinstance(o, Literal) and rebaser.old in str(o):
            o = Literal(rebaser.text(str(o)), lang=o.language, datatype=o.datatype)
        rebased.add((s, p, o))
    return rebased


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback for every ill-typed literal; the shapes report those, once, readably."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
