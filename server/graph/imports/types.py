"""What an import reads: a record with its origin, and where each of its fields was written."""

from __future__ import annotations

from dataclasses import dataclass, field

from server.graph.records.batch import Located, Origin

# How an import validates (``server.graph.imports.focus``): here, light, for the command line's choices.
VALIDATIONS = ("auto", "focus", "whole")


@dataclass(frozen=True)
class CellOrigin(Origin):
    """A spreadsheet row: ``file:sheet:row`` (row 1 is the header)."""

    sheet: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.sheet}:{self.index}"


@dataclass
class ImportRecord:
    """One record of an import: ``kind`` is projects, organisations or additions; ``cells`` maps each
    record field to where it was written (``file:sheet:row:column``, or ``file:record N:field`` for JSON);
    ``parts`` maps a minted part of the record (``amount/1``, ``participant/<name>``) to its row."""

    kind: str
    located: Located
    cells: dict[str, str]
    parts: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return str(self.located.origin)
