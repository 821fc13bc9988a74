"""The fast validator's own contract: it refuses what it does not implement, naming shape and feature;
restricted to focus nodes it gives exactly the full run's results for them; the focus nodes that
``locality.affected`` names for a change include every one whose results change; and the one kind
of difference from pySHACL it documents (typed literals are read in canonical form) is real.
(Agreement with pySHACL itself is tests/test_validator_equivalence.py.)
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from server.errors import DataError
from server.graph.loading import bundled_sources, load_files, load_sources, parse_file
from server.graph.shacl import locality
from server.graph.shacl.data import DataGraph
from server.graph.shacl.run import Row, compile_shapes, run_plan
from server.graph.shacl.sparql_text import nest_exists, split_where
from server.graph.validation import validate
from server.graph.vocabulary import graph_iri, prefixes
from server.settings import Settings

HERE = Path(__file__).parent
SMH = "https://w3id.org/smart-hame/ontology/"
SHAPES_GRAPH = "<https://w3id.org/smart-hame/graph/shapes>"
HEADER = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="module")
def bundled(settings: Settings) -> ox.Dataset:
    return load_sources(bundled_sources(settings), settings.base_iri)


def trig(tmp_path: Path, shapes: str, data: str = "ex:a a ex:Thing ; ex:p 1 .") -> Path:
    path = tmp_path / "case.trig"
    path.write_text(f"{HEADER}{SHAPES_GRAPH} {{ {shapes} }}\n{data}\n", encoding="utf-8")
    return path


REFUSED = {
    "closed": ("ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:closed true .", "ex:S: sh:closed"),
    "equals": (
        "ex:S a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:p ; sh:equals ex:q .",
        "ex:S: sh:equals",
    ),
    "nested sparql": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:node ex:T . "
        'ex:T a sh:NodeShape ; sh:sparql [ sh:select "SELECT $this WHERE { $this <urn:p> 2 }" ] .',
        "ex:T: sh:sparql inside sh:node",
    ),
    "disjoint qualified": (
        "ex:S a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:p ; "
        "sh:qualifiedValueShape [ sh:in (1) ] ; sh:qualifiedMinCount 1 ; "
        "sh:qualifiedValueShapesDisjoint true .",
        "ex:S: sh:qualifiedValueShapesDisjoint",
    ),
    "minus": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; "
        'sh:sparql [ sh:select "SELECT $this WHERE { $this <urn:p> ?x MINUS { $this <urn:q> ?x } }" ] .',
        "ex:S: a SPARQL constraint must not use MINUS",
    ),
    "recursion": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:p ; sh:node ex:S ] .",
        "recursive shapes",
    ),
    "custom component": (
        "ex:C a sh:ConstraintComponent ; sh:parameter [ sh:path ex:size ] . "
        "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; ex:size 3 .",
        "ex:C: sh:ConstraintComponent is not implemented",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_unimplemented_features_are_refused_with_shape_and_feature(
    name: str, tmp_path: Path, settings: Settings
) -> None:
    shapes, message = REFUSED[name]
    path = trig(tmp_path, shapes)
    data = load_files([path], settings.base_iri)
    with pytest.raises(DataError) as raised:
        validate(data, settings, files=[path], validator="fast")
    text = re.sub(r"<https://example\.org/([^>]*)>", r"ex:\1", raised.value.message)
    assert "could not be run" in text and "--validator pyshacl" in text
    assert message in text, text


def test_the_reference_runs_what_the_fast_validator_refuses(tmp_path: Path, settings: Settings) -> None:
    path = trig(tmp_path, REFUSED["closed"][0])
    report = validate(load_files([path], settings.base_iri), settings, files=[path], validator="pyshacl")
    assert {(r.focus_node, r.constraint_component.rsplit("#")[-1]) for r in report.results} == {
        ("https://example.org/a", "ClosedConstraintComponent")
    }


def test_unknown_validator_names_the_setting(bundled: ox.Dataset, settings: Settings) -> None:
    with pytest.raises(DataError, match="Unknown validator 'rust'.*fast, pyshacl"):
        validate(bundled, settings, validator="rust")


def focus_subsets(full: list, data: ox.Dataset) -> list[set]:  # type: ignore[type-arg]
    """Some focus nodes with results, some without (taken from the data), as oxigraph terms."""
    with_results = sorted({r.focus_node for r in full})
    subjects = sorted({q.subject for q in data if isinstance(q.subject, ox.NamedNode)}, key=str)
    chosen = {ox.NamedNode(f) for f in with_results[::3] if not f.startswith("_:") and not f.startswith('"')}
    return [chosen | set(subjects[::40]), set(subjects[1::25]), set()]


@pytest.mark.parametrize("case", ["bundled", "values", "logic", "paths", "sparql"])
def test_focus_restriction_gives_the_full_runs_results_for_those_nodes(
    case: str, bundled: ox.Dataset, settings: Settings
) -> None:
    if case == "bundled":
        data, files = bundled, None
    else:
        path = HERE / "validator_cases" / f"{case}.trig"
        data, files = load_files([path], settings.base_iri), [path]
    full = validate(data, settings, files=files).results
    for nodes in focus_subsets(full, data):
        names = {str(n)[1:-1] for n in nodes}
        restricted = validate(data, settings, files=files, focus=nodes).results
        assert restricted == [r for r in full if r.focus_node in names]
        if nodes:
            assert restricted or not any(r.focus_node in names for r in full)


# --- locality: which focus nodes a change can affect -------------------------------------------------


def first(data: ox.Dataset, predicate: str) -> ox.Quad:
    """The first quad in term order: a Dataset's own order changes from run to run."""
    return min(data.quads_for_predicate(ox.NamedNode(SMH + predicate)), key=str)


def least_referenced(data: ox.Dataset, predicate: str) -> ox.Quad:
    """The quad whose object the fewest quads point to: an edit of it should stay local."""
    quads = sorted(data.quads_for_predicate(ox.NamedNode(SMH + predicate)), key=str)
    return min(quads, key=lambda q: sum(1 for _ in data.quads_for_object(q.object)))


def changes(data: ox.Dataset) -> dict[str, tuple[list[ox.Quad], list[ox.Quad]]]:
    """Realistic edits of the bundled data: (added, removed) quads."""
    g = ox.NamedNode(graph_iri("projects"))
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    applicant = least_referenced(data, "applicant")
    code = first(data, "registerCode")
    business_id = first(data, "businessId")
    holders = (q.subject for q in data.quads_for_predicate(business_id.predicate))
    other_org = min((s for s in holders if s != business_id.subject), key=str)
    amount = first(data, "amount")
    new = ox.NamedNode("https://w3id.org/smart-hame/project/NEW1")
    new_amount = ox.NamedNode(new.value + "/amount/1")
    added_project = [
        ox.Quad(new, a, ox.NamedNode(SMH + "Project"), g),
        ox.Quad(
            new,
            ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
            ox.Literal("Uusi", language="fi"),
            g,
        ),
        ox.Quad(new, code.predicate, code.object, g),  # a register code another project has
        ox.Quad(new, applicant.predicate, applicant.object, g),
        ox.Quad(new, amount.predicate, new_amount, g),
        ox.Quad(new_amount, a, ox.NamedNode(SMH + "MonetaryAmount"), g),
        ox.Quad(
            new_amount,
            ox.NamedNode("http://schema.org/value"),
            ox.Literal("-5.00", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
            g,
        ),
    ]
    org_types = [q for q in data.quads_for_subject(applicant.object) if q.predicate == a]
    return {
        "new project": (added_project, []),
        "applicant loses its types": ([], org_types),
        "business ID given twice": (
            [ox.Quad(other_org, business_id.predicate, business_id.object, business_id.graph_name)],
            [],
        ),
        "amount loses its project": ([], [amount]),
        "register code changed": (
            [
                ox.Quad(code.subject, code.predicate, ox.Literal("SAME"), code.graph_name),
                ox.Quad(other_org, code.predicate, ox.Literal("SAME"), code.graph_name),
            ],
            [code],
        ),
    }


def by_check_and_focus(rows: list[Row], plan) -> dict[tuple[int, object], set[Row]]:  # type: ignore[no-untyped-def]
    index = {id(c): i for i, c in enumerate(plan.checks)}
    found: dict[tuple[int, object], set[Row]] = defaultdict(set)
    for row in rows:
        found[(index[id(row.check)], row.get("this"))].add(row)
    return found


@pytest.mark.parametrize("change", ["new project", "applicant loses its types", "business ID given twice",
                                    "amount loses its project", "register code changed"])  # fmt: skip
def test_affected_focus_nodes_hold_every_changed_result(
    change: str, bundled: ox.Dataset, settings: Settings
) -> None:
    base = settings.base_iri
    shapes_graph = ox.NamedNode(graph_iri("shapes", base))
    plan = compile_shapes(list(bundled.quads_for_graph_name(shapes_graph)), base, prefixes(base))
    added, removed = changes(bundled)[change]
    after_ds = ox.Dataset(bundled)
    for q in removed:
        after_ds.remove(q)
    for q in added:
        after_ds.add(q)
    before, after = (
        DataGraph.from_dataset(bundled, shapes_graph),
        DataGraph.from_dataset(after_ds, shapes_graph),
    )
    found = locality.affected(plan, after, added, removed, before)
    old, new = (
        by_check_and_focus(run_plan(plan, before), plan),
        by_check_and_focus(run_plan(plan, after), plan),
    )
    changed = {
        key
        for key in old.keys() | new.keys()
        if {r.bindings for r in old.get(key, set())} != {r.bindings for r in new.get(key, set())}
    }
    assert changed, "the change should alter some result"
    for index, focus in changed:
        assert found[index] is None or focus in found[index], (plan.checks[index].shape.label, focus)
    restricted = by_check_and_focus(run_plan(plan, after, focus=found), plan)
    assert restricted == {k: v for k, v in new.items() if found[k[0]] is None or k[1] in found[k[0]]}
    named = set().union(*(nodes for nodes in found.values() if nodes is not None))
    assert len(named) < 40, f"a local change should reach few focus nodes, not {len(named)}"


def test_a_subclass_change_needs_the_whole_graph(bundled: ox.Dataset, settings: Settings) -> None:
    base = settings.base_iri
    shapes_graph = ox.NamedNode(graph_iri("shapes", base))
    plan = compile_shapes(list(bundled.quads_for_graph_name(shapes_graph)), base, prefixes(base))
    sub = ox.Quad(ox.NamedNode(SMH + "Pilot"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
                  ox.NamedNode(SMH + "Project"), ox.DefaultGraph())  # fmt: skip
    found = locality.affected(plan, DataGraph.from_dataset(bundled, shapes_graph), [sub])
    assert set(found.values()) == {None}


def test_every_check_is_described_with_what_it_reads(settings: Settings) -> None:
    base = settings.base_iri
    shapes = list(
        parse_file(settings.ontology_dir / "shapes.ttl", ox.NamedNode(graph_iri("shapes", base)), base)
    )
    plan = compile_shapes(shapes, base, prefixes(base))
    rows = {(shape, component): reads for shape, component, _, reads in locality.describe(plan)}
    far = {(shape, component): how for shape, component, how, _ in locality.describe(plan)}
    assert (
        far[("smhs:BusinessIdUniqueShape", "SPARQLConstraintComponent")]
        == "2 steps, and nodes sharing a value"
    )
    assert far[("smhs:ProjectNameShape", "MinCountConstraintComponent")] == "own triples"
    table = locality.describe_markdown(plan, prefixes(base))
    documented = (settings.project_root / "docs" / "validation.md").read_text(encoding="utf-8")
    assert table in documented, "docs/validation.md's table is out of date: regenerate it (see the docs)"
    assert rows[("smhs:BusinessIdUniqueShape", "SPARQLConstraintComponent")] == (
        f"<{SMH}businessId>, <{SMH}businessId> then ^<{SMH}businessId>"
    )
    owner = rows[("smhs:AmountOwnerShape", "MinCountConstraintComponent")].split(", ")
    assert "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" in owner and f"^<{SMH}amount>" in owner
    assert all(reads for reads in rows.values())


def test_a_shapes_graph_is_compiled_once_and_each_run_remembers_only_its_own_answers(
    tmp_path: Path, settings: Settings
) -> None:
    """The plan is reused for the same shapes (in any order); its custom functions' memos are each run's."""
    shapes = (
        "ex:S a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:p ; "
        'sh:pattern "^a" ; sh:message "m" .'
    )
    quads = [
        q for q in load_files([trig(tmp_path, shapes)], settings.base_iri) if "shapes" in str(q.graph_name)
    ]
    base = settings.base_iri
    plan = compile_shapes(quads, base, prefixes(base))
    assert compile_shapes(reversed(quads), base, prefixes(base)) is plan
    assert compile_shapes(quads[1:], base, prefixes(base)) is not plan
    first = plan.functions.custom_functions
    (iri,) = first
    assert first[iri](ox.Literal("abc")) == ox.Literal(True)
    (memo,) = (c.cell_contents for c in first[iri].__closure__ if isinstance(c.cell_contents, dict))
    assert memo == {ox.Literal("abc"): ox.Literal(True)}
    second = plan.functions.custom_functions  # the next run's: nothing remembered from the first
    (fresh,) = (c.cell_contents for c in second[iri].__closure__ if isinstance(c.cell_contents, dict))
    assert fresh == {} and fresh is not memo
    for data, bad in (
        ('ex:a a ex:Thing ; ex:p "b" .', ['"b"']),
        ('ex:a a ex:Thing ; ex:p "a", "c" .', ['"c"']),
    ):
        path = trig(tmp_path, shapes, data)
        report = validate(load_files([path], base), settings, files=[path], validator="fast")
        assert [r.value for r in report.results] == bad


# --- the documented difference, and the SPARQL rewriting ---------------------------------------------


def test_patterns_read_a_typed_literal_in_canonical_form(tmp_path: Path, settings: Settings) -> None:
    """pySHACL reads "12.50"^^xsd:decimal as written; the store keeps it as 12.5 (docs/validation.md)."""
    shapes = (
        "ex:S a sh:PropertyShape ; sh:targetClass ex:Thing ; sh:path ex:p ; "
        'sh:pattern "[.][0-9]{2}$" ; sh:message "m" .'
    )
    path = trig(tmp_path, shapes, 'ex:a a ex:Thing ; ex:p "12.50"^^xsd:decimal, "good" .')
    data = load_files([path], settings.base_iri)
    fast = validate(data, settings, files=[path], validator="fast")
    reference = validate(data, settings, files=[path], validator="pyshacl")
    assert [r.value for r in reference.results] == ['"good"']
    assert sorted(r.value for r in fast.results) == [
        '"12.50"^^<http://www.w3.org/2001/XMLSchema#decimal>',
        '"good"',
    ]


def test_exists_bodies_are_nested_from_their_bound_variables() -> None:
    query = (
        "SELECT $this ?value WHERE { $this ex:p ?value . "
        "FILTER NOT EXISTS { ?c ex:q $this . ?c ex:r ?value . FILTER(?c != ?value) } }"
    )
    assert " ".join(nest_exists(query, {"this"}).split()) == (
        "SELECT $this ?value WHERE { $this ex:p ?value . FILTER NOT EXISTS "
        "{ ?c ex:q $this . FILTER EXISTS { ?c ex:r ?value . FILTER (?c != ?value) } } }"
    )
    kept = (
        "SELECT $this WHERE { FILTER NOT EXISTS { { $this ex:p ?x } UNION { $this ex:q ?x . ?x ex:r 1 } } }"
    )
    assert nest_exists(kept, {"this"}) == kept


def test_where_clause_is_split_and_knows_whether_this_is_bound() -> None:
    before, body, after, bound = split_where('SELECT $this WHERE { $this ex:p "}" } GROUP BY $this')
    assert (before, body, after, bound) == (
        "SELECT $this WHERE {",
        ' $this ex:p "}" ',
        "} GROUP BY $this",
        True,
    )
    assert split_where("SELECT $this WHERE { { $this ex:p 1 } UNION { $this ex:q 2 } }")[3] is False


def test_a_store_holding_its_shapes_validates_like_the_dataset(
    bundled: ox.Dataset, settings: Settings
) -> None:
    """A published store is read in place: its shapes graph is left out of the data graph."""
    store = ox.Store()
    store.extend(bundled)
    assert ox.NamedNode(graph_iri("shapes", settings.base_iri)) in set(store.named_graphs())
    from_store = validate(store, settings).results
    assert from_store == validate(bundled, settings).results
    assert from_store
