"""What the classification rules read about a project: plain values, so that the bundled records, an
import and a test fixture all feed the rules the same way."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ProjectFacts:
    key: str  # the IRI key: project/{key}
    name: str
    summary: str | None = None
    fund_as_written: str | None = None
    fund: str | None = None  # IRI of the fund (eu-programme code or scheme/funds concept)
    programme: str | None = None
    priority_axis: str | None = None
    specific_objective: str | None = None
    period_label: str | None = None  # the record's `period`, e.g. "2014–2020 (siirtymäkausi)"
    start: str | None = None  # yyyy-mm-dd, yyyy-mm or yyyy: the planned or reported start
    end: str | None = None
    decision: str | None = None  # yyyy-mm-dd or yyyy of the funding decision
    applicants: list[str] = field(default_factory=list)  # organisation IRIs
    partners: list[str] = field(default_factory=list)

    def texts(self) -> dict[str, str]:
        """The fields the stems are matched in, lower case."""
        fields = {
            "name": self.name,
            "summary": self.summary,
            "specific objective": self.specific_objective,
            "programme": self.programme,
        }
        return {k: v.lower() for k, v in fields.items() if v}
