"""graph/projects: the 72 project records with every field they have, amounts and status observations."""

from __future__ import annotations

import re
from decimal import Decimal

from rdflib import RDF, RDFS, Graph, URIRef

from server.graph.records import curation as cur
from server.graph.records.actors import Organisation, Organisations
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
    slug,
    split_annotated_url,
    url,
    year,
)


class AmbiguousAmount(ValueError):
    """A figure that cannot be read as one number of euros (e.g. '1 909 927 miljoonaa euroa')."""


def parse_euros(text: str) -> tuple[Decimal, bool]:
    """Euros in a Finnish figure and whether the source marks it approximate ('n.', 'noin').

    '250.000 €' and '79 900 €' use '.' or a space between thousands; ',' is the decimal mark;
    'n. 1,6 miljoonaa euroa' is 1 600 000. A figure with thousands groups and 'miljoonaa' is ambiguous.
    """
    approximate = bool(re.match(r"\s*(n\.|noin)\s", text))
    m = re.search(r"\d{1,3}(?:[ .\u00a0]\d{3})+(?:,\d+)?|\d+(?:,\d+)?", text)
    if not m:
        raise AmbiguousAmount(text)
    number = m.group(0)
    grouped = bool(re.search(r"[ .\u00a0]", number))
    value = Decimal(re.sub(r"[ .\u00a0]", "", number).replace(",", "."))
    if re.search(r"milj", text[m.end() :]):
        if grouped or value >= 1000:
            raise AmbiguousAmount(text)
        value *= 1_000_000
    return value, approximate


def project_id(record: dict) -> str:
    code = record.get("code")
    if code:
        m = re.match(r"([A-Z]?\d+)", code)
        return m.group(1)
    return slug(record["name"], 60)


def fund_iri(record: dict) -> URIRef | None:
    period = record.get("period") or ""
    for (fund, prefix), target in cur.FUNDS.items():
        if fund == record["fund"] and (prefix is None or period.startswith(prefix)):
            if target is None:
                return None
            if target.startswith("funds:"):
                return res(f"concept/funds/{target[len('funds:') :]}")
            return EUPROG[target]
    raise KeyError(f"curation.FUNDS has no entry for fund {record['fund']!r} in period {period!r}")


def selection_source(record: dict) -> str | None:
    """The page that says the cooperation group (MYR) selected or endorsed the project, if any (README §5.1)."""
    decision = record.get("decision") or ""
    if re.search(r"MYR|yhteistyöryhmä", decision) and not any(w in decision for w in cur.NOT_A_SELECTION):
        return record["source"]
    if record.get("budget_source") in cur.MYR_PAGES:
        return record["budget_source"]
    for other in record.get("other_sources", []):
        link, remark = split_annotated_url(other)
        if remark and re.search(r"MYR .*puolsi", remark):
            return str(link)
    return None


def decision_date(record: dict, page: str | None) -> str | None:
    """The decision's date (``yyyy-mm-dd``), or its year alone, from the decision text or the MYR page."""
    decision = record.get("decision") or ""
    m = re.search(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", decision)
    if m:
        return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    if page in cur.MYR_PAGES:
        return cur.MYR_PAGES[page]
    m = re.search(r"\b(20\d\d)\b", decision)
    return m.group(1) if m else None


def places(record: dict) -> list[URIRef]:
    """NUTS FI1C2 for the region, and every municipality named (in the nominative) in `municipality` or `area`."""
    found = [NUTS["FI1C2"]] if record.get("region") == "Kanta-Häme" else []
    text = " ".join(filter(None, [record.get("municipality"), record.get("area")]))
    for name, info in cur.MUNICIPALITIES.items():
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            found.append(KUNTA[info["code"]])
    return found


class ProjectWriter:
    def __init__(self, orgs: Organisations) -> None:
        self.orgs = orgs
        self.g = Graph()
        self.ambiguous: list[tuple[str, str]] = []

    def add(self, record: dict) -> URIRef:
        pid = project_id(record)
        s = res(f"project/{pid}")
        if (s, RDF.type, SMH.Project) in self.g:
            raise ValueError(f"two records mint {s}")
        g, source = self.g, record["source"]
        g.add((s, RDF.type, SMH.Project))
        self._names(s, record["name"])
        if record.get("code"):
            g.add((s, SMH.registerCode, lang(pid, None)))
            if record["code"] != pid:
                g.add((s, SKOS.note, fi(f"Koodi lähteessä: {record['code']}")))
        g.add((s, SMH.fundAsWritten, fi(record["fund"])))
        fund = fund_iri(record)
        if fund is not None:
            g.add((s, SMH.fund, fund))
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
                g.add((s, prop, lang(record[key], language)))
        arrangement = record.get("hakijoiden_lukumaara")
        if arrangement and arrangement != "(tyhjä)":
            g.add((s, SMH.applicantArrangement, fi(arrangement)))
        if record.get("start"):
            g.add((s, SMH.plannedStart, date(record["start"])))
        if record.get("end"):
            g.add((s, SMH.plannedEnd, date(record["end"])))
        if record.get("summary"):
            g.add((s, DCT.description, en(record["summary"])))
        if record.get("note"):
            g.add((s, SKOS.note, en(record["note"])))
        if record.get("collaborators_in_summary"):
            names = ", ".join(record["collaborators_in_summary"])
            g.add((s, SKOS.note, en(f"Collaborators named in the summary (not partners): {names}")))
        for place in places(record):
            g.add((s, DCT.spatial, place))
        self._status(s, pid, record)
        self._participants(s, record)
        self._amounts(s, pid, record)
        g.add((s, DCT.source, url(source)))
        for other in record.get("other_sources", []):
            link, remark = split_annotated_url(other)
            g.add((s, RDFS.seeAlso, link))
            if remark:
                g.add((s, SKOS.note, lang(f"{link}: {remark}", None)))
        if record.get("budget_source") and record["budget_source"] != source:
            g.add((s, RDFS.seeAlso, url(record["budget_source"])))
        return s

    def _names(self, s: URIRef, name: str) -> None:
        if name in cur.BILINGUAL_NAMES:
            pairs = list(zip(cur.BILINGUAL_NAMES[name], ("fi", "en")))
        else:
            pairs = [(name, "en" if name in cur.ENGLISH_NAMES else "fi")]
        for text, language in pairs:
            self.g.add((s, SKOS.prefLabel, lang(text, language)))
            self.g.add((s, DCT.title, lang(text, language)))

    def _status(self, s: URIRef, pid: str, record: dict) -> None:
        if not record.get("status"):
            return
        value, language = cur.STATUS_VALUES.get(record["status"], (record["status"], "fi"))
        obs = res(f"project/{pid}/status/1")
        self.g.add((s, SMH.status, obs))
        self.g.add((obs, RDF.type, SMH.StatusObservation))
        self.g.add((obs, SMH.statusValue, lang(value, language)))
        self.g.add((obs, DCT.source, url(record["source"])))
        self.g.add(
            (
                obs,
                SKOS.note,
                en("Status as shown on the page version read; the reading date is not recorded."),
            )
        )

    def _org(self, name: str, business_id: str | None, source: str) -> Organisation:
        return self.orgs.resolve(name, business_id, source)

    def _participants(self, s: URIRef, record: dict) -> None:
        g, source = self.g, record["source"]
        if record.get("vastuuviranomainen"):
            g.add((s, SMH.responsibleAuthority, self._org(record["vastuuviranomainen"], None, source).iri))
        page = selection_source(record)
        if page:
            myr = self.orgs.by_name["Kanta-Hämeen maakunnan yhteistyöryhmä"]
            myr.sources.add(page)
            g.add((s, SMH.selectedBy, myr.iri))
        funder = record.get("rahoittaja_per_lahde")
        if funder:
            name = next(n for prefix, n in cur.FUNDER_PREFIXES if funder.startswith(prefix))
            g.add((s, SMH.fundingAuthority, self._org(name, None, source).iri))
            g.add((s, SKOS.note, lang(f"Funder as recorded: {funder}", None)))
        for phrase, body in cur.DECISION_FUNDERS:
            if phrase in (record.get("decision") or ""):
                g.add((s, SMH.fundingAuthority, self._org(body, None, source).iri))
        applicant = record.get("applicant") or {}
        if applicant.get("name"):
            written = cur.RECORD_APPLICANT_OVERRIDES.get(record["name"], applicant["name"])
            for name in cur.JOINT_APPLICANTS.get(written, [written]):
                org = self._org(name, applicant.get("y_tunnus"), source)
                g.add((s, SMH.applicant, org.iri))
        for partner in record.get("partners", []):
            g.add((s, SMH.partner, self._org(partner["name"], partner.get("y_tunnus"), source).iri))
        for recipient in record.get("tuen_siirronsaajat", []):
            g.add(
                (s, SMH.subsidyRecipient, self._org(recipient["name"], recipient.get("y_tunnus"), source).iri)
            )

    def _amounts(self, s: URIRef, pid: str, record: dict) -> None:
        figures = list((record.get("budget") or {}).items())
        if record.get("kustannusarvio"):
            figures.append(("kustannusarvio", record["kustannusarvio"]))
        source = record.get("budget_source") or record["source"]
        when = decision_date(record, record.get("budget_source"))
        for n, (label, written) in enumerate(figures, start=1):
            a = res(f"project/{pid}/amount/{n}")
            g = self.g
            g.add((s, SMH.amount, a))
            g.add((a, RDF.type, SMH.MonetaryAmount))
            g.add((a, SMH.amountType, res(f"concept/amount-types/{cur.AMOUNT_TYPES[label]}")))
            g.add((a, SMH.amountLabel, lang(label, None)))
            g.add((a, SMH.valueAsWritten, lang(written, None)))
            g.add((a, SCHEMA.currency, lang("EUR", None)))
            try:
                value, approximate = parse_euros(written)
                g.add(
                    (
                        a,
                        SCHEMA.value,
                        decimal(str(int(value)) if value == value.to_integral() else str(value)),
                    )
                )
                if approximate:
                    g.add((a, SKOS.note, en("Approximate: the source says 'n.'/'noin' (about).")))
            except AmbiguousAmount:
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
            if cur.AMOUNT_TYPES[label] == "eu-and-state-funding-endorsed" and when and len(when) == 10:
                g.add((a, DCT.date, date(when)))
            m = re.search(r"(20\d\d)$", label)
            if m or when:
                g.add((a, SMH.year, year(m.group(1) if m else when[:4])))
            g.add((a, DCT.source, url(source if label != "kustannusarvio" else record["source"])))


def projects_graph(projects: list[dict], orgs: Organisations) -> tuple[Graph, ProjectWriter]:
    writer = ProjectWriter(orgs)
    for record in projects:
        writer.add(record)
    return writer.g, writer
