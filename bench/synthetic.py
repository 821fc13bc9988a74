"""A synthetic Smart Häme graph of any size, for the benchmark and scale tests; never published.

``generate(n_projects, seed)`` streams quads shaped like the real data (docs/model.md): organisations
with valid business IDs in ``graph/actors``; projects with register codes, funds, planned dates, status
observations, monetary amounts, participants and municipalities in ``graph/projects``; one
classification per project to a real spearhead and strategic choice in ``graph/classification``.

Everything it mints is unmistakably synthetic: IRIs sit under ``{base}synthetic/``, labels start with
"Synthetic", sources point at ``{base}synthetic/source``, business IDs use the 9xxxxxx range that the
Finnish trade register has not reached (issued IDs were below 3,500,000 in 2024), and register codes
start with ``SYN``. Only the vocabulary it links to is real: the ontology's concepts, the spearheads and
choices of ``data/strategy.ttl``, EU programme and municipality IRIs.

The same ``(n_projects, seed)`` always gives the same quads in the same order. Nothing is held in
memory: organisations are derived from their index, so a project can name one without a lookup, and
100,000 projects (about 2 million quads) stream in constant memory. Never write the output into
``data/`` or ``build/``; the benchmark writes to a temporary folder.

    python bench/synthetic.py 10000 --seed 7 -o /tmp/synthetic-10000.nq
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pyoxigraph as ox

from server.graph.vocabulary import (
    ADMS,
    DCT,
    EU_PROGRAMME,
    KUNTA,
    LEGAL,
    ORG,
    PROV,
    RDF,
    SCHEMA,
    SKOS,
    XSD,
    graph_iri,
    ontology_ns,
)

BASE = "https://w3id.org/smart-hame/"
SYN = f"{BASE}synthetic/"
SOURCE = ox.NamedNode(f"{SYN}source")
YTJ = ox.NamedNode("https://www.ytj.fi/")  # the business ID scheme, as data/actors.ttl names it

SMH = ontology_ns(BASE)

GRAPH_ACTORS = ox.NamedNode(graph_iri("actors", BASE))
GRAPH_PROJECTS = ox.NamedNode(graph_iri("projects", BASE))
GRAPH_CLASSIFICATION = ox.NamedNode(graph_iri("classification", BASE))


def _concept(scheme: str, slug: str) -> ox.NamedNode:
    return ox.NamedNode(f"{BASE}concept/{scheme}/{slug}")


# The real vocabulary the synthetic data links to. tests/test_synthetic.py checks that every one of these
# IRIs is defined in ontology/smart-hame.ttl or data/strategy.ttl, so a renamed concept fails a test
# instead of silently producing dangling links.
SPEARHEADS = tuple(
    _concept("spearheads", s)
    for s in ("circular-economy", "sustainable-food-system", "smart-services-and-production", "design")
)
RDI_CHOICE = _concept("strategic-choices", "sustainable-growth-rdi")  # the choice the spearheads sit under
OTHER_CHOICES = tuple(
    _concept("strategic-choices", s) for s in ("competence-employment-inclusion", "infrastructure")
)
AMOUNT_TYPES = tuple(
    _concept("amount-types", s)
    for s in (
        "total-cost",
        "eu-and-state-funding-endorsed",
        "granted-funding",
        "applied-funding",
        "own-share",
    )
)
ORGANISATION_TYPES = tuple(
    _concept("organisation-types", s)
    for s in ("municipality", "university-of-applied-sciences", "company", "association", "foundation")
)
# (fund IRI, programme period, register-code letter); every one is labelled in data/links.ttl
FUNDS = (
    (ox.NamedNode(f"{EU_PROGRAMME}ERDF"), "2014–2020", "A"),
    (ox.NamedNode(f"{EU_PROGRAMME}ESF"), "2014–2020", "S"),
    (ox.NamedNode(f"{EU_PROGRAMME}REACT_EU"), "2014–2020", "S"),
    (ox.NamedNode(f"{EU_PROGRAMME}EAFRD2020"), "2014–2020", "M"),
    (ox.NamedNode(f"{EU_PROGRAMME}ERDF_2021"), "2021–2027", "A"),
    (ox.NamedNode(f"{EU_PROGRAMME}ESF_PLUS"), "2021–2027", "S"),
)
# Kanta-Häme's eleven municipalities in the 2023 code list.
MUNICIPALITIES = tuple(
    ox.NamedNode(f"{KUNTA}{code}")
    for code in ("061", "082", "086", "103", "109", "165", "169", "433", "694", "834", "981")
)
STATUSES = ("Toiminnassa", "Toiminta päättynyt")
LAST_OBSERVED = date(2025, 6, 30)  # status observations are dated no later than this
# Finnish topic words for project names, so a text search finds a realistic share of them.
TOPICS = (
    "kiertotalous",
    "ruokajärjestelmä",
    "robotiikka",
    "muotoilu",
    "biotalous",
    "digitalisaatio",
    "osaaminen",
    "työllisyys",
    "matkailu",
    "energia",
    "vesi",
    "metsä",
    "yrittäjyys",
    "hyvinvointi",
)
ORG_SUFFIXES = ("Oy", "ry", "säätiö", "kuntayhtymä", "Oy", "Oy")

RECORD_TYPE = "synthetic"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


A = _n(f"{RDF}type")
PREF_LABEL = _n(f"{SKOS}prefLabel")
NOTATION = _n(f"{SKOS}notation")
SOURCE_P = _n(f"{DCT}source")
T_STRING = _n(f"{XSD}string")
T_DATE = _n(f"{XSD}date")
T_DATETIME = _n(f"{XSD}dateTime")
T_DECIMAL = _n(f"{XSD}decimal")


def business_id_check_digit(digits: str) -> int | None:
    """The check digit of a Finnish business ID (Y-tunnus) body of seven digits; None if no valid one exists.

    Weights 7, 9, 10, 5, 8, 4, 2; remainder 0 gives 0, remainder 1 is never issued, else 11 - remainder.
    """
    remainder = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    if remainder == 1:
        return None
    return 0 if remainder == 0 else 11 - remainder


def is_valid_business_id(value: str) -> bool:
    body, _, check = value.partition("-")
    if len(body) != 7 or not body.isdigit() or len(check) != 1 or not check.isdigit():
        return False
    return business_id_check_digit(body) == int(check)


def synthetic_business_id(index: int) -> str:
    """A valid business ID in the unissued 9xxxxxx range, unique per index below 100,000.

    Each index owns ten consecutive bodies; the last digit weighs 2, so at most one of ten has no check
    digit, and stepping to the next body never reaches the next index's ten.
    """
    if not 0 <= index < 100_000:
        raise ValueError(f"organisation index {index} outside 0..99,999")
    body = 9_000_000 + index * 10
    while (check := business_id_check_digit(f"{body:07d}")) is None:
        body += 1
    return f"{body:07d}-{check}"


def organisation_count(n_projects: int) -> int:
    # The real data has 60 organisations for 72 projects; a synthetic region reuses actors more often,
    # which is what makes "actors across spearheads" a real aggregate.
    return max(10, n_projects // 5)


def organisation_iri(index: int) -> ox.NamedNode:
    return _n(f"{SYN}organisation/synthetic-organisation-{index:06d}")


def organisations(count: int, seed: int) -> Iterator[ox.Quad]:
    for i in range(count):
        rng = random.Random(f"{seed}/org/{i}")
        org = organisation_iri(i)
        bid = synthetic_business_id(i)
        ident = _n(f"{org.value}/identifier")
        yield from _quads(
            GRAPH_ACTORS,
            org,
            [
                (A, _n(f"{ORG}Organization")),
                (A, _n(LEGAL + "LegalEntity")),
                (
                    PREF_LABEL,
                    ox.Literal(f"Synthetic Organisation {i:06d} {rng.choice(ORG_SUFFIXES)}", language="fi"),
                ),
                (_n(f"{SMH}businessId"), ox.Literal(bid)),
                (_n(f"{ADMS}identifier"), ident),
                (_n(f"{ORG}classification"), rng.choice(ORGANISATION_TYPES)),
                (_n(f"{SMH}municipality"), rng.choice(MUNICIPALITIES)),
                (SOURCE_P, SOURCE),
            ],
        )
        yield from _quads(
            GRAPH_ACTORS,
            ident,
            [
                (A, _n(f"{ADMS}Identifier")),
                (NOTATION, ox.Literal(bid)),
                (_n(f"{DCT}conformsTo"), YTJ),
            ],
        )


def _project_rng(index: int, seed: int) -> tuple[random.Random, tuple]:
    rng = random.Random(f"{seed}/project/{index}")
    return rng, rng.choice(FUNDS)


def project_iri(index: int, seed: int = 7) -> ox.NamedNode:
    """The IRI of project number ``index`` (0-based) of the graph made with ``seed``."""
    letter = _project_rng(index, seed)[1][2]
    return _n(f"{SYN}project/SYN{letter}{index:06d}")


def projects(n_projects: int, n_orgs: int, seed: int) -> Iterator[ox.Quad]:
    for i in range(n_projects):
        rng, (fund, period, letter) = _project_rng(i, seed)
        code = f"SYN{letter}{i:06d}"
        project = _n(f"{SYN}project/{code}")
        first_year = 2014 if period == "2014–2020" else 2021
        start = date(first_year, 1, 1) + timedelta(days=rng.randrange(7 * 365))
        end = start + timedelta(days=rng.randrange(180, 4 * 365))
        topic = rng.choice(TOPICS)
        applicant = rng.randrange(n_orgs)
        facts = [
            (A, _n(f"{SMH}Project")),
            (_n(f"{SMH}registerCode"), ox.Literal(code)),
            (PREF_LABEL, ox.Literal(f"Synthetic project {i:06d}: {topic} Hämeessä", language="fi")),
            (_n(f"{SMH}fund"), fund),
            (_n(f"{SMH}programmePeriod"), ox.Literal(period)),
            (_n(f"{SMH}plannedStart"), ox.Literal(start.isoformat(), datatype=T_DATE)),
            (_n(f"{SMH}plannedEnd"), ox.Literal(end.isoformat(), datatype=T_DATE)),
            (_n(f"{SMH}applicant"), organisation_iri(applicant)),
            (_n(f"{DCT}spatial"), rng.choice(MUNICIPALITIES)),
            (_n(f"{SMH}recordType"), ox.Literal(RECORD_TYPE)),
            (SOURCE_P, SOURCE),
        ]
        for partner in {rng.randrange(n_orgs) for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))} - {applicant}:
            facts.append((_n(f"{SMH}partner"), organisation_iri(partner)))
        amounts = list(_amounts(project, start, rng))
        facts += [(_n(f"{SMH}amount"), node) for node, _ in amounts]
        status = _n(f"{project.value}/status/1")
        observed = min(start + timedelta(days=rng.randrange(5 * 365)), LAST_OBSERVED)
        # Like the real register pages, not every record shows a status; none is observed before it starts.
        has_status = rng.random() < 0.6 and observed >= start
        if has_status:
            facts.append((_n(f"{SMH}status"), status))
        yield from _quads(GRAPH_PROJECTS, project, facts)
        for node, amount_facts in amounts:
            yield from _quads(GRAPH_PROJECTS, node, amount_facts)
        if has_status:
            yield from _quads(
                GRAPH_PROJECTS,
                status,
                [
                    (A, _n(f"{SMH}StatusObservation")),
                    (_n(f"{SMH}statusValue"), ox.Literal(STATUSES[observed >= end], language="fi")),
                    (_n(f"{SMH}observedOn"), ox.Literal(observed.isoformat(), datatype=T_DATE)),
                    (SOURCE_P, SOURCE),
                ],
            )
        yield from _classification(project, code, rng)


def _amounts(project: ox.NamedNode, start: date, rng: random.Random) -> Iterator[tuple[ox.NamedNode, list]]:
    for n in range(1, rng.choice((0, 1, 1, 2, 3)) + 1):
        value = rng.randrange(20_000, 3_000_000, 100)
        amount_type = rng.choice(AMOUNT_TYPES)
        yield (
            _n(f"{project.value}/amount/{n}"),
            [
                (A, _n(f"{SMH}MonetaryAmount")),
                (_n(f"{SCHEMA}value"), ox.Literal(f"{value}.00", datatype=T_DECIMAL)),
                (_n(f"{SCHEMA}currency"), ox.Literal("EUR")),
                (_n(f"{SMH}amountType"), amount_type),
                (_n(f"{SMH}amountLabel"), ox.Literal(f"Synthetic {amount_type.value.rsplit('/', 1)[1]}")),
                (_n(f"{SMH}year"), ox.Literal(str(start.year), datatype=_n(f"{XSD}gYear"))),
                (_n(f"{SMH}yearBasis"), _n(f"{BASE}concept/year-bases/planned-start-year")),
                (SOURCE_P, SOURCE),
            ],
        )


def _classification(project: ox.NamedNode, code: str, rng: random.Random) -> Iterator[ox.Quad]:
    """An in-force and a theme classification, as every real project has (graph/classification)."""
    if rng.random() < 0.7:
        concept, choice = rng.choice(SPEARHEADS), RDI_CHOICE
        facts = [(_n(f"{SMH}spearhead"), concept), (_n(f"{SMH}strategicChoice"), choice)]
        theme = [(_n(f"{SMH}spearhead"), concept)]
    else:
        concept = choice = rng.choice(OTHER_CHOICES)
        facts = [(_n(f"{SMH}strategicChoice"), choice)]
        theme = [
            (A, _n(f"{SMH}NotClassifiable")),
            (_n(f"{SMH}notClassifiableBecause"), ox.Literal("Synthetic: no spearhead drawn", language="en")),
        ]
    for kind, kind_facts in (("in-force", facts), ("theme", theme)):
        yield from _quads(
            GRAPH_CLASSIFICATION,
            _n(f"{SYN}classification/{code}/{kind}"),
            [
                (A, _n(f"{SMH}Classification")),
                (_n(f"{SMH}classifiedProject"), project),
                (_n(f"{SMH}classificationKind"), _n(f"{BASE}concept/classification-kinds/{kind}")),
                *kind_facts,
                (_n(f"{PROV}wasAttributedTo"), _n(f"{SYN}generator")),
                (_n(f"{PROV}generatedAtTime"), ox.Literal("2025-01-01T00:00:00Z", datatype=T_DATETIME)),
                (
                    _n(f"{SMH}basis"),
                    ox.Literal("Synthetic: assigned at random by bench/synthetic.py", language="en"),
                ),
            ],
        )
    yield ox.Quad(project, _n(f"{SMH}contributesTo"), concept, GRAPH_CLASSIFICATION)


def _quads(graph: ox.NamedNode, subject: ox.NamedNode, facts: list) -> Iterator[ox.Quad]:
    for predicate, obj in facts:
        yield ox.Quad(subject, predicate, obj, graph)


def generate(n_projects: int, seed: int = 7) -> Iterator[ox.Quad]:
    """The quads of a synthetic graph of ``n_projects`` projects: organisations first, then projects."""
    n_orgs = organisation_count(n_projects)
    yield from organisations(n_orgs, seed)
    yield from projects(n_projects, n_orgs, seed)


def write(path: Path, n_projects: int, seed: int = 7) -> int:
    """Stream the synthetic graph to ``path`` (N-Quads or TriG, by extension); return the number of quads."""
    resolved = Path(path).resolve()
    root = Path(__file__).resolve().parent.parent
    for forbidden in (root / "data", root / "build"):
        if resolved.is_relative_to(forbidden):
            raise ValueError(f"refusing to write synthetic data into {forbidden}: it is never published")
    count = 0

    def counted() -> Iterator[ox.Quad]:
        nonlocal count
        for q in generate(n_projects, seed):
            count += 1
            yield q

    fmt = ox.RdfFormat.TRIG if resolved.suffix == ".trig" else ox.RdfFormat.N_QUADS
    ox.serialize(counted(), output=str(resolved), format=fmt)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic Smart Häme graph (never published).")
    parser.add_argument("projects", type=int)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "-o", "--output", type=Path, required=True, help="a .nq or .trig file outside data/ and build/"
    )
    args = parser.parse_args()
    print(f"{write(args.output, args.projects, args.seed)} quads written to {args.output}")


if __name__ == "__main__":
    main()
