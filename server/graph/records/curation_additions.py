"""Hand-read structure of the strategy additions (real-data-2/strategy-additions.json).

The additions are short English paraphrases of public pages, each with its sources. Where a fact has
a structure (a funding call with its envelope, a funder's statistics for a year, a roadmap or cluster
behind a spearhead, a dated programme event), the tables below give that structure, read from the
fact's own words: every number is the one the fact writes (``written`` keeps it as written), every
year is the one the fact gives. A fact is named by its section and position, ("section", n); its text
and sources come from the file, never from here. Facts no table claims become smh:SourcedFact
descriptions about ``FACT_SUBJECTS[section]`` (or ``FACT_SUBJECT_OVERRIDES``).
"""

from __future__ import annotations

from typing import Any

FactRef = tuple[str, int]
ELY = "Hämeen elinkeino-, liikenne- ja ympäristökeskus"
LIITTO = "Hämeen liitto"

# Funding rounds: calls, selection rounds and yearly appropriations. amounts: (amount type, euros,
# as written, sector or None). selected: names of project records the round's source names.
ROUNDS: list[dict[str, Any]] = [
    {
        "key": "erdf-2021-2027-first-call",
        "label": {
            "fi": "EAKR-ohjelmakauden 2021–2027 ensimmäinen haku",
            "en": "First ERDF call of 2021–2027",
        },
        "facts": [("eu_funding_2021_2027", 1)],
        "fund": "ERDF_2021",
        "body": [LIITTO],
        "year": "2022",
        "year_basis": "page-year",
        "year_note": "the news of 30.9.2021 puts the first calls of the period at the beginning of 2022",
        "year_sources": [
            "https://hameenliitto.fi/kanta-hameen-eu-rahoitus-yli-kaksinkertaistuu-tulevalla-ohjelmakaudella/"
        ],
        "amounts": [
            ("available-funding", "23000000", "at most 23 M€", "the regions' ERDF projects in total"),
            ("available-funding", "3986000", "3,986 M€", "Hämeen liitto's share"),
        ],
    },
    {
        "key": "erdf-2021-2027-round-2022",
        "label": {
            "fi": "EAKR-rahoituskierros 2022 (yhdeksän hanketta)",
            "en": "ERDF round 2022 (nine projects)",
        },
        "facts": [("eu_funding_2021_2027", 2)],
        "fund": "ERDF_2021",
        "body": [LIITTO],
        "year": "2022",
        "year_basis": "decision-year",
        "projects": 9,
        "amounts": [("granted-funding", "2100000", "2,1 M€", "nine projects")],
    },
    {
        "key": "erdf-2021-2027-call-autumn-2023",
        "label": {"fi": "EAKR-haku syksyllä 2023", "en": "ERDF call, autumn 2023"},
        "facts": [("eu_funding_2021_2027", 3)],
        "fund": "ERDF_2021",
        "body": [LIITTO],
        "year": "2023",
        "year_basis": "page-year",
    },
    {
        "key": "forssa-sudden-structural-change-2024",
        "label": {
            "fi": "Forssan seudun äkillisen rakennemuutoksen rahoitus 2024",
            "en": "Forssa region sudden structural change funding 2024",
        },
        "facts": [("eu_funding_2021_2027", 4), ("timeline_additions", 12)],
        "fund": "ERDF_2021",
        "year": "2024",
        "year_basis": "page-year",
        "opens": "2024-03",
        "closes": ["2024-06-14"],
        "amounts": [
            (
                "available-funding",
                "800000",
                "800 000 €",
                "firms' development projects and investments (EAKR-based)",
            ),
            ("granted-funding", "1650000", "1,65 M€", "region-targeted funding in total (headline)"),
        ],
    },
    {
        "key": "react-eu-esf-2021",
        "label": {"fi": "REACT-EU ESR -haku 2021", "en": "REACT-EU ESF call 2021"},
        "facts": [("react_eu", 0)],
        "fund": "REACT_EU",
        "body": [ELY],
        "year": "2021",
        "year_basis": "page-year",
        "opens": "2021-02-22",
        "closes": ["2021-04-09"],
        "projects": 12,
        "amounts": [("available-funding", "2036000", "2,036 M€", "REACT-EU ESF in Häme")],
    },
    {
        "key": "react-eu-esf-additional-call-2021",
        "label": {"fi": "REACT-EU ESR -lisähaku 2021", "en": "Additional REACT-EU ESF call 2021"},
        "facts": [("react_eu", 1)],
        "fund": "REACT_EU",
        "body": [ELY],
        "year": "2021",
        "year_basis": "page-year",
        "opens": "2021-08-16",
        "closes": ["2021-09-24"],
    },
    {
        "key": "akke-2021",
        "label": {"fi": "AKKE-rahoitus 2021", "en": "AKKE funding 2021"},
        "facts": [("akke_and_national_instruments", 3), ("timeline_additions", 6)],
        "fund": "funds:akke",
        "body": [LIITTO],
        "year": "2021",
        "year_basis": "page-year",
    },
    {
        "key": "akke-2022",
        "label": {"fi": "AKKE-rahoitus 2022", "en": "AKKE funding 2022"},
        "facts": [("akke_and_national_instruments", 0), ("akke_and_national_instruments", 2)],
        "fund": "funds:akke",
        "body": [LIITTO],
        "year": "2022",
        "year_basis": "page-year",
        "closes": ["2022-05-09", "2022-08-31", "2022-10-31"],
        "amounts": [
            ("available-funding", "543000", "543 000 €", "maakuntien omaehtoisen kehittämisen määräraha"),
            ("available-funding", "815000", "815 000 €", "sopimuksellisuuden määräraha"),
        ],
    },
    {
        "key": "akke-rdi-call-2023-2024",
        "label": {"fi": "AKKE TKI-haku 2023–2024", "en": "AKKE RDI call 2023–2024"},
        "facts": [("akke_and_national_instruments", 5), ("timeline_additions", 10)],
        "fund": "funds:akke",
        "body": [LIITTO],
        "year": "2023",
        "year_basis": "page-year",
        "opens": "2023-11-24",
        "closes": ["2024-01-19"],
        "amounts": [("available-funding", "705128", "705 128 €", None)],
    },
    {
        "key": "akke-rdi-call-2024",
        "label": {"fi": "AKKE TKI-haku 2024", "en": "AKKE RDI call 2024"},
        "facts": [("akke_and_national_instruments", 6), ("timeline_additions", 13)],
        "fund": "funds:akke",
        "body": [LIITTO, "Hämeen maakuntahallitus"],
        "year": "2024",
        "year_basis": "page-year",
        "opens": "2024-11-04",
        "closes": ["2024-12-13"],
        "amounts": [("available-funding", "415573", "415 573 €", "unused funds of the previous round")],
    },
    {
        "key": "aiko-2018",
        "label": {"fi": "AIKO-rahoitushaku 2018", "en": "AIKO call 2018"},
        "facts": [
            ("akke_and_national_instruments", 7),
            ("akke_and_national_instruments", 8),
            ("timeline_additions", 2),
            ("timeline_additions", 3),
        ],
        "body": [LIITTO, "Hämeen maakuntahallitus"],
        "year": "2018",
        "year_basis": "page-year",
        "opens": "2018-03-05",
        "closes": ["2018-03-29"],
    },
    {
        "key": "erdf-2007-2013-last-call",
        "label": {"fi": "Hämeen liiton viimeinen EAKR-haku 2007–2013", "en": "Last ERDF call of 2007–2013"},
        "facts": [("akke_and_national_instruments", 9), ("timeline_additions", 0)],
        "fund": "funds:erdf-2007-2013",
        "body": [LIITTO],
        "year": "2013",
        "year_basis": "page-year",
        "closes": ["2013-02-08"],
    },
    {
        "key": "myr-erdf-2019-06-10",
        "label": {
            "fi": "MYR:n EAKR-valinta 10.6.2019",
            "en": "Cooperation group's ERDF selection of 10.6.2019",
        },
        "facts": [("timeline_additions", 4)],
        "fund": "ERDF",
        "body": ["Kanta-Hämeen maakunnan yhteistyöryhmä"],
        "year": "2019",
        "year_basis": "decision-year",
        "projects": 12,
        "selected": ["LUO Net GOES International", "Kestävän hevosmatkailun tiekartta Kanta-Hämeessä"],
    },
    {
        "key": "eafrd-2014-2020-first-calls",
        "label": {
            "fi": "Maaseutuohjelman 2014–2020 ensimmäiset haut",
            "en": "First rural-programme calls of 2014–2020",
        },
        "facts": [("rural_development_and_leader", 1)],
        "fund": "EAFRD2020",
        "body": [ELY],
        "year": "2015",
        "year_basis": "page-year",
        "applications": 42,
        "amounts": [
            ("applied-funding", "10400000", "10,4 M€", "42 projects in the Hämeen ELY area"),
            ("available-funding", "5000000", "~5 M€", None),
        ],
    },
    {
        "key": "eafrd-selection-spring-2020",
        "label": {
            "fi": "Hämeen ELY-keskuksen maaseutuhankkeiden valinta keväällä 2020",
            "en": "Rural project selection, spring 2020",
        },
        "facts": [("rural_development_and_leader", 4)],
        "fund": "EAFRD2020",
        "body": [ELY],
        "year": "2020",
        "year_basis": "decision-year",
        "applications": 21,
        "projects": 8,
        "amounts": [
            ("applied-funding", "3500000", "3,5 M€", "21 applications"),
            ("available-funding", "557000", "at most 557 000 €", None),
            ("granted-funding", "531150", "531 150 € EU+state", "8 projects"),
        ],
        "selected": [
            "Hattulan hurmaavat",
            "Uusia arvoketjuja ja liiketoimintaa maaseudulle (ArvoLiike)",
            "Boost Häme – elinvoimaa ja uutta liiketoimintaa Kanta-Hämeen maaseudulle",
        ],
    },
    {
        "key": "eafrd-2023",
        "label": {"fi": "Maaseuturahoitus 2023", "en": "Rural development funding 2023"},
        "facts": [("rural_development_and_leader", 7)],
        "fund": "EAFRD_2021",
        "body": [ELY],
        "year": "2023",
        "year_basis": "page-year",
        "amounts": [("available-funding", "3300000", "~3,3 M€", "project and firm aid")],
    },
    {
        "key": "eafrd-selection-april-2024",
        "label": {
            "fi": "Maaseutuhankkeiden valintajakso huhtikuu 2024",
            "en": "Rural project selection period, April 2024",
        },
        "facts": [("rural_development_and_leader", 9)],
        "fund": "EAFRD_2021",
        "body": [ELY],
        "year": "2024",
        "year_basis": "decision-year",
        "applications": 19,
        "projects": 10,
        "amounts": [
            ("applied-funding", "3900000", "~3,9 M€", "19 applications"),
            ("granted-funding", "1600000", "~1,6 M€", "10 projects"),
        ],
    },
    {
        "key": "eafrd-2025",
        "label": {"fi": "Maaseuturahoitus 2025", "en": "Rural development funding 2025"},
        "facts": [("rural_development_and_leader", 10)],
        "fund": "EAFRD_2021",
        "body": [ELY, "Linnaseutu ry", "LounaPlussa ry", "Leader Häme EMO ry"],
        "year": "2025",
        "year_basis": "page-year",
        "amounts": [
            ("available-funding", "10000000", "~10 M€", "ELY and the Leader groups"),
            ("available-funding", "6700000", ">6,7 M€", "Hämeen ELY-keskus"),
            ("available-funding", "700000", "~700 000 €", "environment and climate investments"),
        ],
    },
    {
        "key": "eafrd-last-ely-selection-2025",
        "label": {
            "fi": "Hämeen ELY-keskuksen viimeinen maaseutuhankkeiden valinta 2025",
            "en": "Last rural selection of Hämeen ELY-keskus, 2025",
        },
        "facts": [("rural_development_and_leader", 11), ("timeline_additions", 14)],
        "fund": "EAFRD_2021",
        "body": [ELY],
        "year": "2025",
        "year_basis": "decision-year",
        "applications": 23,
        "projects": 13,
        "amounts": [
            ("applied-funding", "4400000", "~4,4 M€", "23 applications"),
            ("granted-funding", "2300000", ">2,3 M€", "13 projects"),
        ],
    },
]
# Water-management grant rounds of Hämeen ELY-keskus, one per year (ely_funding_statistics 7).
for _year, _count, _value, _page, _selected in [
    (
        "2021",
        21,
        "580000",
        "https://www.vesi.fi/hameen-ely-keskus-myonsi-avustuksia-vesienhoitoon-ja-tulvariskien-hallintaan/",
        [],
    ),
    (
        "2022",
        16,
        "640000",
        "https://www.vesi.fi/hameen-ely-keskus-tukee-vesienhoitohankkeita-yli-miljoonalla-eurolla/",
        ["TAUOTON", "Niittohanke (Tammelan kunta) [descriptive name]"],
    ),
    (
        "2023",
        11,
        "654000",
        "https://www.vesi.fi/hameen-ely-keskus-tukee-vesistohankkeita-yli-miljoonalla-eurolla/",
        ["Vesineuvos I", "Sätkin"],
    ),
]:
    ROUNDS.append(
        {
            "key": f"ely-water-grants-{_year}",
            "label": {
                "fi": f"Hämeen ELY-keskuksen vesienhoitoavustukset {_year}",
                "en": f"Water-management grants of Hämeen ELY-keskus {_year}",
            },
            "facts": [("ely_funding_statistics", 7)],
            "fact_sources": [_page],  # the fact cites one page per year
            "fund": "funds:ely-water-grants",
            "body": [ELY],
            "year": _year,
            "year_basis": "decision-year",
            "projects": _count,
            "amounts": [
                (
                    "granted-funding",
                    _value,
                    f"~{int(_value):,} €".replace(",", " "),
                    f"{_count} projects in Kanta-Häme",
                )
            ],
            "selected": _selected,
        }
    )

# Funding statistics: what a funder reports for a period. amounts as in ROUNDS.
STATISTICS: list[dict[str, Any]] = [
    {
        "key": "hameen-ely-keskus-2025",
        "label": {
            "fi": "Hämeen ELY-keskuksen rahoitus 1.1.–30.11.2025",
            "en": "Hämeen ELY-keskus funding 1.1.–30.11.2025",
        },
        "facts": [("ely_funding_statistics", 0)],
        "body": [ELY],
        "year": "2025",
        "period": "1.1.–30.11.2025",
        "amounts": [
            ("granted-funding", "18422753", "18 422 753 €", "maaseutu ja maatalous"),
            ("granted-funding", "8680919", "8 680 919 €", "rakennerahastot EAKR ja ESR+"),
            ("granted-funding", "22284191", "22 284 191 €", "valtion korvaukset kotoutumisen edistämisestä"),
            (
                "granted-funding",
                "4557735",
                "4 557 735 €",
                "luonnonsuojelu, vesistöavustukset ja kulttuuriympäristö",
            ),
            ("granted-funding", "148771", "148 771 €", "kalatalous"),
            ("granted-funding", "54094368", "54 094 368 €", "yhteensä"),
            ("granted-funding", "2600000", "2,6 M€", "yrityksen kehittämisavustus"),
        ],
    },
    {
        "key": "hameen-ely-keskus-2023-h1",
        "label": {
            "fi": "Hämeen ELY-keskuksen rahoitus tammi–kesäkuu 2023",
            "en": "Hämeen ELY-keskus funding January–June 2023",
        },
        "facts": [("ely_funding_statistics", 1)],
        "body": [ELY],
        "year": "2023",
        "period": "January–June 2023",
        "amounts": [
            ("granted-funding", "41200000", "41,2 M€", "Kanta- and Päijät-Häme in total"),
            ("granted-funding", "18500000", "18,5 M€", "firms"),
        ],
    },
    {
        "key": "hameen-ely-keskus-2022",
        "label": {"fi": "Hämeen ELY-keskuksen rahoitus 2022", "en": "Hämeen ELY-keskus funding 2022"},
        "facts": [("ely_funding_statistics", 2)],
        "body": [ELY],
        "year": "2022",
        "period": "2022",
        "amounts": [("granted-funding", "71000000", "almost 71 M€", "to the Häme regions in total")],
    },
    {
        "key": "hameen-ely-keskus-2020",
        "label": {"fi": "Hämeen ELY-keskuksen rahoitus 2020", "en": "Hämeen ELY-keskus funding 2020"},
        "facts": [("ely_funding_statistics", 3)],
        "body": [ELY],
        "year": "2020",
        "period": "2020",
        "amounts": [
            ("granted-funding", "78000000", "over 78 M€", "in total, excluding corona business funding"),
            ("granted-funding", "21600000", "21,6 M€", "corona business funding"),
            ("granted-funding", "26500000", "~26,5 M€", "firms"),
        ],
    },
    {
        "key": "hameen-ely-keskus-2020-h1",
        "label": {
            "fi": "Hämeen ELY-keskuksen EU-rahoitus tammi–kesäkuu 2020",
            "en": "Hämeen ELY-keskus EU funding January–June 2020",
        },
        "facts": [("ely_funding_statistics", 6)],
        "body": [ELY],
        "fund": "ERDF",
        "year": "2020",
        "period": "H1/2020",
        "projects": 13,
        "amounts": [
            (
                "granted-funding",
                "6000000",
                "~6 M€",
                "EU project and business funding, Kanta- and Päijät-Häme",
            ),
            ("granted-funding", "776070", "776 070 €", "yrityksen kehittämisavustus in Kanta-Häme, 13 firms"),
        ],
        "selected": ["Vienti2020 (Jokioisten Leipä Oy)"],
    },
    {
        "key": "hameen-ely-keskus-water-supply-grants",
        "label": {
            "fi": "Hämeen ELY-keskuksen vesihuoltoavustukset",
            "en": "Water-supply grants of Hämeen ELY-keskus",
        },
        "facts": [("ely_funding_statistics", 8)],
        "body": [ELY],
        "period": "undated",
        "amounts": [
            ("granted-funding", "595000", "595 000 €", "Hämeen ELY-keskus in total"),
            ("granted-funding", "315000", "315 000 €", "Kanta-Häme"),
        ],
    },
    {
        "key": "interreg-bsr-kanta-hame-2018",
        "label": {
            "fi": "Interreg Itämeren alueen ohjelman rahoitus Kanta-Hämeeseen (2018)",
            "en": "Interreg Baltic Sea Region funding to Kanta-Häme (2018)",
        },
        "facts": [("ely_funding_statistics", 9)],
        "fund": "ERDF",
        "year": "2018",
        "period": "2014–2020, as of 2018",
        "amounts": [("granted-funding", "2500000", "~2,5 M€", "Kanta-Häme actors in total")],
        "selected": ["OSIRIS", "Waterdrive"],
    },
    {
        "key": "rural-kanta-hame-2014-2017-04",
        "label": {
            "fi": "Maaseuturahoitus Kanta-Hämeessä huhtikuun 2017 loppuun",
            "en": "Rural funding in Kanta-Häme to the end of April 2017",
        },
        "facts": [("rural_development_and_leader", 2)],
        "fund": "EAFRD2020",
        "body": [ELY],
        "year": "2017",
        "period": "2014 – end of April 2017",
        "amounts": [
            ("granted-funding", "9300000", ">9,3 M€", "ELY and the Kanta-Häme Leader groups"),
            ("granted-funding", "6000000", "~6 M€", "ELY in Kanta-Häme"),
            ("granted-funding", "3500000", "~3,5 M€", "28 development projects"),
            ("granted-funding", "2600000", "~2,6 M€", "21 firm projects"),
        ],
    },
    {
        "key": "rural-hame-mid-period-2014-2020",
        "label": {
            "fi": "Maaseuturahoitus Hämeessä ohjelmakauden puolivälissä",
            "en": "Rural funding in Häme at mid-period",
        },
        "facts": [("rural_development_and_leader", 3)],
        "fund": "EAFRD2020",
        "body": [ELY],
        "period": "mid-period of 2014–2020 (Kanta- and Päijät-Häme)",
        "amounts": [
            ("granted-funding", "15000000", "~15 M€", "in total"),
            ("granted-funding", "10500000", "10,5 M€", "Hämeen ELY-keskus"),
            ("granted-funding", "4500000", "4,5 M€", "Leader"),
        ],
    },
    {
        "key": "rural-2021",
        "label": {"fi": "Maaseudun kehittämisen rahoitus 2021", "en": "Rural development funding 2021"},
        "facts": [("rural_development_and_leader", 5)],
        "fund": "EAFRD2020",
        "body": [ELY],
        "year": "2021",
        "period": "2021",
        "amounts": [
            ("granted-funding", "5830000", "~5,83 M€", "rural development in total"),
            ("granted-funding", "1590000", "1,59 M€", "ELY project funding"),
        ],
    },
    {
        "key": "rural-hame-2014-2021",
        "label": {
            "fi": "Hämeen ELY-keskuksen maaseudun kehittämishankkeet vuoden 2021 loppuun",
            "en": "Rural development projects of Hämeen ELY-keskus to the end of 2021",
        },
        "facts": [("rural_development_and_leader", 6)],
        "fund": "EAFRD2020",
        "body": [ELY],
        "year": "2021",
        "period": "2014 – end of 2021",
        "projects": 100,
        "amounts": [
            ("granted-funding", "17600000", "17,6 M€", "100 rural development projects"),
            ("granted-funding", "1000000", "~1 M€", "13 firm groups"),
            ("granted-funding", "3600000", "~3,6 M€", "food sector"),
            ("granted-funding", "4700000", "~4,7 M€", "tourism"),
            ("granted-funding", "3100000", "~3,1 M€", "other entrepreneurship"),
            ("granted-funding", "800000", "~0,8 M€", "forest and wood"),
            ("granted-funding", "3500000", "~3,5 M€", "housing and environment"),
        ],
    },
    {
        "key": "rural-2023-2024-02",
        "label": {
            "fi": "Maaseutuhankkeiden rahoitus 12.2.2024 mennessä",
            "en": "Rural project funding by 12.2.2024",
        },
        "facts": [("rural_development_and_leader", 8)],
        "fund": "EAFRD_2021",
        "body": [ELY],
        "year": "2024",
        "period": "2023 – 12.2.2024",
        "amounts": [
            ("applied-funding", "7100000", "~7,1 M€", None),
            ("granted-funding", "2700000", "2,7 M€", "selected after three selection periods"),
        ],
    },
    {
        "key": "rural-2025",
        "label": {
            "fi": "Maaseutuhankkeiden rahoitus 1.1.–30.11.2025",
            "en": "Rural project funding 1.1.–30.11.2025",
        },
        "facts": [("rural_development_and_leader", 11)],
        "fund": "EAFRD_2021",
        "body": [ELY],
        "year": "2025",
        "period": "1.1.–30.11.2025",
        "projects": 21,
        "amounts": [("granted-funding", "2600000", "~2,6 M€", "21 rural projects")],
    },
]

# Context of the spearheads: roadmaps, clusters, strategies, facilities, traditions. "of": slugs of
# concept/{scheme}/… (Smart Häme spearheads, or a Smart Tavastia one where the source is about tourism,
# which only Smart Tavastia's creative economy covers); "related": names of projects or organisations.
CONTEXTS: list[dict[str, Any]] = [
    {
        "key": "kanta-hameen-kiertotalouden-tiekartta",
        "label": "Kanta-Hämeen kiertotalouden tiekartta",
        "type": "roadmap",
        "of": ["spearheads/circular-economy"],
        "facts": [("spearhead_circular_economy", 0), ("spearhead_circular_economy", 1)],
        "projects": ["LUO Net GOES International", "Hämeen ilmastovahti"],
    },
    {
        "key": "kanta-hame-circular-economy-cluster-mapping-2019",
        "label": "Kanta-Häme kiertotalousklusterina (kartoitus 2019)",
        "type": "study",
        "of": ["spearheads/circular-economy"],
        "facts": [("spearhead_circular_economy", 2)],
        "organisations": ["Winto Better World Oy", LIITTO],
    },
    {
        "key": "forssan-envitech-alue",
        "label": "Forssan Envitech-alue",
        "type": "cluster",
        "of": ["spearheads/circular-economy"],
        "facts": [("spearhead_circular_economy", 3)],
        "organisations": [
            "Saint-Gobain Isover",
            "Envor Group",
            "Uusioaines Oy",
            "HKScan Oyj",
            "Forssan kaupunki",
        ],
    },
    {
        "key": "kuntien-resurssiviisaus-ja-ilmastotyo",
        "label": "Kuntien resurssiviisaustiekartat ja ilmastotyö",
        "type": "roadmap",
        "of": ["spearheads/circular-economy"],
        "facts": [("spearhead_circular_economy", 4)],
        "organisations": [
            "Riihimäen kaupunki",
            "Forssan kaupunki",
            "Hämeenlinnan kaupunki",
            "Jokioisten kunta",
        ],
        "projects": ["HÄSPI – Hämeen kuntien ilmastotyön spurtti"],
    },
    {
        "key": "kasvua-hameessa-ruokastrategia-2015-2020",
        "label": "Kasvua Hämeessä -ruokastrategia 2015–2020",
        "type": "strategy",
        "of": ["spearheads/sustainable-food-system"],
        "facts": [("spearhead_sustainable_food_system", 0)],
        "organisations": [
            "MTK Häme ry",
            "ProAgria Etelä-Suomi ry",
            "Hämeen ammattikorkeakoulu Oy",
            "Luonnonvarakeskus, LUKE",
            "Koulutuskeskus Salpaus",
        ],
        "projects": ["Kestävää ruokaa ja kasvua Hämeessä", "ELINA – Elinvoimainen maatilatalous Hämeessä"],
    },
    {
        "key": "kasvua-hameessa-ohjelma",
        "label": "Kasvua Hämeessä -ohjelma",
        "type": "programme",
        "of": ["spearheads/sustainable-food-system"],
        "facts": [("spearhead_sustainable_food_system", 1)],
        "projects": ["Kasvua Hämeessä -teemaohjelmahanke"],
    },
    {
        "key": "hameen-maakuntien-ruokastrategia-tyopaja-2021",
        "label": "Hämeen maakuntien ruokastrategian valmistelu (työpaja 15.1.2021)",
        "type": "strategy",
        "of": ["spearheads/sustainable-food-system"],
        "facts": [("spearhead_sustainable_food_system", 2)],
    },
    {
        "key": "hameen-ruokastrategia-2030",
        "label": "Hämeen ruokastrategia 2030",
        "type": "strategy",
        "of": ["spearheads/sustainable-food-system"],
        "facts": [("spearhead_sustainable_food_system", 3)],
        "projects": [
            "Yhteistyöllä ja koordinaatiolla kestävän ruokajärjestelmän edelläkävijämaakunnaksi (Ruokakoordinaatti)"
        ],
    },
    {
        "key": "riihimaki-robotiikka-kaupunkistrategiassa",
        "label": "Riihimäen robotiikkatavoite kaupunkistrategiassa",
        "type": "strategy",
        "of": ["spearheads/smart-services-and-production"],
        "facts": [("spearhead_smart_services_and_production", 0)],
        "organisations": ["Riihimäen kaupunki", "Hämeen ammattikorkeakoulu Oy"],
    },
    {
        "key": "robotics-campus-riihimaki",
        "label": "Robotics Campus (Riihimäki)",
        "type": "facility",
        "of": ["spearheads/smart-services-and-production"],
        "facts": [("spearhead_smart_services_and_production", 1)],
        "projects": ["Robotics Campus – Scale up!"],
    },
    {
        "key": "riihimaen-puolustusklusteri",
        "label": "Riihimäen puolustusklusteri",
        "type": "cluster",
        "of": ["spearheads/smart-services-and-production"],
        "facts": [("spearhead_smart_services_and_production", 2)],
        "projects": ["Define Finland – Puolustusalan innovaatiot uuden kasvun moottorina"],
    },
    {
        "key": "hamk-smart-bio",
        "label": "HAMK Smart & Bio -rakennus",
        "type": "facility",
        "of": ["spearheads/smart-services-and-production", "spearheads/sustainable-food-system"],
        "facts": [("spearhead_smart_services_and_production", 3)],
        "organisations": ["Hämeen ammattikorkeakoulu Oy"],
    },
    {
        "key": "hameen-tekstiili-ja-lasimuotoilun-perinne",
        "label": "Hämeen tekstiili- ja lasimuotoilun perinne",
        "type": "tradition",
        "of": ["spearheads/design"],
        "facts": [("spearhead_design_and_tourism_context", 0)],
    },
    {
        "key": "iittalan-lasimaki",
        "label": "Iittalan Lasimäki",
        "type": "cluster",
        "of": ["spearheads/design"],
        "facts": [("spearhead_design_and_tourism_context", 1)],
    },
    {
        "key": "i-laakso-2030",
        "label": "i-laakso 2030",
        "type": "strategy",
        "of": ["spearheads/design"],
        "facts": [("spearhead_design_and_tourism_context", 2)],
        "projects": ["Go Iittala Village", "i-laakso"],
    },
    {
        "key": "kanta-hameen-matkailuyhteistyo-2022",
        "label": "Kanta-Hämeen maakunnallinen matkailuyhteistyö (2022)",
        "type": "cooperation",
        "of": ["smart-tavastia-spearheads/luova-talous"],
        "facts": [("spearhead_design_and_tourism_context", 3), ("timeline_additions", 8)],
        "organisations": [LIITTO],
    },
    {
        "key": "visit-hame-matkailun-karjet",
        "label": "Visit Hämeen matkailun kärjet",
        "type": "strategy",
        "of": ["smart-tavastia-spearheads/luova-talous"],
        "facts": [("spearhead_design_and_tourism_context", 4)],
    },
]

# Programme events the additions date: (key, programme, event type, date, label, facts, body).
EVENTS: list[dict[str, Any]] = [
    {
        "key": "hame-ohjelma-2018-approved-2017-11-27",
        "programme": "programme/hame-ohjelma-2018-2021",
        "type": "approval",
        "date": "2017-11-27",
        "label": "Häme-ohjelma 2018+ hyväksytty Forssassa",
        "facts": [("earlier_programmes_and_plans", 0), ("timeline_additions", 1)],
        "body": "Hämeen maakuntavaltuusto",
    },
    {
        "key": "kestavan-kasvun-hame-launched-2022-01-20",
        "programme": "programme/kestavan-kasvun-hame-2022-2025",
        "type": "launch",
        "date": "2022-01-20",
        "label": "Kestävän kasvun Hämeen toimeenpanon aloitustilaisuus Verkatehtaalla",
        "facts": [("programme_2022_2025_additions", 6)],
        "body": LIITTO,
    },
]

# The subject of the facts no table above claims, by section; FACT_SUBJECT_OVERRIDES by fact.
FACT_SUBJECTS: dict[str, list[str]] = {
    "programme_2022_2025_additions": ["programme/kestavan-kasvun-hame-2022-2025"],
    "programme_2026_2029_additions": ["programme/kanta-hameen-maakuntaohjelma-2026-2029"],
    "eu_funding_2021_2027": ["concept/funds/erdf-2021-2027"],
    "akke_and_national_instruments": ["concept/funds/akke"],
    "ely_funding_statistics": [f"org:{ELY}"],
    "rural_development_and_leader": ["concept/funds/eafrd-2014-2020"],
    "spearhead_design_and_tourism_context": ["concept/smart-tavastia-spearheads/luova-talous"],
    "climate_and_eu_missions": ["strategy/smart-hame"],
    "international_cooperation": [f"org:{LIITTO}"],
    "earlier_programmes_and_plans": [f"org:{LIITTO}"],
    "hameen_liitto_organisation": [f"org:{LIITTO}"],
    "timeline_additions": [f"org:{LIITTO}"],
}
FACT_SUBJECT_OVERRIDES: dict[FactRef, list[str]] = {
    ("programme_2022_2025_additions", 4): ["concept/spearheads/design"],
    ("programme_2022_2025_additions", 9): ["strategy/smart-tavastia"],
    ("programme_2026_2029_additions", 0): ["org:Päijät-Hämeen liitto"],
    ("programme_2026_2029_additions", 1): [f"org:{ELY}"],
    ("eu_funding_2021_2027", 5): ["project:FORCE"],
    ("climate_and_eu_missions", 0): ["strategy/smart-hame", "programme/kestavan-kasvun-hame-2022-2025"],
    ("climate_and_eu_missions", 1): ["project:Hämeen ilmastovahti"],
    ("international_cooperation", 0): ["strategy/smart-tavastia", "programme/hame-ohjelma-2014-2017"],
    ("rural_development_and_leader", 0): [f"org:{ELY}"],
    ("rural_development_and_leader", 12): [
        "org:Linnaseutu ry",
        "org:LounaPlussa ry",
        "org:Leader Häme EMO ry",
    ],
    ("earlier_programmes_and_plans", 6): ["org:Päijät-Hämeen liitto"],
    ("earlier_programmes_and_plans", 7): ["nuts:FI1C2"],
    ("ely_funding_statistics", 4): [f"org:{ELY}"],
    ("ely_funding_statistics", 5): [f"org:{ELY}"],
}
# The programme_2026_2029_additions section is an object; its facts in this order.
PROGRAMME_2026_KEYS = ("comparison_only", "context")

# A spelling of a spearhead's name that a page uses (programme_2022_2025_additions 4).
SPEARHEAD_ALT_LABELS: list[tuple[str, str, FactRef]] = [
    (
        "concept/spearheads/design",
        "Älykästä, vastuullista ja kestävää muotoilua",
        ("programme_2022_2025_additions", 4),
    ),
]

# people_additions: (name, role as written) -> the organisation the role is held in (the role text or
# its page names it), and further organisations one role text names.
ADDED_ROLE_ORGANISATIONS: dict[tuple[str, str], str] = {
    ("Toni K. Laine", "maakuntajohtaja (chosen 4.4.2022)"): LIITTO,
    ("Johannes Koskinen", "Hämeen maakuntavaltuuston puheenjohtaja (2021)"): "Hämeen maakuntavaltuusto",
    ("Timo Reina", "former maakuntajohtaja (2016)"): LIITTO,
    ("Paula Mustonen", "maakuntainsinööri, Hämeen liitto"): LIITTO,
    ("Arto Saarinen", "aluekehitysasiantuntija, Hämeen liitto"): LIITTO,
    ("Heikki Pusa", "suunnittelujohtaja, Hämeen liitto (2018)"): LIITTO,
    (
        "Marko Mälly",
        "earlier: erityisasiantuntija/kansainväliset asiat, Päijät-Hämeen liitto (2016)",
    ): "Päijät-Hämeen liitto",
    ("Vesa Jouppila", "Hämeen ELY-keskus, E-vastuualueen johtaja"): ELY,
    ("Timo Kukkonen", "kehittämispäällikkö, Hämeen ELY-keskus (maaseutuyksikkö)"): ELY,
    ("Sinikka Kauranen", "rahoitusyksikön päällikkö, Hämeen ELY-keskus (2018)"): ELY,
    ("Pertti Puusaari", "rehtori/president of HAMK and CEO of HAMI"): "Hämeen ammattikorkeakoulu Oy",
    ("Jouni Haajanen", "director, Koulutuskuntayhtymä Tavastia"): "Koulutuskuntayhtymä Tavastia",
    (
        "Esa Santakallio",
        "Riihimäki sivistystoimenjohtaja (2016 initiative), later robotiikan kehittämisjohtaja",
    ): "Riihimäen kaupunki",
    ("Jouni Eho", "kaupunginjohtaja, Riihimäki"): "Riihimäen kaupunki",
    ("Olli-Poika Parviainen", "kaupunginjohtaja, Hämeenlinna (2021)"): "Hämeenlinnan kaupunki",
    ("Niklas Lähteenmäki", "elinvoimajohtaja, Hämeenlinna (2024)"): "Hämeenlinnan kaupunki",
    ("Riikka Riihimäki", "toimitusjohtaja, Forssan Yrityskehitys Oy"): "Forssan Yrityskehitys Oy",
    ("Kari Saarinen", "toimitusjohtaja, Linnan Kehitys Oy (2020)"): "Linnan Kehitys Oy",
    ("Tuula Kallioinen", "toiminnanjohtaja, LounaPlussa ry"): "LounaPlussa ry",
    ("Jouko Lindroos", "puheenjohtaja, LounaPlussa ry"): "LounaPlussa ry",
    ("Annukka Pakarinen", "HAMK Bio -tutkimusyksikön johtaja (2019)"): "Hämeen ammattikorkeakoulu Oy",
}
ADDED_ROLE_ALSO: dict[tuple[str, str], list[str]] = {
    ("Pertti Puusaari", "rehtori/president of HAMK and CEO of HAMI"): ["Hämeen ammatti-instituutti Oy"],
}
# Years the role text gives that are not the year the page names the person in the role.
ADDED_ROLE_YEARS: dict[tuple[str, str], str | None] = {
    # "2016 initiative" dates the first role only; "later" is undated.
    (
        "Esa Santakallio",
        "Riihimäki sivistystoimenjohtaja (2016 initiative), later robotiikan kehittämisjohtaja",
    ): None,
}
# Role texts of the additions that are English as written (wholly or mainly).
ADDED_ENGLISH_ROLES = {
    "maakuntajohtaja (chosen 4.4.2022)",
    "former maakuntajohtaja (2016)",
    "earlier: erityisasiantuntija/kansainväliset asiat, Päijät-Hämeen liitto (2016)",
    "rehtori/president of HAMK and CEO of HAMI",
    "director, Koulutuskuntayhtymä Tavastia",
    "Riihimäki sivistystoimenjohtaja (2016 initiative), later robotiikan kehittämisjohtaja",
}
