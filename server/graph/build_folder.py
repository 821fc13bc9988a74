"""Changing a build folder so that a kill at any instant leaves the old version or the new one published.

Every publish (build, import, rollback: ``server.publish.publishing``) goes through :class:`BuildFolder`,
whose steps come in an order that keeps ``build/current`` naming a complete version at every instant:

1. **lock** ``build/.lock`` (``flock``: a second publisher waits; the kernel drops the lock of a killed
   one), then **clean** what a killed run left (below);
2. **stage**: the new version is written into ``versions/.staging-*``, which no reader looks at;
3. **commit**: the staging folder, fsynced, is renamed to ``versions/<v>``, a name never used before, so
   nothing is replaced or removed;
4. **switch**: a new symlink is renamed over ``build/current`` (``rename(2)`` replaces it atomically);
5. **prune**: versions older than the newest ``keep_versions`` keep their manifest, their changes and a
   compressed copy of their N-Quads; their store and dumps go (manifest first, files after).

What a kill leaves, and what the next run's clean does with it: in 2, a staging folder (removed); in 3, a
staging folder or a complete version numbered after the current one that was never switched to (removed:
it was never published); in 4, the old link or the new one, and perhaps the temporary link (removed); in
5, a manifest's temporary copy (removed), a version whose manifest says pruned but which still holds
files (pruned again), or one not yet marked (pruned by the next run's own pruning).

``checkpoint(step)`` is called before every change to the folder, with a label; the tests kill the process
there (tests/test_crash_safety.py).
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from server.graph.versions import (
    CURRENT,
    DATASET,
    MANIFEST,
    STORE,
    VERSIONS,
    current_folder,
    read_manifest,
)

Checkpoint = Callable[[str], None]
LOCK = ".lock"
STAGING_PREFIX = ".staging-"
LINK_TMP = ".current.tmp"
ARCHIVE = "dataset.nq.gz"  # what a pruned version keeps of its data (enough for a rollback)
PRUNED_AWAY = (STORE, "dumps", DATASET)


class BuildFolder:
    """A locked build folder: ``with BuildFolder(build_dir) as folder: ...`` (see the module docstring)."""

    def __init__(self, build_dir: Path, checkpoint: Checkpoint | None = None) -> None:
        self.build_dir = build_dir
        self.versions = build_dir / VERSIONS
        self.checkpoint = checkpoint
        self._lock: IO[str] | None = None

    def __enter__(self) -> BuildFolder:
        self.versions.mkdir(parents=True, exist_ok=True)
        self.step("lock")
        self._lock = open(self.build_dir / LOCK, "a")  # noqa: SIM115 - held until __exit__
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        self.clean()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._lock is not None:
            self._lock.close()  # releases the flock
            self._lock = None

    def step(self, label: str) -> None:
        """Announce the next change to the folder (the tests' kill point)."""
        if self.checkpoint is not None:
            self.checkpoint(label)

    # ------------------------------------------------------------------------------------------ clean

    def clean(self) -> None:
        """Remove what a killed publish left; finish a pruning it started."""
        current = current_folder(self.build_dir)
        number = int(read_manifest(current).get("number", 0)) if current is not None else None
        link_tmp = self.build_dir / LINK_TMP
        if link_tmp.is_symlink() or link_tmp.exists():
            self.step("clean: temporary link")
            link_tmp.unlink()
        for folder in sorted(self.versions.iterdir()):
            if folder.name.startswith(STAGING_PREFIX):
                self.remove(folder, "clean: staging folder")
            elif not folder.name.startswith("."):
                self._clean_version(folder, current, number)

    def _clean_version(self, folder: Path, current: Path | None, number: int | None) -> None:
        if not (folder / MANIFEST).is_file():
            self.remove(folder, "clean: folder without a manifest")
            return
        for tmp in folder.glob(".*"):  # a manifest being rewritten (pruning) when the run was killed
            self.step(f"clean: {folder.name}/{tmp.name}")
            tmp.unlink()
        if number is None or folder == current:
            return
        manifest = read_manifest(folder)
        if int(manifest.get("number", 0)) > number:
            self.remove(folder, "clean: version never switched to")
        elif not manifest.get("retained", True):
            self._drop_heavy_parts(folder)

    def remove(self, folder: Path, label: str) -> None:
        self.step(label)
        shutil.rmtree(folder)

    # ------------------------------------------------------------------------------------------ stage

    def stage(self) -> Path:
        self.step("stage: create folder")
        return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.versions))

    def write_json(self, path: Path, body: dict[str, Any]) -> None:
        """Write ``path`` whole: into a temporary file beside it, fsynced, renamed over it."""
        self.step(f"write {path.name}")
        text = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            self.step(f"rename {path.name}")
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    # ------------------------------------------------------------------------------- commit, switch

    def commit(self, staging: Path, version: str) -> Path:
        """Rename the complete staging folder to ``versions/<version>`` (a fresh name)."""
        target = self.versions / version
        if target.exists():
            raise FileExistsError(f"{target} exists; version names are never reused")
        self.step("commit: fsync")
        _fsync_tree(staging)
        self.step("commit: rename")
        os.rename(staging, target)
        _fsync_dir(self.versions)
        return target

    def switch(self, version: str) -> None:
        """Point ``build/current`` at ``versions/<version>`` with one atomic rename."""
        link_tmp = self.build_dir / LINK_TMP
        self.step("switch: link")
        link_tmp.symlink_to(Path(VERSIONS) / version)
        self.step("switch: rename")
        os.replace(link_tmp, self.build_dir / CURRENT)
        _fsync_dir(self.build_dir)

    # ------------------------------------------------------------------------------------------ prune

    def prune(self, keep: int) -> list[str]:
        """Prune every version but the newest ``keep`` (by number, the current one among them)."""
        current = current_folder(self.build_dir)
        if current is None:
            return []
        numbered = []
        for folder in self.versions.iterdir():
            if not folder.name.startswith(".") and (folder / MANIFEST).is_file():
                numbered.append((int(read_manifest(folder).get("number", 0)), folder))
        numbered.sort()
        pruned = []
        for _, folder in numbered[: max(len(numbered) - max(keep, 1), 0)]:
            if folder != current and read_manifest(folder).get("retained", True):
                self._prune(folder)
                pruned.append(folder.name)
        return pruned

    def _prune(self, folder: Path) -> None:
        archive = folder / ARCHIVE
        if not archive.is_file():
            dumped = folder / "dumps" / "smart-hame.nq.gz"
            if dumped.is_file():
                self.step(f"prune {folder.name}: keep the compressed N-Quads")
                os.link(dumped, archive)  # the same bytes: the dump is the gzip of dataset.nq
            else:
                self.step(f"prune {folder.name}: compress the N-Quads")
                _gzip_into(folder / DATASET, archive)
        manifest = read_manifest(folder)
        kept = {"size": archive.stat().st_size, "sha256": _sha256(archive)}
        self.write_json(folder / MANIFEST, {**manifest, "retained": False, "archive": kept})
        self._drop_heavy_parts(folder)

    def _drop_heavy_parts(self, folder: Path) -> None:
        for name in PRUNED_AWAY:
            path = folder / name
            if path.is_dir():
                self.remove(path, f"prune {folder.name}: {name}")
            elif path.is_file() and (folder / ARCHIVE).is_file():
                self.step(f"prune {folder.name}: {name}")
                path.unlink()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _gzip_into(source: Path, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with (
            open(source, "rb") as src,
            os.fdopen(fd, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz,
        ):
            shutil.copyfileobj(src, gz, 1 << 20)
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _walk(folder: Path) -> Iterator[tuple[Path, bool]]:
    for root, _, files in os.walk(folder):
        for name in files:
            yield Path(root) / name, False
        yield Path(root), True


def _fsync_tree(folder: Path) -> None:
    """Every file and folder of a staged version on disk before it is renamed in (a power cut then finds
    either no version or a whole one)."""
    for path, is_dir in _walk(folder):
        if is_dir:
            _fsync_dir(path)
        else:
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
