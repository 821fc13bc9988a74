"""Queries answered by an external SPARQL 1.1 Protocol engine (``--engine URL``), under our budgets.

``server.sparql.engine.Engine`` hands a checked :class:`Job` (length and SERVICE wall already passed) to
:class:`RemoteQueries` instead of a query worker, and gets back what a worker gives: an ``Outcome`` and
the serialised body. What happens in between::

    Job ──bind/BASE/dataset──> POST query ──> engine ──SPARQL XML or N-Triples──> cut at max_rows ──>
        pyoxigraph parses what was kept ──> serialised in the negotiated format

- The engine is asked for one wire format per query form (SPARQL XML for SELECT and ASK, N-Triples for
  CONSTRUCT and DESCRIBE): both engines tested write them to the standard, and in each a row is found by
  bytes alone (``<result>`` cannot occur in XML text, a triple is one line), so reading stops at
  ``max_rows`` and the connection is closed: memory stays within the row cap whatever the engine sends,
  and the engine is not left writing a result nobody reads. (Virtuoso's TSV, for one, is not the
  standard's: IRIs come as strings and literals lose their language tags.)
- The request runs under the query's time limit; past it, or when the client goes (the route cancels
  the task), leaving the ``async with`` closes the upstream connection.
- Errors: the engine refusing the query (4xx) is the query's fault (``QueryFailed``, 400, quoting the
  engine); the engine failing or unreachable is ``UpstreamFailed`` (502), too slow ``UpstreamTimeout``
  (504).
- Without a dataset of its own, a query runs on the version the front end serves
  (``server.sparql.remote_graphs``): that version's graphs as named graphs and, merged, as the default
  graph, which is what a version's store holds as its default graph, and what keeps the other versions
  in the engine out of sight. The public graph names in the query become the version's names, and the
  version's names in the answer public ones again.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from typing import TYPE_CHECKING

import pyoxigraph as ox

from server.errors import QueryFailed, UpstreamFailed, UpstreamTimeout
from server.settings import Settings
from server.sparql.evaluation import Job, Kind, Outcome
from server.sparql.formats import (
    GRAPH_TYPES,
    N_TRIPLES,
    RESULT_TYPES,
    SPARQL_JSON,
    SPARQL_XML,
    rdf_format,
    results_format,
    written,
)
from server.sparql.remote_graphs import VersionGraphs
from server.sparql.remote_text import ascii_only, bind, names_dataset, query_form, with_base

if TYPE_CHECKING:
    import httpx

# Blank nodes are stored in the engine as skolem IRIs (RDF 1.1 Concepts, 3.5), and turned back into blank
# nodes in every answer: a blank node's label means nothing to a later query, and pages walk blank-node
# descriptions one lookup at a time. A URN rather than the RDF 1.1 suggestion (/.well-known/genid/ under
# the base), so that counts of IRIs minted under the base (VoID's entities) stay what they are. A query
# testing isBlank() over an engine sees these IRIs, though (README, "An external engine").
GENID = "urn:smarthame:genid:"
_ERROR_EXCERPT = 400  # characters of an engine's error message quoted to the client


class _Cut:
    """Collects the engine's bytes until more than ``max_rows`` rows have come; then says stop."""

    def __init__(self, kind: Kind, max_rows: int) -> None:
        self.graph = kind == "graph"
        self.max_rows = max_rows
        self.buffer = bytearray()
        self.rows = 0
        self.truncated = False
        self._scanned = 0
        self._full_at: int | None = 0 if max_rows == 0 else None  # N-Triples: where the cap's rows end

    def feed(self, data: bytes) -> bool:
        """Add ``data``; True once the row cap is passed (the rest need not be read)."""
        self.buffer += data
        return self._lines() if self.graph else self._results()

    def _results(self) -> bool:
        marker = b"<result>"
        start = max(self._scanned - len(marker) + 1, 0)
        while (at := self.buffer.find(marker, start)) >= 0:
            if self.rows == self.max_rows:
                self.truncated = True
                del self.buffer[at:]
                self.buffer += b"</results></sparql>"
                return True
            self.rows += 1
            start = at + len(marker)
        self._scanned = len(self.buffer)
        return False

    def _lines(self) -> bool:
        if self._full_at is None:
            start = self._scanned
            while self.rows < self.max_rows and (at := self.buffer.find(b"\n", start)) >= 0:
                self.rows += 1
                start = at + 1
            self._scanned = start
            if self.rows < self.max_rows:
                return False
            self._full_at = start
        if self.buffer[self._full_at :].strip():  # a triple past the cap
            self.truncated = True
            del self.buffer[self._full_at :]
            return True
        return False

    def finish(self) -> None:
        if self._full_at is not None:
            del self.buffer[self._full_at :]


class RemoteQueries:
    """Send jobs to ``settings.engine`` and read their answers back within the job's budget."""

    def __init__(self, settings: Settings, graphs: VersionGraphs) -> None:
        self.url = settings.engine
        self.settings = settings
        self.graphs = graphs
        self.timeouts = 0
        self.failures = 0
        self._client: httpx.AsyncClient | None = None

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            # Without a running loop (the CLI) the sockets go with the process.
            with contextlib.suppress(RuntimeError):
                asyncio.get_running_loop().create_task(client.aclose())

    async def run(self, job: Job, timeout: float, limit: float | None = None) -> tuple[Outcome, bytes]:
        """The engine's answer to ``job`` within ``timeout`` seconds (what is left of the query's time
        ``limit`` after its wait for a slot; the error names the limit)."""
        kind = query_form(job.text)
        media = _pick(job, kind)
        if media is None:
            return _not_acceptable(kind), b""
        import httpx  # here, not at import: only a server over an external engine needs it (85 ms)

        if self._client is None:
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout), trust_env=False)
        cut = _Cut(kind, job.max_rows)
        try:
            async with (
                asyncio.timeout(timeout),
                self._client.stream("POST", self.url, data=self._form(job), headers=_accept(kind)) as resp,
            ):
                if resp.status_code != 200:
                    self._refused(resp.status_code, (await resp.aread())[:4096])
                async for chunk in resp.aiter_bytes():
                    if cut.feed(chunk):
                        break  # leaving the block closes the connection: the engine stops sending
        except TimeoutError:
            self.timeouts += 1
            raise UpstreamTimeout(
                f"The SPARQL engine did not answer within the time limit of {limit or timeout:g} s; the "
                "request to it was cancelled. Simplify the query, add a LIMIT, or ask the operator about the "
                "timeout setting."
            ) from None
        except httpx.HTTPError as e:
            self.failures += 1
            raise UpstreamFailed(f"The SPARQL engine at {self.url} could not be reached ({e!r}).") from None
        cut.finish()
        return self._convert(kind, media, cut)

    def run_sync(self, job: Job) -> tuple[Outcome, bytes]:
        """The same without an event loop (CLI, start-up checks): the server's time limit applies."""
        kind = query_form(job.text)
        media = _pick(job, kind)
        if media is None:
            return _not_acceptable(kind), b""
        import httpx

        cut = _Cut(kind, job.max_rows)
        try:
            with (
                httpx.Client(timeout=self.settings.timeout, trust_env=False) as client,
                client.stream("POST", self.url, data=self._form(job), headers=_accept(kind)) as resp,
            ):
                if resp.status_code != 200:
                    self._refused(resp.status_code, resp.read()[:4096])
                for chunk in resp.iter_bytes():
                    if cut.feed(chunk):
                        break
        except httpx.TimeoutException:
            raise UpstreamTimeout(
                f"The SPARQL engine did not answer within {self.settings.timeout:g} s (setting timeout)."
            ) from None
        except httpx.HTTPError as e:
            raise UpstreamFailed(f"The SPARQL engine at {self.url} could not be reached ({e!r}).") from None
        cut.finish()
        return self._convert(kind, media, cut)

    def _form(self, job: Job) -> dict[str, str | list[str]]:
        text = bind(job.text, dict(job.substitutions))
        if job.base_iri:
            text = with_base(text, job.base_iri)
        form: dict[str, str | list[str]] = {"query": ascii_only(self.graphs.query_text(text))}
        if job.default_graphs or job.named_graphs or not names_dataset(job.text):
            form.update(self.graphs.dataset(job.default_graphs, job.named_graphs))
        return form

    def _refused(self, status: int, body: bytes) -> None:
        message = " ".join(body.decode("utf-8", errors="replace").split())[:_ERROR_EXCERPT]
        if status == 400:
            raise QueryFailed(f"The SPARQL engine refused the query: {message}")
        self.failures += 1
        if status == 504:
            raise UpstreamTimeout(f"The SPARQL engine timed out (HTTP 504): {message}")
        raise UpstreamFailed(f"The SPARQL engine failed with HTTP {status}: {message}")

    def _convert(self, kind: Kind, media: str, cut: _Cut) -> tuple[Outcome, bytes]:
        data = from_engine(bytes(cut.buffer), kind)
        try:
            if kind == "graph":
                triples = [self.graphs.triple_back(t) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
                body = written(ox.serialize(triples, format=rdf_format(media)))
                return Outcome(kind, media, cut.truncated, len(triples)), body
            results = ox.parse_query_results(
                self.graphs.solutions_back(data), format=ox.QueryResultsFormat.XML
            )
        except SyntaxError as e:
            self.failures += 1
            raise UpstreamFailed(f"The SPARQL engine's answer could not be read ({e}).") from None
        if isinstance(results, ox.QueryBoolean):
            if kind != "boolean":
                raise UpstreamFailed("The SPARQL engine answered a SELECT with a boolean.")
            return Outcome("boolean", media), written(results.serialize(format=results_format(media)))
        body = written(results.serialize(format=results_format(media)))
        if cut.truncated and media == SPARQL_JSON:
            body = b'{"truncated":true,' + body[1:]  # as server.sparql.evaluation marks it
        return Outcome("solutions", media, cut.truncated, cut.rows), body


def from_engine(data: bytes, kind: Kind) -> bytes:
    """The engine's bytes as pyoxigraph reads them faithfully: skolem IRIs back to blank nodes,
    Virtuoso's ``nodeID://`` labels (which pyoxigraph rejects) stripped to their name, and in SPARQL XML
    results the whitespace at either end of a literal written as character references (pyoxigraph
    0.5.13 trims it from the text of a ``<literal>``: a SHACL shape's SPARQL text read from Virtuoso
    lost its leading newline)."""
    genid = re.escape(GENID.encode())
    if kind == "graph":
        return re.sub(rb"<" + genid + rb"([A-Za-z0-9_]+)>", rb"_:\1", data)
    data = data.replace(b"<bnode>nodeID://", b"<bnode>")
    data = re.sub(rb"<uri>" + genid + rb"([A-Za-z0-9_]+)</uri>", rb"<bnode>\1</bnode>", data)
    return _LITERAL_TEXT.sub(_edge_whitespace_as_references, data)


# A literal's text holds no "<" (XML escapes it), so the element ends at the first "</literal>".
_LITERAL_TEXT = re.compile(rb"(<literal\b[^>]*(?<!/)>)([^<]*)(</literal>)")
_EDGE_WHITESPACE = re.compile(rb"\A[ \t\n]+|[ \t\n]+\Z")


def _edge_whitespace_as_references(m: re.Match[bytes]) -> bytes:
    text = _EDGE_WHITESPACE.sub(lambda w: b"".join(b"&#%d;" % c for c in w.group()), m.group(2))
    return m.group(1) + text + m.group(3)


def skolem(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode | ox.Literal:
    """A blank node as the IRI it is stored under in the engine; other terms unchanged."""
    if isinstance(term, ox.BlankNode):
        return ox.NamedNode(f"{GENID}{term.value}")
    return term


def _pick(job: Job, kind: Kind) -> str | None:
    family = GRAPH_TYPES if kind == "graph" else RESULT_TYPES
    for media in (job.result_format, job.graph_format):
        if media in family:
            return media
    return None


def _not_acceptable(kind: Kind) -> Outcome:
    family = GRAPH_TYPES if kind == "graph" else RESULT_TYPES
    return Outcome(None, error="not_acceptable", message=",".join(family))


def _accept(kind: Kind) -> dict[str, str]:
    return {"accept": N_TRIPLES if kind == "graph" else SPARQL_XML}
