"""One error shape everywhere: every route, asked the wrong way, answers in our JSON (or our page).

For every route of the app (``app.routes``, so a new route is covered or this test says so): a method it
does not answer, a path under it that does not exist, a bad parameter, and a CORS preflight for a
method we refuse. The framework's own answers (unknown static file, 405 from routing, a malformed
``Range``) and an unexpected exception (500, logged once with a request id) come out in the same shape.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from markupsafe import escape

from server.settings import Settings
from server.sparql.evaluation import Job, execute
from server.web.app import create_app

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SHAPE = {"error", "message", "status"}
EXTRA = {"offered", "line", "column", "request_id"}  # what some errors add (errors.py)
# A value for each path parameter, so that the path names something that exists.
PATH_VALUES = {"name": "smart-hame.nq", "ext": "ttl", "path": "project/A70783", "version": "1"}
SAVED_QUERY = "funding-by-spearhead"


def our_json(r: httpx.Response, status: int, error: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, (r.request.method, r.request.url, r.status_code, r.text[:300])
    assert r.headers["content-type"] == "application/json", (r.request.url, r.headers["content-type"])
    body = r.json()
    assert set(body) >= SHAPE and set(body) - SHAPE <= EXTRA, body
    assert body["status"] == status and isinstance(body["message"], str) and body["message"], body
    if error is not None:
        assert body["error"] == error, body
    return body


def our_page(r: httpx.Response, status: int) -> None:
    assert r.status_code == status, (r.request.url, r.status_code)
    assert r.headers["content-type"] == "text/html; charset=utf-8", r.request.url
    assert r.text.startswith("<!doctype html>") and '<html lang="' in r.text


def concrete(route: Any) -> str:
    """The route's path with each parameter filled by a value that exists."""
    path = route.path
    if "/queries/" in path and "{name}" not in path:
        return path.replace("{ext}", "json")
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: PATH_VALUES[m.group(1)], path)


def routes(client: TestClient) -> list[Any]:
    """Every route of the app, those of the included routers too (the app includes them without a prefix)."""

    def flat(items: list[Any]) -> Iterator[Any]:
        for route in items:
            included = getattr(route, "original_router", None)
            yield from flat(included.routes) if included is not None else (route,)

    # GET and HEAD of one path are two routes (routes.dumps.get_and_head): one path, one set of cases.
    return list({route.path: route for route in flat(client.app.routes)}.values())


def route_ids(client: TestClient) -> list[str]:
    return [r.path for r in routes(client)]


# What a bad parameter looks like on each route: (request path, status, error), or None where the route
# takes no parameter at all. Keys are route paths; the saved queries' routes are added below.
BAD_PARAMETER: dict[str, tuple[str, int, str] | None] = {
    "/openapi.json": None,
    "/sparql": ("/sparql?query=ASK%20%7B", 400, "QuerySyntaxError"),
    "/healthz": None,
    "/metrics": None,
    "/docs": None,
    "/queries": None,
    "/queries.json": None,
    "/queries/{name}": ("/queries/no-such-query", 404, "NotFound"),
    "/dumps": None,
    "/dumps/": ("/dumps/?format=bogus", 400, "BadParameter"),
    "/dumps/SHA256SUMS": None,
    "/dumps/{name}": ("/dumps/no-such-dump.ttl", 404, "NotFound"),
    "/catalog": ("/catalog?format=bogus", 400, "BadParameter"),
    "/catalog.{ext}": ("/catalog.bogus", 400, "BadParameter"),
    "/.well-known/void": ("/.well-known/void?format=bogus", 400, "BadParameter"),
    "/.well-known/void.{ext}": ("/.well-known/void.bogus", 400, "BadParameter"),
    "/static": None,
    # /publish answers POST only (and is off on this app, which has no publish_token): a GET is the
    # resource path it would be, which the data does not have.
    "/publish": ("/publish?dry-run=true", 404, "NotFound"),
    "/graph-store": ("/graph-store?graph=", 400, "BadParameter"),
    "/{path:path}": ("/project/A70783?format=bogus", 400, "BadParameter"),
    "/dashboard": ("/dashboard?view=bogus", 400, "BadParameter"),
    "/dashboard/network.json": ("/dashboard/network.json?max_nodes=0", 400, "BadParameter"),
    "/dashboard/projects.json": ("/dashboard/projects.json?sort=colour", 400, "BadParameter"),
    "/dashboard/data/{name}.json": ("/dashboard/data/strategy-flow.json?grouping=theme", 400, "BadParameter"),
    "/versions": None,
    "/versions/": ("/versions/?format=bogus", 400, "BadParameter"),
    "/versions/{version}": ("/versions/no-such-version", 404, "NotFound"),
    "/versions/{version}/changes/{name}": ("/versions/1/changes/no-such-file.nq", 404, "NotFound"),
    "/versions/{version}/dataset.nq.gz": ("/versions/1/dataset.nq.gz", 404, "NotFound"),  # still has dumps
    "/versions/{version}/dumps": None,
    "/versions/{version}/dumps/": ("/versions/no-such-version/dumps/", 404, "NotFound"),
    "/versions/{version}/dumps/{name}": ("/versions/1/dumps/no-such-dump.ttl", 404, "NotFound"),
}


def bad_parameter(path: str) -> tuple[str, int, str] | None:
    if path in BAD_PARAMETER:
        return BAD_PARAMETER[path]
    if path.endswith(".{ext}"):  # a saved query with a format extension
        return (path.replace("{ext}", "pdf"), 404, "NotFound")
    if path.startswith("/queries/"):  # a saved query: parameters it does not take are refused
        return (f"{path}?no_such_parameter=1", 400, "BadParameter")
    raise AssertionError(f"route {path} has no bad-parameter case: add one to BAD_PARAMETER")


def test_every_route_is_covered(client) -> None:
    paths = route_ids(client)
    for path in paths:
        bad_parameter(path)  # raises for a route without a case
    assert set(BAD_PARAMETER) <= set(paths), set(BAD_PARAMETER) - set(paths)
    saved = [p for p in paths if p.startswith("/queries/") and "{name}" not in p and not p.endswith("}")]
    assert f"/queries/{SAVED_QUERY}" in saved and len(saved) >= 15


def test_a_wrong_method_gets_405_in_our_shape_on_every_route(client) -> None:
    for route in routes(client):
        path = concrete(route)
        r = client.request("PATCH", path)
        our_json(r, 405, "MethodNotAllowed")
        allowed = {m.strip() for m in r.headers["allow"].split(",")}
        assert "PATCH" not in allowed and allowed <= {"GET", "HEAD", "POST"}, (path, allowed)
        our_page(client.request("PATCH", path, headers={"accept": BROWSER}), 405)


def test_an_unknown_path_gets_404_in_our_shape_under_every_route(client) -> None:
    for route in routes(client):
        path = concrete(route).rstrip("/") + "/no-such-thing"
        our_json(client.get(path), 404, "NotFound")
        our_page(client.get(path, headers={"accept": BROWSER}), 404)


def test_a_bad_parameter_gets_our_shape_on_every_route_that_takes_one(client) -> None:
    checked = 0
    for route in routes(client):
        case = bad_parameter(route.path)
        if case is None:
            continue
        path, status, error = case
        our_json(client.get(path), status, error)
        our_page(client.get(path, headers={"accept": BROWSER}), status)
        checked += 1
    assert checked == sum(1 for r in routes(client) if bad_parameter(r.path) is not None)


def test_a_refused_preflight_gets_our_shape_on_every_route(client) -> None:
    for route in routes(client):
        r = client.options(
            concrete(route),
            headers={"origin": "https://example.net", "access-control-request-method": "DELETE"},
        )
        body = our_json(r, 400, "PreflightRefused")
        assert "DELETE" in body["message"] and "access-control-allow-origin" not in r.headers
        ok = client.options(
            concrete(route), headers={"origin": "https://example.net", "access-control-request-method": "GET"}
        )
        assert ok.status_code == 204 and ok.headers["access-control-allow-origin"] == "*"


def test_static_files_and_ranges_answer_in_our_shape(client) -> None:
    body = our_json(client.get("/static/no-such.css"), 404, "NotFound")
    assert body["message"] == "No static file at /static/no-such.css; GET / lists where to start."
    assert client.get("/static/pages.css").status_code == 200
    client.get("/dumps/SHA256SUMS")  # the dumps are written
    identity = {"accept-encoding": "identity"}
    malformed = client.get("/dumps/graph-links.ttl", headers={**identity, "range": "lines=1-2"})
    assert our_json(malformed, 400, "BadRequest")["message"] == "Only support bytes range"
    past = client.get("/dumps/graph-links.ttl", headers={**identity, "range": "bytes=99999999-"})
    our_json(past, 416, "RequestedRangeNotSatisfiable")
    assert past.headers["content-range"].startswith("bytes */")


def test_a_browser_gets_the_error_as_a_page_in_its_language(client) -> None:
    r = client.get("/dumps/nope.ttl", headers={"accept": BROWSER, "accept-language": "fi"})
    our_page(r, 404)
    assert '<html lang="fi">' in r.text and "<h1>Virhe 404: <code>NotFound</code></h1>" in r.text
    assert escape("No dump named 'nope.ttl'; GET /dumps/ lists them.") in r.text
    json_client = client.get("/dumps/nope.ttl", headers={"accept": "application/json, text/html;q=0.5"})
    our_json(json_client, 404, "NotFound")


# --- 500: our bugs are ours -----------------------------------------------------------------------------


@pytest.fixture()
def fragile(sample_settings: Settings) -> Iterator[TestClient]:
    """An app with one route that fails the way a bug does."""
    app = create_app(sample_settings)

    async def broken() -> None:
        raise ValueError("a bug of ours")

    app.router.routes.insert(0, APIRoute("/broken", broken, methods=["GET"]))
    with TestClient(app) as c:
        yield c


def _logged(caplog: pytest.LogCaptureFixture, request_id: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if request_id in r.getMessage()]


def test_an_unexpected_exception_is_logged_once_and_answered_500(fragile, caplog) -> None:
    with caplog.at_level(logging.ERROR):
        r = fragile.get("/broken")
    body = our_json(r, 500, "InternalError")
    request_id = body["request_id"]
    assert r.headers["x-request-id"] == request_id and re.fullmatch(r"[0-9a-f]{16}", request_id)
    (record,) = _logged(caplog, request_id)
    assert record.exc_info is not None and "a bug of ours" in str(record.exc_info[1])
    assert "GET /broken" in record.getMessage()
    our_page(fragile.get("/broken", headers={"accept": BROWSER}), 500)


def test_a_value_error_in_the_engine_is_a_500_not_the_clients_400(fragile, caplog, monkeypatch) -> None:
    engine = fragile.app.state.smarthame.engine

    async def failing(*args: Any, **kwargs: Any) -> None:
        raise ValueError("not the client's fault")

    monkeypatch.setattr(engine, "run", failing)
    with caplog.at_level(logging.ERROR):
        r = fragile.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})  # the edge's fast path
    body = our_json(r, 500, "InternalError")
    assert len(_logged(caplog, body["request_id"])) == 1


def test_only_the_engines_evaluation_errors_become_query_failed() -> None:
    store = ox.Store()
    job = Job(
        "ASK {}", "application/sparql-results+json", None, (), (), (), 10, "https://w3id.org/smart-hame/"
    )
    outcome, _ = execute(store, job)
    assert outcome.error is None
    # pyoxigraph raises OSError for a SERVICE it cannot call (here refused before any connection).
    outcome, _ = execute(store, replace(job, text="SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"))
    assert outcome.error == "failed" and "port 1" in outcome.message
    # A ValueError (here a base IRI we got wrong) is our bug: it is not dressed up as the query's failure.
    with pytest.raises(ValueError, match="Invalid base IRI"):
        execute(store, replace(job, base_iri="not an iri"))


def test_an_internal_error_in_a_worker_reaches_the_error_handler(sample_files) -> None:
    from server.sparql.engine import QueryRequest, WorkerFailed
    from tests.conftest import with_engine

    async def ask(engine: Any) -> Any:
        # A substitution that is not an RDF term is a bug of the caller (ours), never the client's.
        return await engine.run(
            QueryRequest("SELECT ?x {}", "application/sparql-results+json", substitutions={"x": 1})
        )

    with pytest.raises(WorkerFailed, match="Traceback"):
        with_engine(sample_files, ask, workers=1)
