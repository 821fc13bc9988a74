"""Dumps: every file round-trips to the store, `smarthame dump` writes the same bytes, HTTP headers are
honest."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from server.graph.releases import ReleaseNotes
from server.graph.versions import open_published, own_quads
from server.publish.dumps import GRAPH_KINDS, KINDS, dump_plan, open_dumps, write_dump
from server.publish.publishing import publish_version
from server.settings import Settings

# rdflib's TriG, N-Quads and JSON-LD parsers use its own deprecated ConjunctiveGraph internally.
pytestmark = pytest.mark.filterwarnings("ignore:.*(ConjunctiveGraph|default_context).*:DeprecationWarning")
BASE = "https://w3id.org/smart-hame/"
RDFLIB_FORMAT = {"trig": "trig", "nquads": "nquads", "turtle": "turtle", "ntriples": "nt"}


# ------------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def dumps(app_client):
    """The dump set the server wrote for the bundled data (listing it makes the server write it)."""
    assert app_client.get("/dumps/", headers={"accept": "application/json"}).status_code == 200
    return app_client.app.state.smarthame.dump_set


def store_graphs(published) -> dict[str, rdflib.Graph]:
    """Each named graph of the store as an rdflib graph (the default graph's merged copy left out)."""
    ds = rdflib.Dataset()
    ds.parse(data=ox.serialize(own_quads(published.store), format=ox.RdfFormat.N_QUADS), format="nquads")
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


def canonical(graph: rdflib.Graph) -> set[str]:
    """The graph's triples with canonical blank node labels (RDFC-1.0): equal sets mean isomorphic graphs.

    rdflib parses (a second implementation, independent of the one that wrote the dumps); pyoxigraph labels
    the blank nodes, in milliseconds where rdflib's own isomorphism test took seconds on the shapes' lists.
    """
    ds = ox.Dataset(ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in ds}


def merged(graphs: dict[str, rdflib.Graph]) -> rdflib.Graph:
    out = rdflib.Graph()
    for g in graphs.values():
        for t in g:
            out.add(t)
    return out


# --------------------------------------------------------------------------------------------- round trips


@pytest.mark.sweep
def test_every_dump_round_trips_to_the_store(client, dumps, published) -> None:
    graphs = store_graphs(published)
    expected = {name: canonical(g) for name, g in graphs.items()}
    expected_merged = canonical(merged(graphs))
    for f in dumps.files:
        if f.compressed:
            continue  # the same bytes as the plain file: test_every_gzip_file_holds_its_plain_file
        body = client.get(f"/dumps/{f.name}").content
        fmt = RDFLIB_FORMAT[f.kind]
        if KINDS[f.kind].quads:
            ds = rdflib.Dataset()
            ds.parse(data=body, format=fmt)
            got = {str(g.identifier): g for g in ds.graphs() if len(g)}
            assert sorted(got) == sorted(expected), f.name
            for name, triples in expected.items():
                assert canonical(got[name]) == triples, f"{f.name}: graph {name} differs from the store"
        else:
            graph = rdflib.Graph().parse(data=body, format=fmt)
            want = expected[f.graph] if f.graph else expected_merged
            assert canonical(graph) == want, f"{f.name} differs from the store"


def test_merged_graph_writes_each_triple_once(client, dumps) -> None:
    lines = client.get("/dumps/smart-hame.nt").content.splitlines()
    assert len(lines) == len(set(lines)) == dumps.merged.triples


def test_dump_set_covers_every_graph_in_every_syntax(dumps, published) -> None:
    names = {f.name for f in dumps.files}
    for stem in ("smart-hame.trig", "smart-hame.nq", "smart-hame.ttl", "smart-hame.nt"):
        assert {stem, stem + ".gz"} <= names
    for graph in ("ontology", "shapes", "strategy", "actors", "projects", "classification", "links"):
        for ext in ("ttl", "nt"):
            assert {f"graph-{graph}.{ext}", f"graph-{graph}.{ext}.gz"} <= names
    assert len(names) == 2 * len(dump_plan(published))


# ------------------------------------------------------------------------------------------- same bytes


@pytest.fixture(scope="module")
def own_build(build_dir, tmp_path_factory) -> Path:
    """A private copy of the published version: other tests publish into the shared build folder again,
    and a new publication of the same inputs has new blank node labels."""
    target = tmp_path_factory.mktemp("own-build")
    version = (build_dir / "current").resolve()
    shutil.copytree(version, target / "versions" / version.name)
    (target / "current").symlink_to(Path("versions") / version.name)
    return target


@pytest.fixture(scope="module")
def own_client(own_build):
    from fastapi.testclient import TestClient

    from server.web.app import create_app

    with TestClient(create_app(Settings(build_dir=own_build))) as c:
        yield c


@pytest.mark.parametrize("fmt", list(KINDS))
def test_cli_dump_writes_the_served_bytes(own_client, own_build, fmt, tmp_path) -> None:
    from server.cli import main

    out = tmp_path / f"dump.{fmt}"
    os.environ["SMARTHAME_BUILD_DIR"] = str(own_build)
    try:
        assert main(["dump", "--format", fmt, "-o", str(out)]) == 0
    finally:
        del os.environ["SMARTHAME_BUILD_DIR"]
    name = f"smart-hame.{KINDS[fmt].extension}"
    assert out.read_bytes() == own_client.get(f"/dumps/{name}").content


@pytest.mark.parametrize("fmt", GRAPH_KINDS)
def test_cli_dump_of_one_graph_writes_the_served_bytes(own_client, own_build, fmt) -> None:
    # A separate process: the bytes must not depend on anything that differs between processes.
    graph = f"{BASE}graph/projects"
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "dump", "--format", fmt, "--graph", graph],
        capture_output=True,
        env={**os.environ, "SMARTHAME_BUILD_DIR": str(own_build)},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == own_client.get(f"/dumps/graph-projects.{KINDS[fmt].extension}").content


def test_cli_refuses_an_unknown_graph(build_dir) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "dump", "--graph", f"{BASE}graph/nope"],
        capture_output=True,
        text=True,
        env={**os.environ, "SMARTHAME_BUILD_DIR": str(build_dir)},
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "No named graph" in result.stderr and "graph/projects" in result.stderr


# ---------------------------------------------------------------------------------------------- HTTP


IDENTITY = {"accept-encoding": "identity"}


def test_dump_headers_are_honest(client, dumps) -> None:
    for f in dumps.files:
        r = client.get(f"/dumps/{f.name}", headers=IDENTITY)
        assert r.status_code == 200
        assert int(r.headers["content-length"]) == len(r.content) == f.size, f.name
        assert hashlib.sha256(r.content).hexdigest() == f.sha256, f.name
        assert r.headers["etag"] == f'"{dumps.version}-{f.sha256}"'
        assert r.headers["last-modified"]
        assert r.headers["content-type"].startswith(f.media_type)


def test_every_gzip_file_holds_its_plain_file(client, dumps) -> None:
    for f in dumps.files:
        if f.compressed:
            packed = client.get(f"/dumps/{f.name}").content
            assert gzip.decompress(packed) == client.get(f"/dumps/{f.name.removesuffix('.gz')}").content, (
                f.name
            )
            assert packed[4:8] == b"\0\0\0\0", "a time stamp in the gzip header would change the checksum"


def test_conditional_head_and_range_requests(client, dumps) -> None:
    f = dumps.get("smart-hame.nq")
    assert (
        client.get(
            f"/dumps/{f.name}", headers={**IDENTITY, "if-none-match": f'"{dumps.version}-{f.sha256}"'}
        ).status_code
        == 304
    )
    head = client.head(f"/dumps/{f.name}", headers=IDENTITY)
    assert head.status_code == 200 and head.content == b"" and int(head.headers["content-length"]) == f.size
    part = client.get(f"/dumps/{f.name}", headers={**IDENTITY, "range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100


def test_plain_file_goes_out_as_its_gzip_twin_to_clients_that_accept_gzip(client, dumps) -> None:
    plain, packed = dumps.get("smart-hame.ttl"), dumps.get("smart-hame.ttl.gz")
    r = client.get(f"/dumps/{plain.name}", headers={"accept-encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip" and r.headers["content-type"].startswith("text/turtle")
    assert (
        int(r.headers["content-length"]) == packed.size
        and r.headers["etag"] == f'"{dumps.version}-{packed.sha256}"'
    )
    assert hashlib.sha256(r.content).hexdigest() == plain.sha256, "the client decodes it to the plain file"
    assert "Accept-Encoding" in r.headers["vary"]


def test_listing_and_checksums(client, dumps) -> None:
    page = client.get("/dumps/", headers={"accept": "text/html"})
    assert page.status_code == 200
    for f in dumps.files:
        assert f'href="/dumps/{f.name}"' in page.text and f.sha256 in page.text
    listing = client.get("/dumps/", headers={"accept": "application/json"}).json()
    assert {f["name"]: f["sha256"] for f in listing["files"]} == {f.name: f.sha256 for f in dumps.files}
    sums = client.get("/dumps/SHA256SUMS").text.splitlines()
    assert sums == [f"{f.sha256}  {f.name}" for f in dumps.files]
    assert client.get("/dumps", follow_redirects=False).status_code == 301


def test_unknown_dump_is_404(client, dumps) -> None:
    r = client.get("/dumps/nope.ttl")
    assert r.status_code == 404 and "GET /dumps/" in r.json()["message"]


# ------------------------------------------------------------------------------------ small fixtures


def fixture_published(tmp_path: Path, base: str = BASE):
    """Two graphs that share one triple; one blank node; published and opened at ``base``."""
    ttl = {
        "projects": f"""<{BASE}project/A1> a <{BASE}ontology/Project> ;
            <http://www.w3.org/2004/02/skos/core#prefLabel> "Hanke"@fi ;
            <{BASE}ontology/amount> [ <http://schema.org/value> 12.5 ] .""",
        "classification": f"""<{BASE}project/A1> <http://www.w3.org/2004/02/skos/core#prefLabel> "Hanke"@fi ;
            <{BASE}ontology/contributesTo> <{BASE}concept/spearheads/design> .""",
    }
    ds = ox.Dataset()
    for graph, text in ttl.items():
        for t in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE):
            ds.add(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(f"{BASE}graph/{graph}")))
    publish_version(ds, Settings(build_dir=tmp_path), ReleaseNotes("build", "Tests", "tests/test_dumps.py"))
    return open_published(Settings(build_dir=tmp_path, base_iri=base))


def dump_bytes(published, fmt: str, graph: str | None = None) -> bytes:
    out = io.BytesIO()
    write_dump(published, out, fmt, graph=graph)
    return out.getvalue()


def test_shared_triple_is_written_once_in_the_merged_graph(tmp_path) -> None:
    nt = dump_bytes(fixture_published(tmp_path), "ntriples").decode().splitlines()
    assert sum("prefLabel" in line for line in nt) == 1
    assert len(nt) == 5
    nq = dump_bytes(fixture_published(tmp_path), "nquads").decode().splitlines()
    assert sum("prefLabel" in line for line in nq) == 2


def test_dumps_are_rebased_onto_the_served_base(tmp_path) -> None:
    published = fixture_published(tmp_path, "http://127.0.0.1:9/")
    for fmt in KINDS:
        text = dump_bytes(published, fmt).decode()
        assert BASE not in text, fmt
        assert "http://127.0.0.1:9/project/A1" in text or "<http://127.0.0.1:9/" in text, fmt
    assert len(dump_bytes(published, "ntriples").splitlines()) == 5


def test_graph_files_written_in_one_pass_equal_write_dump(tmp_path) -> None:
    published = fixture_published(tmp_path)
    dumps = open_dumps(published, tmp_path)
    for f in dumps.files:
        if f.graph and not f.compressed:
            assert dumps.path(f).read_bytes() == dump_bytes(published, f.kind, f.graph), f.name
    assert dumps.graphs == {f"{BASE}graph/classification": 2, f"{BASE}graph/projects": 4}
    assert dumps.merged.triples == 5


def test_dump_set_is_written_once_and_reused(tmp_path) -> None:
    published = fixture_published(tmp_path)
    first = open_dumps(published, tmp_path)
    stamp = (first.folder / "manifest.json").stat().st_mtime_ns
    again = open_dumps(published, tmp_path)
    assert again == first and (again.folder / "manifest.json").stat().st_mtime_ns == stamp


def test_a_slow_dump_set_answers_503_until_written(tmp_path, monkeypatch) -> None:
    import threading

    from fastapi.testclient import TestClient

    import server.web.routes.dumps as routes
    from server.web.app import create_app

    published = fixture_published(tmp_path)
    release = threading.Event()

    def slow_open_dumps(*args):
        release.wait(10)
        return open_dumps(*args)

    monkeypatch.setattr(routes, "open_dumps", slow_open_dumps)
    monkeypatch.setattr(routes, "WAIT_SECONDS", 0.05)
    with TestClient(create_app(Settings(build_dir=tmp_path), published)) as c:
        busy = c.get("/dumps/", headers={"accept": "application/json"})
        assert busy.status_code == 503 and "being written" in busy.json()["message"]
        release.set()
        monkeypatch.setattr(routes, "WAIT_SECONDS", 10.0)
        assert c.get("/dumps/", headers={"accept": "application/json"}).status_code == 200


def test_the_dumps_are_written_with_the_version_and_kept_when_nothing_changed(tmp_path) -> None:
    first = open_dumps(fixture_published(tmp_path), tmp_path)
    assert first.folder == tmp_path / "versions" / "1" / "dumps"
    second = open_dumps(fixture_published(tmp_path), tmp_path)  # the same content: no new version
    assert second == first
    published = open_published(Settings(build_dir=tmp_path))
    assert (second.folder / "smart-hame.nq").read_bytes() == dump_bytes(published, "nquads")
    assert not (tmp_path / "dumps").exists(), "a published version's dumps are never written again"


def test_a_server_at_another_base_writes_its_own_rebased_dumps(tmp_path) -> None:
    published = fixture_published(tmp_path, "http://127.0.0.1:9/")
    dumps = open_dumps(published, tmp_path)
    assert dumps.folder.parent == tmp_path / "dumps" and dumps.base_iri == "http://127.0.0.1:9/"
    assert b"http://127.0.0.1:9/project/A1" in (dumps.folder / "smart-hame.nq").read_bytes()


def test_two_releases_of_one_version_number_without_a_file_keep_their_own_dumps(tmp_path) -> None:
    """As over an external engine (no N-Quads file, no version folder): another build folder's release
    of the same number, published there later, is not served the first one's dumps."""
    import dataclasses

    published = fixture_published(tmp_path / "build")
    releases = []
    for label in ("first", "second"):
        store = ox.Store()
        store.extend(own_quads(published.store))
        store.add(ox.Quad(ox.NamedNode(f"{BASE}project/A1"), ox.NamedNode(f"{BASE}p"), ox.Literal(label)))
        digest = hashlib.sha256(label.encode()).hexdigest()
        manifest = {**published.manifest, "content_sha256": digest}
        release = dataclasses.replace(published, store=store, path=None, folder=None, manifest=manifest)
        releases.append(release)
    first, second = (open_dumps(r, tmp_path / "fronts") for r in releases)
    assert first.version == second.version and first.folder != second.folder
    assert b'"first"' in first.path(first.get("smart-hame.nq")).read_bytes()
    assert b'"second"' in second.path(second.get("smart-hame.nq")).read_bytes()
