"""graph/strategy: Smart Häme and Smart Tavastia, the regional programmes, their events, choices,
spearheads and lines, the Smart Tavastia → Smart Häme mappings, and governance roles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.term import Node

from server.graph.records import curation as cur
from server.graph.records.actors import Organisations
from server.graph.records.terms import (
    DCT,
    EUPROG,
    EUROVOC,
    NUTS,
    PROV,
    SKOS,
    SMH,
    YSO,
    date,
    en,
    fi,
    integer,
    lang,
    res,
    slug,
    url,
    year,
)

SMART_HAME = res("strategy/smart-hame")
SMART_TAVASTIA = res("strategy/smart-tavastia")
KKH = res("programme/kestavan-kasvun-hame-2022-2025")
NEXT = res("programme/kanta-hameen-maakuntaohjelma-2026-2029")
HAME_2018 = res("programme/hame-ohjelma-2018-2021")
HAME_2014 = res("programme/hame-ohjelma-2014-2017")


class StrategyWriter:
    def __init__(self, strategy: dict[str, Any], orgs: Organisations) -> None:
        self.s = strategy
        self.orgs = orgs
        self.g = Graph()

    def add(self, s: Node, p: Node, o: Node) -> None:
        self.g.add((s, p, o))

    def sources(self, subject: URIRef, urls: str | Iterable[str]) -> None:
        for u in [urls] if isinstance(urls, str) else urls:
            self.add(subject, DCT.source, url(u))

    def org(self, name: str) -> URIRef:
        return self.orgs.by_name[name].iri

    def build(self) -> Graph:
        self.smart_hame()
        self.programme_2022()
        self.programme_2026()
        self.programme_2018()
        self.programme_2014()
        self.ris3_themes_2017()
        self.smart_tavastia()
        self.governance()
        self.portfolio()
        return self.g

    # --- Smart Häme and its programme ---------------------------------------------------------------

    def smart_hame(self) -> None:
        cur_s = self.s["current_smart_specialisation"]
        all_sources = [u for urls in cur_s["sources"].values() for u in urls]
        self.add(SMART_HAME, RDF.type, SMH.SmartSpecialisationStrategy)
        self.add(SMART_HAME, SKOS.prefLabel, fi(cur_s["name"]))
        self.add(SMART_HAME, DCT.description, fi(cur_s["statement_fi"]))
        for example in cur_s["examples_named_fi"]:
            self.add(SMART_HAME, SKOS.example, fi(example))
        self.add(SMART_HAME, SMH.implementedBy, KKH)
        self.add(SMART_HAME, SMH.spearheadScheme, res("scheme/spearheads"))
        self.add(SMART_HAME, SMH.precededBy, SMART_TAVASTIA)
        self.add(SMART_HAME, DCT.spatial, NUTS["FI1C2"])
        self.sources(SMART_HAME, all_sources)

        p = self.s["programme_2022_2025"]
        choices = p["strategic_choices"]
        scheme = res("scheme/strategic-choices")
        self.concept_scheme(
            scheme,
            {"fi": choices["label_fi"], "en": choices["label_en"], "sv": choices["label_sv"]},
            choices["sources"],
        )
        for item in choices["items"]:
            c = res(f"concept/strategic-choices/{cur.CHOICE_SLUGS[item['n']]}")
            self.concept(c, SMH.StrategicChoice, scheme, item["n"], choices["sources"])
            for language in ("fi", "en", "sv"):
                self.add(c, SKOS.prefLabel, lang(item[language], language))
                if item.get(f"{language}_short"):
                    self.add(c, SKOS.altLabel, lang(item[f"{language}_short"], language))
        rdi = res(f"concept/strategic-choices/{cur.CHOICE_SLUGS[1]}")

        scheme = res("scheme/spearheads")
        self.concept_scheme(scheme, {"fi": "Smart Hämeen kärjet", "en": "Smart Häme spearheads"}, all_sources)
        for item in cur_s["spearheads"]:
            c = res(f"concept/spearheads/{cur.SPEARHEAD_SLUGS[item['n']]}")
            self.concept(c, SMH.Spearhead, scheme, item["n"], all_sources)
            for language in ("fi", "en", "sv"):
                self.add(c, SKOS.prefLabel, lang(item[language], language))
            # rakennerahastot.fi lists the four spearheads under 'RDI related to sustainable growth'.
            self.add(c, SKOS.broader, rdi)
            self.add(rdi, SKOS.narrower, c)
            self.sources(c, cur_s["sources"]["en"] + cur_s["sources"]["sv"])
        self.add(scheme, RDFS.comment, en(cur_s["note_on_position"]))
        for key, links in cur.CONCEPT_LINKS.items():
            c = res(f"concept/{key}")
            for prop, targets in links.items():
                for target in targets:
                    self.add(c, SKOS[prop], self.external(target))

    def programme_2022(self) -> None:
        p = self.s["programme_2022_2025"]
        self.programme(
            KKH,
            "Kestävän kasvun Häme 2022–2025",
            2022,
            2025,
            p["includes_ris3_source"] + p["approval"]["sources"],
        )
        self.add(KKH, SKOS.prefLabel, en(p["name_en"]))
        self.add(KKH, SKOS.prefLabel, lang(p["name_sv"], "sv"))
        self.add(KKH, SKOS.altLabel, fi(p["name_fi"]))
        self.add(KKH, SMH.formerName, fi(p["working_title_earlier"]))
        self.add(KKH, SMH.servesAsStrategy, SMART_HAME)
        self.add(KKH, SMH.choiceScheme, res("scheme/strategic-choices"))
        self.add(KKH, SMH.precededBy, HAME_2018)
        self.sources(KKH, p["rename"]["source"])
        for fact in p["used_in_calls"]:
            self.add(KKH, SKOS.note, fi(fact["fact"]))
            self.add(KKH, RDFS.seeAlso, url(fact["source"]))

        prep = p["preparation_started"]
        self.event(
            "programme-preparation-started-2020-08",
            KKH,
            "preparation",
            "2020-08",
            "Maakuntaohjelman 2022–2025 valmistelu alkoi",
            prep["fact"],
            prep["source"],
            "Hämeen maakuntahallitus",
        )
        draft = p["draft_public_consultation"]
        self.event(
            "programme-draft-consultation-2021-09-27",
            KKH,
            "public-consultation",
            draft["decision_date"],
            "Maakuntaohjelman luonnos lausuntokierrokselle",
            f"{draft['decided_by']} asetti luonnoksen nähtäville {draft['period']}.",
            draft["sources"],
            "Hämeen maakuntahallitus",
        )
        rename = p["rename"]
        # A renaming decided by a vote carries both event types (docs/model.md).
        e = self.event(
            "programme-renamed-2021-09-27",
            KKH,
            "renaming",
            rename["date"],
            "Vihreän kasvun Hämeestä Kestävän kasvun Hämeeksi",
            rename["fact"],
            rename["source"],
            "Hämeen maakuntahallitus",
        )
        self.add(e, SMH.eventType, res("concept/programme-event-types/vote"))
        self.add(e, SMH.votesFor, integer(8))  # "äänestystuloksen 8-2 jälkeen"
        self.add(e, SMH.votesAgainst, integer(2))
        approval = p["approval"]
        self.event(
            "programme-approved-2021-11-29",
            KKH,
            "approval",
            approval["date"],
            "Kestävän kasvun Häme 2022–2025 hyväksytty",
            f"{approval['body']} hyväksyi Kestävän kasvun Häme 2022–2025 -maakuntaohjelman.",
            approval["sources"],
            "Hämeen maakuntavaltuusto",
        )

        questions = p["structure_six_questions"]
        scheme = res("scheme/kestavan-kasvun-hame-2022-2025-questions")
        self.concept_scheme(
            scheme,
            {
                "fi": "Kestävän kasvun Häme 2022–2025: ohjelman kuusi kysymystä",
                "en": "Kestävän kasvun Häme 2022–2025: the programme's six questions",
            },
            questions["sources"],
        )
        self.add(scheme, SKOS.note, en(questions["note"]))
        for n, text in enumerate(questions["fi"], start=1):
            c = res(f"concept/kestavan-kasvun-hame-2022-2025-questions/{slug(text)}")
            self.concept(c, SKOS.Concept, scheme, n, questions["sources"])
            for language in ("fi", "en", "sv"):
                self.add(c, SKOS.prefLabel, lang(questions[language][n - 1], language))
            self.add(KKH, DCT.hasPart, c)

    def programme_2026(self) -> None:
        p = self.s["programme_2026_2029"]
        self.programme(NEXT, p["name_fi"], 2026, 2029, p["source"])
        self.add(NEXT, SMH.precededBy, KKH)
        for key in ("planned_approval", "ris3_update", "guidance"):
            self.add(NEXT, SKOS.note, fi(p[key]) if key != "planned_approval" else en(p[key]))
        self.add(NEXT, SKOS.editorialNote, en(p["content_not_found"]))
        oas = p["oas"]
        self.event(
            "programme-oas-2025-01-20",
            NEXT,
            "public-consultation",
            "2025-01-20",
            "Maakuntaohjelman 2026–2029 osallistumis- ja arviointisuunnitelma nähtäville",
            f"{oas['decision']} {oas['display_period']}.",
            p["source"],
            "Hämeen maakuntahallitus",
        )

    # --- earlier programmes and themes ----------------------------------------------------------------

    def programme_2018(self) -> None:
        p = self.s["programme_2018_2021"]
        self.programme(HAME_2018, "Häme-ohjelma 2018+", 2018, 2021, p["sources"])
        self.add(HAME_2018, SKOS.altLabel, fi(p["name_fi"]))
        self.add(
            HAME_2018,
            SKOS.altLabel,
            fi(
                self.s["previous_smart_specialisation_smart_tavastia"]["linked_programme_strategic_lines"][
                    "programme"
                ]
            ),
        )
        self.add(HAME_2018, DCT.description, fi(p["vision_fi"]))
        self.add(HAME_2018, SKOS.note, fi(p["react_eu_link"]))
        self.add(HAME_2018, SMH.precededBy, HAME_2014)
        self.lines(
            "hame-ohjelma-2018-2021-lines",
            "Häme-ohjelman 2018–2021 toimintalinjat",
            HAME_2018,
            {"fi": p["maakuntaohjelman_toimintalinjat_fi"]},
            p["sources"],
        )
        self.lines(
            "maakuntasuunnitelma-2040-priorities",
            "Maakuntasuunnitelman 2040 painopisteet",
            HAME_2018,
            {"fi": p["maakuntasuunnitelma_painopisteet_fi"]},
            p["sources"],
        )

    def programme_2014(self) -> None:
        p = self.s["programme_2014_2017"]
        self.programme(HAME_2014, p["name_fi"], 2014, 2017, p["sources"])
        self.add(HAME_2014, SKOS.prefLabel, en("Häme Programme"))
        self.add(HAME_2014, SKOS.prefLabel, lang("Tavastlandsprogrammet", "sv"))
        self.add(HAME_2014, SKOS.altLabel, en(p["name_en"]))
        self.add(HAME_2014, SKOS.altLabel, lang(p["name_sv"], "sv"))
        self.add(HAME_2014, SKOS.note, en(p["period"]))
        pr = p["priorities"]
        scheme = self.lines(
            "hame-ohjelma-2014-2017-priorities",
            "Häme-ohjelman 2014–2017 painopisteet",
            HAME_2014,
            {"fi": pr["fi"], "en": pr["en"], "sv": pr["sv"]},
            p["sources"],
        )
        for n, alt in enumerate(pr["en_alt"], start=1):
            self.add(
                res(f"concept/hame-ohjelma-2014-2017-priorities/{slug(pr['fi'][n - 1])}"),
                SKOS.altLabel,
                en(alt),
            )
        self.add(
            scheme,
            SKOS.note,
            en("Two English translations exist on rakennerahastot.fi; the second is kept as skos:altLabel."),
        )
        timeline = next(t for t in self.s["timeline"] if t["date"] == "2013-11")
        self.event(
            "hame-ohjelma-2014-2017-approved-2013-11",
            HAME_2014,
            "approval",
            "2013-11",
            "Tavastlandsprogrammet godkänt",
            p["approval_sv"],
            timeline["source"],
            "Hämeen maakuntavaltuusto",
            language="sv",
        )

    def ris3_themes_2017(self) -> None:
        r = self.s["ris3_themes_during_hame_programme_preparation_2017"]
        scheme = self.lines(
            "ris3-themes-2017",
            "RIS3-teemat Häme-ohjelman valmistelussa (2017)",
            None,
            {"fi": r["fi"]},
            r["source"],
        )
        self.add(scheme, DCT.relation, HAME_2018)
        self.add(scheme, RDFS.comment, en(r["context"]))
        drafts = ["Uudistumisella kasvua", "Elinvoimaa maakunnan verkostoitumisesta", "Hyvinvointia arkeen"]
        assert all(d in r["context"] for d in drafts)
        self.lines(
            "hame-ohjelma-2018-2021-draft-spearheads",
            "Häme-ohjelman 2018–2021 valmistelun kärjet (2017)",
            HAME_2018,
            {"fi": drafts},
            r["source"],
        )

    # --- Smart Tavastia -------------------------------------------------------------------------------

    def smart_tavastia(self) -> None:
        st = self.s["previous_smart_specialisation_smart_tavastia"]
        s, source = SMART_TAVASTIA, st["source"]
        self.add(s, RDF.type, SMH.SmartSpecialisationStrategy)
        self.add(s, SKOS.prefLabel, fi(st["name"]))
        self.add(s, DCT.description, fi(st["last_updated_strategy"]))
        self.add(s, DCT.modified, year(2017))
        self.add(s, SMH.spearheadScheme, res("scheme/smart-tavastia-spearheads"))
        self.add(s, SMH.implementedBy, HAME_2018)
        self.add(
            s,
            SKOS.note,
            fi(f"Häme-ohjelman toimintalinjat {st['linked_programme_strategic_lines']['relation_fi']}."),
        )
        self.add(s, DCT.spatial, NUTS["FI1C2"])
        self.sources(s, source)
        scheme = res("scheme/smart-tavastia-spearheads")
        self.concept_scheme(
            scheme, {"fi": "Smart Tavastia -kärkiteemat", "en": "Smart Tavastia spearheads"}, source
        )
        self.add(
            scheme,
            SKOS.editorialNote,
            en("The sources give no official Swedish or English names for these spearheads."),
        )
        hame_source = self.s["current_smart_specialisation"]["sources"]["fi"][0]
        for item in st["spearheads_fi"]:
            c = res(f"concept/smart-tavastia-spearheads/{cur.SMART_TAVASTIA_SLUGS[item['n']]}")
            self.concept(c, SMH.Spearhead, scheme, item["n"], source)
            self.add(c, SKOS.prefLabel, fi(item["fi"]))
            self.add(c, SKOS.scopeNote, fi(item["scope_fi"]))
            if item["n"] in cur.SMART_TAVASTIA_UNMAPPED:
                self.add(c, SKOS.editorialNote, en(cur.SMART_TAVASTIA_UNMAPPED[item["n"]]))
        for old, prop, new, basis in cur.SMART_TAVASTIA_MAPPINGS:
            a = res(f"concept/smart-tavastia-spearheads/{cur.SMART_TAVASTIA_SLUGS[old]}")
            b = res(f"concept/spearheads/{cur.SPEARHEAD_SLUGS[new]}")
            self.add(a, SKOS[prop], b)
            # The mapping is a judgement: a reified statement carries its basis and the pages it rests on.
            m = res(f"mapping/{cur.SMART_TAVASTIA_SLUGS[old]}-{cur.SPEARHEAD_SLUGS[new]}")
            self.add(m, RDF.type, RDF.Statement)
            self.add(m, RDF.subject, a)
            self.add(m, RDF.predicate, SKOS[prop])
            self.add(m, RDF.object, b)
            self.add(
                m, RDFS.comment, en(f"Editorial mapping made for this graph, not a source fact: {basis}")
            )
            self.sources(m, [source, hame_source])

    # --- governance, portfolio -------------------------------------------------------------------------

    def governance(self) -> None:
        facts = {f["source"]: f for f in self.s["governance_and_funding_roles"]}

        def role(
            key: str,
            holder: str,
            source: str,
            *,
            title: str | None = None,
            period: str | None = None,
            fund: str | None = None,
            plan: URIRef | None = None,
            text: str | None = None,
            language: str = "fi",
        ) -> None:
            r = res(f"governance/{key}")
            self.add(r, RDF.type, SMH.GovernanceRole)
            self.add(r, SMH.roleHolder, self.org(holder))
            self.add(r, DCT.description, lang(text or facts[source]["fact"], language))
            if title:
                self.add(r, SMH.roleTitle, fi(title))
            if period:
                self.add(r, DCT.temporal, lang(period, None))
            if fund:
                self.add(r, DCT.subject, EUPROG[fund])
            if plan:
                self.add(r, SMH.roleIn, plan)
            self.sources(r, source)

        funding = (
            "https://www.hameenliitto.fi/fi/hameen-yhteistyoryhma-kasitteli-23-miljoonan-euron-eu-hankkeet"
        )
        role("hameen-liitto-erdf-2014-2020", "Hämeen liitto", funding, period="2014–2020", fund="ERDF")
        role(
            "hameen-ely-keskus-esf-2014-2020",
            "Hämeen elinkeino-, liikenne- ja ympäristökeskus",
            funding,
            period="2014–2020",
            fund="ESF",
        )
        role(
            "myr-statement-binds-funders-2014-2020",
            "Kanta-Hämeen maakunnan yhteistyöryhmä",
            funding,
            period="2014–2020",
        )
        role(
            "uudenmaan-liitto-erdf-legal-decision-2014-2020",
            "Uudenmaan liitto",
            "https://paijat-hame.fi/en/funding-programmes/",
            period="2014–2020",
            fund="ERDF",
            language="en",
        )
        call_2024 = "https://hameenliitto.fi/eakr-haku-on-auki-31-1-1-3-2024/"
        role(
            "uudenmaan-liitto-erdf-2021-2027",
            "Uudenmaan liitto",
            call_2024,
            period="2021–2027",
            fund="ERDF_2021",
            title="välittävä toimielin ja koordinoiva liitto",
        )
        role(
            "hameen-liitto-erdf-2021-2027",
            "Hämeen liitto",
            call_2024,
            period="2021–2027",
            fund="ERDF_2021",
            title="käsittelevä liitto",
        )
        st = self.s["previous_smart_specialisation_smart_tavastia"]
        first, second = st["governance_fi"].split(". ", 1)
        role(
            "myr-smart-tavastia",
            "Kanta-Hämeen maakunnan yhteistyöryhmä",
            st["source"],
            plan=SMART_TAVASTIA,
            text=first + ".",
        )
        role(
            "maakuntahallitus-smart-tavastia",
            "Hämeen maakuntahallitus",
            st["source"],
            plan=SMART_TAVASTIA,
            text=second,
        )
        nxt = self.s["programme_2026_2029"]
        role(
            "tem-programme-2026-2029-guidance",
            "Työ- ja elinkeinoministeriö",
            nxt["source"],
            plan=NEXT,
            text=nxt["guidance"],
        )

    def portfolio(self) -> None:
        hp = self.s["hame_portfolio"]
        p, old = res("portfolio/hame-portfolio"), res("portfolio/smart-tavastia-trello")
        self.add(p, RDF.type, PROV.Entity)
        self.add(p, RDFS.label, fi(hp["name"]))
        for fact in hp["facts"]:
            self.add(p, DCT.description, en(fact))
        self.add(p, DCT.publisher, self.org("Hämeen liitto"))
        self.add(p, URIRef("http://schema.org/provider"), self.org("Thinking Portfolio"))
        self.add(p, DCT.replaces, old)
        self.sources(p, hp["sources"])
        st = self.s["previous_smart_specialisation_smart_tavastia"]
        self.add(old, RDF.type, PROV.Entity)
        self.add(old, RDFS.label, fi(hp["predecessor"]))
        self.add(old, DCT.description, fi(st["portfolio_fi"]))
        self.sources(old, st["source"])

    # --- helpers ---------------------------------------------------------------------------------------

    def programme(self, s: URIRef, label: str, start: int, end: int, sources: str | Iterable[str]) -> None:
        self.add(s, RDF.type, SMH.RegionalProgramme)
        self.add(s, SKOS.prefLabel, fi(label))
        self.add(s, SMH.periodStart, year(start))
        self.add(s, SMH.periodEnd, year(end))
        self.add(s, DCT.spatial, NUTS["FI1C2"])
        self.add(s, DCT.publisher, self.org("Hämeen liitto"))
        self.sources(s, sources)

    def event(
        self,
        key: str,
        programme: URIRef,
        event_type: str,
        when: str,
        label: str,
        description: str,
        sources: str | Iterable[str],
        body: str,
        language: str = "fi",
    ) -> URIRef:
        e = res(f"event/{key}")
        self.add(e, RDF.type, SMH.ProgrammeEvent)
        self.add(e, SMH.eventOf, programme)
        self.add(e, SMH.eventType, res(f"concept/programme-event-types/{event_type}"))
        self.add(e, DCT.date, date(when))
        self.add(e, RDFS.label, lang(label, language))
        self.add(e, DCT.description, lang(description, language))
        self.add(e, PROV.wasAssociatedWith, self.org(body))
        self.sources(e, sources)
        return e

    def concept_scheme(self, scheme: URIRef, labels: dict[str, str], sources: str | Iterable[str]) -> None:
        self.add(scheme, RDF.type, SKOS.ConceptScheme)
        for language, text in labels.items():
            self.add(scheme, SKOS.prefLabel, lang(text, language))
        self.sources(scheme, sources)

    def concept(self, c: URIRef, cls: URIRef, scheme: URIRef, n: int, sources: str | Iterable[str]) -> None:
        self.add(c, RDF.type, cls)
        if cls != SKOS.Concept:
            self.add(c, RDF.type, SKOS.Concept)
        self.add(c, SKOS.inScheme, scheme)
        self.add(c, SKOS.topConceptOf, scheme)
        self.add(scheme, SKOS.hasTopConcept, c)
        self.add(c, SKOS.notation, lang(str(n), None))
        self.sources(c, sources)

    def lines(
        self,
        scheme_slug: str,
        label: str,
        programme: URIRef | None,
        texts: dict[str, list[str]],
        sources: str | Iterable[str],
    ) -> URIRef:
        scheme = res(f"scheme/{scheme_slug}")
        self.concept_scheme(scheme, {"fi": label}, sources)
        if programme is not None:
            self.add(scheme, DCT.isPartOf, programme)
        for n, text in enumerate(texts["fi"], start=1):
            c = res(f"concept/{scheme_slug}/{slug(text)}")
            self.concept(c, SMH.ProgrammeLine, scheme, n, sources)
            for language, items in texts.items():
                self.add(c, SKOS.prefLabel, lang(items[n - 1], language))
        return scheme

    @staticmethod
    def external(qname: str) -> URIRef:
        prefix, local = qname.split(":")
        return {"eurovoc": EUROVOC, "yso": YSO}[prefix][local]


def strategy_graph(strategy: dict[str, Any], orgs: Organisations) -> Graph:
    return StrategyWriter(strategy, orgs).build()
