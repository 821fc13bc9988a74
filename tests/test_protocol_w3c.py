"""The W3C SPARQL 1.1 Protocol tests, read from the manifest in ../shared and sent over real HTTP.

Query tests must pass as written. The endpoint is read-only, so every update test's update request must get
a 4xx and leave the data as it was; the queries those tests send afterwards expect the update to have
happened, so they are not sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"
HTS = "http://www.w3.org/2011/http-statusCodes#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RESULT_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
RDF_TYPES = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json")


@dataclass
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]  # "2xx", "3xx", "4xx"
    expected_format: str | None
    expected_boolean: bool | None


@dataclass
class Case:
    name: str
    steps: list[Step]


def _manifest_path() -> Path:
    from tests.conftest import SHARED

    return SHARED / "conformance" / "sparql11-protocol" / "manifest.ttl"


def load_cases() -> list[Case]:
    path = _manifest_path()
    if not path.is_file():
        return []
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri="http://example/manifest.ttl")

    def one(s, p):
        return next((q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None)), None)

    def items(head):
        while head is not None and head != ox.NamedNode(RDF + "nil"):
            yield one(head, RDF + "first")
            head = one(head, RDF + "rest")

    manifest = next(
        store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(MF + "Manifest"))
    ).subject
    cases = []
    for entry in items(one(manifest, MF + "entries")):
        steps = []
        for request in items(one(one(entry, MF + "action"), HT + "requests")):
            headers = {
                one(h, HT + "fieldName").value: one(h, HT + "fieldValue").value
                for h in items(one(request, HT + "headers"))
            }
            body_node = one(request, HT + "body")
            body = None
            if body_node is not None:
                encoding = one(body_node, CNT + "characterEncoding")
                body = one(body_node, CNT + "chars").value.encode(encoding.value if encoding else "utf-8")
            response = one(request, HT + "resp")
            statuses = {
                q.object.value.removeprefix(HTS + "StatusCode")
                for q in store.quads_for_pattern(response, ox.NamedNode(MF + "expectedStatus"), None)
            }
            fmt = one(response, MF + "expectedFormat")
            boolean = one(response, MF + "expectedBoolean")
            steps.append(
                Step(
                    method=one(request, HT + "methodName").value,
                    path=one(request, HT + "absolutePath").value.replace("/sparql/", "/sparql", 1),
                    headers=headers,
                    body=body,
                    statuses=statuses,
                    expected_format=fmt.value if fmt else None,
                    expected_boolean=boolean.value == "true" if boolean else None,
                )
            )
        cases.append(Case(entry.value.rsplit("#", 1)[-1], steps))
    return cases


CASES = load_cases()
QUERY_CASES = [c for c in CASES if not c.name.startswith(("update_", "bad_update"))]
UPDATE_CASES = [c for c in CASES if c.name.startswith(("update_", "bad_update"))]


def test_the_manifest_is_read(shared_dir: Path) -> None:
    assert len(CASES) == 34 and len(QUERY_CASES) == 21 and len(UPDATE_CASES) == 13


def _send(server, step: Step) -> httpx.Response:
    return httpx.request(
        step.method, server.url + step.path, headers=step.headers, content=step.body, timeout=10
    )


@pytest.mark.http
@pytest.mark.parametrize("case", QUERY_CASES, ids=lambda c: c.name)
def test_query_case(case: Case, sample_server, shared_dir: Path) -> None:
    for step in case.steps:
        r = _send(sample_server, step)
        assert f"{str(r.status_code)[0]}xx" in step.statuses, (r.status_code, r.text)
        media = r.headers.get("content-type", "").split(";")[0]
        if step.expected_format == "boolean":
            assert media in ("application/sparql-results+json", "application/sparql-results+xml")
        elif step.expected_format == "tabular":
            assert media in RESULT_TYPES
        elif step.expected_format == "RDF":
            assert media in RDF_TYPES
            ox.parse(r.content, format=ox.RdfFormat.from_media_type(media))
        if step.expected_boolean is not None:
            fmt = ox.QueryResultsFormat.from_media_type(media)
            assert bool(ox.parse_query_results(r.content, format=fmt)) is step.expected_boolean


@pytest.mark.http
@pytest.mark.parametrize("case", UPDATE_CASES, ids=lambda c: c.name)
def test_update_case_is_refused_and_changes_nothing(case: Case, sample_server, shared_dir: Path) -> None:
    before = _dataset(sample_server)
    first = case.steps[0]
    r = _send(sample_server, first)
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    assert _dataset(sample_server) == before


def _dataset(server) -> bytes:
    r = httpx.get(
        server.url + "/sparql",
        params={"query": "SELECT * { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } ORDER BY ?g ?s ?p ?o"},
        headers={"accept": "text/tab-separated-values"},
    )
    assert r.status_code == 200
    return r.content
