"""The version an external engine serves, opened as a :class:`Published` whose store is the engine.

What ``smarthame publish --to`` leaves in the engine (``server.sparql.remote_publish``):

- each version loaded, in graphs of its own (``server.sparql.remote_graphs.staging_graph``; the default
  graph's own triples, where a version has some, under ``DEFAULT_GRAPH``), blank nodes as skolem IRIs
  (``server.sparql.remote.GENID``), and its manifest (version, base IRI, time, counts per graph and
  class) as one JSON literal in a graph named for the version (``version_iri``);
- the pointer, graph :data:`POINTER`: the version served (:data:`SERVES`) and the one before
  (:data:`PREVIOUS`, kept for a rollback). A front end reads it at start-up and then every
  ``watch_interval`` (``server.web.live``), and keeps nothing else: any number of front ends serve one
  engine, and each follows a switch within a watch interval or so.

Pages, dumps and descriptions read ``published.store`` with the few ``pyoxigraph.Store`` calls they use
(``quads_for_pattern``, ``named_graphs``, ``query``, iteration, ``in``); :class:`RemoteStore` answers
each with one SPARQL query to the engine over the served version's graphs, so none of them learns where
the data is. Each call is one round trip (about a millisecond on loopback), which is why the SPARQL
endpoint and the saved queries, one query each, are the fast paths over an engine, and pages the slow
ones.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import pyoxigraph as ox

from server.errors import QueryFailed, Unavailable, UpstreamFailed, UpstreamTimeout
from server.graph.versions import Published, open_dataset
from server.settings import Settings
from server.sparql.evaluation import Term
from server.sparql.formats import SPARQL_XML
from server.sparql.remote import from_engine, skolem
from server.sparql.remote_graphs import DEFAULT_GRAPH, VersionGraphs
from server.sparql.remote_text import ascii_only, bind

if TYPE_CHECKING:
    import httpx

POINTER = "urn:smarthame:engine:current"
SERVES = "urn:smarthame:engine:serves"
PREVIOUS = "urn:smarthame:engine:previous"
MANIFEST = "urn:smarthame:engine:manifest"
# The served version's manifest (and what the pointer says), one small query: a front end's watcher asks
# it every watch_interval.
POINTER_QUERY = (
    f"SELECT ?v ?m ?previous WHERE {{ GRAPH <{POINTER}> {{ <{POINTER}> <{SERVES}> ?v "
    f"OPTIONAL {{ <{POINTER}> <{PREVIOUS}> ?previous }} }} GRAPH ?v {{ ?v <{MANIFEST}> ?m }} }}"
)

Quad = ox.Quad
Subject = ox.NamedNode | ox.BlankNode
Object = ox.NamedNode | ox.BlankNode | ox.Literal


def open_served(settings: Settings) -> Published:
    """What the server serves: the external engine's live version, or else the files or the published
    version (``server.graph.versions.open_dataset``)."""
    return open_engine(settings) if settings.engine else open_dataset(settings)


def open_engine(settings: Settings) -> Published:
    """The version the engine at ``settings.engine`` serves now, read from its pointer."""
    manifest = served_manifest(settings)
    if manifest is None:
        raise Unavailable(
            f"The SPARQL engine at {settings.engine} holds no published version; run "
            f"`smarthame publish --to {settings.engine}` first."
        )
    if manifest["base_iri"] != settings.base_iri:
        raise Unavailable(
            f"The engine holds data minted under {manifest['base_iri']}, not {settings.base_iri}; serve "
            f"with --base-iri {manifest['base_iri']}, or publish again with the base IRI wanted."
        )
    store = RemoteStore(settings.engine, VersionGraphs.of(manifest), settings.timeout)
    return Published(
        # Duck-typed: the store calls the publishing layer makes, answered by the engine (module
        # docstring); pyoxigraph's Store cannot be subclassed.
        store=cast(ox.Store, store),
        version=manifest["version"],
        modified=datetime.fromisoformat(manifest["modified"]),
        base_iri=settings.base_iri,
        manifest=manifest,
    )


def served_manifest(settings: Settings) -> dict[str, Any] | None:
    """The manifest of the version the engine's pointer names (None when it names none)."""
    found = _post(settings.engine, {"query": POINTER_QUERY}, settings.timeout)
    results = ox.parse_query_results(from_engine(found, "solutions"), format=ox.QueryResultsFormat.XML)
    rows = list(results) if isinstance(results, ox.QuerySolutions) else []
    if not rows:
        return None
    manifest: dict[str, Any] = json.loads(rows[0]["m"].value)
    return manifest


def local_copy(published: Published) -> Published:
    """``published`` with its quads in an in-memory store when they are in an engine, else itself.

    For work that reads every quad and asks about many (writing the dumps asks the store whether each
    subject has statements in earlier graphs): one query fetches them all instead of one per question.
    It holds the version in memory while that work runs, as the in-memory engine always does.
    """
    remote: object = published.store
    if not isinstance(remote, RemoteStore):
        return published
    store = ox.Store()
    store.bulk_extend(remote.quads_for_pattern(None, None, None))
    return dataclasses.replace(published, store=store)


class RemoteStore:
    """The read calls of ``pyoxigraph.Store`` that the publishing layer uses, each one engine query over
    one version's graphs (public graph names in, public graph names out)."""

    def __init__(self, url: str, graphs: VersionGraphs, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self.graphs = graphs
        self._client: tuple[int, httpx.Client] | None = None  # per process: server processes fork

    def quads_for_pattern(
        self,
        subject: Subject | None,
        predicate: ox.NamedNode | None,
        object: Object | None,  # noqa: A002 - pyoxigraph's own parameter names
        graph_name: ox.NamedNode | ox.DefaultGraph | None = None,
    ) -> Iterator[Quad]:
        if isinstance(graph_name, ox.DefaultGraph):
            yield from self._default_graph(subject, predicate, object)
            return
        s = self._term(subject, "?s")
        p = self._term(predicate, "?p")
        o = self._term(object, "?o")
        named = ox.NamedNode(self.graphs.engine_name(graph_name.value)) if graph_name is not None else None
        g = self._term(named, "?g")
        rows = self.select(f"SELECT * WHERE {{ GRAPH {g} {{ {s} {p} {o} }} }}")
        own_default = self.graphs.engine_name(DEFAULT_GRAPH)
        for row in rows:
            graph = graph_name if graph_name is not None else row["g"]
            yield ox.Quad(
                row["s"] if subject is None else subject,
                row["p"] if predicate is None else predicate,
                row["o"] if object is None else object,
                ox.DefaultGraph() if graph.value == own_default else self.graphs.term_back(graph),
            )

    def _default_graph(
        self, subject: Subject | None, predicate: ox.NamedNode | None, obj: Object | None
    ) -> Iterator[Quad]:
        """The default graph as a version's store has it (``server.graph.versions``): the merge of its
        graphs, each triple once."""
        s, p, o = self._term(subject, "?s"), self._term(predicate, "?p"), self._term(obj, "?o")
        for row in self.query(f"SELECT * WHERE {{ {s} {p} {o} }}"):
            yield ox.Quad(
                row["s"] if subject is None else subject,
                row["p"] if predicate is None else predicate,
                row["o"] if obj is None else obj,
                ox.DefaultGraph(),
            )

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        return (ox.NamedNode(g) for g in self.graphs.public)

    def query(
        self,
        query: str,
        substitutions: Mapping[ox.Variable, Term] | None = None,
        use_default_graph_as_union: bool = True,
    ) -> ox.QuerySolutions:
        """A SELECT over the served version (the merge of its graphs as the default graph, which is what
        a version's store has as its default graph either way); ``substitutions`` bound as the front
        end binds them for any engine (``server.sparql.remote_text.bind``)."""
        if substitutions:
            query = bind(query, {variable.value: term for variable, term in substitutions.items()})
        return self._solutions({"query": ascii_only(self.graphs.query_text(query)), **self.graphs.dataset()})

    def select(self, query: str) -> ox.QuerySolutions:
        """A SELECT of the store's own (its GRAPH patterns over the version's graphs, by their names in
        the engine)."""
        named = list(self.graphs.named_graphs)
        if self.graphs.own_default:
            named.append(self.graphs.engine_name(DEFAULT_GRAPH))
        return self._solutions({"query": ascii_only(query), "named-graph-uri": named})

    def __iter__(self) -> Iterator[Quad]:
        return self.quads_for_pattern(None, None, None)

    def __contains__(self, quad: Quad) -> bool:
        subject, obj, graph = quad.subject, quad.object, quad.graph_name
        if isinstance(subject, ox.Triple) or isinstance(obj, ox.Triple) or isinstance(graph, ox.BlankNode):
            return False  # RDF-star terms and blank-node graph names: none are published
        return next(self.quads_for_pattern(subject, quad.predicate, obj, graph), None) is not None

    def __len__(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(next(iter(rows))["n"].value)

    def close(self) -> None:
        if self._client is not None and self._client[0] == os.getpid():
            self._client[1].close()
        self._client = None

    def _term(self, term: Object | ox.NamedNode | None, variable: str) -> str:
        return variable if term is None else str(skolem(term))

    def _solutions(self, form: dict[str, str | list[str]]) -> ox.QuerySolutions:
        data = from_engine(_post(self.url, form, self.timeout, self._http()), "solutions")
        results = ox.parse_query_results(self.graphs.solutions_back(data), format=ox.QueryResultsFormat.XML)
        if not isinstance(results, ox.QuerySolutions):
            raise UpstreamFailed("The SPARQL engine answered a SELECT with a boolean.")
        return results

    def _http(self) -> httpx.Client:
        import httpx  # here, not at import: only a server over an external engine needs it (85 ms)

        if self._client is None or self._client[0] != os.getpid():
            self._client = (os.getpid(), httpx.Client(timeout=self.timeout, trust_env=False))
        return self._client[1]


def _post(
    url: str, form: dict[str, str | list[str]], timeout: float, client: httpx.Client | None = None
) -> bytes:
    """The engine's SPARQL XML answer to ``form``; its failures as ours."""
    import httpx

    try:
        if client is None:
            with httpx.Client(timeout=timeout, trust_env=False) as own:
                response = own.post(url, data=form, headers={"accept": SPARQL_XML})
        else:
            response = client.post(url, data=form, headers={"accept": SPARQL_XML})
    except httpx.TimeoutException:
        raise UpstreamTimeout(f"The SPARQL engine at {url} did not answer within {timeout:g} s.") from None
    except httpx.HTTPError as e:
        raise UpstreamFailed(f"The SPARQL engine at {url} could not be reached ({e!r}).") from None
    if response.status_code == 400:
        raise QueryFailed(f"The SPARQL engine refused a query: {response.text[:400]}")
    if response.status_code != 200:
        raise UpstreamFailed(
            f"The SPARQL engine failed with HTTP {response.status_code}: {response.text[:400]}"
        )
    return response.content
