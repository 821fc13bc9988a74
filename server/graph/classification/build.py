"""Every project's classifications: against the strategy in force when it ran, against the Smart Häme
spearheads by theme, and the editors' decisions, which the rules never overturn.

    results = classify(facts, published_mappings(strategy_graph), decisions)

An outcome with no concept is a "not classifiable, because …" record; every project gets one
in-force and one theme outcome, so every project is either classified or says why it is not.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rdflib import RDF, Graph, URIRef

from server.graph.classification import periods, rules
from server.graph.classification.editorial import Decision
from server.graph.classification.facts import ProjectFacts
from server.graph.classification.rules import Assignment, Mapping

RULES_VERSION = "2026-12-01"  # prov:generatedAtTime of every rule-made classification
RULES_AGENT = "agent/smart-hame-keyword-rules"
RES = rules.RES
STRATEGY_OF_SCHEME = {
    "spearheads": "smart-hame",
    "strategic-choices": "smart-hame",
    "smart-tavastia-spearheads": "smart-tavastia",
    "hame-ohjelma-2014-2017-priorities": "smart-tavastia",
    "maakuntasuunnitelma-2040-priorities": "smart-tavastia",
}
ROLE_OF_SCHEME = {
    "spearheads": "spearhead",
    "strategic-choices": "choice",
    "smart-tavastia-spearheads": "spearhead",
    "hame-ohjelma-2014-2017-priorities": "line",
    "maakuntasuunnitelma-2040-priorities": "line",
}


@dataclass
class Outcome:
    kind: str  # "in-force", "theme" or "editorial"
    strategy: str | None
    assignments: list[Assignment] = field(default_factory=list)
    basis: list[str] = field(default_factory=list)
    reason: str | None = None  # set when nothing was assigned: why not
    derived_from: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    agent: str = RULES_AGENT
    when: str = RULES_VERSION

    def concepts(self) -> list[str]:
        return [a.concept for a in self.assignments]


@dataclass
class ProjectResult:
    facts: ProjectFacts
    in_force: Outcome
    theme: Outcome
    editorial: list[Outcome] = field(default_factory=list)

    def outcomes(self) -> list[Outcome]:
        return [self.in_force, self.theme, *self.editorial]


def classification_iri(key: str, kind: str) -> str:
    return f"{RES}classification/{key}/{kind}"


def in_force_outcome(f: ProjectFacts) -> Outcome:
    found = periods.in_force(f)
    if found.strategy is None:
        return Outcome(
            "in-force", None, basis=[f"in force: none, because {found.reason}"], reason=found.reason
        )
    basis = [f"in force: {found.reason}"]
    if found.strategy == "smart-tavastia":
        year = periods.reference_year(found.reference)
        assigned = rules.smart_tavastia_spearheads(f) + rules.hame_programme_lines(f, year)
        missing = (
            "no Smart Tavastia or Häme-ohjelma rule matched its name, summary, specific objective "
            "or programme"
        )
    else:
        spearheads = rules.smart_hame_spearheads(f)
        assigned = spearheads + rules.smart_hame_choices(f, spearheads)
        missing = "no Smart Häme spearhead or strategic-choice rule matched its record"
    return Outcome("in-force", found.strategy, assigned, basis, None if assigned else missing)


def theme_outcome(f: ProjectFacts, in_force: Outcome, mappings: dict[str, list[Mapping]]) -> Outcome:
    source = classification_iri(f.key, "in-force")
    if in_force.strategy == "smart-hame":
        assigned = [a for a in in_force.assignments if a.role == "spearhead"]
        basis = ["theme: the strategy in force is Smart Häme itself, so the theme is its in-force spearheads"]
        choices = [a.concept.rsplit("/", 1)[-1] for a in in_force.assignments if a.role == "choice"]
        reason = "no Smart Häme spearhead rule matched its record" + (
            f" (its in-force classification names only the strategic choices {', '.join(choices)})"
            if choices
            else ""
        )
        return Outcome("theme", "smart-hame", assigned, basis, None if assigned else reason, [source])
    unresolved: list[str] = []
    if in_force.strategy == "smart-tavastia" and in_force.assignments:
        assigned, used, unresolved = rules.theme_from_smart_tavastia(f, in_force.assignments, mappings)
        if assigned:
            basis = [
                "theme: derived from the in-force Smart Tavastia classification through the published "
                "mappings"
            ]
            return Outcome("theme", "smart-hame", assigned, basis, derived_from=[source, *sorted(set(used))])
    assigned = rules.smart_hame_spearheads(f)
    basis = ["theme: Smart Häme spearhead stems in the record (no in-force classification to derive from)"]
    reasons = [*unresolved, "no Smart Häme spearhead stem matched its record"]
    return Outcome("theme", "smart-hame", assigned, basis, None if assigned else "; ".join(reasons))


def apply_profiles(results: dict[str, ProjectResult]) -> None:
    """Projects no other rule places by theme get their applicant's profile, where it has one."""
    themes = {k: r.theme.concepts() for k, r in results.items() if r.theme.assignments}
    applicants = {k: r.facts.applicants for k, r in results.items()}
    profiles = rules.applicant_profiles(themes, applicants)
    classified: Counter[str] = Counter(org for k in themes for org in applicants[k])
    for r in results.values():
        if r.theme.assignments or r.in_force.assignments:
            continue  # the record's own evidence placed it (or placed it outside every spearhead)
        found = rules.profile_assignment(r.facts, profiles, classified)
        if found:
            r.theme.assignments = found
            r.theme.basis.append("theme: the applicant's profile (no stem and no mapping placed the project)")
            r.theme.reason = None


def apply_decisions(results: dict[str, ProjectResult], decisions: list[Decision]) -> None:
    for d in sorted(decisions, key=lambda d: (d.project, d.line)):
        r = results[d.project]
        scheme = d.concept.split("/", 1)[0]
        iri = f"{RES}concept/{d.concept}"
        e = Outcome(
            "editorial", STRATEGY_OF_SCHEME[scheme], basis=[d.reason], agent=f"agent/{d.editor}", when=d.date
        )
        if d.include:
            e.assignments = [Assignment(iri, ROLE_OF_SCHEME[scheme], [d.reason])]
        else:
            e.rejected = [iri]
            for o in (r.in_force, r.theme):
                if iri in o.concepts():
                    o.assignments = [a for a in o.assignments if a.concept != iri]
                    o.basis.append(f"{d.concept} left out by an editorial decision ({d.date}: {d.reason})")
                    if not o.assignments:
                        o.reason = f"its only rule match, {d.concept}, was rejected by an editorial decision"
        r.editorial.append(e)
    for r in results.values():
        mapped = [stmt for a in r.theme.assignments for stmt, old in a.via if old in r.in_force.concepts()]
        if any(a.via for a in r.theme.assignments) or r.theme.derived_from[1:]:
            r.theme.derived_from = r.theme.derived_from[:1] + sorted(set(mapped))


def classify(
    facts: list[ProjectFacts],
    mappings: dict[str, list[Mapping]],
    decisions: list[Decision] | None = None,
    profiles: bool = True,
) -> dict[str, ProjectResult]:
    results = {}
    for f in facts:
        in_force = in_force_outcome(f)
        results[f.key] = ProjectResult(f, in_force, theme_outcome(f, in_force, mappings))
    if profiles:
        apply_profiles(results)
    apply_decisions(results, decisions or [])
    return results


def published_mappings(strategy: Graph) -> dict[str, list[Mapping]]:
    """Smart Tavastia spearhead -> the Smart Häme spearheads it maps to, read from the strategy graph's
    annotated mapping statements (never from the curation tables behind them)."""
    rdf_subject, rdf_predicate, rdf_object = RDF.subject, RDF.predicate, RDF.object
    out: dict[str, list[Mapping]] = {}
    for statement in sorted(strategy.subjects(RDF.type, RDF.Statement), key=str):
        s = strategy.value(statement, rdf_subject)
        p = strategy.value(statement, rdf_predicate)
        o = strategy.value(statement, rdf_object)
        if not (isinstance(s, URIRef) and isinstance(p, URIRef) and isinstance(o, URIRef)):
            continue
        if "/smart-tavastia-spearheads/" in str(s) and "/concept/spearheads/" in str(o):
            relation = str(p).rsplit("#", 1)[-1]
            out.setdefault(str(s), []).append(Mapping(relation, str(o), str(statement)))
    return out
