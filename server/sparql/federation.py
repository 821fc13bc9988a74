"""The SERVICE guard: federated query is refused unless every endpoint it calls is on the allow-list.

pyoxigraph really does call out over HTTP for ``SERVICE <url>`` (measured: a query reached a socket
listener on 127.0.0.1), so the check happens before a query reaches the engine. It works on tokens, not
on the raw text, so ``?service``, ``schema:Service`` and ``"service"`` do not trip it, while the forms the
parser accepts as the keyword do: any case, ``SERVICE:x``, ``1SERVICE<...>``, comments in between, ``\\u``
escapes inside the IRI. An endpoint must be written as an absolute IRI; a variable, a prefixed name or a
relative IRI is refused. The query workers add a second wall (``server.sparql.sandbox``): with an empty
allow-list they cannot open network sockets at all.
"""

from __future__ import annotations

import re

from server.errors import ServiceRefused
from server.sparql.lexer import tokens

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def service_endpoints(text: str) -> list[str | None]:
    """Every SERVICE call in ``text``: its endpoint IRI, or None where it is not an absolute IRI."""
    found_tokens = list(tokens(text))
    found: list[str | None] = []
    for i, (kind, value) in enumerate(found_tokens):
        # No valid keyword other than SERVICE contains "service"; glued forms such as "trueSERVICE" count too.
        if kind not in ("word", "langtag") or "service" not in value.lower():
            continue
        j = i + 1
        if j < len(found_tokens) and found_tokens[j][0] == "word" and found_tokens[j][1].lower() == "silent":
            j += 1
        endpoint = None
        if j < len(found_tokens) and found_tokens[j][0] == "iri":
            iri = _ESCAPE.sub(lambda e: chr(int(e.group(1) or e.group(2), 16)), found_tokens[j][1][1:-1])
            endpoint = iri if re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", iri) else None
        found.append(endpoint)
    return found


def check_service(text: str, allowlist: tuple[str, ...]) -> None:
    """Raise ServiceRefused unless every SERVICE endpoint in ``text`` is on ``allowlist``."""
    if "service" not in text.lower():  # the common case costs one scan; the parser reads no escaped keywords
        return
    for endpoint in service_endpoints(text):
        if not allowlist:
            raise ServiceRefused(
                "SERVICE (federated query) is off on this endpoint; an operator can allow endpoints "
                "with --allow-service URL."
            )
        if endpoint is None:
            raise ServiceRefused(
                "A SERVICE endpoint must be written as a full IRI, e.g. SERVICE <https://…/sparql>."
            )
        if endpoint not in allowlist:
            raise ServiceRefused(
                f"SERVICE <{endpoint}> is not allowed; allowed endpoints: {', '.join(allowlist)}."
            )
