"""Typed rows of the spreadsheet template (pydantic), each error naming file, sheet, row and column.

    models.ROW_MODELS["projects"].model_validate(cells)

The checks are the ones a publisher can fix in the sheet: a business ID with a wrong check digit, an
end before the start, a fund, organisation type or amount label that the mapping does not know, a
source that is not a web address. What needs the whole graph (an organisation nobody knows, a fund
that does not fit the period) is found by the mapping, with the row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from server.graph.imports.columns import LIST_SEPARATOR, ROLES
from server.graph.records import curation as cur
from server.graph.records.terms import business_id_valid

WEB_ADDRESS = re.compile(r"https?://[^\s<>\"]+")


def _known(value: str, allowed: Collection[str], what: str) -> str:
    if value not in allowed:
        shown = ", ".join(sorted(allowed)[:12])
        raise ValueError(f"{what} {value!r} is not known; use one of: {shown}… (docs/import.md)")
    return value


def _web(value: str) -> str:
    if not WEB_ADDRESS.fullmatch(value):
        raise ValueError(f"{value!r} is not a web address (http:// or https://)")
    return value


def _business_id(value: str | None) -> str | None:
    if value is not None and not business_id_valid(value):
        raise ValueError(
            f"business ID {value!r} is invalid: seven digits, a hyphen and the check digit "
            "(weights 7,9,10,5,8,4,2), e.g. 2617489-3"
        )
    return value


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class ProjectRow(Row):
    code: str | None = None
    name: str
    fund: str
    period: str | None = None
    programme: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    status: str | None = None
    summary: str | None = None
    municipality: str | None = None
    region: str | None = None
    source: str
    note: str | None = None

    @field_validator("fund")
    @classmethod
    def check_fund(cls, value: str) -> str:
        return _known(value, {f for f, _ in cur.FUNDS}, "fund")

    @field_validator("source")
    @classmethod
    def check_source(cls, value: str) -> str:
        return _web(value)

    @field_validator("end")
    @classmethod
    def check_end(cls, end: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("start")
        if end is not None and start is not None and end < start:
            raise ValueError(f"the project ends ({end}) before it starts ({start})")
        return end


class OrganisationRow(Row):
    name: str
    business_id: str | None = None
    type: str | None = None
    municipality: str | None = None
    website: str | None = None
    aliases: str | None = None
    sources: str

    @field_validator("business_id")
    @classmethod
    def check_business_id(cls, value: str | None) -> str | None:
        return _business_id(value)

    @field_validator("type")
    @classmethod
    def check_type(cls, value: str | None) -> str | None:
        return value if value is None else _known(value, cur.ORGANISATION_TYPES, "organisation type")

    @field_validator("website")
    @classmethod
    def check_website(cls, value: str | None) -> str | None:
        return value if value is None else _web(value)

    @field_validator("sources")
    @classmethod
    def check_sources(cls, value: str) -> str:
        for part in split_list(value):
            _web(part)
        return value


class ParticipationRow(Row):
    project: str
    organisation: str
    business_id: str | None = None
    role: str
    role_on_page: str | None = None

    @field_validator("business_id")
    @classmethod
    def check_business_id(cls, value: str | None) -> str | None:
        return _business_id(value)

    @field_validator("role")
    @classmethod
    def check_role(cls, value: str) -> str:
        return _known(value, ROLES, "role")


class AmountRow(Row):
    project: str
    label: str
    amount: str
    source: str | None = None

    @field_validator("label")
    @classmethod
    def check_label(cls, value: str) -> str:
        return _known(value, cur.AMOUNT_TYPES, "amount label")

    @field_validator("source")
    @classmethod
    def check_source(cls, value: str | None) -> str | None:
        return value if value is None else _web(value)


ROW_MODELS: dict[str, type[Row]] = {
    "projects": ProjectRow,
    "organisations": OrganisationRow,
    "participations": ParticipationRow,
    "amounts": AmountRow,
}


def split_list(value: str | None) -> list[str]:
    return [p.strip() for p in (value or "").split(LIST_SEPARATOR) if p.strip()]
