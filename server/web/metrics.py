"""Counters and a latency histogram, rendered in the Prometheus text format (version 0.0.4).

Kept by hand rather than with a client library: a handful of numbers updated from one event loop. When
several server processes share the port (``server.web.serving``), each writes its numbers into its own slot
of a :class:`Board`, an anonymous shared mapping made before they fork, and ``/metrics`` renders the
sum of all slots, whichever process answers. Gauges (cache size, busy workers…) are copied into the slot
at each request the process finishes, so another process's gauges are as of its last request.
"""

from __future__ import annotations

import bisect
import mmap
from collections.abc import Callable

# Seconds; from a cache hit (well under a millisecond) to the default query time limit.
BUCKETS: tuple[float, ...] = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1,
    2.5,
    5,
    10,
    30,
)
ROUTES: tuple[str, ...] = ("/sparql", "/healthz", "/metrics", "/", "other")  # request counters' route label
_FIRST_STATUS, _STATUSES = 100, 500  # HTTP status codes 100-599
MAX_GAUGES = 16

# One slot: request counts by route and status, histogram buckets, latency sum and count, gauges.
_REQUESTS = 0
_BUCKET_AT = _REQUESTS + len(ROUTES) * _STATUSES
_SUM = _BUCKET_AT + len(BUCKETS) + 1
_COUNT = _SUM + 1
_GAUGE_AT = _COUNT + 1
_SLOT = _GAUGE_AT + MAX_GAUGES
_DOUBLE = 8  # every number is a float64: counts stay exact up to 2**53


def route_label(path: str) -> str:
    return path if path in ROUTES else "other"


class Board:
    """The numbers of ``processes`` server processes, one slot each, in memory they all share."""

    def __init__(self, processes: int = 1) -> None:
        self.processes = processes
        self._memory = mmap.mmap(-1, processes * _SLOT * _DOUBLE)  # anonymous and MAP_SHARED: fork keeps it
        self.values = memoryview(self._memory).cast("d")

    def slot(self, index: int) -> memoryview[float]:
        return self.values[index * _SLOT : (index + 1) * _SLOT]

    def totals(self) -> list[float]:
        total = [0.0] * _SLOT
        for index in range(self.processes):
            for i, value in enumerate(self.slot(index)):
                total[i] += value
        return total


class Metrics:
    def __init__(self, board: Board | None = None, slot: int = 0) -> None:
        self.board = board or Board()
        self.values = self.board.slot(slot)
        self.gauges: dict[str, tuple[str, Callable[[], float]]] = {}

    def observe(self, route: str, status: int, seconds: float) -> None:
        values = self.values
        values[
            _REQUESTS + ROUTES.index(route) * _STATUSES + min(max(status - _FIRST_STATUS, 0), _STATUSES - 1)
        ] += 1
        values[_BUCKET_AT + bisect.bisect_left(BUCKETS, seconds)] += 1
        values[_SUM] += seconds
        values[_COUNT] += 1
        self._publish_gauges()

    def gauge(self, name: str, help_text: str, read: Callable[[], float]) -> None:
        """Register a value read at render time (cache hits, timeouts, live workers…)."""
        if name not in self.gauges and len(self.gauges) == MAX_GAUGES:
            raise ValueError(f"at most {MAX_GAUGES} gauges fit in a metrics slot")
        self.gauges[name] = (help_text, read)

    def _publish_gauges(self) -> None:
        for i, (_, read) in enumerate(self.gauges.values()):
            self.values[_GAUGE_AT + i] = read()

    def render(self) -> str:
        self._publish_gauges()
        total = self.board.totals()
        lines = [
            "# HELP smarthame_http_requests_total HTTP requests answered, by route and status.",
            "# TYPE smarthame_http_requests_total counter",
        ]
        for r, route in sorted(enumerate(ROUTES), key=lambda item: item[1]):
            for s in range(_STATUSES):
                n = total[_REQUESTS + r * _STATUSES + s]
                if n:
                    lines.append(
                        f'smarthame_http_requests_total{{route="{route}",status="{s + _FIRST_STATUS}"}} '
                        f"{n:.0f}"
                    )
        lines += [
            "# HELP smarthame_http_request_duration_seconds Time from request to response.",
            "# TYPE smarthame_http_request_duration_seconds histogram",
        ]
        cumulative = 0.0
        for i, bound in enumerate([*BUCKETS, float("inf")]):
            cumulative += total[_BUCKET_AT + i]
            le = "+Inf" if bound == float("inf") else f"{bound:g}"
            lines.append(f'smarthame_http_request_duration_seconds_bucket{{le="{le}"}} {cumulative:.0f}')
        lines.append(f"smarthame_http_request_duration_seconds_sum {total[_SUM]:.6f}")
        lines.append(f"smarthame_http_request_duration_seconds_count {total[_COUNT]:.0f}")
        gauges = {
            name: (help_text, total[_GAUGE_AT + i])
            for i, (name, (help_text, _)) in enumerate(self.gauges.items())
        }
        for name, (help_text, value) in sorted(gauges.items()):
            kind = "counter" if name.endswith("_total") else "gauge"
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", f"{name} {_number(value)}"]
        return "\n".join(lines) + "\n"


def _number(value: float) -> str:
    return f"{value:.0f}" if value.is_integer() else repr(value)
