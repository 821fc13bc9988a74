"""graph/classification: Smart Häme-era projects classified to spearheads and strategic choices.

The rules are the keyword tables of ``curation.py``; every classification records which rule matched.
These are judgements made for the graph, never facts of a source.
"""

from __future__ import annotations

import re

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import XSD

from server.graph.records import curation as cur
from server.graph.records.projects import project_id
from server.graph.records.terms import PROV, SMH, en, res

AGENT = res("agent/smart-hame-keyword-rules")
GRAPH = res("graph/classification")
AKKE_SOURCE = "https://hameenliitto.fi/rahoitusta-kansainvalisten-hankkeiden-valmisteluun/"


def era_basis(record: dict) -> str | None:
    """Why the project belongs to the Smart Häme era, or None when nothing in the record says so."""
    end, start = record.get("end"), record.get("start")
    if (end or start or "") >= cur.ERA_START:
        return (
            f"era: planned end {end or start} is on or after {cur.ERA_START} (Kestävän kasvun Häme 2022–2025)"
        )
    if "2021–2027" in (record.get("period") or ""):
        return "era: programme period 2021–2027"
    m = re.search(r"\b(20\d\d)\b", record.get("decision") or "")
    if m and int(m.group(1)) >= 2021:
        return f"era: decision in {m.group(1)} ('{record['decision']}')"
    if record["fund"].startswith("AKKE"):
        return f"era: AKKE funding, which Hämeen liitto ties to the themes of Kestävän kasvun Häme 2022–2025 ({AKKE_SOURCE})"
    return None


def texts(record: dict) -> dict[str, str]:
    fields = {
        "name": record["name"],
        "summary": record.get("summary"),
        "specific objective": record.get("erityistavoite"),
        "programme": record.get("programme"),
    }
    return {k: v.lower() for k, v in fields.items() if v}


def matches(keywords: list[str], fields: dict[str, str]) -> list[str]:
    """Rule hits as "'stem' in field"; stems under five letters must start a word."""
    hits = []
    for k in keywords:
        pattern = re.escape(k) if len(k) >= 5 else rf"(?<!\w){re.escape(k)}"
        hits += [f"'{k}' in {field}" for field, text in fields.items() if re.search(pattern, text)]
    return hits


def classify(record: dict) -> tuple[dict[URIRef, list[str]], dict[URIRef, list[str]]]:
    """Spearheads and strategic choices with the rule hits behind each."""
    fields = texts(record)
    spearheads: dict[URIRef, list[str]] = {}
    choices: dict[URIRef, list[str]] = {}
    for key, groups in cur.SPEARHEAD_RULES.items():
        group_hits = [matches(keywords, fields) for keywords in groups]
        if all(group_hits):
            spearheads[res(f"concept/spearheads/{key}")] = [h for hits in group_hits for h in hits]
    if spearheads:
        # The four spearheads sit under the RDI choice ('RDI related to sustainable growth').
        choices[res(f"concept/strategic-choices/{cur.CHOICE_SLUGS[1]}")] = [
            "a spearhead matched (spearheads are under this choice)"
        ]
    for key, keywords in cur.CHOICE_KEYWORDS.items():
        hits = matches(keywords, fields)
        if hits:
            choices.setdefault(res(f"concept/strategic-choices/{key}"), []).extend(hits)
    if record["fund"] in cur.CHOICE_BY_FUND:
        key = cur.CHOICE_BY_FUND[record["fund"]]
        choices.setdefault(res(f"concept/strategic-choices/{key}"), []).append(f"fund '{record['fund']}'")
    return spearheads, choices


def classification_graph(projects: list[dict]) -> tuple[Graph, list[str]]:
    """The graph, and the era-relevant projects no rule matched (reported, not classified)."""
    g = Graph()
    when = Literal(f"{cur.CLASSIFICATION_RULES_VERSION}T00:00:00Z", datatype=XSD.dateTime)
    g.add((AGENT, RDF.type, PROV.SoftwareAgent))
    g.add((AGENT, RDFS.label, en("Smart Häme keyword classification rules")))
    g.add(
        (
            AGENT,
            RDFS.comment,
            en(
                "Keyword rules of server/graph/records/curation.py (SPEARHEAD_RULES, CHOICE_KEYWORDS, CHOICE_BY_FUND), applied by "
                "smarthame convert to the project's name, English summary, specific objective and programme."
            ),
        )
    )
    g.add(
        (GRAPH, RDFS.label, en("Classification of projects to Smart Häme spearheads and strategic choices"))
    )
    g.add(
        (
            GRAPH,
            RDFS.comment,
            en(
                "Every classification in this graph was made for the graph by documented keyword rules; none is a fact "
                "stated by a source. Each carries the rule that matched (smh:basis), the rule set (prov:wasAttributedTo) "
                "and when it was made (prov:generatedAtTime)."
            ),
        )
    )
    g.add((GRAPH, PROV.wasAttributedTo, AGENT))
    unmatched = []
    for record in projects:
        era = era_basis(record)
        if era is None:
            continue
        spearheads, choices = classify(record)
        if not choices:
            unmatched.append(record["name"])
            continue
        pid = project_id(record)
        project, c = res(f"project/{pid}"), res(f"classification/{pid}")
        g.add((c, RDF.type, SMH.Classification))
        g.add((c, SMH.classifiedProject, project))
        g.add((c, PROV.wasAttributedTo, AGENT))
        g.add((c, PROV.generatedAtTime, when))
        g.add((c, SMH.basis, en(era)))
        for prop, found in ((SMH.spearhead, spearheads), (SMH.strategicChoice, choices)):
            for concept, hits in found.items():
                g.add((c, prop, concept))
                g.add((project, SMH.contributesTo, concept))
                g.add((c, SMH.basis, en(f"{concept.split('/')[-1]}: {'; '.join(hits)}")))
    return g, unmatched
