"""Hostile parameter values cannot change what a saved query does, and never cause a 500.

The proof has two halves: every request that the server answers reaches the engine with the saved query's
text byte for byte and with the value as one RDF term (a spy on the engine records both); and the
answers themselves show it: a quoted "} UNION { … }" in a register code finds no project at all instead of
every triple, and IRIs with spaces or braces are refused as bad parameters.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from markupsafe import escape

from server.graph.vocabulary import prefixes
from server.settings import PROJECT_ROOT
from server.sparql.engine import QueryRequest
from server.sparql.query_files import load_catalog

CATALOG = load_catalog(PROJECT_ROOT / "queries", prefixes())

HOSTILE = [
    '"',
    "'",
    '"}',
    "} UNION { ?s ?p ?o }",
    'A70870" } UNION { ?project ?property ?value } #',
    "A70870' . } SELECT * WHERE { ?s ?p ?o } #",
    "\\",
    "\\u0022",
    "line\nbreak",
    "?code",
    "$code",
    "*",
    "SELECT * WHERE { ?s ?p ?o }",
    "<http://example.org/x> } UNION {",
    "http://example.org/a b",
    "http://example.org/x> } UNION { ?s ?p ?o } <http://example.org/y",
    "https://w3id.org/smart-hame/concept/spearheads/design}",
    "<>",
    "urn:x:{}",
    "kunta:061 }",
    "2016) || true || (1",
    '2019-01-01"^^<http://www.w3.org/2001/XMLSchema#date> ) || (true',
    "-1",
    "99999999999999999999",
    "\x00",
    "<script>alert(1)</script>",
    "ääkköset ja €",
    "x" * 5000,
]
CASES = [(q.name, p.name) for q in CATALOG.values() for p in q.parameters]


class Spy:
    """Records what the engine is asked, and passes the call on."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.requests: list[QueryRequest] = []
        self._run = engine.run

    async def run(self, request: QueryRequest):
        self.requests.append(request)
        return await self._run(request)


@pytest.fixture()
def spy(client) -> Iterator[Spy]:
    engine = client.app.state.smarthame.engine
    recorder = Spy(engine)
    engine.run = recorder.run
    try:
        yield recorder
    finally:
        del engine.run


@pytest.mark.parametrize(("query", "param"), CASES, ids=[f"{q}-{p}" for q, p in CASES])
def test_hostile_values_are_bound_as_terms_or_refused(client, spy: Spy, query: str, param: str) -> None:
    saved = CATALOG[query]
    for value in HOSTILE:
        spy.requests.clear()
        for accept in ("application/sparql-results+json", "text/html"):
            response = client.get(f"/queries/{query}", params={param: value}, headers={"Accept": accept})
            assert response.status_code in (200, 400), (value, response.status_code, response.text[:300])
            if response.status_code == 400 and accept == "text/html":  # our error page, for a browser
                assert "<code>BadParameter</code>" in response.text
                assert str(escape(f"Parameter '{param}': ")) in response.text
                assert "<script>alert(1)</script>" not in response.text
            elif response.status_code == 400:
                body = response.json()
                assert body["error"] == "BadParameter" and body["message"].startswith(
                    f"Parameter '{param}': "
                )
            elif accept == "text/html":
                assert "<script>alert(1)</script>" not in response.text
        runs = [r for r in spy.requests if r.text == saved.text]
        for request in spy.requests:
            # Only the saved text, or the membership query of an IRI parameter, ever reaches the engine.
            assert request.text == saved.text or request.text.startswith("PREFIX skos:"), request.text[:200]
        for request in runs:
            assert set(request.substitutions) <= {p.name for p in saved.parameters}
            term = request.substitutions.get(param)
            if term is not None and value.strip():
                assert isinstance(term, ox.NamedNode | ox.Literal)
                if saved.parameter(param).type == "string":
                    assert term == ox.Literal(value.strip())


def test_a_quoted_union_in_a_register_code_finds_nothing(client) -> None:
    hostile = 'A70870" } UNION { ?project ?property ?value } #'
    response = client.get("/queries/project-record.json", params={"code": hostile})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []
    benign = client.get("/queries/project-record.json", params={"code": "NO-SUCH-CODE"}).json()
    assert response.json() == benign
    assert (
        len(
            client.get("/queries/project-record.json", params={"code": "A70870"}).json()["results"][
                "bindings"
            ]
        )
        > 10
    )


@pytest.mark.parametrize(
    "value",
    [
        "http://example.org/a b",
        "https://w3id.org/smart-hame/concept/spearheads/design}",
        "<http://x> } UNION {",
        "urn:x:{}",
    ],
)
def test_iris_with_spaces_or_braces_are_refused(client, value: str) -> None:
    response = client.get("/queries/funding-by-spearhead", params={"spearhead": value})
    assert response.status_code == 400
    assert response.json()["message"].startswith("Parameter 'spearhead': ")


def test_parameter_names_outside_the_query_are_refused(client) -> None:
    for name in ("query", "default-graph-uri", "named-graph-uri", "update", "format", "timeout"):
        response = client.get("/queries/spearhead-overview", params={name: "SELECT * WHERE { ?s ?p ?o }"})
        assert response.status_code == 400, name
        assert (
            response.json()["message"]
            == f"Parameter '{name}': 'spearhead-overview' does not take it; it takes: no parameters"
        )


def test_hostile_value_is_escaped_in_the_form(client) -> None:
    page = client.get(
        "/queries/project-record",
        params={"code": '"><script>alert(1)</script>'},
        headers={"Accept": "text/html"},
    )
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
