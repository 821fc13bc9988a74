"""Run one SPARQL query under a budget (time, rows) and return serialised bytes.

Interface used by every route (SPARQL endpoint, saved queries, pages):

    engine = Engine(published, settings); engine.start()
    result = await engine.run(QueryRequest(text=..., result_format="application/sparql-results+json", ...))
    result.body, result.media_type, result.truncated, result.kind
    engine.close()

This first version evaluates in-process; it is the contract, not the final design (see issue 3:
workers in processes that can be stopped at the timeout).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal as TypingLiteral

import pyoxigraph as ox

from server.errors import QuerySyntaxError
from server.settings import Settings
from server.store import Published

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class QueryRequest:
    text: str
    result_format: str  # a media type the caller has already negotiated
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    substitutions: Mapping[str, Term] = field(default_factory=dict)  # variable name (no '?') -> RDF term
    timeout: float | None = None  # seconds; may only lower the server's limit
    max_rows: int | None = None  # may only lower the server's limit


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    media_type: str
    kind: TypingLiteral["solutions", "boolean", "graph"]
    truncated: bool = False
    rows: int | None = None


class Engine:
    def __init__(self, published: Published, settings: Settings) -> None:
        self.published = published
        self.settings = settings

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    async def run(self, request: QueryRequest) -> QueryResult:
        return self.run_sync(request)

    def run_sync(self, request: QueryRequest) -> QueryResult:
        kwargs: dict = {"substitutions": {ox.Variable(k): v for k, v in request.substitutions.items()}}
        if request.default_graph_uris or request.named_graph_uris:
            kwargs["default_graph"] = [ox.NamedNode(u) for u in request.default_graph_uris]
            kwargs["named_graphs"] = [ox.NamedNode(u) for u in request.named_graph_uris]
        else:
            kwargs["use_default_graph_as_union"] = True
        try:
            results = self.published.store.query(request.text, **kwargs)
        except SyntaxError as e:
            raise QuerySyntaxError(f"SPARQL syntax error: {e}") from None
        if isinstance(results, ox.QuerySolutions):
            fmt = ox.QueryResultsFormat.from_media_type(request.result_format)
            return QueryResult(results.serialize(format=fmt), request.result_format, "solutions")
        if isinstance(results, ox.QueryBoolean):
            fmt = ox.QueryResultsFormat.from_media_type(request.result_format)
            return QueryResult(results.serialize(format=fmt), request.result_format, "boolean")
        fmt = ox.RdfFormat.from_media_type(request.result_format)
        return QueryResult(results.serialize(format=fmt), request.result_format, "graph")
