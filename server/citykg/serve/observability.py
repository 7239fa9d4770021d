"""What the server tells its operator: a structured access log, Prometheus metrics, health.

Each request is logged as one JSON line on the ``citykg.access`` logger (method, path, status,
duration, bytes, and for queries the SHA-256 prefix of the query text, rows, truncated, timed out,
cache). ``/metrics`` exposes counters and a latency histogram in the Prometheus text format
(https://prometheus.io/docs/instrumenting/exposition_formats/); counts are per server process.
``/health`` answers 200 when the store answers a query.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import logging
import threading
import time
from collections import Counter

from flask import Blueprint, Flask, Response, current_app, g, request

ACCESS_LOG = logging.getLogger("citykg.access")
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

bp = Blueprint("observability", __name__)


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


def note_query(query: str, **facts: object) -> None:
    """Attach a query's facts to this request's access-log line."""
    g.query_facts = {"query_sha256": hashlib.sha256(query.encode()).hexdigest()[:16], **facts}


def install(app: Flask) -> None:
    """Time every request, log it, count it."""
    app.config["metrics"] = Metrics()

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        seconds = time.perf_counter() - g.get("started", time.perf_counter())
        route = request.url_rule.rule if request.url_rule else "unmatched"
        app.config["metrics"].observe(route, response.status_code, seconds)
        line = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 2),
            "bytes": response.calculate_content_length(),
            **g.get("query_facts", {}),
        }
        ACCESS_LOG.info(json.dumps(line))
        return response


@bp.route("/metrics", methods=["GET"])
def metrics() -> Response:
    """Counters and the latency histogram of this server process."""
    body = current_app.config["metrics"].exposition()
    return Response(body, content_type="text/plain; version=0.0.4; charset=utf-8")


@bp.route("/health", methods=["GET"])
def health() -> Response:
    """200 when the store answers ``ASK {}``; 503 otherwise. Also says where this process reads
    pages and documents from (``store``) and where the idle query workers answer from:
    ``memory`` once their copy of the release is loaded, else ``disk`` (or ``remote``), and the
    memory allocator they run with (see allocator.py)."""
    release = current_app.config["release"].id
    store = current_app.config["store"]
    try:
        ok = bool(store.query("ASK {}"))
    except OSError:
        ok = False
    workers, allocators = current_app.config["executor"].worker_status()
    body = json.dumps(
        {
            "status": "ok" if ok else "unavailable",
            "release": release,
            "store": store.location,
            "query_workers": workers,
            "query_worker_allocators": allocators,
        }
    )
    return Response(body, status=200 if ok else 503, content_type="application/json")
