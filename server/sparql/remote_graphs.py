"""One version's graphs in an external engine, and a query's graph names mapped to them and back.

``smarthame publish --to`` loads each version into graphs of its own (:func:`staging_graph`:
``urn:smarthame:engine:version:<v>:<public name>``) and a switch only moves a pointer
(``server.sparql.remote_publish``). A front end therefore names the served version's graphs as each
query's dataset (:meth:`VersionGraphs.dataset`), and rewrites the public graph names a query uses into
the version's names (:meth:`VersionGraphs.query_text`), then the version's names in the answer back into
public ones (:meth:`VersionGraphs.solutions_back`, :meth:`VersionGraphs.term_back`): a user never sees a
version-specific graph name, and the in-memory engine and an external one answer alike.

The text is read as tokens (``server.sparql.lexer``): string literals and comments are never touched,
and only an IRI (written ``<...>``, relative to the query's BASE, or a prefixed name of its PREFIXes)
that is a graph name of the version, in a place where it names a graph, is rewritten:

- after ``GRAPH``, ``FROM`` and ``FROM NAMED``;
- as a value of a *graph variable* (one the query uses as ``GRAPH ?g``): in a ``VALUES`` block binding it
  (``facts-without-source.rq`` lists its graphs so), compared with it (``?g = <...>``, ``<...> != ?g``,
  ``?g IN (<...>, ...)``) or bound to it (``BIND(<...> AS ?g)``).

Elsewhere a graph name stays as written, for it is also a resource the data describes
(``<.../graph/classification> rdfs:label ...``). What cannot be mapped, and so differs from the
in-memory engine:

- a graph name the query computes or reads as text: ``STR(?g)``, ``CONTAINS(STR(?g), "projects")``,
  ``IRI(CONCAT(...))`` naming a graph, ``sameTerm(?g, <...>)``, a comparison through another variable
  (``BIND(?g AS ?h) FILTER(?h = <...>)``), a graph name given as a saved query's parameter value that
  is compared with a graph variable; STR() of a graph variable gives the version's name;
- ``ORDER BY ?g`` orders the version's names, which keep the public names' order (one common prefix).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin

import pyoxigraph as ox

from server.sparql.lexer import token_spans

VERSION_PREFIX = "urn:smarthame:engine:version:"
DEFAULT_GRAPH = "urn:smarthame:engine:default-graph"  # a version's own default-graph triples, staged
NO_GRAPH = "(default graph)"  # the manifest's name for the default graph (server.graph.versions)
_TERM_KINDS = ("iri", "pname", "string", "number", "word")


def version_iri(version: str) -> str:
    """The IRI naming ``version`` in the engine (its manifest's graph, and what the pointer names)."""
    return f"{VERSION_PREFIX}{quote(version, safe='')}"


def staging_graph(version: str, graph: str) -> str:
    """The engine's name of ``graph`` (a public graph name, or :data:`DEFAULT_GRAPH`) of ``version``."""
    return f"{version_iri(version)}:{graph}"


@dataclass(frozen=True)
class VersionGraphs:
    """The graphs of one version as the engine names them, and the mapping between the two names."""

    version: str
    public: tuple[str, ...]  # the version's named graphs, by their public names
    own_default: bool  # whether the version has default-graph triples of its own

    @classmethod
    def of(cls, manifest: dict[str, Any]) -> VersionGraphs:
        graphs = list(manifest.get("graphs", {}))
        return cls(manifest["version"], tuple(g for g in graphs if g != NO_GRAPH), NO_GRAPH in graphs)

    @property
    def prefix(self) -> str:
        return version_iri(self.version) + ":"

    def engine_name(self, public: str) -> str:
        return staging_graph(self.version, public)

    @property
    def named_graphs(self) -> tuple[str, ...]:
        return tuple(self.engine_name(g) for g in self.public)

    @property
    def default_graphs(self) -> tuple[str, ...]:
        """The default graph a query sees: the merge of every graph of the version, as in memory."""
        own = (self.engine_name(DEFAULT_GRAPH),) if self.own_default else ()
        return (*self.named_graphs, *own)

    def dataset(
        self, default_graphs: Iterable[str] = (), named_graphs: Iterable[str] = ()
    ) -> dict[str, list[str]]:
        """The protocol's dataset parameters: the request's own graphs mapped, or else the version's."""
        default, named = list(default_graphs), list(named_graphs)
        if default or named:
            return {
                "default-graph-uri": [self._mapped(g) for g in default],
                "named-graph-uri": [self._mapped(g) for g in named],
            }
        return {"default-graph-uri": list(self.default_graphs), "named-graph-uri": list(self.named_graphs)}

    def _mapped(self, iri: str) -> str:
        return self.engine_name(iri) if iri in self.public else iri

    def query_text(self, text: str) -> str:
        """``text`` with the version's graph names where it names public ones (see the module docstring)."""
        spans = list(token_spans(text))
        places = _graph_name_places(spans, set(self.public))
        if not places:
            return text
        out: list[str] = []
        last = 0
        for index, iri in places:
            _, value, start = spans[index]
            out += [text[last:start], f"<{self.engine_name(iri)}>"]
            last = start + len(value)
        out.append(text[last:])
        return "".join(out)

    def solutions_back(self, xml: bytes) -> bytes:
        """SPARQL XML results with the version's graph names back as public ones (an IRI is the whole
        text of a ``<uri>`` element: ``<`` cannot occur in XML text, so literals are never touched)."""
        return re.sub(rb"<uri>" + re.escape(self.prefix.encode()) + rb"([^<]*)</uri>", rb"<uri>\1</uri>", xml)

    def term_back(self, term: Any) -> Any:
        """A term of an answer, a version's graph name back as the public one."""
        if isinstance(term, ox.NamedNode) and term.value.startswith(self.prefix):
            return ox.NamedNode(term.value[len(self.prefix) :])
        return term

    def triple_back(self, t: ox.Triple) -> ox.Triple:
        return ox.Triple(self.term_back(t.subject), t.predicate, self.term_back(t.object))


def _graph_name_places(spans: list[tuple[str, str, int]], graphs: set[str]) -> list[tuple[int, str]]:
    """(token index, public graph name) of each token naming one of ``graphs`` as a graph."""
    words = [v.lower() if k == "word" else v for k, v, _ in spans]
    graph_vars = {
        words[i + 1] for i in range(len(spans) - 1) if words[i] == "graph" and spans[i + 1][0] == "var"
    }
    in_values = set(_values_places(spans, words, graph_vars))
    base, prefixes = "", {}
    places = []
    for i, (kind, value, _) in enumerate(spans):
        before = words[i - 1] if i else ""
        if kind == "iri" and before == "base":
            base = urljoin(base, value[1:-1])
        elif kind == "iri" and i >= 2 and words[i - 2] == "prefix":
            prefixes[spans[i - 1][1].split(":", 1)[0]] = urljoin(base, value[1:-1])
        elif kind in ("iri", "pname") and (
            before in ("graph", "from", "named") or i in in_values or _by_graph_variable(words, i, graph_vars)
        ):
            iri = _expand(kind, value, base, prefixes)
            if iri in graphs:
                places.append((i, iri))
    return places


def _by_graph_variable(words: list[str], i: int, graph_vars: set[str]) -> bool:
    """Whether the term at ``i`` is compared with, listed against or bound to a graph variable."""

    def word(at: int) -> str:
        return words[at] if 0 <= at < len(words) else ""

    # "=" and "!=" (two tokens: "!" "="), the graph variable on either side
    before = i - 2 if word(i - 1) == "=" else -1
    before -= 1 if word(before) == "!" else 0
    after = i + 1 + (word(i + 1) == "!")
    if word(before) in graph_vars or (word(after) == "=" and word(after + 1) in graph_vars):
        return True
    if word(i + 1) == "as" and word(i + 2) in graph_vars:
        return True
    # ?g IN (<a>, <b>) and ?g NOT IN (...): walk back over the list to its "("
    j = i - 1
    while j >= 0 and words[j] not in ("(", ")"):
        j -= 1
    return (
        j >= 2
        and words[j] == "("
        and words[j - 1] == "in"
        and (words[j - 2] in graph_vars or (words[j - 2] == "not" and j >= 3 and words[j - 3] in graph_vars))
    )


def _values_places(spans: list[tuple[str, str, int]], words: list[str], graph_vars: set[str]) -> list[int]:
    """Indexes of the terms of VALUES blocks that stand in a graph variable's column."""
    found: list[int] = []
    i = 0
    while i < len(words):
        if words[i] != "values":
            i += 1
            continue
        i += 1
        columns: list[str] = []
        if i < len(words) and spans[i][0] == "var":
            columns, single = [words[i]], True
            i += 1
        else:
            single = False
            i += 1  # "("
            while i < len(words) and words[i] != ")":
                columns.append(words[i])
                i += 1
            i += 1
        if i >= len(words) or words[i] != "{":
            continue
        i += 1
        column, datatype = -1 if not single else 0, False
        while i < len(words) and words[i] != "}":
            kind = spans[i][0]
            if words[i] == "(":
                column = -1
            elif words[i] == "^":
                datatype = True
            elif kind in _TERM_KINDS and not datatype:
                column = column if single else column + 1
                if kind in ("iri", "pname") and 0 <= column < len(columns) and columns[column] in graph_vars:
                    found.append(i)
            elif kind in ("iri", "pname"):
                datatype = False  # the datatype of the literal before
            i += 1
    return found


def _expand(kind: str, value: str, base: str, prefixes: dict[str, str]) -> str | None:
    if kind == "iri":
        return urljoin(base, value[1:-1]) if base else value[1:-1]
    prefix, _, local = value.partition(":")
    namespace = prefixes.get(prefix)
    return None if namespace is None else namespace + re.sub(r"\\(.)", r"\1", local)
