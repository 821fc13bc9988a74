"""Convert the sourced reference records into the graph's Turtle files.

    smarthame convert            # writes data/{strategy,actors,projects,classification,links}.ttl
    smarthame convert --check    # exit 1 if data/*.ttl differ from what the records give

Reads ``../shared/reference/real-data/{strategy,projects,actors}.json`` (relative to the repository) and
the ontology (to check that every model concept the data points at exists). Output is deterministic:
the same records give byte-identical files. Judgements live in ``server.graph.records.curation``.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import RDF, Graph, URIRef

from server.graph.records import curation as cur
from server.graph.records.actors import Organisations, people_graph
from server.graph.records.classification import classification_graph
from server.graph.records.projects import projects_graph
from server.graph.records.strategy import strategy_graph
from server.graph.records.terms import (
    BASE,
    COUNTRY,
    DCT,
    EUPROG,
    EUROVOC,
    KUNTA,
    NUTS,
    PREFIXES,
    SKOS,
    SMH,
    YSO,
    lang,
)
from server.graph.records.turtle_writer import TurtleWriter
from server.settings import PROJECT_ROOT

REPO = PROJECT_ROOT
REFERENCE = REPO.parent / "shared" / "reference" / "real-data"
GRAPHS = ("strategy", "actors", "projects", "classification", "links")

# Where the labels of linked external concepts come from (the sources vocabularies.md names).
EFORMS = URIRef("https://github.com/OP-TED/eForms-SDK")
WIKIPEDIA_NUTS = URIRef("https://en.wikipedia.org/wiki/NUTS_statistical_regions_of_Finland")
KUNTA_LIST = URIRef("http://uri.suomi.fi/codelist/jhs/kunta_1_20230101")
EUROVOC_DUMP = URIRef("https://github.com/benoitdavidfr/eurovoc")
YSO_CORPORA = URIRef("https://github.com/NatLibFi/Annif-corpora")

# Labels of external concepts, as vocabularies.md gives them: IRI -> (labels, scheme, source, broader).
NUTS_LABELS = {
    "FI1C2": ({"fi": "Kanta-Häme"}, EFORMS, "FI1C"),
    "FI1C": ({"fi": "Etelä-Suomi", "en": "South Finland"}, WIKIPEDIA_NUTS, "FI1"),
    "FI1": ({"fi": "Manner-Suomi", "en": "Mainland Finland"}, WIKIPEDIA_NUTS, "FI"),
    "FI": ({"fi": "Suomi", "en": "Finland"}, WIKIPEDIA_NUTS, None),
}
EU_PROGRAMME_LABELS = {
    "ERDF": {"en": "European Regional Development Fund (ERDF)"},
    "ESF": {"en": "European Social Fund (ESF)"},
    "REACT_EU": {"en": "React-EU"},
    "EAFRD2020": {"en": "EAFRD"},
    "ERDF_2021": {
        "en": "European Regional Development Fund (ERDF)",
        "fi": "Euroopan aluekehitysrahasto (EAKR)",
    },
    "ESF_PLUS": {"en": "European Social Fund Plus (ESF+)", "fi": "Euroopan sosiaalirahasto plus (ESR+)"},
    "JTF": {"en": "Just Transition Fund", "fi": "Oikeudenmukaisen siirtymän rahasto"},
}
EUROVOC_LABELS = {
    "c_1138d9d2": "circular economy",
    "3549": "natural resources",
    "2947": "waste recycling",
    "656": "agri-foodstuffs",
    "1360": "food industry",
    "6308": "sustainable agriculture",
    "c_5a195ffd": "smart technology",
    "4253": "automation",
    "3740": "robotics",
    "7219": "digital technology",
    "c_18802d13": "ecodesign",
    "71": "product design",
    "5237": "research and development",
    "1439": "innovation",
    "1074": "vocational training",
}
YSO_LABELS = {
    "p28601": ("kiertotalous", "cirkulär ekonomi", "circular economy"),
    "p4515": ("luonnonvarat", "naturresurser", "natural resources"),
    "p5268": ("kierrätys", "återvinning (användning)", "recycling"),
    "p37958": ("ruokajärjestelmät", "livsmedelssystem", "food systems"),
    "p14920": ("elintarviketalous", "livsmedelsekonomi", "food economy"),
    "p15341": ("elintarviketuotanto", "livsmedelsproduktion", "food production"),
    "p8692": ("digitalisaatio", "digitalisering (process)", "digitalisation"),
    "p2615": ("robotiikka", "robotteknik", "robotics"),
    "p11477": ("automaatio", "automation", "automation"),
    "p6455": ("muotoilu", "formgivning", "design (artistic creation)"),
    "p6454": ("teollinen muotoilu", "industriell formgivning", "industrial design"),
    "p21190": ("palvelumuotoilu", "service design", "service design"),
    "p2039": (
        "tutkimus- ja kehittämistoiminta",
        "forskning och utveckling",
        "research and development operations",
    ),
    "p21039": ("innovaatiotoiminta", "innovationsverksamhet", "innovation (activity)"),
}
EXTERNAL = (str(NUTS), str(KUNTA), str(EUPROG), str(COUNTRY), str(EUROVOC), str(YSO))


def load(reference: Path) -> tuple[dict, list[dict], list[dict]]:
    def read(name: str):
        return json.loads((reference / f"{name}.json").read_text(encoding="utf-8"))

    return read("strategy"), read("projects"), read("actors")


def links_graph(graphs: list[Graph]) -> Graph:
    """Labels, notation, scheme and source of every external concept the other graphs link to."""
    linked = {o for g in graphs for o in g.objects() if isinstance(o, URIRef) and str(o).startswith(EXTERNAL)}
    linked |= {NUTS[code] for code in NUTS_LABELS} | {COUNTRY["FIN"]}
    g = Graph()
    by_code = {info["code"]: (name, info) for name, info in cur.MUNICIPALITIES.items()}
    for iri in sorted(linked):
        value = str(iri)
        g.add((iri, RDF.type, SKOS.Concept))
        if value.startswith(str(NUTS)):
            code = value[len(str(NUTS)) :]
            labels, source, broader = NUTS_LABELS[code]
            g.add((iri, SKOS.notation, lang(code, None)))
            g.add((iri, SKOS.inScheme, URIRef("http://data.europa.eu/nuts/scheme/2024")))
            if broader:
                g.add((iri, SKOS.broader, NUTS[broader]))
        elif value.startswith(str(KUNTA)):
            code = value[len(str(KUNTA)) :]
            name, info = by_code[code]
            labels, source = {"fi": name, **({"sv": info["sv"]} if "sv" in info else {})}, KUNTA_LIST
            g.add((iri, SKOS.notation, lang(code, None)))
            g.add((iri, SKOS.inScheme, KUNTA_LIST))
        elif value.startswith(str(EUPROG)):
            code = value[len(str(EUPROG)) :]
            labels, source = EU_PROGRAMME_LABELS[code], EFORMS
            g.add((iri, SKOS.notation, lang(code, None)))
            g.add(
                (iri, SKOS.inScheme, URIRef("http://publications.europa.eu/resource/authority/eu-programme"))
            )
        elif value.startswith(str(COUNTRY)):
            labels, source = {"en": "Finland", "fi": "Suomi"}, EFORMS
            g.add((iri, SKOS.inScheme, URIRef("http://publications.europa.eu/resource/authority/country")))
        elif value.startswith(str(EUROVOC)):
            labels, source = {"en": EUROVOC_LABELS[value[len(str(EUROVOC)) :]]}, EUROVOC_DUMP
            g.add((iri, SKOS.inScheme, EUROVOC["100141"]))
        else:
            labels, source = dict(zip(("fi", "sv", "en"), YSO_LABELS[value[len(str(YSO)) :]])), YSO_CORPORA
        for language, text in labels.items():
            g.add((iri, SKOS.prefLabel, lang(text, language)))
        g.add((iri, DCT.source, source))
    return g


def drop_undefined_model_concepts(graphs: list[Graph], ontology: Path) -> list[str]:
    """Model concepts (concept/amount-types/…, concept/funds/…) the data points at must exist in the ontology.

    A missing fund concept (the ontology has none for ERDF 2007–2013 yet) is dropped with a warning, the
    fund as written stays; any other missing model concept stops the conversion.
    """
    defined = set(Graph().parse(ontology, format="turtle").subjects()) if ontology.is_file() else None
    warnings = []
    model = ("amount-types", "organisation-types", "funds", "participant-roles", "programme-event-types")
    for g in graphs:
        for s, p, o in list(g):
            if not (isinstance(o, URIRef) and any(str(o).startswith(f"{BASE}concept/{m}/") for m in model)):
                continue
            if defined is None or o in defined:
                continue
            if p == SMH.fund:
                g.remove((s, p, o))
                warnings.append(f"{s}: fund concept {o} is not in the ontology; only smh:fundAsWritten kept")
            else:
                raise SystemExit(f"{o} (used by {s}) is not defined in {ontology}")
    return warnings


def convert(reference: Path) -> tuple[dict[str, str], list[str]]:
    """The Turtle text of each data file, and the report lines."""
    strategy, projects, actors = load(reference)
    orgs = Organisations(actors)
    strategy_g = strategy_graph(strategy, orgs)
    projects_g, writer = projects_graph(projects, orgs)
    actors_g = orgs.graph() + people_graph(strategy, orgs)
    classification_g, unmatched = classification_graph(projects)
    report = drop_undefined_model_concepts(
        [strategy_g, actors_g, projects_g], REPO / "ontology" / "smart-hame.ttl"
    )
    links_g = links_graph([strategy_g, actors_g, projects_g, classification_g])
    report += [f"invalid business ID not published: {name} {bid}" for name, bid in orgs.invalid_business_ids]
    report += [f"amount kept without a value (ambiguous): {name}: {text}" for name, text in writer.ambiguous]
    report += [f"Smart Häme-era project no rule matched: {name}" for name in unmatched]
    graphs = {
        "strategy": strategy_g,
        "actors": actors_g,
        "projects": projects_g,
        "classification": classification_g,
        "links": links_g,
    }
    tw = TurtleWriter(PREFIXES)
    out = {}
    for name in GRAPHS:
        header = [
            f"Graph <{BASE}graph/{name}>. Generated by `smarthame convert` from",
            "../shared/reference/real-data/*.json and server/graph/records/curation.py; do not edit by hand.",
        ]
        out[name] = tw.serialize(graphs[name], header)
        report.append(f"{name}: {len(graphs[name])} triples")
    return out, report


def write_data(reference: Path, out: Path, check: bool = False) -> tuple[list[str], list[str]]:
    """Convert ``reference`` into ``out``/*.ttl (or only compare, with ``check``): the names of the files
    that differ (were rewritten, or would be), and the report lines."""
    files, report = convert(reference)
    changed = []
    for name, text in files.items():
        path = out / f"{name}.ttl"
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            changed.append(path.name)
            if not check:
                path.write_text(text, encoding="utf-8")
    return changed, report
