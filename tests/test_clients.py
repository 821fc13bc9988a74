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


# --- Linked Data and JSON-LD, RDF/XML that cannot be written, gzip dumps (item 15, the rest) ------------

DESCRIBED = "SELECT ?s { ?s a <http://www.w3.org/ns/org#Membership> } ORDER BY ?s LIMIT 1"


def _triples(body: bytes, media: str) -> set:
    import pyoxigraph as ox

    return set(ox.parse(body, format=ox.RdfFormat.from_media_type(media)))


def _context_is_ours(body: bytes, base: str) -> list:
    """The JSON-LD document's nodes, after checking that its @context is exactly our prefixes."""
    import json

    from server.graph.vocabulary import prefixes

    document = json.loads(body)
    assert document["@context"] == prefixes(base)
    return document["@graph"]


@pytest.mark.parametrize("accept", ["application/json", "application/ld+json"])
def test_a_linked_data_page_answers_json_with_json_ld_in_our_prefixes(
    live_server: LiveServer, accept: str
) -> None:
    import httpx

    from server.settings import DEFAULT_BASE_IRI

    found = httpx.get(live_server.url + "/sparql", params={"query": DESCRIBED, "format": "json"}).json()
    iri = found["results"]["bindings"][0]["s"]["value"]
    path = "/" + iri.removeprefix(DEFAULT_BASE_IRI)
    r = httpx.get(live_server.url + path, headers={"Accept": accept})
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].split(";")[0] == "application/ld+json"
    assert [node["@id"] for node in _context_is_ours(r.content, DEFAULT_BASE_IRI)][:1] == [iri]
    turtle = httpx.get(live_server.url + path, headers={"Accept": "text/turtle"})
    assert _triples(r.content, "application/ld+json") == _triples(turtle.content, "text/turtle")


@pytest.mark.parametrize(
    "query",
    [
        "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } ORDER BY ?s LIMIT 3",  # the worker's path
        "DESCRIBE <https://w3id.org/smart-hame/membership/anna-mari-ahonen-1>",  # answered in process
    ],
    ids=["construct", "describe"],
)
def test_sparql_json_ld_carries_our_prefixes(live_server: LiveServer, query: str) -> None:
    import httpx

    from server.settings import DEFAULT_BASE_IRI

    r = httpx.get(
        live_server.url + "/sparql", params={"query": query}, headers={"Accept": "application/ld+json"}
    )
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == "application/ld+json"
    assert _context_is_ours(r.content, DEFAULT_BASE_IRI)
    nt = httpx.get(live_server.url + "/sparql", params={"query": query, "format": "nt"})
    assert _triples(r.content, "application/ld+json") == _triples(nt.content, "application/n-triples")


@pytest.mark.parametrize(
    "template, role",
    [
        ("CONSTRUCT {{ <urn:a> <{iri}> <urn:b> }} {{}}", "predicate"),
        ("CONSTRUCT {{ <urn:a> a <{iri}> }} {{}}", "class"),  # written as the node's element name
    ],
)
@pytest.mark.parametrize("iri", ["http://example.org/123", "http://example.org/ns#", "urn:x:1"])
def test_rdf_xml_that_cannot_name_an_iri_is_refused_naming_it(
    live_server: LiveServer, template: str, role: str, iri: str
) -> None:
    import httpx

    query = template.format(iri=iri)
    r = httpx.get(
        live_server.url + "/sparql", params={"query": query}, headers={"Accept": "application/rdf+xml"}
    )
    assert r.status_code == 406, r.text[:300]
    body = r.json()
    assert body["error"] == "NotAcceptable" and f"the {role} <{iri}> ends in no XML name" in body["message"]
    assert body["offered"] == [
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
        "application/trig",
        "application/n-quads",
    ]
    turtle = httpx.get(live_server.url + "/sparql", params={"query": query, "format": "turtle"})
    assert turtle.status_code == 200 and iri in turtle.text


def test_rdf_xml_of_nameable_iris_is_a_valid_document(live_server: LiveServer) -> None:
    import httpx

    query = "CONSTRUCT { <urn:a> <http://example.org/1a> <urn:b> . <urn:a> a <http://example.org/C-1> } {}"
    r = httpx.get(
        live_server.url + "/sparql", params={"query": query}, headers={"Accept": "application/rdf+xml"}
    )
    assert r.status_code == 200
    assert len(_triples(r.content, "application/rdf+xml")) == 2


def test_a_gzip_dump_is_gzip_encoded_turtle_to_a_client_that_asks_for_turtle(live_server: LiveServer) -> None:
    import gzip

    from tests.rawhttp import exchange, request_bytes

    def get(path: str, headers: dict[str, str]):
        r = exchange(live_server.port, request_bytes("GET", path, headers))
        assert r is not None and r.status in (200, 304), r
        return r

    plain = get("/dumps/smart-hame.ttl", {})
    archive = get("/dumps/smart-hame.ttl.gz", {"Accept-Encoding": "gzip"})
    turtle = get("/dumps/smart-hame.ttl.gz", {"Accept": "text/turtle", "Accept-Encoding": "gzip"})
    assert archive.headers["content-type"] == "application/gzip" and "content-encoding" not in archive.headers
    assert turtle.headers["content-type"].split(";")[0] == "text/turtle"
    assert turtle.headers["content-encoding"] == "gzip"
    assert turtle.headers["vary"] == archive.headers["vary"] == "Accept, Accept-Encoding"  # one Vary each
    assert turtle.body == archive.body and gzip.decompress(turtle.body) == plain.body
    assert len({plain.headers["etag"], archive.headers["etag"], turtle.headers["etag"]}) == 3
    # Without gzip in Accept-Encoding the file stays what it is named; the Turtle URL does the same as before.
    assert (
        get("/dumps/smart-hame.ttl.gz", {"Accept": "text/turtle"}).headers["content-type"]
        == "application/gzip"
    )
    encoded = get("/dumps/smart-hame.ttl", {"Accept": "text/turtle", "Accept-Encoding": "gzip"})
    assert encoded.headers["content-encoding"] == "gzip" and encoded.body == turtle.body
    assert plain.headers["vary"] == "Accept-Encoding"
    fresh = {"Accept": "text/turtle", "Accept-Encoding": "gzip", "If-None-Match": turtle.headers["etag"]}
    assert get("/dumps/smart-hame.ttl.gz", fresh).status == 304
    assert get("/dumps/smart-hame.ttl.gz", {**fresh, "Accept": "*/*"}).status == 200
