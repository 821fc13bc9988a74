"""Amounts as sources write them: the number of euros, whether it is approximate, and its year.

Every amount gets its meaning from the label the source shows (``curation.AMOUNT_TYPES``) and a year
with the reason for it (``smh:yearBasis``), in this order: the decision's year where a decision is the
source (a label such as ``eu_ja_valtio_myr_2016``, the decision text, the cooperation group's meeting
page), else the year the page gives (its address ``/2023/04/``, or the page's date the record states),
else the year of the planned start. An amount none of these dates has no year, and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from server.graph.records import curation as cur


class AmountNotReadable(ValueError):
    """A figure that cannot be read as one number of euros (e.g. '1 909 927 miljoonaa euroa')."""


# Kept under its old name: callers and tests catch AmbiguousAmount.
AmbiguousAmount = AmountNotReadable

APPROXIMATE = re.compile(r"(?<!\w)(n\.|noin|lähes|about|approx\.?|circa|ca\.)(?!\w)", re.IGNORECASE)


def parse_euros(text: str) -> tuple[Decimal, bool]:
    """Euros in a Finnish figure and whether the source marks it approximate ('n.', 'noin', 'lähes').

    '250.000 €' and '79 900 €' use '.' or a space between thousands; ',' is the decimal mark;
    'n. 1,6 miljoonaa euroa' and '1,3 M€' are millions. A figure with thousands groups and 'miljoonaa'
    is ambiguous.
    """
    approximate = bool(APPROXIMATE.search(text))
    m = re.search(r"\d{1,3}(?:[ .\u00a0]\d{3})+(?:,\d+)?|\d+(?:,\d+)?", text)
    if not m:
        raise AmountNotReadable(text)
    number = m.group(0)
    grouped = bool(re.search(r"[ .\u00a0]", number))
    value = Decimal(re.sub(r"[ .\u00a0]", "", number).replace(",", "."))
    if re.match(r"\s*(milj|M€|M\s*€)", text[m.end() :]):
        if grouped or value >= 1000:
            raise AmountNotReadable(text)
        value *= 1_000_000
    return value, approximate


def decimal_text(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral() else str(value)


@dataclass(frozen=True)
class AmountYear:
    year: str | None
    basis: str | None  # slug of a concept of scheme/year-bases
    because: str  # one line for the amount's note


def decision_date(record: dict[str, Any], page: str | None) -> str | None:
    """The decision's date (``yyyy-mm-dd``), or its year alone, from the decision text or the MYR page."""
    decision = record.get("decision") or ""
    m = re.search(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", decision)
    if m:
        return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    if page in cur.MYR_PAGES:
        return cur.MYR_PAGES[page]
    m = re.search(r"\b((?:19|20)\d\d)\b", decision)
    return m.group(1) if m else None


def amount_year(record: dict[str, Any], label: str, page: str, start: str | None) -> AmountYear:
    """The year of one amount of ``record`` shown under ``label`` on ``page``."""
    m = re.search(r"(20\d\d)$", label)
    if m:
        return AmountYear(m.group(1), "decision-year", f"decision year in the label '{label}'")
    if record["name"] in cur.AMOUNT_YEARS:
        year, basis, why = cur.AMOUNT_YEARS[record["name"]]
        return AmountYear(year, basis, why)
    decided = decision_date(record, page)
    if decided:
        written = record.get("decision") or f"meeting of {decided}"
        return AmountYear(decided[:4], "decision-year", f"decision: {written}")
    if page in cur.PAGE_YEARS:
        year, why = cur.PAGE_YEARS[page]
        return AmountYear(year, "page-year", f"the page gives {year}: {why}")
    m = re.search(r"/((?:19|20)\d\d)/(?:0[1-9]|1[0-2])/", page)
    if m:
        return AmountYear(m.group(1), "page-year", f"the page's address dates it {m.group(1)}")
    if start:
        return AmountYear(start[:4], "planned-start-year", f"year of the start {start} the sources give")
    return AmountYear(None, None, "no year: the sources give no decision, page date or planned start")
