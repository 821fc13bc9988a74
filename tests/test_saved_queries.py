"""Saved queries: headers, typed parameters, start-up failures with file:line, and the /queries HTTP
contract."""

from __future__ import annotations

import csv
import html
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from server.errors import BadParameter, ParseError
from server.graph.vocabulary import prefixes
from server.settings import PROJECT_ROOT, Settings
from server.sparql.query_files import load_catalog, load_saved_query

QUERIES = PROJECT_ROOT / "queries"
PREFIXES = prefixes()
CATALOG = load_catalog(QUERIES, PREFIXES)
XSD = "http://www.w3.org/2001/XMLSchema#"

GOOD_HEADER = """\
#+ title:
#+   fi: Otsikko
#+   sv: Rubrik
#+   en: Title
#+ description:
#+   fi: Kuvaus, joka jatkuu
#+       toisella rivillä.
#+   sv: En beskrivning.
#+   en: A description.
"""


def write(tmp_path: Path, text: str, name: str = "case.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- The bundled queries ------------------------------------------------------------------------------


def test_at_least_fifteen_saved_queries() -> None:
    assert len(CATALOG) >= 15, sorted(CATALOG)


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_bundled_query_has_trilingual_header_and_typed_parameters(name: str) -> None:
    q = CATALOG[name]
    for text in (q.title, q.description, *(p.description for p in q.parameters)):
        assert all(text[lang].strip() for lang in ("fi", "sv", "en")), text
        assert text["sv"] not in (text["fi"], text["en"]), f"not translated: {text}"
    for p in q.parameters:
        assert re.search(rf"[?$]{p.name}\b", q.text)
        if p.default is not None:
            p.to_term(p.default, PREFIXES)  # the default itself is a valid value


def test_header_continuation_lines_join_with_a_space(tmp_path: Path) -> None:
    q = load_saved_query(write(tmp_path, GOOD_HEADER + "SELECT * WHERE { ?s ?p ?o }\n"), PREFIXES)
    assert q.description["fi"] == "Kuvaus, joka jatkuu toisella rivillä."
    assert q.name == "case" and q.parameters == ()


# --- Bad files stop the server with file:line ------------------------------------------------------------

PARAM = """\
#+ params:
#+   year:
#+     type: {type}
#+     description:
#+       fi: Vuosi
#+       sv: År
#+       en: Year
"""

BAD_CASES = [
    ("no-title", "#+ description:\n#+   fi: a\n#+   en: b\nSELECT * WHERE { ?s ?p ?o }\n", 1, "no 'title'"),
    (
        "title-without-english",
        "#+ title:\n#+   fi: a\n#+   sv: a\n"
        "#+ description:\n#+   fi: a\n#+   sv: a\n#+   en: b\nSELECT * {}\n",
        1,
        "no 'en'",
    ),
    (
        "description-without-swedish",
        "#+ title:\n#+   fi: a\n#+   sv: a\n#+   en: a\n"
        "#+ description:\n#+   fi: a\n#+   en: b\nSELECT * {}\n",
        5,
        "no 'sv'",
    ),
    ("unknown-key", GOOD_HEADER + "#+ summary: x\nSELECT * {}\n", 10, "unknown header key 'summary'"),
    ("not-key-value", GOOD_HEADER + "#+ just words\nSELECT * {}\n", 10, "expected 'key: value'"),
    ("duplicate-key", GOOD_HEADER + "#+ title: again\nSELECT * {}\n", 10, "given twice"),
    ("unknown-type", GOOD_HEADER + PARAM.format(type="float") + "SELECT ?year {}\n", 12, "needs a type"),
    (
        "bad-default",
        GOOD_HEADER + PARAM.format(type="year") + "#+     default: 20x6\nSELECT ?year {}\n",
        17,
        "default of 'year'",
    ),
    (
        "param-not-in-query",
        GOOD_HEADER + PARAM.format(type="year") + "SELECT ?s WHERE { ?s ?p ?o }\n",
        11,
        "not a variable",
    ),
    (
        "param-not-projected",
        GOOD_HEADER + PARAM.format(type="year") + "#+     default: 2016\nSELECT ?s WHERE { ?s ?p ?year }\n",
        None,
        "cannot be bound",
    ),
    (
        "bound-trap",
        GOOD_HEADER
        + PARAM.format(type="year")
        + "SELECT ?year WHERE {\n  ?s ?p ?o\n  FILTER(!BOUND(?year))\n}\n",
        19,
        "BOUND(?year)",
    ),
    ("syntax-error", GOOD_HEADER + "SELECT * WHERE {\n  ?s foo:p ?o .\n}\n", 11, "SPARQL syntax error"),
    ("ask-query", GOOD_HEADER + "ASK { ?s ?p ?o }\n", None, "must be a SELECT"),
    (
        "unknown-prefix",
        GOOD_HEADER + PARAM.format(type="iri") + "#+     class: nope:Thing\nSELECT ?year {}\n",
        17,
        "unknown prefix 'nope:'",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "message"), [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES]
)
def test_bad_saved_query_names_file_and_line(
    tmp_path: Path, text: str, line: int | None, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ParseError) as caught:
        load_saved_query(path, PREFIXES)
    where = f"{path}:{line}:" if line else f"{path}:"
    assert caught.value.message.startswith(where), caught.value.message
    assert message in caught.value.message


def test_file_name_must_be_a_route(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="file name is its route"):
        load_saved_query(write(tmp_path, GOOD_HEADER + "SELECT * {}\n", "Bad Name.rq"), PREFIXES)


def test_app_refuses_to_start_on_a_bad_saved_query(tmp_path: Path) -> None:
    from server.web.app import create_app

    (tmp_path / "queries").mkdir()
    write(tmp_path / "queries", GOOD_HEADER + "SELECT * WHERE {\n  ?s foo:p ?o .\n}\n", "broken.rq")
    with pytest.raises(ParseError, match=r"broken\.rq:11: SPARQL syntax error"):
        create_app(Settings(project_root=tmp_path))


@pytest.mark.http
def test_serve_exits_with_file_and_line_of_a_bad_saved_query(tmp_path: Path, build_dir: Path) -> None:
    (tmp_path / "queries").mkdir()
    write(tmp_path / "queries", GOOD_HEADER + "#+ colour: blue\nSELECT * {}\n", "broken.rq")
    env = {**os.environ, "SMARTHAME_BUILD_DIR": str(build_dir), "SMARTHAME_PROJECT_ROOT": str(tmp_path)}
    from conftest import free_port

    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(free_port())],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert f"{tmp_path / 'queries' / 'broken.rq'}:10: unknown header key 'colour'" in result.stderr


# --- Binding request values as RDF terms ------------------------------------------------------------------


def test_values_become_typed_terms() -> None:
    funding = CATALOG["funding-by-spearhead"]
    bound = funding.bind(
        {"year": "2016", "spearhead": "res:concept/spearheads/design", "amount_type": ""}, PREFIXES
    )
    assert bound == {
        "year": ox.Literal("2016", datatype=ox.NamedNode(XSD + "gYear")),
        "spearhead": ox.NamedNode("https://w3id.org/smart-hame/concept/spearheads/design"),
        # Left empty, the meaning of the amounts is the default one: one meaning at a time.
        "amount_type": ox.NamedNode(
            "https://w3id.org/smart-hame/concept/amount-types/eu-and-state-funding-endorsed"
        ),
    }
    assert CATALOG["projects-active-on-date"].bind({}, PREFIXES) == {
        "date": ox.Literal("2019-01-01", datatype=ox.NamedNode(XSD + "date"))
    }
    assert CATALOG["organisations-across-spearheads"].bind({"min_spearheads": " 3 "}, PREFIXES) == {
        "min_spearheads": ox.Literal("3", datatype=ox.NamedNode(XSD + "integer"))
    }
    assert CATALOG["project-record"].bind({"code": "S21285"}, PREFIXES) == {"code": ox.Literal("S21285")}


@pytest.mark.parametrize(
    ("query", "name", "value", "message"),
    [
        ("projects-active-on-date", "date", "2019-02-30", "not a calendar date"),
        ("projects-active-on-date", "date", "1.1.2019", "YYYY-MM-DD"),
        ("funding-by-spearhead", "year", "16", "four digits"),
        ("organisations-across-spearheads", "min_spearheads", "5", "at most 4"),
        ("organisations-across-spearheads", "min_spearheads", "two", "expected an integer"),
        ("funding-by-spearhead", "spearhead", "http://example.org/a b", "may not contain spaces"),
        ("funding-by-spearhead", "spearhead", "nope:x", "unknown prefix"),
        ("funding-by-spearhead", "spearhead", "circular-economy", "absolute IRI"),
    ],
)
def test_bad_values_are_refused_with_the_parameter_name(
    query: str, name: str, value: str, message: str
) -> None:
    with pytest.raises(BadParameter) as caught:
        CATALOG[query].bind({name: value}, PREFIXES)
    assert caught.value.message.startswith(f"Parameter '{name}': ") and message in caught.value.message


def test_iri_outside_the_known_members_is_refused() -> None:
    known = {"spearhead": {"https://w3id.org/smart-hame/concept/spearheads/design"}}
    with pytest.raises(BadParameter, match="not a resource of class"):
        CATALOG["funding-by-spearhead"].bind({"spearhead": "smh:Project"}, PREFIXES, known)


# --- HTTP: list, run, formats -----------------------------------------------------------------------------


def test_list_as_json_and_html(client) -> None:
    listing = client.get("/queries", headers={"Accept": "application/json"})
    assert listing.status_code == 200 and listing.headers["content-type"].startswith("application/json")
    names = [q["name"] for q in listing.json()["queries"]]
    assert names == sorted(CATALOG)
    first = listing.json()["queries"][0]
    assert set(first["links"]) == {"html", "json", "csv", "tsv", "sparql", "editor"}
    assert first["links"]["editor"].startswith("/sparql#query=")
    page = client.get("/queries", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for name in CATALOG:
        assert f'href="/queries/{name}"' in page.text
    assert client.get("/queries.json").json() == listing.json()


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_query_runs_with_defaults_in_every_format(client, name: str) -> None:
    result = client.get(f"/queries/{name}", headers={"Accept": "application/sparql-results+json"})
    assert result.status_code == 200, result.text
    assert result.headers["x-truncated"] == "false"
    variables = result.json()["head"]["vars"]
    rows = result.json()["results"]["bindings"]
    as_csv = client.get(f"/queries/{name}.csv")
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv; charset=utf-8")
    table = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8"))))
    assert table[0] == variables and len(table) == len(rows) + 1
    as_tsv = client.get(f"/queries/{name}.tsv")
    assert as_tsv.status_code == 200 and as_tsv.text.splitlines()[0].split("\t") == [
        f"?{v}" for v in variables
    ]
    page = client.get(f"/queries/{name}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and '<table class="results">' in page.text
    assert page.text.count("<tr>") == len(rows) + 1
    assert client.get(f"/queries/{name}.rq").text == CATALOG[name].text


def test_csv_quotes_finnish_text_and_opens_as_utf8(client) -> None:
    response = client.get("/queries/strategy-spearheads-and-choices.csv")
    body = response.content
    assert not body.startswith(b"\xef\xbb\xbf"), (
        "no byte-order mark: the charset is in the Content-Type header"
    )
    assert (
        response.headers["content-disposition"]
        == 'attachment; filename="strategy-spearheads-and-choices.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    labels = {row["label_fi"] for row in rows}
    assert "Älykäs, vastuullinen ja kestävä muotoilu" in labels  # a comma inside: quoted
    assert '"Älykäs, vastuullinen ja kestävä muotoilu"' in body.decode("utf-8")
    assert "Kestävän kasvun tutkimus, kehitys ja innovaatiot" in labels


def test_format_by_accept_and_by_extension(client) -> None:
    path = "/queries/spearhead-overview"
    assert client.get(path, headers={"Accept": "text/csv"}).headers["content-type"].startswith("text/csv")
    assert (
        client.get(path, headers={"Accept": "text/tab-separated-values"})
        .headers["content-type"]
        .startswith("text/tab-separated-values")
    )
    assert client.get(path, headers={"Accept": "application/json"}).json()["head"]["vars"][0] == "spearhead"
    assert client.get(path + ".json").headers["content-type"].startswith("application/sparql-results+json")
    assert "Accept" in client.get(path, headers={"Accept": "text/html"}).headers["vary"].split(", ")


def test_errors_are_typed(client) -> None:
    missing = client.get("/queries/no-such-query")
    assert missing.status_code == 404 and "GET /queries lists them" in missing.json()["message"]
    assert client.get("/queries/spearhead-overview.pdf").status_code == 404
    unknown = client.get("/queries/projects-active-on-date?day=2019-01-01")
    assert unknown.status_code == 400
    assert (
        unknown.json()["message"]
        == "Parameter 'day': 'projects-active-on-date' does not take it; it takes: date"
    )
    wrong = client.get("/queries/funding-by-spearhead?spearhead=smh:Project")
    assert wrong.status_code == 400 and "not a resource of class" in wrong.json()["message"]
    refused = client.get("/queries/spearhead-overview", headers={"Accept": "image/png"})
    assert refused.status_code == 406


def test_html_page_has_a_form_the_sparql_text_and_an_editor_link(client) -> None:
    page = client.get("/queries/funding-by-spearhead?year=2016", headers={"Accept": "text/html"}).text
    assert '<form class="params"' in page
    assert '<select id="param-spearhead" name="spearhead">' in page
    assert 'name="year" type="number" value="2016"' in page
    assert "FILTER(COALESCE(?year, ?amount_year" in page  # the SPARQL text, escaped but visible
    assert 'class="open-in-editor" href="/sparql#query=' in page
    assert 'href="/queries/funding-by-spearhead.csv?year=2016"' in page
    forssa = client.get("/queries/projects-in-municipality", headers={"Accept": "text/html"}).text
    assert (
        '<option value="http://uri.suomi.fi/codelist/jhs/kunta_1_20230101/code/061" selected>Forssa</option>'
        in forssa
    )


def test_openapi_lists_every_saved_query_with_typed_parameters(client) -> None:
    spec = client.get("/openapi.json").json()
    for name, q in CATALOG.items():
        operation = spec["paths"][f"/queries/{name}"]["get"]
        assert q.title["en"] in operation["summary"]
        params = {p["name"]: p for p in operation.get("parameters", [])}
        assert set(params) == {p.name for p in q.parameters}, name
        for p in q.parameters:
            documented = params[p.name]
            assert documented["in"] == "query" and not documented.get("required", False)
            assert p.description["en"] in documented["description"]
            schema = documented["schema"]
            expected_type = "integer" if p.type in ("integer", "year") else "string"
            assert schema["type"] == expected_type, (name, p.name, schema)
            if p.type == "date":
                assert schema["format"] == "date"
            if p.default is not None:
                assert str(schema["default"]) == p.default


# --- The endpoint's limits, the base IRI, the editor page --------------------------------------------------


def app_client(settings: Settings):
    from fastapi.testclient import TestClient

    from server.web.app import create_app

    return TestClient(create_app(settings))


def test_row_limit_cuts_and_says_so(settings: Settings) -> None:
    with app_client(settings.replace(max_rows=3)) as limited:
        cut = limited.get("/queries/organisation-pairs.json")
        assert cut.status_code == 200 and cut.headers["x-truncated"] == "true"
        assert len(cut.json()["results"]["bindings"]) == 3
        page = limited.get("/queries/organisation-pairs", headers={"Accept": "text/html"})
        assert "cut at the server's row limit" in html.unescape(page.text) and page.text.count("<tr>") == 4
        assert len(list(csv.reader(io.StringIO(limited.get("/queries/organisation-pairs.csv").text)))) == 4


def test_time_limit_stops_a_saved_query(settings: Settings) -> None:
    with app_client(settings.replace(timeout=0.000001)) as hurried:
        stopped = hurried.get("/queries/organisation-pairs.json")
        assert stopped.status_code == 503 and stopped.json()["error"] == "QueryTimeout"


def test_queries_follow_a_configured_base_iri(settings: Settings) -> None:
    with app_client(settings.replace(base_iri="http://example.org/kg/")) as moved:
        got = moved.get("/queries/spearhead-overview.json").json()["results"]["bindings"]
        assert got[0]["spearhead"]["value"] == "http://example.org/kg/concept/spearheads/circular-economy"
        one = moved.get(
            "/queries/funding-by-spearhead.json",
            params={"spearhead": "res:concept/spearheads/circular-economy"},
        )
        assert one.status_code == 200 and one.json()["results"]["bindings"]


def test_editor_page_loads_only_from_this_server(client) -> None:
    page = client.get("/sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    from server.web.editor import assets_installed

    if not assets_installed(Settings()):
        pytest.skip("the YASGUI assets are not installed (make assets)")
    assert '<script src="/static/vendor/yasgui.min.js"></script>' in page.text
    assert '<script src="/static/editor.js"></script>' in page.text
    loads = re.findall(r'<(?:script|img)\b[^>]*\bsrc="([^"]+)"|<link\b[^>]*\bhref="([^"]+)"', page.text)
    assert loads and not [u for pair in loads for u in pair if u.startswith(("http:", "https:", "//"))], (
        "nothing may load from another host"
    )
    assert client.get("/static/vendor/yasgui.min.js").status_code == 200
    editor_js = client.get("/static/editor.js").text
    assert "prefixCcApi: null" in editor_js and '"smarthamePrefixes", "variables"' in editor_js


def test_editor_page_without_assets_says_how_to_install_them(client, monkeypatch: pytest.MonkeyPatch) -> None:
    import server.web.editor

    monkeypatch.setattr(server.web.editor, "assets_installed", lambda settings: False)
    page = client.get("/sparql", headers={"Accept": "text/html"}).text
    assert "make assets" in page and "yasgui.min.js" not in page
    assert '<form method="get" action="http://testserver/sparql">' in page


def test_the_saved_query_routes_are_tried_only_for_paths_under_queries(client) -> None:
    """A page's request does not walk the saved queries' routes (server.web.routes.prefixed); theirs do."""
    from starlette.routing import Match

    from server.web.routes.prefixed import PrefixedRouter

    (router,) = [r for r in _routers(client.app) if isinstance(r, PrefixedRouter)]
    asked: list[str] = []
    for route in router.routes:
        original = route.matches
        route.matches = lambda scope, original=original: (asked.append(scope["path"]), original(scope))[1]
    try:
        assert client.get("/project/A70870").status_code == 200
        assert asked == []
        assert client.get("/queries/funding-by-spearhead.csv").status_code == 200
        assert "/queries/funding-by-spearhead.csv" in asked
    finally:
        for route in router.routes:
            del route.matches
    scope = {"type": "http", "path": "/project/A70870", "root_path": "", "method": "GET"}
    assert router.matches(scope) == (Match.NONE, {})
    with pytest.raises(ValueError, match="outside"):
        router.add_api_route("/elsewhere", lambda: None)


def _routers(app):
    """The routers included in ``app`` (FastAPI keeps each as an included-router wrapper)."""
    for route in app.router.routes:
        original = getattr(route, "original_router", None)
        if original is not None:
            yield original
