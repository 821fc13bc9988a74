"""Standard clients on their defaults, over real HTTP (issue 12, item 15): SPARQLWrapper's requests for
every result format it offers. On its defaults it repeats the format in ``format``, ``output`` and
``results``, some twice (``tsv`` and ``text/tab-separated-values``), and names types ``rdf+xml``, ``n3``.
"""

from __future__ import annotations

import pytest

from tests.conftest import LiveServer

pytestmark = pytest.mark.http
SPARQLWrapper = pytest.importorskip("SPARQLWrapper")

SELECT = "SELECT ?s WHERE { ?s a <http://example.org/Project> } ORDER BY ?s LIMIT 2"
CONSTRUCT = "CONSTRUCT { ?s a <http://example.org/Project> } WHERE { ?s a <http://example.org/Project> }"


@pytest.mark.parametrize(
    "query, fmt, media",
    [
        (SELECT, "json", "application/sparql-results+json"),
        (SELECT, "xml", "application/sparql-results+xml"),
        (SELECT, "csv", "text/csv"),
        (SELECT, "tsv", "text/tab-separated-values"),
        (CONSTRUCT, "turtle", "text/turtle"),
        (CONSTRUCT, "n3", "text/turtle"),
        (CONSTRUCT, "xml", "application/rdf+xml"),
        (CONSTRUCT, "rdf+xml", "application/rdf+xml"),
        (CONSTRUCT, "json-ld", "application/ld+json"),
    ],
    ids=lambda v: v if len(v) < 30 else v.split()[0],
)
def test_sparqlwrapper_on_its_defaults(sample_server: LiveServer, query: str, fmt: str, media: str) -> None:
    client = SPARQLWrapper.SPARQLWrapper(sample_server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    response = client.query().response
    assert response.status == 200
    assert response.headers["Content-Type"].split(";")[0] == media
    body = response.read()
    assert b"http://example.org/p1" in body


def test_format_values_that_disagree_are_refused(sample_server: LiveServer) -> None:
    import httpx

    r = httpx.get(
        sample_server.url + "/sparql", params=[("query", SELECT), ("format", "csv"), ("output", "json")]
    )
    assert r.status_code == 400 and r.json()["error"] == "BadParameter" and "disagree" in r.json()["message"]
