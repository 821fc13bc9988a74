"""Versions of the tiny fixture project, published without the CLI (no SHACL run: the edits keep to the
shapes), for the tests of releases, crash safety and the switch of a running server.

``fixture_dataset(k)`` is the fixture project's data, with an end date for EX1, and edit ``k`` applied
(0: none). Edit ``k`` moves
EX2's planned start to month ``k``, sets EX1's amount (a blank node) to ``1000.5 + k`` and adds the
project ``project/NEW<k>``, named in Finnish and English.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from server.graph.loading import bundled_sources, load_sources
from server.graph.releases import Release, ReleaseNotes
from server.publish.publishing import publish_version
from server.settings import Settings
from tests.conftest import FIXTURES

PROJECT = FIXTURES / "project"
BASE = "https://w3id.org/smart-hame/"
SMH = BASE + "ontology/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROJECTS = ox.NamedNode(BASE + "graph/projects")
PREF_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
START = ox.NamedNode(SMH + "plannedStart")
VALUE = ox.NamedNode(SMH + "value")


def fingerprint(build: Path) -> dict[str, str]:
    """sha256 of every published file, and where build/current points."""
    sums = {
        str(p.relative_to(build)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((build / "versions").rglob("*"))
        if p.is_file()
    }
    sums["current ->"] = str((build / "current").readlink())
    return sums


def settings_for(build_dir: Path, **changes: Any) -> Settings:
    """For publishing the fixture: the tiny fixture project's ontology and shapes."""
    return Settings(project_root=PROJECT, build_dir=build_dir, **changes)


def serving_settings(build_dir: Path, **changes: Any) -> Settings:
    """For serving a build folder: the bundled project's saved queries, which the dashboard needs."""
    return Settings(build_dir=build_dir, **changes)


def new_project(k: int) -> str:
    return f"{BASE}project/NEW{k}"


def ex2_start(k: int) -> str:
    return date(2021, k if k else 6, 1).isoformat()


def fixture_dataset(k: int = 0) -> ox.Dataset:
    ds = load_sources(bundled_sources(settings_for(Path("/nonexistent"))), BASE)
    # An end date, so that the catalogue has a temporal coverage, as DCAT-AP recommends.
    ex1 = ox.NamedNode(BASE + "project/EX1")
    ds.add(ox.Quad(ex1, ox.NamedNode(SMH + "plannedEnd"), _date("2022-12-31"), PROJECTS))
    if k == 0:
        return ds
    ex2 = ox.NamedNode(BASE + "project/EX2")
    for q in [q for q in ds.quads_for_subject(ex2) if q.predicate == START]:
        ds.remove(q)
    ds.add(ox.Quad(ex2, START, _date(ex2_start(k)), PROJECTS))
    for q in list(ds.quads_for_predicate(VALUE)):
        ds.remove(q)
        ds.add(
            ox.Quad(
                q.subject,
                VALUE,
                ox.Literal(str(1000.5 + k), datatype=ox.NamedNode(XSD + "decimal")),
                PROJECTS,
            )
        )
    new = ox.NamedNode(new_project(k))
    ds.add(ox.Quad(new, RDF_TYPE, ox.NamedNode(SMH + "Project"), PROJECTS))
    ds.add(ox.Quad(new, PREF_LABEL, ox.Literal(f"Uusi hanke {k}", language="fi"), PROJECTS))
    ds.add(ox.Quad(new, PREF_LABEL, ox.Literal(f"New project {k}", language="en"), PROJECTS))
    ds.add(ox.Quad(new, START, _date("2024-01-01"), PROJECTS))
    return ds


def publish_fixture(build_dir: Path, k: int = 0, checkpoint: Any = None, **settings: Any) -> Release:
    notes = ReleaseNotes("build", "Test publisher", "tests/releasing.py", summary=f"edit {k}")
    return publish_version(
        fixture_dataset(k), settings_for(build_dir, **settings), notes, checkpoint=checkpoint
    )


def _date(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "date"))
