"""The HTTP/1.1 connection: uvicorn's httptools protocol with the bounds it lacks, set from the settings.

uvicorn with httptools accepts a request head of any size (a 64 MB ``Accept`` was read whole), never
times out a connection that has not yet sent a request, or a body that stops arriving, holds as many
connections as the open-files limit allows, and on a graceful stop closes idle kept-alive connections at
once, so that a request already on its way gets no answer. :class:`BoundedHttp` adds, per connection:

- **head size**: a request target over ``max_url_bytes`` is answered 414, header lines over
  ``max_header_bytes`` 431, counted as the bytes arrive, before the parser keeps them;
- **head and body time**: ``head_timeout`` seconds to send the request line and headers (from when the
  connection opens or its previous response ends), ``body_timeout`` to send the whole body, else 408;
- **open connections**: past ``max_connections`` in this process, the connection that has waited longest
  for a request is closed (it has nothing in flight), or the new one is answered 503 if every one is busy;
- **graceful stop**: a request in flight is answered with ``Connection: close``; an idle connection stays
  open for ``DRAIN`` seconds so that a request already sent on it is answered (with ``Connection:
  close``) instead of meeting a closed socket;

and answers uvicorn's own "Invalid HTTP request" in our error shape. Every refusal here is our JSON error
body (``server.web.error_responses``), with ``Connection: close``. Subclassing keeps uvicorn (its parser,
flow control, pipelining); what is overridden is the connection's bookkeeping, not the HTTP it speaks.
"""

from __future__ import annotations

import asyncio
import resource
import sys
import time
from dataclasses import dataclass
from typing import Any, ClassVar

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from server.errors import (
    HeadersTooLarge,
    HTTPError,
    RequestTimeout,
    SmartHameError,
    TooManyConnections,
    URITooLong,
)
from server.settings import Settings
from server.web.error_responses import render_error

# Seconds an idle connection stays open after a graceful stop begins: a request a client sent just before
# it learnt of the stop is answered (with Connection: close) rather than met by a closed socket.
DRAIN = 1.0
REQUEST_LINE_SLACK = 64  # method, spaces and "HTTP/1.1" around the request target
FILE_RESERVE = 128  # open files a server process needs besides its connections (workers, store, dumps)
_TERMINATOR = b"\r\n\r\n"


@dataclass(frozen=True)
class Limits:
    max_url_bytes: int
    max_header_bytes: int
    head_timeout: float
    body_timeout: float
    max_connections: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            settings.max_url_bytes,
            settings.max_header_bytes,
            settings.head_timeout,
            settings.body_timeout,
            settings.max_connections,
        )


def error_bytes(exc: SmartHameError, extra: list[tuple[bytes, bytes]] | None = None) -> bytes:
    """A whole HTTP response for ``exc`` in our shape, closing the connection."""
    status, headers, body = render_error(exc)
    lines = [STATUS_LINE[status]]
    for name, value in [*headers, *(extra or []), (b"access-control-allow-origin", b"*")]:
        lines.append(name + b": " + value + b"\r\n")
    lines.append(b"content-length: %d\r\nconnection: close\r\n\r\n" % len(body))
    return b"".join(lines) + body


class BoundedHttp(HttpToolsProtocol):
    """uvicorn's httptools protocol with the bounds of the module docstring; ``limits`` is set by
    :func:`protocol_class`."""

    limits: ClassVar[Limits]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reading_head = True  # between requests, or inside a request's head
        self.head_bytes = 0
        self.line_bytes = -1  # the request line's length once it has ended
        self.tail = b""  # the last bytes of the previous chunk, to find a terminator split in two
        self.idle_since = time.monotonic()
        self.draining = False
        self.head_timer: asyncio.TimerHandle | None = None
        self.body_timer: asyncio.TimerHandle | None = None

    # The connection ------------------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        if len(self.connections) > self.limits.max_connections and not self._evict_idle():
            self._refuse(
                TooManyConnections(
                    f"This server process holds its limit of {self.limits.max_connections} open connections "
                    "(setting max_connections) and every one is busy; try again shortly."
                ),
                [(b"retry-after", b"1")],
            )
            return
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timers()
        super().connection_lost(exc)

    def _evict_idle(self) -> bool:
        """Close the connection that has waited longest for a request (none of ours in flight)."""
        idle = [
            c
            for c in self.connections
            if c is not self
            and isinstance(c, BoundedHttp)
            and c.reading_head
            and not c.transport.is_closing()
        ]
        if not idle:
            return False
        oldest = min(idle, key=lambda c: c.idle_since)
        oldest.transport.close()
        return True

    def _refuse(self, exc: SmartHameError, extra: list[tuple[bytes, bytes]] | None = None) -> None:
        self._cancel_timers()
        if not self.transport.is_closing():
            self.transport.write(error_bytes(exc, extra))
            self.transport.close()

    # Reading -------------------------------------------------------------------------------------------
    def data_received(self, data: bytes) -> None:
        if self.reading_head and not self._head_fits(data):
            return
        super().data_received(data)

    def _head_fits(self, data: bytes) -> bool:
        """Count the head bytes in ``data``; refuse the request (and False) once they pass a limit."""
        window = self.tail + data
        end = window.find(_TERMINATOR)
        in_head = len(data) if end < 0 else max(end + len(_TERMINATOR) - len(self.tail), 0)
        self.tail = window[-(len(_TERMINATOR) - 1) :]
        before = self.head_bytes
        self.head_bytes += in_head
        if self.line_bytes < 0:
            newline = data.find(b"\n", 0, in_head)
            if newline >= 0:
                self.line_bytes = before + newline + 1
            elif self.head_bytes > self.limits.max_url_bytes + REQUEST_LINE_SLACK:
                self._refuse(self._uri_too_long())
                return False
        if self.line_bytes >= 0 and self.head_bytes - self.line_bytes > self.limits.max_header_bytes:
            self._refuse(
                HeadersTooLarge(
                    f"The request's header lines are over {self.limits.max_header_bytes} bytes (setting "
                    "max_header_bytes); send fewer or shorter headers."
                )
            )
            return False
        return True

    def _uri_too_long(self) -> URITooLong:
        return URITooLong(
            f"The request target is over {self.limits.max_url_bytes} bytes (setting max_url_bytes). Send a "
            "long SPARQL query by POST, as application/sparql-query or a form, instead of in the URL."
        )

    def on_headers_complete(self) -> None:
        if len(self.url) > self.limits.max_url_bytes:
            self._refuse(self._uri_too_long())
            raise httptools.HttpParserCallbackError("request target too long")  # stops the parser
        self.reading_head = False
        self.head_bytes, self.line_bytes, self.tail = 0, -1, b""
        self._cancel_head_timer()
        super().on_headers_complete()
        if self.draining and self.cycle is not None:
            self.cycle.keep_alive = False
        if self._expects_body():
            self.body_timer = self.loop.call_later(self.limits.body_timeout, self._body_too_slow)

    def _expects_body(self) -> bool:
        for name, value in self.headers:
            if name == b"transfer-encoding" or (
                name == b"content-length" and value.strip() not in (b"", b"0")
            ):
                return True
        return False

    def on_message_complete(self) -> None:
        if self.body_timer is not None:
            self.body_timer.cancel()
            self.body_timer = None
        super().on_message_complete()

    def on_response_complete(self) -> None:
        pipelined = bool(self.pipeline)
        super().on_response_complete()
        if not pipelined and not self.transport.is_closing():
            self.reading_head = True
            self.idle_since = time.monotonic()
            self._arm_head_timer()
            if self.draining:
                self._drain_later()

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a request the parser rejects, in our shape."""
        self._refuse(HTTPError(400, f"The request is not valid HTTP/1.1 ({msg.rstrip('.')})."))

    # Timers --------------------------------------------------------------------------------------------
    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self.head_timer = self.loop.call_later(self.limits.head_timeout, self._head_too_slow)

    def _cancel_head_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _cancel_timers(self) -> None:
        self._cancel_head_timer()
        if self.body_timer is not None:
            self.body_timer.cancel()
            self.body_timer = None

    def _head_too_slow(self) -> None:
        self.head_timer = None
        if self.transport.is_closing():
            return
        if self.head_bytes == 0 and self.line_bytes < 0:
            self.transport.close()  # it sent nothing: there is no one to tell
            return
        self._refuse(
            RequestTimeout(
                f"The request's line and headers did not arrive within {self.limits.head_timeout:g} s "
                "(setting head_timeout)."
            )
        )

    def _body_too_slow(self) -> None:
        self.body_timer = None
        cycle = self.cycle
        if cycle is None or cycle.response_complete or not cycle.more_body:
            return
        started = cycle.response_started
        cycle.disconnected = True  # the handler reading the body sees the client gone; its answer is dropped
        cycle.message_event.set()
        if started:
            self.transport.close()
            return
        self._refuse(
            RequestTimeout(
                f"The request's body did not arrive within {self.limits.body_timeout:g} s (setting "
                "body_timeout)."
            )
        )

    # Stopping ------------------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """A graceful stop: finish what is in flight, answer what arrives in the next DRAIN seconds, with
        ``Connection: close`` each time, then close."""
        self.draining = True
        if self.cycle is None or self.cycle.response_complete:
            self._drain_later()
        else:
            self.cycle.keep_alive = False

    def _drain_later(self) -> None:
        self.loop.call_later(DRAIN, self._close_if_idle)

    def _close_if_idle(self) -> None:
        if self.reading_head and self.head_bytes == 0 and not self.transport.is_closing():
            self.transport.close()
        elif not self.transport.is_closing():
            self._drain_later()  # a request is arriving or running: it closes the connection when answered


def protocol_class(settings: Settings) -> type[BoundedHttp]:
    """:class:`BoundedHttp` with ``settings``' limits, for uvicorn's ``http=`` option."""
    return type("BoundedHttp", (BoundedHttp,), {"limits": Limits.from_settings(settings)})


def fit_open_files(max_connections: int) -> int:
    """Raise this process's open-files limit to fit ``max_connections`` and the rest it needs; the number of
    connections that fits (``max_connections`` unless the hard limit is lower, said on stderr)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max_connections + FILE_RESERVE
    if hard != resource.RLIM_INFINITY and wanted > hard:
        fits = max(hard - FILE_RESERVE, 1)
        print(
            f"note: the open-files limit is {hard}, so a server process holds at most {fits} connections "
            f"instead of max_connections={max_connections}",
            file=sys.stderr,
            flush=True,
        )
        wanted, max_connections = hard, fits
    if wanted > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return max_connections
