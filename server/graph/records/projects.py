"""graph/projects: every project record with every field it has, its amounts (meaning, currency and
year), its status observations and, where sources disagree on the period, each period with its page."""

from __future__ import annotations

import re
from typing import Any

from rdflib import RDF, RDFS, Graph, URIRef

from server.graph.classification.facts import ProjectFacts
from server.graph.records import curation as cur
from server.graph.records.actors import Organisations
from server.graph.records.batch import Located, Record, RecordError
from server.graph.records.codes import project_code
from server.graph.records.money import (
    AmountNotReadable,
    amount_year,
    decimal_text,
    decision_date,
    parse_euros,
)
from server.graph.records.notes import published_note
from server.graph.records.terms import (
    DCT,
    EUPROG,
    KUNTA,
    NUTS,
    SCHEMA,
    SKOS,
    SMH,
    date,
    decimal,
    en,
    fi,
    lang,
    res,
    split_annotated_url,
    url,
    year,
)

FULL_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def fund_iri(record: Record) -> URIRef | None:
    period = record.get("period") or ""
    for (fund, prefix), target in cur.FUNDS.items():
        if fund == record["fund"] and (prefix is None or period.startswith(prefix)):
            if target is None:
                return None
            if target.startswith("funds:"):
                return res(f"concept/funds/{target[len('funds:') :]}")
            return EUPROG[target]
    raise KeyError(f"curation.FUNDS has no entry for fund {record['fund']!r} in period {period!r}")


def selection_source(record: Record) -> str | None:
    """The page that says the cooperation group (MYR) selected or endorsed the project, if any (README §5.1)."""
    if record["name"] in cur.NO_SELECTION_LINK:
        return None
    decision = record.get("decision") or ""
    if re.search(r"MYR|yhteistyöryhmä", decision) and not any(w in decision for w in cur.NOT_A_SELECTION):
        return str(record["source"])
    if record.get("budget_source") in cur.MYR_PAGES:
        return str(record["budget_source"])
    for other in record.get("other_sources", []):
        link, remark = split_annotated_url(other)
        if remark and re.search(r"MYR .*puolsi", remark):
            return str(link)
    return None


def places(record: Record) -> list[URIRef]:
    """NUTS FI1C2 for the region, and every municipality named (in the nominative) in `municipality` or `area`."""
    found = [NUTS["FI1C2"]] if record.get("region") == "Kanta-Häme" else []
    text = " ".join(filter(None, [record.get("municipality"), record.get("area")]))
    for name, info in cur.MUNICIPALITIES.items():
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            found.append(KUNTA[info["code"]])
    return found


def written_periods(record: Record) -> list[tuple[str | None, str | None, str, str]]:
    """Periods the record gives other than as full planned dates: (start, end, page, why)."""
    start, end = record.get("start"), record.get("end")
    out: list[tuple[str | None, str | None, str, str]] = []
    partial_start = start if start and not FULL_DATE.fullmatch(start) else None
    partial_end = end if end and not FULL_DATE.fullmatch(end) else None
    if partial_start or partial_end:
        out.append(
            (partial_start, partial_end, record["source"], "the page gives the period to the year or month")
        )
    elif not start and not end and record.get("toteutusaika_text"):
        m = re.search(r"\b((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)\b", record["toteutusaika_text"])
        if m:
            out.append((m.group(1), m.group(2), record["source"], "the page gives the period in years"))
    return out


class ProjectWriter:
    def __init__(self, orgs: Organisations, person_names: set[str]) -> None:
        self.orgs = orgs
        self.person_names = person_names
        self.g = Graph()
        self.facts: list[ProjectFacts] = []
        self.ambiguous: list[tuple[str, str]] = []
        self.redacted: list[str] = []
        self.minted: dict[URIRef, str] = {}

    def add(self, located: Located) -> URIRef:
        record, where = located.data, str(located.origin)
        code = project_code(record)
        s = res(f"project/{code.key}")
        if s in self.minted:
            raise RecordError(where, f"mints {s}, as {self.minted[s]} does")
        self.minted[s] = where
        g, source = self.g, record["source"]
        facts = ProjectFacts(code.key, record["name"], record.get("summary"), record.get("fund"))
        g.add((s, RDF.type, SMH.Project))
        self._names(s, record["name"])
        if code.code:
            g.add((s, SMH.registerCode, lang(code.code, None)))
        if code.written:
            g.add((s, SKOS.note, fi(f"Koodi lähteessä: {code.written}")))
        if record.get("fund"):
            g.add((s, SMH.fundAsWritten, fi(record["fund"])))
            try:
                fund = fund_iri(record)
            except KeyError as e:
                raise RecordError(where, str(e.args[0])) from None
            if fund is not None:
                g.add((s, SMH.fund, fund))
                facts.fund = str(fund)
        self._literals(s, record, facts)
        self._dates(s, code.key, record, facts)
        if record.get("summary"):
            g.add((s, DCT.description, en(record["summary"])))
        if record.get("note"):
            self._note(s, record["note"], where)
        if record.get("collaborators_in_summary"):
            names = ", ".join(record["collaborators_in_summary"])
            g.add((s, SKOS.note, en(f"Collaborators named in the summary (not partners): {names}")))
        for place in places(record):
            g.add((s, DCT.spatial, place))
        self._status(s, code.key, record)
        self._participants(s, record, facts, where)
        self._amounts(s, code.key, record, facts, where)
        g.add((s, DCT.source, url(source)))
        for other in record.get("other_sources", []):
            link, remark = split_annotated_url(other)
            g.add((s, RDFS.seeAlso, link))
            if remark:
                g.add((s, SKOS.note, lang(f"{link}: {remark}", None)))
        for extra in cur.RECORD_CORRECTIONS.get(record["name"], {}).get("sources", []):
            g.add((s, RDFS.seeAlso, url(extra)))
        if record.get("budget_source") and record["budget_source"] != source:
            g.add((s, RDFS.seeAlso, url(record["budget_source"])))
        self.facts.append(facts)
        return s

    def _note(self, s: URIRef, note: str, where: str) -> None:
        text = published_note(note, self.person_names)
        if text != note:
            self.redacted.append(where)
        if text:
            self.g.add((s, SKOS.note, en(text)))

    def _names(self, s: URIRef, name: str) -> None:
        m = re.fullmatch(r"(.+?)\s*\[([^\]]+)\]", name)
        if name in cur.NAME_REMARKS:
            name, remark = cur.NAME_REMARKS[name]
            self.g.add((s, SKOS.note, en(remark)))
        elif m:  # "… [descriptive name; project name not given in excerpt]": the collector's remark
            name = m.group(1)
            self.g.add((s, SKOS.note, en(f"Name as recorded: {m.group(2)}.")))
        if name in cur.BILINGUAL_NAMES:
            pairs = list(zip(cur.BILINGUAL_NAMES[name], ("fi", "en"), strict=True))
        else:
            pairs = [(name, "en" if name in cur.ENGLISH_NAMES else "fi")]
        for text, language in pairs:
            self.g.add((s, SKOS.prefLabel, lang(text, language)))
            self.g.add((s, DCT.title, lang(text, language)))

    def _literals(self, s: URIRef, record: Record, facts: ProjectFacts) -> None:
        literal_fields = [
            ("period", SMH.programmePeriod, None),
            ("programme", SMH.fundingProgramme, "fi"),
            ("toimintalinja", SMH.priorityAxis, "fi"),
            ("erityistavoite", SMH.specificObjective, "fi"),
            ("projektityyppi", SMH.projectType, "fi"),
            ("toteutusaika_text", SMH.periodAsWritten, None),
            ("decision", SMH.decisionAsWritten, None),
            ("area", SMH.areaAsWritten, None),
            ("record_type", SMH.recordType, None),
        ]
        for key, prop, language in literal_fields:
            if record.get(key) and record[key] != "—":
                self.g.add((s, prop, lang(record[key], language)))
        arrangement = record.get("hakijoiden_lukumaara")
        if arrangement and arrangement != "(tyhjä)":
            self.g.add((s, SMH.applicantArrangement, fi(arrangement)))
        facts.programme = record.get("programme")
        facts.priority_axis = record.get("toimintalinja")
        facts.specific_objective = record.get("erityistavoite")
        facts.period_label = record.get("period")
        decided = decision_date(record, record.get("budget_source"))
        facts.decision = decided

    def _dates(self, s: URIRef, key: str, record: Record, facts: ProjectFacts) -> None:
        start, end = record.get("start"), record.get("end")
        if start and FULL_DATE.fullmatch(start):
            self.g.add((s, SMH.plannedStart, date(start)))
        if end and FULL_DATE.fullmatch(end):
            self.g.add((s, SMH.plannedEnd, date(end)))
        correction = cur.RECORD_CORRECTIONS.get(record["name"], {})
        corrected = correction.get("periods", [])
        periods = [] if correction.get("replaces_written") else written_periods(record)
        periods += [(p.get("start"), p.get("end"), p["source"], p["why"]) for p in corrected]
        for n, (p_start, p_end, page, why) in enumerate(periods, start=1):
            p = res(f"project/{key}/period/{n}")
            self.g.add((s, SMH.reportedPeriod, p))
            self.g.add((p, RDF.type, SMH.ReportedPeriod))
            if p_start:
                self.g.add((p, SMH.reportedStart, date(p_start)))
            if p_end:
                self.g.add((p, SMH.reportedEnd, date(p_end)))
            self.g.add((p, SKOS.note, en(why)))
            self.g.add((p, DCT.source, url(page)))
        facts.start = start or next((p[0] for p in periods if p[0]), None)
        facts.end = end or next((p[1] for p in periods if p[1]), None)

    def _status(self, s: URIRef, key: str, record: Record) -> None:
        if not record.get("status"):
            return
        value, language = cur.STATUS_VALUES.get(record["status"], (record["status"], "fi"))
        obs = res(f"project/{key}/status/1")
        self.g.add((s, SMH.status, obs))
        self.g.add((obs, RDF.type, SMH.StatusObservation))
        self.g.add((obs, SMH.statusValue, lang(value, language)))
        self.g.add((obs, DCT.source, url(record["source"])))
        note = "Status as shown on the page version read; the reading date is not recorded."
        self.g.add((obs, SKOS.note, en(note)))

    def _participants(self, s: URIRef, record: Record, facts: ProjectFacts, where: str) -> None:
        g, source = self.g, record["source"]
        if record.get("vastuuviranomainen"):
            org = self.orgs.resolve(record["vastuuviranomainen"], None, source, where).organisation
            if org is not None:
                g.add((s, SMH.responsibleAuthority, org.iri))
        page = selection_source(record)
        if page:
            myr = self.orgs.by_name["Kanta-Hämeen maakunnan yhteistyöryhmä"]
            myr.sources.add(page)
            g.add((s, SMH.selectedBy, myr.iri))
        funder = record.get("rahoittaja_per_lahde")
        if funder:
            for name in self._funders(funder, where):
                org = self.orgs.resolve(name, None, source, where).organisation
                if org is not None:
                    g.add((s, SMH.fundingAuthority, org.iri))
            g.add((s, SKOS.note, lang(f"Funder as recorded: {funder}", None)))
        for phrase, body in cur.DECISION_FUNDERS:
            if phrase in (record.get("decision") or ""):
                org = self.orgs.resolve(body, None, source, where).organisation
                if org is not None:
                    g.add((s, SMH.fundingAuthority, org.iri))
        applicant = record.get("applicant") or {}
        if applicant.get("name"):
            written = cur.RECORD_APPLICANT_OVERRIDES.get(record["name"], applicant["name"])
            for name in cur.JOINT_APPLICANTS.get(written, [written]):
                iri = self._party(s, name, applicant, "Applicant", where, source)
                if iri is not None:
                    g.add((s, SMH.applicant, iri))
                    facts.applicants.append(str(iri))
        for partner in record.get("partners", []):
            for name in cur.JOINT_APPLICANTS.get(partner["name"], [partner["name"]]):
                iri = self._party(s, name, partner, "Partner", where, source)
                if iri is not None:
                    g.add((s, SMH.partner, iri))
                    facts.partners.append(str(iri))
        for recipient in record.get("tuen_siirronsaajat", []):
            iri = self._party(s, recipient["name"], recipient, "Subsidy recipient", where, source)
            if iri is not None:
                g.add((s, SMH.subsidyRecipient, iri))

    @staticmethod
    def _funders(funder: str, where: str) -> list[str]:
        if funder in cur.FUNDERS:
            return cur.FUNDERS[funder]
        for prefix, name in cur.FUNDER_PREFIXES:
            if funder.startswith(prefix):
                return [name]
        raise RecordError(where, f"funder {funder!r} is not in curation.FUNDERS or FUNDER_PREFIXES")

    def _party(
        self, s: URIRef, name: str, party: dict[str, Any], role: str, where: str, source: str
    ) -> URIRef | None:
        found = self.orgs.resolve(name, party.get("y_tunnus"), source, where)
        remark = party.get("role_on_page")
        if found.organisation is None:
            self.g.add((s, SKOS.note, fi(f"{role} as written, not an organisation: {name}")))
            return None
        if found.written_differently or remark:
            text = f"{role} as written: {name}" + (f" (role on the page: {remark})" if remark else "")
            self.g.add((s, SKOS.note, fi(text)))
        return found.organisation.iri

    def _amounts(self, s: URIRef, key: str, record: Record, facts: ProjectFacts, where: str) -> None:
        figures = list((record.get("budget") or {}).items())
        if record.get("kustannusarvio"):
            figures.append(("kustannusarvio", record["kustannusarvio"]))
        page = record.get("budget_source") or record["source"]
        start = facts.start
        confirmations = cur.RECORD_CORRECTIONS.get(record["name"], {}).get("confirms", {})
        for n, (label, written) in enumerate(figures, start=1):
            if label not in cur.AMOUNT_TYPES:
                raise RecordError(where, f"amount label {label!r} is not in curation.AMOUNT_TYPES")
            a = res(f"project/{key}/amount/{n}")
            source = page if label != "kustannusarvio" else record["source"]
            g = self.g
            g.add((s, SMH.amount, a))
            g.add((a, RDF.type, SMH.MonetaryAmount))
            g.add((a, SMH.amountType, res(f"concept/amount-types/{cur.AMOUNT_TYPES[label]}")))
            g.add((a, SMH.amountLabel, lang(label, None)))
            g.add((a, SMH.valueAsWritten, lang(written, None)))
            g.add((a, SCHEMA.currency, lang("EUR", None)))
            try:
                value, approximate = parse_euros(written)
                g.add((a, SCHEMA.value, decimal(decimal_text(value))))
                if approximate or re.search(r"(?<!\w)(noin|n\.)(?!\w)", label):
                    g.add(
                        (
                            a,
                            SKOS.note,
                            en("Approximate: the source says 'n.'/'noin'/'lähes' (about, nearly)."),
                        )
                    )
            except AmountNotReadable:
                self.ambiguous.append((record["name"], written))
                g.add(
                    (
                        a,
                        SKOS.note,
                        en("The figure as written cannot be read as one amount; no value is given."),
                    )
                )
            for holder in cur.AMOUNT_SHARES.get(label, []):
                g.add((a, SMH.shareOf, self.orgs.by_name[holder].iri))
            when = amount_year(record, label, source, start)
            decided = decision_date(record, record.get("budget_source"))
            if cur.AMOUNT_TYPES[label] == "eu-and-state-funding-endorsed" and decided and len(decided) == 10:
                g.add((a, DCT.date, date(decided)))
            if when.year:
                g.add((a, SMH.year, year(when.year)))
                g.add((a, SMH.yearBasis, res(f"concept/year-bases/{when.basis}")))
            g.add((a, SKOS.editorialNote, en(f"Year: {when.because}.")))
            g.add((a, DCT.source, url(source)))
            for extra in confirmations.get(label, []):
                g.add((a, DCT.source, url(extra)))


def projects_graph(
    projects: list[Located], orgs: Organisations, person_names: set[str]
) -> tuple[Graph, ProjectWriter]:
    writer = ProjectWriter(orgs, person_names)
    for located in projects:
        writer.add(located)
    return writer.g, writer
