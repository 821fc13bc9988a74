"""``smarthame publish --to URL``: put a published version into an external engine, then switch to it.

1. Stage: each graph of the version is written, as N-Triples with blank nodes as skolem IRIs, into a
   graph named for the version (:func:`staging_graph`) through the engine's Graph Store endpoint (PUT,
   then POST in chunks: engines limit a request's size). Queries through a front end never see these
   graphs: the front end names the live graphs as every query's dataset (``server.sparql.remote``).
2. Check: the staged graphs must hold exactly the manifest's number of triples each; if not, they are
   dropped and the live version stays as it was.
3. Switch: one SPARQL Update request moves each staged graph onto its live name, drops live graphs the new
   version no longer has, and rewrites the pointer (``server.sparql.remote_store.POINTER``). Oxigraph runs
   an update request as one transaction, so a reader sees the old version or the new one. Virtuoso runs
   the request too; whether a reader there can see it half done was not measured.

Front ends read the pointer when they start; after a switch, restart them (one at a time) to serve the
new version's counts and ETags: they answer from the live graphs, which now hold the new version.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from datetime import UTC
from typing import Any
from urllib.parse import quote

import httpx
import pyoxigraph as ox

from server.errors import UpstreamFailed
from server.graph.versions import Published, is_merged_copy
from server.settings import Settings
from server.sparql.formats import N_TRIPLES, SPARQL_XML
from server.sparql.remote import skolem
from server.sparql.remote_store import DEFAULT_GRAPH, MANIFEST, NO_GRAPH, POINTER

CHUNK = 50_000  # triples per Graph Store request; Virtuoso's default body limit is a few megabytes
LOAD_TIMEOUT = 600.0  # seconds for one load or switch request


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


def staging_graph(version: str, graph: str) -> str:
    """Where ``graph`` of ``version`` is loaded before the switch."""
    return f"urn:smarthame:engine:version:{quote(version, safe='')}:{quote(graph, safe='')}"


def publish_to(settings: Settings, published: Published) -> dict[str, Any]:
    """Load ``published`` into the engine at ``settings.engine`` and switch to it; its manifest."""
    manifest = {
        **published.manifest,
        "version": published.version,
        "base_iri": published.base_iri,
        "modified": published.modified.astimezone(UTC).isoformat(),
    }
    update, store = engine_endpoints(settings)
    auth = httpx.DigestAuth(settings.engine_user, settings.engine_password) if settings.engine_user else None
    with httpx.Client(timeout=LOAD_TIMEOUT, auth=auth, trust_env=False) as client:
        staged = {}
        for graph, triples in _graphs(published):
            staged[graph] = staging_graph(published.version, graph)
            _load(client, store, staged[graph], triples)
        counts = _counts(client, settings.engine, list(staged.values()))
        expected = manifest.get("graphs", {})
        wrong = {
            g: (counts.get(s, 0), expected.get(g))
            for g, s in staged.items()
            if counts.get(s, 0) != expected.get(g)
        }
        if wrong:
            _update(client, update, [f"DROP SILENT GRAPH <{s}>" for s in staged.values()])
            raise UpstreamFailed(
                f"The engine holds other counts than the version after loading it (graph: got, expected): "
                f"{wrong}; the live version was left as it was."
            )
        live = {g: DEFAULT_GRAPH if g == NO_GRAPH else g for g in staged}
        previous = _live_graphs(client, settings.engine)
        operations = [f"DROP SILENT GRAPH <{g}>" for g in previous - set(live.values())]
        operations += [f"MOVE SILENT <{staged[g]}> TO <{live[g]}>" for g in staged]
        pointer = ox.Literal(json.dumps(manifest, ensure_ascii=False, sort_keys=True))
        operations += [
            f"DROP SILENT GRAPH <{POINTER}>",
            f"INSERT DATA {{ GRAPH <{POINTER}> {{ <{POINTER}> <{MANIFEST}> {pointer} }} }}",
        ]
        _update(client, update, operations)
    return manifest


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


def _live_graphs(client: httpx.Client, query: str) -> set[str]:
    text = f"SELECT ?m WHERE {{ GRAPH <{POINTER}> {{ <{POINTER}> <{MANIFEST}> ?m }} }}"
    rows = list(_select(client, query, {"query": text}))
    if not rows:
        return set()
    graphs = json.loads(rows[0]["m"].value).get("graphs", {})
    return {DEFAULT_GRAPH if g == NO_GRAPH else g for g in graphs}


def _select(client: httpx.Client, url: str, form: dict[str, Any]) -> ox.QuerySolutions:
    response = _send(client, "POST", url, data=form, headers={"accept": SPARQL_XML}, auth=None)
    if response.status_code != 200:
        raise UpstreamFailed(f"The engine answered HTTP {response.status_code}: {response.text[:400]}")
    results = ox.parse_query_results(
        response.content.replace(b"<bnode>nodeID://", b"<bnode>"), format=ox.QueryResultsFormat.XML
    )
    if not isinstance(results, ox.QuerySolutions):
        raise UpstreamFailed("The engine answered a SELECT with a boolean.")
    return results


def _update(client: httpx.Client, url: str, operations: list[str]) -> None:
    response = _send(client, "POST", url, data={"update": " ;\n".join(operations)})
    if response.status_code >= 300:
        raise UpstreamFailed(f"The update failed with HTTP {response.status_code}: {response.text[:400]}")


def _send(client: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response:
    try:
        return client.request(method, url, **kwargs)
    except httpx.HTTPError as e:
        raise UpstreamFailed(f"The SPARQL engine at {url} could not be reached ({e!r}).") from None
