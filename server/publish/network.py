"""The cooperation network: organisations joined by the projects they share, with networkx's measures.

Input is the rows of the saved query ``organisation-network`` (one per organisation, with the projects it
takes part in and their Smart Häme spearheads); :func:`build_network` returns plain data for the
dashboard: every organisation with its number of projects, spearheads, degree (distinct partners),
betweenness and whether it is a *bridge* (works in two or more spearheads), and the edges (pairs of
organisations with the number of projects they share).

Readable at any size: the picture gets at most ``max_nodes`` organisations, those with the most projects
(ties: degree, then name), and the edges among them; the table keeps every organisation. Betweenness is
exact up to ``EXACT_BETWEENNESS_NODES`` organisations and estimated past that from a sample of sources
chosen with a fixed seed (networkx's ``k``), as many as ``PIVOT_BUDGET`` edge visits allow; the result
says how many. No framework here: the web
layer calls :func:`build_network` and serialises what it returns.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

BRIDGE_SPEARHEADS = 2  # the seed strategy: innovation happens where fields meet, i.e. in two or more
# Exact betweenness is one breadth-first search per node: O(nodes x edges). Measured on this (shared, loaded)
# machine, networkx visits 0.75-1.5 million edges a second: 200 sources over the 2,000 organisations and
# 18,280 edges of the 10,000-project synthetic graph took 4.6 s, 25 sources 1.3 s. A budget of half a
# million edge visits (13 sources there) keeps the estimate near half a second; the real data (45
# organisations) is far below the exact limit.
EXACT_BETWEENNESS_NODES = 600
PIVOT_BUDGET = 500_000
MIN_PIVOTS = 10
DEFAULT_MAX_NODES = 150


@dataclass(frozen=True)
class Participation:
    """One row of ``organisation-network``: an organisation taking part in a project."""

    organisation: str
    name: str
    type_label: str | None
    project: str
    spearheads: frozenset[str] = frozenset()


@dataclass
class Organisation:
    iri: str
    name: str
    type_label: str | None
    projects: set[str] = field(default_factory=set)
    spearheads: set[str] = field(default_factory=set)


def participations(bindings: Iterable[Mapping[str, Mapping[str, str]]]) -> list[Participation]:
    """The rows of an ``organisation-network`` SPARQL JSON result as :class:`Participation`, one per project.

    An organisation's row lists its projects and the spearheads of all of them; each project is given the
    organisation's spearheads, which is all :func:`organisations` needs (their union per organisation).
    """
    out = []
    for row in bindings:
        spearheads = frozenset(row["spearheads"]["value"].split()) if "spearheads" in row else frozenset()
        for project in row["projects"]["value"].split():
            out.append(
                Participation(
                    organisation=row["organisation"]["value"],
                    name=row["name"]["value"],
                    type_label=row["type_label"]["value"] if "type_label" in row else None,
                    project=project,
                    spearheads=spearheads,
                )
            )
    return out


def organisations_of(bindings: Iterable[Mapping[str, Mapping[str, str]]]) -> dict[str, Organisation]:
    """What :func:`organisations` makes of :func:`participations`, straight from the SPARQL JSON rows:
    one object per organisation rather than one per participation (21,677 of them at 10,000 synthetic
    projects, 0.3 s of the route's time)."""
    found: dict[str, Organisation] = {}
    for row in bindings:
        iri = row["organisation"]["value"]
        type_label = row["type_label"]["value"] if "type_label" in row else None
        org = found.setdefault(iri, Organisation(iri, row["name"]["value"], type_label))
        org.projects.update(row["projects"]["value"].split())
        if "spearheads" in row:
            org.spearheads.update(row["spearheads"]["value"].split())
        if org.type_label is None:
            org.type_label = type_label
    return found


def organisations(rows: Iterable[Participation]) -> dict[str, Organisation]:
    """Each organisation once, with the union of its projects and of their spearheads."""
    found: dict[str, Organisation] = {}
    for row in rows:
        org = found.setdefault(row.organisation, Organisation(row.organisation, row.name, row.type_label))
        org.projects.add(row.project)
        org.spearheads.update(row.spearheads)
        if org.type_label is None:
            org.type_label = row.type_label
    return found


def cooperation_graph(orgs: Mapping[str, Organisation]) -> nx.Graph:
    """Organisations as nodes; an edge for each pair that shares a project, weighted by how many."""
    members: dict[str, list[str]] = defaultdict(list)
    for org in orgs.values():
        for project in org.projects:
            members[project].append(org.iri)
    shared = Counter(pair for partners in members.values() for pair in combinations(sorted(partners), 2))
    import networkx as nx  # on the first network asked for: 90 ms of every server's start

    graph = nx.Graph()
    graph.add_nodes_from(orgs)
    graph.add_weighted_edges_from((a, b, n) for (a, b), n in shared.items())
    return graph


def betweenness(graph: nx.Graph) -> tuple[dict[str, float], int | None]:
    """Normalised betweenness (hops, not weights), and the number of sources it was estimated from (None:
    exact): networkx's ``betweenness_centrality(graph, k=pivots, normalized=True, seed=0)``, the same
    sources, sums and order of additions (so the same floats; ``tests/test_dashboard_index.py`` compares),
    over lists of node numbers instead of dicts of names: 2.5 times faster at 10,000 synthetic projects."""
    nodes = list(graph)
    n = len(nodes)
    pivots = None
    sources: list[int] = list(range(n))
    if n > EXACT_BETWEENNESS_NODES:
        pivots = min(n, max(MIN_PIVOTS, PIVOT_BUDGET // (2 * graph.number_of_edges() + n)))
        if pivots < n:
            number = {node: i for i, node in enumerate(nodes)}
            rng = random.Random(0)  # noqa: S311 - networkx's seed=0: the same sources, not a secret
            sources = [number[v] for v in rng.sample(nodes, pivots)]
    central = _brandes(_adjacency(graph, nodes), sources)
    return dict(
        zip(nodes, _rescaled(central, sources if pivots is not None and pivots < n else None), strict=True)
    ), pivots


def _adjacency(graph: nx.Graph, nodes: list[str]) -> list[list[int]]:
    number = {node: i for i, node in enumerate(nodes)}
    adjacency = graph.adj
    return [[number[w] for w in adjacency[v]] for v in nodes]  # networkx's neighbour order


def _brandes(adjacency: list[list[int]], sources: list[int]) -> list[float]:
    """Brandes' accumulation from each source, as networkx's ``_single_source_shortest_path_basic`` and
    ``_accumulate_basic`` do it (breadth first, neighbours in adjacency order)."""
    n = len(adjacency)
    central = [0.0] * n
    for s in sources:
        distance = [-1] * n
        sigma = [0.0] * n
        before: list[list[int]] = [[] for _ in range(n)]
        distance[s], sigma[s] = 0, 1.0
        order = [s]  # the BFS queue, kept: it is also the stack the accumulation pops
        at = 0
        while at < len(order):
            v = order[at]
            at += 1
            next_distance, sigma_v = distance[v] + 1, sigma[v]
            for w in adjacency[v]:
                if distance[w] < 0:
                    order.append(w)
                    distance[w] = next_distance
                if distance[w] == next_distance:
                    sigma[w] += sigma_v
                    before[w].append(v)
        delta = [0.0] * n  # networkx starts from an int 0: 0 + x and 0.0 + x are the same float
        for w in reversed(order):
            coeff = (1 + delta[w]) / sigma[w]
            for v in before[w]:
                delta[v] += sigma[v] * coeff
            if w != s:
                central[w] += delta[w]
    return central


def _rescaled(central: list[float], sampled: list[int] | None) -> list[float]:
    """networkx's ``_rescale`` for normalised undirected betweenness without endpoints."""
    n = len(central)
    if n - 1 < 2:
        return central
    if sampled is None:
        scale = 1 / ((n - 1) * (n - 2))
        return [c * scale for c in central] if scale != 1 else central
    k = len(sampled)
    scale_source = 1 / ((k - 1) * (n - 2)) if k > 1 else math.nan
    scale_other = 1 / (k * (n - 2))
    chosen = set(sampled)
    return [c * (scale_source if i in chosen else scale_other) for i, c in enumerate(central)]


def build_network(rows: Iterable[Participation], max_nodes: int = DEFAULT_MAX_NODES) -> dict[str, Any]:
    """The network as plain data: ``organisations`` (all, ranked), ``nodes`` and ``edges`` (drawn), counts."""
    return network_of(organisations(rows), max_nodes)


def network_of(orgs: Mapping[str, Organisation], max_nodes: int = DEFAULT_MAX_NODES) -> dict[str, Any]:
    """:func:`build_network` of organisations already gathered (:func:`organisations_of`)."""
    graph = cooperation_graph(orgs)
    central, pivots = betweenness(graph)
    table = [
        {
            "organisation": org.iri,
            "name": org.name,
            "type": org.type_label,
            "projects": len(org.projects),
            "spearheads": sorted(org.spearheads),
            "spearhead_count": len(org.spearheads),
            "bridge": len(org.spearheads) >= BRIDGE_SPEARHEADS,
            "degree": graph.degree(org.iri),
            "betweenness": round(central.get(org.iri, 0.0), 6),
        }
        for org in orgs.values()
    ]
    table.sort(key=lambda r: (-r["projects"], -r["degree"], r["name"], r["organisation"]))
    drawn = {r["organisation"] for r in table[:max_nodes]}
    edges = [
        {"source": a, "target": b, "shared_projects": data["weight"]}
        for a, b, data in graph.edges(data=True)
        if a in drawn and b in drawn
    ]
    edges.sort(key=lambda e: (-e["shared_projects"], e["source"], e["target"]))
    return {
        "organisations": table,
        "nodes": [r for r in table if r["organisation"] in drawn],
        "edges": edges,
        "counts": {
            "organisations": len(table),
            "projects": len({p for org in orgs.values() for p in org.projects}),
            "edges": graph.number_of_edges(),
            "drawn_nodes": len(drawn),
            "drawn_edges": len(edges),
            "bridges": sum(1 for r in table if r["bridge"]),
        },
        "betweenness_estimated": pivots is not None,
        "betweenness_pivots": pivots,
        "max_nodes": max_nodes,
    }
