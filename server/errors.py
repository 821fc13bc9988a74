"""The exception tree. Each error carries its HTTP status and a message that says what to do next.

    SmartHameError                      500  base; never raised itself
    ├── InputError                      400  the client sent something we cannot use
    │   ├── BadParameter                400  a named request parameter is wrong
    │   ├── QuerySyntaxError            400  SPARQL that does not parse (message has the position)
    │   ├── QueryTooLong                400  query text over max_query_length
    │   ├── QueryTooComplex             400  nesting or a sequence deeper than the engine can take
    │   ├── UpdateRefused               400  SPARQL Update sent to the read-only endpoint
    │   ├── QueryFailed                 400  a query that parsed but failed while the engine ran it
    │   ├── ServiceRefused              400  SERVICE to an endpoint not on the allow-list
    │   └── PreflightRefused            400  a CORS preflight for a method we do not answer
    ├── Unauthorized                    401  a publisher's write without a bearer token
    ├── Forbidden                       403  a wrong token, or a graph publishers may not edit
    ├── NotFound                        404  unknown path, resource, saved query or dump
    ├── MethodNotAllowed                405  an HTTP method the resource does not answer
    ├── NotAcceptable                   406  no offered media type fits Accept (lists the offered ones)
    ├── RequestTimeout                  408  the request's head or body did not arrive in time
    ├── URITooLong                      414  request target over max_url_bytes (send the query by POST)
    ├── UnsupportedMediaType            415  request body in a type we do not read
    ├── TooManyRequests                 429  this client already holds its query slots (Retry-After)
    ├── HeadersTooLarge                 431  header lines over max_header_bytes
    ├── QueryTimeout                    503  the query ran past its time limit and was stopped
    │   └── UpstreamTimeout             504  an external engine did not answer within the time limit
    ├── Unavailable                     503  no published dataset, or workers could not start
    │   ├── WorkerDied                  503  the query's worker process ended while running it
    │   ├── Overloaded                  503  too many queries waiting for a worker (Retry-After)
    │   ├── TooManyConnections          503  every connection this process may hold is busy
    │   └── UpstreamFailed              502  an external engine failed or could not be reached
    ├── HTTPError                       4xx  a status the web framework answered itself (a malformed
    │                                        or unsatisfiable Range header…), named after the status
    ├── InternalError                   500  our bug: an unexpected exception, logged with a request id
    └── DataError                       (CLI) input files that do not parse or do not conform
        ├── ParseError                  file:line of the first syntax error
        ├── ImportRejected         422  import rows that cannot be read (file:sheet:row:column each)
        └── ValidationFailed            SHACL violations; carries the report
            └── ImportRefused      422  an import whose new dataset violates the shapes

Every error response has the one shape of :meth:`SmartHameError.as_json` (``error``, ``message``,
``status``, and what a class adds), as JSON or, for a browser, as a page; ``server.web.edge.render_error``
renders them all, the framework's own 404/405 and what the engine raises included. The CLI maps
``ParseError`` to exit 2 and ``ValidationFailed`` to exit 1.
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path
from typing import Any


class SmartHameError(Exception):
    status: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def as_json(self) -> dict[str, Any]:
        return {"error": type(self).__name__, "message": self.message, "status": self.status}


class InputError(SmartHameError):
    status = 400


class BadParameter(InputError):
    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"Parameter '{name}': {problem}")
        self.name = name


class QuerySyntaxError(InputError):
    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line, self.column = line, column

    def as_json(self) -> dict[str, Any]:
        return {**super().as_json(), "line": self.line, "column": self.column}


class QueryTooLong(InputError):
    pass


class QueryTooComplex(InputError):
    pass


class UpdateRefused(InputError):
    pass


class ServiceRefused(InputError):
    pass


class QueryFailed(InputError):
    pass


class PreflightRefused(InputError):
    pass


class Unauthorized(SmartHameError):
    status = 401


class Forbidden(SmartHameError):
    status = 403


class NotFound(SmartHameError):
    status = 404


class NotAcceptable(SmartHameError):
    status = 406

    def __init__(self, offered: list[str], reason: str | None = None) -> None:
        """``reason``: why the asked type cannot be written for this answer, when it is offered in general
        (RDF/XML of a graph with a predicate it cannot name); else the Accept header did not fit."""
        why = reason or "None of the offered media types fits the Accept header."
        super().__init__(f"{why} Offered: " + ", ".join(offered))
        self.offered = offered
        self.reason = reason

    def as_json(self) -> dict[str, Any]:
        return {**super().as_json(), "offered": self.offered}


class MethodNotAllowed(SmartHameError):
    status = 405

    def __init__(self, method: str, allowed: tuple[str, ...]) -> None:
        super().__init__(f"{method} is not supported here; use {' or '.join(allowed)}.")
        self.allowed = allowed


class RequestTimeout(SmartHameError):
    status = 408


class URITooLong(SmartHameError):
    status = 414


class UnsupportedMediaType(SmartHameError):
    status = 415


class HeadersTooLarge(SmartHameError):
    status = 431


class TooManyRequests(SmartHameError):
    """Carries ``retry_after`` (seconds), sent as the ``Retry-After`` header."""

    status = 429

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class QueryTimeout(SmartHameError):
    status = 503


class Unavailable(SmartHameError):
    status = 503


class WorkerDied(Unavailable):
    pass


class Overloaded(Unavailable):
    """Carries ``retry_after`` (seconds), sent as the ``Retry-After`` header."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TooManyConnections(Unavailable):
    pass


class UpstreamTimeout(QueryTimeout):
    status = 504


class UpstreamFailed(Unavailable):
    status = 502


class HTTPError(SmartHameError):
    """A response the web framework gave itself, in our shape; ``error`` is the status's name."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status

    def as_json(self) -> dict[str, Any]:
        name = "".join(word.capitalize() for word in HTTPStatus(self.status).phrase.replace("-", " ").split())
        return {**super().as_json(), "error": name}


class InternalError(SmartHameError):
    """An exception we did not expect: a bug of ours, never the client's fault."""

    def __init__(self, request_id: str) -> None:
        super().__init__(
            f"The server failed to answer this request; this is our fault, not yours. The server's log has "
            f"the details under request id {request_id}."
        )
        self.request_id = request_id

    def as_json(self) -> dict[str, Any]:
        return {**super().as_json(), "request_id": self.request_id}


class DataError(SmartHameError):
    status = 500


class ParseError(DataError):
    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem}")
        self.path = Path(path)
        self.line = line


class ValidationFailed(DataError):
    def __init__(self, report: Any) -> None:
        super().__init__("The data violates the Smart Häme shapes; nothing was published.")
        self.report = report


class ImportRejected(DataError):
    """Input rows or records an import cannot use; ``problems`` are "file:sheet:row:column: what" lines."""

    status = 422

    def __init__(self, problems: list[str]) -> None:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"The import was refused ({count}); nothing was published:\n" + "\n".join(problems))
        self.problems = problems

    def as_json(self) -> dict[str, Any]:
        return {**super().as_json(), "problems": self.problems}


class ImportRefused(ValidationFailed):
    """The dataset an import would publish violates the shapes; the published version is unchanged."""

    status = 422

    def __init__(self, report: Any) -> None:
        super().__init__(report)
        self.message = "The import violates the Smart Häme shapes; nothing was published."

    def as_json(self) -> dict[str, Any]:
        return {**super().as_json(), "report": self.report.as_json()}
