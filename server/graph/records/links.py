"""graph/links: labels, notation, scheme and source of every external concept the data links to
(NUTS, municipalities, EU programme and country codes, EuroVoc, YSO), as ../shared/reference/vocabularies.md
gives them."""

from __future__ import annotations

from rdflib import RDF, Graph, URIRef

from server.graph.records import curation as cur
from server.graph.records.terms import COUNTRY, DCT, EUPROG, EUROVOC, KUNTA, NUTS, SKOS, YSO, lang

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
    "H2020": {"en": "Horizon 2020"},
    "EAFRD_2021": {"en": "European Agricultural Fund for Rural Development (EAFRD)"},
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
