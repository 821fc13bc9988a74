"""Hand-curated tables for the converter (``server.graph.records.convert``): every judgement the converter makes, with the reason.

The sourced records (``../shared/reference/real-data/*.json``) are copied as written; this module holds
what cannot be read off them mechanically: which spelling names which organisation, which fund code a
fund name means, what an amount label means, where a person held a role, how Smart Tavastia maps to
Smart Häme, and the keyword rules of the classification graph. Change a judgement here, rerun the
converter, and the diff of ``data/*.ttl`` shows its effect.
"""

from __future__ import annotations

from typing import Any

# ---------------------------------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------------------------------

# Organisations that the sources name but actors.json does not list (project applicants and partners,
# the cooperation group and the regional council's organs). Sources are added by the converter from
# every record that mentions them; ``extra_sources`` are pages that describe the organisation itself.
EXTRA_ORGANISATIONS: list[dict[str, Any]] = [
    {
        "name": "Kanta-Hämeen maakunnan yhteistyöryhmä",
        "kind": "collaboration",
        "aliases": [
            "MYR",
            "Hämeen yhteistyöryhmä",
            "Maakunnan yhteistyöryhmä MYR",
            "maakunnan yhteistyöryhmä",
        ],
        "public": True,
        "municipality": None,
        "comment_fi": "Hämeen maakuntahallitus asetti 5.5.2014 Kanta-Hämeen maakunnan yhteistyöryhmän (MYR) "
        "rakennerahastokaudelle; ensimmäinen kokous 9.6.2014 Hämeenlinnan Verkatehtaalla.",
        "extra_sources": ["https://www.hameenliitto.fi/fi/hameen-maakunnan-yhteistyoryhman-toiminta?page=1"],
    },
    {
        "name": "Hämeen maakuntahallitus",
        "kind": "unit",
        "unit_of": "Hämeen liitto",
        "public": True,
        "aliases": ["maakuntahallitus"],
        "extra_sources": ["https://hameenliitto.fi/maakuntaohjelman-luonnos-lahtee-lausuntokierrokselle/"],
    },
    {
        "name": "Hämeen maakuntavaltuusto",
        "kind": "unit",
        "unit_of": "Hämeen liitto",
        "public": True,
        "aliases": ["maakuntavaltuusto", "Tavastlands landskapsfullmäktige"],
        "alias_languages": {"Tavastlands landskapsfullmäktige": "sv"},
        "extra_sources": [
            "https://hameenliitto.fi/elinvoima-ja-kehittaminen/kestavan-kasvun-hame/vihrean-kasvun-hame/",
            "http://www.rakennerahastot.fi/sv/web/etela-suomen-suuralue/kanta-hame",
        ],
    },
    # actors.json lists the partner line "Helsingin yliopisto, Lammin biologinen asema, 0313471-7": the
    # business ID is the university's, the station a unit of it. LEVARBIO's applicant is written plain
    # "Helsingin yliopisto", so the legal entity and its unit are two resources and the ID sits on the
    # legal entity (deduplication by business ID).
    {"name": "Helsingin yliopisto", "public": True, "extra_sources": []},
    {"name": "Lappeenrannan teknillinen yliopisto", "extra_sources": []},
    {"name": "Turun yliopisto", "public": True, "extra_sources": []},
    {"name": "Suomen yrittäjäopiston kannatus Oy", "extra_sources": []},
    {"name": "Hämeen Sininauha ry", "extra_sources": []},
    {
        "name": "Maa- ja elintarviketalouden tutkimuskeskus",
        "aliases": ["MTT"],
        "public": True,
        "extra_sources": [
            "https://www.forssanlehti.fi/uutiset/kakkostien-kehittamis-hankkeelle-41-000-euroa-10856"
        ],
    },
    {
        "name": "Foundation FUNDECYT, Scientific and Technological Park of Extremadura",
        "label_language": "en",
        "extra_sources": [],
    },
    {
        "name": "LUO Luonnonvara-alan verkosto",
        "kind": "collaboration",
        "aliases": ["LUO-verkosto"],
        "members": [
            "Luonnonvarakeskus, LUKE",
            "Hämeen ammattikorkeakoulu Oy",
            "Helsingin yliopisto, Lammin biologinen asema",
            "Aalto yliopisto (Aalto-korkeakoulusäätiö)",
        ],
        "extra_sources": [
            "https://hameenliitto.fi/elinvoima-ja-kehittaminen/kestava-elamantapa-ja-luonnonvarat/bio-ja-kiertotalous/"
        ],
    },
    {
        "name": "Hämeen Tiedeverkosto",
        "kind": "collaboration",
        "comment_fi": "Mainittu vasta perustettuna ja RIS3-työhön liittyvänä (2021).",
        "extra_sources": [
            "https://hameenliitto.fi/elinvoima-ja-kehittaminen/yhteistyo/hame-goes-for-growth/"
        ],
    },
]

# actors.json entries that are units of another organisation: the business ID given on the unit's line is
# the parent's, so it is published on the parent.
UNITS: dict[str, str] = {"Helsingin yliopisto, Lammin biologinen asema": "Helsingin yliopisto"}

# Organisation names as the project records write them -> the organisation they name, and whether the
# spelling is worth keeping as an alternative label (a name) or is a name plus a role remark (not kept).
NAME_VARIANTS: dict[str, tuple[str, str | None]] = {
    # HAMK: the brand names the university; from 2015 its legal entity is Hämeen ammattikorkeakoulu Oy
    # (README §5.6). The 2007–2013 entity is kept apart (its own business ID).
    "HAMK": ("Hämeen ammattikorkeakoulu Oy", "HAMK"),
    "HAMK (Hämeen ammattikorkeakoulu)": ("Hämeen ammattikorkeakoulu Oy", None),
    "Hämeen ammattikorkeakoulu": ("Hämeen ammattikorkeakoulu Oy", "Hämeen ammattikorkeakoulu"),
    "Hämeen ammattikorkeakoulu (HAMK Bio koordinoi)": ("Hämeen ammattikorkeakoulu Oy", None),
    "Hämeen ammattikorkeakoulu HAMK": ("Hämeen ammattikorkeakoulu Oy", None),
    "HAMK Häme University of Applied Sciences": ("Hämeen ammattikorkeakoulu Oy", None),
    "Häme University of Applied Sciences": (
        "Hämeen ammattikorkeakoulu Oy",
        "en:Häme University of Applied Sciences",
    ),
    "Hämeenlinnan kaupunki (hallinnoija)": ("Hämeenlinnan kaupunki", None),
    "Lounais-Hämeen koulutuskuntayhtymä (LHKK, koordinoi)": ("Lounais-Hämeen koulutuskuntayhtymä", "LHKK"),
    "Luonnonvarakeskus": ("Luonnonvarakeskus, LUKE", "Luonnonvarakeskus"),
    "Laurea University of Applied Sciences": (
        "Laurea-ammattikorkeakoulu Oy",
        "en:Laurea University of Applied Sciences",
    ),
    "Maa- ja elintarviketalouden tutkimuskeskus (MTT)": ("Maa- ja elintarviketalouden tutkimuskeskus", None),
    "Foundation FUNDECYT, Scientific and Technological Park of Extremadura (pääpartneri)": (
        "Foundation FUNDECYT, Scientific and Technological Park of Extremadura",
        None,
    ),
}

# One applicant line that names several organisations (a joint application).
JOINT_APPLICANTS: dict[str, list[str]] = {
    "Forssan Yrityskehitys Oy, Linnan Kehitys Oy ja Riihimäen Tilat ja Kehitys Oy (yhdessä)": [
        "Forssan Yrityskehitys Oy",
        "Linnan Kehitys Oy",
        "Riihimäen Tilat ja Kehitys Oy",
    ],
}

# Per-record exceptions to NAME_VARIANTS, by project name. Valkuaisosaamiskeskus was endorsed on 8.12.2014,
# before HAMK Oy took over; the record's note cites Forssan Lehti naming the implementer "Hämeen ammatillisen
# korkeakoulutuksen kuntayhtymä", the only source that names a legal entity for it.
RECORD_APPLICANT_OVERRIDES: dict[str, str] = {
    "Valkuaisosaamiskeskuksesta ratkaisuja Hämeen valkuaisomavaraisuuteen": "Hämeen ammatillisen korkeakoulutuksen kuntayhtymä",
}

# rahoittaja_per_lahde (the funder the source names) -> organisation. The parenthesis is the collector's
# remark on where the statement comes from; it is kept as a note on the project.
FUNDER_PREFIXES: list[tuple[str, str]] = [
    ("Hämeen liitto", "Hämeen liitto"),
    ("Hämeen ELY-keskus", "Hämeen elinkeino-, liikenne- ja ympäristökeskus"),
    ("Häme ELY Centre", "Hämeen elinkeino-, liikenne- ja ympäristökeskus"),
]

# Decision texts that name the granting body ("Hämeen maakuntahallitus myönsi AKKE-rahoitusta").
DECISION_FUNDERS: list[tuple[str, str]] = [("maakuntahallitus myönsi", "Hämeen maakuntahallitus")]

# Alias spellings in actors.json that are not Finnish, and alias strings that carry a remark.
ALIAS_LANGUAGES: dict[str, str] = {
    "Tavastlands förbund": "sv",
    "Regional Council of Häme": "en",
    "Häme ELY Centre": "en",
}
ALIAS_CLEANUP: dict[str, str] = {
    "Riihimäen tilat ja kehitys Oy (spelling on EURA page S20183)": "Riihimäen tilat ja kehitys Oy",
}

# Official names in other languages (strategy.json region.regional_council).
TRANSLATED_NAMES: dict[str, dict[str, str]] = {
    "Hämeen liitto": {"sv": "Tavastlands förbund", "en": "Regional Council of Häme"},
}

# actors.json notes are copied as skos:note without the sentences that name a person
# (server.graph.records.notes); these notes are replaced outright.
NOTE_OVERRIDES: dict[str, list[str]] = {
    # The note names the managing directors the articles name; FYK, the rest of it, is an alias already.
    "Forssan Yrityskehitys Oy": [],
}

# EURA "Organisaatiotyyppi" values (README §2) -> slug of the concept in scheme/organisation-types. Non-EURA
# descriptions in actors.json map only where they literally contain a EURA type; the rest stay a note.
ORGANISATION_TYPES: dict[str, str] = {
    "Ammattikorkeakoulu": "university-of-applied-sciences",
    "Kunta": "municipality",
    "Kuntayhtymä": "joint-municipal-authority",
    "Säätiö": "foundation",
    "Ammatillinen oppilaitos": "vocational-institution",
    "Muu yksityisoikeudellinen oikeushenkilö": "other-private-law-entity",
    "Muu julkisoikeudellinen oikeushenkilö": "other-public-law-entity",
    "Kansalaisjärjestö": "non-governmental-organisation",
    "Mikroyritys": "micro-enterprise",
    "Pieni yritys": "small-enterprise",
    "Keskisuuri yritys": "medium-sized-enterprise",
    "Yliopisto": "university",
    "Valtion viranomainen": "state-authority",
    # EURA 2007 values
    "Yritys": "company",
    "Muu oppilaitos": "other-educational-institution",
    # descriptions in actors.json that name a type outright; the description itself is kept as a note
    "maakunnan liitto (kuntayhtymä)": "joint-municipal-authority",
    "valtion viranomainen (ELY-keskus)": "state-authority",
    "ministeriö": "state-authority",  # the ontology's definition names a ministry as a state authority
    "yhdistys": "association",
    "yritys": "company",
    "yritys (ohjelmistotoimittaja)": "company",
    "osakeyhtiö (oppilaitos)": "company",
    # the ontology's definition gives a municipal business development company as its example
    "kaupungin elinkeinoyhtiö": "other-private-law-entity",
}

# Types that make an organisation a public body (cv:PublicOrganisation), plus public bodies whose type the
# sources leave empty (state research institutes, state enterprise, public-law universities).
PUBLIC_TYPES = {"municipality", "joint-municipal-authority", "state-authority", "other-public-law-entity"}
PUBLIC_BY_NAME = {
    "Luonnonvarakeskus, LUKE",
    "Geologian tutkimuskeskus",
    "Metsähallitus",
    "Hämeen ammatillisen korkeakoulutuksen kuntayhtymä",
}

# Municipality codes (kunta_1_20230101). The eleven Kanta-Häme codes are listed in vocabularies.md §6.1;
# Helsinki, Hyvinkää and Lahti were checked in the same public SQL dump of the code list that §6.1 cites
# (code_lists.finnish_municipalities rows '091', '106', '398').
MUNICIPALITIES: dict[str, dict[str, str]] = {
    "Hämeenlinna": {"code": "109", "sv": "Tavastehus", "yso": "p94148"},
    "Riihimäki": {"code": "694", "yso": "p94377"},
    "Forssa": {"code": "061", "yso": "p94114"},
    "Janakkala": {"code": "165", "yso": "p94164"},
    "Hattula": {"code": "082", "yso": "p94129"},
    "Loppi": {"code": "433", "yso": "p94274"},
    "Hausjärvi": {"code": "086", "yso": "p94132"},
    "Tammela": {"code": "834", "yso": "p105260"},
    "Jokioinen": {"code": "169", "sv": "Jockis", "yso": "p105729"},
    "Ypäjä": {"code": "981", "yso": "p105542"},
    "Humppila": {"code": "103", "yso": "p108252"},
    "Helsinki": {"code": "091", "sv": "Helsingfors"},
    "Hyvinkää": {"code": "106", "sv": "Hyvinge"},
    "Lahti": {"code": "398", "sv": "Lahtis"},
}
KANTA_HAME_CODES = {"109", "694", "061", "165", "082", "433", "086", "834", "169", "981", "103"}

# Municipal organisations -> the municipality they govern (actors.json leaves `municipality` empty for most).
MUNICIPAL_ORGANISATIONS: dict[str, str] = {
    "Hämeenlinnan kaupunki": "Hämeenlinna",
    "Forssan kaupunki": "Forssa",
    "Riihimäen kaupunki": "Riihimäki",
    "Janakkalan kunta": "Janakkala",
    "Hattulan kunta": "Hattula",
    "Lopen kunta": "Loppi",
    "Hausjärven kunta": "Hausjärvi",
    "Tammelan kunta": "Tammela",
    "Jokioisten kunta": "Jokioinen",
    "Ypäjän kunta": "Ypäjä",
    "Humppilan kunta": "Humppila",
}

# actors.json `municipality` values with a remark: the remark is dropped where the place is plain.
# "Ypäjä (per context)" is the collector's inference and is therefore not linked.
MUNICIPALITY_CLEANUP: dict[str, str | None] = {
    "Hämeenlinna (Vanajavesi)": "Hämeenlinna",
    "Forssa (Envitech-alue)": "Forssa",
    "Ypäjä (per context)": None,
}

# ---------------------------------------------------------------------------------------------------
# People (strategy.json `people` only) -> the organisation each role variant is held in, by position.
# ---------------------------------------------------------------------------------------------------
ROLE_ORGANISATIONS: dict[str, list[str]] = {
    "Marko Mälly": ["Hämeen liitto", "Hämeen liitto", "Hämeen liitto"],
    "Anna-Mari Ahonen": ["Hämeen liitto"],
    "Matti Lipsanen": ["Hämeen liitto", "Hämeen liitto"],
    "Osmo Väistö": ["Hämeen liitto", "Hämeen liitto"],
    "Antti Ahonen": ["Hämeen maakuntahallitus", "Kanta-Hämeen maakunnan yhteistyöryhmä"],
    "Sebastian Hovi": ["Hämeen liitto", "Hämeen liitto"],
    "Minna Takala": ["Hämeen liitto"],
    "Annukka Pakarinen": ["Hämeen ammattikorkeakoulu Oy"],
    "Riikka Riihimäki": ["Forssan Yrityskehitys Oy"],
    "Kari Saarinen": ["Linnan Kehitys Oy"],
    "Mirja Ojantausta": ["Hämeen kauppakamari"],
    "Juho Wuorinen": ["Hämeen elinkeino-, liikenne- ja ympäristökeskus"],
    "Timo Kukkonen": ["Hämeen elinkeino-, liikenne- ja ympäristökeskus"],
    "Jouni Eho": ["Riihimäen kaupunki"],
    "Pekka Määttänen": ["Hausjärven kunta"],
    "Reijo Siltala": ["Janakkalan kunta"],
}
# Year a role was named in, where the role text or its source dates it.
ROLE_YEARS: dict[tuple[str, int], str] = {
    ("Marko Mälly", 2): "2019",  # HAMK news 2019
    ("Antti Ahonen", 0): "2021",  # (27.9.2021)
    ("Kari Saarinen", 0): "2020",
    ("Timo Kukkonen", 0): "2024",
    ("Jouni Eho", 0): "2024",
    ("Pekka Määttänen", 0): "2024",
    ("Sebastian Hovi", 1): "2023",  # Hämeen liiton tiedote 22.5.2023 (rtoy.fi)
}
# Role texts that are English as written.
ENGLISH_ROLES = {
    "contact for international projects, Regional Council of Häme",
    "Regional Council of Häme (quoted on Häme-Portfolio; title not in excerpt)",
}

# ---------------------------------------------------------------------------------------------------
# Projects
# ---------------------------------------------------------------------------------------------------

# (fund as written, period prefix) -> EU programme code (vocabularies.md §2.2) or a concept slug of the
# ontology's scheme/funds (prefixed "funds:") for national or unverified funds. None: not mappable.
FUNDS: dict[tuple[str, str | None], str | None] = {
    ("EAKR", "2014–2020"): "ERDF",
    ("EAKR", "2021–2027"): "ERDF_2021",
    # No verified eu-programme code for 2007–2013: the ontology's national concept, when it defines one.
    ("EAKR", "2007–2013"): "funds:erdf-2007-2013",
    ("ESR", "2014–2020"): "ESF",
    ("ESR", "2007–2013"): "funds:esf-2007-2013",
    ("ESR", None): None,  # the source gives no period: ESF (2014–2020) and ESF+ cannot be told apart
    ("ESR+", "2021–2027"): "ESF_PLUS",
    ("JTF", "2021–2027"): "JTF",
    ("ESR (REACT-EU)", "2014–2020"): "REACT_EU",
    # Interreg Europe 2014–2020 is financed from the ERDF; the programme name is kept as written.
    ("EAKR / Interreg Europe", "2014–2020"): "ERDF",
    # EAFRD 2014–2020, extended by the 2021–2022 transition period (the record's period says so).
    ("EMR / maaseuturahasto", "2014–2020"): "EAFRD2020",
    ("AKKE (kansallinen)", None): "funds:akke",
    ("AKKE (paikallinen äkillinen rakennemuutos)", None): "funds:akke-sudden-structural-change",
    ("AKKE (alueelliset innovaatiot ja kokeilut)", None): "funds:akke-regional-innovations-and-experiments",
    ("EU co-funded (fund not named on page)", None): None,
}

# Budget labels (keys of a record's `budget`, plus the `kustannusarvio` field) -> amount-type slug in
# scheme/amount-types, and whose share it is where the label says so. MYR figures are the EU and state
# funding the cooperation group endorsed, never a total budget (README §5.7).
AMOUNT_TYPES: dict[str, str] = {
    "EU- ja valtion rahoitus (MYR:n puoltama)": "eu-and-state-funding-endorsed",
    "eu_ja_valtio_myr_2015": "eu-and-state-funding-endorsed",
    "eu_ja_valtio_myr_2016": "eu-and-state-funding-endorsed",
    "eu_ja_valtio_myr_2017": "eu-and-state-funding-endorsed",
    "Hämeen yhteistyöryhmän puoltama REACT-EU-ESR": "eu-and-state-funding-endorsed",
    "rahoitus (maakuntahallitus myönsi)": "granted-funding",
    "Myönnetty rahoitus": "granted-funding",
    "myönnetty rahoitus": "granted-funding",
    "AKKE-rahoitus (maakuntahallitus myönsi)": "granted-funding",
    # Forssan Lehti: the region "sai" (received) about 290 000 euros of ELY's ESF money.
    "esr_rahoitus_noin": "granted-funding",
    "haettu EAKR- ja valtion rahoitus (Forssan Lehti)": "applied-funding",
    "rahoitushakemus (Forssan Lehti)": "applied-funding",
    "kokonaisbudjetti": "total-cost",
    "kustannusarvio": "total-cost",
    # KieMaRa: ProAgria is the applicant (päätoteuttaja), HAMK a partner (osatoteuttaja).
    "HAMK_osuus": "partner-share",
    "ProAgria_osuus": "own-share",
    "HAMK_ja_Hameen_liitto_osuus": "partner-share",
    "Budget (HAMK’s part)": "partner-share",
    # The page says only "budget" / shows an amount: whether total or share is not stated.
    "budget": "unspecified-amount",
    "amount shown on project page": "unspecified-amount",
}
AMOUNT_SHARES: dict[str, list[str]] = {
    "HAMK_osuus": ["Hämeen ammattikorkeakoulu Oy"],
    "ProAgria_osuus": ["ProAgria Keskusten Liitto ry"],
    "HAMK_ja_Hameen_liitto_osuus": ["Hämeen ammattikorkeakoulu Oy", "Hämeen liitto"],
    "Budget (HAMK’s part)": ["Hämeen ammattikorkeakoulu Oy"],
}

# MYR decision pages -> meeting date. Each date is the one the decision-list records from the same page
# give ("MYR 8.6.2015", …) or the page's own slug (kokous-662016 = 6.6.2016).
MYR_PAGES: dict[str, str] = {
    "https://www.hameenliitto.fi/fi/hameen-yhteistyoryhma-kokous-8122014": "2014-12-08",
    "https://www.hameenliitto.fi/fi/hameen-yhteistyoryhma-kasitteli-23-miljoonan-euron-eu-hankkeet": "2015-06-08",
    "https://www.hameenliitto.fi/fi/hameen-yhteistyoryhman-kokous-662016": "2016-06-06",
    "https://www.hameenliitto.fi/fi/hameen-yhteistyoryhman-paatokset-562017": "2017-06-05",
}

# Decision texts that do not mean the cooperation group selected the project: small ERDF projects were only
# "merkitty tiedoksi" (noted), and VT 2 was endorsed by MYR's secretariat and approved by the board.
NOT_A_SELECTION = ("merkitty tiedoksi", "sihteeristö")

# Project names whose source page is in English (the name is tagged @en, not @fi). A name written
# "Finnish (English)" is split into both.
BILINGUAL_NAMES: dict[str, tuple[str, str]] = {
    "Opiskelijoiden työllistymisen ja pitovoiman edistäminen Kanta-Hämeessä (Promoting students’ employment and "
    "settling down in Kanta-Häme)": (
        "Opiskelijoiden työllistymisen ja pitovoiman edistäminen Kanta-Hämeessä",
        "Promoting students’ employment and settling down in Kanta-Häme",
    ),
}
ENGLISH_NAMES = {
    "Digital expertise and sustainable work for home care (DIGIKH)",
    "HORTIANNA – Center of Circular Economy and Horticulture",
}

# Status values written with the collector's Finnish gloss: the value on the (Swedish) page is kept.
STATUS_VALUES: dict[str, tuple[str, str]] = {
    "Avslutat (päättynyt)": ("Avslutat", "sv"),
    "Är igång (käynnissä, snapshot)": ("Är igång", "sv"),
}

# ---------------------------------------------------------------------------------------------------
# Strategy
# ---------------------------------------------------------------------------------------------------

SPEARHEAD_SLUGS = {
    1: "circular-economy",
    2: "sustainable-food-system",
    3: "smart-services-and-production",
    4: "design",
}
CHOICE_SLUGS = {1: "sustainable-growth-rdi", 2: "competence-employment-inclusion", 3: "infrastructure"}
SMART_TAVASTIA_SLUGS = {
    1: "luonnonvarojen-kestava-kaytto",
    2: "teollisuus-4-0",
    3: "rakennettu-ymparisto",
    4: "luova-talous",
}

# Links from spearheads and choices to EuroVoc and YSO concepts: only IRIs vocabularies.md lists (§3, §6.2).
# closeMatch where the concept names the spearhead's core, relatedMatch where it names a part of it.
CONCEPT_LINKS: dict[str, dict[str, list[str]]] = {
    "spearheads/circular-economy": {
        "closeMatch": ["eurovoc:c_1138d9d2", "yso:p28601"],
        "relatedMatch": ["eurovoc:3549", "yso:p4515", "eurovoc:2947", "yso:p5268"],
    },
    "spearheads/sustainable-food-system": {
        "closeMatch": ["yso:p37958"],
        "relatedMatch": ["eurovoc:656", "eurovoc:1360", "eurovoc:6308", "yso:p14920", "yso:p15341"],
    },
    "spearheads/smart-services-and-production": {
        "relatedMatch": [
            "eurovoc:c_5a195ffd",
            "eurovoc:4253",
            "eurovoc:3740",
            "eurovoc:7219",
            "yso:p8692",
            "yso:p2615",
            "yso:p11477",
        ],
    },
    "spearheads/design": {
        "closeMatch": ["yso:p6455"],
        "relatedMatch": ["eurovoc:c_18802d13", "eurovoc:71", "yso:p6454", "yso:p21190"],
    },
    "strategic-choices/sustainable-growth-rdi": {
        "relatedMatch": ["eurovoc:5237", "eurovoc:1439", "yso:p2039", "yso:p21039"],
    },
    "strategic-choices/competence-employment-inclusion": {
        "relatedMatch": ["eurovoc:1074"],
    },
}

# Smart Tavastia (2017) -> Smart Häme (2021): which Smart Häme spearheads continue each older spearhead,
# judged from the scope texts on the Smart Tavastia page and the Smart Häme spearhead names (README §5.3).
# narrowMatch: the Smart Häme spearhead covers a part of the older one. relatedMatch: overlap only.
SMART_TAVASTIA_MAPPINGS: list[tuple[int, str, int, str]] = [
    (
        1,
        "narrowMatch",
        1,
        (
            "'bio- ja kiertotalous' in the Smart Tavastia scope is the circular economy and natural resources of "
            "Smart Häme spearhead 1."
        ),
    ),
    (
        1,
        "narrowMatch",
        2,
        (
            "'älykäs maatalous ja elintarviketuotanto' in the Smart Tavastia scope became a spearhead of its own, "
            "the sustainable food system (README §5.3: food becomes a spearhead of its own)."
        ),
    ),
    (
        2,
        "relatedMatch",
        3,
        (
            "'robotiikka ja älykäs tuotanto' continues in smart production processes; Industry 4.0 itself is no "
            "longer a separate spearhead (README §5.3)."
        ),
    ),
    (
        4,
        "relatedMatch",
        4,
        "design is a creative field; Smart Häme makes it a spearhead of its own (README §5.3).",
    ),
    (4, "relatedMatch", 3, "'älykkäät palvelut' in the Smart Tavastia scope continues in smart services."),
]
SMART_TAVASTIA_UNMAPPED = {
    3: "No Smart Häme spearhead continues 'Rakennettu ympäristö' (README §5.3: the built environment disappears "
    "as a separate spearhead).",
}

# ---------------------------------------------------------------------------------------------------
# The second batch (../shared/reference/real-data-2): its README's corrections and the spellings,
# funds and amount labels its records use. Same kinds of judgement as above, kept apart so the diff of
# a batch shows what that batch needed.
# ---------------------------------------------------------------------------------------------------

# Organisation records that are one organisation under another name, with the reason (README of the
# second batch, "Corrections and additions"). Records with the same business ID are joined without an
# entry here; these are the joins the IDs do not make.
SAME_ORGANISATION: dict[str, tuple[str, str]] = {
    "Lappeenrannan teknillinen yliopisto": (
        "LUT-yliopisto",
        "real-data-2 README: 'Lappeenrannan teknillinen yliopisto' is an alias of LUT-yliopisto",
    ),
}

# Names the second batch's project records write -> the organisation (and an alternative label worth
# keeping, "en:" for English). A name followed by a remark in parentheses ("Vanajavesikeskus
# (koordinoi)") is resolved by the name before the remark without an entry here.
NAME_VARIANTS.update(
    {
        # README: 'Lab-ammattikorkeakoulu Oy' (EURA S22876, A75245) has the business ID 2630644-6 of
        # Lahden ammattikorkeakoulu Oy: one organisation, two names. 'LAB-ammattikorkeakoulu' is the
        # same name as HITU's and METE2's pages write it.
        "Lab-ammattikorkeakoulu Oy": ("Lahden ammattikorkeakoulu Oy", "Lab-ammattikorkeakoulu Oy"),
        "LAB-ammattikorkeakoulu": ("Lahden ammattikorkeakoulu Oy", "LAB-ammattikorkeakoulu"),
        # README: "Lounais-Hämeen ammatillisen koulutuksen kuntayhtymä" (S20682) is LHKK (0626288-8).
        "Lounais-Hämeen ammatillisen koulutuksen kuntayhtymä": (
            "Lounais-Hämeen koulutuskuntayhtymä",
            "Lounais-Hämeen ammatillisen koulutuksen kuntayhtymä",
        ),
        # README: "Kiipula Foundation" is Kiipulasäätiö; "Forssa Region Development Centre" is Forssan
        # Seudun Kehittämiskeskus Oy.
        "Kiipula Foundation": ("Kiipulasäätiö", "en:Kiipula Foundation"),
        "Forssan seudun kehittämiskeskus (Forssa Region Development Centre)": (
            "Forssan Seudun Kehittämiskeskus Oy",
            "en:Forssa Region Development Centre",
        ),
        "Hämeen ammattikorkeakoulu (HAMK)": ("Hämeen ammattikorkeakoulu Oy", None),
        "Häme University of Applied Sciences (HAMK)": ("Hämeen ammattikorkeakoulu Oy", None),
        "Hämeen ammattikorkeakoulu, KT Biotalous, Evo": ("Hämeen ammattikorkeakoulu Oy", None),
        "Hämeen ammattikorkeakoulu, Muotoilun koulutusohjelma, Wetterhoff (Hämeenlinna)": (
            "Hämeen ammattikorkeakoulu Oy",
            None,
        ),
        "Suomen Ympäristöopisto SYKLI": ("Suomen ympäristöopisto SYKLI Oy", "Suomen ympäristöopisto SYKLI"),
        "Suomen ympäristöopisto Sykli": ("Suomen ympäristöopisto SYKLI Oy", "Suomen ympäristöopisto Sykli"),
        "Hippolis": ("Hippolis - Hevosalan Osaamiskeskus ry", "Hippolis"),
        "Smart&Lean (S&L)": ("Smart&Lean", "S&L"),
        "Helsingin yliopiston Lammin biologinen asema": (
            "Helsingin yliopisto, Lammin biologinen asema",
            "Helsingin yliopiston Lammin biologinen asema",
        ),
        "Vanajavesisäätiö": ("Vanajavesisäätiö sr", "Vanajavesisäätiö"),
        "Lasimäen kauppiasyhdistys": ("Lasimäen kauppiasyhdistys ry", None),
        "Luonnonvarakeskus Luke (Jokioinen) – Finnish part partly implemented here": (
            "Luonnonvarakeskus, LUKE",
            None,
        ),
        "Kehitysvammaisten taiteilijoiden tuki ry / Taidekeskus Kettuki": (
            "Kehitysvammaisten taiteilijoiden tuki ry",
            None,
        ),
        # Visit Häme is the brand under which Linnan Kehitys Oy markets the region (the record's text).
        "Linnan Kehitys Oy / Visit Häme": ("Linnan Kehitys Oy", None),
        "Teknologiakeskus Innopark Oy, Hämeenlinna": ("Teknologiakeskus Innopark Oy", None),
        "Hämeen Kylät (as 'Hämeen Kylien ... -hanke')": ("Hämeen Kylät", None),
        "RUN-EU alliance (coordinator not named in excerpt)": ("RUN-EU alliance", None),
        "University of Prague (coordinator, as written on HAMK page)": ("University of Prague", None),
    }
)

# One line that names several organisations.
JOINT_APPLICANTS.update(
    {
        "HAMK ja Vanajavesikeskus (yhteinen hanke)": ["Hämeen ammattikorkeakoulu Oy", "Vanajavesikeskus"],
        "Terveyden ja hyvinvoinnin laitos (THL), Kanta-Hämeen sairaanhoitopiiri ja Hämeen liitto (yhdessä)": [
            "Terveyden ja hyvinvoinnin laitos",
            "Kanta-Hämeen sairaanhoitopiiri",
            "Hämeen liitto",
        ],
    }
)

# Participant texts that name no one organisation: groups, unnamed partners, "not stated". They are
# kept as a note on the project, never as an organisation.
NOT_ORGANISATIONS: set[str] = {
    "not stated in excerpt",
    "yhdeksän maatalousalan oppilaitosta (not named in excerpt)",
    "partners from Denmark, Estonia, Latvia, Lithuania (not named)",
    "kuusi järvensuojeluyhdistystä",
    "osakaskunnat",
    "kalastusalue",
    "muutamia yrityksiä",
    "paikalliset vesiensuojeluyhdistykset",
    "seitsemän suomalaista kasvihuoneviljelmää (mm. Lepaan kasvihuone)",
    "viisi islantilaista viljelmää (mm. Islannin maatalousyliopiston Reykirin tutkimuskasvihuone)",
    "Kanta-Hämeen kunnat",
}

# Organisations the second batch's project records name that its actors.json does not list. Each
# source is a page that names the organisation; the converter adds every record that mentions it.
EXTRA_ORGANISATIONS += [
    {
        "name": "University of Prague",
        "label_language": "en",
        "comment_fi": "Nimi sellaisena kuin HAMKin PoliRural-sivu sen kirjoittaa (koordinaattori).",
        "extra_sources": ["https://www.hamk.fi/en/projects/polirural/"],
    },
    {
        "name": "RUN-EU alliance",
        "label_language": "en",
        "kind": "collaboration",
        "comment_fi": "Eurooppa-yliopistoallianssi, jossa HAMK on mukana; koordinaattoria ei mainita.",
        "extra_sources": ["https://run-eu.eu/?p=17861"],
    },
    {
        "name": "Etelä-Hämeen luonnonsuojelupiiri",
        "extra_sources": ["https://www.vanajavesi.fi/tietoa-meista/hankkeet/"],
    },
    {
        "name": "Suomen ympäristökeskus",
        "public": True,
        "extra_sources": ["https://www.vanajavesi.fi/tietoa-meista/hankkeet/"],
    },
    {
        "name": "Suomen Hevosenomistajien Keskusliitto ry",
        "extra_sources": ["https://www.hevosenomistaja.fi/5"],
    },
    {"name": "Suomen Hippos ry", "extra_sources": ["https://www.hevosenomistaja.fi/5"]},
    {"name": "Suomen Ratsastajainliitto ry", "extra_sources": ["https://www.hevosenomistaja.fi/5"]},
    {"name": "MTK ry", "extra_sources": ["https://www.hevosenomistaja.fi/5"]},
    {
        "name": "Päijät-Hämeen liitto",
        "public": True,
        "extra_sources": [
            "http://www.paijat-hame.fi/uutiset/paijathamalaiset-menestyksekkaita-interreg-europe-ohjelmassa/"
        ],
    },
    {
        "name": "Pirkanmaan elinkeino-, liikenne- ja ympäristökeskus",
        "aliases": ["Pirkanmaan ELY-keskus"],
        "public": True,
        "extra_sources": ["https://www.vanajavesi.fi/tietoa-meista/hankkeet/"],
    },
    {
        "name": "Uudenmaan elinkeino-, liikenne- ja ympäristökeskus",
        "aliases": ["Uudenmaan ELY-keskus"],
        "public": True,
        "extra_sources": [
            "http://docplayer.fi/3902068-Hevoset-ja-yhteiskunta-rajapintoja-elinkeinojen-kehittamishanke-2012-2014.html"
        ],
    },
]
# README of the second batch: "Vanajavesikeskus is run by Vanajavesisäätiö sr".
UNIT_OF: dict[str, tuple[str, str]] = {
    "Vanajavesikeskus": ("Vanajavesisäätiö sr", "https://www.vanajavesi.fi/tietoa-meista/hankkeet/"),
}
PUBLIC_BY_NAME |= {"Suomen metsäkeskus", "Terveyden ja hyvinvoinnin laitos", "Hämeen ympäristökeskus"}

ALIAS_LANGUAGES.update(
    {
        "Haaga-Helia University of Applied Sciences": "en",
        "Finnish Forest Centre": "en",
        "Forssa Region Development Centre": "en",
    }
)
ALIAS_CLEANUP.update(
    {"Hämeen Linnaseudun kehittämisyhdistys (original name)": "Hämeen Linnaseudun kehittämisyhdistys"}
)
MUNICIPALITY_CLEANUP.update(
    {
        "Hämeenlinna (toimisto Tuulos)": "Hämeenlinna",
        "Hämeenlinna (Tuulos)": "Hämeenlinna",
        "Hämeenlinna (Iittala)": "Hämeenlinna",
    }
)
MUNICIPALITY_NOT_LINKED: dict[str, str] = {
    "Ypäjä (per context)": "inferred by the collector",
    "Forssan seutu": "a sub-region, not one municipality",
}

# People the collectors' notes mention who are not people in public roles of the strategy facts:
# their sentences are left out of the published notes (server.graph.records.notes).
NAMES_IN_NOTES: set[str] = {"Juha Pirkkamaa", "Anne Horila", "Jussi Pakari", "Maria Jokinen"}

# rahoittaja_per_lahde of the second batch -> the organisations it names as funders (empty: the text
# names a fund or a selection, not a funding body the register holds).
FUNDERS: dict[str, list[str]] = {
    "Euroopan aluekehitysrahaston Uudistuva ja osaava Suomi 2021–2027 -ohjelma (osarahoittaja); GNF:n osuutta "
    "osarahoittaa myös Senaatti-kiinteistöt (per sykli.fi)": [],
    "Hämeen elinkeino-, liikenne- ja ympäristökeskus; Euroopan unionin osarahoittama": [
        "Hämeen elinkeino-, liikenne- ja ympäristökeskus"
    ],
    "EU LIFE; Vanajaveden alueen osuutta rahoittavat myös Hämeen ja Pirkanmaan ELY-keskukset": [
        "Hämeen elinkeino-, liikenne- ja ympäristökeskus",
        "Pirkanmaan elinkeino-, liikenne- ja ympäristökeskus",
    ],
    "Hämeen Ely-keskus": ["Hämeen elinkeino-, liikenne- ja ympäristökeskus"],
    "Hämeen ELY-keskuksen vesienhoitoavustus (osarahoitus)": [
        "Hämeen elinkeino-, liikenne- ja ympäristökeskus"
    ],
    "Linnaseutu ry (Leader), kehittämistuki myönnetty tammi–maaliskuussa 2018": ["Linnaseutu ry"],
    "Linnaseutu Leader -toimintaryhmä": ["Linnaseutu ry"],
    "Toimintaryhmä Eteläisen maaseudun osaajat, EMO ry": ["Leader Häme EMO ry"],
    # The decision is the cooperation group's selection (smh:selectedBy), not a funder.
    "Hämeen yhteistyöryhmä hyväksyi rahoitettavaksi (8.12.2014)": [],
    "Hämeen ja Uudenmaan ELY-keskukset, EU-osarahoitteinen Manner-Suomen maaseudun kehittämisohjelma sekä "
    "Forssan Seudun Kehittämiskeskus": [
        "Hämeen elinkeino-, liikenne- ja ympäristökeskus",
        "Uudenmaan elinkeino-, liikenne- ja ympäristökeskus",
        "Forssan Seudun Kehittämiskeskus Oy",
    ],
}
# Aulanko tutuksi (2002) was approved by the cooperation group of the 2000–2006 period, not by the group
# Hämeen maakuntahallitus set up on 5.5.2014: the decision stays as written, without smh:selectedBy.
NO_SELECTION_LINK: dict[str, str] = {
    "Aulanko tutuksi": "approved by the regional cooperation group of 2000–2006, not the MYR set up in 2014",
}

FUNDS.update(
    {
        ("EAKR", "2007–2013"): "funds:erdf-2007-2013",
        ("EAKR + Opetusministeriö + kunnat + yksityiset", "2007–2013"): "funds:erdf-2007-2013",
        ("EAKR (Etelä-Suomen tavoite 2 -ohjelman EAKR-osuus ja valtion rahoitus)", "2000–2006"): (
            "funds:erdf-2000-2006"
        ),
        # Business aid from the ERDF programme, granted by Hämeen ELY-keskus (the record's note).
        ("EAKR (yrityksen kehittämisavustus)", "2014–2020"): "ERDF",
        ("Interreg Baltic Sea Region (EAKR)", "2014–2020"): "ERDF",
        ("Horizon 2020", "2014–2020"): "H2020",
        ("EU LIFE (integrated project)", "2014–2020"): "funds:life",
        ("EMR / maaseuturahasto (Euroopan maaseuturahaston tuella)", "2014–2020"): "EAFRD2020",
        ("EMR / maaseuturahasto (Leader)", "2023–2027"): "EAFRD_2021",
        (
            "EMR / maaseuturahasto (EU-osarahoitteinen Manner-Suomen maaseudun kehittämisohjelma) + Hämeen ja "
            "Uudenmaan ELY-keskukset + Forssan Seudun Kehittämiskeskus",
            "2007–2013",
        ): "funds:eafrd-2007-2013",
        # Leader money is rural-fund money channelled by the local action groups.
        ("Leader (maaseuturahasto)", "2014–2020"): "EAFRD2020",
        ("Leader (maaseuturahasto)", "2007–2013"): "funds:eafrd-2007-2013",
        ("Leader (maaseuturahasto)", None): None,  # no period: 2014–2020 and 2023–2027 cannot be told apart
        ("Leader (Linnaseutu)", "2014–2020"): "EAFRD2020",
        ("Leader (maaseuturahasto) – preparatory project", None): None,
        ("Maakunnan kehittämisraha (MKR, kansallinen)", None): "funds:mkr",
        ("Maakunnan kehittämisraha (MKR, kansallinen) ja maakunnan kunnat", None): "funds:mkr",
        ("Hämeen maakunnan kehittämisraha + valuma-alueen kunnat", None): "funds:mkr",
        ("Hämeen ELY-keskuksen vesienhoitoavustus (kansallinen)", None): "funds:ely-water-grants",
        ("Hämeen ELY-keskuksen vesistöavustus (kansallinen)", None): "funds:ely-water-grants",
        ("Ympäristöministeriö, Kuntien ilmastoratkaisut -ohjelma (kansallinen)", None): (
            "funds:municipal-climate-solutions"
        ),
        ("Business Finland", None): "funds:business-finland",
        # The page names a funder or says the fund is not named: no fund is guessed.
        ("TEM (työ- ja elinkeinoministeriö), kansallinen", None): None,
        ("MMM / TEM (maaseutupolitiikan yhteistyöryhmä YTR:n suosituksesta)", None): None,
        ("THL, Kanta-Hämeen sairaanhoitopiiri ja Hämeen liitto (rahoittajat ja toteuttajat)", None): None,
        ("Hämeen ELY-keskus ja Vanajavesikeskus (rahoittajat)", None): None,
        ("Hämeen ELY-keskus rahoittaja (fund not named)", None): None,
        ("EU co-funded (Hämeen ELY-keskus rahoittaja; fund not named on page)", None): None,
        ("EU cohesion policy project story (fund not in excerpt)", None): None,
        (
            "EU structural funds (project story on the Uudistuva ja osaava Suomi / Etelä-Suomi site; fund not "
            "named in excerpt)",
            None,
        ): None,
        ("EU-rahoitteinen (fund not named)", None): None,
        ("European Universities alliance (fund not named in excerpt)", None): None,
        ("EU-osarahoitus, Etelä-Suomen tavoite 2 -ohjelma (rahasto ei mainittu otteessa)", None): None,
        ("EU tavoite 2 -ohjelma (rahoitusta haettu, per news)", None): None,
    }
)

AMOUNT_TYPES.update(
    {
        "Budget (total budget)": "total-cost",
        "Hankkeen budjetti (sykli.fi)": "total-cost",
        "Kokonaisbudjetti": "total-cost",
        "Kokonaisbudjetti noin": "total-cost",
        # FRESHABIT: the record is the Vanajavesi part of a national LIFE project; the part's total is its
        # total cost, the national project's total is the cost of the larger project it belongs to.
        "Vanajaveden alueen kokonaisbudjetti": "total-cost",
        "valtakunnallisen hankkeen kokonaisbudjetti": "parent-total-cost",
        "Budjetti": "unspecified-amount",  # the page says only "budget", as HORTIANNA's
        "Business Finlandin rahoitusosuus": "granted-funding",
        "ESR-rahoitus (Hämeen Sanomat, undated)": "granted-funding",
        "EU-rahoitus Vanajaveden alueelle noin": "granted-funding",
        "Linnaseutu ry:n tuki (HäSa)": "granted-funding",
        "Tuki (Linnaseutu)": "granted-funding",
        # ELY's selection: "8 valittua yhteensä 531 150 € EU+valtio" (decision text).
        "Myönnettävä rahoitus": "granted-funding",
        "Rahoitus (per Hämeen liitto news)": "granted-funding",
        "TEM-rahoitus": "granted-funding",
        "yrityksen kehittämisavustus": "granted-funding",
        # OSIRIS: the funding of the whole Interreg project, and the share of its two Kanta-Häme partners.
        "rahoitus yhteensä": "granted-funding",
        "HAMKin ja RTOY:n osuus yhteensä": "partner-share",
    }
)
AMOUNT_SHARES["HAMKin ja RTOY:n osuus yhteensä"] = [
    "Hämeen ammattikorkeakoulu Oy",
    "Riihimäen Tilat ja Kehitys Oy",
]

# Records whose decision is dated outside the decision field: record name -> (year, basis, why).
AMOUNT_YEARS: dict[str, tuple[str, str, str]] = {
    "OSIRIS": (
        "2018",
        "decision-year",
        "the Interreg programme's monitoring committee selected the third call's projects on 19.–20.9.2018 "
        "(the record's programme field)",
    ),
}

# Pages that give the year of the amounts read on them, where neither a decision nor the address dates
# them: page -> (year, what on the page or record says so).
PAGE_YEARS: dict[str, tuple[str, str]] = {
    "https://www.hameenliitto.fi/elinvoima-ja-kehittaminen/rahoitus/akke-rahoitus/akke-rahoitetut-hankkeet-2021/": (
        "2021",
        "the page lists the AKKE projects funded in 2021",
    ),
    "https://hameenliitto.fi/matkailun-kehittaminen-etenee-hame-on-vahvasti-mukana-jarvi-suomen-suuralueyhteistyossa/": (
        "2019",
        "a news item of 2019 (the record's period)",
    ),
}

# The README's corrections and additions to records (by the record's name): periods another page gives
# (kept beside the record's own, each with its page), and pages that confirm an amount the record has.
RECORD_CORRECTIONS: dict[str, dict[str, Any]] = {
    "Häme Goes Global": {
        "periods": [
            {
                "start": "2021-03-01",
                "end": "2023-12-31",
                "source": "https://hameenliitto.fi/elinvoima-ja-kehittaminen/projektit/hame-goes-global-hanke/",
                "why": "the project's own page (real-data-2 README, corrections)",
            }
        ],
        "confirms": {
            "kustannusarvio": [
                "https://hameenliitto.fi/elinvoima-ja-kehittaminen/projektit/hame-goes-global-hanke/"
            ]
        },
        "sources": ["https://hameenliitto.fi/elinvoima-ja-kehittaminen/projektit/hame-goes-global-hanke/"],
    },
    "Faicare": {
        "periods": [
            {
                "start": "2018-02",
                "end": "2020-06",
                "source": "https://www.forssanlehti.fi/lounais-hame/forssan-seutu-sai-oman-osansa-ely-keskuksen-rahoista-useamman-yrityksen-investointeja-tuettiin-204808",
                "why": "Forssan Lehti: February 2018 – June 2020 (real-data-2 README, corrections); the EURA page gives 1.2.2018–31.12.2020",
            }
        ],
    },
    "DIGITRAIL – Kanta-Hämeen reitistöjen saavutettavuus ja näkyvyys": {
        "periods": [
            {
                "end": "2019-06",
                "source": "https://www.hamk.fi/2019/kanta-hameen-luontoreitteja-kehitetty-digitaalisin-menetelmin/",
                "why": "HAMK's news of 10.7.2019: the project ended at the end of June 2019; the register gives 16.6.2020",
            }
        ],
    },
    "HITU – Ilmastoturvallisuuden parantaminen Hämeen maaseudulla (Hämeen ilmastoturva)": {
        "periods": [
            {
                "start": "2022-01-01",
                "end": "2023-12-31",
                "source": "https://maaseutuverkosto.fi/sv/projekt/hitu-ilmastoturvallisuuden-parantaminen-hameen-maaseudulla-2/",
                "why": "the project text on the register page gives 1.1.2022–31.12.2023; its dates say 31.12.2021–30.12.2023",
            }
        ],
    },
    "Forssan seudun hevosreittiverkoston kehittäminen – esiselvitys": {
        "periods": [
            {
                "end": "2024-11-29",
                "source": "https://maaseutuverkosto.fi/hankkeet/forssan-seudun-hevosreittiverkoston-kehittaminen-esiselvitys/",
                "why": "an earlier snapshot of the register page ends the project on 29.11.2024 (extended to 30.5.2025)",
            }
        ],
    },
    "Hevosklusterihanke 2008-2011": {
        "replaces_written": True,  # the record's start "2008" is the start of both periods below
        "periods": [
            {
                "start": "2008",
                "end": "2011",
                "source": "http://www.hippolis.fi/hevosklusterihanke-2008-2011/",
                "why": "the title of the page says 2008–2011",
            },
            {
                "start": "2008",
                "end": "2010",
                "source": "http://www.hippolis.fi/hevosklusterihanke-2008-2011/",
                "why": "the funding text of the same page says 2008–2010",
            },
        ],
    },
}
STATUS_VALUES["Käynnissä (snapshot)"] = ("Käynnissä", "fi")

# Names whose page is in English, and names whose bracketed part is the collector's remark.
ENGLISH_NAMES |= {
    "PoliRural – Future Oriented Collaborative Policy Development for Rural Areas and People",
    "Envi Grow Park",
    "Robotics Campus – Scale up!",
    "RUN-EU (European University alliance; HAMK as partner)",
    "Strengthen the Chain!",
}
NAME_REMARKS: dict[str, tuple[str, str]] = {
    "Strengthen the Chain! (Streghten the chain – every link matters!)": (
        "Strengthen the Chain!",
        "The page spells the name 'Streghten the chain – every link matters!'.",
    ),
}
