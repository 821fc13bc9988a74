"""What a person reads first on a project's, an organisation's or a spearhead's page, asked of the version
in SPARQL (framework-free; no fact is written here).

- A project: its amounts (value in the page's language, meaning, year and what the year is, source), its
  statuses (value, date where one is recorded, source), its classifications (each labelled as a
  classification, with its kind, strategy, concepts, basis and who made it when), its participants with
  their roles.
- An organisation: its projects with its roles in them, their periods, spearheads and amounts.
- A spearhead: its projects per planned start year and the sums per amount meaning and year, and the same
  for each spearhead of the other strategy that a published SKOS mapping joins it to.

Amounts are summed only within one meaning and one currency: a sum across meanings would be no total.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from server.graph.vocabulary import ontology_ns
from server.publish.labels import Labeller, Value
from server.publish.money import format_money, parse_amount

PREFIXES = """PREFIX dct: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <http://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX smh: <https://w3id.org/smart-hame/ontology/>
"""
# The roles an organisation plays in a project, in the order a page lists them (ontology: smh:participant
# and its sub-properties, and the bodies that decided on the project).
ROLES = ("applicant", "partner", "subsidyRecipient", "participant", "responsibleAuthority", "selectedBy",
         "fundingAuthority")  # fmt: skip
ROLE_VALUES = " ".join(f"smh:{r}" for r in ROLES)
PROJECT_LIMIT = 300  # projects listed on one organisation's page; the count above the table is exact
PER_YEAR_LIMIT = 60  # projects linked per year on a spearhead's page; each year's count is exact

AMOUNTS = """SELECT ?project ?amount ?value ?currency ?type ?year ?basis ?source ?written WHERE {
  ?project smh:amount ?amount .
  OPTIONAL { ?amount smh:amountType ?type }
  OPTIONAL { ?amount schema:value ?value }
  OPTIONAL { ?amount schema:currency ?currency }
  OPTIONAL { ?amount smh:year ?year }
  OPTIONAL { ?amount smh:yearBasis ?basis }
  OPTIONAL { ?amount dct:source ?source }
  OPTIONAL { ?amount smh:valueAsWritten ?written }
} ORDER BY ?year ?amount"""
STATUSES = """SELECT ?project ?status ?value ?date ?source WHERE {
  ?project smh:status ?status .
  OPTIONAL { ?status smh:statusValue ?value }
  OPTIONAL { ?status smh:observedOn ?date }
  OPTIONAL { ?status dct:source ?source }
} ORDER BY ?date ?status"""
# A classification's own statements, gathered per predicate below (one pattern, no cross product of
# OPTIONALs over its several bases and concepts).
CLASSIFICATIONS = """SELECT ?project ?c ?p ?o WHERE {
  ?c smh:classifiedProject ?project ; ?p ?o .
} ORDER BY ?c"""
PARTICIPANTS = f"""SELECT ?project ?role ?org WHERE {{
  VALUES ?role {{ {ROLE_VALUES} }}
  ?project ?role ?org .
}}"""
ORGANISATION_PROJECTS = f"""SELECT ?org ?project ?role ?start ?end ?period WHERE {{
  VALUES ?role {{ {ROLE_VALUES} }}
  ?project ?role ?org ; a smh:Project .
  OPTIONAL {{ ?project smh:plannedStart ?start }}
  OPTIONAL {{ ?project smh:plannedEnd ?end }}
  OPTIONAL {{ ?project smh:programmePeriod ?period }}
}}"""
ORGANISATION_SPEARHEADS = f"""SELECT DISTINCT ?org ?project ?spearhead WHERE {{
  VALUES ?role {{ {ROLE_VALUES} }}
  ?project ?role ?org ; smh:contributesTo ?spearhead .
  ?spearhead a smh:Spearhead .
}}"""
ORGANISATION_AMOUNTS = f"""SELECT DISTINCT ?org ?project ?amount ?value ?currency ?type ?year WHERE {{
  VALUES ?role {{ {ROLE_VALUES} }}
  ?project ?role ?org ; smh:amount ?amount .
  ?amount schema:value ?value .
  OPTIONAL {{ ?amount smh:amountType ?type }}
  OPTIONAL {{ ?amount schema:currency ?currency }}
  OPTIONAL {{ ?amount smh:year ?year }}
}}"""
# The spearheads of another scheme that a SKOS mapping joins to this one, in either direction.
MAPPED = """SELECT DISTINCT ?spearhead ?other ?relation ?from_other WHERE {
  VALUES ?relation { skos:exactMatch skos:closeMatch skos:broadMatch skos:narrowMatch skos:relatedMatch }
  { ?spearhead ?relation ?other BIND(false AS ?from_other) }
  UNION { ?other ?relation ?spearhead BIND(true AS ?from_other) }
  ?other a smh:Spearhead ; skos:inScheme ?other_scheme .
  ?spearhead skos:inScheme ?scheme .
  FILTER(?scheme != ?other_scheme)
} ORDER BY ?other"""
SPEARHEAD_PROJECTS = """SELECT DISTINCT ?spearhead ?project ?start WHERE {
  ?project smh:contributesTo ?spearhead ; a smh:Project .
  OPTIONAL { ?project smh:plannedStart ?start }
}"""
SPEARHEAD_SUMS = """SELECT ?spearhead ?type ?currency ?year (SUM(?value) AS ?sum)
       (COUNT(DISTINCT ?project) AS ?projects) WHERE {
  { SELECT DISTINCT ?spearhead ?project WHERE { ?project smh:contributesTo ?spearhead ; a smh:Project } }
  ?project smh:amount ?amount .
  ?amount smh:amountType ?type ; schema:value ?value .
  OPTIONAL { ?amount schema:currency ?currency }
  OPTIONAL { ?amount smh:year ?year }
} GROUP BY ?spearhead ?type ?currency ?year ORDER BY ?type ?year"""
STRATEGY = """SELECT ?spearhead ?strategy WHERE {
  ?spearhead skos:inScheme ?scheme . ?strategy smh:spearheadScheme ?scheme .
}"""


@dataclass
class Amount:
    text: str  # the value as the page's language writes it, else as the source wrote it
    meaning: Value | None
    year: str | None
    year_basis: Value | None
    sources: list[Value] = field(default_factory=list)


@dataclass
class Status:
    text: str
    date: str | None
    sources: list[Value] = field(default_factory=list)


@dataclass
class Classification:
    """One classification of a project: an interpretation with its provenance, not a fact of the source."""

    value: Value
    kind: Value | None
    strategy: Value | None
    concepts: list[Value]
    basis: list[str]
    attributed_to: list[Value]
    generated: str | None
    derived_from: list[Value]
    rejects: list[Value]
    not_classifiable: list[str]


@dataclass
class Participant:
    organisation: Value
    roles: list[Value]


@dataclass
class OrganisationProject:
    project: Value
    roles: list[Value]
    period: str
    spearheads: list[Value]
    amounts: list[Amount]


@dataclass
class YearRow:
    year: str | None
    count: int
    projects: list[Value]  # at most PER_YEAR_LIMIT


@dataclass
class Sum:
    meaning: Value | None
    year: str | None
    text: str
    projects: int


@dataclass
class SpearheadPart:
    """One spearhead's projects and sums (the page's own, or one joined to it by a mapping)."""

    spearhead: Value
    strategy: Value | None
    relation: Value | None  # the SKOS mapping that joins it to the page's spearhead; None for the page's own
    from_other: bool  # the mapping is stated from this spearhead to the page's (else the other way)
    projects: int
    years: list[YearRow]
    sums: list[Sum]


@dataclass
class Summary:
    kind: str  # "project", "organisation" or "spearhead": which of the fields below are filled
    amounts: list[Amount] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)
    classifications: list[Classification] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    projects: list[OrganisationProject] = field(default_factory=list)
    projects_total: int = 0
    parts: list[SpearheadPart] = field(default_factory=list)


def summary(store: ox.Store, iri: str, types: Iterable[str], lang: str, base: str) -> Summary | None:
    """The summary for a resource of ``types`` (class IRIs), or None for other kinds of resource."""
    smh = ontology_ns(base)
    kinds = set(types)
    labeller = Labeller(store, lang, base)
    node = ox.NamedNode(iri)
    if smh + "Project" in kinds:
        return project_summary(store, node, labeller)
    if "http://www.w3.org/ns/org#Organization" in kinds:
        return organisation_summary(store, node, labeller)
    if smh + "Spearhead" in kinds:
        return spearhead_summary(store, node, labeller)
    return None


def project_summary(store: ox.Store, project: ox.NamedNode, labeller: Labeller) -> Summary:
    return Summary(
        kind="project",
        amounts=_amounts(_select(store, AMOUNTS, project=project), labeller),
        statuses=_statuses(store, project, labeller),
        classifications=_classifications(store, project, labeller),
        participants=_participants(store, project, labeller),
    )


def organisation_summary(store: ox.Store, org: ox.NamedNode, labeller: Labeller) -> Summary:
    by_project: dict[ox.NamedNode, dict[str, ox.NamedNode | ox.Literal]] = {}
    roles: dict[ox.NamedNode, list[ox.NamedNode]] = {}
    for row in _select(store, ORGANISATION_PROJECTS, org=org):
        project = row["project"]
        by_project.setdefault(project, {}).update({k: row[k] for k in ("start", "end", "period") if row[k]})
        if row["role"] not in roles.setdefault(project, []):
            roles[project].append(row["role"])
    spearheads: dict[ox.NamedNode, list[Value]] = {}
    for row in _select(store, ORGANISATION_SPEARHEADS, org=org):
        spearheads.setdefault(row["project"], []).append(labeller.value(row["spearhead"]))
    amounts: dict[ox.NamedNode, list[ox.QuerySolution]] = {}
    for row in _select(store, ORGANISATION_AMOUNTS, org=org):
        amounts.setdefault(row["project"], []).append(row)
    ordered = sorted(by_project, key=lambda p: (_text(by_project[p].get("start")), labeller.label(p)))
    projects = [
        OrganisationProject(
            project=labeller.value(p),
            roles=[labeller.value(r) for r in sorted(roles[p], key=_role_order)],
            period=_period(by_project[p]),
            spearheads=sorted(spearheads.get(p, []), key=lambda v: v.text.lower()),
            amounts=_amounts(amounts.get(p, []), labeller),
        )
        for p in ordered[:PROJECT_LIMIT]
    ]
    return Summary(kind="organisation", projects=projects, projects_total=len(by_project))


def spearhead_summary(store: ox.Store, spearhead: ox.NamedNode, labeller: Labeller) -> Summary:
    parts = [_spearhead_part(store, spearhead, None, False, labeller)]
    for row in _select(store, MAPPED, spearhead=spearhead):
        relation, from_other = labeller.value(row["relation"]), row["from_other"].value == "true"
        parts.append(_spearhead_part(store, row["other"], relation, from_other, labeller))
    return Summary(kind="spearhead", parts=parts)


def _spearhead_part(
    store: ox.Store, spearhead: ox.NamedNode, relation: Value | None, from_other: bool, labeller: Labeller
) -> SpearheadPart:
    years: dict[str | None, list[ox.NamedNode]] = {}
    for row in _select(store, SPEARHEAD_PROJECTS, spearhead=spearhead):
        start = row["start"]
        years.setdefault(start.value[:4] if start else None, []).append(row["project"])
    rows = [
        YearRow(
            year,
            len(projects),
            sorted((labeller.value(p) for p in projects), key=lambda v: v.text.lower())[:PER_YEAR_LIMIT],
        )
        for year, projects in sorted(years.items(), key=lambda yp: yp[0] or "9999")
    ]
    sums = []
    for row in _select(store, SPEARHEAD_SUMS, spearhead=spearhead):
        total = parse_amount(row["sum"].value)
        currency = row["currency"].value if row["currency"] else None
        sums.append(
            Sum(
                meaning=labeller.value(row["type"]),
                year=row["year"].value if row["year"] else None,
                text=format_money(total, currency, labeller.lang) if total is not None else row["sum"].value,
                projects=int(row["projects"].value),
            )
        )
    strategy = next(iter(_select(store, STRATEGY, spearhead=spearhead)), None)
    return SpearheadPart(
        spearhead=labeller.value(spearhead),
        strategy=labeller.value(strategy["strategy"]) if strategy else None,
        relation=relation,
        from_other=from_other,
        projects=sum(len(p) for p in years.values()),
        years=rows,
        sums=sums,
    )


def _amounts(rows: Iterable[ox.QuerySolution], labeller: Labeller) -> list[Amount]:
    """One Amount per amount node (a node with two sources comes in two rows)."""
    shown: dict[ox.NamedNode | ox.BlankNode, Amount] = {}
    for row in rows:
        amount = shown.get(row["amount"])
        if amount is None:
            amount = shown[row["amount"]] = Amount(
                text=_money_text(row, labeller.lang),
                meaning=labeller.value(row["type"]) if row["type"] else None,
                year=row["year"].value if row["year"] else None,
                year_basis=labeller.value(row["basis"]) if _has(row, "basis") else None,
            )
        if _has(row, "source"):
            source = labeller.value(row["source"])
            if source not in amount.sources:
                amount.sources.append(source)
    return list(shown.values())


def _money_text(row: ox.QuerySolution, lang: str) -> str:
    value = parse_amount(row["value"].value) if row["value"] else None
    if value is None:  # no number in the graph: the source's own words
        written = row["written"] if _has(row, "written") else None
        return written.value if written else "–"
    return format_money(value, row["currency"].value if row["currency"] else None, lang)


def _statuses(store: ox.Store, project: ox.NamedNode, labeller: Labeller) -> list[Status]:
    shown: dict[ox.NamedNode | ox.BlankNode, Status] = {}
    for row in _select(store, STATUSES, project=project):
        status = shown.setdefault(
            row["status"],
            Status(row["value"].value if row["value"] else "–", row["date"].value if row["date"] else None),
        )
        if row["source"] and (source := labeller.value(row["source"])) not in status.sources:
            status.sources.append(source)
    return list(shown.values())


def _classifications(store: ox.Store, project: ox.NamedNode, labeller: Labeller) -> list[Classification]:
    smh = ontology_ns(labeller.base)
    by_node: dict[ox.NamedNode | ox.BlankNode, dict[str, list[ox.NamedNode | ox.Literal]]] = {}
    for row in _select(store, CLASSIFICATIONS, project=project):
        by_node.setdefault(row["c"], {}).setdefault(row["p"].value, []).append(row["o"])

    def values(props: dict[str, list[ox.NamedNode | ox.Literal]], *names: str) -> list[Value]:
        return [labeller.value(o) for n in names for o in props.get(n, []) if isinstance(o, ox.NamedNode)]

    def texts(props: dict[str, list[ox.NamedNode | ox.Literal]], name: str) -> list[str]:
        return sorted(o.value for o in props.get(name, []) if isinstance(o, ox.Literal))

    out = []
    for node, props in by_node.items():
        kind = values(props, smh + "classificationKind")
        strategy = values(props, smh + "strategy")
        generated = texts(props, "http://www.w3.org/ns/prov#generatedAtTime")
        out.append(
            Classification(
                value=labeller.value(node),
                kind=kind[0] if kind else None,
                strategy=strategy[0] if strategy else None,
                concepts=values(props, smh + "spearhead", smh + "strategicChoice", smh + "programmeLine"),
                basis=texts(props, smh + "basis"),
                attributed_to=values(props, "http://www.w3.org/ns/prov#wasAttributedTo"),
                generated=generated[0] if generated else None,
                derived_from=values(props, "http://www.w3.org/ns/prov#wasDerivedFrom"),
                rejects=values(props, smh + "rejects"),
                not_classifiable=texts(props, smh + "notClassifiableBecause"),
            )
        )
    return out


def _participants(store: ox.Store, project: ox.NamedNode, labeller: Labeller) -> list[Participant]:
    roles: dict[ox.NamedNode, list[ox.NamedNode]] = {}
    for row in _select(store, PARTICIPANTS, project=project):
        roles.setdefault(row["org"], []).append(row["role"])
    ordered = sorted(roles.items(), key=lambda kv: (min(map(_role_order, kv[1])), labeller.label(kv[0])))
    return [
        Participant(labeller.value(org), [labeller.value(r) for r in sorted(rs, key=_role_order)])
        for org, rs in ordered
    ]


def _role_order(role: ox.NamedNode) -> int:
    name = role.value.rsplit("/", 1)[-1]
    return ROLES.index(name) if name in ROLES else len(ROLES)


def _period(facts: dict[str, ox.NamedNode | ox.Literal]) -> str:
    start, end = _text(facts.get("start")), _text(facts.get("end"))
    if start or end:
        return f"{start}–{end}"
    return _text(facts.get("period"))


def _text(term: ox.NamedNode | ox.Literal | None) -> str:
    return term.value if term is not None else ""


def _has(row: ox.QuerySolution, name: str) -> bool:
    return row[name] is not None


def _select(store: ox.Store, query: str, **bound: ox.NamedNode) -> list[ox.QuerySolution]:
    """The solutions of ``query`` over the version's default graph (the merge of its graphs, each
    triple once: ``server.graph.versions``), with ``bound`` as RDF terms. No union flag: it would add
    the named graphs to that merge and count every triple twice."""
    result = store.query(
        PREFIXES + query,
        substitutions={ox.Variable(k): v for k, v in bound.items()},
    )
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"expected the solutions of a SELECT, got {type(result).__name__}")
    return list(result)
