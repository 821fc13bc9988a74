"""SPARQL text as tokens: enough of the grammar's lexical rules to find keywords, IRIs and brackets.

Checks that must see the query as the parser will (the SERVICE guard in ``server.sparql.federation``, the
nesting and size check in ``server.sparql.complexity``) read tokens rather than raw text, so that
``?service``, ``schema:Service``, ``"{"`` and ``<urn:(>`` count as what they
are. Comments and white space are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
    | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
    | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>(?P<prefix>[^\W\d_][\w\-.]*)?:(?:[\w\-:%]|\\.|\.(?=[\w\-:%]))*)
    | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)
    | (?P<word>[^\W\d]+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) pairs; a prefixed name whose prefix is the keyword SERVICE/SILENT is split in two,
    as the parser reads ``SERVICE:x`` as the keyword followed by ``:x``."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup if m.lastgroup != "prefix" else "pname"
        if kind in ("space", "comment"):
            continue
        value = m.group()
        prefix = m.group("prefix")
        if kind == "pname" and prefix and ("service" in prefix.lower() or prefix.lower() == "silent"):
            yield "word", prefix
            yield "pname", value[len(prefix) :]
            continue
        yield kind or "other", value


def token_spans(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, offset) of each token but spaces and comments, for code that must place something
    between tokens (``server.sparql.remote_text``)."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup if m.lastgroup != "prefix" else "pname"
        if kind not in ("space", "comment"):
            yield kind or "other", m.group(), m.start()
