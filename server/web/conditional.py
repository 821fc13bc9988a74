"""Conditional requests, once (RFC 9110 §8.8 and §13): validators, and whether the client's copy is fresh.

Every response of a published version carries an ``ETag`` and a ``Last-Modified`` tied to that version
(the edge adds them where a route sets none); a ``GET`` or ``HEAD`` whose ``If-None-Match`` or
``If-Modified-Since`` shows the client already holds the representation is answered ``304 Not
Modified``. The edge, the resource pages and the dumps all ask :func:`is_fresh`, so the three agree:

- ``If-None-Match`` is a list of entity tags, or ``*``; it matches by the weak comparison (``W/"x"``
  equals ``"x"``), as §13.1.2 asks for this header;
- ``If-Modified-Since`` counts only without ``If-None-Match``, and a date that does not parse is
  ignored (§13.1.3); the copy is fresh when the representation changed no later than that date.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Mapping
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

# An entity tag: optional weakness, then an opaque string in quotes (which may hold commas).
_ENTITY_TAG = re.compile(r'\s*(?:W/)?"([^"]*)"\s*(?:,|$)')


def entity_tags(header: str) -> list[str]:
    """The opaque parts of the entity tags in an ``If-None-Match`` list (without ``W/`` and quotes)."""
    return _ENTITY_TAG.findall(header)


def opaque(etag: str) -> str:
    """``W/"abc"`` and ``"abc"`` -> ``abc``: what the weak comparison compares."""
    return etag.strip().removeprefix("W/").strip('"')


def is_fresh(if_none_match: str | None, if_modified_since: str | None, etag: str, modified: datetime) -> bool:
    """Whether the client's validators show it holds the representation tagged ``etag``, changed at
    ``modified``.

    For GET and HEAD requests only: the caller answers 304 when this is true.
    """
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        return opaque(etag) in entity_tags(if_none_match)
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None or modified.tzinfo is None:
        return False  # not an HTTP-date (those are always GMT)
    return modified.replace(microsecond=0) <= since


def request_is_fresh(headers: Mapping[str, str], etag: str, modified: datetime) -> bool:
    """:func:`is_fresh` with the validators of a request's headers (case-insensitive, as Starlette's are)."""
    return is_fresh(headers.get("if-none-match"), headers.get("if-modified-since"), etag, modified)


@functools.lru_cache(maxsize=8)
def http_date(moment: datetime) -> str:
    """``Last-Modified`` form of a time: ``Tue, 01 Dec 2026 20:40:27 GMT``."""
    return format_datetime(moment, usegmt=True)


@functools.lru_cache(maxsize=256)
def version_etag(version: str, content_type: bytes, encoding: bytes) -> bytes:
    """The edge's tag for a response of dataset ``version``: one per media type and content coding.

    Weak, because the edge may gzip a body, and both codings are the same representation for a cache.
    """
    variant = zlib.crc32(content_type + b"|" + encoding)
    return b'W/"%s-%08x"' % (version.encode(), variant)
