"""Opening what was published: the version ``build/current`` names, in memory or from its on-disk store.

The layout of a build folder (written by ``server.graph.build_folder`` and ``server.publish.publishing``)::

    build/current -> versions/<v>    the live version: a symlink, replaced by one rename
    build/versions/<v>/              one complete version, never changed once renamed into place
        manifest.json                version, release number, base IRI, times, counts, content hash, notes
        dataset.nq                   every quad, blank nodes canonical (RDFC-1.0), sorted
        store/                       the pyoxigraph on-disk store (versions whose store is "disk")
        dumps/                       the dump files (server.publish.dumps)
        changes/                     the quads added and removed since the previous version

``build/current`` is read once per opening (:func:`current_folder`) and everything else is read from the
folder it named, so a version switched in meanwhile is never half read.

A version is served in one of two ways (setting ``store``):

- **memory**: the N-Quads loaded into an in-memory store in the server process. Fastest, but pyoxigraph
  writes to the store's memory as it reads, so each forked query worker ends up with a private copy;
- **disk**: the RocksDB store written at publish, opened with ``Store.read_only`` by every process and
  every worker, so the operating system's page cache holds the data once.

:func:`fill_store` is the one place quads enter a store, for both kinds (the on-disk store is filled by it
at publish, :func:`write_store`), and :meth:`StoreSource.open` the one place a store is opened to be read.

A version's store also holds its default graph, filled when the store is (:func:`fill_store`): the merge
of all its graphs, each triple once. That is the default graph a query sees when neither it (``FROM``,
``FROM NAMED``) nor the request (``default-graph-uri``, ``named-graph-uri``) names a dataset, and the
engine needs no union flag (pyoxigraph's counted a triple held in two graphs twice and replaced a
query's FROM). What describes the data (manifest, VoID, dumps, pages, changes) counts the named graphs
only, never that copy (:func:`own_quads`).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox

from server.errors import Unavailable
from server.graph.loading import parse_file
from server.graph.rebasing import Rebaser
from server.graph.vocabulary import RDF_TYPE
from server.settings import DEFAULT_BASE_IRI, Settings

StoreKind = Literal["memory", "disk"]
CURRENT, VERSIONS = "current", "versions"
MANIFEST, DATASET, STORE = "manifest.json", "dataset.nq", "store"


@dataclass(frozen=True)
class StoreSource:
    """Where a version's store comes from, so that any process (a query worker too) can open its own."""

    kind: StoreKind
    dataset: Path  # the canonical N-Quads
    store: Path | None  # the on-disk store, for kind "disk"
    built_base: str
    base_iri: str

    def open(self) -> ox.Store:
        """A store to read: the on-disk one opened read-only, or a fresh in-memory one filled."""
        if self.kind == "disk" and self.store is not None:
            return ox.Store.read_only(str(self.store))
        store = ox.Store()
        fill_store(store, version_quads(self.dataset, self.built_base, self.base_iri))
        return store


@dataclass(frozen=True)
class Published:
    """A loaded, read-only dataset and the facts that name its version."""

    store: ox.Store
    version: str
    modified: datetime
    base_iri: str
    manifest: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None  # the N-Quads file it was loaded from, when there is one
    folder: Path | None = None  # the version's folder under build/versions, when it was published
    source: StoreSource | None = None

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    @property
    def last_modified(self) -> str:
        return format_datetime(self.modified, usegmt=True)

    @property
    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    @property
    def store_kind(self) -> StoreKind:
        return self.source.kind if self.source is not None else "memory"

    def store_opener(self) -> Callable[[], ox.Store]:
        """How a forked query worker gets its store: its own read-only handle on the on-disk store, or
        this process's in-memory store, inherited copy-on-write."""
        source = self.source
        if source is not None and source.kind == "disk":
            return source.open
        store = self.store
        return lambda: store

    def reopened(self) -> Published:
        """The same version with a store handle of this process's own (after a fork: an on-disk store's
        handle must not be shared between processes; an in-memory one is shared copy-on-write)."""
        if self.source is None or self.source.kind != "disk":
            return self
        return Published(
            self.source.open(),
            self.version,
            self.modified,
            self.base_iri,
            self.manifest,
            self.path,
            self.folder,
            self.source,
        )

    @functools.cached_property
    def default_graph_triples(self) -> int:
        """Triples in the default graph (the merge of the named graphs: a triple in two graphs once)."""
        solutions = self.store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
        if not isinstance(solutions, ox.QuerySolutions):
            raise TypeError("a SELECT answered with something else than solutions")
        return int(next(solutions)["n"].value)


def fill_store(store: ox.Store, source: Path | Iterable[ox.Quad]) -> None:
    """Fill a version's store with its quads (an N-Quads file, or quads), then its default graph with the
    merge of all its graphs (see the module docstring)."""
    if isinstance(source, Path):
        store.bulk_load(path=str(source), format=ox.RdfFormat.N_QUADS)
    else:
        store.bulk_extend(source)
    merge_into_default_graph(store)


def merge_into_default_graph(store: ox.Store) -> None:
    """Add every triple of the store's named graphs to its default graph (each triple once).

    Through N-Triples and a bulk load, in bounded memory: ``INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p
    ?o } }`` holds every solution before it inserts (the 300,000-project publish peaked at 14.7 GB there;
    with this, 2.2 GB: README, "Scale").
    A bulk load gives a file's blank nodes new identities, so the triples that hold one are added as
    they are instead (a few hundred in the bundled data, none in the synthetic projects).
    ``python bench/default_graph.py --projects 10000`` (455,588 quads in memory, loaded machine): 4.7 s
    against the INSERT's 2.3 s, the same 135 MiB gained and peak; the INSERT's working memory grows with
    the data, this one's does not."""
    blank: list[ox.Triple] = []

    def plain_triples() -> Iterator[ox.Triple]:
        for q in store.quads_for_pattern(None, None, None, None):
            if isinstance(q.graph_name, ox.DefaultGraph):
                continue
            if holds_blank(q):
                blank.append(q.triple)
            else:
                yield q.triple

    with tempfile.TemporaryDirectory(prefix="smarthame-merge-") as folder:
        merged = Path(folder) / "merged.nt"
        ox.serialize(plain_triples(), output=str(merged), format=ox.RdfFormat.N_TRIPLES)
        store.bulk_load(path=str(merged), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in blank)


def holds_blank(q: ox.Quad) -> bool:
    """Whether a blank node is one of the quad's terms (or inside a quoted triple)."""
    return any(_is_blank(t) for t in (q.subject, q.object, q.graph_name))


def _is_blank(term: Any) -> bool:
    if isinstance(term, ox.Triple):
        return any(_is_blank(t) for t in (term.subject, term.object))
    return isinstance(term, ox.BlankNode)


def is_merged_copy(store: ox.Store, quad: ox.Quad) -> bool:
    """Whether ``quad`` is the default graph's copy of a triple that a named graph holds."""
    if not isinstance(quad.graph_name, ox.DefaultGraph):
        return False
    holders = store.quads_for_pattern(quad.subject, quad.predicate, quad.object)
    return any(not isinstance(q.graph_name, ox.DefaultGraph) for q in holders)


def own_quads(
    store: ox.Store,
    subject: ox.NamedNode | ox.BlankNode | ox.Triple | None = None,
    predicate: ox.NamedNode | None = None,
    obj: ox.NamedNode | ox.BlankNode | ox.Literal | None = None,
) -> Iterator[ox.Quad]:
    """The quads matching a pattern, in every graph, without the default graph's merged copies: the data
    as it was published (a served file's own default-graph triples stay)."""
    for q in store.quads_for_pattern(subject, predicate, obj):
        if not is_merged_copy(store, q):
            yield q


def count_dataset(ds: ox.Dataset | ox.Store) -> dict[str, Any]:
    """Triples per graph and instances per class per graph (of a store: without the merged copies)."""
    counts = QuadCounts()
    for _ in counts.passing(ds if isinstance(ds, ox.Dataset) else own_quads(ds)):
        pass
    return counts.as_json()


class QuadCounts:
    """Triples in all, per graph, and instances per class, of the quads that pass through."""

    def __init__(self) -> None:
        self.per_graph: Counter[str] = Counter()
        self.per_class: Counter[str] = Counter()
        self.total = 0

    def passing(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        """``quads`` unchanged, each counted as it goes by (a count within a stream being written)."""
        for q in quads:
            g = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else "(default graph)"
            self.per_graph[g] += 1
            self.total += 1
            if q.predicate == RDF_TYPE and isinstance(q.object, ox.NamedNode):
                self.per_class[q.object.value] += 1
            yield q

    def as_json(self) -> dict[str, Any]:
        return {
            "triples": self.total,
            "graphs": dict(sorted(self.per_graph.items())),
            "classes": dict(sorted(self.per_class.items(), key=lambda kv: (-kv[1], kv[0]))),
        }


def version_quads(nq: Path, built_base: str, base_iri: str) -> Path | Iterator[ox.Quad]:
    """A version's N-Quads to fill a store with, rebased from ``built_base`` onto ``base_iri`` (the file
    itself when no rebasing is needed, so that it is bulk-loaded)."""
    if built_base == base_iri:
        return nq
    rebaser = Rebaser(built_base, base_iri)
    return (rebaser.quad(q) for q in ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS))


def write_store(folder: Path, nq: Path, base_iri: str) -> None:
    """Write the on-disk store of a version being published (``folder`` must not exist yet)."""
    store = ox.Store(str(folder))
    fill_store(store, nq)  # the same default graph (the merge) as an in-memory store's
    store.optimize()
    store.flush()
    del store  # closes RocksDB before the folder is renamed into place


def store_kind_for(settings: Settings, quads: int) -> StoreKind:
    """Which store a version of ``quads`` quads is served from by default."""
    if settings.store == "auto":
        return "disk" if quads > settings.memory_store_max_quads else "memory"
    return "disk" if settings.store == "disk" else "memory"


def versions_dir(build_dir: Path) -> Path:
    return build_dir / VERSIONS


def published_dir(settings: Settings) -> Path:
    return settings.build_dir / CURRENT


def current_folder(build_dir: Path) -> Path | None:
    """The folder ``build/current`` names, read once (None when nothing was published)."""
    try:
        target = os.readlink(build_dir / CURRENT)
    except (FileNotFoundError, OSError):
        return None
    folder = build_dir / target
    return folder if (folder / MANIFEST).is_file() else None


def read_manifest(folder: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return manifest


def open_published(settings: Settings, folder: Path | None = None) -> Published:
    """Open the published version (or the version ``folder``), rebased onto ``settings.base_iri``."""
    folder = folder or current_folder(settings.build_dir)
    if folder is None or not (folder / DATASET).is_file():
        raise Unavailable(f"No published dataset under {settings.build_dir}; run `smarthame build` first.")
    manifest = read_manifest(folder)
    built_base = manifest.get("base_iri", DEFAULT_BASE_IRI)
    rebased = built_base != settings.base_iri
    kind = _served_kind(settings, manifest, folder, rebased)
    source = StoreSource(kind, folder / DATASET, folder / STORE, built_base, settings.base_iri)
    version = (
        manifest["version"] if not rebased else f"{manifest['version']}-{_short_hash(settings.base_iri)}"
    )
    return Published(
        store=source.open(),
        version=version,
        modified=datetime.fromisoformat(manifest["modified"]),
        base_iri=settings.base_iri,
        manifest=manifest,
        path=folder / DATASET,
        folder=folder,
        source=source,
    )


def _served_kind(settings: Settings, manifest: dict[str, Any], folder: Path, rebased: bool) -> StoreKind:
    has_store = (folder / STORE).is_dir()
    if settings.store == "memory" or rebased:  # the on-disk store holds the IRIs of the build's base
        return "memory"
    if settings.store == "disk" and not has_store:
        raise Unavailable(
            f"Version {manifest['version']} has no on-disk store (setting store is 'disk'); publish it again "
            "with SMARTHAME_STORE=disk, or serve it with store 'auto' or 'memory'."
        )
    return "disk" if has_store else "memory"


def served_kind(settings: Settings) -> StoreKind:
    """How the published version will be served, checked without opening it (``open_published`` raises
    the same errors): a process that will fork server processes must not open an on-disk store first
    (see ``server.sparql.workers._spawn_fresh_zygote``)."""
    folder = current_folder(settings.build_dir)
    if folder is None or not (folder / DATASET).is_file():
        raise Unavailable(f"No published dataset under {settings.build_dir}; run `smarthame build` first.")
    manifest = read_manifest(folder)
    rebased = manifest.get("base_iri", DEFAULT_BASE_IRI) != settings.base_iri
    return _served_kind(settings, manifest, folder, rebased)


def open_files(paths: tuple[Path, ...], settings: Settings) -> Published:
    """Serve arbitrary RDF files (no Smart Häme shapes): triples to the default graph, quads keep theirs."""
    from server.graph.loading import dataset_version

    store = ox.Store()
    # Straight from the files, in their order, as a bulk load of a file does; through an ox.Dataset (a
    # hash set) the statements arrived shuffled.
    fill_store(
        store,
        itertools.chain.from_iterable(
            parse_file(Path(p), ox.DefaultGraph(), settings.base_iri) for p in paths
        ),
    )
    newest = max(Path(p).stat().st_mtime for p in paths)
    return Published(
        store=store,
        version=dataset_version(paths, settings.base_iri),
        modified=datetime.fromtimestamp(int(newest), UTC),
        base_iri=settings.base_iri,
        manifest={"files": [str(p) for p in paths], **count_dataset(store)},
    )


def open_dataset(settings: Settings) -> Published:
    """What the server serves: the given files, or else the published version."""
    return open_files(settings.files, settings) if settings.files else open_published(settings)


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]
