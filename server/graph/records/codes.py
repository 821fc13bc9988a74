"""Project register codes as records write them -> the bare code, and the project's IRI key.

The same record always gives the same key: the bare code where the record has a usable one, else the
slug of the project's name. Codes as written carry remarks ("271930 (maaseuturahaston hankenumero)")
or are cut ("257/… (hanketunnus cut in excerpt)"); the remark goes to a note, a cut code is no code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from server.graph.records.terms import slug

# (pattern on the code as written, prefix of the IRI key, register): the first that matches wins.
# EURA 2014/2007 codes (A7xxxx ERDF, S2xxxx/S1xxxx ESF) and the rural fund's project numbers are the
# keys the first batch already minted (project/A70870, project/15349); a Horizon 2020 grant agreement
# number gets a prefix, as CORDIS numbers and rural project numbers are both plain digits.
CODE_PATTERNS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"([AS]\d{5})"), "", "EURA"),
    (re.compile(r"(\d{4,6}) \(maaseuturahaston hankenumero\)"), "", "maaseuturahasto"),
    (re.compile(r"H2020 grant agreement no\. (\d+)"), "h2020-", "Horizon 2020"),
    (re.compile(r"(HAM-\d{4}-R-\d+)"), "", "EU Etelä-Suomen tavoite 2 -ohjelma"),
    (re.compile(r"(\d{4,6})"), "", "maaseuturahasto"),
]


@dataclass(frozen=True)
class Code:
    code: str | None  # the bare register code, or None
    key: str  # the IRI key: project/{key}
    written: str | None  # the code as the record writes it, where it differs from ``code``
    register: str | None


def project_code(record: dict[str, object]) -> Code:
    written = record.get("code")
    name = str(record["name"])
    if isinstance(written, str) and written.strip():
        for pattern, prefix, register in CODE_PATTERNS:
            m = pattern.fullmatch(written.strip())
            if m:
                code = m.group(1)
                return Code(code, prefix + code, None if written == code else written, register)
        return Code(None, slug(name, 60), written, None)
    return Code(None, slug(name, 60), None, None)


def project_id(record: dict[str, object]) -> str:
    """The key of ``project/{key}`` for a record."""
    return project_code(record).key
