"""``Content-Security-Policy: default-src 'self'`` on every response, set in one place.

Every page of the site (the Linked Data pages, the saved queries, the editor, ``/docs``, the dumps, the
dashboard, error pages) loads its scripts, styles, fonts and data from this server only: no inline
``<script>`` or ``style``, nothing from another host. The header is added to every response, not only to
HTML: a browser ignores it elsewhere, and one rule is easier to keep than a list of media types. A route
that sets a policy of its own keeps it.

A pure-ASGI layer, outermost, so that what the edge answers by itself (cached ``/sparql`` answers, its
500s) carries the header too.
"""

from __future__ import annotations

from server.web.asgi import ASGIApp, Message, Receive, Scope, Send

POLICY = "default-src 'self'"
HEADER = b"content-security-policy"


class ContentSecurityPolicy:
    def __init__(self, app: ASGIApp, policy: str = POLICY) -> None:
        self.app = app
        self.header = (HEADER, policy.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == HEADER for name, _ in headers):
                    headers.append(self.header)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_policy)
