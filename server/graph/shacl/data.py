"""The data graph the checks read: a pyoxigraph store, and the original spelling of its literals.

The data graph is every graph but the shapes graph (as for pySHACL). From an ``ox.Dataset`` the quads
are copied into a new in-memory store and read as its union graph; a given ``ox.Store`` is read in
place, with the shapes graph left out of its default graph.

A store keeps typed literals in canonical form ("-250000.00"^^xsd:decimal is read back as "-250000"),
while pySHACL sees them as written. When the quads came from a Dataset, ``original`` finds the literal
as written among the focus node's own values, so reports and messages show what the file says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pyoxigraph as ox

STRING = "http://www.w3.org/2001/XMLSchema#string"
_SCRATCH_S, _SCRATCH_P = ox.NamedNode("urn:smarthame:scratch:s"), ox.NamedNode("urn:smarthame:scratch:p")


class DataGraph:
    def __init__(
        self,
        store: ox.Store,
        default_graph: list[Any] | None = None,
        originals: ox.Dataset | None = None,
    ) -> None:
        self.store = store
        self._default_graph = default_graph
        self._originals = originals
        self._canonical: dict[ox.Literal, ox.Literal] = {}

    @classmethod
    def from_dataset(cls, dataset: ox.Dataset, shapes_graph: ox.NamedNode) -> DataGraph:
        store = ox.Store()
        store.extend(q for q in dataset if q.graph_name != shapes_graph)
        return cls(store, None, dataset)

    @classmethod
    def from_store(cls, store: ox.Store, shapes_graph: ox.NamedNode) -> DataGraph:
        graphs = list(store.named_graphs())
        if shapes_graph not in graphs:
            return cls(store)
        return cls(store, [ox.DefaultGraph(), *(g for g in graphs if g != shapes_graph)])

    def query(
        self,
        text: str,
        functions: dict[ox.NamedNode, Callable[..., Any]],
        substitutions: dict[ox.Variable, Any] | None = None,
    ) -> Any:
        graphs: dict[str, Any] = (
            {"use_default_graph_as_union": True}
            if self._default_graph is None
            else {"default_graph": self._default_graph}
        )
        return self.store.query(text, custom_functions=functions, substitutions=substitutions, **graphs)

    def referrer(self, node: Any) -> Any:
        """A subject that has ``node`` as a value (where a blank node is written), or None."""
        for q in self._quads(None, node):
            return q.subject
        return None

    def original(self, focus: Any, value: Any) -> Any:
        """``value`` as written in the source, when it is a literal among ``focus``'s values; else itself."""
        if self._originals is None or not isinstance(value, ox.Literal) or value.language:
            return value
        if value.datatype.value == STRING or not isinstance(focus, ox.NamedNode | ox.BlankNode):
            return value
        written = {
            q.object
            for q in self._originals.quads_for_subject(focus)
            if isinstance(q.object, ox.Literal) and q.object.datatype == value.datatype
        }
        matches = [o for o in written if self._canonical_form(o) == value]
        return matches[0] if len(matches) == 1 else value

    def _canonical_form(self, literal: ox.Literal) -> ox.Literal:
        found = self._canonical.get(literal)
        if found is None:
            scratch = ox.Store()
            scratch.add(ox.Quad(_SCRATCH_S, _SCRATCH_P, literal, ox.DefaultGraph()))
            found = self._canonical[literal] = next(iter(scratch)).object
        return found

    def _quads(self, subject: Any, obj: Any) -> Iterator[ox.Quad]:
        if self._default_graph is None:
            yield from self.store.quads_for_pattern(subject, None, obj)
            return
        for graph in self._default_graph:
            yield from self.store.quads_for_pattern(subject, None, obj, graph)
