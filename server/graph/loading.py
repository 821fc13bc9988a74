"""Read the ontology and data files into named graphs; compute the dataset version.

Files are parsed with pyoxigraph (fast, and its errors carry file and line). IRIs minted under the
default base are rewritten onto the configured base as the quads stream past, so the same files
serve at any address.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from server.errors import ParseError
from server.graph.rebasing import Rebaser
from server.graph.vocabulary import graph_iri
from server.settings import DEFAULT_BASE_IRI, Settings


@dataclass(frozen=True)
class Source:
    """One file of the bundled dataset and the named graph it feeds."""

    path: Path
    graph: str  # short graph name, see server.graph.vocabulary.GRAPH_NAMES


def bundled_sources(settings: Settings) -> list[Source]:
    """The bundled files in a fixed order: ontology/*.ttl then data/<graph>.ttl."""
    sources = [
        Source(settings.ontology_dir / "smart-hame.ttl", "ontology"),
        Source(settings.ontology_dir / "shapes.ttl", "shapes"),
    ]
    for name in ("strategy", "actors", "projects", "classification", "links"):
        sources.append(Source(settings.data_dir / f"{name}.ttl", name))
    return sources


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF syntax of a file, from its extension (``.ttl``, ``.trig``, ``.nt``, ``.nq``, ``.rdf``,
    ``.jsonld``…)."""
    suffixes = [s.lstrip(".").lower() for s in path.suffixes if s.lower() != ".gz"]
    ext = suffixes[-1] if suffixes else ""
    aliases = {"owl": "rdf", "xml": "rdf", "json": "jsonld"}
    fmt = ox.RdfFormat.from_extension(aliases.get(ext, ext))
    if fmt is None:
        raise ParseError(
            path, None, f"unknown RDF file extension '.{ext}'; use .ttl, .trig, .nt, .nq, .rdf or .jsonld"
        )
    return fmt


@contextmanager
def parse_errors(path: Path) -> Iterator[None]:
    """Parser failures as ParseError naming the file (and the line of a syntax error)."""
    if not path.is_file():
        raise ParseError(path, None, "file not found")
    try:
        yield
    except SyntaxError as e:
        raise ParseError(path, e.lineno, e.msg or str(e)) from None
    except (ValueError, OSError) as e:
        raise ParseError(path, None, str(e)) from None


def parse_file(
    path: Path, default_graph: ox.NamedNode | ox.DefaultGraph, base: str = DEFAULT_BASE_IRI
) -> Iterator[ox.Quad]:
    """Quads of one file; triples go to ``default_graph``, quads keep their own graph.

    Raises ParseError with the file and line of the first syntax error.
    """
    rebaser = Rebaser(DEFAULT_BASE_IRI, base)
    with parse_errors(path):
        for q in ox.parse(path=str(path), format=rdf_format(path), base_iri=DEFAULT_BASE_IRI):
            graph = (
                q.graph_name
                if isinstance(q, ox.Quad) and not isinstance(q.graph_name, ox.DefaultGraph)
                else default_graph
            )
            yield rebaser.quad(ox.Quad(q.subject, q.predicate, q.object, graph))


def load_into(store: ox.Store, path: Path, default_graph: ox.NamedNode | ox.DefaultGraph, base: str) -> None:
    """One file into ``store``, as ``parse_file`` reads it. Under the default base, pyoxigraph's parser
    writes the quads itself (no Python object per quad: about four times faster on a large file);
    under another base each quad is rebased on its way in."""
    if base != DEFAULT_BASE_IRI:
        store.extend(parse_file(path, default_graph, base))
        return
    with parse_errors(path):
        store.load(path=str(path), format=rdf_format(path), base_iri=DEFAULT_BASE_IRI, to_graph=default_graph)


def load_sources(sources: Iterable[Source], base: str = DEFAULT_BASE_IRI) -> ox.Dataset:
    """All sources as one in-memory dataset, each file in its named graph."""
    ds = ox.Dataset()
    for src in sources:
        g = ox.NamedNode(graph_iri(src.graph, base))
        for q in parse_file(src.path, g, base):
            ds.add(q)
    return ds


def load_files(paths: Iterable[Path], base: str = DEFAULT_BASE_IRI) -> ox.Dataset:
    """Arbitrary RDF files for ``serve FILES``/``validate FILES``: triples to the default graph, quads keep
    theirs."""
    ds = ox.Dataset()
    for p in paths:
        for q in parse_file(Path(p), ox.DefaultGraph(), base):
            ds.add(q)
    return ds


def dataset_version(paths: Iterable[Path], base: str) -> str:
    """A short hash of the input files' bytes and the base IRI: it names one published version."""
    h = hashlib.sha256(base.encode())
    for p in sorted(Path(x) for x in paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]
