"""The dashboard's answers from the version's index are the saved queries' own answers.

On a synthetic graph (``bench/synthetic.py`` with the real ontology, strategy and links graphs) every
answer of ``server.publish.dashboard_answers`` and ``dashboard_projects`` is compared with the engine's
answer to the saved query it stands for: every grouping, amount type and language; the explorer's rows
and facet counts for values of every facet, a text search and a period; the network's organisations.
Then over HTTP on the bundled data: ``/dashboard/data/{name}.json`` against ``/queries/{name}.json``,
and the index read once per version, dropped with its version.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox
import pytest

from bench import synthetic
from server.graph.loading import bundled_sources, parse_file
from server.graph.vocabulary import graph_iri, prefixes
from server.publish import dashboard_answers, dashboard_projects, explorer, network
from server.publish.dashboard_index import QUERY_TEXTS, DashboardIndex, read_index
from server.settings import Settings
from server.sparql.query_files import load_catalog
from server.web.routes.dashboard import ANSWERS

PROJECTS = 240
AMOUNT_TYPES = (
    "https://w3id.org/smart-hame/concept/amount-types/eu-and-state-funding-endorsed",
    "https://w3id.org/smart-hame/concept/amount-types/total-cost",
)
GROUPINGS = ("theme", "in-force", "choice", "fund")
LANGS = ("fi", "sv", "en")


class Synthetic:
    """A store of synthetic projects, its saved queries, and its dashboard index."""

    def __init__(self) -> None:
        self.settings = Settings()
        self.store = ox.Store()
        self.store.bulk_extend(synthetic.generate(PROJECTS, seed=3))
        for source in bundled_sources(self.settings):
            if source.graph in ("ontology", "strategy", "links"):
                self.store.bulk_extend(parse_file(source.path, ox.NamedNode(graph_iri(source.graph))))
        base = self.settings.base_iri
        self.catalog = load_catalog(self.settings.queries_dir, prefixes(base), base)

        async def run(text: str) -> list[dict[str, Any]]:
            return self.rows(text, {})

        self.index: DashboardIndex = asyncio.run(read_index(run))

    def rows(self, text: str, substitutions: Mapping[ox.Variable, Any]) -> list[dict[str, Any]]:
        answer = self.store.query(text, substitutions=substitutions, use_default_graph_as_union=True)
        assert isinstance(answer, ox.QuerySolutions)
        bindings: list[dict[str, Any]] = json.loads(answer.serialize(format=ox.QueryResultsFormat.JSON))[
            "results"
        ]["bindings"]
        return bindings

    def saved(self, name: str, **values: str) -> list[dict[str, Any]]:
        query = self.catalog[name]
        bound = query.bind(values, prefixes(self.settings.base_iri))
        return self.rows(query.text, {ox.Variable(k): v for k, v in bound.items()})


@pytest.fixture(scope="module")
def syn() -> Synthetic:
    return Synthetic()


def same_rows(got: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    """The same rows, the same number of times each (term for term), and each list in a sorted order."""
    assert expected, "a comparison of two empty answers proves nothing"
    assert sorted(map(json.dumps, got)) == sorted(map(json.dumps, expected))


def sort_columns(rows: list[dict[str, Any]], *names: str) -> list[tuple[str | None, ...]]:
    return [tuple(r[n]["value"] if n in r else None for n in names) for r in rows]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("amount_type", AMOUNT_TYPES, ids=("endorsed", "total"))
@pytest.mark.parametrize("grouping", GROUPINGS)
def test_funding_counts_and_coverage_by_group(
    syn: Synthetic, grouping: str, amount_type: str, lang: str
) -> None:
    ix = syn.index
    funding = dashboard_answers.funding_by_group_and_year(ix, grouping, amount_type, lang)["results"][
        "bindings"
    ]
    expected = syn.saved("funding-by-group-and-year", grouping=grouping, amount_type=amount_type, lang=lang)
    same_rows(funding, expected)
    assert sort_columns(funding, "order", "year") == sort_columns(expected, "order", "year")
    counts = dashboard_answers.projects_by_group_and_year(ix, grouping, lang)["results"]["bindings"]
    same_rows(counts, syn.saved("projects-by-group-and-year", grouping=grouping, lang=lang))
    coverage = dashboard_answers.group_coverage(ix, grouping, amount_type, lang)["results"]["bindings"]
    expected = syn.saved("group-coverage", grouping=grouping, amount_type=amount_type, lang=lang)
    same_rows(coverage, expected)
    assert sort_columns(coverage, "scope", "order") == sort_columns(expected, "scope", "order")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("amount_type", AMOUNT_TYPES, ids=("endorsed", "total"))
def test_strategy_flow_and_areas(syn: Synthetic, amount_type: str, lang: str) -> None:
    flow = dashboard_answers.strategy_flow(syn.index, amount_type, lang)["results"]["bindings"]
    expected = syn.saved("strategy-flow", amount_type=amount_type, lang=lang)
    same_rows(flow, expected)
    order = ("kind", "source_scheme", "notation", "target_label")
    assert sort_columns(flow, *order) == sort_columns(expected, *order)
    areas = dashboard_answers.projects_by_area(syn.index, amount_type, lang)["results"]["bindings"]
    expected = syn.saved("projects-by-area", amount_type=amount_type, lang=lang)
    same_rows(areas, expected)
    assert sort_columns(areas, "kind", "area_label") == sort_columns(expected, "kind", "area_label")


@pytest.mark.parametrize("facet", [None, *explorer.FACETS])
def test_facet_values(syn: Synthetic, facet: str | None) -> None:
    for lang in LANGS:
        got = dashboard_projects.facet_values(syn.index, facet, lang)["results"]["bindings"]
        expected = syn.saved("project-facet-values", lang=lang, **({"facet": facet} if facet else {}))
        same_rows(got, expected)
        assert sort_columns(got, "facet", "order") == sort_columns(expected, "facet", "order")


def selections(syn: Synthetic) -> list[dict[str, str]]:
    """No filter; three values of every facet; text searches; a period; two filters at once."""
    values: dict[str, list[str]] = {}
    for r in syn.saved("project-facet-values", lang="fi"):
        values.setdefault(r["facet"]["value"], []).append(r["value"]["value"])
    assert set(values) == set(explorer.FACETS)
    chosen: list[dict[str, str]] = [{}]
    chosen += [{facet: v} for facet in explorer.FACETS for v in values[facet][:3]]
    chosen += [{"text": "SYNTHETIC project 1"}, {"text": "no such words"}, {"period": "2014"}]
    chosen += [{"spearhead": values["spearhead"][0], "period": values["period"][-1]}]
    return chosen


def test_explorer_rows_and_facet_counts_for_every_facet(syn: Synthetic) -> None:
    def projects(rows: list[dict[str, Any]]) -> list[str]:
        return sorted(json.dumps(r, sort_keys=True) for r in rows)

    def counts(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
        return sorted((r["facet"]["value"], r["value"]["value"], r["projects"]["value"]) for r in rows)

    sizes = []
    for chosen in selections(syn):
        filters = {k: chosen.get(k) for k in dashboard_projects.FILTERS}
        for amount_type in AMOUNT_TYPES:
            got = dashboard_projects.explorer_projects(syn.index, filters, amount_type, "sv")
            expected = syn.saved("project-explorer", amount_type=amount_type, lang="sv", **chosen)
            assert projects(got) == projects([explorer.project(r) for r in expected]), chosen
        expected_counts = syn.saved("project-facet-counts", **chosen)
        assert counts(dashboard_projects.facet_counts(syn.index, filters)) == counts(expected_counts), chosen
        sizes.append(len(expected))
    assert sizes[0] == PROJECTS and 0 in sizes and all(0 < n < PROJECTS for n in sizes[1:4])


@pytest.mark.parametrize("lang", LANGS)
def test_network_organisations(syn: Synthetic, lang: str) -> None:
    spearhead = "https://w3id.org/smart-hame/concept/spearheads/circular-economy"
    for chosen in (
        {},
        {"spearhead": spearhead},
        {"period": "2014"},
        {"period": "2021", "spearhead": spearhead},
    ):
        got = dashboard_projects.network_organisations(
            syn.index, chosen.get("period"), chosen.get("spearhead"), lang
        )
        expected = network.organisations_of(syn.saved("organisation-network", lang=lang, **chosen))
        assert list(got) == list(expected) and got == expected, chosen
        assert network.network_of(got) == network.network_of(expected)


def test_every_index_query_finds_something(syn: Synthetic) -> None:
    found = {name: len(syn.rows(text, {})) for name, text in QUERY_TEXTS.items()}
    assert all(found.values()), found


# ------------------------------------------------------------------------------- over HTTP, bundled data

ENDORSED = AMOUNT_TYPES[0]
REQUESTS = [
    ("funding-by-group-and-year", {"grouping": g, "amount_type": ENDORSED, "lang": "sv"}) for g in GROUPINGS
] + [
    ("projects-by-group-and-year", {"grouping": "in-force", "lang": "en"}),
    ("group-coverage", {"grouping": "choice", "amount_type": ENDORSED}),
    ("strategy-flow", {"amount_type": AMOUNT_TYPES[1], "lang": "fi"}),
    ("projects-by-area", {}),
    ("project-facet-values", {"facet": "spearhead", "lang": "fi"}),
    ("project-facet-values", {"lang": "en"}),
]


@pytest.mark.parametrize(("name", "params"), REQUESTS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(REQUESTS)])
def test_dashboard_data_is_the_saved_querys_answer(client, name: str, params: dict[str, str]) -> None:
    got = client.get(f"/dashboard/data/{name}.json", params=params)
    expected = client.get(f"/queries/{name}.json", params=params)
    assert got.status_code == expected.status_code == 200
    same_rows(got.json()["results"]["bindings"], expected.json()["results"]["bindings"])


def test_every_answered_query_is_one_of_the_dashboards() -> None:
    from server.web.routes.dashboard import QUERIES

    assert set(ANSWERS) <= {n for names in QUERIES.values() for n in names}


def test_dashboard_data_refuses_what_it_does_not_answer(client) -> None:
    unknown = client.get("/dashboard/data/spearhead-overview.json")
    assert unknown.status_code == 404 and "funding-by-group-and-year" in unknown.json()["message"]
    wrong = client.get("/dashboard/data/strategy-flow.json", params={"grouping": "theme"})
    assert wrong.status_code == 400 and "'grouping'" in wrong.json()["message"]
    bad = client.get("/dashboard/data/group-coverage.json", params={"grouping": "nope"})
    assert bad.status_code == 400


def test_the_index_is_read_once_per_version_and_dropped_with_it(tmp_path) -> None:
    from server.web.app import create_app
    from tests.inprocess import in_process
    from tests.releasing import publish_fixture, serving_settings

    build = tmp_path / "build"
    publish_fixture(build, 0)
    with in_process(create_app(serving_settings(build, watch_interval=0))) as c:
        live = c.app.state.live
        first = live.current
        assert first.dashboard_index is None
        for path in (
            "/dashboard/data/strategy-flow.json",
            "/dashboard/network.json",
            "/dashboard/projects.json",
        ):
            assert c.get(path, headers={"cache-control": "no-cache"}).status_code == 200
        index = first.dashboard_index
        assert index is not None
        assert c.get("/dashboard/projects.json", headers={"cache-control": "no-cache"}).status_code == 200
        assert first.dashboard_index is index, "read once for the version"
        publish_fixture(build, 1)
        assert c.run(lambda _: live.switch())
        assert live.current is not first and first.dashboard_index is None and not first.facet_labels
        assert c.get("/dashboard/data/strategy-flow.json").status_code == 200
        assert live.current.dashboard_index is not None and live.current.dashboard_index is not index
