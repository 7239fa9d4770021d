"""The operator's view: structured access log, Prometheus metrics, health."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time

from citykg.serve.metrics import Metrics
from citykg.serve.services import services

from support.app import app_for

QUERY = "SELECT ?s WHERE { ?s a <https://schema.org/City> }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def metric(text: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.M)
    assert match, f"{name}{labels} not in metrics"
    return float(match.group(1))


def test_health(client, app):
    """Healthy; the query workers answer from the release in memory (the test release is far
    below CITYKG_MEMORY_STORE_MAX_MB), the web process reads the disk store."""
    deadline = time.monotonic() + 30
    while True:
        response = client.get("/health")
        assert response.status_code == 200
        body = response.get_json()
        assert body["status"] == "ok" and body["release"] == services(app).release.id
        workers = body["query_workers"]
        assert sum(workers.values()) == services(app).engine.pool.size
        loaded = workers.get("memory") == services(app).engine.pool.size
        if loaded or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert workers == {"memory": services(app).engine.pool.size, "busy": 0}
    assert body["store"] == "disk"
    city = client.get("/id/city/leipzig-deu", headers={"Accept": "text/turtle"})
    assert city.status_code == 200 and b"Leipzig" in city.data


def test_health_says_when_workers_stay_on_disk(release, stores):
    """A release above CITYKG_MEMORY_STORE_MAX_MB is queried on disk, and /health says so."""
    with app_for(release, stores, QUERY_WORKERS=2, MEMORY_STORE_MAX_MB=0) as app:
        body = app.test_client().get("/health").get_json()
        assert body["query_workers"] == {"disk": 2, "busy": 0}
        assert body["store"] == "disk"


def test_access_log_is_one_json_line_per_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="citykg.access"):
        client.get("/sparql", query_string={"query": QUERY, "x": "1"})
        client.get("/id/city/nope")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "citykg.access"]
    query_line, missing = lines[-2], lines[-1]
    assert query_line["path"] == "/sparql" and query_line["status"] == 200
    assert query_line["query_sha256"] == hashlib.sha256(QUERY.encode()).hexdigest()[:16]
    assert query_line["rows"] == 1 and query_line["truncated"] is False
    assert query_line["cache"] in ("hit", "miss") and query_line["duration_ms"] >= 0
    assert missing["status"] == 404 and "query_sha256" not in missing


def test_metrics(release, stores):
    with app_for(release, stores, QUERY_WORKERS=1, MAX_ROWS=2, QUERY_TIMEOUT=0.2) as app:
        client = app.test_client()
        client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
        client.get("/sparql", query_string={"query": RUNAWAY})
        service = "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"
        client.get("/sparql", query_string={"query": service})
        client.post("/sparql", data=b"#" * 70000, content_type="application/sparql-query")
        text = client.get("/metrics").get_data(as_text=True)
    assert metric(text, "citykg_requests_total", '{route="/sparql",status="200"}') == 1
    assert metric(text, "citykg_requests_total", '{route="/sparql",status="503"}') == 1
    assert metric(text, "citykg_query_timeouts_total") == 1
    assert metric(text, "citykg_query_truncations_total") == 1
    assert metric(text, "citykg_queries_rejected_total", '{reason="guard"}') == 1
    assert metric(text, "citykg_queries_rejected_total", '{reason="size"}') == 1
    assert metric(text, "citykg_request_duration_seconds_count") >= 4
    assert metric(text, "citykg_request_duration_seconds_bucket", '{le="+Inf"}') >= 4


def test_latency_histogram_is_cumulative():
    metrics = Metrics()
    for seconds in (0.001, 0.005, 0.02, 0.3, 100.0):
        metrics.observe("/sparql", 200, seconds)
    text = metrics.exposition()
    bucket = "citykg_request_duration_seconds_bucket"
    assert metric(text, bucket, '{le="0.005"}') == 2  # "le": at most the bound
    assert metric(text, bucket, '{le="0.01"}') == 2
    assert metric(text, bucket, '{le="0.025"}') == 3
    assert metric(text, bucket, '{le="0.5"}') == 4
    assert metric(text, bucket, '{le="60.0"}') == 4
    assert metric(text, bucket, '{le="+Inf"}') == 5
    assert metric(text, "citykg_request_duration_seconds_sum") == 100.326
