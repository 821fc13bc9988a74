"""The versions in the DCAT-AP catalogue (DCAT 3 §11, versioning), each with its PROV activity.

``{base}catalog#dataset`` is the dataset whatever its version; each release is a ``dcat:Dataset`` of its
own at ``{base}versions/<v>`` (the changelog page), linked by ``dcat:hasVersion`` (and the current one by
``dcat:hasCurrentVersion``), with ``dcat:version``, ``dct:issued``, ``adms:versionNotes``,
``dcat:previousVersion`` and ``prov:wasGeneratedBy`` an activity that names who published it, with which
tool, from which files. A release's distributions are its dumps while it is one of the newest
``keep_versions`` (the whole dataset in each syntax), afterwards the compressed N-Quads it keeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pyoxigraph as ox

from server.graph.build_folder import ARCHIVE
from server.graph.releases import Release
from server.graph.versions import Published
from server.graph.vocabulary import ADMS, DCAT, DCT, PROV, RDF, SPDX
from server.publish.catalog import (
    TITLE,
    TripleBuilder,
    catalog_graph,
    dataset_iri,
    describe_dataset,
    distribution,
    typed_literal,
)
from server.publish.dumps import DUMPS, DumpFile, DumpSet, read_dump_set
from server.settings import Settings

VERSION_WORD = {"fi": "versio", "sv": "version", "en": "version"}


def version_iri(base: str, version: str) -> str:
    return f"{base}versions/{version}"


def catalogue(
    published: Published, dumps: DumpSet, settings: Settings, releases: Sequence[Release]
) -> list[ox.Triple]:
    """The catalogue of ``server.publish.catalog`` with each release up to the served one as a version."""
    triples = catalog_graph(published, dumps, settings)
    # Versions published before releases were numbered recorded too little to be described here.
    releases = [r for r in releases if r.number > 0]
    if not releases:
        return triples
    g = TripleBuilder()
    current = published.folder.name if published.folder is not None else None
    describe_versions(g, published.base_iri, releases, current)
    return list(dict.fromkeys([*triples, *g.triples]))  # the shared nodes (licence, themes…) once


def describe_versions(g: TripleBuilder, base: str, releases: Sequence[Release], current: str | None) -> None:
    """Each release as a ``dcat:Dataset`` version of ``{base}catalog#dataset``, with its PROV activity;
    the publisher, contact point and home page are the catalogue's own nodes."""
    dataset = ox.NamedNode(dataset_iri(base))
    publisher = ox.NamedNode(f"{base}catalog#publisher")
    contact = ox.NamedNode(f"{base}catalog#contact")
    home = ox.NamedNode(base)
    numbered = {r.version for r in releases}
    software = ox.NamedNode(f"{base}catalog#software")
    g.add(software, RDF + "type", PROV + "SoftwareAgent")
    g.add(
        software,
        DCT + "title",
        ox.Literal("smarthame (the Smart Häme knowledge graph's tools)", language="en"),
    )
    for release in releases:
        node = ox.NamedNode(version_iri(base, release.version))
        g.add(dataset, DCAT + "hasVersion", node)
        if release.version == current:
            g.add(dataset, DCAT + "hasCurrentVersion", node)
        title = {lang: f"{text}, {VERSION_WORD[lang]} {release.version}" for lang, text in TITLE.items()}
        describe_dataset(g, base, node, publisher, contact, home, title, _period(release))
        issued = typed_literal(release.issued.isoformat(), "dateTime")
        g.add(node, DCT + "issued", issued)
        g.add(node, DCT + "modified", issued)
        g.add(node, DCAT + "version", ox.Literal(release.version))
        g.add(node, DCAT + "isVersionOf", dataset)
        g.add(node, ADMS + "versionNotes", ox.Literal(version_notes(release), language="en"))
        if release.previous and release.previous in numbered:
            g.add(node, DCAT + "previousVersion", version_iri(base, release.previous))
        _activity(g, node, release, publisher, software)
        for f in _files(release):
            url = f"{node.value}/{ARCHIVE}" if f.name == ARCHIVE else None
            g.add(node, DCAT + "distribution", distribution(g, base, f, issued, at=node.value, url=url))


def version_notes(release: Release) -> str:
    """One paragraph: what was published, by whom, with what, from which files, and what changed."""
    notes, changes = release.notes, release.changes
    parts = [f"{notes.action.capitalize()} published by {notes.by} with `{notes.via}`."]
    if notes.summary:
        parts.append(notes.summary)
    if notes.files:
        parts.append("Files: " + ", ".join(f"{f.path} (sha256 {f.sha256[:12]})" for f in notes.files) + ".")
    if changes:
        since = f"since version {release.previous}" if release.previous else "as the first version"
        entities = changes.get("entities", {})
        parts.append(
            f"{changes.get('added', 0)} statements added and {changes.get('removed', 0)} removed {since}; "
            f"projects and organisations: {entities.get('added', 0)} added, {entities.get('changed', 0)} "
            f"changed, {entities.get('removed', 0)} removed."
        )
    return " ".join(parts)


def _activity(
    g: TripleBuilder, node: ox.NamedNode, release: Release, publisher: ox.NamedNode, software: ox.NamedNode
) -> None:
    activity = ox.NamedNode(f"{node.value}#publication")
    g.add(activity, RDF + "type", PROV + "Activity")
    g.add(activity, PROV + "startedAtTime", typed_literal(release.started.isoformat(), "dateTime"))
    ended = release.manifest.get("activity", {}).get("ended") or release.issued.isoformat()
    g.add(activity, PROV + "endedAtTime", typed_literal(ended, "dateTime"))
    g.add(activity, PROV + "wasAssociatedWith", publisher)
    g.add(activity, PROV + "wasAssociatedWith", software)
    g.add(
        activity,
        DCT + "description",
        ox.Literal(f"{release.notes.action}: {release.notes.via}", language="en"),
    )
    for i, f in enumerate(release.notes.files, start=1):
        used = ox.NamedNode(f"{activity.value}-input-{i}")
        g.add(used, RDF + "type", PROV + "Entity")
        g.add(used, DCT + "title", ox.Literal(f.path))
        checksum = ox.NamedNode(f"{used.value}-sha256")
        g.add(used, SPDX + "checksum", checksum)
        g.add(checksum, RDF + "type", SPDX + "Checksum")
        g.add(checksum, SPDX + "algorithm", SPDX + "checksumAlgorithm_sha256")
        g.add(checksum, SPDX + "checksumValue", typed_literal(f.sha256, "hexBinary"))
        g.add(activity, PROV + "used", used)
    if release.previous:
        g.add(activity, PROV + "used", version_iri(node.value.rsplit("versions/", 1)[0], release.previous))
    g.add(node, PROV + "wasGeneratedBy", activity)


def _files(release: Release) -> list[DumpFile]:
    """The whole-dataset dumps while the release keeps them; afterwards its compressed N-Quads."""
    if release.retained and (release.folder / DUMPS / "manifest.json").is_file():
        return [f for f in read_dump_set(release.folder / DUMPS).files if f.graph is None]
    archive = release.manifest.get("archive")
    if archive and (release.folder / ARCHIVE).is_file():
        return [DumpFile(ARCHIVE, "nquads", None, True, archive["size"], archive["sha256"])]
    return []


def _period(release: Release) -> tuple[date, date] | None:
    period = release.manifest.get("temporal")
    return (date.fromisoformat(period[0]), date.fromisoformat(period[1])) if period else None
