"""The spreadsheet template (docs/import.md): XLSX with one sheet per kind, or one CSV file per kind.

Rows are checked with the typed models of ``server.graph.imports.rows`` and turned into records in the
reference JSON format, one project record gathering its participations and amounts, so that they go
through the same mapping as the bundled records. XLSX is read with openpyxl (read-only, cached values).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from server.graph.imports.columns import ROLES, SHEETS, sheet_columns
from server.graph.imports.rows import (
    ROW_MODELS,
    AmountRow,
    OrganisationRow,
    ParticipationRow,
    ProjectRow,
    split_list,
)
from server.graph.imports.types import CellOrigin, ImportRecord
from server.graph.records.batch import Located

SPREADSHEET_SUFFIXES = (".csv", ".xlsx")
RECORD_TYPE = "publisher_spreadsheet"
Table = list[tuple[int, dict[str, str | None]]]  # (row number, column -> cell text)


def read_spreadsheets(paths: list[Path]) -> tuple[list[ImportRecord], list[str]]:
    """The records of template files read together (the CSV files of one import, one per sheet, or
    workbooks) and every problem found in them."""
    problems: list[str] = []
    tables: list[tuple[Path, str, Table]] = []
    for path in paths:
        for sheet, header, rows in _sheets(path, problems):
            known = {c.name for c in sheet_columns(sheet)}
            for n, name in enumerate(header, start=1):
                if name not in known:
                    problems.append(
                        f"{path}:{sheet}:1:{name or f'column {n}'}: unknown column; the {sheet} "
                        f"sheet has {', '.join(sorted(known))}"
                    )
            missing = [c.name for c in sheet_columns(sheet) if c.required and c.name not in header]
            if missing:
                problems.append(f"{path}:{sheet}:1: missing column(s) {', '.join(missing)}")
            tables.append((path, sheet, rows))
    if problems:
        return [], problems
    typed: dict[str, list[tuple[CellOrigin, Any]]] = {s: [] for s in SHEETS}
    for path, sheet, rows in tables:
        for number, cells in rows:
            origin = CellOrigin(path, number, sheet)
            try:
                typed[sheet].append((origin, ROW_MODELS[sheet].model_validate(cells)))
            except ValidationError as e:
                problems += [_problem(origin, err) for err in e.errors()]
    if problems:
        return [], problems
    return _records(typed, problems), problems


def read_spreadsheet(path: Path) -> tuple[list[ImportRecord], list[str]]:
    """The records of one template file."""
    return read_spreadsheets([path])


def _problem(origin: CellOrigin, err: Any) -> str:
    column = str(err["loc"][0]) if err["loc"] else "row"
    message = str(err["msg"]).removeprefix("Value error, ")
    return f"{origin}:{column}: {message}"


def _sheets(path: Path, problems: list[str]) -> Iterator[tuple[str, list[str], Table]]:
    if path.suffix.lower() == ".csv":
        yield from _csv_sheet(path, problems)
        return
    import openpyxl  # type: ignore[import-untyped]  # on first need: 55 ms of every server's start

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - openpyxl raises zipfile, KeyError and XML errors for a bad file
        problems.append(f"{path}: not a readable XLSX workbook ({type(e).__name__}: {e})")
        return
    try:
        for ws in book.worksheets:
            if ws.title not in SHEETS:
                problems.append(f"{path}:{ws.title}: unknown sheet; the template has {', '.join(SHEETS)}")
                continue
            rows = [[_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
            yield ws.title, *_table(rows)
    finally:
        book.close()


def _csv_sheet(path: Path, problems: list[str]) -> Iterator[tuple[str, list[str], Table]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows: list[list[str | None]] = [[c or None for c in row] for row in csv.reader(f)]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        problems.append(f"{path}: not a readable UTF-8 CSV file ({e})")
        return
    header = [c or "" for c in rows[0]] if rows else []
    sheet = _sheet_of(header)
    if sheet is None:
        problems.append(
            f"{path}:1: the header matches no sheet of the template ({', '.join(SHEETS)}); see docs/import.md"
        )
        return
    yield sheet, *_table(rows)


def _sheet_of(header: list[str]) -> str | None:
    """The sheet whose required columns a CSV header has and whose columns include all of it."""
    names = set(header)
    for sheet in SHEETS:
        columns = sheet_columns(sheet)
        if {c.name for c in columns if c.required} <= names <= {c.name for c in columns}:
            return sheet
    return None


def _table(rows: list[list[str | None]]) -> tuple[list[str], Table]:
    header = [(c or "").strip() for c in rows[0]] if rows else []
    while header and not header[-1]:
        header.pop()
    table: Table = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {name: (row[i] if i < len(row) else None) for i, name in enumerate(header)}
        if any(v is not None for v in cells.values()):
            table.append((number, cells))
    return header, table


def _text(value: Any) -> str | None:
    """A cell as text: dates as yyyy-mm-dd, whole numbers without a decimal point, blanks as None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _records(typed: dict[str, list[tuple[CellOrigin, Any]]], problems: list[str]) -> list[ImportRecord]:
    records: list[ImportRecord] = []
    projects: dict[str, ImportRecord] = {}
    for origin, row in typed["projects"]:
        record = _project_record(row, origin)
        for key in filter(None, (row.code, row.name)):
            projects.setdefault(key, record)
        records.append(record)
    for origin, row in typed["participations"]:
        if (target := _project(projects, row.project, origin, problems)) is not None:
            _add_participation(target, row, origin, problems)
    for origin, row in typed["amounts"]:
        if (target := _project(projects, row.project, origin, problems)) is not None:
            _add_amount(target, row, origin, problems)
    records += [_organisation_record(row, origin) for origin, row in typed["organisations"]]
    return records


def _cells(origin: CellOrigin, row: Any, fields: dict[str, str]) -> dict[str, str]:
    return {
        field: f"{origin}:{column}" for column, field in fields.items() if getattr(row, column) is not None
    }


def _project_record(row: ProjectRow, origin: CellOrigin) -> ImportRecord:
    record: dict[str, Any] = {
        **{k: getattr(row, k) for k in ("code", "name", "fund", "period", "programme", "status", "summary")},
        "start": row.start.isoformat() if row.start else None,
        "end": row.end.isoformat() if row.end else None,
        **{k: getattr(row, k) for k in ("municipality", "region", "source", "note")},
        "toimintalinja": None,
        "erityistavoite": None,
        "toteutusaika_text": None,
        "vastuuviranomainen": None,
        "applicant": {},
        "partners": [],
        "record_type": RECORD_TYPE,
    }
    fields = {c.name: c.field for c in sheet_columns("projects")}
    return ImportRecord("projects", Located(origin, record), _cells(origin, row, fields))


def _organisation_record(row: OrganisationRow, origin: CellOrigin) -> ImportRecord:
    record = {
        "name": row.name,
        "y_tunnus": row.business_id,
        "organisaatiotyyppi": row.type,
        "municipality": row.municipality,
        "website": row.website,
        "aliases": split_list(row.aliases),
        "notes": [],
        "sources": split_list(row.sources),
    }
    fields = {c.name: c.field for c in sheet_columns("organisations")}
    return ImportRecord("organisations", Located(origin, record), _cells(origin, row, fields))


def _project(
    projects: dict[str, ImportRecord], key: str, origin: CellOrigin, problems: list[str]
) -> ImportRecord | None:
    if key not in projects:
        problems.append(
            f"{origin}:project: no row of the projects sheet (of the files of this import) has "
            f"the code or name {key!r}"
        )
    return projects.get(key)


def _add_participation(
    target: ImportRecord, row: ParticipationRow, origin: CellOrigin, problems: list[str]
) -> None:
    party = {"name": row.organisation, "y_tunnus": row.business_id, "role_on_page": row.role_on_page}
    party = {k: v for k, v in party.items() if v is not None}
    record, field = target.located.data, ROLES[row.role]
    if field == "applicant":
        if record["applicant"]:
            problems.append(
                f"{origin}:role: the project already has an applicant ({record['applicant']['name']})"
            )
            return
        record["applicant"] = party
    else:
        record.setdefault(field, []).append(party)
    target.parts[f"participant/{row.organisation}"] = f"{origin}:organisation"


def _add_amount(target: ImportRecord, row: AmountRow, origin: CellOrigin, problems: list[str]) -> None:
    record = target.located.data
    budget = record.setdefault("budget", {})
    if row.label in budget:
        problems.append(f"{origin}:label: the project already has an amount labelled {row.label!r}")
        return
    if row.source is not None:
        if record.get("budget_source") not in (None, row.source):
            problems.append(
                f"{origin}:source: a project's amounts take one source; an earlier row gives "
                f"{record['budget_source']}"
            )
            return
        record["budget_source"] = row.source
    budget[row.label] = row.amount
    target.parts[f"amount/{len(budget)}"] = f"{origin}:amount"
