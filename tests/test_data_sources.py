"""The bundled data checked against the sourced records it was made from (../shared/reference/real-data and
real-data-2, both batches).

Every expectation is computed from the JSON records (or from the rules the brief states), never read
from data/*.ttl. Skipped, with the reason, where ../shared is absent (a user's fresh clone).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pyoxigraph as ox
import pytest

from server.graph.loading import bundled_sources, load_sources
from server.settings import PROJECT_ROOT, Settings

REFERENCE = PROJECT_ROOT.parent / "shared" / "reference"
REAL_DATA = REFERENCE / "real-data"
SECOND_BATCH = REFERENCE / "real-data-2"
BASE = "https://w3id.org/smart-hame/"
PREFIXES = {
    "smh": BASE + "ontology/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dct": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "person": "http://www.w3.org/ns/person#",
    "prov": "http://www.w3.org/ns/prov#",
    "euprog": "http://publications.europa.eu/resource/authority/eu-programme/",
}
# Namespaces of the external vocabularies the data links to; each linked IRI needs a label in graph/links.
EXTERNAL = (
    "http://data.europa.eu/nuts/code/",
    "http://uri.suomi.fi/codelist/jhs/kunta_1_20230101/code/",
    "http://publications.europa.eu/resource/authority/eu-programme/",
    "http://publications.europa.eu/resource/authority/country/",
    "http://eurovoc.europa.eu/",
    "http://www.yso.fi/onto/yso/",
)
# The brief's fund table: (fund as written, programme period) -> eu-programme code.
FUND_CODES = {
    ("EAKR", "2014–2020"): "ERDF",
    ("ESR", "2014–2020"): "ESF",
    ("ESR (REACT-EU)", "2014–2020"): "REACT_EU",
    ("EAKR", "2021–2027"): "ERDF_2021",
    ("ESR+", "2021–2027"): "ESF_PLUS",
    ("JTF", "2021–2027"): "JTF",
}


def G(name: str) -> str:
    """A named graph of the model, for the query text (a constant, never data)."""
    return f"<{BASE}graph/{name}>"


def business_id_valid(business_id: str) -> bool:
    m = re.fullmatch(r"(\d{7})-(\d)", business_id)
    if not m:
        return False
    r = sum(int(d) * w for d, w in zip(m.group(1), (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return r != 1 and (0 if r == 0 else 11 - r) == int(m.group(2))


@pytest.fixture(scope="module")
def records() -> dict:
    """Both batches: projects and actors of the two, the strategy facts and the strategy additions."""
    if not (REAL_DATA.is_dir() and SECOND_BATCH.is_dir()):
        pytest.skip("../shared/reference/real-data(-2) is absent (a user's fresh clone); CI has it")

    def read(folder, name):
        return json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))

    return {
        "strategy": read(REAL_DATA, "strategy"),
        "additions": read(SECOND_BATCH, "strategy-additions"),
        "projects": read(REAL_DATA, "projects") + read(SECOND_BATCH, "projects"),
        "actors": read(REAL_DATA, "actors") + read(SECOND_BATCH, "actors"),
        "first_projects": read(REAL_DATA, "projects"),
        "second_projects": read(SECOND_BATCH, "projects"),
    }


@pytest.fixture(scope="module")
def store() -> ox.Store:
    sources = [s for s in bundled_sources(Settings()) if s.path.is_file() or s.path.parent.name == "data"]
    st = ox.Store()
    st.extend(load_sources(sources))
    return st


def select(store: ox.Store, query: str, **bindings: ox.NamedNode | ox.Literal) -> list:
    """Solutions of a SELECT; bound variables are substituted (pyoxigraph wants them projected: use SELECT
    *)."""
    head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    subs = {ox.Variable(k): v for k, v in bindings.items()}
    return list(store.query(head + query, substitutions=subs))


def ask(store: ox.Store, query: str, **bindings: ox.NamedNode | ox.Literal) -> bool:
    head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    return bool(store.query(head + query, substitutions={ox.Variable(k): v for k, v in bindings.items()}))


def labels_of(store: ox.Store, node: ox.NamedNode, name: str) -> set[tuple[str, str | None]]:
    rows = select(store, f"SELECT * WHERE {{ GRAPH {G(name)} {{ ?s skos:prefLabel ?l }} }}", s=node)
    return {(row["l"].value, row["l"].language) for row in rows}


def count(store: ox.Store, query: str) -> int:
    return int(select(store, query)[0]["n"].value)


# --- strategy -----------------------------------------------------------------------------------------


def concepts_by_notation(store: ox.Store, cls: str, scheme: str) -> dict[str, ox.NamedNode]:
    rows = select(
        store,
        f"""SELECT * WHERE {{ GRAPH {G("strategy")} {{
        ?c a smh:{cls} ; skos:inScheme ?scheme ; skos:notation ?n }} }}""",
        scheme=ox.NamedNode(BASE + scheme),
    )
    return {row["n"].value: row["c"] for row in rows}


def test_spearheads_have_the_source_names(records: dict, store: ox.Store) -> None:
    spearheads = records["strategy"]["current_smart_specialisation"]["spearheads"]
    found = concepts_by_notation(store, "Spearhead", "scheme/spearheads")
    assert len(found) == len(spearheads) == 4
    for item in spearheads:
        assert labels_of(store, found[str(item["n"])], "strategy") == {
            (item[lang], lang) for lang in ("fi", "sv", "en")
        }


def test_strategic_choices_have_the_source_names(records: dict, store: ox.Store) -> None:
    items = records["strategy"]["programme_2022_2025"]["strategic_choices"]["items"]
    found = concepts_by_notation(store, "StrategicChoice", "scheme/strategic-choices")
    assert len(found) == len(items) == 3
    for item in items:
        assert labels_of(store, found[str(item["n"])], "strategy") == {
            (item[lang], lang) for lang in ("fi", "sv", "en")
        }


def test_spearheads_are_under_the_rdi_choice(records: dict, store: ox.Store) -> None:
    rdi = next(
        i
        for i in records["strategy"]["programme_2022_2025"]["strategic_choices"]["items"]
        if i.get("contains_smart_specialisation_spearheads")
    )
    choice = concepts_by_notation(store, "StrategicChoice", "scheme/strategic-choices")[str(rdi["n"])]
    for spearhead in concepts_by_notation(store, "Spearhead", "scheme/spearheads").values():
        assert ask(store, f"ASK {{ GRAPH {G('strategy')} {{ ?s skos:broader ?c }} }}", s=spearhead, c=choice)


def test_smart_tavastia_spearheads_are_finnish_only(records: dict, store: ox.Store) -> None:
    items = records["strategy"]["previous_smart_specialisation_smart_tavastia"]["spearheads_fi"]
    found = concepts_by_notation(store, "Spearhead", "scheme/smart-tavastia-spearheads")
    assert len(found) == len(items)
    for item in items:
        assert labels_of(store, found[str(item["n"])], "strategy") == {(item["fi"], "fi")}


def test_smart_tavastia_mappings_carry_source_and_basis(store: ox.Store) -> None:
    """Each Smart Tavastia -> Smart Häme mapping is a judgement: a reified statement gives its basis and
    pages."""
    rows = select(
        store,
        f"""SELECT * WHERE {{ GRAPH {G("strategy")} {{
        ?a skos:inScheme ?st ; ?p ?b . ?b skos:inScheme ?sh .
        FILTER(?p IN (skos:narrowMatch, skos:closeMatch, skos:relatedMatch, skos:exactMatch, skos:broadMatch))
        OPTIONAL {{ ?m rdf:subject ?a ; rdf:predicate ?p ; rdf:object ?b ; dct:source [] ; rdfs:comment []
        }} }} }}""",
        st=ox.NamedNode(BASE + "scheme/smart-tavastia-spearheads"),
        sh=ox.NamedNode(BASE + "scheme/spearheads"),
    )
    assert rows, "no Smart Tavastia -> Smart Häme mapping"
    assert [(r["a"].value, r["b"].value) for r in rows if r["m"] is None] == []


def test_programme_renaming_vote(records: dict, store: ox.Store) -> None:
    rename = records["strategy"]["programme_2022_2025"]["rename"]
    rows = select(
        store,
        f"""SELECT * WHERE {{ GRAPH {G("strategy")} {{
        ?e a smh:ProgrammeEvent ; dct:date ?d ; dct:source ?src ; smh:votesFor ?for ; smh:votesAgainst
        ?against }} }}""",
        d=ox.Literal(rename["date"], datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        src=ox.NamedNode(rename["source"]),
    )
    votes = re.search(r"(\d+)-(\d+)", rename["fact"])
    assert [(int(r["for"].value), int(r["against"].value)) for r in rows] == [(int(votes[1]), int(votes[2]))]


# --- projects -----------------------------------------------------------------------------------------


def test_every_project_record_is_present_with_its_source(records: dict, store: ox.Store) -> None:
    projects = records["projects"]
    assert len(records["first_projects"]) == 72 and len(records["second_projects"]) == 87
    assert (
        count(
            store,
            f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ GRAPH {G('projects')} {{ ?p a smh:Project }} }}",
        )
        == len(projects)
        >= 155
    )
    for record in projects:
        rows = select(
            store,
            f"""SELECT * WHERE {{ GRAPH {G("projects")} {{
            ?p a smh:Project ; dct:source ?src ; skos:prefLabel ?l }} }}""",
            src=ox.NamedNode(record["source"]),
        )
        names = {row["l"].value for row in rows}
        # A name may end in a translation, the page's spelling or the collector's remark, in () or [].
        assert any(record["name"] == n or record["name"].startswith((n + " (", n + " [")) for n in names), (
            record["name"]
        )


def expected_code(written: str) -> str | None:
    """The bare register code a record's code gives: EURA, rural-fund or Objective 2 code, or a Horizon 2020
    grant number; None for a code the page cut ("257/…")."""
    m = re.fullmatch(r"([AS]\d{5}|\d{4,6}|HAM-\d{4}-R-\d+)(?: \(.*\))?", written)
    if m:
        return m.group(1)
    m = re.fullmatch(r"H2020 grant agreement no\. (\d+)", written)
    return m.group(1) if m else None


def test_register_codes(records: dict, store: ox.Store) -> None:
    for record in records["projects"]:
        if record["code"]:
            code = expected_code(record["code"])
            if code is None:  # a cut code is no code: it stays in a note, as written
                assert ask(
                    store,
                    f"ASK {{ GRAPH {G('projects')} {{ ?p dct:source ?src ; skos:note ?n FILTER NOT EXISTS "
                    f"{{ ?p smh:registerCode [] }} }} }}",
                    src=ox.NamedNode(record["source"]),
                    n=ox.Literal(f"Koodi lähteessä: {record['code']}", language="fi"),
                ), record["code"]
                continue
            assert ask(
                store,
                f"ASK {{ GRAPH {G('projects')} {{ ?p smh:registerCode ?c ; dct:source ?src }} }}",
                c=ox.Literal(code),
                src=ox.NamedNode(record["source"]),
            ), code


def test_funds_follow_the_fund_table(records: dict, store: ox.Store) -> None:
    checked = 0
    for record in records["projects"]:
        code = FUND_CODES.get((record["fund"], record["period"]))
        if record["code"] and code:
            checked += 1
            assert ask(
                store,
                f"""ASK {{ GRAPH {G("projects")} {{
                ?p smh:registerCode ?c ; smh:fund ?f ; smh:fundAsWritten ?w }} }}""",
                c=ox.Literal(expected_code(record["code"])),
                f=ox.NamedNode(PREFIXES["euprog"] + code),
                w=ox.Literal(record["fund"], language="fi"),
            ), record["code"]
    assert checked >= 20


def test_every_project_is_in_kanta_hame(store: ox.Store) -> None:
    assert not ask(
        store,
        f"""ASK {{ GRAPH {G("projects")} {{ ?p a smh:Project
        FILTER NOT EXISTS {{ ?p dct:spatial <http://data.europa.eu/nuts/code/FI1C2> }} }} }}""",
    )


def test_responsible_authority_as_written(records: dict, store: ox.Store) -> None:
    for record in records["projects"]:
        if record["vastuuviranomainen"]:
            assert ask(
                store,
                f"""ASK {{ GRAPH {G("projects")} {{ ?x smh:registerCode ?c ; smh:responsibleAuthority ?o }}
                                         GRAPH {G("actors")} {{ ?o skos:prefLabel ?name }} }}""",
                c=ox.Literal(record["code"]),
                name=ox.Literal(record["vastuuviranomainen"], language="fi"),
            )


def test_responsible_authority_and_selecting_body_are_apart(records: dict, store: ox.Store) -> None:
    """README §5.1: ERDF 2014–2020 projects decided by Uudenmaan liitto, selected by Hämeen liitto's MYR."""
    myr_pages = {r["source"] for r in records["projects"] if re.search(r"MYR \d", r.get("decision") or "")}
    expected = [
        r
        for r in records["projects"]
        if r["vastuuviranomainen"] == "Uudenmaan liitto"
        and r["fund"] == "EAKR"
        and r.get("budget_source") in myr_pages
    ]
    assert expected, "the records hold ERDF projects endorsed on MYR pages"
    for record in expected:
        rows = select(
            store,
            f"""SELECT * WHERE {{
            GRAPH {G("projects")} {{ ?x smh:registerCode ?c ; smh:responsibleAuthority ?ra ; smh:selectedBy
            ?sel ;
                                     smh:fund euprog:ERDF }}
            GRAPH {G("actors")} {{ ?ra skos:prefLabel "Uudenmaan liitto"@fi . ?sel
            skos:prefLabel|skos:altLabel ?name }} }}""",
            c=ox.Literal(record["code"]),
        )
        assert "MYR" in {r["name"].value for r in rows}, record["code"]


def test_selected_by_only_where_a_source_says_so(records: dict, store: ox.Store) -> None:
    rows = select(
        store, f"SELECT * WHERE {{ GRAPH {G('projects')} {{ ?p smh:selectedBy ?o ; dct:source ?src }} }}"
    )
    assert rows
    by_source: dict[str, list[dict]] = {}
    for r in records["projects"]:
        by_source.setdefault(r["source"], []).append(r)
    for row in rows:
        evidence = [
            " ".join(filter(None, [r.get("decision"), r.get("budget_source"), *r.get("other_sources", [])]))
            for r in by_source[row["src"].value]
        ]
        assert any(re.search(r"MYR|yhteisty[öo]ryhm", e) for e in evidence), row["src"].value


def test_amounts_keep_label_and_value_as_written(records: dict, store: ox.Store) -> None:
    for record in records["projects"]:
        for label, written in (record.get("budget") or {}).items():
            rows = select(
                store,
                f"""SELECT * WHERE {{ GRAPH {G("projects")} {{ ?p dct:source ?src ; smh:amount ?a .
                ?a smh:amountLabel ?label ; smh:valueAsWritten ?w ; smh:amountType [] .
                OPTIONAL {{ ?a <http://schema.org/value> ?v }} }} }}""",
                src=ox.NamedNode(record["source"]),
                label=ox.Literal(label),
                w=ox.Literal(written),
            )
            assert rows, (record["name"], label)
            simple = re.fullmatch(r"(\d{1,3}(?:[ .]\d{3})+)\s*(?:€|euroa|euron)", written.strip())
            if simple:
                assert {r["v"].value for r in rows} == {re.sub(r"[ .]", "", simple[1])}, written


# --- actors -------------------------------------------------------------------------------------------


def organisations_by_label(store: ox.Store) -> dict[str, ox.NamedNode]:
    rows = select(
        store, f"SELECT * WHERE {{ GRAPH {G('actors')} {{ ?o a org:Organization ; skos:prefLabel ?l }} }}"
    )
    return {r["l"].value: r["o"] for r in rows}


def test_every_actor_is_present_with_its_sources(records: dict, store: ox.Store) -> None:
    n = count(
        store,
        f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ GRAPH {G('actors')} {{ ?o a org:Organization ; "
        f"dct:source [] }} }}",
    )
    # No two organisation records share a business ID, so each is an organisation of its own (the
    # README's merges join names of project records and of the extra organisations to them).
    ids = [a["y_tunnus"] for a in records["actors"] if a["y_tunnus"]]
    assert len(ids) == len(set(ids))
    assert n >= len(records["actors"]) == 111 and n >= 105
    by_label = organisations_by_label(store)
    for entry in records["actors"]:
        assert entry["name"] in by_label, entry["name"]
        for source in entry["sources"]:
            assert ask(
                store,
                f"ASK {{ GRAPH {G('actors')} {{ ?o dct:source ?src }} }}",
                o=by_label[entry["name"]],
                src=ox.NamedNode(source),
            ), (entry["name"], source)


def source_business_ids(records: dict) -> set[str]:
    ids = {a["y_tunnus"] for a in records["actors"] if a["y_tunnus"]}
    for r in records["projects"]:
        for party in [r.get("applicant") or {}, *r.get("partners", []), *r.get("tuen_siirronsaajat", [])]:
            if party.get("y_tunnus"):
                ids.add(party["y_tunnus"])
    return ids


def test_business_ids_are_valid_and_all_present(records: dict, store: ox.Store) -> None:
    rows = select(store, f"SELECT * WHERE {{ GRAPH {G('actors')} {{ ?o smh:businessId ?id }} }}")
    published = [r["id"].value for r in rows]
    assert len(published) == len(set(published)), "a business ID on two organisations"
    assert [b for b in published if not business_id_valid(b)] == []
    assert {b for b in source_business_ids(records) if business_id_valid(b)} == set(published)


def test_business_id_sits_on_the_named_organisation_or_its_parent(records: dict, store: ox.Store) -> None:
    by_label = organisations_by_label(store)
    query = f"ASK {{ GRAPH {G('actors')} {{ ?o (org:unitOf?)/smh:businessId ?id }} }}"
    for entry in records["actors"]:
        if entry["y_tunnus"]:
            assert ask(store, query, o=by_label[entry["name"]], id=ox.Literal(entry["y_tunnus"])), entry[
                "name"
            ]


def public_roles(records: dict) -> set[tuple[str, str, str]]:
    """(name, role as written, page) of every person in a public role: strategy facts and additions."""
    roles = {
        (p["name"], role["role"], src)
        for p in records["strategy"]["people"]
        for role in p["roles"]
        for src in role["sources"]
    }
    return roles | {
        (p["name"], p["role"], src) for p in records["additions"]["people_additions"] for src in p["sources"]
    }


def test_people_are_those_of_the_strategy_with_every_role(records: dict, store: ox.Store) -> None:
    people = records["strategy"]["people"]
    rows = select(
        store, f"SELECT * WHERE {{ GRAPH {G('actors')} {{ ?p a person:Person ; foaf:name ?name }} }}"
    )
    assert sorted(r["name"].value for r in rows) == sorted({n for n, _, _ in public_roles(records)})
    rows = select(
        store,
        f"""SELECT * WHERE {{ GRAPH {G("actors")} {{ ?m a org:Membership ; org:member ?p ;
        org:organization [] ; smh:roleTitle ?t ; dct:source ?src . ?p foaf:name ?name }} }}""",
    )
    published = {(r["name"].value, r["t"].value, r["src"].value) for r in rows}
    assert public_roles(records) - published == set()
    assert len(people) < len({n for n, _, _ in public_roles(records)})


def test_no_person_has_contact_details(store: ox.Store) -> None:
    assert not ask(
        store,
        """ASK { ?p a person:Person .
        { ?p ?contact [] } UNION { ?m org:member ?p ; ?contact [] }
        FILTER(?contact IN (foaf:mbox, foaf:phone, <http://schema.org/email>, <http://schema.org/telephone>,
            <http://www.w3.org/2006/vcard/ns#hasEmail>, <http://www.w3.org/2006/vcard/ns#hasTelephone>,
            <http://data.europa.eu/m8g/email>, <http://data.europa.eu/m8g/telephone>,
            <http://data.europa.eu/m8g/contactPoint>)) }""",
    )
    # No e-mail address or phone number anywhere in the data graphs, whoever it would belong to.
    contact = re.compile(r"[\w.+-]+(@|\(at\))[\w-]+\.\w|\+358|\b0\d{1,3}[ -]\d{3}[ -]?\d{3,4}\b")
    for name in ("strategy", "actors", "projects"):
        rows = select(store, f"SELECT * WHERE {{ GRAPH {G(name)} {{ ?s ?p ?o FILTER(isLiteral(?o)) }} }}")
        assert [r["o"].value for r in rows if contact.search(r["o"].value)] == [], name


# --- classification and links -----------------------------------------------------------------------


def test_classifications_have_provenance_and_are_declared_judgements(store: ox.Store) -> None:
    # The graph says of itself that its classifications are made for the graph, not source facts.
    assert ask(
        store,
        f"ASK {{ GRAPH {G('classification')} {{ {G('classification')} rdfs:comment ?c "
        "FILTER(CONTAINS(STR(?c), 'source')) } }",
    )
    assert (
        count(
            store,
            f"SELECT (COUNT(?c) AS ?n) WHERE {{ GRAPH {G('classification')} {{ ?c a smh:Classification }} }}",
        )
        > 0
    )
    assert (
        select(
            store,
            f"""SELECT * WHERE {{ GRAPH {G("classification")} {{ ?c a smh:Classification
        FILTER NOT EXISTS {{ ?c smh:classifiedProject ?p ; prov:wasAttributedTo [] ; prov:generatedAtTime
        [] ; smh:basis [] }}
        }} }}""",
        )
        == []
    )
    assert not ask(store, f"ASK {{ GRAPH {G('projects')} {{ ?p smh:contributesTo ?x }} }}")


def test_every_linked_external_iri_has_a_label_and_source(store: ox.Store) -> None:
    linked = set()
    for name in ("strategy", "actors", "projects", "classification"):
        rows = select(
            store, f"SELECT DISTINCT ?o WHERE {{ GRAPH {G(name)} {{ ?s ?p ?o FILTER(isIRI(?o)) }} }}"
        )
        linked |= {r["o"] for r in rows if r["o"].value.startswith(EXTERNAL)}
    assert linked
    for iri in linked:
        assert ask(
            store,
            f"ASK {{ GRAPH {G('links')} {{ ?o skos:prefLabel|rdfs:label ?l ; dct:source ?src }} }}",
            o=iri,
        ), iri.value


# --- the second batch's corrections, periods, notes and years -------------------------------------------

# The merges the second batch's README states ("Corrections and additions to records"): the name as
# written -> a name, or the business ID, of the organisation it is.
README_SAME_ORGANISATION = {
    "Lab-ammattikorkeakoulu Oy": "2630644-6",
    "Lounais-Hämeen ammatillisen koulutuksen kuntayhtymä": "0626288-8",
    "Kiipula Foundation": "Kiipulasäätiö",
    "Forssa Region Development Centre": "Forssan Seudun Kehittämiskeskus Oy",
    "Lappeenrannan teknillinen yliopisto": "LUT-yliopisto",
}


def test_readme_corrections_merge_organisations_and_keep_every_name_with_its_source(store: ox.Store) -> None:
    rows = select(
        store,
        f"""SELECT ?alt ?id ?name WHERE {{ GRAPH {G("actors")} {{
        ?o skos:prefLabel ?name ; skos:altLabel ?alt ; <http://www.w3.org/2008/05/skos-xl#altLabel> ?x .
        ?x <http://www.w3.org/2008/05/skos-xl#literalForm> ?alt ;
        dct:source [] OPTIONAL {{ ?o smh:businessId ?id }} }} }}""",
    )
    names = {(r["alt"].value, r["id"].value if r["id"] else None, r["name"].value) for r in rows}
    for written, target in README_SAME_ORGANISATION.items():
        assert any(alt == written and target in (bid, name) for alt, bid, name in names), written
    # README: "Vanajavesikeskus is run by Vanajavesisäätiö sr".
    assert ask(
        store,
        f"""ASK {{ GRAPH {G("actors")} {{ ?unit skos:prefLabel "Vanajavesikeskus"@fi ; org:unitOf ?parent .
        ?parent skos:prefLabel "Vanajavesisäätiö sr"@fi }} }}""",
    )
    # Every alternative name says where it was read.
    assert not ask(
        store,
        f"""ASK {{ GRAPH {G("actors")} {{ ?o skos:altLabel ?alt
        FILTER NOT EXISTS {{ ?o <http://www.w3.org/2008/05/skos-xl#altLabel> ?x .
            ?x <http://www.w3.org/2008/05/skos-xl#literalForm> ?alt ; dct:source [] }} }} }}""",
    )


def test_disagreeing_periods_keep_both_values_with_their_sources(records: dict, store: ox.Store) -> None:
    """DIGITRAIL ends 16.6.2020 on the register and in June 2019 in HAMK's news; HITU starts 31.12.2021 or
    1.1.2022 (real-data-2 README, Reliability)."""
    by_name = {r["name"]: r for r in records["second_projects"]}
    digitrail = by_name["DIGITRAIL – Kanta-Hämeen reitistöjen saavutettavuus ja näkyvyys"]
    hamk_news = next(u for u in digitrail["other_sources"] if "hamk.fi/2019" in u)
    rows = select(
        store,
        f"""SELECT * WHERE {{ GRAPH {G("projects")} {{ ?p dct:source ?src ; smh:plannedEnd ?end ;
        smh:reportedPeriod ?rp . ?rp smh:reportedEnd ?other ; dct:source ?news }} }}""",
        src=ox.NamedNode(digitrail["source"]),
        news=ox.NamedNode(hamk_news),
    )
    assert {(r["end"].value, r["other"].value) for r in rows} == {(digitrail["end"], "2019-06")}
    hitu = by_name["HITU – Ilmastoturvallisuuden parantaminen Hämeen maaseudulla (Hämeen ilmastoturva)"]
    rows = select(
        store,
        f"""SELECT * WHERE {{ GRAPH {G("projects")} {{ ?p dct:source ?src ; smh:plannedStart ?start ;
        smh:reportedPeriod ?rp . ?rp smh:reportedStart ?other ; dct:source [] }} }}""",
        src=ox.NamedNode(hitu["source"]),
    )
    assert {(r["start"].value, r["other"].value) for r in rows} == {(hitu["start"], "2022-01-01")}


def test_partial_dates_are_reported_periods_not_planned_dates(records: dict, store: ox.Store) -> None:
    for record in records["projects"]:
        for key, prop in (("start", "reportedStart"), ("end", "reportedEnd")):
            value = record.get(key)
            if value and not re.fullmatch(r"\d{4}-\d\d-\d\d", value):
                rows = select(
                    store,
                    f"""SELECT * WHERE {{ GRAPH {G("projects")} {{
                    ?p dct:source ?src ; smh:reportedPeriod ?rp . ?rp smh:{prop} ?v }} }}""",
                    src=ox.NamedNode(record["source"]),
                )
                assert value in {r["v"].value for r in rows}, (record["name"], key)


def test_no_name_from_a_note_is_published(records: dict, store: ox.Store) -> None:
    """Notes may mention people as the pages did; the graph names people only as persons in public roles
    and never takes a name from a note. The names below are the other people the notes mention (found
    by reading every note of both batches)."""
    others = {"Juha Pirkkamaa", "Anne Horila", "Jussi Pakari", "Maria Jokinen"}
    mentioned = [
        n
        for r in records["projects"] + records["actors"]
        for n in ([r["note"]] if r.get("note") else []) + r.get("notes", [])
    ]
    assert all(any(name in n for n in mentioned) for name in others)
    public = {name for name, _, _ in public_roles(records)}
    for graph in ("strategy", "actors", "projects", "classification", "links"):
        literals = [
            r["o"].value
            for r in select(
                store, f"SELECT * WHERE {{ GRAPH {G(graph)} {{ ?s ?p ?o FILTER(isLiteral(?o)) }} }}"
            )
        ]
        assert [t for t in literals if any(n in t for n in others)] == [], graph
    notes = [
        r["o"].value
        for r in select(store, "SELECT * WHERE { GRAPH ?g { ?s skos:note ?o } }")
        if any(name in r["o"].value for name in public)
    ]
    assert notes == []


def fact_texts(additions: dict) -> dict[str, set[str]]:
    """Every fact of the additions that has a source: its text -> its sources."""
    out: dict[str, set[str]] = {}
    for section, content in additions.items():
        if section in ("_about", "people_additions", "not_found"):
            continue
        items = content if isinstance(content, list) else [v for v in content.values() if isinstance(v, dict)]
        for item in items:
            text = item.get("fact") or item.get("event")
            sources = item.get("sources") or ([item["source"]] if item.get("source") else [])
            if text and sources:
                out.setdefault(text, set()).update(sources)
    return out


def test_every_sourced_strategy_addition_is_published_with_its_sources(
    records: dict, store: ox.Store
) -> None:
    facts = fact_texts(records["additions"])
    assert len(facts) == 103  # 88 facts and 15 timeline additions; the unsourced 'not found' list is left out
    rows = select(
        store, f"SELECT * WHERE {{ GRAPH {G('strategy')} {{ ?s dct:description ?d ; dct:source ?src }} }}"
    )
    published: dict[str, set[str]] = {}
    for r in rows:
        published.setdefault(r["d"].value, set()).add(r["src"].value)
    for text, sources in facts.items():
        assert text in published, text[:80]
        assert sources <= published[text], text[:80]
    for item in records["additions"]["not_found"]:
        assert item not in published


def test_round_and_statistic_amounts_are_the_numbers_their_facts_write(store: ox.Store) -> None:
    """A second reading of the curated structure: each amount's figure as written appears in the text of the
    fact it came from, and the value is that figure."""
    rows = select(
        store,
        f"""SELECT * WHERE {{ GRAPH {G("strategy")} {{ ?r smh:aggregateAmount ?a ; dct:description ?d .
        ?a <http://schema.org/value> ?v ; smh:valueAsWritten ?w ; smh:amountType [] ; smh:year [] }} }}""",
    )
    assert len({r["a"].value for r in rows}) >= 50
    texts: dict[str, set[str]] = {}
    values: dict[str, tuple[str, str]] = {}
    for r in rows:
        texts.setdefault(r["a"].value, set()).add(r["d"].value)
        values[r["a"].value] = (r["w"].value, r["v"].value)
    for amount, (written, value) in values.items():
        figure = re.sub(r"^(~|almost |over |>|at most )", "", written).removesuffix(" EU+state")
        number = figure.removesuffix(" €").removesuffix(" M€")
        assert any(number in t or figure in t for t in texts[amount]), (amount, written)
        scale = 1_000_000 if figure.endswith("M€") else 1
        expected = Decimal(number.replace(" ", "").replace(",", ".")) * scale
        assert Decimal(value) == expected, (amount, written, value)


def test_every_amount_has_its_meaning_currency_and_a_year_with_its_basis(
    records: dict, store: ox.Store
) -> None:
    rows = select(
        store,
        f"""SELECT * WHERE {{ GRAPH {G("projects")} {{ ?p smh:amount ?a . ?a smh:amountType ?t ;
        <http://schema.org/currency> "EUR" . OPTIONAL {{ ?a smh:year ?y }}
        OPTIONAL {{ ?a smh:yearBasis ?b }} }} }}""",
    )
    amounts = sum(len(r.get("budget") or {}) + bool(r.get("kustannusarvio")) for r in records["projects"])
    assert len(rows) == amounts
    assert all((r["y"] is None) == (r["b"] is None) for r in rows)
    assert sum(r["y"] is not None for r in rows) / len(rows) > 0.8
    # MYR endorsements: the year of the decision, from the label or the decision text.
    for record in records["projects"]:
        for label, written in (record.get("budget") or {}).items():
            m = re.fullmatch(r"eu_ja_valtio_myr_(\d{4})", label)
            year = m.group(1) if m else None
            if label.startswith(("EU- ja valtion rahoitus (MYR", "Hämeen yhteistyöryhmän puoltama")):
                year = re.search(r"(\d{4})", record["decision"]).group(1)
            if year:
                assert ask(
                    store,
                    f"""ASK {{ GRAPH {G("projects")} {{ ?p dct:source ?src ; smh:amount ?a .
                    ?a smh:valueAsWritten ?w ; smh:year ?y ;
                    smh:yearBasis <https://w3id.org/smart-hame/concept/year-bases/decision-year> }} }}""",
                    src=ox.NamedNode(record["source"]),
                    w=ox.Literal(written),
                    y=ox.Literal(year, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
                ), (record["name"], label)


# --- the converter's number reading ---------------------------------------------------------------


@pytest.fixture(scope="module")
def parse_euros():
    from server.graph.records import money

    return money


@pytest.mark.parametrize(
    ("written", "value", "approximate"),
    [
        ("250.000 €", "250000", False),
        ("79 900 €", "79900", False),
        ("134 868€", "134868", False),
        ("57 931 euron", "57931", False),
        ("n. 1,6 miljoonaa euroa", "1600000", True),
        ("noin 290 000 euron rahoituksen (per Forssan Lehti)", "290000", True),
    ],
)
def test_finnish_amounts_are_read(parse_euros, written: str, value: str, approximate: bool) -> None:
    assert parse_euros.parse_euros(written) == (Decimal(value), approximate)


@pytest.mark.parametrize("written", ["1 909 927 miljoonaa euroa", "summa puuttuu"])
def test_ambiguous_amounts_are_refused(parse_euros, written: str) -> None:
    with pytest.raises(parse_euros.AmbiguousAmount):
        parse_euros.parse_euros(written)
