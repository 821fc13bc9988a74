"""``smarthame publish --to URL``: put a published version into an external engine, then point at it.

Three steps, each its own function, so that the switch is a pointer update and nothing else:

1. :func:`stage`: each graph of the version is written, as N-Triples with blank nodes as skolem IRIs,
   into the version's own graph (``server.sparql.remote_graphs.staging_graph``) through the engine's
   Graph Store endpoint (PUT, then POST in chunks: engines limit a request's size); the staged graphs
   must then hold exactly the manifest's number of triples each, or they are dropped and nothing else
   changes. Last, the version's manifest is written into its manifest graph (``version_iri``): a
   version is in the engine once its manifest is. A version already there with the right counts is
   not loaded again (a rollback, or a second publish of one version).
2. :func:`switch`: one SPARQL Update rewrites the pointer graph (``server.sparql.remote_store.POINTER``)
   to name the new version, and the one it replaces as the previous one. It writes two triples, however
   large the version: front ends name the served version's graphs as each query's dataset
   (``server.sparql.remote``), so no quad moves. Front ends follow within a watch interval or so
   (``server.web.live``).
3. :func:`prune`: the graphs of every version but the served one and the previous one are dropped
   (manifest graph last, so that a prune cut short is finished by the next). It reads the pointer
   itself and never touches the two versions it names.

:func:`rollback` points back at the previous version (``publish --to URL --rollback``).
"""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any
from urllib.parse import unquote

import httpx
import pyoxigraph as ox

from server.errors import UpstreamFailed
from server.graph.versions import Published, is_merged_copy
from server.settings import Settings
from server.sparql.formats import N_TRIPLES, SPARQL_XML
from server.sparql.remote import from_engine, skolem
from server.sparql.remote_graphs import DEFAULT_GRAPH, NO_GRAPH, VersionGraphs, version_iri
from server.sparql.remote_store import MANIFEST, POINTER, POINTER_QUERY, PREVIOUS, SERVES

CHUNK = 50_000  # triples per Graph Store request; Virtuoso's default body limit is a few megabytes
LOAD_TIMEOUT = 600.0  # seconds for one load request
REGISTERED = f"SELECT ?v ?m WHERE {{ GRAPH ?v {{ ?v <{MANIFEST}> ?m }} }}"


@dataclass(frozen=True)
class Pointer:
    """What the engine's pointer names: the served version and the one before (version strings)."""

    serves: str | None
    previous: str | None


def engine_endpoints(settings: Settings) -> tuple[str, str]:
    """The engine's update and Graph Store endpoints: as set, or beside its query endpoint."""
    url = settings.engine.rstrip("/")
    update, store = settings.engine_update, settings.engine_store
    if url.endswith("/query"):  # Oxigraph: /query, /update, /store
        update = update or url.removesuffix("/query") + "/update"
        store = store or url.removesuffix("/query") + "/store"
    elif url.endswith("/sparql"):  # Virtuoso: the authenticated endpoints beside /sparql
        update = update or url + "-auth"
        store = store or url + "-graph-crud-auth"
    if not update or not store:
        raise UpstreamFailed(
            f"Cannot tell the update and Graph Store endpoints of {settings.engine}; give them with "
            "--engine-update URL and --engine-store URL."
        )
    return update, store


def publish_to(settings: Settings, published: Published) -> dict[str, Any]:
    """Stage ``published`` in the engine at ``settings.engine``, point at it, prune; its manifest."""
    manifest = stage(settings, published)
    switch(settings, manifest["version"])
    prune(settings)
    return manifest


def stage(settings: Settings, published: Published) -> dict[str, Any]:
    """Load ``published`` into its own graphs and register its manifest (step 1 of the module docstring)."""
    manifest = {
        **published.manifest,
        "version": published.version,
        "base_iri": published.base_iri,
        "modified": published.modified.astimezone(UTC).isoformat(),
    }
    manifest_text = json.dumps(manifest, ensure_ascii=False, sort_keys=True)  # as the engine keeps it
    graphs = VersionGraphs.of(manifest)
    expected = {_engine_name(graphs, g): n for g, n in manifest.get("graphs", {}).items()}
    with _client(settings) as client:
        update, store = engine_endpoints(settings)
        registered = _registered(client, settings).get(published.version)
        if registered is not None:
            # The same release only if its whole manifest is (content hash, notes, times): another build
            # folder's version of the same number, or a rebuild with the same counts, is another release.
            same = registered == json.loads(manifest_text)
            if same and _counts(client, settings.engine, list(expected)) == expected:
                return manifest  # already in the engine, whole
            if read_pointer(settings, client).serves == published.version:
                raise UpstreamFailed(
                    f"Version {published.version} is served by the engine but is another release there "
                    "(another manifest or other counts); publish the data under a new version."
                )
        for graph, triples in _graphs(published):
            _load(client, store, _engine_name(graphs, graph), triples)
        counts = _counts(client, settings.engine, list(expected))
        if counts != expected:
            _update(client, update, [f"DROP SILENT GRAPH <{g}>" for g in expected])
            wrong = {g: (counts.get(g, 0), n) for g, n in expected.items() if counts.get(g, 0) != n}
            raise UpstreamFailed(
                f"The engine holds other counts than the version after loading it (graph: got, expected): "
                f"{wrong}; the staged graphs were dropped and the served version left as it was."
            )
        iri = version_iri(published.version)
        literal = ox.Literal(manifest_text)
        _update(
            client,
            update,
            [
                f"DROP SILENT GRAPH <{iri}>",
                f"INSERT DATA {{ GRAPH <{iri}> {{ <{iri}> <{MANIFEST}> {literal} }} }}",
            ],
        )
    return manifest


def switch(settings: Settings, version: str) -> Pointer:
    """Point the engine at ``version`` (staged already), the served one becoming the previous; the
    pointer as it was (step 2 of the module docstring)."""
    with _client(settings) as client:
        if version not in _registered(client, settings):
            raise UpstreamFailed(f"Version {version} is not in the engine; publish it with --to first.")
        before = read_pointer(settings, client)
        previous = before.serves if before.serves != version else before.previous
        statements = [f"<{POINTER}> <{SERVES}> <{version_iri(version)}>"]
        if previous is not None:
            statements.append(f"<{POINTER}> <{PREVIOUS}> <{version_iri(previous)}>")
        update, _ = engine_endpoints(settings)
        # Oxigraph runs an update request as one transaction; whether Virtuoso does was not measured. A
        # reader that came between the two operations would find no pointer, which a front end's watcher
        # takes as "no change" (server.web.live).
        _update(
            client,
            update,
            [
                f"DROP SILENT GRAPH <{POINTER}>",
                f"INSERT DATA {{ GRAPH <{POINTER}> {{ {' . '.join(statements)} }} }}",
            ],
        )
    return before


def rollback(settings: Settings) -> str:
    """Point the engine back at the version served before the last switch; that version."""
    before = read_pointer(settings)
    if before.previous is None:
        raise UpstreamFailed("The engine's pointer names no previous version to go back to.")
    switch(settings, before.previous)
    return before.previous


def prune(settings: Settings) -> list[str]:
    """Drop every version but the served and the previous one (step 3); the versions dropped."""
    with _client(settings) as client:
        pointer = read_pointer(settings, client)
        if pointer.serves is None:
            return []  # no pointer (or one being rewritten): nothing is known to be unused
        keep = {pointer.serves, pointer.previous}
        dropped = []
        update, _ = engine_endpoints(settings)
        for version, manifest in sorted(_registered(client, settings).items()):
            if version in keep:
                continue
            graphs = VersionGraphs.of(manifest)
            names = [_engine_name(graphs, g) for g in manifest.get("graphs", {})]
            _update(client, update, [f"DROP SILENT GRAPH <{g}>" for g in [*names, version_iri(version)]])
            dropped.append(version)
    return dropped


def read_pointer(settings: Settings, client: httpx.Client | None = None) -> Pointer:
    with _client(settings) if client is None else contextlib.nullcontext(client) as http:
        rows = list(_select(http, settings.engine, {"query": POINTER_QUERY}))
    if not rows:
        return Pointer(None, None)
    previous = rows[0]["previous"]
    return Pointer(
        json.loads(rows[0]["m"].value)["version"],
        _version_of(previous.value) if previous is not None else None,
    )


def _version_of(iri: str) -> str:
    return unquote(iri.removeprefix(version_iri("")))


def _engine_name(graphs: VersionGraphs, graph: str) -> str:
    return graphs.engine_name(DEFAULT_GRAPH if graph == NO_GRAPH else graph)


def _registered(client: httpx.Client, settings: Settings) -> dict[str, dict[str, Any]]:
    """Every version in the engine (its manifest graph written), by version."""
    found = {}
    for row in _select(client, settings.engine, {"query": REGISTERED}):
        manifest = json.loads(row["m"].value)
        found[manifest["version"]] = manifest
    return found


def _graphs(published: Published) -> Iterator[tuple[str, Iterator[ox.Triple]]]:
    """Each graph of the version with its triples; the default graph only with triples of its own (the
    store's default graph also holds the merge of the named ones: ``server.graph.versions``)."""
    store = published.store
    if NO_GRAPH in published.manifest.get("graphs", {}):
        own = (q for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        yield NO_GRAPH, (q.triple for q in own if not is_merged_copy(store, q))
    for graph in sorted(published.graph_names):
        yield graph, (q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


def _load(client: httpx.Client, store: str, graph: str, triples: Iterable[ox.Triple]) -> None:
    method = "PUT"  # the first request replaces what a failed earlier load may have left
    iterator = iter(triples)
    while True:
        chunk = [
            ox.Triple(skolem(t.subject), t.predicate, skolem(t.object))  # type: ignore[arg-type]
            for t in itertools.islice(iterator, CHUNK)
        ]
        if not chunk and method == "POST":
            return
        body = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) or b""
        response = _send(
            client, method, store, params={"graph": graph}, content=body, headers={"content-type": N_TRIPLES}
        )
        if response.status_code >= 300:
            raise UpstreamFailed(
                f"Loading <{graph}> failed with HTTP {response.status_code}: {response.text[:400]}"
            )
        method = "POST"


def _counts(client: httpx.Client, query: str, graphs: list[str]) -> dict[str, int]:
    text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = _select(client, query, {"query": text, "named-graph-uri": graphs})
    return {r["g"].value: int(r["n"].value) for r in rows}


def _select(client: httpx.Client, url: str, form: dict[str, Any]) -> ox.QuerySolutions:
    response = _send(client, "POST", url, data=form, headers={"accept": SPARQL_XML}, auth=None)
    if response.status_code != 200:
        raise UpstreamFailed(f"The engine answered HTTP {response.status_code}: {response.text[:400]}")
    results = ox.parse_query_results(
        from_engine(response.content, "solutions"), format=ox.QueryResultsFormat.XML
    )
    if not isinstance(results, ox.QuerySolutions):
        raise UpstreamFailed("The engine answered a SELECT with a boolean.")
    return results


def _update(client: httpx.Client, url: str, operations: list[str]) -> None:
    response = _send(client, "POST", url, data={"update": " ;\n".join(operations)})
    if response.status_code >= 300:
        raise UpstreamFailed(f"The update failed with HTTP {response.status_code}: {response.text[:400]}")


def _client(settings: Settings) -> httpx.Client:
    auth = httpx.DigestAuth(settings.engine_user, settings.engine_password) if settings.engine_user else None
    return httpx.Client(timeout=LOAD_TIMEOUT, auth=auth, trust_env=False)


def _send(client: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response:
    try:
        return client.request(method, url, **kwargs)
    except httpx.HTTPError as e:
        raise UpstreamFailed(f"The SPARQL engine at {url} could not be reached ({e!r}).") from None
