"""When a project ran, and which strategy was in force then.

The reference point is the project's start (planned, or reported by a page), else the funding
decision, else the end, else the programming period of its record, else the year a news item dates
it. Smart Tavastia and the Häme-ohjelma are the strategy in force for 2014 up to the approval of
Kestävän kasvun Häme 2022–2025 on 29.11.2021 (the programme that serves as the Smart Häme
strategy); Smart Häme from then on. Before 2014 no strategy of this graph was in force.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from server.graph.classification.facts import ProjectFacts

SMART_TAVASTIA_FROM = "2014-01-01"  # the 2014–2020 programming period (README §5.3)
SMART_HAME_FROM = "2021-11-29"  # Kestävän kasvun Häme 2022–2025 approved by the regional assembly
AKKE_SOURCE = "https://www.hameenliitto.fi/elinvoima-ja-kehittaminen/rahoitus/akke-rahoitus/"
STRATEGIES = {"smart-tavastia": "Smart Tavastia", "smart-hame": "Smart Häme"}


@dataclass(frozen=True)
class Reference:
    when: str  # yyyy-mm-dd, yyyy-mm or yyyy
    basis: str


@dataclass(frozen=True)
class InForce:
    strategy: str | None  # slug of strategy/…, or None
    reference: Reference | None
    reason: str  # why this strategy (or why none)


def reference(f: ProjectFacts) -> Reference | None:
    """When the project ran, and from what that is read; None when nothing in the sources dates it."""
    if f.start:
        return Reference(f.start, f"start {f.start}")
    if f.decision:
        return Reference(f.decision, f"funding decision {f.decision}")
    if f.end:
        return Reference(f.end, f"end {f.end}")
    label = f.period_label or ""
    m = re.match(r"((?:19|20)\d\d)–((?:19|20)\d\d)", label)
    if m:
        return Reference(m.group(1), f"programming period {m.group(0)} of the record")
    m = re.search(r"\b((?:19|20)\d\d)\b", label)
    if m:
        return Reference(m.group(1), f"the record's period '{label}'")
    if (f.fund_as_written or "").startswith("AKKE"):
        return Reference(
            SMART_HAME_FROM,
            "AKKE funding, which Hämeen liitto grants in support of Kestävän kasvun Häme 2022–2025 "
            f"({AKKE_SOURCE})",
        )
    return None


def in_force(f: ProjectFacts) -> InForce:
    ref = reference(f)
    if ref is None:
        return InForce(None, None, "the sources give no period, decision or date for the project")
    when = ref.when if len(ref.when) > 4 else f"{ref.when}-01-01"
    label = f.period_label or ""
    # A 2014–2020 project that started after the approval ran under Smart Häme (the transition period).
    if label.startswith(("2021–2027", "2023–2027")) or when >= SMART_HAME_FROM:
        strategy = "smart-hame"
    elif label.startswith("2014–2020") or when >= SMART_TAVASTIA_FROM:
        strategy = "smart-tavastia"
    else:
        return InForce(
            None,
            ref,
            f"it ran before 2014 ({ref.basis}), before any smart specialisation strategy of this graph",
        )
    return InForce(strategy, ref, f"{STRATEGIES[strategy]} was in force at its {ref.basis}")


def reference_year(ref: Reference | None) -> int | None:
    return int(ref.when[:4]) if ref else None
