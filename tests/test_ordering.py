"""Sorting quads in bounded memory gives exactly the in-memory order (``server.publish.ordering``)."""

from __future__ import annotations

import random

import pyoxigraph as ox

from server.publish.ordering import quad_key, sorted_quads


def _quads(n: int) -> list[ox.Quad]:
    rng = random.Random(3)
    terms: list[ox.NamedNode | ox.BlankNode | ox.Literal] = [
        ox.Literal("1.50", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
        ox.Literal("Häme", language="fi"),
        ox.Literal('a "quoted"\nline'),
        ox.BlankNode("c14n7"),
    ]
    out = set()
    while len(out) < n:
        s = rng.choice(
            [ox.NamedNode(f"http://x/s{rng.randrange(50)}"), ox.BlankNode(f"c14n{rng.randrange(9)}")]
        )
        o = rng.choice([*terms, ox.NamedNode(f"http://x/o{rng.randrange(50)}")])
        g = rng.choice([ox.DefaultGraph(), ox.NamedNode(f"http://x/g{rng.randrange(3)}")])
        out.add(ox.Quad(s, ox.NamedNode(f"http://x/p{rng.randrange(5)}"), o, g))
    return list(out)


def test_runs_spilled_to_files_merge_into_the_in_memory_order() -> None:
    quads = _quads(2_000)
    expected = sorted(quads, key=quad_key)
    for run in (1, 7, 500, 1_999, 2_000, 5_000):  # many runs, a last short one, exactly one, no spill
        assert list(sorted_quads(iter(quads), run=run)) == expected, run


def test_no_quads_sort_to_none() -> None:
    assert list(sorted_quads([], run=3)) == []
