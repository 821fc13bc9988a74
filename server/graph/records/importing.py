"""The one path from reference records to the graph: a batch of record files mapped to the data graphs.

    batch = read_record_files(paths)                      # server.graph.records.batch
    mapped = build_graphs(batch, ontology_file, editorial_file)
    mapped.graphs["projects"]                             # an rdflib Graph per named graph

``smarthame convert`` is this path applied to the bundled reference folders (every record file of
every batch, in folder order); an importer of publishers' files calls the same two functions with
their files beside the bundled ones. The same record always mints the same IRI: a project by its
register code (or the slug of its name), an organisation by the slug of the name it resolves to
(business ID first, then the curated names), a classification by its project.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from server.graph.classification.build import ProjectResult, classify, published_mappings
from server.graph.classification.editorial import read_decisions
from server.graph.classification.graph import classification_graph
from server.graph.records.actors import Organisations
from server.graph.records.batch import RecordBatch, RecordError, read_record_files, reference_files
from server.graph.records.links import links_graph
from server.graph.records.people import people_graph, roles
from server.graph.records.projects import projects_graph
from server.graph.records.strategy import strategy_graph
from server.graph.records.strategy_additions import additions_graph
from server.graph.records.terms import BASE

__all__ = ["Mapped", "build_graphs", "read_record_files", "reference_files", "RecordBatch", "RecordError"]

MODEL_SCHEMES = (
    "amount-types",
    "organisation-types",
    "funds",
    "participant-roles",
    "programme-event-types",
    "year-bases",
    "classification-kinds",
    "context-types",
)


@dataclass
class Mapped:
    """The data graphs a batch maps to, what the mapping reports, and the classification results."""

    graphs: dict[str, Graph]
    report: list[str]
    classification: dict[str, ProjectResult]


def build_graphs(batch: RecordBatch, ontology: Path, editorial: Path | None = None) -> Mapped:
    strategy = batch.strategy.data if batch.strategy else None
    additions = [a.data for a in batch.additions]
    person_names = set(roles(strategy, additions))
    orgs = Organisations(batch.organisations, person_names)
    strategy_g = strategy_graph(strategy, orgs) if strategy else Graph()
    projects_g, writer = projects_graph(batch.projects, orgs, person_names)
    project_keys = {f.name: f.key for f in writer.facts}
    where = ", ".join(str(a.origin) for a in batch.additions)
    strategy_g += additions_graph(additions, orgs, project_keys, where)
    actors_g = people_graph(strategy, additions, orgs)
    actors_g += orgs.graph()
    report = check_model_concepts([strategy_g, actors_g, projects_g], ontology)
    concepts = {
        str(s)[len(BASE) + len("concept/") :]
        for s in strategy_g.subjects()
        if str(s).startswith(BASE + "concept/")
    }
    decisions = read_decisions(editorial, set(project_keys.values()), concepts) if editorial else []
    results = classify(writer.facts, published_mappings(strategy_g), decisions)
    classification_g = classification_graph(results)
    graphs = {
        "strategy": strategy_g,
        "actors": actors_g,
        "projects": projects_g,
        "classification": classification_g,
        "links": links_graph([strategy_g, actors_g, projects_g, classification_g]),
    }
    report += [f"invalid business ID not published: {name} {bid}" for name, bid in orgs.invalid_business_ids]
    report += [f"organisation records merged: {line}" for line in orgs.merged]
    report += [f"amount kept without a value (ambiguous): {name}: {text}" for name, text in writer.ambiguous]
    report += [
        f"note published without the sentences naming a person: {w}" for w in writer.redacted + orgs.redacted
    ]
    report += [f"{name}: {len(g)} triples" for name, g in graphs.items()]
    return Mapped(graphs, report, results)


def check_model_concepts(graphs: list[Graph], ontology: Path) -> list[str]:
    """Every model concept (concept/amount-types/…, concept/funds/…) the data points at exists in the
    ontology; one that does not stops the mapping, naming the concept and its user."""
    if not ontology.is_file():
        return [f"{ontology} not found: model concepts not checked"]
    stat = ontology.stat()
    defined = _defined(ontology.resolve(), stat.st_mtime_ns, stat.st_size)
    prefixes = tuple(f"{BASE}concept/{m}/" for m in MODEL_SCHEMES)
    for g in graphs:
        for s, p, o in g:
            if isinstance(o, URIRef) and str(o).startswith(prefixes) and o not in defined:
                raise RecordError(str(s), f"{o} (its {p}) is not defined in {ontology}")
    return []


@lru_cache(maxsize=2)
def _defined(ontology: Path, mtime_ns: int, size: int) -> frozenset[Any]:
    """The subjects the ontology file defines, read once per version of the file (40 ms an import)."""
    return frozenset(Graph().parse(ontology, format="turtle").subjects())
