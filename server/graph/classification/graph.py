"""graph/classification as RDF: one smh:Classification per outcome (an smh:NotClassifiable where it
assigns nothing), with its agent, time, kind, strategy and basis, and ``smh:contributesTo`` for every
concept an outcome assigns."""

from __future__ import annotations

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import XSD

from server.graph.classification.build import RULES_AGENT, Outcome, ProjectResult
from server.graph.classification.editorial import EDITORS
from server.graph.vocabulary import STANDARD_PREFIXES, ontology_ns

RES = "https://w3id.org/smart-hame/"
SMH = Namespace(ontology_ns(RES))
PROV = Namespace(STANDARD_PREFIXES["prov"])
GRAPH = URIRef(RES + "graph/classification")
PROPERTY = {"spearhead": SMH.spearhead, "choice": SMH.strategicChoice, "line": SMH.programmeLine}


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def describe_agents(g: Graph) -> None:
    agent = URIRef(RES + RULES_AGENT)
    g.add((agent, RDF.type, PROV.SoftwareAgent))
    g.add((agent, RDFS.label, en("Smart Häme classification rules")))
    g.add(
        (
            agent,
            RDFS.comment,
            en(
                "Rules of server/graph/classification (stems.py, rules.py, periods.py), applied by "
                "smarthame convert "
                "to the project's name, English summary, specific objective, programme, fund, priority "
                "axis and "
                "period, to the published Smart Tavastia -> Smart Häme mappings and to applicants' profiles."
            ),
        )
    )
    for slug, names in EDITORS.items():
        editor = URIRef(f"{RES}agent/{slug}")
        g.add((editor, RDF.type, PROV.Agent))
        for language, name in names.items():
            g.add((editor, RDFS.label, Literal(name, lang=language)))
        g.add(
            (
                editor,
                RDFS.comment,
                en("A public role, not a person: decisions in data/editorial/classification-decisions.csv."),
            )
        )


def classification_graph(results: dict[str, ProjectResult]) -> Graph:
    g = Graph()
    describe_agents(g)
    g.add(
        (
            GRAPH,
            RDFS.label,
            en("Classification of projects against the strategy in force and the Smart Häme themes"),
        )
    )
    g.add(
        (
            GRAPH,
            RDFS.comment,
            en(
                "Every classification in this graph was made for the graph, by documented rules "
                "(agent/smart-hame-keyword-rules) or by an editor in a public role (agent/graph-editor); "
                "none is a "
                "fact stated by a source. Each carries its kind (against the strategy in force when the "
                "project "
                "ran, by Smart Häme theme, or editorial), the strategy, why (smh:basis, or "
                "smh:notClassifiableBecause "
                "where nothing could be assigned), who (prov:wasAttributedTo) and when "
                "(prov:generatedAtTime)."
            ),
        )
    )
    g.add((GRAPH, PROV.wasAttributedTo, URIRef(RES + RULES_AGENT)))
    for key in sorted(results):
        r = results[key]
        project = URIRef(f"{RES}project/{key}")
        rejected = {c for e in r.editorial for c in e.rejected}
        for kind, outcome in [("in-force", r.in_force), ("theme", r.theme)] + [
            (f"editorial-{n}", e) for n, e in enumerate(r.editorial, start=1)
        ]:
            describe(g, URIRef(f"{RES}classification/{key}/{kind}"), project, outcome)
            for a in outcome.assignments:
                if a.concept not in rejected or outcome.kind == "editorial":
                    g.add((project, SMH.contributesTo, URIRef(a.concept)))
    return g


def describe(g: Graph, c: URIRef, project: URIRef, o: Outcome) -> None:
    g.add((c, RDF.type, SMH.Classification))
    g.add((c, SMH.classifiedProject, project))
    g.add((c, SMH.classificationKind, URIRef(f"{RES}concept/classification-kinds/{o.kind}")))
    if o.strategy:
        g.add((c, SMH.strategy, URIRef(f"{RES}strategy/{o.strategy}")))
    g.add((c, PROV.wasAttributedTo, URIRef(RES + o.agent)))
    g.add((c, PROV.generatedAtTime, Literal(f"{o.when}T00:00:00Z", datatype=XSD.dateTime)))
    for line in o.basis:
        g.add((c, SMH.basis, en(line)))
    for source in o.derived_from:
        g.add((c, PROV.wasDerivedFrom, URIRef(source)))
    for a in o.assignments:
        g.add((c, PROPERTY[a.role], URIRef(a.concept)))
        g.add((c, SMH.basis, en(f"{a.concept.rsplit('/', 1)[-1]}: {'; '.join(a.basis)}")))
    for concept in o.rejected:
        g.add((c, SMH.rejects, URIRef(concept)))
    if not o.assignments and not o.rejected:
        g.add((c, RDF.type, SMH.NotClassifiable))
        g.add((c, SMH.notClassifiableBecause, en(o.reason or "no rule applied")))
