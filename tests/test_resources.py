"""Dereferenceable IRIs: every subject minted under the base resolves as HTML and as each RDF syntax,
and its RDF holds every triple the dump has about it (blank nodes followed)."""

from __future__ import annotations

import re
from collections import defaultdict

import pyoxigraph as ox
import pytest

from server.graph.vocabulary import graph_iri

BASE = "https://w3id.org/smart-hame/"
RDF_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
EXTENSIONS = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
}


@pytest.fixture(scope="module")
def dump_index(app_client) -> dict[ox.NamedNode | ox.BlankNode, set[ox.Triple]]:
    """Subject -> triples, read from the served N-Quads dump (every graph merged).

    The dump passes through a scratch store first: a store writes typed literals in canonical form
    ("…T00:00:00+00:00"^^xsd:dateTime comes back as "…T00:00:00Z"), the same value, so pages served from
    the published store are compared with the dump literal by literal after the same normalisation.
    """
    scratch = ox.Store()
    scratch.load(app_client.get("/dumps/smart-hame.nq").content, format=ox.RdfFormat.N_QUADS)
    return _index(scratch)


def closure(index: dict, start: ox.NamedNode | ox.BlankNode) -> set[ox.Triple]:
    """The triples about ``start`` and, recursively, about the blank nodes they reach."""
    out: set[ox.Triple] = set()
    todo, seen = [start], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for t in index.get(node, ()):
            out.add(t)
            if isinstance(t.object, ox.BlankNode):
                todo.append(t.object)
    return out


def canonical(triples: set[ox.Triple]) -> set[str]:
    """The triples with canonical blank node labels (RDFC-1.0): equal sets mean isomorphic graphs."""
    ds = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in ds}


def path_of(iri: str) -> str:
    return "/" + iri.removeprefix(BASE)


@pytest.mark.sweep
def test_every_subject_resolves_as_rdf_with_all_its_triples(client, dump_index, published) -> None:
    """Each syntax by Accept; every subject's HTML page (in each language) is test_crawl's to reach."""
    subjects = sorted(s.value for s in dump_index if isinstance(s, ox.NamedNode) and s.value.startswith(BASE))
    in_store = {
        q.subject.value
        for q in published.store.quads_for_pattern(None, None, None)
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(BASE)
    }
    assert set(subjects) == in_store

    async def check(http) -> list:
        failures = []
        for iri in subjects:
            expected = closure(dump_index, ox.NamedNode(iri))
            with_blank_nodes = any(
                isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in expected
            )
            for media, fmt in RDF_TYPES.items():
                r = await http.get(path_of(iri), headers={"accept": media})
                if r.status_code != 200 or not r.headers["content-type"].startswith(media):
                    failures.append((iri, media, r.status_code))
                    continue
                got = closure(_index(ox.parse(r.content, format=fmt, base_iri=iri)), ox.NamedNode(iri))
                # Without blank nodes, containment: a graph's IRI also returns its VoID description.
                same = canonical(got) == canonical(expected) if with_blank_nodes else expected <= got
                if not same:
                    failures.append(
                        (iri, media, f"missing {len(expected - got)}, extra {len(got - expected)}")
                    )
        return failures

    failures = client.run(check)  # on the app's event loop: 4 requests per subject
    assert not failures, failures[:10]


def _index(quads) -> dict:
    index: dict = defaultdict(set)
    for q in quads:
        index[q.subject].add(q.triple)  # the parser gives quads in the default graph
    return index


def test_extension_and_format_parameter_choose_the_syntax(client) -> None:
    for ext, media in EXTENSIONS.items():
        by_ext = client.get(f"/project/A70783.{ext}", headers={"accept": "text/html"})
        by_param = client.get(f"/project/A70783?format={ext}")
        assert by_ext.status_code == by_param.status_code == 200
        assert by_ext.headers["content-type"].startswith(media)
        assert by_ext.content == by_param.content
    assert (
        client.get("/project/A70783.html", headers={"accept": "text/turtle"})
        .headers["content-type"]
        .startswith("text/html")
    )
    assert client.get("/project/A70783?format=bogus").status_code == 400


def test_negotiation_headers_and_refusals(client) -> None:
    r = client.get("/project/A70783", headers={"accept": "text/turtle"})
    assert {"Accept", "Accept-Language", "Cookie"} <= {v.strip() for v in r.headers["vary"].split(",")}
    assert r.headers["etag"] and r.headers["last-modified"]
    assert (
        client.get(
            "/project/A70783", headers={"accept": "text/turtle", "if-none-match": r.headers["etag"]}
        ).status_code
        == 304
    )
    assert (
        client.get("/project/A70783", headers={"accept": "*/*"})
        .headers["content-type"]
        .startswith("text/html")
    )
    refused = client.get("/project/A70783", headers={"accept": "image/png"})
    assert refused.status_code == 406 and "text/turtle" in refused.json()["offered"]


def test_page_language_follows_accept_language_and_the_switch(client) -> None:
    client.cookies.clear()  # a language chosen by an earlier test would win over Accept-Language
    iri = "/concept/spearheads/circular-economy"
    labels = {}
    for lang in ("fi", "sv", "en"):
        r = client.get(iri, headers={"accept": "text/html", "accept-language": f"{lang},en;q=0.5"})
        assert f'<html lang="{lang}">' in r.text
        labels[lang] = re.search(r"<h1>(.*?)</h1>", r.text).group(1)
    assert len(set(labels.values())) == 3, labels
    fresh = client.another()  # a cookie jar of its own, on the same running app
    switched = fresh.get(f"{iri}?lang=sv", headers={"accept": "text/html", "accept-language": "fi"})
    assert (
        f"<h1>{labels['sv']}</h1>" in switched.text and "smarthame_lang=sv" in switched.headers["set-cookie"]
    )
    remembered = fresh.get("/ontology", headers={"accept": "text/html", "accept-language": "fi"})
    assert '<html lang="sv">' in remembered.text
    fresh.close()


def test_page_shows_properties_incoming_links_sources_and_formats(client) -> None:
    text = client.get("/project/A70783", headers={"accept": "text/html", "accept-language": "fi"}).text
    assert "Alueellisten innovaatiokeskittymien vahvistaminen" in text
    assert 'href="/organisation/' in text, "linked organisations are links to their pages"
    assert 'id="source-1"' in text and "eura2014.fi" in text
    for ext in EXTENSIONS:
        assert f'href="/project/A70783.{ext}"' in text
    from server.web.pages import MESSAGES

    assert MESSAGES["en"]["incoming"] == "Referenced by"
    for lang in ("fi", "sv", "en"):
        spearhead = client.get(
            f"/concept/spearheads/circular-economy?lang={lang}", headers={"accept": "text/html"}
        ).text
        assert f"<h2>{MESSAGES[lang]['incoming']}</h2>" in spearhead, lang
    client.cookies.clear()  # ?lang= set the language cookie; other tests share this client


def test_unknown_iri_is_a_helpful_404(client) -> None:
    page = client.get("/project/A7078", headers={"accept": "text/html"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert 'href="/project/A70783"' in page.text, "a near miss is suggested"
    assert 'href="/sparql"' in page.text and 'href="/"' in page.text
    machine = client.get("/project/nope", headers={"accept": "text/turtle"})
    assert machine.status_code == 404 and machine.json()["error"] == "NotFound"


def test_ontology_documentation_lists_every_term_in_each_language(client, published) -> None:
    store = published.store
    owl = "http://www.w3.org/2002/07/owl#"
    ontology = ox.NamedNode(graph_iri("ontology", published.base_iri))
    terms = {
        q.subject.value
        for kind in ("Class", "ObjectProperty", "DatatypeProperty")
        for q in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(owl + kind), ontology)
    }
    assert len(terms) > 30
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for lang in ("fi", "sv", "en"):
        html = client.get(f"/ontology?lang={lang}", headers={"accept": "text/html"}).text
        for term in terms:
            assert f'id="{term.removeprefix(BASE + "ontology/")}"' in html, term
            for q in store.quads_for_pattern(
                ox.NamedNode(term), label, None
            ):  # every label, in every language
                assert _html_text(q.object.value) in html, (term, lang, q.object.value)
    assert (
        client.get("/ontology/Project", headers={"accept": "text/html"}).text.count(
            'href="/ontology#Project"'
        )
        == 1
    )
    assert client.get("/ontology.ttl").status_code == 200


def _html_text(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def test_shapes_documentation_lists_every_node_shape(client, published) -> None:
    shapes = ox.NamedNode(graph_iri("shapes", published.base_iri))
    node_shape = ox.NamedNode("http://www.w3.org/ns/shacl#NodeShape")
    names = [
        q.subject.value.removeprefix(BASE + "shapes/")
        for q in published.store.quads_for_pattern(None, RDF_TYPE, node_shape, shapes)
    ]
    html = client.get("/shapes", headers={"accept": "text/html"}).text
    assert names and all(f'id="{n}"' in html for n in names)


def test_graph_iris_and_home_resolve(client) -> None:
    for graph in ("ontology", "shapes", "strategy", "actors", "projects", "classification", "links"):
        page = client.get(f"/graph/{graph}", headers={"accept": "text/html"})
        assert page.status_code == 200 and f'href="/dumps/graph-{graph}.ttl"' in page.text
        void = client.get(f"/graph/{graph}.ttl")
        assert "http://rdfs.org/ns/void#triples" in void.text or "void:triples" in void.text
    home = client.get("/", headers={"accept": "text/html"})
    assert home.status_code == 200 and 'href="/strategy/smart-hame"' in home.text
    assert client.get("/?format=ttl").headers["content-type"].startswith("text/turtle")


def test_catch_all_shadows_no_other_route(client) -> None:
    from server.web.routes import resources

    last = client.app.routes[-1]
    assert getattr(last, "original_router", last) is resources.router, (
        "the catch-all resource route comes last"
    )
    for path in ("/dumps/", "/catalog", "/.well-known/void", "/static/pages.css", "/openapi.json", "/docs"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert 'class="iri"' not in r.text or path == "/dumps/", f"{path} answered by the resource route"
