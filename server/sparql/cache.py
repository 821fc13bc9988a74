"""The result cache: finished responses kept in memory, keyed by query, dataset version and format.

A published dataset never changes under a reader, so an answer stays right for as long as its version is
served; the version is part of every key, and a new version simply stops matching the old entries. Entries
are evicted least recently used first, within a count and a byte budget.

Each answer is held once and counted once: its body, its gzip copy once one is made (the cache is told, so
the count follows what is really held), its headers and its key. A second key for the same answer (the
request as sent, which the edge can look up before parsing it) is an alias: it costs its own length and
goes with its entry. Keys hold negotiated media types, never a raw header, so a client that sends ten
thousand distinct ``Accept`` headers adds nothing.
"""

from __future__ import annotations

import gzip
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

GZIP_LEVEL = (
    5  # measured on a 1.2 MB JSON result: 9.9 ms (level 6: 17.8 ms, 9: 35 ms) for 0.8% more bytes than 9
)
ENTRY_OVERHEAD = 200  # bytes for the objects around an entry, beyond its body, headers and key


@dataclass(eq=False)
class CachedResponse:
    """A response ready to send again: body bytes and the headers that describe them."""

    body: bytes
    headers: list[tuple[bytes, bytes]]
    _gzipped: bytes | None = field(default=None, repr=False)
    on_grow: Callable[[CachedResponse, int], None] | None = field(default=None, repr=False)
    aliases: list[Hashable] = field(default_factory=list, repr=False)
    key: Hashable = field(default=None, repr=False)  # where the cache holding it keeps it

    def gzipped(self) -> bytes:
        """The body gzip-compressed, computed once (and then counted by the cache holding it)."""
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, GZIP_LEVEL, mtime=0)
            if self.on_grow is not None:
                self.on_grow(self, len(self._gzipped))
        return self._gzipped

    @property
    def size(self) -> int:
        """Bytes held now: body, gzip copy if made, headers."""
        held = len(self.body) + (len(self._gzipped) if self._gzipped is not None else 0)
        return held + sum(len(k) + len(v) for k, v in self.headers) + ENTRY_OVERHEAD


def key_size(key: Hashable) -> int:
    """The bytes a key's text and bytes hold (a query can be 100,000 characters)."""
    parts = key if isinstance(key, tuple) else (key,)
    total = 0
    for part in parts:
        if isinstance(part, str | bytes):
            total += len(part)
        elif isinstance(part, tuple):
            total += key_size(part)
        else:
            total += 8
    return total


class ResultCache:
    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Hashable, CachedResponse] = OrderedDict()
        self._charged: dict[Hashable, int] = {}  # key -> bytes counted for its entry and key
        self._aliases: dict[Hashable, Hashable] = {}  # alias -> key

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> CachedResponse | None:
        key = self._aliases.get(key, key)
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: Hashable, entry: CachedResponse) -> None:
        size = entry.size + key_size(key)
        if self.max_entries <= 0 or 2 * size > self.max_bytes // 4:  # one huge answer must not flush the rest
            return  # (twice the size: room for the gzip copy it may come to hold)
        if key in self._entries:
            self._drop(key)
        entry.on_grow, entry.key = self._grown, key
        self._entries[key] = entry
        self._charged[key] = size
        self.bytes += size
        self._evict()

    def alias(self, alias: Hashable, key: Hashable) -> None:
        """Let ``alias`` find the entry stored under ``key`` (nothing if there is none)."""
        entry = self._entries.get(key)
        if entry is None or alias in self._aliases or alias == key:
            return
        self._aliases[alias] = key
        entry.aliases.append(alias)
        cost = key_size(alias)
        self._charged[key] += cost
        self.bytes += cost
        self._evict()

    def _grown(self, entry: CachedResponse, added: int) -> None:
        key = entry.key
        if self._entries.get(key) is not entry:
            return  # evicted meanwhile: nothing to count
        self._charged[key] += added
        self.bytes += added
        self._evict()

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key)
        self.bytes -= self._charged.pop(key)
        for alias in entry.aliases:
            self._aliases.pop(alias, None)
        entry.aliases.clear()
        entry.on_grow = None

    def _evict(self) -> None:
        while self._entries and (len(self._entries) > self.max_entries or self.bytes > self.max_bytes):
            self._drop(next(iter(self._entries)))
