"""The stems the rules look for, in Finnish, Swedish and English, per concept of each strategy.

Stems are matched, lower case, in a project's name, summary (English), specific objective and
programme. A stem must start a word (and not follow the prefix "re-": "design" is not in
"re-designing"), unless it is written with a leading ``*``: then it may sit inside a word, as Finnish
compounds need ("*muotoilu" in "palvelumuotoilu", "*jätteen" in "muovijätteen"). A trailing ``$``
means the word ends there ("lake$" is not "Lakeland", "järvi$" not "Nurmijärvi").

A concept's rule (``Rule``) is a list of stem groups that must all match (smart services and
production need a technology stem and a business stem: the spearhead is about *business* renewal),
and optionally weak stems that count only when none of the ``unless`` stems is there: natural
resources are the circular-economy spearhead's when they are the project's object, not the setting of
a tourism project or the subject of a climate-risk study.

The stems follow each concept's wording as the strategy states it (the spearheads' names and, for
Smart Tavastia, their scope texts on hameenliitto.fi) and what the reference records call the same
things; each group says what it stands for.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rule:
    groups: list[list[str]]
    weak: list[str] = field(default_factory=list)
    unless: list[str] = field(default_factory=list)


# Natural resources as a setting rather than the object: tourism and climate adaptation or risk.
TOURISM = ["*matkail", "*touris", "*turism", "*retkeily", "hiking", "paddling"]
ADAPTATION = ["*sopeutu", "adaptation", "anpassning", "risk", "*riski", "preparedness", "*varautu"]

CIRCULAR_CORE = [
    "*kiertotal",
    "circular",
    "cirkulär",
    "kretslopp",
    "*biotal",
    "bioeconom",
    "bioekonom",
    "*biokaasu",
    "biogas",
    "biometaan",
    "biomethan",
    "materiaali",
    "material cycle",
    "material flow",
    "*materialflöd",
    "*sivuvir",
    "side stream",
    "side-stream",
    "*symbio",
    "*jätteen",
    "*jätteet",
    "*jäteh",
    "*jätev",
    "waste",
    "avfall",
    "*kierrät",
    "recycl",
    "återvinn",
    "*uusiok",
    "re-use",
    "reuse",
    "*ravinne",
    "*ravintei",
    "nutrient",
    "näringsämn",
    "*resurssivii",
    "resource-wise",
    "järkivihre",
]
NATURAL_RESOURCES = [
    "*luonnonvar",
    "natural resource",
    "naturresurs",
    "*vesistö",
    "*vesien",
    "water bod",
    "water-bod",
    "water treat",
    "water protection",
    "water manag",
    "water-manag",
    "järvi$",
    "järvien",
    "*järvikunnost",
    "lake$",
    "lakes$",
    "vattendrag",
    "catchment",
    "*luonnon monimuot",
    "biodivers",
    "*ojitu",
    "ditch",
    "*niitto",
    "aquatic veget",
    "*metsä",
    "forest",
    "skog",
    "climate change",
    "climate-change",
    "climate action",
    "climate plan",
    "climate work",
    "climate watch",
    "*ilmastonmuut",
    "*ilmastotyö",
    "*ilmastoteko",
    "*ilmastovahti",
    "*ilmastosuunnit",
    "*hiilineutr",
    "carbon",
    "*vähähiil",
    "low-carbon",
]
FOOD = [
    "*ruoka",
    "*ruoan",
    "food",
    "livsmedel",
    "*elintarvik",
    "*maatal",
    "*maatil",
    "agricult",
    "farm",
    "lantbruk",
    "jordbruk",
    "*puutarh",
    "horticult",
    "trädgård",
    "*kasvihuon",
    "greenhouse",
    "växthus",
    "luomu",
    "organic food",
    "organic production",
    "*lähiruo",
    "local food",
    "*valkuais",
    "protein",
    "*viljel",
    "vilja",
    "grain",
    "maito",
    "dairy",
    "leipä",
    "bread",
    "teurast",
    "meat",
]
TECHNOLOGY = [
    "digi",
    "*robot",
    "teknologi",
    "technolog",
    "teknik",
    "*automaat",
    "automati",
    "automation",
    "tekoäly",
    "artificial intel",
    "iot",
    "internet of things",
    "*älykä",
    "*älykk",
    "smart servic",
    "smart product",
    "smarta tjänst",
    "data",
    "avoin data",
    "avoimen datan",
    "5g",
    "virtuaal",
    "simulaat",
    "simulation",
    "ohjelmisto",
    "software",
    "verkkopalvel",
    "online servic",
    "*teknolog",
]
BUSINESS = [
    "*yritys",
    "*yrityk",
    "*yrittä",
    "företag",
    "compan",
    "business",
    "affärs",
    "*liiketoim",
    "*tuotanno",
    "*tuotant",
    "production",
    "produktion",
    "industr",
    "*teollisuu",
    "*elinkeino",
    "sme",
    "pk-yri",
    "entrepreneur",
    "*palveluketj",
    "service chain",
    "kilpailuky",
    "competitive",
]
DESIGN = [
    "*muotoilu",
    "design",
    "formgiv",
    "service design",
    "lasimä",
    "glass",
    "*tekstiili",
    "textile",
    "*keramiik",
    "ceramic",
    "*käsityö",
    "craft",
]

# Smart Häme (2021): the four spearheads of Kestävän kasvun Häme 2022–2025 (slugs of scheme/spearheads).
SMART_HAME: dict[str, Rule] = {
    # "Luonnonvarat, kulutus ja materiaalikierrot kiertotalouden keskiössä".
    "circular-economy": Rule([CIRCULAR_CORE], weak=NATURAL_RESOURCES, unless=TOURISM + ADAPTATION),
    # "Kestävän ruokajärjestelmän edelläkävijämaakunta": food, farming, horticulture, food industry.
    "sustainable-food-system": Rule([FOOD]),
    # "Älykkäät palvelut ja tuotantoprosessit uudistuvassa liiketoiminnassa".
    "smart-services-and-production": Rule([TECHNOLOGY, BUSINESS]),
    # "Älykäs, vastuullinen ja kestävä muotoilu": design, service design, glass, textile, ceramics, crafts.
    "design": Rule([DESIGN]),
}

# Smart Tavastia (2017): the four spearheads and their scope texts (slugs of
# scheme/smart-tavastia-spearheads).
SMART_TAVASTIA: dict[str, Rule] = {
    # "Luonnonvarojen kestävä käyttö": "bio- ja kiertotalous, älykäs maatalous ja elintarviketuotanto".
    "luonnonvarojen-kestava-kaytto": Rule(
        [CIRCULAR_CORE + FOOD], weak=NATURAL_RESOURCES, unless=TOURISM + ADAPTATION
    ),
    # "Teollisuus 4.0": "IoT, eli Internet of Things, robotiikka ja älykäs tuotanto".
    "teollisuus-4-0": Rule(
        [
            [
                "*robot",
                "iot",
                "internet of things",
                "älykäs tuotanto",
                "älykkää tuotanno",
                "smart production",
                "smart manufactur",
                "*automaat",
                "automati",
                "automation",
                "teollisuus 4",
                "industry 4",
                "industri 4",
                "*digitalisaati",
                "*tuotannon digital",
                "valmistav",
                "manufactur",
                "*metalli",
                "metal",
                "kone- ja",
                "*teräs",
                "steel",
            ]
        ]
    ),
    # "Rakennettu ympäristö": "ympäristöystävällinen rakentaminen ja älykäs liikenne".
    "rakennettu-ymparisto": Rule(
        [
            [
                "*rakenta",
                "*rakennu",
                "*rakennet",
                "construct",
                "building",
                "byggand",
                "byggnad",
                "asumi",
                "*asuin",
                "housing",
                "boende",
                "*energiatehok",
                "energy effic",
                "energieffekt",
                "*liikenne",
                "liikku",
                "traffic",
                "transport",
                "mobility",
                "trafik",
                "*älyliikent",
                "smart transport",
                "*kaava",
                "land use",
                "infra",
                "*kasvukäytäv",
                "growth corridor",
            ]
        ]
    ),
    # "Luova talous": "matkailu, kulttuuri, hyvinvointi, liikunta ja älykkäät palvelut".
    "luova-talous": Rule(
        [
            [
                "*matkail",
                "touris",
                "turism",
                "*kulttuur",
                "cultur",
                "kultur",
                "taide",
                "taitee",
                "art",
                "konst",
                "*hyvinvoin",
                "well-being",
                "wellbeing",
                "välfärd",
                "liikun",
                "sport",
                "idrott",
                "physical activ",
                "luova",
                "luovi",
                "creative",
                "kreativ",
                "design",
                "*muotoilu",
                "media",
                "*elämy",
                "experience",
                "älykkäät palvelut",
                "smart servic",
                "*ulkoil",
                "outdoor",
                "*retkeil",
                "hiking",
                "*reitti",
                "trail",
            ]
        ]
    ),
}

# Kestävän kasvun Häme 2022–2025: the three strategic choices (slugs of scheme/strategic-choices).
CHOICES: dict[str, list[str]] = {
    "sustainable-growth-rdi": [
        "*tutkimu",
        "research",
        "forskning",
        "*innovaatio",
        "innovation",
        "tki",
        "rdi",
        "fui",
        "ecosystem",
        "*ekosystee",
        "hub",
        "incubator",
        "*hautomo",
        "*kiihdyttämö",
        "accelerator",
        "smart-special",
        "älykkään erikoistumisen",
        "ris3",
        "*kehitysalust",
        "testbed",
        "pilot",
    ],
    "competence-employment-inclusion": [
        "*työllis",
        "employ",
        "sysselsätt",
        "*osaami",
        "kompetens",
        "*koulutu",
        "education",
        "utbildning",
        "training",
        "*opiskelij",
        "student",
        "*osallisuu",
        "inclusion",
        "delaktig",
        "nuor",
        "young",
        "unga",
        "työelämä",
        "working life",
        "arbetsliv",
        "mental health",
        "*mielenterve",
        "teaching",
        "*opetu",
        "*oppilaito",
        "vocational",
        "*maahanmuutt",
        "immigrant",
        "invandr",
        "*työttöm",
        "unemploy",
    ],
    "infrastructure": [
        "infra",
        "*saavutettav",
        "accessib",
        "tillgänglig",
        "*liikenne",
        "transport",
        "trafik",
        "alueen kehit",
        "*laajakaist",
        "broadband",
        "bredband",
        "yhteyksi",
        "*kasvukäytäv",
    ],
}

# Häme-ohjelma 2014–2017 priorities and the priorities of Maakuntasuunnitelma 2040 (part of Häme-ohjelma
# 2018+), keyed by the slug of their Finnish name as in data/strategy.ttl.
HAME_2014: dict[str, list[str]] = {
    "kasvukaytavat-ja-saavutettavuus": [
        "*kasvukäytäv",
        "growth corridor",
        "*saavutettav",
        "accessib",
        "*liikenne",
        "transport",
    ],
    "asuminen-ja-hyvinvointi": [
        "asumi",
        "*asuin",
        "housing",
        "*hyvinvoin",
        "well-being",
        "wellbeing",
        "*terveys",
        "health",
    ],
    "biotalous-ja-luonnonvarojen-kestava-kaytto": [
        "*biotal",
        "bioeconom",
        "*luonnonvar",
        "natural resource",
        "*kiertotal",
        "circular",
        "*maatal",
        "agricult",
        "*ruoka",
        "food",
        "*metsä",
        "forest",
        "*vesistö",
        "water",
    ],
    "valmistavan-teollisuuden-mahdollisuudet": [
        "valmistav",
        "manufactur",
        "*teollisuu",
        "industr",
        "*metalli",
        "metal",
        "*tuotanto",
        "production",
    ],
    "kansainvalistyminen-ja-vetovoima": [
        "*kansainväl",
        "international",
        "*vetovoim",
        "attractiv",
        "*matkail",
        "touris",
        "vienti",
        "export",
    ],
}
MAAKUNTASUUNNITELMA_2040: dict[str, list[str]] = {
    "kasvukaytavat-ja-saavutettavuus": HAME_2014["kasvukaytavat-ja-saavutettavuus"],
    "monipuolinen-asuminen": ["asumi", "*asuin", "housing", "boende"],
    "biotalous-ja-luonnonvarojen-kestava-kaytto": HAME_2014["biotalous-ja-luonnonvarojen-kestava-kaytto"],
    "valmistavan-teollisuuden-mahdollisuudet": HAME_2014["valmistavan-teollisuuden-mahdollisuudet"],
    "kansainvalistyminen-ja-vetovoima": HAME_2014["kansainvalistyminen-ja-vetovoima"],
}
