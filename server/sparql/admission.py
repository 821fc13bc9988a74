"""Who may run a query now: one slot per query worker, a cap per client address, a bounded wait.

Without it one client could take every worker (three clients sending a heavy query every two seconds
kept a probe waiting 10 s) and an unbounded queue of waiting requests held their connections and memory.
So, per server process:

- a query takes one of ``slots`` (as many as the engine has workers) for as long as it runs;
- one client address holds at most ``per_client`` slots at once; its further queries wait, at most
  ``per_client`` or a quarter of ``max_waiting`` of them (whichever is more: a dashboard page asks for
  several charts at once), and past that it is answered 429 with ``Retry-After`` (0 turns the cap off);
- at most ``max_waiting`` queries wait for a slot, first come first served among the clients under
  their cap; past that, 503 with ``Retry-After``; a query that waits past its own time limit gets the
  usual timeout.

Engine-agnostic: an external engine behind the same facade takes the same slots (its connections).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter, deque
from collections.abc import AsyncIterator
from dataclasses import dataclass

from server.errors import Overloaded, QueryTimeout, TooManyRequests

RETRY_AFTER = 1  # seconds: queries here last milliseconds to a few seconds, so a second is a fair wait


@dataclass
class _Waiter:
    client: str
    future: asyncio.Future[None]


class Admission:
    def __init__(self, slots: int, per_client: int, max_waiting: int) -> None:
        self.slots = slots
        self.per_client = per_client
        self.waiting_per_client = max(per_client, max_waiting // 4)
        self.max_waiting = max_waiting
        self.free = slots
        self.held: Counter[str] = Counter()
        self.waiting: deque[_Waiter] = deque()
        self.refused = 0  # 429s and 503s given, for /metrics
        self.timeouts = 0  # queries whose time ran out while they waited

    def _capped(self, client: str) -> bool:
        return self.per_client > 0 and self.held[client] >= self.per_client

    @contextlib.asynccontextmanager
    async def slot(self, client: str, timeout: float) -> AsyncIterator[None]:
        """Hold a slot for ``client`` while the body runs; wait at most ``timeout`` seconds for it."""
        await self._acquire(client, timeout)
        try:
            yield
        finally:
            self._release(client)

    async def _acquire(self, client: str, timeout: float) -> None:
        if self.free > 0 and not self._capped(client):
            self._take(client)
            return
        mine = sum(w.client == client for w in self.waiting)
        if self.per_client > 0 and mine >= self.waiting_per_client:
            self.refused += 1
            raise TooManyRequests(
                f"This client address already runs {self.held[client]} queries and has "
                f"{mine} waiting, its share of this server (setting client_slots); wait for one "
                "to finish.",
                RETRY_AFTER,
            )
        if len(self.waiting) >= self.max_waiting:
            self.refused += 1
            raise Overloaded(
                f"{len(self.waiting)} queries are already waiting for a query worker (setting "
                "max_waiting); try again shortly.",
                RETRY_AFTER,
            )
        waiter = _Waiter(client, asyncio.get_running_loop().create_future())
        self.waiting.append(waiter)
        try:
            await asyncio.wait_for(waiter.future, timeout)
        except BaseException as e:
            if waiter.future.done() and not waiter.future.cancelled():
                self._release(client)  # granted at the last moment: give it back
            else:
                waiter.future.cancel()
                with contextlib.suppress(ValueError):
                    self.waiting.remove(waiter)
            if isinstance(e, TimeoutError):
                self.timeouts += 1
                raise QueryTimeout(
                    f"No query worker became free within the time limit of {timeout:g} s; the server is "
                    "busy, try again shortly."
                ) from None
            raise

    def _take(self, client: str) -> None:
        self.free -= 1
        self.held[client] += 1

    def _release(self, client: str) -> None:
        self.free += 1
        self.held[client] -= 1
        if self.held[client] <= 0:
            del self.held[client]
        for waiter in list(self.waiting):
            if self.free <= 0:
                break
            if waiter.future.done():
                self.waiting.remove(waiter)
            elif not self._capped(waiter.client):
                self.waiting.remove(waiter)
                self._take(waiter.client)
                waiter.future.set_result(None)
