"""Publishing over HTTP: POST /publish and the Graph Store protocol writes behind a bearer token, the
same import and SHACL gate as the CLI (401/403/422/200, dry runs, off by default), and the W3C Graph
Store protocol write cases that apply to a server with one graph publishers may edit."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.compare import isomorphic

from server.settings import PROJECT_ROOT, Settings
from server.web.app import create_app
from tests.inprocess import InProcessClient, in_process
from tests.releasing import fingerprint

BASE = "https://w3id.org/smart-hame/"
PUBLISHER = f"{BASE}graph/publisher"
TOKEN = "synthetic-test-token"  # noqa: S105 - a test token for a temporary server
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EXAMPLE = PROJECT_ROOT / "docs" / "examples" / "import-example.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINK = (
    f"<{BASE}organisation/hameen-ammattikorkeakoulu-oy> <http://www.w3.org/2000/01/rdf-schema#seeAlso> "
    "<https://tietopalvelu.ytj.fi/yritys/2617489-3> .\n"
)
BAD = f"<{BASE}project/synthetic-1> a <{BASE}ontology/Project> .\n"


@pytest.fixture
def build(build_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "build"
    shutil.copytree(build_dir, target, symlinks=True)
    return target


def app_client(build: Path, token: str) -> Iterator[InProcessClient]:
    with in_process(create_app(Settings(build_dir=build, publish_token=token))) as c:
        yield c


@pytest.fixture
def client(build: Path) -> Iterator[InProcessClient]:
    yield from app_client(build, TOKEN)


@pytest.fixture
def closed(build: Path) -> Iterator[InProcessClient]:
    yield from app_client(build, "")


def put_link(client: InProcessClient, **headers: str):
    return client.put(
        f"/graph-store?graph={quote(PUBLISHER, safe='')}",
        content=LINK,
        headers={"Content-Type": "application/n-triples", **headers},
    )


def test_with_no_token_configured_writes_answer_404_or_405_and_change_nothing(closed, build: Path) -> None:
    before = fingerprint(build)
    response = closed.post(
        "/publish", content=LINK, headers={"Content-Type": "application/n-triples", **AUTH}
    )
    assert response.status_code == 404
    response = put_link(closed, **AUTH)
    assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD"
    assert closed.delete(f"/graph-store?graph={PUBLISHER}", headers=AUTH).status_code == 405
    assert fingerprint(build) == before


def test_a_write_without_a_token_is_401_and_with_a_wrong_one_403(client, build: Path) -> None:
    before = fingerprint(build)
    response = put_link(client)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["error"] == "Unauthorized"
    assert put_link(client, Authorization="Bearer wrong-token").status_code == 403
    assert put_link(client, Authorization=f"Basic {TOKEN}").status_code == 401
    assert fingerprint(build) == before


def test_a_violation_is_422_with_the_report_as_json_or_turtle_and_changes_nothing(
    client, build: Path
) -> None:
    before = fingerprint(build)
    headers = {"Content-Type": "text/turtle", **AUTH}
    response = client.post("/publish", content=BAD, headers=headers)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "ImportRefused" and body["report"]["conforms"] is False
    assert {r["location"] for r in body["report"]["results"]} == {"upload.ttl:1"}
    assert {r["focus_node"] for r in body["report"]["results"] if r["severity"] == "Violation"} == {
        f"{BASE}project/synthetic-1"
    }
    response = client.post("/publish", content=BAD, headers={**headers, "Accept": "text/turtle"})
    assert response.status_code == 422 and response.headers["content-type"] == "text/turtle; charset=utf-8"
    sh = Namespace("http://www.w3.org/ns/shacl#")
    report = Graph().parse(data=response.text, format="turtle")
    assert set(report.objects(None, sh.focusNode)) == {URIRef(f"{BASE}project/synthetic-1")}
    assert fingerprint(build) == before


def test_a_bad_row_is_422_with_file_sheet_row_column(client, build: Path) -> None:
    before = fingerprint(build)
    csv = "name,business_id,sources\nSynthetic Oy,1234567-8,https://example.org/synthetic\n"
    response = client.post("/publish", content=csv, headers={"Content-Type": "text/csv", **AUTH})
    assert response.status_code == 422
    (problem,) = response.json()["problems"]
    assert problem == (
        "upload.csv:organisations:2:business_id: business ID '1234567-8' is invalid: seven digits, "
        "a hyphen and the check digit (weights 7,9,10,5,8,4,2), e.g. 2617489-3"
    )
    assert fingerprint(build) == before


def test_a_file_that_does_not_parse_is_422_with_its_line(client, build: Path) -> None:
    before = fingerprint(build)
    response = client.post("/publish", content="<a> <b> .\n", headers={"Content-Type": "text/turtle", **AUTH})
    assert response.status_code == 422
    (problem,) = response.json()["problems"]
    assert problem.startswith("upload.ttl:1: ")
    assert fingerprint(build) == before


def test_publishing_the_example_spreadsheet_is_200_and_served_at_once(client, build: Path) -> None:
    ask = f"ASK {{ <{BASE}project/hame-goes-global> <{BASE}ontology/plannedStart> ?d }}"
    assert (
        client.get(
            "/sparql", params={"query": ask}, headers={"Accept": "application/sparql-results+json"}
        ).json()["boolean"]
        is False
    )
    response = client.post("/publish", content=EXAMPLE.read_bytes(), headers={"Content-Type": XLSX, **AUTH})
    assert response.status_code == 200
    body = response.json()
    assert body["version"] != body["previous"]
    assert [c["entity"] for c in body["changes"]] == [f"{BASE}project/hame-goes-global"]
    assert (build / "current").readlink() == Path("versions") / body["version"]
    answer = client.get(
        "/sparql", params={"query": ask}, headers={"Accept": "application/sparql-results+json"}
    )
    assert answer.json()["boolean"] is True


def test_a_dry_run_validates_and_publishes_nothing(client, build: Path) -> None:
    before = fingerprint(build)
    response = client.put(
        f"/graph-store?graph={PUBLISHER}&dry-run=true",
        content=LINK,
        headers={"Content-Type": "application/n-triples", **AUTH},
    )
    assert response.status_code == 201 and response.json()["dry_run"] is True
    assert response.json()["version"] is None
    assert fingerprint(build) == before
    assert client.get(f"/graph-store?graph={PUBLISHER}").status_code == 404


def test_a_dry_run_publish_is_200_when_it_conforms_and_422_when_not_and_publishes_nothing(
    client, build: Path
) -> None:
    before = fingerprint(build)
    response = client.post(
        "/publish?dry-run=true", content=EXAMPLE.read_bytes(), headers={"Content-Type": XLSX, **AUTH}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True and body["version"] is None
    assert [c["entity"] for c in body["changes"]] == [f"{BASE}project/hame-goes-global"]
    response = client.post(
        "/publish?dry-run=true", content=BAD, headers={"Content-Type": "text/turtle", **AUTH}
    )
    assert response.status_code == 422 and response.json()["error"] == "ImportRefused"
    assert fingerprint(build) == before
    ask = f"ASK {{ <{BASE}project/hame-goes-global> <{BASE}ontology/plannedStart> ?d }}"
    answer = client.get(
        "/sparql", params={"query": ask}, headers={"Accept": "application/sparql-results+json"}
    )
    assert answer.json()["boolean"] is False


def test_graphs_made_from_records_are_not_writable_and_reads_stay_open(client, build: Path) -> None:
    response = client.put(
        f"/graph-store?graph={BASE}graph/projects",
        content=LINK,
        headers={"Content-Type": "application/n-triples", **AUTH},
    )
    assert response.status_code == 403 and "publishers may write" in response.json()["message"]
    assert (
        client.put(
            "/graph-store?default", content=LINK, headers={"Content-Type": "text/turtle", **AUTH}
        ).status_code
        == 403
    )
    assert put_link(client, **AUTH).status_code == 201
    read = client.get(f"/graph-store?graph={PUBLISHER}", headers={"Accept": "application/n-triples"})
    assert read.status_code == 200 and read.text.strip() == LINK.strip()
    assert client.delete(f"/graph-store?graph={PUBLISHER}", headers=AUTH).status_code == 200
    assert client.get(f"/graph-store?graph={PUBLISHER}").status_code == 404


# --- the W3C SPARQL 1.1 Graph Store protocol manifests -------------------------------------------------

GSP = PROJECT_ROOT.parent / "shared" / "conformance" / "sparql11-graph-store-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
STATUS = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}
# Cases that write a graph of the store: run on the one graph publishers may edit. Not applicable here:
# put_get_default (the default graph is the union of the named graphs, not writable), post_get_new_graph
# (a server-named new graph) and put_get_uri_pct_encoded_twice (two distinct graphs).
APPLICABLE = [
    "put_get_repeat_indirect",
    "put_delete_get_delete_indirect",
    "post_get_post_get_indirect",
    "head_existing_indirect",
    "head_non_existing_indirect",
    "put_get_uri_pct_encoded_indirect",
]


def gsp_cases() -> list[tuple[str, list[dict]]]:
    if not GSP.is_dir():
        return []
    g = Graph().parse(GSP / "manifest-indirect.ttl", format="turtle")
    ns = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/http-rdf-update/manifest#"
    cases = []
    for name in APPLICABLE:
        action = g.value(URIRef(ns + name), MF.action)
        requests = []
        for req in g.items(g.value(action, HT.requests)):
            resp = g.value(req, HT.resp)
            headers = {
                str(g.value(h, HT.fieldName)): str(g.value(h, HT.fieldValue))
                for h in g.items(g.value(req, HT.headers))
            }
            body = g.value(g.value(req, HT.body), CNT.chars)
            expected = g.value(resp, HT.body)
            requests.append(
                {
                    "method": str(g.value(req, HT.methodName)),
                    "path": str(g.value(req, HT.absolutePath)),
                    "headers": headers,
                    "body": None if body is None else str(body),
                    "status": {STATUS[str(s).rsplit("#", 1)[1]] for s in g.objects(resp, MF.expectedStatus)},
                    "expected": None if expected is None else str(g.value(expected, CNT.chars)),
                }
            )
        cases.append((name, requests))
    return cases


def our_path(path: str) -> str:
    """The case's path with its graph IRI replaced by the publisher graph, encoded as the case encodes it."""
    query = urlsplit(path).query
    graph = dict(parse_qsl(query))["graph"]
    encoded = "%3A" in query
    return "/graph-store?graph=" + (quote(PUBLISHER, safe="") if encoded else PUBLISHER) if graph else path


@pytest.mark.skipif(not GSP.is_dir(), reason="../shared/conformance/sparql11-graph-store-protocol is absent")
@pytest.mark.parametrize("name,requests", gsp_cases(), ids=[c[0] for c in gsp_cases()])
def test_w3c_graph_store_protocol_write_cases(tmp_path: Path, name: str, requests: list[dict]) -> None:
    # The tiny fixture project: each write publishes a whole version, which the protocol is not about.
    from tests.releasing import publish_fixture, serving_settings

    publish_fixture(tmp_path / "build", 0)
    with in_process(create_app(serving_settings(tmp_path / "build", publish_token=TOKEN))) as client:
        _gsp_case(client, requests)


def _gsp_case(client: InProcessClient, requests: list[dict]) -> None:
    for n, r in enumerate(requests, start=1):
        headers = dict(r["headers"])
        if r["method"] in ("PUT", "POST", "DELETE"):
            headers.update(AUTH)
        body = r["body"].encode() if r["body"] is not None else None
        response = client.request(r["method"], our_path(r["path"]), content=body, headers=headers)
        assert response.status_code in r["status"], (n, r["method"], response.text[:500])
        if r["expected"] is not None:
            assert response.headers["content-type"] == "text/turtle; charset=utf-8"
            got = Graph().parse(data=response.text, format="turtle")
            assert isomorphic(got, Graph().parse(data=r["expected"], format="turtle")), (n, response.text)
