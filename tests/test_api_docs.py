"""The API documentation page is served from our own assets: no CDN."""

from __future__ import annotations

import re


def test_docs_page_loads_swagger_ui_from_this_server(client) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    # What the page loads (scripts, stylesheets, icons), not where its links lead.
    sources = re.findall(r'<(?:script|img)\b[^>]*\bsrc="([^"]+)"|<link\b[^>]*\bhref="([^"]+)"', response.text)
    sources = [a or b for a, b in sources]
    assert sources, response.text
    external = [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert not external, f"/docs loads assets from other hosts: {external}"
    for path in sources:
        if path.startswith("/static/"):
            assert client.get(path).status_code == 200, path


def test_openapi_document_is_served(client) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["info"]["title"].startswith("Smart Häme")
    assert client.get("/redoc").status_code == 404


def _saved_query_parameters(doc: dict) -> list[tuple[str, dict]]:
    return [
        (path, param)
        for path, item in doc["paths"].items()
        if path.startswith("/queries/")
        for param in item["get"].get("parameters", [])
    ]


def test_every_documented_iri_example_exists_in_the_data(client) -> None:
    """The examples the OpenAPI document gives (``choice`` of funding-by-strategic-choice was
    ``…/rdi-sustainable-growth``, which the data does not have) name resources the data holds."""
    from server.graph.vocabulary import prefixes
    from server.settings import DEFAULT_BASE_IRI

    names = prefixes(DEFAULT_BASE_IRI)
    examples = [
        (path, p["name"], p["schema"]["examples"][0])
        for path, p in _saved_query_parameters(client.get("/openapi.json").json())
        if p["schema"].get("format") == "iri" and p["schema"].get("examples")
    ]
    assert (
        "/queries/funding-by-strategic-choice",
        "choice",
        "res:concept/strategic-choices/sustainable-growth-rdi",
    ) in examples
    for path, name, example in examples:
        prefix, _, local = example.partition(":")
        iri = names[prefix] + local if prefix in names else example
        r = client.get("/sparql", params={"query": f"ASK {{ <{iri}> ?p ?o }}", "format": "json"})
        assert r.json()["boolean"] is True, (path, name, example)


def test_iri_parameters_of_a_set_list_its_members(client) -> None:
    """An IRI parameter of a class or scheme accepts only its members (anything else is 400): the
    document lists them, as IRIs and prefixed names, and the example is one of them."""
    doc = client.get("/openapi.json").json()
    choice = next(
        p
        for path, p in _saved_query_parameters(doc)
        if path == "/queries/funding-by-strategic-choice" and p["name"] == "choice"
    )
    members = choice["schema"]["enum"]
    assert "res:concept/strategic-choices/sustainable-growth-rdi" in members
    assert "https://w3id.org/smart-hame/concept/strategic-choices/sustainable-growth-rdi" in members
    assert choice["schema"]["examples"][0] in members
    outsider = client.get(
        "/queries/funding-by-strategic-choice",
        params={"choice": "https://w3id.org/smart-hame/concept/strategic-choices/rdi-sustainable-growth"},
        headers={"Accept": "application/json"},
    )
    assert outsider.status_code == 400 and outsider.json()["error"] == "BadParameter"
    graph = doc["paths"]["/graph-store"]["get"]["parameters"]
    assert graph[0]["name"] == "graph" and graph[0]["required"] is True
    assert "https://w3id.org/smart-hame/graph/projects" in graph[0]["schema"]["enum"]
    dumps = doc["paths"]["/dumps/{name}"]["get"]["parameters"][0]["schema"]["enum"]
    assert {"smart-hame.ttl", "smart-hame.ttl.gz", "smart-hame.trig"} <= set(dumps)


def test_no_operation_documents_a_422_it_never_sends(client) -> None:
    """FastAPI documents 422 for every operation; a bad parameter is our 400. Only an import that the
    shapes refuse is 422."""
    doc = client.get("/openapi.json").json()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert ("422" in op["responses"]) == (path in ("/publish", "/graph-store") and method != "get"), (
                method,
                path,
            )
    assert "HTTPValidationError" not in doc["components"]["schemas"]
