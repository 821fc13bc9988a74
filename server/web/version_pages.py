"""The versions' pages and JSON: the list of releases, and one release's changelog in fi/sv/en.

A changelog names each project and organisation added, changed or removed (from the version's
``changes/changes.json``, ``server.publish.changes``), and for each changed statement the value before
and after, with the properties labelled from the served ontology in the reader's language.
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from server.graph.releases import Release
from server.graph.versions import Published
from server.publish.changes import ENTITY_KINDS
from server.publish.labels import Labeller, Value, local_path
from server.publish.publishing import CHANGES
from server.web import pages

KINDS = sorted(set(ENTITY_KINDS.values()))


def release_json(release: Release, with_changes: bool = False) -> dict[str, Any]:
    """A release as ``/versions/`` and ``/versions/<v>`` list it."""
    v = release.version
    changes = release.changes
    body: dict[str, Any] = {
        "version": v,
        "number": release.number,
        "issued": release.issued.isoformat(),
        "previous": release.previous,
        "notes": release.notes.as_json(),
        "activity": release.manifest.get("activity"),
        "triples": release.triples,
        "added": changes.get("added"),
        "removed": changes.get("removed"),
        "entities": changes.get("entities"),
        "url": f"/versions/{v}",
        "dumps": f"/versions/{v}/dumps/" if release.retained else None,
    }
    if with_changes:
        graphs = changes.get("graphs", {})
        body["graphs"] = {
            g: {**c, "files": [f"/versions/{v}/{CHANGES}/{f}" for f in c.get("files", [])]}
            for g, c in graphs.items()
        }
        body["entity_changes"] = entity_changes(release)
    return body


def entity_changes(release: Release) -> list[dict[str, Any]]:
    path = release.folder / CHANGES / "changes.json"
    if not path.is_file():
        return []
    found: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8")).get("entity_changes", [])
    return found


def releases_page(published: Published, releases: list[Release], lang: str, path: str) -> str:
    rows = [
        {**release_json(r), "action_text": _action(r, lang), "current": r.version == _served(published)}
        for r in reversed(releases)
    ]
    return pages.render(
        "versions.html", lang=lang, path=path, version=published.version, formats=[], releases=rows
    )


def release_page(published: Published, release: Release, lang: str, path: str) -> str:
    labeller = Labeller(published.store, lang, published.base_iri)
    body = release_json(release, with_changes=True)
    entities = [_entity(e, labeller, lang) for e in body.pop("entity_changes")]
    by_kind = {k: [e for e in entities if e["kind"] == k] for k in KINDS}
    return pages.render(
        "version.html",
        lang=lang,
        path=path,
        version=published.version,
        formats=[],
        release=body,
        action_text=_action(release, lang),
        listed=release.changes.get("listed", True),
        by_kind=by_kind,
        retained=release.retained,
    )


def _served(published: Published) -> str:
    return published.folder.name if published.folder is not None else ""


def _action(release: Release, lang: str) -> str:
    messages = pages.MESSAGES[lang]
    return messages.get(f"action_{release.notes.action}", release.notes.action)


def _entity(entity: dict[str, Any], labeller: Labeller, lang: str) -> dict[str, Any]:
    labels: dict[str, str] = entity.get("labels", {})
    name = next((labels[k] for k in (lang, "en", "fi", "sv", "") if k in labels), None)
    href = local_path(entity["iri"], labeller.base)
    rows = [
        {
            "node": p["node"],
            "property": labeller.value(ox.NamedNode(p["predicate"])),
            "before": [_shown(v, labeller) for v in p["removed"]],
            "after": [_shown(v, labeller) for v in p["added"]],
        }
        for p in entity.get("properties", [])
    ]
    return {**entity, "name": name or labeller.compact(entity["iri"]), "href": href, "rows": rows}


def _shown(value: dict[str, str], labeller: Labeller) -> Value:
    if "iri" in value:
        return labeller.value(ox.NamedNode(value["iri"]))
    if "literal" in value:
        datatype = value.get("datatype")
        literal = (
            ox.Literal(value["literal"], language=value["lang"])
            if "lang" in value
            else ox.Literal(value["literal"], datatype=ox.NamedNode(datatype) if datatype else None)
        )
        return labeller.value(literal)
    return Value(value.get("blank", "…"))
