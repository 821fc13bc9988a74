"""Releases: numbered versions with notes, changes as files and a changelog, rollback, pruning, catalogue."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.cli import main
from server.graph.releases import find_release, list_releases
from server.publish.publishing import rollback
from tests.releasing import (
    BASE,
    PROJECT,
    ex2_start,
    new_project,
    publish_fixture,
    serving_settings,
    settings_for,
)

EX1, EX2 = f"{BASE}project/EX1", f"{BASE}project/EX2"


def nquads(path: Path) -> set[str]:
    return {line for line in path.read_text(encoding="utf-8").splitlines() if line}


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Versions 1 (the fixture), 2 (edit 1) and 3 (edit 2), with only the newest two keeping their dumps."""
    build = tmp_path_factory.mktemp("three") / "build"
    for k in (0, 1, 2):
        assert publish_fixture(build, k, keep_versions=2).created
    return build


# ----------------------------------------------------------------------------------------------- releases


def test_every_publish_is_a_numbered_release_after_the_one_before(three: Path) -> None:
    releases = list_releases(three)
    assert [(r.version, r.number, r.previous) for r in releases] == [
        ("1", 1, None),
        ("2", 2, "1"),
        ("3", 3, "2"),
    ]
    assert [r.notes.summary for r in releases] == ["edit 0", "edit 1", "edit 2"]
    assert all(r.notes.by == "Test publisher" and r.notes.via == "tests/releasing.py" for r in releases)
    assert os.readlink(three / "current") == "versions/3"
    for r in releases:
        assert r.issued >= r.started
        assert r.manifest["activity"]["ended"] >= r.manifest["activity"]["started"]


def test_changes_are_the_added_and_removed_quads_per_graph(three: Path) -> None:
    changes = find_release(three, "3").folder / "changes"
    added, removed = nquads(changes / "projects.added.nq"), nquads(changes / "projects.removed.nq")
    date = "^^<http://www.w3.org/2001/XMLSchema#date>"
    assert f'<{EX2}> <{BASE}ontology/plannedStart> "{ex2_start(2)}"{date} <{BASE}graph/projects> .' in added
    assert f'<{EX2}> <{BASE}ontology/plannedStart> "{ex2_start(1)}"{date} <{BASE}graph/projects> .' in removed
    assert {line.split()[0] for line in added if "NEW2" in line} == {f"<{new_project(2)}>"}
    assert not any("NEW2" in line for line in removed) and any("NEW1" in line for line in removed)
    # EX1's amount is a blank node whose value changed: its molecule (two quads) out, the new one in.
    assert sum("1001.5" in line for line in removed) == 1 and sum("1002.5" in line for line in added) == 1
    assert len(added) == len(removed) == 1 + 2 + 4  # start date, amount molecule, NEW<k>'s four quads
    assert sorted(p.name for p in changes.iterdir()) == [
        "changes.json",
        "projects.added.nq",
        "projects.removed.nq",
    ]
    summary = find_release(three, "3").changes
    assert (summary["added"], summary["removed"]) == (7, 7)
    assert summary["entities"] == {"added": 1, "changed": 2, "removed": 1}


def test_blank_nodes_keep_their_labels_where_nothing_changed(three: Path) -> None:
    """The shapes' blank nodes are the same in every version: no shapes change is reported."""
    for r in list_releases(three)[1:]:
        assert set(r.changes["graphs"]) == {f"{BASE}graph/projects"}


def test_the_changelog_names_each_changed_project_and_how(three: Path) -> None:
    body = json.loads((find_release(three, "3").folder / "changes" / "changes.json").read_text())
    entities = {e["iri"]: e for e in body["entity_changes"]}
    assert {iri: e["change"] for iri, e in entities.items()} == {
        EX1: "changed",
        EX2: "changed",
        new_project(1): "removed",
        new_project(2): "added",
    }
    (start,) = entities[EX2]["properties"]
    assert (start["predicate"], start["removed"], start["added"]) == (
        f"{BASE}ontology/plannedStart",
        [{"literal": ex2_start(1), "datatype": "http://www.w3.org/2001/XMLSchema#date"}],
        [{"literal": ex2_start(2), "datatype": "http://www.w3.org/2001/XMLSchema#date"}],
    )
    (amount,) = entities[EX1]["properties"]
    assert (amount["removed"], amount["added"]) == ([{"blank": "value 1001.5"}], [{"blank": "value 1002.5"}])
    assert entities[new_project(2)]["labels"] == {"fi": "Uusi hanke 2", "en": "New project 2"}


def test_an_unchanged_publish_creates_no_release(three: Path, tmp_path: Path) -> None:
    build = tmp_path / "build"
    shutil.copytree(three, build, symlinks=True)
    before = sorted(p.name for p in (build / "versions").iterdir())
    again = publish_fixture(build, 2, keep_versions=2)
    assert (again.created, again.version) == (False, "3")
    assert sorted(p.name for p in (build / "versions").iterdir()) == before


def test_rollback_publishes_the_earlier_content_as_a_new_release(three: Path, tmp_path: Path) -> None:
    build = tmp_path / "build"
    shutil.copytree(three, build, symlinks=True)
    settings = settings_for(build, keep_versions=2)
    back = rollback("1", settings, "Test publisher")  # version 1 is pruned: from its compressed N-Quads
    assert (back.version, back.previous, back.notes.action, back.notes.rollback_of) == (
        "4",
        "3",
        "rollback",
        "1",
    )
    assert back.content_sha256 == find_release(build, "1").content_sha256
    assert (build / "versions" / "4" / "dataset.nq").read_bytes() == gzip.decompress(
        (build / "versions" / "1" / "dataset.nq.gz").read_bytes()
    )
    assert not rollback("4", settings, "Test publisher").created  # already what is published


def test_older_versions_keep_their_changes_and_nquads_but_not_their_dumps(three: Path) -> None:
    old = find_release(three, "1")
    assert (
        not old.retained and old.manifest["archive"]["size"] == (old.folder / "dataset.nq.gz").stat().st_size
    )
    assert sorted(p.name for p in old.folder.iterdir()) == ["changes", "dataset.nq.gz", "manifest.json"]
    assert all(
        r.retained and (r.folder / "dumps" / "manifest.json").is_file() for r in list_releases(three)[1:]
    )


def test_unknown_version_is_a_clear_error(three: Path) -> None:
    from server.errors import NotFound

    with pytest.raises(NotFound, match="No published version '9'; `smarthame releases` lists them"):
        rollback("9", settings_for(three), "Test publisher")


# ----------------------------------------------------------------------------------------------- the CLI


@pytest.fixture()
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path):
    project = Path(shutil.copytree(PROJECT, tmp_path / "project"))
    monkeypatch.setenv("SMARTHAME_PROJECT_ROOT", str(project))
    monkeypatch.setenv("SMARTHAME_BUILD_DIR", str(tmp_path / "build"))

    def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(list(args))
        return code, capsys.readouterr().out

    run.project = project  # type: ignore[attr-defined]
    return run


def test_build_releases_and_rollback_from_the_command_line(cli) -> None:
    assert cli("build")[0] == 0
    code, out = cli("build")
    assert code == 0 and out.startswith("Unchanged: the inputs give the bytes of version 1 (sha256 ")
    projects = cli.project / "data" / "projects.ttl"
    projects.write_text(projects.read_text().replace('"2021-06-01"', '"2021-07-01"'))
    code, out = cli("build")
    assert code == 0 and "Changes since version 1: +1 -1 quads; 0 entities added, 1 changed, 0 removed" in out
    code, out = cli("rollback", "1")
    assert code == 0 and "as version 3 in" in out and "Changes since version 2: +1 -1 quads" in out
    code, out = cli("releases")
    lines = out.splitlines()
    assert lines[1].split()[:3] == ["*", "3", str(find_release_date(cli, "3"))]
    assert [line[1:].split()[0] for line in lines[1:4]] == ["3", "2", "1"]
    assert "rollback" in lines[1] and "The content of version 1" in lines[1]
    manifest = json.loads((Path(os.environ["SMARTHAME_BUILD_DIR"]) / "current" / "manifest.json").read_text())
    assert [f["path"] for f in manifest["notes"]["files"]] == ["versions/1/dataset.nq"]


def find_release_date(cli, version: str) -> str:
    return f"{find_release(Path(os.environ['SMARTHAME_BUILD_DIR']), version).issued:%Y-%m-%d}"


def test_build_records_its_input_files(cli) -> None:
    assert cli("build")[0] == 0
    release = find_release(Path(os.environ["SMARTHAME_BUILD_DIR"]), "1")
    assert [f.path for f in release.notes.files] == [
        "ontology/smart-hame.ttl",
        "ontology/shapes.ttl",
        "data/strategy.ttl",
        "data/actors.ttl",
        "data/projects.ttl",
        "data/classification.ttl",
        "data/links.ttl",
    ]
    assert (
        release.notes.files[4].sha256
        == __import__("hashlib").sha256((cli.project / "data" / "projects.ttl").read_bytes()).hexdigest()
    )


# ------------------------------------------------------------------------------------------------ HTTP


@pytest.fixture(scope="module")
def versions_client(three: Path) -> Iterator:
    from server.web.app import create_app
    from tests.inprocess import in_process

    with in_process(create_app(serving_settings(three, keep_versions=2, watch_interval=0))) as c:
        yield c


def test_the_versions_are_listed_newest_first(versions_client) -> None:
    r = versions_client.get("/versions/", headers={"accept": "application/json"})
    body = r.json()
    assert r.status_code == 200 and body["current"] == "3"
    assert [(v["version"], v["dumps"]) for v in body["versions"]] == [
        ("3", "/versions/3/dumps/"),
        ("2", "/versions/2/dumps/"),
        ("1", None),
    ]


def test_a_version_s_dumps_are_immutable_at_their_url(versions_client, three: Path) -> None:
    r = versions_client.get("/versions/2/dumps/smart-hame.nq", headers={"accept-encoding": "identity"})
    assert r.status_code == 200 and r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert r.content == (three / "versions" / "2" / "dumps" / "smart-hame.nq").read_bytes()
    assert r.headers["etag"].startswith('"2-') and r.headers["x-dataset-version"] == "3"
    again = versions_client.get(
        "/versions/2/dumps/smart-hame.nq",
        headers={"accept-encoding": "identity", "if-none-match": r.headers["etag"]},
    )
    assert again.status_code == 304
    pruned = versions_client.get("/versions/1/dumps/smart-hame.nq")
    assert (
        pruned.status_code == 404
        and "no longer kept (setting keep_versions is 2)" in pruned.json()["message"]
    )
    kept = versions_client.get("/versions/1/dataset.nq.gz")
    assert (
        kept.status_code == 200 and kept.content == (three / "versions" / "1" / "dataset.nq.gz").read_bytes()
    )


def test_the_change_files_are_served(versions_client, three: Path) -> None:
    r = versions_client.get("/versions/3/changes/projects.added.nq")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/n-quads")
    assert r.content == (three / "versions" / "3" / "changes" / "projects.added.nq").read_bytes()
    assert versions_client.get("/versions/3/changes/nope.nq").status_code == 404


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fi", ("Muutokset", "lisätty", "muutettu", "Ennen")),
        ("sv", ("Ändringar", "tillagd", "ändrad", "Före")),
        ("en", ("Changes", "added", "changed", "Before")),
    ],
)
def test_the_changelog_page_in_each_language(versions_client, lang: str, words: tuple[str, ...]) -> None:
    r = versions_client.get(f"/versions/3?lang={lang}", headers={"accept": "text/html"})
    assert r.status_code == 200
    for word in words:
        assert word in r.text
    assert "Uusi hanke 2" in r.text or "New project 2" in r.text
    assert ex2_start(1) in r.text and ex2_start(2) in r.text
    assert 'href="/versions/3/changes/projects.added.nq"' in r.text


def test_the_catalogue_lists_every_version(versions_client) -> None:
    import rdflib

    g = rdflib.Graph().parse(
        data=versions_client.get("/catalog", headers={"accept": "text/turtle"}).text, format="turtle"
    )
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    dataset = rdflib.URIRef(f"{BASE}catalog#dataset")
    versions = {str(v) for v in g.objects(dataset, dcat.hasVersion)}
    assert versions == {f"{BASE}versions/{n}" for n in ("1", "2", "3")}
    assert str(g.value(dataset, dcat.hasCurrentVersion)) == f"{BASE}versions/3"
    v3 = rdflib.URIRef(f"{BASE}versions/3")
    assert str(g.value(v3, dcat.previousVersion)) == f"{BASE}versions/2"
    assert str(g.value(v3, dcat.version)) == "3"
    notes = str(g.value(v3, rdflib.URIRef("http://www.w3.org/ns/adms#versionNotes")))
    assert notes.startswith("Build published by Test publisher with `tests/releasing.py`. edit 2")
    assert "7 statements added and 7 removed since version 2" in notes
    activity = g.value(v3, rdflib.URIRef("http://www.w3.org/ns/prov#wasGeneratedBy"))
    assert (activity, rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/prov#Activity")) in g
    v1 = rdflib.URIRef(f"{BASE}versions/1")
    (only,) = list(g.objects(v1, dcat.distribution))
    assert str(g.value(only, dcat.downloadURL)) == f"{BASE}versions/1/dataset.nq.gz"


def test_the_catalogue_with_versions_conforms_to_dcat_ap_3_0_1(versions_client, shared_dir) -> None:
    import rdflib

    from tests.test_catalog import assert_conforms, dcat_ap_shapes

    body = versions_client.get("/catalog", headers={"accept": "text/turtle"}).text
    assert_conforms(rdflib.Graph().parse(data=body, format="turtle"), dcat_ap_shapes(shared_dir))


def test_served_files_have_no_versions(sample_client) -> None:
    r = sample_client.get("/versions/", headers={"accept": "application/json"})
    assert r.status_code == 404 and "serves files, not published versions" in r.json()["message"]
