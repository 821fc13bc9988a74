"""HTTP/1.1 over a bare socket, for tests that need what a client library will not send: oversized or
incomplete heads, bodies that stop, many idle connections, requests on a connection the server is closing.
"""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body)


def connect(port: int, source: str = "127.0.0.1", timeout: float = 10.0) -> socket.socket:
    """A connection to 127.0.0.1:port from ``source`` (any 127.x.y.z address reaches loopback)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def request_bytes(
    method: str, target: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body and not any(k.lower() == "content-length" for k in headers or {}):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def send_all(sock: socket.socket, data: bytes) -> bool:
    """Send what the server takes; False when it closed the connection first (it refused the request)."""
    try:
        sock.sendall(data)
        return True
    except (BrokenPipeError, ConnectionResetError):
        return False


def read_response(sock: socket.socket, head_only: bool = False) -> RawResponse | None:
    """One response (Content-Length bodies only, as every response of ours has); None on a closed
    connection with no response."""
    buf = b""
    try:
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            buf += chunk
    except ConnectionResetError:
        return None if b"\r\n\r\n" not in buf else _parse(buf, sock, head_only)
    return _parse(buf, sock, head_only)


def _parse(buf: bytes, sock: socket.socket, head_only: bool) -> RawResponse:
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    length = int(headers.get("content-length", "0"))
    if head_only:
        return RawResponse(status, headers, b"")
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return RawResponse(status, headers, rest[:length])


def exchange(port: int, data: bytes, source: str = "127.0.0.1", timeout: float = 10.0) -> RawResponse | None:
    """Send ``data`` on a new connection and read one response."""
    with connect(port, source, timeout) as sock:
        send_all(sock, data)
        return read_response(sock)


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server has closed ``sock`` (waits up to the socket's timeout for it to)."""
    try:
        return sock.recv(65536) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
