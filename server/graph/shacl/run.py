"""Compile a shapes graph once, run its checks on a data graph, and turn the rows into findings.

    plan = compile_shapes(shape_triples, base_iri, prefixes)     # shapes -> checks (no data read)
    rows = run_plan(plan, DataGraph.from_dataset(ds, shapes_graph), focus=None)
    found = findings(rows, data)                                 # what a ValidationResult says

``focus`` restricts every check to those focus nodes: the rows are exactly the full run's rows for
them, because each check still reads the whole graph (see ``locality`` for which nodes to pass).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from server.graph.shacl import forking
from server.graph.shacl.data import DataGraph
from server.graph.shacl.expressions import CLASS_MARK_PATTERN, term
from server.graph.shacl.forking import Task
from server.graph.shacl.literal_checks import to_rdflib
from server.graph.shacl.plan import Check, Plan, plan_checks
from server.graph.shacl.reading import ShapeReader
from server.graph.shacl.shapes import RDF, RDFS, ShapesGraph
from server.settings import DEFAULT_BASE_IRI

RDF_TYPE = RDF + "type"


@dataclass(frozen=True)
class Row:
    check: Check
    bindings: tuple[tuple[str, Any], ...]  # variable name -> term, as the query returned them

    def get(self, name: str) -> Any:
        return next((t for n, t in self.bindings if n == name), None)


@dataclass(frozen=True)
class Finding:
    """One result in oxigraph terms; ``server.graph.validation`` writes it out as a ValidationResult."""

    severity: str  # IRI
    focus: Any
    path: str | None
    value: Any | None
    message: str
    shape: str | None
    component: str


PLANS_KEPT = 4  # shapes graphs whose plans are kept: ours, and a test's or an import's own


def compile_shapes(triples: Iterable[ox.Triple | ox.Quad], base: str, prefixes: dict[str, str]) -> Plan:
    """The checks of a shapes graph. Literals spelling the default base (SPARQL text, sh:namespace) are
    rebased as ``server.graph.validation`` does for pySHACL; the IRIs were rebased at load.

    A plan holds no data (each run makes its own function memos, ``Functions.custom_functions``), so the
    plan of a shapes graph seen before is reused: compiling ours took 26 ms, paid by every build, import,
    dry run and validation of a file.
    """
    triples = list(triples)
    key = (frozenset(triples), base, tuple(sorted(prefixes.items())))
    with _plans_lock:  # validations run in threads of a server (a publish, an import)
        plan = _plans.get(key)
        if plan is None:
            plan = _compile(triples, base, prefixes)
            while len(_plans) >= PLANS_KEPT:
                del _plans[next(iter(_plans))]  # the oldest
            _plans[key] = plan
    return plan


_plans: dict[tuple[frozenset[ox.Triple | ox.Quad], str, tuple[tuple[str, str], ...]], Plan] = {}
_plans_lock = threading.Lock()


def _compile(triples: Iterable[ox.Triple | ox.Quad], base: str, prefixes: dict[str, str]) -> Plan:
    if base != DEFAULT_BASE_IRI:
        triples = (_rebase_literal(t, base) for t in triples)
    graph = ShapesGraph(triples, prefixes)
    return plan_checks(ShapeReader(graph, {}).roots())


def _rebase_literal(t: ox.Triple | ox.Quad, base: str) -> ox.Triple:
    o = t.object
    if isinstance(o, ox.Literal) and DEFAULT_BASE_IRI in o.value:
        text = o.value.replace(DEFAULT_BASE_IRI, base)
        o = ox.Literal(text, language=o.language) if o.language else ox.Literal(text, datatype=o.datatype)
    return ox.Triple(t.subject, t.predicate, o)


Focus = Iterable[Any] | dict[int, set[Any] | None] | None
CHUNK = 2000  # focus nodes per VALUES clause, so that a large import does not make one huge query


def run_plan(plan: Plan, data: DataGraph, focus: Focus = None, processes: int = 1) -> list[Row]:
    """Every check's failing rows, without duplicates.

    ``focus``: None checks every focus node; a collection checks only those; a dict (from
    ``locality.affected``) gives each check (by index) its own nodes, None meaning all of them.
    Blank focus nodes cannot be named in SPARQL text: their checks run in full and keep their rows.
    ``processes`` > 1 runs the queries in that many forked processes (see ``forking``): pyoxigraph
    holds the GIL while a query runs, so threads would not help.
    """
    wanted: list[set[Any] | None]
    if focus is None:
        wanted = [None] * len(plan.checks)
    elif isinstance(focus, dict):
        wanted = [focus.get(i) for i in range(len(plan.checks))]
    else:
        nodes = set(focus)
        wanted = [nodes] * len(plan.checks)
    # The query texts are made here, in one process, so each class closure is asked once.
    classes = ClassClosures(data)
    tasks = [task for i, chosen in enumerate(wanted) for task in _tasks(plan.checks[i], i, chosen, classes)]
    functions = plan.functions.custom_functions
    rows: dict[Row, None] = {}
    for task, solutions in forking.map_queries(data, functions, tasks, processes):
        check = plan.checks[task.check]
        for bound in solutions:
            row = Row(check, bound)
            if task.only is None or row.get("this") in task.only:
                rows[row] = None
    return list(rows)


def _tasks(check: Check, index: int, chosen: set[Any] | None, classes: ClassClosures) -> list[Task]:
    if chosen is None:
        return [Task(index, check.query("", classes.fill), None)]
    named = sorted((n for n in chosen if not isinstance(n, ox.BlankNode)), key=str)
    tasks = []
    for start in range(0, len(named), CHUNK):
        restriction = "VALUES ?this { " + " ".join(term(n) for n in named[start : start + CHUNK]) + " }"
        tasks.append(Task(index, check.query(restriction, classes.fill), None))
    blanks = frozenset(n for n in chosen if isinstance(n, ox.BlankNode))
    if blanks:
        tasks.append(Task(index, check.query("", classes.fill), blanks))
    return tasks


class ClassClosures:
    """Fills in the class marks of a plan's queries with each class and its subclasses in the data
    graph (``rdfs:subClassOf*``), asked once per class and run."""

    def __init__(self, data: DataGraph) -> None:
        self._data = data
        self._found: dict[str, set[str]] = {}
        self._vars = 0

    def fill(self, text: str) -> str:
        return re.sub(CLASS_MARK_PATTERN, self._replace, text)

    def _replace(self, m: re.Match[str]) -> str:
        kind, var, iris = m.groups()
        classes = sorted(set().union(*(self._closure(iri) for iri in iris.split())))
        if len(classes) == 1:
            pattern = f"{var} <{RDF_TYPE}> {classes[0]}"
        else:
            self._vars += 1
            pattern = (
                f"VALUES ?_class{self._vars} {{ {' '.join(classes)} }} {var} <{RDF_TYPE}> ?_class{self._vars}"
            )
        return f"EXISTS {{ {pattern} }}" if kind == "test" else f"{pattern} ."

    def _closure(self, iri: str) -> set[str]:
        if iri not in self._found:
            query = f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* <{iri}> }}"
            found = {str(s["c"]) for s in self._data.query(query, {}) if isinstance(s["c"], ox.NamedNode)}
            found.add(f"<{iri}>")  # the class itself, as rdflib's transitive_subjects gives it
            self._found[iri] = found
        return self._found[iri]


def findings(rows: Iterable[Row], data: DataGraph) -> list[Finding]:
    return [_finding(row, data) for row in rows]


def _finding(row: Row, data: DataGraph) -> Finding:
    check, shape = row.check, row.check.shape
    focus = row.get("this")
    value = row.get("value") if (check.reports_value or check.sparql) else None
    path = shape.path.text if shape.path is not None else None
    messages: list[ox.Literal] = list(shape.messages)
    if check.sparql is not None:
        found_path = row.get("path")
        if found_path is not None:
            path = f"<{found_path.value}>" if isinstance(found_path, ox.NamedNode) else str(found_path)
        messages = [m for m in check.sparql.messages if m not in messages] + messages
        bound = {n: data.original(focus, t) for n, t in row.bindings if n not in ("this", "path", "value")}
        bound["this"] = focus
        if found_path is not None:
            bound["path"] = found_path
        bound["value"] = data.original(focus, value) if value is not None else focus
        texts = [(m.language, _substitute(m.value, bound)) for m in messages]
    else:
        texts = [(m.language, m.value) for m in messages]
    if value is not None:
        value = data.original(focus, value)
    if value == focus:  # node-level results repeat the focus node as the value
        value = None
    texts.sort(key=lambda m: m[0] != "en")
    return Finding(
        severity=shape.severity,
        focus=focus,
        path=path,
        value=value,
        message=texts[0][1] if texts else _generic_message(check),
        shape=shape.iri,
        component=check.component,
    )


def _substitute(message: str, bound: dict[str, Any]) -> str:
    """pySHACL's ``{?var}``/``{$var}`` substitution, with rdflib's string of each value."""
    for var, val in bound.items():
        text = str(to_rdflib(val))
        try:
            message = re.sub("{[?$]" + re.escape(var) + "}", text, message)
        except re.error:  # pySHACL passes the value as a replacement template; a backslash breaks it
            message = re.sub("{[?$]" + re.escape(var) + "}", _literally(text), message)
    return message


def _literally(text: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: text


def _generic_message(check: Check) -> str:
    name = check.component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    return f"{name} constraint of {check.shape.label} not met (the shape has no sh:message)"
