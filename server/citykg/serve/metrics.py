"""Counters and a latency histogram of one server process, in the Prometheus text format
(https://prometheus.io/docs/instrumenting/exposition_formats/)."""

from __future__ import annotations

import bisect
import itertools
import threading
from collections import Counter

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    """Thread-safe counters and a latency histogram."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[tuple[str, int]] = Counter()
        self.within: list[int] = [0] * len(BUCKETS)  # requests whose first bucket is this one
        self.duration_sum = 0.0
        self.duration_count = 0
        self.events: Counter[str] = Counter()
        self.rejected: Counter[str] = Counter()

    def observe(self, route: str, status: int, seconds: float) -> None:
        """Count a finished request."""
        with self._lock:
            self.requests[(route, status)] += 1
            self.duration_sum += seconds
            self.duration_count += 1
            first = bisect.bisect_left(BUCKETS, seconds)
            if first < len(BUCKETS):
                self.within[first] += 1

    def count(self, event: str, reason: str | None = None) -> None:
        """Count a query event: ``timeout``, ``truncated`` or ``rejected`` (with a reason)."""
        with self._lock:
            if event == "rejected":
                self.rejected[reason or "other"] += 1
            else:
                self.events[event] += 1

    def exposition(self) -> str:
        """The Prometheus text format."""
        with self._lock:
            lines = [
                "# HELP citykg_requests_total HTTP requests by route and status.",
                "# TYPE citykg_requests_total counter",
            ]
            lines += [
                f'citykg_requests_total{{route="{route}",status="{status}"}} {n}'
                for (route, status), n in sorted(self.requests.items())
            ]
            lines += [
                "# HELP citykg_request_duration_seconds Time to answer a request.",
                "# TYPE citykg_request_duration_seconds histogram",
            ]
            lines += [
                f'citykg_request_duration_seconds_bucket{{le="{b}"}} {n}'
                for b, n in zip(BUCKETS, itertools.accumulate(self.within), strict=True)
            ]
            lines += [
                f'citykg_request_duration_seconds_bucket{{le="+Inf"}} {self.duration_count}',
                f"citykg_request_duration_seconds_sum {self.duration_sum:.6f}",
                f"citykg_request_duration_seconds_count {self.duration_count}",
            ]
            for event, name, help_text in (
                ("timeout", "citykg_query_timeouts_total", "Queries stopped at their time limit."),
                ("truncated", "citykg_query_truncations_total", "Answers cut at the row cap."),
            ):
                lines += [
                    f"# HELP {name} {help_text}",
                    f"# TYPE {name} counter",
                    f"{name} {self.events[event]}",
                ]
            lines += [
                "# HELP citykg_queries_rejected_total Queries refused before the engine.",
                "# TYPE citykg_queries_rejected_total counter",
            ]
            lines += [
                f'citykg_queries_rejected_total{{reason="{r}"}} {n}'
                for r, n in sorted(self.rejected.items())
            ]
            return "\n".join(lines) + "\n"
