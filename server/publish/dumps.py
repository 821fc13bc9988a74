"""Dumps of the published dataset: the files under ``/dumps/`` and the bytes of ``smarthame dump``.

Every dump is written by :func:`write_dump`, so the server's files and the command line give the same
bytes. Dumps stream from the published, sorted N-Quads file (rebased onto the served base IRI as the
quads go past) straight into pyoxigraph's serialiser: nothing holds a second copy of the dataset in
Python memory, whatever its size.

    dataset            whole dataset         smart-hame.trig, smart-hame.nq
    merged graph       every triple once     smart-hame.ttl, smart-hame.nt
    one named graph    graph/<name> alone    graph-<name>.ttl, graph-<name>.nt

Each file also exists gzip-compressed (``.gz``, deterministic header) so its checksum never changes for
the same data. :func:`open_dumps` writes them once per dataset version into
``<build_dir>/dumps/<version>/`` with a ``manifest.json`` of sizes and SHA-256 sums, built in a staging
folder and renamed into place, so a reader never sees half a set.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast, overload

import pyoxigraph as ox

from server.errors import BadParameter, NotFound
from server.graph.rebasing import Rebaser
from server.graph.versions import Published, own_quads
from server.graph.vocabulary import RDF_TYPE, prefixes
from server.publish.ordering import sorted_quads
from server.settings import DEFAULT_BASE_IRI
from server.sparql.formats import GZIP, N_QUADS, N_TRIPLES, TRIG, TURTLE
from server.sparql.remote_store import local_copy

CHUNK = 1 << 20  # bytes per read when compressing and hashing; 1 MiB keeps memory flat
# Measured on 16 MiB of our N-Quads: level 9 took 2.8x as long for an 11% smaller file, level 1 a third
# of the time for a 44% larger one; 6 (zlib's default) sits between.
GZIP_LEVEL = 6
STEM = "smart-hame"
DUMPS = "dumps"  # the folder of a version's dump set (server.graph.versions)


@dataclass(frozen=True)
class DumpKind:
    """One RDF syntax a dump is written in."""

    name: str  # as given to `smarthame dump --format`
    format: ox.RdfFormat
    extension: str
    media_type: str
    file_type: str  # code in the EU file-type authority table
    quads: bool


KINDS: dict[str, DumpKind] = {
    k.name: k
    for k in (
        DumpKind("trig", ox.RdfFormat.TRIG, "trig", TRIG, "RDF_TRIG", True),
        DumpKind("nquads", ox.RdfFormat.N_QUADS, "nq", N_QUADS, "RDF_N_QUADS", True),
        DumpKind("turtle", ox.RdfFormat.TURTLE, "ttl", TURTLE, "RDF_TURTLE", False),
        DumpKind("ntriples", ox.RdfFormat.N_TRIPLES, "nt", N_TRIPLES, "RDF_N_TRIPLES", False),
    )
}
GRAPH_KINDS = ("turtle", "ntriples")  # the syntaxes each named graph is offered in


@dataclass
class Counts:
    """What a dump holds: triples, triples per predicate, instances per class (rdf:type objects).

    Filled as the statements stream into the serialiser, so counting costs no extra pass. Counted over
    the merged graph these are the VoID statistics of the dataset, and they agree with the files by
    construction.
    """

    triples: int = 0
    properties: Counter[str] = field(default_factory=Counter)
    classes: Counter[str] = field(default_factory=Counter)

    @overload
    def observe(self, statements: Iterable[ox.Triple]) -> Iterator[ox.Triple]: ...
    @overload
    def observe(self, statements: Iterable[ox.Quad]) -> Iterator[ox.Quad]: ...

    def observe(self, statements: Iterable[Any]) -> Iterator[Any]:
        for t in statements:
            self.triples += 1
            self.properties[t.predicate.value] += 1
            if t.predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode):
                self.classes[t.object.value] += 1
            yield t

    def as_json(self) -> dict[str, Any]:
        return {
            "triples": self.triples,
            "properties": dict(sorted(self.properties.items())),
            "classes": dict(sorted(self.classes.items())),
        }

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Counts:
        return cls(body["triples"], Counter(body["properties"]), Counter(body["classes"]))


@dataclass(frozen=True)
class DumpFile:
    """One file of the dump set, as listed on ``/dumps/`` and in the catalogue."""

    name: str
    kind: str  # a key of KINDS
    graph: str | None  # named graph IRI; None for the whole dataset or the merged graph
    compressed: bool
    size: int
    sha256: str

    @property
    def media_type(self) -> str:
        return GZIP if self.compressed else KINDS[self.kind].media_type


@dataclass(frozen=True)
class DumpSet:
    """The dumps of one published version, on disk."""

    folder: Path
    version: str
    files: tuple[DumpFile, ...]
    merged: Counts  # the merged graph, as in smart-hame.nt
    graphs: dict[str, int]  # named graph IRI -> triples
    base_iri: str = DEFAULT_BASE_IRI

    def get(self, name: str) -> DumpFile:
        for f in self.files:
            if f.name == name:
                return f
        raise NotFound(f"No dump named '{name}'; GET /dumps/ lists them.")

    def path(self, f: DumpFile) -> Path:
        return self.folder / f.name

    def sha256sums(self) -> str:
        """The set in ``sha256sum`` format, for ``sha256sum -c``."""
        return "".join(f"{f.sha256}  {f.name}\n" for f in self.files)


def write_dump(
    published: Published,
    out: BinaryIO,
    format: str = "trig",
    graph: str | None = None,
    counts: Counts | None = None,
) -> None:
    """Write the published dataset (or one named ``graph``) to ``out`` in ``format`` (a key of KINDS).

    Quad syntaxes write every quad; triple syntaxes write the merged graph, each triple once. With
    ``graph`` only that graph is written. Streams: memory does not grow with the dataset. ``counts``,
    when given, is filled with the statistics of what was written.
    """
    kind = KINDS.get(format)
    if kind is None:
        raise BadParameter("format", f"'{format}' is not a dump format; use one of {', '.join(KINDS)}")
    statements: Iterable[ox.Quad] | Iterable[ox.Triple]
    if graph is not None:
        quads = _graph_quads(published, graph)
        statements = quads if kind.quads else (q.triple for q in quads)
    elif kind.quads:
        statements = published_quads(published)
    else:
        statements = merged_triples(published)
    _serialize(published, statements, out, kind, counts)


def _serialize(
    published: Published,
    statements: Iterable[ox.Quad] | Iterable[ox.Triple],
    out: BinaryIO,
    kind: DumpKind,
    counts: Counts | None,
) -> None:
    # The one place dump bytes are produced, so that the server's files and `smarthame dump` agree.
    if counts is not None:
        statements = counts.observe(statements)
    ox.serialize(statements, out, kind.format, prefixes=_prefixes(published, kind))


def write_graph_dumps(published: Published, folder: Path, format: str) -> dict[str, tuple[str, Counts]]:
    """Every named graph alone in ``format`` (one of GRAPH_KINDS), in one pass over the data, where
    graphs are contiguous.

    Each file has the bytes ``write_dump(published, out, format, graph=g)`` gives. Returns graph IRI ->
    (file name, counts).
    """
    kind = KINDS[format]
    if kind.quads:
        raise BadParameter("format", f"graphs are dumped as triples; use one of {', '.join(GRAPH_KINDS)}")
    names = {g: name for name, k, g in dump_plan(published) if k == format and g is not None}
    written: dict[str, tuple[str, Counts]] = {}
    for graph, quads in itertools.groupby(published_quads(published), key=lambda q: q.graph_name):
        if not isinstance(graph, ox.NamedNode) or graph.value not in names:
            continue  # the default graph (served files only) has no dump of its own; the group is skipped
        counts = Counts()
        with open(folder / names[graph.value], "wb") as out:
            _serialize(published, (q.triple for q in quads), out, kind, counts)
        written[graph.value] = (names[graph.value], counts)
    return written


def published_quads(published: Published) -> Iterator[ox.Quad]:
    """Every quad of the published version, rebased onto its base IRI, in the published (sorted) order.

    Served from files (``serve FILES``) there is no published N-Quads file: those quads are sorted in
    memory, which is fine for the small files that mode is for and is not the path large data takes.
    """
    if published.path is None:
        yield from sorted_quads(own_quads(published.store))
        return
    built_base = published.manifest.get("base_iri", DEFAULT_BASE_IRI)
    quads = ox.parse(path=str(published.path), format=ox.RdfFormat.N_QUADS)
    if built_base == published.base_iri:
        yield from quads
        return
    rebaser = Rebaser(built_base, published.base_iri)
    yield from (rebaser.quad(q) for q in quads)


def merged_triples(published: Published) -> Iterator[ox.Triple]:
    """The union of all graphs, each triple once, in the published order.

    A triple is written where it first occurs; whether it occurred in an earlier graph is asked of the
    store, which keeps memory flat. The data is sorted by graph then subject, so the store is asked once
    per subject block whether that subject has statements in an earlier graph, and only if it does,
    once per triple. Triples with a blank node are always written: blank nodes are scoped to their
    source file, and each file feeds one graph, so such a triple cannot repeat across graphs (and the
    store has relabelled its blank nodes anyway).
    """
    store = published.store
    seen: list[ox.NamedNode | ox.DefaultGraph] = []
    for graph, quads in itertools.groupby(published_quads(published), key=lambda q: q.graph_name):
        for subject, block in itertools.groupby(quads, key=lambda q: q.subject):
            earlier = _earlier_graphs(store, subject, seen)
            for q in block:
                if (
                    earlier
                    and not isinstance(q.object, ox.BlankNode)
                    and any(ox.Quad(q.subject, q.predicate, q.object, g) in store for g in earlier)
                ):
                    continue
                yield q.triple
        seen.append(graph)


def _earlier_graphs(
    store: ox.Store, subject: ox.NamedNode | ox.BlankNode, seen: list[ox.NamedNode | ox.DefaultGraph]
) -> list[ox.NamedNode | ox.DefaultGraph]:
    """Those of the ``seen`` graphs where ``subject`` has statements (none for a blank node)."""
    if isinstance(subject, ox.BlankNode):
        return []
    return [g for g in seen if next(store.quads_for_pattern(subject, None, None, g), None) is not None]


def _graph_quads(published: Published, graph: str) -> Iterator[ox.Quad]:
    target = ox.NamedNode(graph)
    if target not in set(published.store.named_graphs()):
        raise NotFound(f"No named graph <{graph}>; the graphs are: {', '.join(published.graph_names)}.")
    quads = itertools.dropwhile(lambda q: q.graph_name != target, published_quads(published))
    return itertools.takewhile(lambda q: q.graph_name == target, quads)


def _prefixes(published: Published, kind: DumpKind) -> dict[str, str] | None:
    if kind.format not in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        return None
    return {k: v for k, v in prefixes(published.base_iri).items() if k != "res"}  # res:a\/b is unreadable


def graph_slug(graph: str, base: str) -> str:
    """``graph/projects`` -> ``projects``; a graph outside the base gets a short hash of its IRI."""
    prefix = f"{base}graph/"
    rest = graph[len(prefix) :] if graph.startswith(prefix) else ""
    if rest and all(c.isalnum() or c in "-_" for c in rest):
        return rest
    return "g" + hashlib.sha256(graph.encode()).hexdigest()[:12]


def dump_plan(published: Published) -> list[tuple[str, str, str | None]]:
    """(file name, format, graph IRI or None) of every uncompressed dump, in listing order."""
    plan: list[tuple[str, str, str | None]] = [(f"{STEM}.{KINDS[k].extension}", k, None) for k in KINDS]
    for g in published.graph_names:
        slug = graph_slug(g, published.base_iri)
        plan += [(f"graph-{slug}.{KINDS[k].extension}", k, g) for k in GRAPH_KINDS]
    return plan


def dumps_folder(published: Published, build_dir: Path) -> Path:
    """Where the dumps of ``published`` live: one folder per version *and* published content.

    The version names the inputs, but publishing the same inputs again writes new blank node labels, so
    the file's size and modification time are part of the name: dumps never outlive the file they copy.
    Over an external engine there is no file: the manifest's content hash is part of the name, for two
    releases of one version number (another build folder's) may be published there one after the other.
    """
    if published.path is None:
        content = published.manifest.get("content_sha256")
        return build_dir / "dumps" / (f"{published.version}-{content[:12]}" if content else published.version)
    stat = published.path.stat()
    stamp = hashlib.sha256(f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}".encode()).hexdigest()[:8]
    return build_dir / "dumps" / f"{published.version}-{stamp}"


def open_dumps(published: Published, build_dir: Path) -> DumpSet:
    """The dump set of ``published``: the one written with its version when it was published, else one
    read from ``<build_dir>/dumps/`` (written there first if absent: served files, another base IRI)."""
    if published.folder is not None:
        own = published.folder / DUMPS
        if (own / "manifest.json").is_file():
            dumps = read_dump_set(own)
            if dumps.base_iri == published.base_iri:
                return dumps
    folder = dumps_folder(published, build_dir)
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        write_dump_set(published, folder)
    return read_dump_set(folder)


def write_dump_set(published: Published, folder: Path) -> None:
    """Write every dump of ``published`` into ``folder`` (which must not exist), whole or not at all."""
    published = local_copy(published)  # one read of an external engine, not one per subject
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder.parent))
    try:
        merged = _write_whole_dumps(published, staging)
        graphs: dict[str, int] = {}
        for kind in GRAPH_KINDS:
            for named, (_, counts) in write_graph_dumps(published, staging, kind).items():
                graphs[named] = counts.triples
        files: list[DumpFile] = []
        for name, kind, graph in dump_plan(published):
            _gzip(staging / name, staging / f"{name}.gz")
            files.append(_describe(staging, name, kind, graph, compressed=False))
            files.append(_describe(staging, f"{name}.gz", kind, graph, compressed=True))
        body = {
            "version": published.version,
            "base_iri": published.base_iri,
            "files": [asdict(f) for f in files],
            "merged": merged.as_json(),
            "graphs": graphs,
        }
        (staging / "manifest.json").write_text(json.dumps(body, indent=2) + "\n")
        try:
            os.replace(staging, folder)
        except OSError:
            # Another process published the same version first; its files are the same bytes.
            if not (folder / "manifest.json").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_whole_dumps(published: Published, staging: Path) -> Counts:
    """The dumps of the whole dataset and of the merged graph into ``staging``; the merged graph's counts.

    The bytes are ``write_dump``'s, with less work: the N-Quads dump is the published ``dataset.nq``
    itself when no rebasing is needed (the same sorted quads, serialised alike), and the merged graph is
    worked out once, for N-Triples, whose file then feeds the Turtle dump (the same triples in the same
    order; N-Triples keeps blank node labels and literal spellings)."""
    names = {kind: name for name, kind, graph in dump_plan(published) if graph is None}
    merged = Counts()
    for kind in ("trig", "nquads", "ntriples"):
        target = staging / names[kind]
        if kind == "nquads" and _is_published_file(published):
            shutil.copyfile(cast("Path", published.path), target)
            continue
        with open(target, "wb") as out:
            write_dump(published, out, kind, counts=merged if kind == "ntriples" else None)
    with open(staging / names["turtle"], "wb") as out:
        triples = ox.parse(path=str(staging / names["ntriples"]), format=ox.RdfFormat.N_TRIPLES)
        _serialize(published, (q.triple for q in triples), out, KINDS["turtle"], None)
    return merged


def _is_published_file(published: Published) -> bool:
    """Whether ``published_quads`` are the published N-Quads file as it is (not rebased)."""
    return (
        published.path is not None
        and published.manifest.get("base_iri", DEFAULT_BASE_IRI) == published.base_iri
    )


def read_dump_set(folder: Path) -> DumpSet:
    """The dump set written into ``folder`` (its ``manifest.json``)."""
    body = json.loads((folder / "manifest.json").read_text())
    files = tuple(DumpFile(**f) for f in body["files"])
    return DumpSet(
        folder,
        body["version"],
        files,
        Counts.from_json(body["merged"]),
        body["graphs"],
        body.get("base_iri", DEFAULT_BASE_IRI),
    )


def _gzip(source: Path, target: Path) -> None:
    # mtime=0 and no file name in the header: the same input always gives the same bytes.
    with (
        open(source, "rb") as src,
        open(target, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=GZIP_LEVEL) as gz,
    ):
        shutil.copyfileobj(src, gz, CHUNK)


def _describe(folder: Path, name: str, kind: str, graph: str | None, compressed: bool) -> DumpFile:
    path = folder / name
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
    return DumpFile(name, kind, graph, compressed, path.stat().st_size, h.hexdigest())
