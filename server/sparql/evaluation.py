"""The worker side of a query: evaluate one :class:`Job` on a store and serialise it within its row cap.

Runs in a query worker (``server.sparql.workers``) or, for the CLI and start-up checks, in process.
Rows are limited without per-row Python work on the usual path: pyoxigraph serialises straight into a
writer that counts cheap markers (newlines, ``,{"`` in JSON…) giving an upper bound on the rows written.
Only when that bound passes ``max_rows`` is the query run again on the exact path, which cuts TSV (or a
list of triples) at ``max_rows`` and re-serialises what is kept. Measured on 100k triples, a 20k-row
SELECT: direct 119 ms, via TSV 194 ms, via Python rows 961 ms.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, cast
from typing import Literal as TypingLiteral

import pyoxigraph as ox

from server.errors import NotAcceptable
from server.sparql.describe import constant_iris, describe
from server.sparql.formats import (
    CSV,
    GRAPH_TYPES,
    JSON_LD,
    N_QUADS,
    N_TRIPLES,
    RDF_XML,
    RESULT_TYPES,
    SPARQL_JSON,
    SPARQL_XML,
    TRIG,
    TSV,
    TURTLE,
    check_rdf_xml,
    rdf_format,
    results_format,
    with_context,
    written,
)

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Kind = TypingLiteral["solutions", "boolean", "graph"]
# What pyoxigraph raises when a query that parsed fails while it is evaluated or its results are read
# (python/src/sparql.rs, map_evaluation_error): OSError for input and output (a SERVICE call, the store),
# RuntimeError for the rest. Both are the query's failure, reported to the client as QueryFailed (400).
# Anything else (a ValueError, say) is a bug of ours and must reach the server's error handler as one.
EVALUATION_ERRORS = (OSError, RuntimeError)


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to run one query; small and picklable."""

    text: str
    result_format: str | None
    graph_format: str | None
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    substitutions: tuple[tuple[str, Term], ...]
    max_rows: int
    base_iri: str | None


@dataclass(frozen=True)
class Outcome:
    """A worker's answer without the body: a result kind, or an error (`error` names it)."""

    kind: Kind | None
    media_type: str = ""
    truncated: bool = False
    rows: int | None = None
    error: TypingLiteral["syntax", "failed", "not_acceptable", "internal"] | None = None
    message: str = ""
    offered: tuple[str, ...] = ()  # not_acceptable: what the client may ask for instead
    line: int | None = None  # where a syntax error is
    column: int | None = None
    aggregate_errors: tuple[str, ...] = ()  # see aggregate_variables


# Markers of which each row (or triple) writes at least one, and how many hits are not rows (headers).
_ROW_MARKERS: dict[str, tuple[tuple[bytes, ...], int]] = {
    SPARQL_JSON: ((b'[{"', b',{"', b"[{}", b",{}"), 0),  # a raw " never sits in a string
    SPARQL_XML: ((b"<result>",), 0),  # < is escaped in text
    CSV: ((b"\n",), 1),
    TSV: ((b"\n",), 1),  # newlines in literals are escaped
    TURTLE: ((b"\n", b","), 0),  # each triple ends in ",", ";\n" or ".\n"
    TRIG: ((b"\n", b","), 0),
    N_TRIPLES: ((b"\n",), 0),
    N_QUADS: ((b"\n",), 0),
    JSON_LD: ((b"[", b","), 0),  # each object opens an array or follows a comma
    RDF_XML: ((b"\n",), 0),  # one property element per line
}


class _TooMany(Exception):
    pass


class _CappedWriter:
    """Collects serialised bytes; raises _TooMany once the marker count shows more than `limit` rows."""

    __slots__ = ("chunks", "count", "keep", "limit", "markers")

    def __init__(self, markers: tuple[bytes, ...], limit: int) -> None:
        self.chunks: list[bytes] = []
        self.count = 0
        self.limit = limit
        self.markers = markers
        self.keep = (
            max(len(m) for m in markers) - 1
        )  # bytes carried over so no marker is split or counted twice

    def write(self, data: bytes) -> int:
        window = self.chunks[-1][-self.keep :] + data if self.keep and self.chunks else data
        self.chunks.append(data)
        self.count += sum(window.count(m) for m in self.markers)
        if self.count > self.limit:
            raise _TooMany
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.chunks)

    def output(self) -> IO[bytes]:
        """Itself, as the file pyoxigraph writes to (it calls write() and flush() only)."""
        return cast("IO[bytes]", self)


def execute(store: ox.Store, job: Job) -> tuple[Outcome, bytes]:
    """Run ``job`` on ``store``; a syntax or evaluation error comes back as an Outcome, not an exception."""
    nodes = constant_describe(job)
    if nodes is not None:
        return described(store, nodes, job)
    kwargs: dict[str, Any] = {"base_iri": job.base_iri}
    if job.substitutions:
        kwargs["substitutions"] = {ox.Variable(k): v for k, v in job.substitutions}
    # The request's dataset (default-graph-uri, named-graph-uri), when it names one, replaces the query's
    # FROM and FROM NAMED, both parts at once (a part it leaves out is empty, as the protocol says).
    # Otherwise the query's own FROM/FROM NAMED apply, and without them the store's default graph, which
    # holds the merge of the named graphs, each triple once (server.graph.versions.fill_store). No union
    # flag: pyoxigraph's counts a triple held in two graphs twice, and replaces a query's FROM.
    if job.default_graphs or job.named_graphs:
        kwargs["default_graph"] = [ox.NamedNode(u) for u in job.default_graphs]
        kwargs["named_graphs"] = [ox.NamedNode(u) for u in job.named_graphs]

    def run() -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        return store.query(job.text, **kwargs)

    try:
        results = run()
        if isinstance(results, ox.QueryBoolean):
            media = _pick(job, "boolean")
            return Outcome("boolean", media), written(results.serialize(format=results_format(media)))
        kind: Kind = "solutions" if isinstance(results, ox.QuerySolutions) else "graph"
        aggregates = aggregate_variables(job.text) if kind == "solutions" else ()
        outcome, body = _limited(kind, _pick(job, kind), results, run, job.max_rows, aggregates)
        if outcome.media_type == JSON_LD and job.base_iri is not None:
            body = with_context(body, job.base_iri)
        return outcome, body
    except SyntaxError as e:
        line, column = _position(str(e))
        return Outcome(
            None, error="syntax", message=f"SPARQL syntax error: {e}", line=line, column=column
        ), b""
    except NotAcceptable as e:
        return _refused(e), b""
    except EVALUATION_ERRORS as e:
        return Outcome(None, error="failed", message=f"The query failed while running: {e}"), b""


def constant_describe(job: Job) -> tuple[ox.NamedNode, ...] | None:
    """The IRIs of a ``DESCRIBE <iri> …`` that ``server.sparql.describe`` answers: none when the request
    names a
    dataset or binds variables, which only the engine honours."""
    if job.default_graphs or job.named_graphs or job.substitutions:
        return None
    return constant_iris(job.text)


def described(
    store: ox.Store, nodes: tuple[ox.NamedNode, ...], job: Job, max_rows: int | None = None
) -> tuple[Outcome, bytes]:
    """``DESCRIBE <iri> …`` through ``server.sparql.describe``: the engine's answer without its set-up
    cost."""
    try:
        media = _pick(job, "graph")
        triples, truncated = describe(store, nodes, job.max_rows if max_rows is None else max_rows)
        if media == RDF_XML:
            check_rdf_xml(triples)
    except NotAcceptable as e:
        return _refused(e), b""
    body = written(ox.serialize(triples, format=rdf_format(media)))
    if media == JSON_LD and job.base_iri is not None:
        body = with_context(body, job.base_iri)
    return Outcome("graph", media, truncated, len(triples)), body


def _refused(e: NotAcceptable) -> Outcome:
    return Outcome(None, error="not_acceptable", message=e.reason or "", offered=tuple(e.offered))


def _pick(job: Job, kind: Kind) -> str:
    family = GRAPH_TYPES if kind == "graph" else RESULT_TYPES
    for media in (job.result_format, job.graph_format):
        if media in family:
            return media
    raise NotAcceptable(list(family))


Results = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


def _limited(
    kind: Kind,
    media: str,
    results: Results,
    run: Callable[[], Results],
    max_rows: int,
    aggregates: tuple[str, ...] = (),
) -> tuple[Outcome, bytes]:
    """Serialise within ``max_rows``; a query with ``aggregates`` to check goes the exact (TSV) way, and
    so does RDF/XML (its triples are checked first: ``formats.check_rdf_xml``)."""
    if not aggregates and media != RDF_XML:
        markers, overhead = _ROW_MARKERS[media]
        fast = _CappedWriter(markers, max_rows + overhead)
        try:
            if isinstance(results, ox.QueryTriples):
                results.serialize(output=fast.output(), format=rdf_format(media))
            else:
                results.serialize(output=fast.output(), format=results_format(media))
            return Outcome(kind, media), fast.getvalue()
        except _TooMany:
            pass  # possibly more rows than allowed: count them exactly on a second run
        again = run()
    else:
        again = results
    if isinstance(again, ox.QueryTriples):
        triples = list(itertools.islice(again, max_rows + 1))
        kept = triples[:max_rows]
        if media == RDF_XML:
            check_rdf_xml(kept)
        body = written(ox.serialize(kept, format=rdf_format(media)))
        return Outcome(kind, media, len(triples) > max_rows, len(kept)), body
    exact = _CappedWriter((b"\n",), max_rows + 1)
    truncated = False
    try:
        again.serialize(output=exact.output(), format=ox.QueryResultsFormat.TSV)
    except _TooMany:
        truncated = True
    tsv = exact.getvalue()
    if truncated:  # keep the header and max_rows rows
        tsv = b"\n".join(tsv.split(b"\n", max_rows + 1)[: max_rows + 1]) + b"\n"
    rows = tsv.count(b"\n") - 1
    errors = unbound_columns(tsv, aggregates)
    body = (
        tsv
        if media == TSV
        else written(
            ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(
                format=results_format(media)
            )
        )
    )
    if truncated and media == SPARQL_JSON:
        body = b'{"truncated":true,' + body[1:]  # first, where strict streaming parsers still accept it
    if errors and media == SPARQL_JSON:
        body = b'{"aggregate_errors":' + json.dumps(list(errors)).encode() + b"," + body[1:]
    return Outcome(kind, media, truncated, rows, aggregate_errors=errors), body


# An aggregate that SPARQL never leaves unbound unless evaluating it raised an error (an empty group gives
# 0 or ""): COUNT, SUM, AVG and GROUP_CONCAT. MIN, MAX and SAMPLE are unbound on an empty group too, so an
# unbound value of theirs says nothing.
_AGGREGATE = re.compile(r"\(\s*(?:COUNT|SUM|AVG|GROUP_CONCAT)\s*\(", re.IGNORECASE)
_AS_VARIABLE = re.compile(r"\s*AS\s+[?$]([A-Za-z0-9_\u00b7\u00c0-\U000effff]+)\s*\)", re.IGNORECASE)


def aggregate_variables(text: str) -> tuple[str, ...]:
    """The variables that a projection binds to COUNT, SUM, AVG or GROUP_CONCAT: ``(SUM(?x) AS ?total)``.

    When such a variable comes back unbound, the aggregate raised an error in that group (GROUP_CONCAT of
    ``STR`` of a blank node, SUM of a string): SPARQL then leaves it unbound, which looks like a complete
    answer. The endpoint says so instead (``aggregate_errors``).
    """
    found: list[str] = []
    for match in _AGGREGATE.finditer(text):
        depth, i = 1, match.end()
        while i < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        after = _AS_VARIABLE.match(text, i)
        if after is not None and after.group(1) not in found:
            found.append(after.group(1))
    return tuple(found)


def unbound_columns(tsv: bytes, variables: tuple[str, ...]) -> tuple[str, ...]:
    """Those of ``variables`` that some row of a SPARQL TSV result leaves unbound (an empty field)."""
    if not variables:
        return ()
    header, _, rest = tsv.partition(b"\n")
    names = [name.decode().lstrip("?") for name in header.split(b"\t")]
    columns = {names.index(v): v for v in variables if v in names}
    rows = rest.split(b"\n")[:-1]  # every row ends with a newline (an empty row too)
    unbound = {name for row in rows for index, name in columns.items() if row.split(b"\t")[index] == b""}
    return tuple(v for v in variables if v in unbound)


def _position(message: str) -> tuple[int | None, int | None]:
    """Line and column from pyoxigraph's "error at 1:16: …" message."""
    head = message.removeprefix("error at ").split(":", 2)
    try:
        return int(head[0]), int(head[1])
    except (IndexError, ValueError):
        return None, None
