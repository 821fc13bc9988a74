"""The dashboard's index of one dataset version: what its charts and tables are computed from.

Read once per version and server process (``AppState.dashboard_index``), with one SPARQL pass of a dozen
plain queries (:data:`QUERIES`, each over one relation: no parameters, no aggregates but one sample),
it holds the facts the dashboard's saved queries combine: each project's groups under the four groupings,
its amounts by meaning and year, its facets (spearheads, choices, funds, periods, areas, organisations and
their types, statuses), names, dates and search words; the organisations' names and types; the strategy
flow's spearheads and mappings; and every ``skos:prefLabel``. ``server.publish.dashboard_answers`` then
answers each of those saved queries in Python from it, row for row as the engine would (same columns,
same terms, same multiplicities before aggregation), so a request costs milliseconds instead of a pass
over every project (``bench/dashboard.py``).

The index is kept as the terms of SPARQL JSON results (``{"type": "uri", "value": ...}``) so answers can
hand them on unchanged. The saved queries stay the definition: ``tests/test_dashboard_index.py`` compares
every answer computed here with the engine's on a synthetic graph, for every grouping and facet.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

Term = Mapping[str, str]  # one SPARQL JSON term: {"type": ..., "value": ..., "datatype"/"xml:lang": ...}
Row = Mapping[str, Term]
XSD = "http://www.w3.org/2001/XMLSchema#"

_PREFIXES = """PREFIX rdf:    <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs:   <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos:   <http://www.w3.org/2004/02/skos/core#>
PREFIX dct:    <http://purl.org/dc/terms/>
PREFIX org:    <http://www.w3.org/ns/org#>
PREFIX schema: <http://schema.org/>
PREFIX smh:    <https://w3id.org/smart-hame/ontology/>
PREFIX scheme: <https://w3id.org/smart-hame/scheme/>
PREFIX kind:   <https://w3id.org/smart-hame/concept/classification-kinds/>
"""
# The groupings of funding-by-group-and-year, projects-by-group-and-year and group-coverage: their
# WHERE clause's five branches, before the labels and amounts they join (word for word but one MINUS).
_GROUPS = """SELECT ?grouping ?project ?group ?order ?strategy WHERE {
  {
    VALUES ?grouping { "theme" }
    ?project smh:contributesTo ?group .
    ?group skos:inScheme scheme:spearheads ;
           skos:notation ?order .
  } UNION {
    VALUES ?grouping { "in-force" }
    ?in_force smh:classificationKind kind:in-force ;
              smh:classifiedProject ?project ;
              smh:spearhead ?group .
    ?project smh:contributesTo ?group .
    ?group skos:inScheme ?scheme ;
           skos:notation ?notation .
    ?strategy smh:spearheadScheme ?scheme .
    BIND(CONCAT(STR(?strategy), " ", ?notation) AS ?order)
  } UNION {
    VALUES ?grouping { "in-force" }
    ?project smh:contributesTo ?group .
    ?group skos:inScheme ?scheme ;
           skos:notation ?notation .
    ?strategy smh:spearheadScheme ?scheme .
    # MINUS rather than the saved queries' FILTER NOT EXISTS (the same solutions: ?project is bound):
    # 0.17 s instead of 45 s at 10,000 synthetic projects, where every project has an in-force one.
    MINUS {
      ?any_in_force smh:classifiedProject ?project ;
                    smh:classificationKind kind:in-force .
    }
    MINUS {
      ?strategy smh:precededBy+ ?earlier .
      ?earlier smh:spearheadScheme ?earlier_scheme .
      ?earlier_concept skos:inScheme ?earlier_scheme .
      ?project smh:contributesTo ?earlier_concept .
    }
    BIND(CONCAT(STR(?strategy), " ", ?notation) AS ?order)
  } UNION {
    VALUES ?grouping { "choice" }
    { SELECT DISTINCT ?project ?group WHERE {
        ?project smh:contributesTo/skos:broader? ?group . ?group a smh:StrategicChoice } }
    ?group skos:notation ?order .
  } UNION {
    VALUES ?grouping { "fund" }
    ?project a smh:Project .
    {
      ?project smh:fund ?group .
      ?group skos:inScheme scheme:funds .
    } UNION {
      ?project smh:fund ?code .
      ?group skos:exactMatch ?code ;
             skos:inScheme scheme:funds .
    } UNION {
      ?project smh:fund ?group .
      FILTER NOT EXISTS { ?group skos:inScheme scheme:funds }
      FILTER NOT EXISTS { ?matching skos:exactMatch ?group ; skos:inScheme scheme:funds }
    }
    BIND(STR(?group) AS ?order)
  }
}"""
# The organisations of organisation-network with their names and type labels, its subquery word for word.
_ORGANISATIONS = """SELECT ?organisation (SAMPLE(?any_name) AS ?some_name) (SAMPLE(?fi_name) AS ?name_fi)
       (SAMPLE(?type_fi) AS ?type_label_fi) (SAMPLE(?type_sv) AS ?type_label_sv)
       (SAMPLE(?type_en) AS ?type_label_en)
WHERE {
  ?organisation a org:Organization ; skos:prefLabel ?any_name .
  OPTIONAL { ?organisation skos:prefLabel ?fi_name FILTER(LANG(?fi_name) = "fi") }
  OPTIONAL {
    ?organisation org:classification ?type .
    OPTIONAL { ?type skos:prefLabel ?type_fi FILTER(LANG(?type_fi) = "fi") }
    OPTIONAL { ?type skos:prefLabel ?type_sv FILTER(LANG(?type_sv) = "sv") }
    OPTIONAL { ?type skos:prefLabel ?type_en FILTER(LANG(?type_en) = "en") }
  }
}
GROUP BY ?organisation"""
# strategy-flow without its projects: the spearheads of both strategies and the mappings between them.
_FLOW = """SELECT ?kind ?source ?source_scheme ?notation ?relation ?target WHERE {
  {
    VALUES ?source_scheme {
      scheme:smart-tavastia-spearheads scheme:spearheads
    }
    ?source skos:inScheme ?source_scheme ;
            skos:notation ?notation .
    BIND("spearhead" AS ?kind)
  } UNION {
    VALUES ?match { skos:exactMatch skos:closeMatch skos:narrowMatch skos:broadMatch skos:relatedMatch }
    ?source skos:inScheme scheme:smart-tavastia-spearheads ;
            skos:notation ?notation ;
            ?match ?target .
    ?target skos:inScheme scheme:spearheads .
    BIND(scheme:smart-tavastia-spearheads AS ?source_scheme)
    BIND(STRAFTER(STR(?match), "#") AS ?relation)
    BIND("mapping" AS ?kind)
  }
}"""
# Relation name -> its query; each row is one fact (duplicates kept: the saved queries count them).
QUERIES: dict[str, str] = {
    "groups": _GROUPS,
    "organisations": _ORGANISATIONS,
    "flow": _FLOW,
    "labels": "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label }",
    "types": """SELECT ?s ?type WHERE {
  VALUES ?type { smh:Project smh:Spearhead smh:StrategicChoice }
  ?s a ?type }""",
    "amounts": """SELECT ?project ?amount ?type ?value WHERE {
  ?project smh:amount ?amount . ?amount smh:amountType ?type OPTIONAL { ?amount schema:value ?value } }""",
    "years": "SELECT ?amount (STR(?year) AS ?y) WHERE { ?p smh:amount ?amount . ?amount smh:year ?year }",
    "starts": "SELECT ?project ?start (STR(YEAR(?start)) AS ?year) { ?project smh:plannedStart ?start }",
    "contributes": "SELECT ?project ?concept WHERE { ?project smh:contributesTo ?concept }",
    "reaches": "SELECT DISTINCT ?project ?concept { ?project smh:contributesTo/skos:broader? ?concept }",
    "fund_filter": "SELECT DISTINCT ?project ?fund { ?project smh:fund|smh:fund/^skos:exactMatch ?fund }",
    "areas": "SELECT ?project ?area WHERE { ?project dct:spatial ?area }",
    "participants": """SELECT DISTINCT ?project ?organisation WHERE {
  ?role rdfs:subPropertyOf smh:participant . ?project ?role ?organisation }""",
    "organisation_types": "SELECT ?organisation ?type WHERE { ?organisation org:classification ?type }",
    "periods": "SELECT ?project ?period WHERE { ?project smh:programmePeriod ?period }",
    "statuses": "SELECT ?project (STR(?written) AS ?status) { ?project smh:status/smh:statusValue ?written }",
    # project-explorer's statuses column, its subquery word for word (the order within is the engine's).
    "status_lists": """SELECT ?project (GROUP_CONCAT(DISTINCT STR(?written); separator=" | ") AS ?statuses)
WHERE { ?project smh:status/smh:statusValue ?written } GROUP BY ?project""",
    "codes": "SELECT ?project ?code WHERE { ?project smh:registerCode ?code }",
    "ends": "SELECT ?project ?end WHERE { ?project smh:plannedEnd ?end }",
    "words": "SELECT ?project ?words WHERE { ?project skos:prefLabel|dct:title|dct:description ?words }",
    "themes": "SELECT ?concept WHERE { ?concept skos:inScheme scheme:spearheads }",
    # project-facet-values' spearheads: each with its strategy's Finnish name and its order.
    "spearheads": """SELECT ?value ?group ?order WHERE {
  ?value a smh:Spearhead ; skos:inScheme ?scheme ; skos:notation ?notation .
  ?strategy smh:spearheadScheme ?scheme ; skos:prefLabel ?group .
  FILTER(LANG(?group) = "fi")
  BIND(CONCAT(STR(?strategy), " ", ?notation) AS ?order) }""",
}
QUERY_TEXTS = {name: _PREFIXES + text for name, text in QUERIES.items()}
SMH = "https://w3id.org/smart-hame/ontology/"


@dataclass(frozen=True)
class Amount:
    """One ``?project smh:amount ?amount . ?amount smh:amountType ?type ; schema:value ?value`` match."""

    project: str
    amount: str
    type: str
    value: Decimal | None  # None: no schema:value, or one that is not a number
    integer: bool  # the value is an xsd:integer (a sum of integers only stays one)
    present: bool  # there is a schema:value (a sum over one that is not a number is unbound)


@dataclass
class DashboardIndex:
    """What the dashboard's answers are computed from (see the module docstring); read-only once built."""

    # grouping -> (project, group term, order term or None, strategy term or None), as many as matched
    groups: dict[str, list[tuple[str, Term, Term | None, Term | None]]]
    labels: dict[str, dict[str | None, list[Term]]]  # IRI -> language -> its skos:prefLabel literals
    types: dict[str, set[str]]  # class IRI -> its members (smh:Project, smh:Spearhead, smh:StrategicChoice)
    amounts: list[Amount]
    years: dict[str, list[str]]  # amount IRI -> STR(smh:year), one per match
    starts: dict[str, list[tuple[Term, str]]]  # project -> (plannedStart, STR(YEAR(...)))
    contributes: dict[str, list[Term]]  # project -> smh:contributesTo objects, one per triple
    reaches: dict[str, set[str]]  # project -> contributesTo/broader? objects
    fund_filter: dict[str, set[str]]  # project -> what the fund parameter matches
    areas: dict[str, list[Term]]
    participants: dict[str, set[str]]  # project -> its organisations (applicant, partner, ...)
    organisation_types: dict[str, set[str]]
    organisations: dict[str, Row]  # IRI -> the organisation-network subquery's row
    periods: dict[str, list[Term]]
    statuses: dict[str, list[str]]
    status_lists: dict[str, str]
    codes: dict[str, list[Term]]
    ends: dict[str, list[Term]]
    words: dict[str, list[str]]  # project -> its names and summaries, lower-cased for the text search
    flow: list[Row]
    themes: set[str]  # the Smart Häme spearheads by theme (skos:inScheme scheme/spearheads)
    spearheads: dict[str, list[tuple[Term, Term]]]  # spearhead -> (its strategy's Finnish name, order)
    terms: dict[str, Term] = field(default_factory=dict)  # IRI -> its term, for answers that name it
    # project -> the (facet, value) pairs project-facet-counts finds for it, each once (from the above)
    facet_pairs: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    # project -> the Smart Häme spearheads by theme it contributes to (organisation-network's ?theme)
    project_themes: dict[str, frozenset[str]] = field(default_factory=dict)
    # project -> the explorer's codes, planned starts, ends and programme periods (each [None] if none)
    columns: dict[str, tuple[list[str | None], ...]] = field(default_factory=dict)

    @property
    def projects(self) -> set[str]:
        return self.types.get(SMH + "Project", set())

    def term(self, iri: str) -> Term:
        return self.terms.get(iri) or {"type": "uri", "value": iri}

    def amounts_of(self, amount_type: str) -> dict[str, list[Amount]]:
        """Project -> its amounts of ``amount_type`` (with or without a value)."""
        out: dict[str, list[Amount]] = defaultdict(list)
        for a in self.amounts:
            if a.type == amount_type:
                out[a.project].append(a)
        return out


def _value(cell: Term | None) -> str | None:
    return cell["value"] if cell is not None else None


def _number(cell: Term | None) -> tuple[Decimal | None, bool]:
    """A ``schema:value`` as a number, the way SUM reads it: xsd:decimal and xsd:integer (others unbound)."""
    if cell is None or cell.get("datatype") not in (XSD + "decimal", XSD + "integer"):
        return None, False
    try:
        return Decimal(cell["value"]), cell["datatype"] == XSD + "integer"
    except InvalidOperation:
        return None, False


def _by_language(labels: Mapping[str, list[Term]]) -> dict[str, dict[str | None, list[Term]]]:
    out: dict[str, dict[str | None, list[Term]]] = {}
    for iri, found in labels.items():
        languages = out[iri] = {}
        for label in found:
            languages.setdefault(label.get("xml:lang"), []).append(label)
    return out


def build(relations: Mapping[str, Sequence[Row]]) -> DashboardIndex:
    """The index from each of :data:`QUERIES`' SPARQL JSON bindings."""
    terms: dict[str, Term] = {}
    # One object per distinct term and string: each JSON row has its own copies, and an IRI recurs in
    # many rows (a spearhead in thousands). Sharing them took the index at 10,000 synthetic projects
    # from 119 MB to 61 MB (tracemalloc, from before the rows were parsed until they were dropped).
    shared_terms: dict[tuple[str | None, ...], Term] = {}

    def share(term: Term) -> Term:
        key = (term["type"], term["value"], term.get("xml:lang"), term.get("datatype"))
        found = shared_terms.get(key)
        if found is None:
            found = shared_terms[key] = {k: sys.intern(v) for k, v in term.items()}
        return found

    def value(term: Term) -> str:
        return share(term)["value"]

    def listed(name: str, key: str, column: str) -> dict[str, list[Term]]:
        out: dict[str, list[Term]] = defaultdict(list)
        for r in relations[name]:
            out[value(r[key])].append(share(r[column]))
        return dict(out)

    def grouped(name: str, key: str, column: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for r in relations[name]:
            out[value(r[key])].add(value(r[column]))
        return dict(out)

    def maybe(term: Term | None) -> Term | None:
        return None if term is None else share(term)

    groups: dict[str, list[tuple[str, Term, Term | None, Term | None]]] = defaultdict(list)
    for r in relations["groups"]:
        group = share(r["group"])
        groups[value(r["grouping"])].append(
            (value(r["project"]), group, maybe(r.get("order")), maybe(r.get("strategy")))
        )
        terms[group["value"]] = group
    amounts = []
    for r in relations["amounts"]:
        number, integer = _number(r.get("value"))
        amounts.append(
            Amount(value(r["project"]), value(r["amount"]), value(r["type"]), number, integer, "value" in r)
        )
    years: dict[str, list[str]] = defaultdict(list)
    for r in relations["years"]:
        years[value(r["amount"])].append(value(r["y"]))
    starts: dict[str, list[tuple[Term, str]]] = defaultdict(list)
    for r in relations["starts"]:
        starts[value(r["project"])].append((share(r["start"]), value(r["year"])))
    for name, column in (("areas", "area"), ("contributes", "concept")):
        for r in relations[name]:
            terms.setdefault(r[column]["value"], share(r[column]))
    words: dict[str, list[str]] = defaultdict(list)
    for r in relations["words"]:
        words[value(r["project"])].append(r["words"]["value"].lower())
    index = DashboardIndex(
        groups=dict(groups),
        labels=_by_language(listed("labels", "s", "label")),
        types=grouped("types", "type", "s"),
        amounts=amounts,
        years=dict(years),
        starts=dict(starts),
        contributes=listed("contributes", "project", "concept"),
        reaches=grouped("reaches", "project", "concept"),
        fund_filter=grouped("fund_filter", "project", "fund"),
        areas=listed("areas", "project", "area"),
        participants=grouped("participants", "project", "organisation"),
        organisation_types=grouped("organisation_types", "organisation", "type"),
        organisations={r["organisation"]["value"]: r for r in relations["organisations"]},
        periods=listed("periods", "project", "period"),
        statuses={k: [t["value"] for t in v] for k, v in listed("statuses", "project", "status").items()},
        status_lists={r["project"]["value"]: r["statuses"]["value"] for r in relations["status_lists"]},
        codes=listed("codes", "project", "code"),
        ends=listed("ends", "project", "end"),
        words=dict(words),
        flow=list(relations["flow"]),
        themes={r["concept"]["value"] for r in relations["themes"]},
        spearheads={
            k: [(r["group"], r["order"]) for r in relations["spearheads"] if r["value"]["value"] == k]
            for k in {r["value"]["value"] for r in relations["spearheads"]}
        },
        terms=terms,
    )
    index.facet_pairs = project_facets(index)
    index.project_themes = {
        p: frozenset(c["value"] for c in concepts if c["value"] in index.themes)
        for p, concepts in index.contributes.items()
    }
    none: list[str | None] = [None]
    index.columns = {
        p: (
            [t["value"] for t in index.codes.get(p, ())] or none,
            [t["value"] for t, _ in index.starts.get(p, ())] or none,
            [t["value"] for t in index.ends.get(p, ())] or none,
            [t["value"] for t in index.periods.get(p, ())] or none,
        )
        for p in index.projects
    }
    return index


def project_facets(index: DashboardIndex) -> dict[str, frozenset[tuple[str, str]]]:
    """Project -> the (facet, value) pairs ``project-facet-counts`` finds for it (each once)."""
    spearheads = index.types.get(SMH + "Spearhead", set())
    choices = index.types.get(SMH + "StrategicChoice", set())
    funds: dict[str, list[Term]] = defaultdict(list)
    for project, group, _, _ in index.groups.get("fund", ()):
        funds[project].append(group)
    out = {}
    shared: dict[tuple[str, str], tuple[str, str]] = {}
    for p in index.projects:
        found: set[tuple[str, str]] = set()
        found |= {("spearhead", c["value"]) for c in index.contributes.get(p, ()) if c["value"] in spearheads}
        found |= {("choice", c) for c in index.reaches.get(p, ()) if c in choices}
        found |= {("fund", f["value"]) for f in funds.get(p, ())}
        found |= {("period", t["value"][:9]) for t in index.periods.get(p, ())}
        found |= {("area", a["value"]) for a in index.areas.get(p, ())}
        participants = index.participants.get(p, set())
        found |= {("organisation", o) for o in participants}
        found |= {("organisation_type", t) for o in participants for t in index.organisation_types.get(o, ())}
        found |= {("status", s) for s in index.statuses.get(p, ())}
        out[p] = frozenset(shared.setdefault(pair, pair) for pair in found)  # one tuple per pair
    return out


async def read_index(
    run: Callable[[str], Awaitable[Sequence[Row]]], names: Iterable[str] = QUERIES
) -> DashboardIndex:
    """Run each index query with ``run`` (text -> SPARQL JSON bindings) and build the index."""
    return build({name: await run(QUERY_TEXTS[name]) for name in names})
