"""A cheap check of a query's shape, before any engine sees it: nesting and sequences it cannot take.

pyoxigraph parses and plans queries by recursion, and a deep enough query overflows the worker's stack:
the worker dies (SIGSEGV) and the client learns nothing useful. Measured on pyoxigraph 0.5.13 in a forked
process with the default 8 MB stack (``ulimit -s``), the smallest crashing case of each kind was:

    ==========================================  ==========  ======================
    nesting or sequence                          survived    crashed the process
    ==========================================  ==========  ======================
    nested function calls ``STR(STR(…))``        300         1,000
    nested ``FILTER EXISTS { … }``               300         1,000
    nested groups ``{{…}}``, ``GRAPH ?g {…}``    1,000       3,000
    nested parentheses ``((…))``                 3,000       10,000
    ``UNION`` branches, ``OPTIONAL``s            3,000       10,000
    triple patterns (``.`` / ``;``)              3,000       10,000
    operators (``+``, ``||``, ``!``…)            3,000       10,000
    ==========================================  ==========  ======================

The limits below sit well inside what survived (a tenth of the nesting that crashed, a third of the
sequences that did); no query written by hand comes near them, so one that does is refused with 400
saying which limit it passed. It runs on the event loop for every query, so it is built from C-speed
passes (regular expressions, ``str.count``) rather than a Python tokenizer, which took 0.5 s for a
100,000-character query on the loaded 2-core machine: strings, IRIs and comments are blanked first, so
brackets inside them do not count; operators and ``.`` inside prefixed names may be over-counted, which
only matters past limits no real query reaches.
"""

from __future__ import annotations

import itertools
import re

from server.errors import QueryTooComplex

MAX_DEPTH = 100  # of ( { [ together; nested calls crashed at 1,000
# Strings (all four forms), IRIs and comments: blanked before counting, as the lexer would skip them.
_OPAQUE = re.compile(
    r"""'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"
      |<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n]*""",
    re.VERBOSE | re.DOTALL,
)
_NOT_BRACKET = re.compile(r"[^(){}\[\]]+")
_KEYWORDS = re.compile(r"(?<![\w?$:])(union|optional|minus|bind|filter)(?![\w:])", re.IGNORECASE)
OPERATORS = "!+-*/=<>|&^"
# Each sequence limit: what counts (keywords, or characters), and the most a query may have.
SEQUENCES: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("UNION, OPTIONAL and MINUS", ("union", "optional", "minus"), 1_000),
    ("BIND", ("bind",), 1_000),
    ("FILTER", ("filter",), 1_000),
)
CHARACTER_SEQUENCES: tuple[tuple[str, str, int], ...] = (
    ("triple patterns", ".;", 3_000),
    ("operators", OPERATORS, 3_000),
)


def check_complexity(text: str) -> None:
    """Raise QueryTooComplex when ``text`` nests deeper than MAX_DEPTH or passes a sequence limit."""
    plain = _OPAQUE.sub(" ", text)
    brackets = _NOT_BRACKET.sub("", plain)
    if len(brackets) > 2 * MAX_DEPTH:  # fewer cannot nest that deep
        deepest = max(itertools.accumulate(1 if c in "({[" else -1 for c in brackets))
        if deepest > MAX_DEPTH:
            raise QueryTooComplex(
                f"The query nests brackets {deepest} deep; this endpoint takes at most {MAX_DEPTH} (deeper "
                "nesting can crash the query engine). Flatten it, for example with fewer nested groups or "
                "function calls."
            )
    words = [w.lower() for w in _KEYWORDS.findall(plain)] if len(plain) > 4_000 else []
    for what, members, limit in SEQUENCES:
        _at_most(what, sum(words.count(m) for m in members), limit)
    for what, characters, limit in CHARACTER_SEQUENCES:
        _at_most(what, sum(plain.count(c) for c in characters), limit)


def _at_most(what: str, n: int, limit: int) -> None:
    if n > limit:
        raise QueryTooComplex(
            f"The query has {n} {what}; this endpoint takes at most {limit} in one query (longer chains can "
            "crash the query engine). Split it, or use VALUES for long lists of values."
        )
