"""The one rebasing helper (``server.graph.rebasing``): what moves onto a new base and what stays."""

from __future__ import annotations

import pyoxigraph as ox

from server.graph.rebasing import Rebaser

OLD, NEW = "https://w3id.org/smart-hame/", "http://127.0.0.1:9/kg/"
MOVE = Rebaser(OLD, NEW)


def test_iris_under_the_old_base_move_and_others_stay() -> None:
    assert MOVE.iri(OLD + "project/A1") == NEW + "project/A1"
    assert MOVE.iri(OLD) == NEW
    assert MOVE.iri("http://schema.org/name") == "http://schema.org/name"
    assert MOVE.iri("https://w3id.org/smart-hamelet") == "https://w3id.org/smart-hamelet"


def test_terms_move_named_nodes_and_datatypes_only() -> None:
    assert MOVE.term(ox.NamedNode(OLD + "a")) == ox.NamedNode(NEW + "a")
    typed = ox.Literal("3", datatype=ox.NamedNode(OLD + "ontology/euro"))
    assert MOVE.term(typed) == ox.Literal("3", datatype=ox.NamedNode(NEW + "ontology/euro"))
    text = ox.Literal(OLD + "a", language="en")  # a literal's value is data, not an IRI
    assert MOVE.term(text) is text
    blank = ox.BlankNode("b1")
    assert MOVE.term(blank) is blank and MOVE.term(ox.DefaultGraph()) == ox.DefaultGraph()
    quoted = ox.Triple(ox.NamedNode(OLD + "a"), ox.NamedNode(OLD + "p"), blank)
    assert MOVE.term(quoted) == ox.Triple(ox.NamedNode(NEW + "a"), ox.NamedNode(NEW + "p"), blank)


def test_quads_move_every_position_including_the_graph() -> None:
    q = ox.Quad(
        ox.NamedNode(OLD + "s"),
        ox.NamedNode(OLD + "p"),
        ox.NamedNode(OLD + "o"),
        ox.NamedNode(OLD + "graph/g"),
    )
    assert MOVE.quad(q) == ox.Quad(
        ox.NamedNode(NEW + "s"),
        ox.NamedNode(NEW + "p"),
        ox.NamedNode(NEW + "o"),
        ox.NamedNode(NEW + "graph/g"),
    )


def test_text_replaces_every_occurrence() -> None:
    sparql = f'SELECT * {{ <{OLD}a> ?p ?o FILTER(STRSTARTS(STR(?o), "{OLD}")) }}'
    assert MOVE.text(sparql) == f'SELECT * {{ <{NEW}a> ?p ?o FILTER(STRSTARTS(STR(?o), "{NEW}")) }}'


def test_the_same_base_moves_nothing() -> None:
    same = Rebaser(OLD, OLD)
    q = ox.Quad(ox.NamedNode(OLD + "s"), ox.NamedNode(OLD + "p"), ox.Literal("x"), ox.DefaultGraph())
    assert same.identity and same.quad(q) is q and same.text(OLD) == OLD
