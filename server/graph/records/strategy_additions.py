"""graph/strategy, from the strategy additions: funding rounds and statistics with their amounts,
the context of each spearhead, dated events, and every other sourced fact as a description.

The structure is ``curation_additions``'; the words and sources are the file's. A fact that carries no
source (the section ``not_found``, the 2026–2029 ``status``) is not published.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rdflib import RDF, RDFS, Graph, URIRef

from server.graph.records import curation_additions as add
from server.graph.records.actors import Organisations
from server.graph.records.batch import RecordError
from server.graph.records.money import decimal_text
from server.graph.records.terms import (
    DCT,
    EUPROG,
    NUTS,
    PROV,
    SCHEMA,
    SKOS,
    SMH,
    date,
    decimal,
    en,
    fi,
    integer,
    lang,
    res,
    slug,
    url,
    year,
)

Fact = dict[str, Any]


def facts_of(additions: dict[str, Any]) -> dict[tuple[str, int], Fact]:
    """Every sourced fact of the additions, by (section, position)."""
    out: dict[tuple[str, int], Fact] = {}
    for section, content in additions.items():
        if section in ("_about", "people_additions", "not_found"):
            continue
        if isinstance(content, list):
            for n, item in enumerate(content):
                text = item.get("fact") or item.get("event")
                sources = item.get("sources") or ([item["source"]] if item.get("source") else [])
                if text and sources:
                    out[(section, n)] = {**item, "text": text, "sources": sources}
        elif isinstance(content, dict):
            for n, key in enumerate(add.PROGRAMME_2026_KEYS):
                item = content.get(key)
                if isinstance(item, dict) and item.get("sources"):
                    out[(section, n)] = {**item, "text": item["fact"], "sources": item["sources"]}
    return out


class AdditionsWriter:
    def __init__(self, orgs: Organisations, project_keys: dict[str, str], where: str) -> None:
        self.orgs = orgs
        self.projects = project_keys  # record name -> IRI key
        self.where = where
        self.g = Graph()
        self.claimed: set[tuple[str, int]] = set()

    def build(self, additions: dict[str, Any]) -> Graph:
        facts = facts_of(additions)
        for spec in add.ROUNDS:
            self.round(spec, facts, SMH.FundingRound, "funding-round")
        for spec in add.STATISTICS:
            self.round(spec, facts, SMH.FundingStatistic, "funding-statistic")
        for spec in add.CONTEXTS:
            self.context(spec, facts)
        for spec in add.EVENTS:
            self.event(spec, facts)
        for target, text, ref in add.SPEARHEAD_ALT_LABELS:
            self.g.add((res(target), SKOS.altLabel, fi(text)))
            for source in facts[ref]["sources"]:
                self.g.add((res(target), DCT.source, url(source)))
        for ref, fact in sorted(facts.items()):
            if ref not in self.claimed:
                self.sourced_fact(ref, fact)
        return self.g

    # --- helpers ---------------------------------------------------------------------------------------

    def fact(self, facts: dict[tuple[str, int], Fact], ref: tuple[str, int]) -> Fact:
        if ref not in facts:
            raise RecordError(
                self.where, f"curation_additions names fact {ref}, which the file does not have"
            )
        self.claimed.add(ref)
        return facts[ref]

    def org(self, name: str) -> URIRef:
        org = self.orgs.lookup(name)
        if org is None:
            raise RecordError(
                self.where, f"curation_additions names organisation {name!r}, which no record has"
            )
        return org.iri

    def project(self, name: str) -> URIRef:
        if name not in self.projects:
            raise RecordError(self.where, f"curation_additions names project {name!r}, which no record has")
        return res(f"project/{self.projects[name]}")

    def subject(self, target: str) -> URIRef:
        kind, _, rest = target.partition(":")
        if kind == "org":
            return self.org(rest)
        if kind == "project":
            return self.project(rest)
        if kind == "nuts":
            return NUTS[rest]
        return res(target)

    def describe(self, s: URIRef, fact: Fact, sources: list[str] | None = None) -> None:
        self.g.add((s, DCT.description, en(fact["text"])))
        for source in sources or fact["sources"]:
            self.g.add((s, DCT.source, url(source)))
        if fact.get("snapshot"):
            self.g.add((s, SKOS.note, fi(f"Sivun versio: {fact['snapshot']}")))
        if fact.get("reliability"):
            self.g.add((s, SKOS.note, en(f"Reliability: {fact['reliability']}")))

    # --- structures ------------------------------------------------------------------------------------

    def round(self, spec: dict[str, Any], facts: dict[tuple[str, int], Fact], cls: URIRef, kind: str) -> None:
        s = res(f"{kind}/{spec['key']}")
        g = self.g
        g.add((s, RDF.type, cls))
        for language, text in spec["label"].items():
            g.add((s, RDFS.label, lang(text, language)))
        for ref in spec["facts"]:
            self.describe(s, self.fact(facts, ref), spec.get("fact_sources"))
        # The figures are those of the first fact named (curation_additions' convention).
        sources: list[str] = spec.get("fact_sources") or facts[spec["facts"][0]]["sources"]
        fund = spec.get("fund")
        if fund:
            g.add(
                (s, SMH.fund, res(f"concept/funds/{fund[6:]}") if fund.startswith("funds:") else EUPROG[fund])
            )
        for body in spec.get("body", []):
            g.add((s, SMH.fundingBody, self.org(body)))
        if spec.get("year"):
            g.add((s, SMH.year, year(spec["year"])))
        if spec.get("period"):
            g.add((s, DCT.temporal, lang(spec["period"], None)))
        if spec.get("opens"):
            g.add((s, SMH.callOpens, date(spec["opens"])))
        for closes in spec.get("closes", []):
            g.add((s, SMH.callCloses, date(closes)))
        if spec.get("projects"):
            g.add((s, SMH.projectCount, integer(spec["projects"])))
        if spec.get("applications"):
            g.add((s, SMH.applicationCount, integer(spec["applications"])))
        for name in spec.get("selected", []):
            g.add((self.project(name), SMH.selectedInRound, s))
        for n, (amount_type, value, written, sector) in enumerate(spec.get("amounts", []), start=1):
            self.amount(s, n, spec, amount_type, value, written, sector, sources)

    def amount(
        self,
        owner: URIRef,
        n: int,
        spec: dict[str, Any],
        amount_type: str,
        value: str,
        written: str,
        sector: str | None,
        sources: list[str],
    ) -> None:
        a, g = URIRef(f"{owner}/amount/{n}"), self.g
        g.add((owner, SMH.aggregateAmount, a))
        g.add((a, RDF.type, SMH.MonetaryAmount))
        g.add((a, SMH.amountType, res(f"concept/amount-types/{amount_type}")))
        g.add((a, SCHEMA.value, decimal(decimal_text(Decimal(value)))))
        g.add((a, SCHEMA.currency, lang("EUR", None)))
        g.add((a, SMH.valueAsWritten, lang(written, None)))
        g.add((a, SMH.amountLabel, lang(sector or spec["label"]["en"], None)))
        if sector:
            g.add((a, SMH.fundingSector, lang(sector, "en" if sector.isascii() else "fi")))
        if written.startswith(("~", "almost", "over", ">", "at most")):
            g.add((a, SKOS.note, en(f"As written: '{written}' (not an exact sum).")))
        if spec.get("year"):
            g.add((a, SMH.year, year(spec["year"])))
            basis = spec.get("year_basis", "page-year")
            g.add((a, SMH.yearBasis, res(f"concept/year-bases/{basis}")))
            if spec.get("year_note"):
                g.add((a, SKOS.editorialNote, en(f"Year: {spec['year_note']}.")))
        for source in sources + spec.get("year_sources", []):
            g.add((a, DCT.source, url(source)))

    def context(self, spec: dict[str, Any], facts: dict[tuple[str, int], Fact]) -> None:
        s, g = res(f"context/{spec['key']}"), self.g
        g.add((s, RDF.type, SMH.SpearheadContext))
        g.add((s, RDFS.label, fi(spec["label"])))
        g.add((s, SMH.contextType, res(f"concept/context-types/{spec['type']}")))
        for target in spec["of"]:
            g.add((s, SMH.contextOf, res(f"concept/{target}")))
        for ref in spec["facts"]:
            self.describe(s, self.fact(facts, ref))
        for name in spec.get("organisations", []):
            g.add((s, DCT.relation, self.org(name)))
        for name in spec.get("projects", []):
            g.add((s, DCT.relation, self.project(name)))

    def event(self, spec: dict[str, Any], facts: dict[tuple[str, int], Fact]) -> None:
        s, g = res(f"event/{spec['key']}"), self.g
        g.add((s, RDF.type, SMH.ProgrammeEvent))
        g.add((s, SMH.eventOf, res(spec["programme"])))
        g.add((s, SMH.eventType, res(f"concept/programme-event-types/{spec['type']}")))
        g.add((s, DCT.date, date(spec["date"])))
        g.add((s, RDFS.label, fi(spec["label"])))
        g.add((s, PROV.wasAssociatedWith, self.org(spec["body"])))
        for ref in spec["facts"]:
            self.describe(s, self.fact(facts, ref))

    def sourced_fact(self, ref: tuple[str, int], fact: Fact) -> None:
        section, n = ref
        s, g = res(f"fact/{slug(section)}-{n + 1}"), self.g
        g.add((s, RDF.type, SMH.SourcedFact))
        self.describe(s, fact)
        subjects = add.FACT_SUBJECT_OVERRIDES.get(ref) or add.FACT_SUBJECTS.get(section)
        if not subjects:
            raise RecordError(
                self.where, f"no subject for the fact {ref}; add one to curation_additions.FACT_SUBJECTS"
            )
        for target in subjects:
            g.add((s, DCT.subject, self.subject(target)))
        when = fact.get("date")
        if when:
            g.add((s, DCT.temporal, lang(when, None)))


def additions_graph(
    additions: list[dict[str, Any]], orgs: Organisations, project_keys: dict[str, str], where: str
) -> Graph:
    g = Graph()
    for section in additions:
        g += AdditionsWriter(orgs, project_keys, where).build(section)
    return g
