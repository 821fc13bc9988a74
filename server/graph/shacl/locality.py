"""Which focus nodes a change can affect, check by check: validating an import without the whole graph.

A check reads the triples it needs along walks from its focus node: its targets (``rdf:type``, or the
predicate of sh:targetSubjectsOf), its path, the types of values for sh:class, the paths of the shapes
nested in sh:node or sh:or, and for sh:sparql the triple patterns joined to ``$this``. Each read is a
``Read``: the triples of predicate ``p`` going out of (or coming into) the nodes that a property path
``prefix`` leads to from the focus node. A check's result for a focus node ``x`` can only change when a
triple it reads from ``x`` is added or removed, so for each changed triple ``(s, p, o)`` and each read
of ``p`` the affected focus nodes are those from which ``prefix`` leads to ``s`` (``o`` for incoming
reads): one query ``?x prefix ?n`` per read, in the graph after the change for added triples and in
the graph before it for removed ones.

Shapes read differently far. Most read their focus node's own triples or one step further (a value's
type); sh:sparql constraints can walk through shared values (``BusinessIdUniqueShape`` reaches the other
organisations with the same business ID: ``smh:businessId/^smh:businessId``). A few need the whole
graph, and then the check runs in full: an rdfs:subClassOf change (targets and sh:class follow
subclasses), and triple patterns that no walk from ``$this`` reaches, or that this module cannot read
(property paths inside sh:sparql). ``describe(plan)`` lists the reads of every check, for docs/.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from server.graph.shacl.data import DataGraph
from server.graph.shacl.expressions import term
from server.graph.shacl.paths import Step
from server.graph.shacl.plan import Check, Plan
from server.graph.shacl.probes import probe, probes_of
from server.graph.shacl.shapes import RDF, RDFS, Constraint, Shape
from server.graph.shacl.sparql_patterns import Pattern, triple_patterns

TYPE, SUBCLASS = RDF + "type", RDFS + "subClassOf"
NESTING = {"Node", "Or", "And", "Not", "Xone", "QualifiedValueShape"}
ANY_OUT = "!(<urn:smarthame:no-predicate>)"  # a property path step over any predicate
ANY_IN = "!(^<urn:smarthame:no-predicate>)"


@dataclass(frozen=True)
class Read:
    prefix: str  # a SPARQL property path from the focus node; "" is the focus node itself
    predicate: str | None  # an IRI; None for any predicate
    outgoing: bool


@dataclass
class Reach:
    """What one check reads; ``whole_graph`` names predicates whose change needs a full run of it."""

    reads: set[Read] = field(default_factory=set)
    whole_graph: set[str | None] = field(default_factory=set)
    classes: bool = False  # follows rdfs:subClassOf (targets or sh:class)


def reach(check: Check, parents: dict[Shape, list[Shape]]) -> Reach:
    r = Reach()
    _member(check.shape, "", r, parents)
    if check.sparql is not None:
        _sparql(check, r)
    elif check.shape.path is not None:
        end = _path(check.shape.path, "", r)
        if check.constraint is not None:
            _constraint(check.constraint, end, r)
    elif check.constraint is not None:
        _constraint(check.constraint, "", r)
    return r


def _join(prefix: str, step: str) -> str:
    """``prefix`` then ``step`` (spaces around the slash: no IRI holds one, so steps can be counted)."""
    return step if not prefix else f"{prefix} / {step}"


def _path(step: Step, prefix: str, r: Reach) -> str:
    """Reads along a path from ``prefix``; returns the prefix of its end."""
    if step.kind == "iri":
        r.reads.add(Read(prefix, step.iri, True))
    elif step.kind == "inverse" and step.parts[0].kind == "iri":
        r.reads.add(Read(prefix, step.parts[0].iri, False))
    elif step.kind == "inverse":
        return _path(_inverted(step.parts[0]), prefix, r)
    elif step.kind == "sequence":
        for part in step.parts:
            prefix = _path(part, prefix, r)
        return prefix
    elif step.kind == "alternative":
        for part in step.parts:
            _path(part, prefix, r)
    else:  # a repeat: every step may start anywhere along the repetition
        _path(step.parts[0], _join(prefix, f"({step.parts[0].sparql})*"), r)
    return _join(prefix, step.sparql)


def _inverted(step: Step) -> Step:
    if step.kind == "iri":
        return Step("inverse", parts=(step,))
    if step.kind == "inverse":
        return step.parts[0]
    if step.kind == "sequence":
        return Step("sequence", parts=tuple(_inverted(p) for p in reversed(step.parts)))
    return Step(step.kind, parts=tuple(_inverted(p) for p in step.parts))


def _constraint(c: Constraint, at: str, r: Reach) -> None:
    if c.component == "Class":
        r.reads.add(Read(at, TYPE, True))
        r.classes = True
    if c.component in NESTING:
        for shape in c.shapes:
            _shape(shape, at, r, set())


def _shape(shape: Shape, at: str, r: Reach, seen: set[int]) -> None:
    if id(shape) in seen:
        return
    seen.add(id(shape))
    end = _path(shape.path, at, r) if shape.path is not None else at
    for c in shape.constraints:
        _constraint(c, end, r)
    for p in shape.properties:
        _shape(p, end, r, seen)


def _member(shape: Shape, at: str, r: Reach, parents: dict[Shape, list[Shape]]) -> None:
    t = shape.targets
    if t.classes:
        r.reads.add(Read(at, TYPE, True))
        r.classes = True
    r.reads.update(Read(at, p.value, True) for p in t.subjects_of)
    r.reads.update(Read(at, p.value, False) for p in t.objects_of)
    for parent in parents.get(shape, []):
        if parent.path is None:
            _member(parent, at, r, parents)
        else:
            _member(parent, _path(_inverted(parent.path), at, r), r, parents)


def _sparql(check: Check, r: Reach) -> None:
    if check.sparql is None:
        return
    read = triple_patterns(check.sparql.select, dict(check.sparql.prefixes))
    if read is None:
        r.whole_graph.add(None)
        return
    patterns, scopes = read
    # Walk out from ?this over the triple patterns, never back over one already used on the way and
    # only between patterns that can share the variable (not across UNION branches), so a variable's
    # routes are the ways the query can join it to $this (at most a few each).
    routes: dict[str, list[tuple[str, int]]] = {"?this": [("", -1)]}
    queue: list[tuple[str, str, frozenset[int], Pattern | None]] = [("?this", "", frozenset(), None)]
    while queue:
        var, prefix, used, via = queue.pop(0)
        for n, pattern in enumerate(patterns):
            if n in used or (via is not None and not scopes.joinable(via, pattern, var, patterns)):
                continue
            p = pattern.predicate
            for end, other, outgoing in (
                (pattern.subject, pattern.object, True),
                (pattern.object, pattern.subject, False),
            ):
                if end != var:
                    continue
                r.reads.add(Read(prefix, p, outgoing))
                if not other.startswith("?") or other == "?this":
                    continue
                step = (f"<{p}>" if outgoing else f"^<{p}>") if p else (ANY_OUT if outgoing else ANY_IN)
                known = routes.setdefault(other, [])
                route = _join(prefix, step)
                if (route, n) not in known and len(known) < 16:
                    known.append((route, n))
                    queue.append((other, route, used | {n}, pattern))
    for pattern in patterns:
        if pattern.subject not in routes and pattern.object not in routes:
            r.whole_graph.add(pattern.predicate)


def affected(
    plan: Plan,
    after: DataGraph,
    added: Iterable[ox.Triple | ox.Quad],
    removed: Iterable[ox.Triple | ox.Quad] = (),
    before: DataGraph | None = None,
) -> dict[int, set[Any] | None]:
    """Check index -> the focus nodes whose results the change can alter (None: run the check in full).

    ``added`` triples are followed back in ``after``, ``removed`` ones in ``before`` (``after`` if not
    given, which misses nodes only the removed triples linked)."""
    changes = [(t, after) for t in added] + [(t, before or after) for t in removed]
    if any(t.predicate.value == SUBCLASS for t, _ in changes):
        return dict.fromkeys(range(len(plan.checks)))
    by_predicate: dict[str, list[tuple[Any, DataGraph]]] = {}
    for t, graph in changes:
        by_predicate.setdefault(t.predicate.value, []).append((t, graph))
    walker = _Walker()
    found: dict[int, set[Any] | None] = {}
    for index, check in enumerate(plan.checks):
        r = reach(check, plan.parents)
        if (None in r.whole_graph and changes) or any(p in by_predicate for p in r.whole_graph):
            found[index] = None
            continue
        probes = probes_of(check) if check.sparql is not None else None
        reads = r.reads
        nodes: set[Any] = set()
        if probes is not None:  # the query's own patterns by probe; becoming a focus node by walks
            probed = probe(probes, changes, by_predicate)
            if probed is None:
                found[index] = None
                continue
            nodes |= probed
            membership = Reach()
            _member(check.shape, "", membership, plan.parents)
            reads = membership.reads
        asks: dict[tuple[str, int], tuple[DataGraph, set[Any]]] = {}
        for read in reads:
            for t, graph in changes if read.predicate is None else by_predicate.get(read.predicate, []):
                near = t.subject if read.outgoing else t.object
                asks.setdefault((read.prefix, id(graph)), (graph, set()))[1].add(near)
        for (prefix, _), (graph, nears) in asks.items():
            nodes |= walker.back(prefix, nears, graph)
        found[index] = nodes
    return found


class _Walker:
    """Follows a prefix back from nodes: ``SELECT ?x { VALUES ?n {...} ?x prefix ?n }``."""

    def back(self, prefix: str, nears: set[Any], graph: DataGraph) -> set[Any]:
        if not prefix:
            return set(nears)
        found: set[Any] = set()
        named = sorted((n for n in nears if not isinstance(n, ox.BlankNode)), key=str)
        for start in range(0, len(named), 2000):
            values = " ".join(term(n) for n in named[start : start + 2000])
            rows = graph.query(f"SELECT DISTINCT ?x WHERE {{ VALUES ?n {{ {values} }} ?x {prefix} ?n }}", {})
            found |= {row["x"] for row in rows}
        for near in nears - set(named):  # no SPARQL text names a stored blank node: bind it
            rows = graph.query(f"SELECT ?x ?n WHERE {{ ?x {prefix} ?n }}", {}, {ox.Variable("n"): near})
            found |= {row["x"] for row in rows}
        return found


def describe(plan: Plan) -> list[tuple[str, str, str, str]]:
    """(shape, component, how far it reads, what it reads) for every check, for the documentation."""
    rows = []
    for check in plan.checks:
        r = reach(check, plan.parents)
        reads = sorted(
            (f"{read.prefix} then " if read.prefix else "")
            + ("" if read.outgoing else "^")
            + f"<{read.predicate or '*'}>"
            for read in r.reads
        )
        rows.append((check.shape.label, check.component.rsplit("#", 1)[-1], _how_far(r), ", ".join(reads)))
    return rows


def _how_far(r: Reach) -> str:
    if r.whole_graph:
        return "whole graph"
    steps = max((read.prefix.count(" / ") + 1 if read.prefix else 0) + 1 for read in r.reads)
    shared = any(
        read.prefix and not read.outgoing and read.predicate and read.prefix.endswith(f"<{read.predicate}>")
        for read in r.reads
    )
    far = "own triples" if steps == 1 else f"{steps} steps"
    return far + (", and nodes sharing a value" if shared else "")


def describe_markdown(plan: Plan, prefixes: dict[str, str]) -> str:
    """The table of ``describe`` with prefixed names, as docs/validation.md shows it."""
    ordered = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))

    def short(text: str) -> str:
        def compact(m: re.Match[str]) -> str:
            iri = m.group(1)
            for prefix, ns in ordered:
                if iri.startswith(ns) and re.fullmatch(r"[\w.\-]*", iri[len(ns) :]):
                    return f"{prefix}:{iri[len(ns) :]}"
            return m.group(0)

        text = text.replace(ANY_OUT, "*").replace(ANY_IN, "^*")
        return re.sub(r"<([^>\s]+)>", compact, text)

    lines = ["| shape | constraint | reach | reads from the focus node |", "|---|---|---|---|"]
    for shape, component, far, reads in describe(plan):
        lines.append(
            f"| {shape} | {component.removesuffix('ConstraintComponent')} | {far} | {short(reads)} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Print the table of docs/validation.md for the bundled shapes: python -m server.graph.shacl.locality"""
    from server.graph.loading import parse_file
    from server.graph.shacl.run import compile_shapes
    from server.graph.vocabulary import graph_iri, prefixes
    from server.settings import Settings

    settings = Settings()
    base = settings.base_iri
    shapes_file = settings.ontology_dir / "shapes.ttl"
    plan = compile_shapes(
        list(parse_file(shapes_file, ox.NamedNode(graph_iri("shapes", base)), base)), base, prefixes(base)
    )
    print(describe_markdown(plan, prefixes(base)))


if __name__ == "__main__":
    main()
