"""Releases: every publish is a version with a number, a time, notes and the version before it.

A release is read from its version's ``manifest.json`` (``build/versions/<v>/``); there is no separate
index to keep in step, so what is listed is exactly what was renamed into place. The releases are the
versions numbered up to the current one: a folder numbered higher is what a publish killed before its
switch left behind, and is not a release (``server.graph.build_folder`` removes it).

    releases = list_releases(build_dir)            # oldest first
    releases[-1].version, .issued, .previous, .notes.by, .changes["added"]
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from server.errors import NotFound
from server.graph.versions import MANIFEST, current_folder, read_manifest, versions_dir


@dataclass(frozen=True)
class SourceFile:
    """An input of a release: its path as the publisher named it, and the SHA-256 of its bytes."""

    path: str
    sha256: str


@dataclass(frozen=True)
class ReleaseNotes:
    """What a publisher says about a release; kept in its manifest, shown in the catalogue and changelog.

    ``by`` names the organisation or service that published (by default the ``publisher_name`` setting),
    never a login name: the published history is public.
    """

    action: str  # "build", "import", "rollback", "publish" (over HTTP)
    by: str
    via: str  # the command or endpoint: "smarthame build", "POST /publish"
    files: tuple[SourceFile, ...] = ()
    summary: str = ""  # one line in the publisher's words
    changes: tuple[dict[str, Any], ...] = ()  # record-level changes the publisher worked out (an import's)
    rollback_of: str | None = None

    def as_json(self) -> dict[str, Any]:
        body = asdict(self)
        body["files"] = [asdict(f) for f in self.files]
        body["changes"] = list(self.changes)
        return body

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> ReleaseNotes:
        return cls(
            action=body.get("action", "build"),
            by=body.get("by", ""),
            via=body.get("via", ""),
            files=tuple(SourceFile(**f) for f in body.get("files", ())),
            summary=body.get("summary", ""),
            changes=tuple(body.get("changes", ())),
            rollback_of=body.get("rollback_of"),
        )


@dataclass(frozen=True)
class Release:
    """One published version, as its manifest records it."""

    version: str
    number: int  # 1, 2, …; 0 for a version published before releases were numbered
    issued: datetime
    previous: str | None
    content_sha256: str
    notes: ReleaseNotes
    folder: Path
    manifest: dict[str, Any] = field(repr=False, default_factory=dict)
    created: bool = True  # False when a publish found the content unchanged and kept this release

    @property
    def retained(self) -> bool:
        """Whether its dumps (every format) are still kept; older releases keep changes and N-Quads."""
        return bool(self.manifest.get("retained", True))

    @property
    def triples(self) -> int:
        return int(self.manifest.get("triples", 0))

    @property
    def changes(self) -> dict[str, Any]:
        """Quads added and removed against ``previous``, per graph, and the entities that changed."""
        changes: dict[str, Any] = self.manifest.get("changes") or {}
        return changes

    @property
    def started(self) -> datetime:
        started = self.manifest.get("activity", {}).get("started")
        return datetime.fromisoformat(started) if started else self.issued


def read_release(folder: Path) -> Release:
    manifest = read_manifest(folder)
    return Release(
        version=manifest["version"],
        number=int(manifest.get("number", 0)),
        issued=datetime.fromisoformat(manifest.get("issued") or manifest["modified"]),
        previous=manifest.get("previous"),
        content_sha256=manifest.get("content_sha256", ""),
        notes=ReleaseNotes.from_json(manifest.get("notes") or {"via": "smarthame build"}),
        folder=folder,
        manifest=manifest,
    )


def list_releases(build_dir: Path, upto: str | None = None) -> list[Release]:
    """Every release up to the current one (or up to version ``upto``), oldest first."""
    current = current_folder(build_dir)
    if current is None:
        return []
    last = read_release(versions_dir(build_dir) / upto) if upto else read_release(current)
    every = [
        read_release(folder)
        for folder in versions_dir(build_dir).iterdir()
        if not folder.name.startswith(".") and (folder / MANIFEST).is_file()
    ]
    found = [r for r in every if 0 < r.number <= last.number]
    # Unnumbered versions (published before releases were numbered) count where a release follows one.
    named = {r.previous for r in found} | {last.version}
    found += [r for r in every if r.number == 0 and r.version in named]
    return sorted(found, key=lambda r: (r.number, r.issued))


def find_release(build_dir: Path, version: str) -> Release:
    """The release named ``version`` (its number, as ``smarthame releases`` lists it)."""
    for release in list_releases(build_dir):
        if release.version == version:
            return release
    raise NotFound(f"No published version '{version}'; `smarthame releases` lists them.")


def current_release(build_dir: Path) -> Release | None:
    folder = current_folder(build_dir)
    return read_release(folder) if folder is not None else None
