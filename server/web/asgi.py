"""The ASGI types the edge and the plain-ASGI handlers share (the ASGI 3.0 interface, by hand)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]


def request_headers(scope: Scope) -> dict[bytes, bytes]:
    """Lower-cased request headers; a repeated header keeps its last value."""
    return dict(scope["headers"])


async def send_simple(send: Send, status: int, headers: Headers, body: bytes) -> None:
    """A whole response in two messages, with its Content-Length."""
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
