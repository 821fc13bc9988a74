"""The rules: which concepts of a strategy a project's record points to, and why.

Four kinds of evidence, each recorded in the basis of what it gives:
- stems of the concept's wording in the project's name, summary, specific objective and programme
  (``stems``), in Finnish, Swedish and English;
- the fund and priority axis: the ESF family and the ESF priority axes serve competence, employment
  and inclusion; the ERDF axis "Uusimman tiedon ja osaamisen tuottaminen" is research and innovation;
- the specific objective's number (``SPECIFIC_OBJECTIVES``);
- through the published Smart Tavastia -> Smart Häme mappings, the in-force classification of an
  earlier project (``theme``), and, where nothing else holds, the profile of its applicant.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from server.graph.classification import stems
from server.graph.classification.facts import ProjectFacts

RES = "https://w3id.org/smart-hame/"
EUPROG = "http://publications.europa.eu/resource/authority/eu-programme/"
ESF_FAMILY = {EUPROG + "ESF", EUPROG + "ESF_PLUS", EUPROG + "REACT_EU", RES + "concept/funds/esf-2007-2013"}

# Specific objectives of the 2014–2020 structural-funds programme (EURA "Erityistavoite") -> choice.
SPECIFIC_OBJECTIVES: dict[str, str] = {
    "4.1.": "sustainable-growth-rdi",  # Tutkimus-, osaamis- ja innovaatiokeskittymien kehittäminen
    "5.1.": "sustainable-growth-rdi",  # Yritysten innovaatiotoiminnan vahvistaminen
    "6.1.": "competence-employment-inclusion",  # Nuorten … työllistymisen edistäminen
    "7.1.": "competence-employment-inclusion",  # Tuottavuuden ja työhyvinvoinnin parantaminen
    "9.1.": "competence-employment-inclusion",  # Siirtymävaiheita … tukevien palveluiden parantaminen
    "9.2.": "competence-employment-inclusion",  # … koulutuksen tarjonnan ja laadun parantaminen
    "10.1.": "competence-employment-inclusion",  # Työelämän ulkopuolella olevien … parantaminen
    "12.4.": "competence-employment-inclusion",  # Yritysten ja yrittäjien muutoskyvykkyyden lisääminen
}
# ESF priority axes (2014–2020 "3."–"5.", REACT-EU "9.", 2007–2013 "1:"–"3:") and the ERDF RDI axis.
ESF_AXES = ("3.", "4.", "5.", "9.", "1:", "2:", "3:")
ERDF_RDI_AXIS = "2. Uusimman tiedon ja osaamisen tuottaminen ja hyödyntäminen"

PROFILE_MIN_PROJECTS = 3  # an applicant's profile counts once it has this many classified projects
PROFILE_SHARE = 2 / 3  # ... and this share of them is in one spearhead


def concept(scheme: str, slug: str) -> str:
    return f"{RES}concept/{scheme}/{slug}"


@functools.cache  # a few hundred stems, asked for once per project and field
def stem_pattern(stem: str) -> re.Pattern[str]:
    """'stem' starts a word (not after the prefix 're-'); '*stem' may sit inside one; 'stem$' ends one."""
    core = stem.lstrip("*").rstrip("$")
    start = "" if stem.startswith("*") else r"(?<!\w)(?<!re-)"
    end = r"(?!\w)" if stem.endswith("$") else ""
    return re.compile(start + re.escape(core) + end)


def stem_hits(keywords: list[str], fields: dict[str, str]) -> list[str]:
    """Rule hits as "'stem' in field"."""
    hits = []
    for k in keywords:
        pattern = stem_pattern(k)
        hits += [f"'{k.strip('*$')}' in {name}" for name, text in fields.items() if pattern.search(text)]
    return hits


def rule_hits(rule: stems.Rule, fields: dict[str, str]) -> list[str]:
    """The hits of a concept's rule, or [] when one of its groups finds nothing. Weak stems count
    only where no ``unless`` stem is found."""
    found = [stem_hits(g, fields) for g in rule.groups]
    if rule.weak and not stem_hits(rule.unless, fields):
        found[0] = found[0] + stem_hits(rule.weak, fields)
    return [h for hits in found for h in hits] if all(found) else []


@dataclass
class Assignment:
    concept: str
    role: str  # "spearhead", "choice" or "line"
    basis: list[str] = field(default_factory=list)
    via: list[tuple[str, str]] = field(default_factory=list)  # (mapping statement, Smart Tavastia spearhead)


def smart_hame_spearheads(f: ProjectFacts) -> list[Assignment]:
    fields = f.texts()
    out = []
    for slug, rule in stems.SMART_HAME.items():
        hits = rule_hits(rule, fields)
        if hits:
            out.append(Assignment(concept("spearheads", slug), "spearhead", hits))
    return out


def smart_hame_choices(f: ProjectFacts, spearheads: list[Assignment]) -> list[Assignment]:
    fields = f.texts()
    found: dict[str, list[str]] = {}
    if spearheads:
        found["sustainable-growth-rdi"] = ["a spearhead matched (the spearheads sit under this choice)"]
    for slug, keywords in stems.CHOICES.items():
        hits = stem_hits(keywords, fields)
        if hits:
            found.setdefault(slug, []).extend(hits)
    if f.fund in ESF_FAMILY:
        found.setdefault("competence-employment-inclusion", []).append(f"fund '{f.fund_as_written}'")
    axis = f.priority_axis or ""
    if axis.startswith(ESF_AXES) and (f.fund_as_written or "").startswith("ESR"):
        found.setdefault("competence-employment-inclusion", []).append(f"priority axis '{axis}'")
    if axis == ERDF_RDI_AXIS:
        found.setdefault("sustainable-growth-rdi", []).append(f"priority axis '{axis}'")
    objective = (f.specific_objective or "").split(" ")[0]
    if objective in SPECIFIC_OBJECTIVES:
        found.setdefault(SPECIFIC_OBJECTIVES[objective], []).append(f"specific objective {objective}")
    return [Assignment(concept("strategic-choices", k), "choice", v) for k, v in found.items()]


def smart_tavastia_spearheads(f: ProjectFacts) -> list[Assignment]:
    fields = f.texts()
    out = []
    for slug, rule in stems.SMART_TAVASTIA.items():
        hits = rule_hits(rule, fields)
        if hits:
            out.append(Assignment(concept("smart-tavastia-spearheads", slug), "spearhead", hits))
    return out


def hame_programme_lines(f: ProjectFacts, year: int | None) -> list[Assignment]:
    """The Häme-ohjelma priorities of the programme in force in ``year`` (2014–2017 or 2018+)."""
    if year is None or not 2014 <= year <= 2021:
        return []
    scheme, table = (
        ("hame-ohjelma-2014-2017-priorities", stems.HAME_2014)
        if year <= 2017
        else ("maakuntasuunnitelma-2040-priorities", stems.MAAKUNTASUUNNITELMA_2040)
    )
    fields = f.texts()
    out = []
    for slug, keywords in table.items():
        hits = stem_hits(keywords, fields)
        if hits:
            out.append(Assignment(concept(scheme, slug), "line", hits))
    return out


@dataclass(frozen=True)
class Mapping:
    relation: str  # skos:narrowMatch, …, as the local name
    target: str  # the Smart Häme spearhead
    statement: str  # the mapping/… note that carries its basis


def theme_from_smart_tavastia(
    f: ProjectFacts, in_force: list[Assignment], mappings: dict[str, list[Mapping]]
) -> tuple[list[Assignment], list[str], list[str]]:
    """Smart Häme spearheads through the published mappings: (assignments, mapping notes used, reasons
    for Smart Tavastia spearheads no mapping could carry over)."""
    supported = {a.concept: a.basis for a in smart_hame_spearheads(f)}
    out: dict[str, Assignment] = {}
    used: list[str] = []
    unresolved: list[str] = []
    for a in (x for x in in_force if x.role == "spearhead"):
        targets = mappings.get(a.concept, [])
        name = a.concept.rsplit("/", 1)[-1]
        if not targets:
            unresolved.append(
                f"Smart Tavastia's '{name}' has no Smart Häme successor in the published mappings"
            )
            continue
        # An exact or close match carries the theme alone; a narrower or related one needs the target's
        # own stems in the record (Smart Häme covers only a part of the older spearhead, or overlaps it).
        chosen = [m for m in targets if m.target in supported or m.relation in ("exactMatch", "closeMatch")]
        if not chosen:
            names = ", ".join(m.target.rsplit("/", 1)[-1] for m in targets)
            unresolved.append(
                f"Smart Tavastia's '{name}' continues as {names}, and the project matches none of their stems"
            )
        for m in chosen:
            why = f"Smart Tavastia '{name}' skos:{m.relation} this spearhead ({m.statement})"
            hits = supported.get(m.target, [f"skos:{m.relation} carries the theme alone"])
            assignment = out.setdefault(m.target, Assignment(m.target, "spearhead"))
            assignment.basis += [why, *hits]
            assignment.via.append((m.statement, a.concept))
            used.append(m.statement)
    return list(out.values()), used, unresolved


def applicant_profiles(
    results: dict[str, list[str]], applicants: dict[str, list[str]]
) -> dict[str, Counter[str]]:
    """For each organisation, how many of the projects it applied for have each theme spearhead."""
    profiles: dict[str, Counter[str]] = {}
    for key, spearheads in results.items():
        for org in applicants.get(key, []):
            profiles.setdefault(org, Counter()).update(spearheads)
    return profiles


def profile_assignment(
    f: ProjectFacts, profiles: dict[str, Counter[str]], classified: dict[str, int]
) -> list[Assignment]:
    """A spearhead from the applicant's profile: most of its classified projects are in one spearhead."""
    for org in f.applicants:
        counts, total = profiles.get(org), classified.get(org, 0)
        if not counts or total < PROFILE_MIN_PROJECTS:
            continue
        target, n = counts.most_common(1)[0]
        if n / total >= PROFILE_SHARE:
            why = f"applicant {org}: {n} of its {total} classified projects are in this spearhead"
            return [Assignment(target, "spearhead", [why])]
    return []
