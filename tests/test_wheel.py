"""An install that works without the source tree: the wheel, in a fresh virtual environment, from elsewhere.

``pip wheel`` builds from a copy of the project (so the work tree gets no build/ or egg-info); the wheel goes
into a new venv with ``--no-deps``, and the venv reaches this environment's packages (FastAPI, pyoxigraph…)
through a ``.pth`` file, so nothing is downloaded. Then ``smarthame build``, ``validate`` and ``serve`` run
from another directory, where no ``server/`` folder could be imported by accident.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.settings import PROJECT_ROOT
from tests.conftest import FIXTURES, LiveServer

pytestmark = pytest.mark.wheel
PROJECT_FILES = (
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "ontology",
    "data",
    "queries",
    "server",
)
VENDOR = PROJECT_ROOT / "server" / "web" / "static" / "vendor"


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"{args}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel of this project; returns the venv."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    for name in PROJECT_FILES:
        origin = PROJECT_ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__", "bundled"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(origin, source / name)
    dist = tmp / "dist"
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-w",
        dist,
        source,
        cwd=tmp,
    )
    (wheel,) = dist.glob("smarthame-*.whl")
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    site = Path(
        run(
            venv / "bin" / "python",
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            cwd=tmp,
        ).stdout.strip()
    )
    # This environment's packages, after the venv's own: the wheel's `server` wins over any other.
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        venv / "bin" / "python",
        "install",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=tmp,
    )
    return venv


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("elsewhere")


def test_the_wheel_carries_the_package_and_its_data(installed: Path, elsewhere: Path) -> None:
    where = run(
        installed / "bin" / "python",
        "-c",
        "import server, server.settings as s; print(server.__file__); print(s.PROJECT_ROOT)",
        cwd=elsewhere,
    ).stdout.split()
    package, root = Path(where[0]).parent, Path(where[1])
    assert package.is_relative_to(installed) and root == package / "bundled"
    for name in (
        "ontology/smart-hame.ttl",
        "ontology/shapes.ttl",
        "data/projects.ttl",
        "queries/spearhead-overview.rq",
    ):
        assert (root / name).read_bytes() == (PROJECT_ROOT / name).read_bytes(), name
    for name in (
        "web/templates/resource.html",
        "web/templates/messages.json",
        "web/static/pages.css",
        "web/routes/sparql.py",
    ):
        assert (package / name).is_file(), name
    if (VENDOR / "swagger-ui-bundle.js").is_file():
        assert (package / "web/static/vendor/swagger-ui-bundle.js").is_file()


@pytest.fixture(scope="module")
def served(installed: Path, elsewhere: Path) -> Iterator[LiveServer]:
    build = elsewhere / "published"
    env = {"SMARTHAME_BUILD_DIR": str(build), "PATH": f"{installed / 'bin'}:{os.environ['PATH']}"}
    built = run(installed / "bin" / "smarthame", "build", cwd=elsewhere, env=env)
    assert "Published" in built.stdout and (build / "current" / "dataset.nq").is_file()
    server = LiveServer(
        build,
        "--processes",
        "1",
        "--workers",
        "1",
        command=[str(installed / "bin" / "smarthame")],
        cwd=elsewhere,
    )
    yield server
    server.stop()


def test_the_installed_command_validates_with_the_bundled_shapes(installed: Path, elsewhere: Path) -> None:
    # The fixture project's data knows nothing of the real shapes' sources and classes: it must fail them.
    data = FIXTURES / "project" / "data" / "projects.ttl"
    result = subprocess.run(
        [str(installed / "bin" / "smarthame"), "validate", str(data)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("Does not conform: 4 violations")
    assert f"{data}:12  res:project/EX2  dct:source" in result.stdout


def test_the_installed_server_serves_pages_queries_static_files_and_docs(served: LiveServer) -> None:
    with httpx.Client(base_url=served.url, timeout=10) as client:
        home = client.get("/", headers={"accept": "text/html"})
        assert home.status_code == 200 and 'href="/strategy/smart-hame"' in home.text
        page = client.get("/project/A70783", headers={"accept": "text/html"})
        assert page.status_code == 200 and "<h1>" in page.text
        ask = client.get(
            "/sparql", params={"query": "ASK { ?s a <https://w3id.org/smart-hame/ontology/Project> }"}
        )
        assert ask.status_code == 200 and ask.json()["boolean"] is True
        queries = client.get("/queries", headers={"accept": "application/json"}).json()["queries"]
        assert {q["name"] for q in queries} == {p.stem for p in (PROJECT_ROOT / "queries").glob("*.rq")}
        css = client.get("/static/pages.css")
        assert (
            css.status_code == 200
            and css.content == (PROJECT_ROOT / "server/web/static/pages.css").read_bytes()
        )
        docs = client.get("/docs")
        assert docs.status_code == 200
        if (VENDOR / "swagger-ui-bundle.js").is_file():
            assert "/static/vendor/swagger-ui-bundle.js" in docs.text
            assert client.get("/static/vendor/swagger-ui-bundle.js").status_code == 200
            assert "yasgui.min.js" in client.get("/sparql", headers={"accept": "text/html"}).text
        else:  # the pages say how to add the assets
            assert "make assets" in docs.text
        assert client.get("/openapi.json").json()["info"]["title"].startswith("Smart Häme")
