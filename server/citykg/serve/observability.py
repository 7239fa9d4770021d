"""What the server tells its operator: a structured access log, Prometheus metrics, health.

Each request is logged as one JSON line on the ``citykg.access`` logger (method, path, status,
duration, bytes, and for queries the SHA-256 prefix of the query text, rows, truncated, timed out,
cache). ``/metrics`` exposes counters and a latency histogram in the Prometheus text format
(https://prometheus.io/docs/instrumenting/exposition_formats/); counts are per server process.
``/health`` answers 200 when the store answers a query.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time

from flask import Blueprint, Flask, Response, g, request

from citykg.serve.services import services

ACCESS_LOG = logging.getLogger("citykg.access")

bp = Blueprint("observability", __name__)


def note_query(query: str, **facts: object) -> None:
    """Attach a query's facts to this request's access-log line."""
    g.query_facts = {"query_sha256": hashlib.sha256(query.encode()).hexdigest()[:16], **facts}


def install(app: Flask) -> None:
    """Time every request, log it, count it."""

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        seconds = time.perf_counter() - g.get("started", time.perf_counter())
        route = request.url_rule.rule if request.url_rule else "unmatched"
        services(app).metrics.observe(route, response.status_code, seconds)
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
    body = services().metrics.exposition()
    return Response(body, content_type="text/plain; version=0.0.4; charset=utf-8")


@bp.route("/health", methods=["GET"])
def health() -> Response:
    """200 when the store answers ``ASK {}``; 503 otherwise. Also says where this process reads
    pages and documents from (``store``) and where the idle query workers answer from:
    ``memory`` once their copy of the release is loaded, else ``disk`` (or ``remote``), and the
    memory allocator they run with (see allocator.py)."""
    status = services().engine.status()
    body = json.dumps(
        {
            "status": "ok" if status.ok else "unavailable",
            "release": services().release.id,
            "store": status.store,
            "query_workers": status.workers,
            "query_worker_allocators": status.allocators,
        }
    )
    return Response(body, status=200 if status.ok else 503, content_type="application/json")
