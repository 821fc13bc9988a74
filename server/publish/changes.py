"""What changed between two published versions: quads added and removed per graph, and the projects and
organisations behind them.

    summary = write_changes(old_nq, new_nq, folder, base, new_store)

writes into ``folder`` (a version's ``changes/``):

    <graph>.added.nq, <graph>.removed.nq   canonical N-Quads, one pair per graph that changed
    changes.json                           counts per graph, and each changed project or organisation
                                           with what changed on it (the changelog page reads this)

and returns the counts (kept in the version's manifest).

Both versions' ``dataset.nq`` are sorted (``server.publish.publishing``), so the quads without blank nodes
are compared in one streaming merge, in constant memory. Blank nodes are labelled by canonicalising the
whole dataset (RDFC-1.0), so one new blank node can shift the labels of all the others; the quads with
blank nodes are therefore compared as *molecules* instead: per graph, each set of quads connected through
blank nodes is canonicalised on its own and its blank nodes named after the hash of the result. A molecule
that did not change keeps its name, whatever happened elsewhere, and only changed ones are listed.

Entities: a changed statement belongs to the project or organisation it is about: its subject, the
entity whose IRI its subject's IRI extends (``project/X/status/1`` is ``project/X``'s), or the project a
classification names (``smh:classifiedProject``). Beyond ``DETAIL_LIMIT`` changed quads only the counts
are kept (a rebuild from other sources changes everything, and a list of every quad helps nobody).
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import itertools
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from server.graph.versions import own_quads
from server.graph.vocabulary import ORG, RDF_TYPE, SKOS, ontology_ns
from server.publish.dumps import graph_slug
from server.publish.ordering import quad_key

DETAIL_LIMIT = 20_000  # changed quads beyond which entities are counted, not listed
# Classes whose instances the changelog lists (ontology terms by local name); the test fixture's own
# ontology calls organisations smh:Organisation.
ENTITY_KINDS = {"Project": "project", "Organisation": "organisation", ORG + "Organization": "organisation"}
Side = str  # "added" or "removed"


def read_quads(path: Path | None) -> Iterator[ox.Quad]:
    """The quads of a version's N-Quads, plain or gzip-compressed (a pruned version keeps the latter)."""
    if path is None:
        return iter(())
    if path.suffix == ".gz":
        return _gzip_quads(path)
    return ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)


def _gzip_quads(path: Path) -> Iterator[ox.Quad]:
    with gzip.open(path, "rb") as f:
        yield from ox.parse(cast("IO[bytes]", f), format=ox.RdfFormat.N_QUADS)


def write_changes(
    old: Path | None, new: Path, folder: Path, base: str, new_store: ox.Store | None = None
) -> dict[str, Any]:
    """Compare version ``old`` (None: an empty dataset) with ``new``; write the files; return the counts."""
    folder.mkdir()
    writers = _Writers(folder, base)
    blank: dict[Side, dict[str, list[ox.Quad]]] = {"removed": defaultdict(list), "added": defaultdict(list)}
    changed: list[tuple[Side, ox.Quad]] = []
    for side, q in _merge(_plain(read_quads(old), blank["removed"]), _plain(read_quads(new), blank["added"])):
        writers.write(side, q)
        if len(changed) <= DETAIL_LIMIT:
            changed.append((side, q))
    described: dict[str, list[ox.Quad]] = defaultdict(list)  # blank node -> its statements, to show it
    for side, q in _molecule_changes(blank["removed"], blank["added"]):
        writers.write(side, q)
        if isinstance(q.subject, ox.BlankNode):
            described[q.subject.value].append(q)
        if len(changed) <= DETAIL_LIMIT:
            changed.append((side, q))
    writers.close()
    summary: dict[str, Any] = {
        "added": writers.total["added"],
        "removed": writers.total["removed"],
        "graphs": writers.per_graph(),
    }
    details = len(changed) <= DETAIL_LIMIT
    entities = _entities(changed, described, old, new_store, base) if details else []
    summary["entities"] = {
        kind: sum(1 for e in entities if e["change"] == kind) for kind in ("added", "changed", "removed")
    }
    summary["listed"] = details
    body = {**summary, "entity_changes": entities}
    # Without indentation: json's C encoder (indented, the Python one took 0.7 s of a 3.7 s publish).
    (folder / "changes.json").write_text(json.dumps(body, ensure_ascii=False) + "\n")
    return summary


class _Writers:
    """One N-Quads file per graph and side, opened when its first quad comes."""

    def __init__(self, folder: Path, base: str) -> None:
        self.folder = folder
        self.base = base
        self.files: dict[tuple[str, Side], IO[bytes]] = {}
        self.counts: dict[str, dict[Side, int]] = defaultdict(lambda: {"added": 0, "removed": 0})
        self.total = {"added": 0, "removed": 0}

    def write(self, side: Side, q: ox.Quad) -> None:
        graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        out = self.files.get((graph, side))
        if out is None:
            name = f"{graph_slug(graph, self.base) if graph else 'default'}.{side}.nq"
            out = self.files[(graph, side)] = open(self.folder / name, "wb")  # noqa: SIM115 - closed below
        out.write(f"{q} .\n".encode())
        self.counts[graph][side] += 1
        self.total[side] += 1

    def close(self) -> None:
        for f in self.files.values():
            f.close()

    def per_graph(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for graph, counts in sorted(self.counts.items()):
            slug = graph_slug(graph, self.base) if graph else "default"
            files = [f"{slug}.{side}.nq" for side in ("added", "removed") if counts[side]]
            out[graph or "(default graph)"] = {**counts, "files": files}
        return out


def _plain(quads: Iterable[ox.Quad], blank: dict[str, list[ox.Quad]]) -> Iterator[ox.Quad]:
    """The quads without blank nodes; the others are set aside per graph, for the molecules."""
    for q in quads:
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            blank[str(q.graph_name)].append(q)
        else:
            yield q


def _merge(old: Iterator[ox.Quad], new: Iterator[ox.Quad]) -> Iterator[tuple[Side, ox.Quad]]:
    """Two sorted streams compared in one pass: what only ``old`` has is removed, only ``new`` added."""
    tagged = heapq.merge(
        ((quad_key(q), 0, q) for q in old), ((quad_key(q), 1, q) for q in new), key=lambda t: t[:2]
    )
    for _, group in itertools.groupby(tagged, key=lambda t: t[0]):
        sides = {t[1]: t[2] for t in group}
        if len(sides) == 1:
            ((side, q),) = sides.items()
            yield ("removed" if side == 0 else "added"), q


def _molecule_changes(
    old: dict[str, list[ox.Quad]], new: dict[str, list[ox.Quad]]
) -> Iterator[tuple[Side, ox.Quad]]:
    for graph in sorted(set(old) | set(new)):
        before, after = _molecules(old.get(graph, [])), _molecules(new.get(graph, []))
        for side, these, others in (("removed", before, after), ("added", after, before)):
            for name in sorted(set(these) - set(others)):
                yield from ((side, q) for q in these[name])


def _molecules(quads: list[ox.Quad]) -> dict[str, list[ox.Quad]]:
    """Quads connected through blank nodes, each canonicalised alone and named by its hash."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for q in quads:
        nodes = [t.value for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)]
        for other in nodes[1:]:
            parent[find(other)] = find(nodes[0])
        find(nodes[0])
    groups: dict[str, list[ox.Quad]] = defaultdict(list)
    for q in quads:
        node = q.subject if isinstance(q.subject, ox.BlankNode) else q.object
        groups[find(cast(ox.BlankNode, node).value)].append(q)  # _plain set aside only these
    named: dict[str, list[ox.Quad]] = {}
    for group in groups.values():
        ds = ox.Dataset(group)
        ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        lines = sorted(str(q) for q in ds)
        name = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
        named[name] = sorted((_renamed(q, name) for q in ds), key=quad_key)
    return named


def _renamed(q: ox.Quad, molecule: str) -> ox.Quad:
    def term(t: Any) -> Any:
        return (
            ox.BlankNode(f"m{molecule}{t.value.removeprefix('c14n')}") if isinstance(t, ox.BlankNode) else t
        )

    return ox.Quad(term(q.subject), q.predicate, term(q.object), q.graph_name)


# --------------------------------------------------------------------------------------------- entities


def _entities(
    changed: list[tuple[Side, ox.Quad]],
    described: dict[str, list[ox.Quad]],
    old: Path | None,
    new_store: ox.Store | None,
    base: str,
) -> list[dict[str, Any]]:
    """Each project or organisation that the changed quads are about, with what changed on it."""
    if not changed:
        return []
    facts = _Facts(base)
    candidates = {q.subject.value for _, q in changed if isinstance(q.subject, ox.NamedNode)}
    candidates |= {prefix for iri in candidates for prefix in _prefixes(iri, base)}
    facts.learn(changed_quads(changed), candidates)
    facts.learn(read_quads(old), candidates)
    if new_store is not None:
        for iri in candidates:
            facts.learn(own_quads(new_store, ox.NamedNode(iri)), candidates)
    entities: dict[str, dict[str, Any]] = {}
    for side, q in changed:
        if not isinstance(q.subject, ox.NamedNode):
            continue
        subject = q.subject.value
        owner = facts.owner(subject, base)
        if owner is None:
            continue
        entity = entities.setdefault(owner, facts.entity(owner))
        node = subject[len(owner) :].lstrip("/") if subject.startswith(owner) else subject.removeprefix(base)
        key = (node, q.predicate.value, q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else "")
        shown = _value(q.object, described)
        entity["_props"].setdefault(key, {"added": [], "removed": []})[side].append(shown)
        if node == "" and q.predicate == RDF_TYPE and _iri(q.object) in facts.kinds:
            entity["change"] = side
    return [_finish(e) for _, e in sorted(entities.items())]


def changed_quads(changed: list[tuple[Side, ox.Quad]]) -> Iterator[ox.Quad]:
    return (q for _, q in changed)


def _prefixes(iri: str, base: str) -> Iterator[str]:
    rest = iri[len(base) :] if iri.startswith(base) else ""
    parts = rest.split("/")
    for n in range(1, len(parts)):
        yield base + "/".join(parts[:n])


class _Facts:
    """What the two versions say of the candidate IRIs: types, names, the project a classification names."""

    def __init__(self, base: str) -> None:
        smh = ontology_ns(base)
        self.kinds = {(smh + k if "/" not in k else k): v for k, v in ENTITY_KINDS.items()}
        self.classified = smh + "classifiedProject"
        self.types: dict[str, set[str]] = defaultdict(set)
        self.labels: dict[str, dict[str, str]] = defaultdict(dict)
        self.projects: dict[str, str] = {}

    def learn(self, quads: Iterable[ox.Quad], candidates: set[str]) -> None:
        label = SKOS + "prefLabel"
        for q in quads:
            s = q.subject.value if isinstance(q.subject, ox.NamedNode) else None
            if s is None or s not in candidates:
                continue
            p, o = q.predicate.value, _iri(q.object)
            if p == RDF_TYPE.value and o in self.kinds:
                self.types[s].add(self.kinds[o])
            elif p == label and isinstance(q.object, ox.Literal):
                self.labels[s].setdefault(q.object.language or "", q.object.value)
            elif p == self.classified and isinstance(q.object, ox.NamedNode):
                self.projects[s] = q.object.value

    def owner(self, iri: str, base: str) -> str | None:
        if iri in self.types:
            return iri
        for prefix in sorted(_prefixes(iri, base), key=len, reverse=True):
            if prefix in self.types:
                return prefix
        return self.projects.get(iri)

    def entity(self, iri: str) -> dict[str, Any]:
        kind = sorted(self.types.get(iri) or {"project"})[0]
        return {
            "iri": iri,
            "kind": kind,
            "labels": dict(self.labels.get(iri, {})),
            "change": "changed",
            "_props": {},
        }


def _value(term: Any, described: dict[str, list[ox.Quad]]) -> dict[str, str]:
    if isinstance(term, ox.Literal):
        out = {"literal": term.value}
        if term.language:
            out["lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.NamedNode):
        return {"iri": term.value}
    # A blank node is shown by its own statements, one level deep: "value 1000.5".
    statements = sorted(described.get(term.value, []), key=quad_key)
    return {"blank": "; ".join(f"{_local(q.predicate.value)} {_text(q.object)}" for q in statements) or "…"}


def _iri(term: Any) -> str | None:
    return term.value if isinstance(term, ox.NamedNode) else None


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _text(term: Any) -> str:
    return (
        term.value
        if isinstance(term, ox.Literal)
        else (_local(term.value) if isinstance(term, ox.NamedNode) else "…")
    )


def _finish(entity: dict[str, Any]) -> dict[str, Any]:
    props = entity.pop("_props")
    entity["properties"] = [
        {"node": node, "predicate": p, "graph": g, **values} for (node, p, g), values in sorted(props.items())
    ]
    return entity
