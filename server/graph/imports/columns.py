"""The one declared table of the spreadsheet template: sheet, column, record field and the terms it maps to.

A row of the template becomes a record in the format of ``../shared/reference/real-data*/`` (the
``field`` column), and the record goes through the one mapping of ``server.graph.records``; ``terms`` are
the properties that mapping writes from the field, used to name the column a SHACL result is about.
docs/import.md is this table, explained; a test checks that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

SHEETS = ("projects", "organisations", "participations", "amounts")
ROLES = {"applicant": "applicant", "partner": "partners", "subsidy recipient": "tuen_siirronsaajat"}
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    sheet: str
    name: str  # the header cell
    field: str  # the record field it fills
    terms: tuple[str, ...]  # what the mapping writes from it (CURIEs of server.graph.vocabulary)
    required: bool
    help: str


COLUMNS: tuple[Column, ...] = (
    Column(
        "projects",
        "code",
        "code",
        ("smh:registerCode",),
        False,
        "Register code (EURA A/S codes, rural fund numbers). A project with a code is matched by it.",
    ),
    Column(
        "projects",
        "name",
        "name",
        ("skos:prefLabel", "dct:title"),
        True,
        "The project's name as the source writes it; without a code, the name is the match key.",
    ),
    Column(
        "projects",
        "fund",
        "fund",
        ("smh:fund", "smh:fundAsWritten"),
        True,
        "The fund as written in the reference records (EAKR, ESR, ESR+, JTF, Leader (maaseuturahasto)…).",
    ),
    Column(
        "projects",
        "period",
        "period",
        ("smh:programmePeriod",),
        False,
        "Programme period, e.g. 2021–2027 (with an en dash, as in the records).",
    ),
    Column("projects", "programme", "programme", ("smh:fundingProgramme",), False, "Funding programme."),
    Column("projects", "start", "start", ("smh:plannedStart",), False, "Planned start, yyyy-mm-dd."),
    Column(
        "projects", "end", "end", ("smh:plannedEnd",), False, "Planned end, yyyy-mm-dd; not before start."
    ),
    Column(
        "projects",
        "status",
        "status",
        ("smh:status", "smh:statusValue"),
        False,
        "Status as the page shows it (Toiminnassa, Toiminta päättynyt…).",
    ),
    Column("projects", "summary", "summary", ("dct:description",), False, "One neutral English sentence."),
    Column(
        "projects",
        "municipality",
        "municipality",
        ("dct:spatial",),
        False,
        "Municipalities named, in the nominative (Forssa, Hämeenlinna…).",
    ),
    Column("projects", "region", "region", ("dct:spatial",), False, "Kanta-Häme, or empty."),
    Column("projects", "source", "source", ("dct:source",), True, "Address (http/https) of the public page."),
    Column(
        "projects",
        "note",
        "note",
        ("skos:note",),
        False,
        "Context for readers; never a person's name or contact details.",
    ),
    Column("organisations", "name", "name", ("skos:prefLabel",), True, "The organisation's official name."),
    Column(
        "organisations",
        "business_id",
        "y_tunnus",
        ("smh:businessId", "adms:identifier"),
        False,
        "Business ID (Y-tunnus), seven digits, a hyphen and the check digit; matched by it.",
    ),
    Column(
        "organisations",
        "type",
        "organisaatiotyyppi",
        ("org:classification",),
        False,
        "EURA organisation type (Ammattikorkeakoulu, Kunta, Kuntayhtymä, Säätiö…).",
    ),
    Column(
        "organisations", "municipality", "municipality", ("smh:municipality",), False, "Home municipality."
    ),
    Column("organisations", "website", "website", ("foaf:homepage",), False, "Home page address."),
    Column(
        "organisations", "aliases", "aliases", ("skos:altLabel",), False, "Other names, separated by ';'."
    ),
    Column(
        "organisations",
        "sources",
        "sources",
        ("dct:source",),
        True,
        "Addresses of the pages naming it, separated by ';'.",
    ),
    Column(
        "participations",
        "project",
        "project",
        (),
        True,
        "The code, or else the name, of a project of the projects sheet.",
    ),
    Column(
        "participations",
        "organisation",
        "name",
        ("smh:applicant", "smh:partner", "smh:subsidyRecipient"),
        True,
        "The organisation's name (of the organisations sheet, or already in the graph).",
    ),
    Column(
        "participations",
        "business_id",
        "y_tunnus",
        ("smh:businessId",),
        False,
        "The organisation's business ID, when the page gives it.",
    ),
    Column("participations", "role", "role", (), True, "applicant, partner or subsidy recipient."),
    Column(
        "participations",
        "role_on_page",
        "role_on_page",
        ("skos:note",),
        False,
        "The role as the page words it, when it says more.",
    ),
    Column(
        "amounts", "project", "project", (), True, "The code, or else the name, of a project of the sheet."
    ),
    Column(
        "amounts",
        "label",
        "label",
        ("smh:amountLabel", "smh:amountType"),
        True,
        "The amount's label as in the reference records (Kokonaisbudjetti, Myönnetty rahoitus…).",
    ),
    Column(
        "amounts",
        "amount",
        "amount",
        ("smh:valueAsWritten", "schema:value"),
        True,
        "The figure as the page writes it, e.g. 415 150 €.",
    ),
    Column(
        "amounts",
        "source",
        "budget_source",
        ("dct:source",),
        False,
        "Page of the amounts, when not the project's page; one per project.",
    ),
)


def sheet_columns(sheet: str) -> tuple[Column, ...]:
    return tuple(c for c in COLUMNS if c.sheet == sheet)


def column_for_term(sheet: str, term: str) -> Column | None:
    """The column of ``sheet`` whose value the mapping writes as ``term`` (a CURIE)."""
    return next((c for c in sheet_columns(sheet) if term in c.terms), None)
