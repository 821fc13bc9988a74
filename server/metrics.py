"""Counters and a latency histogram, rendered in the Prometheus text format (version 0.0.4).

Kept by hand rather than with a client library: a handful of numbers updated from one event loop.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable

# Seconds; from a cache hit (well under a millisecond) to the default query time limit.
BUCKETS: tuple[float, ...] = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    def __init__(self) -> None:
        self.requests: Counter[tuple[str, int]] = Counter()
        self.bucket_counts = [0] * (len(BUCKETS) + 1)
        self.latency_sum = 0.0
        self.latency_count = 0
        self.gauges: dict[str, tuple[str, Callable[[], float]]] = {}

    def observe(self, route: str, status: int, seconds: float) -> None:
        self.requests[(route, status)] += 1
        self.bucket_counts[bisect.bisect_left(BUCKETS, seconds)] += 1
        self.latency_sum += seconds
        self.latency_count += 1

    def gauge(self, name: str, help_text: str, read: Callable[[], float]) -> None:
        """Register a value read at render time (cache hits, timeouts, live workers…)."""
        self.gauges[name] = (help_text, read)

    def render(self) -> str:
        lines = [
            "# HELP smarthame_http_requests_total HTTP requests answered, by route and status.",
            "# TYPE smarthame_http_requests_total counter",
        ]
        for (route, status), n in sorted(self.requests.items()):
            lines.append(f'smarthame_http_requests_total{{route="{route}",status="{status}"}} {n}')
        lines += [
            "# HELP smarthame_http_request_duration_seconds Time from request to response.",
            "# TYPE smarthame_http_request_duration_seconds histogram",
        ]
        cumulative = 0
        for bound, n in zip([*BUCKETS, float("inf")], self.bucket_counts):
            cumulative += n
            le = "+Inf" if bound == float("inf") else f"{bound:g}"
            lines.append(f'smarthame_http_request_duration_seconds_bucket{{le="{le}"}} {cumulative}')
        lines.append(f"smarthame_http_request_duration_seconds_sum {self.latency_sum:.6f}")
        lines.append(f"smarthame_http_request_duration_seconds_count {self.latency_count}")
        for name, (help_text, read) in sorted(self.gauges.items()):
            kind = "counter" if name.endswith("_total") else "gauge"
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", f"{name} {read():g}"]
        return "\n".join(lines) + "\n"
