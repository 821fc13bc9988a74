"""A publish killed (SIGKILL) at any step leaves the old or the new version published, whole; the next
run cleans up after it (``server.graph.build_folder``).

Two ways of killing: at each checkpoint the publishing code announces before a change to the build
folder (a forked child kills itself there), and at each ``rename`` syscall of a real ``smarthame build``
(strace's fault injection), which also reaches the renames RocksDB makes inside an on-disk store.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.graph.releases import list_releases
from server.graph.versions import open_published, own_quads
from tests.releasing import PROJECT, publish_fixture, settings_for

pytestmark = pytest.mark.process  # a child process for every kill
FORK_SERVER = multiprocessing.get_context("forkserver")
FORK_SERVER.set_forkserver_preload(["tests.releasing"])


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_whole(build: Path, allowed: set[str]) -> str:
    """``build/current`` names a complete version among ``allowed``, which opens and serves; its version."""
    target = os.readlink(build / "current")
    folder = build / target
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["version"] in allowed, f"current is {target}"
    assert sha256(folder / "dataset.nq") == manifest["content_sha256"]
    dumps = json.loads((folder / "dumps" / "manifest.json").read_text())
    for f in dumps["files"]:
        assert sha256(folder / "dumps" / f["name"]) == f["sha256"], f["name"]
    for f in manifest["changes"]["graphs"].values():
        for name in f["files"]:
            assert (folder / "changes" / name).is_file()
    if manifest["store"] == "disk":
        assert (folder / "store").is_dir()
    published = open_published(settings_for(build))
    assert sum(1 for _ in own_quads(published.store)) == manifest["triples"]  # without the merged copy
    return str(manifest["version"])


def assert_clean(build: Path) -> None:
    """Only published versions are left: no staging folder, temporary link or unswitched version."""
    releases = {r.version for r in list_releases(build)}
    left = {p.name for p in (build / "versions").iterdir()}
    assert left == releases, f"left behind: {left - releases}"
    assert not (build / ".current.tmp").exists() and not (build / ".current.tmp").is_symlink()
    for r in list_releases(build):
        if r.retained:
            assert not (r.folder / "dataset.nq.gz").exists()
        else:
            assert sorted(p.name for p in r.folder.iterdir()) == ["changes", "dataset.nq.gz", "manifest.json"]


def _publish_and_die(build: Path, step: int, edit: int, settings: dict[str, object]) -> None:
    seen = [0]

    def checkpoint(label: str) -> None:
        seen[0] += 1
        if seen[0] == step:
            os.kill(os.getpid(), signal.SIGKILL)

    publish_fixture(build, edit, checkpoint=checkpoint, **settings)


def publish_killed_at(build: Path, step: int, edit: int, **settings: object) -> int:
    """Publish edit ``edit`` in a child that kills itself at checkpoint ``step``; its exit code (-9 when
    killed).

    The child comes from a fork server, a fresh interpreter: a fork of this process would inherit the
    RocksDB state of the stores the tests opened here, and hang writing one (server.sparql.workers).
    """
    child = FORK_SERVER.Process(target=_publish_and_die, args=(build, step, edit, settings))
    child.start()
    child.join(120)
    assert child.exitcode is not None, f"the publish killed at step {step} did not end"
    return child.exitcode


def killed(code: int) -> bool:
    return code == -signal.SIGKILL


@pytest.fixture(scope="module", params=["memory", "disk"])
def first(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, str]]:
    """A build folder with version 1 published (store ``memory`` or ``disk``), to copy for each kill."""
    build = tmp_path_factory.mktemp(f"first-{request.param}") / "build"
    publish_fixture(build, 0, store=request.param)
    yield build, request.param


def test_a_kill_at_every_step_leaves_a_whole_version_and_the_next_run_cleans_up(
    first: tuple[Path, str], tmp_path: Path
) -> None:
    template, store = first
    steps = 0
    for step in range(1, 100):
        build = tmp_path / f"kill-{step}" / "build"
        shutil.copytree(template, build, symlinks=True)
        status = publish_killed_at(build, step, 1, store=store, keep_versions=1)
        if not killed(status):  # past the last step: this run completed
            assert status == 0
            assert assert_whole(build, {"2"}) == "2"
            break
        steps += 1
        assert assert_whole(build, {"1", "2"}) in {"1", "2"}
        again = publish_fixture(build, 1, store=store, keep_versions=1)  # the next run, not killed
        assert again.version == "2" and assert_whole(build, {"2"}) == "2"
        assert_clean(build)
        shutil.rmtree(build.parent)
    # lock, stage, dataset, [store], dumps, changes, manifest (2), commit (2), switch (2), prune (5 or 6)
    assert steps == (18 if store == "disk" else 16), f"{steps} steps were killed"


def test_runs_killed_one_after_another_each_leave_a_whole_version(
    first: tuple[Path, str], tmp_path: Path
) -> None:
    """Each run is killed one step later than the one before, in the same folder: a run is killed while
    it cleans up after the last, and still the folder holds a whole version throughout."""
    template, store = first
    build = tmp_path / "build"
    shutil.copytree(template, build, symlinks=True)
    for step in range(1, 100):
        status = publish_killed_at(build, step, 1, store=store, keep_versions=1)
        assert_whole(build, {"1", "2"})
        if not killed(status):
            break
    assert assert_whole(build, {"2"}) == "2"
    assert_clean(build)


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed (.ci/run installs it)")
def test_a_real_build_killed_at_each_rename_syscall(tmp_path: Path) -> None:
    """`smarthame build` under strace, killed at its first, second, … rename(2), on-disk store and all."""
    project = Path(shutil.copytree(PROJECT, tmp_path / "project"))
    build = tmp_path / "build"
    env = {
        **os.environ,
        "SMARTHAME_PROJECT_ROOT": str(project),
        "SMARTHAME_BUILD_DIR": str(build),
        "SMARTHAME_STORE": "disk",
        "SMARTHAME_KEEP_VERSIONS": "1",
    }
    command = [sys.executable, "-m", "server.cli", "build"]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)
    unchanged = _traced(command, env, 1)  # the reproduction: a rebuild of unchanged inputs
    assert unchanged.returncode == 0 and "Unchanged" in unchanged.stdout
    assert assert_whole(build, {"1"}) == "1"
    projects = project / "data" / "projects.ttl"
    projects.write_text(projects.read_text().replace('"2021-06-01"', '"2021-07-01"'))
    kills = 0
    for n in range(1, 60):
        ran = _traced(command, env, n)
        assert_whole(build, {"1", "2"})
        if ran.returncode == 0:
            break
        assert ran.returncode in (-signal.SIGKILL, 128 + signal.SIGKILL), ran.stderr[-2000:]
        kills += 1
    assert assert_whole(build, {"2"}) == "2"
    assert_clean(build)
    assert kills >= 5, f"only {kills} renames were reached"


def _traced(command: list[str], env: dict[str, str], n: int) -> subprocess.CompletedProcess[str]:
    inject = f"inject=rename,renameat,renameat2:signal=KILL:when={n}"
    return subprocess.run(
        ["strace", "-f", "-o", os.devnull, "-e", inject, *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
