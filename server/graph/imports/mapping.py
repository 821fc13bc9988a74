"""Imported records through the one mapping of the bundled data, as quads in their named graphs.

The records go to ``server.graph.records.importing.build_graphs`` exactly as ``smarthame convert``
sends the reference folders, and the graphs come back through the converter's Turtle writer, so that a
record maps to the very statements ``smarthame build`` publishes for it.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from server.errors import ImportRejected
from server.graph.imports.merge import Merged
from server.graph.imports.types import ImportRecord
from server.graph.rebasing import Rebaser
from server.graph.records.batch import Located, RecordBatch, RecordError, read_record_files, reference_files
from server.graph.records.importing import build_graphs
from server.graph.records.terms import PREFIXES
from server.graph.records.turtle_writer import TurtleWriter
from server.graph.vocabulary import RECORD_GRAPHS, graph_iri
from server.settings import DEFAULT_BASE_IRI, Settings


def reference_records(folders: list[Path]) -> tuple[list[ImportRecord], Located | None]:
    """The records of the reference folders (projects, organisations, additions) and the strategy facts."""
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        raise ImportRejected(
            [
                f"{', '.join(missing)}: not found; importing records maps them with the reference records "
                "behind the published version (../shared/reference/real-data*, or --reference DIR)"
            ]
        )
    batch = read_record_files(reference_files(folders))
    records = [ImportRecord("projects", r, {}) for r in batch.projects]
    records += [ImportRecord("organisations", r, {}) for r in batch.organisations]
    records += [ImportRecord("additions", r, {}) for r in batch.additions]
    return records, batch.strategy


def map_records(merged: Merged, strategy: Located | None, settings: Settings) -> set[ox.Quad]:
    """Every quad the records map to, in the record graphs (``vocabulary.RECORD_GRAPHS``)."""
    batch = RecordBatch(
        projects=[r.located for r in merged.records["projects"]],
        organisations=[r.located for r in merged.records["organisations"]],
        strategy=strategy,
        additions=[r.located for r in merged.records["additions"]],
    )
    ontology = settings.ontology_dir / "smart-hame.ttl"
    editorial = settings.data_dir / "editorial" / "classification-decisions.csv"
    try:
        mapped = build_graphs(batch, ontology, editorial)
    except RecordError as e:
        raise ImportRejected([e.message]) from None
    writer = TurtleWriter(PREFIXES)
    rebase = Rebaser(DEFAULT_BASE_IRI, settings.base_iri).term
    quads: set[ox.Quad] = set()
    for name in RECORD_GRAPHS:
        graph = ox.NamedNode(graph_iri(name, settings.base_iri))
        text = writer.serialize(mapped.graphs[name], [])
        for t in ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=DEFAULT_BASE_IRI):
            quads.add(ox.Quad(rebase(t.subject), rebase(t.predicate), rebase(t.object), graph))
    return quads
