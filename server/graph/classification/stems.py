"""The stems the rules look for, in Finnish, Swedish and English, per concept of each strategy.

Stems are matched, lower case, in a project's name, summary (English), specific objective and
programme. A stem of five letters or more may sit inside a word (Finnish compounds: "palvelumuotoilu",
"kiertotalousratkaisu"); a shorter one must start a word ("rdi" is not the middle of "coordinated").
A concept's rule is a list of stem groups and every group must match: smart services and production
need a technology stem and a business stem, since the spearhead is about *business* renewal.

The stems follow the wording of each concept as the strategy states it (the spearheads' names and,
for Smart Tavastia, their scope texts on hameenliitto.fi) and what the projects of the reference
records call the same things; each group says which words it stands for.
"""

from __future__ import annotations

Groups = list[list[str]]

# Smart Häme (2021): the four spearheads of Kestävän kasvun Häme 2022–2025 (slugs of scheme/spearheads).
SMART_HAME: dict[str, Groups] = {
    # "Luonnonvarat, kulutus ja materiaalikierrot kiertotalouden keskiössä": circular economy, natural
    # resources (water, forest, nutrients), material flows, waste and side streams, bio-based energy.
    "circular-economy": [
        [
            "kiertotal", "circular", "cirkulär", "kretslopp",
            "luonnonvar", "natural resource", "naturresurs",
            "biotal", "bioeconom", "bioekonom", "biokaasu", "biogas", "biometaan", "biomethan",
            "materiaali", "material cycle", "material flow", "materialflöd", "sivuvir", "side stream",
            "symbio", "jäte", "jätteen", "waste", "avfall", "kierrät", "recycl", "återvinn", "uusiok", "re-use",
            "ravinne", "ravintei", "nutrient", "näringsämn",
            "vesistö", "vesien", "vesienho", "vesiensuoj", "järvi", "järvien", "water bod", "water treat",
            "lake", "vattendrag",
            "ilmasto", "climate", "klimat", "hiilineutr", "carbon", "vähähiil", "low-carbon",
            "luonnon monimuot", "biodivers", "ojitu", "niitto", "cutting of aquatic",
            "metsä", "forest", "skog",
        ]
    ],
    # "Kestävän ruokajärjestelmän edelläkävijämaakunta": food, farming, horticulture, food industry.
    "sustainable-food-system": [
        [
            "ruoka", "ruoan", "ruokaj", "food", "livsmedel", "elintarvik",
            "maatal", "maatil", "agricult", "farm", "lantbruk", "jordbruk",
            "puutarh", "horticult", "trädgård", "kasvihuon", "greenhouse", "växthus",
            "luomu", "organic food", "lähiruo", "local food", "valkuais", "protein",
            "viljel", "vilja", "grain", "maito", "dairy", "leipä", "bread", "teurast", "meat",
        ]
    ],
    # "Älykkäät palvelut ja tuotantoprosessit uudistuvassa liiketoiminnassa": a technology stem and a
    # business stem.
    "smart-services-and-production": [
        [
            "digi", "robot", "teknologi", "technolog", "teknik", "tech/", "automaat", "automati", "automation",
            "tekoäly", "artificial intel", "iot", "internet of things", "älykä", "älykk", "smart servic",
            "smart product", "smarta tjänst", "data", "5g", "virtuaal", "simulaat", "simulation",
            "ohjelmisto", "software", "verkkopalvel", "online servic",
        ],
        [
            "yritys", "yrityk", "yrittä", "företag", "compan", "business", "affärs", "liiketoim",
            "tuotanno", "tuotant", "production", "produktion", "industr", "teollisuu", "elinkeino",
            "sme", "pk-yri", "entrepreneur", "palveluketj", "service chain",
        ],
    ],
    # "Älykäs, vastuullinen ja kestävä muotoilu": design, service design, crafts and the glass, textile
    # and ceramics traditions.
    "design": [
        [
            "muotoilu", "design", "formgiv", "palvelumuotoil", "service design",
            "lasimä", "lasi-", "glass", "tekstiili", "textile", "keramiik", "ceramic", "käsityö", "craft",
        ]
    ],
}

# Smart Tavastia (2017): the four spearheads and their scope texts (slugs of scheme/smart-tavastia-spearheads).
SMART_TAVASTIA: dict[str, Groups] = {
    # "Luonnonvarojen kestävä käyttö": "bio- ja kiertotalous, älykäs maatalous ja elintarviketuotanto".
    "luonnonvarojen-kestava-kaytto": [
        SMART_HAME["circular-economy"][0] + SMART_HAME["sustainable-food-system"][0]
    ],
    # "Teollisuus 4.0": "IoT, eli Internet of Things, robotiikka ja älykäs tuotanto".
    "teollisuus-4-0": [
        [
            "robot", "iot", "internet of things", "älykäs tuotanto", "älykkää tuotanno", "smart production",
            "smart manufactur", "automaat", "automati", "automation", "teollisuus 4", "industry 4",
            "industri 4", "digitalisaatio", "tuotannon digital", "valmistav", "manufactur", "metalli",
            "metal", "kone- ja", "teräs", "steel",
        ]
    ],
    # "Rakennettu ympäristö": "ympäristöystävällinen rakentaminen ja älykäs liikenne".
    "rakennettu-ymparisto": [
        [
            "rakenta", "rakennu", "rakennet", "construct", "building", "byggand", "byggnad",
            "asumi", "asuin", "housing", "boende", "energiatehok", "energy effic", "energieffekt",
            "liikenne", "liikku", "traffic", "transport", "mobility", "trafik", "älyliikent", "smart transport",
            "kaava", "land use", "infra", "kasvukäytäv", "growth corridor",
        ]
    ],
    # "Luova talous": "matkailu, kulttuuri, hyvinvointi, liikunta ja älykkäät palvelut".
    "luova-talous": [
        [
            "matkail", "touris", "turism", "kulttuur", "cultur", "kultur", "taide", "taitee", "art ", "konst",
            "hyvinvoin", "well-being", "wellbeing", "välfärd", "liikun", "sport", "idrott", "physical activ",
            "luova", "luovi", "creative", "kreativ", "design", "muotoilu", "media", "elämy", "experience",
            "älykkäät palvelut", "smart servic", "ulkoil", "outdoor", "retkeil", "hiking", "reitti", "trail",
        ]
    ],
}

# Kestävän kasvun Häme 2022–2025: the three strategic choices (slugs of scheme/strategic-choices).
CHOICES: dict[str, list[str]] = {
    "sustainable-growth-rdi": [
        "tutkimus", "research", "forskning", "innovaatio", "innovation", "tki", "rdi", "fui",
        "ecosystem", "ekosystee", "hub", "incubator", "hautomo", "kiihdyttämö", "accelerator",
        "smart-special", "älykkään erikoistumisen", "ris3", "kehitysalust", "testbed", "pilot",
    ],
    "competence-employment-inclusion": [
        "työllis", "employ", "sysselsätt", "osaami", "kompetens", "koulutu", "education", "utbildning",
        "training", "opiskelij", "student", "osallisuu", "inclusion", "delaktig", "nuor", "young",
        "unga", "työelämä", "working life", "arbetsliv", "mental health", "mielenterve", "teaching",
        "opetu", "oppilaito", "vocational", "maahanmuutt", "immigrant", "invandr", "työttöm",
        "unemploy",
    ],
    "infrastructure": [
        "infra", "saavutettav", "accessib", "tillgänglig", "liikenne", "transport", "trafik",
        "alueen kehit", "laajakaist", "broadband", "bredband", "yhteyksi", "kasvukäytäv",
    ],
}

# Häme-ohjelma 2014–2017 priorities and the priorities of Maakuntasuunnitelma 2040 (part of Häme-ohjelma
# 2018+), keyed by the slug of their Finnish name as in data/strategy.ttl.
HAME_2014: dict[str, list[str]] = {
    "kasvukaytavat-ja-saavutettavuus": ["kasvukäytäv", "growth corridor", "saavutettav", "accessib", "liikenne", "transport"],
    "asuminen-ja-hyvinvointi": ["asumi", "asuin", "housing", "hyvinvoin", "well-being", "wellbeing", "terveys", "health"],
    "biotalous-ja-luonnonvarojen-kestava-kaytto": [
        "biotal", "bioeconom", "luonnonvar", "natural resource", "kiertotal", "circular", "maatal", "agricult",
        "ruoka", "food", "metsä", "forest", "vesistö", "water",
    ],
    "valmistavan-teollisuuden-mahdollisuudet": [
        "valmistav", "manufactur", "teollisuu", "industr", "metalli", "metal", "tuotanto", "production",
    ],
    "kansainvalistyminen-ja-vetovoima": [
        "kansainväl", "international", "vetovoim", "attractiv", "matkail", "touris", "vienti", "export",
    ],
}
MAAKUNTASUUNNITELMA_2040: dict[str, list[str]] = {
    "kasvukaytavat-ja-saavutettavuus": HAME_2014["kasvukaytavat-ja-saavutettavuus"],
    "monipuolinen-asuminen": ["asumi", "asuin", "housing", "boende"],
    "biotalous-ja-luonnonvarojen-kestava-kaytto": HAME_2014["biotalous-ja-luonnonvarojen-kestava-kaytto"],
    "valmistavan-teollisuuden-mahdollisuudet": HAME_2014["valmistavan-teollisuuden-mahdollisuudet"],
    "kansainvalistyminen-ja-vetovoima": HAME_2014["kansainvalistyminen-ja-vetovoima"],
}
