"""One client floods the endpoint with heavy queries; another keeps getting answers.

A real ``citykg serve`` on 127.0.0.1 with its default fair share, save a smaller query-time
budget so that the flood meets it within the test; the flooder comes from 127.0.0.2, the other
client from 127.0.0.3. Every loop stops at a deadline."""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter

import requests

from support.clients import client_from
from support.processes import citykg_serve

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SIMPLE = "SELECT ?name WHERE { ?city <https://schema.org/name> ?name } LIMIT 1"
FLOODERS = 8
FLOOD_S = 12.0
P99_BOUND_S = 0.2  # the bound for the other client's simple queries


def test_a_flooding_client_gets_429_and_another_keeps_its_answers(release, capsys):
    settings = {"CITYKG_QUERY_TIMEOUT": "3", "CITYKG_CLIENT_QUERY_SECONDS": "10"}
    base, server = citykg_serve(release, settings)
    flooder, other = client_from("127.0.0.2"), client_from("127.0.0.3")
    flood: Counter[str] = Counter()
    lock = threading.Lock()
    with server:
        url = f"{base}/sparql"
        deadline = time.monotonic() + FLOOD_S

        def flood_loop() -> None:
            while time.monotonic() < deadline:
                response = flooder.get(url, params={"query": HEAVY}, timeout=30)
                key = str(response.status_code)
                if response.status_code == 429:
                    assert int(response.headers["Retry-After"]) >= 1
                    key += " budget" if "query time" in response.text else " concurrency"
                with lock:
                    flood[key] += 1

        threads = [threading.Thread(target=flood_loop) for _ in range(FLOODERS)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)  # the flood is under way
        latencies, statuses = [], Counter()
        while time.monotonic() < deadline:
            start = time.perf_counter()
            response = other.get(url, params={"query": SIMPLE}, timeout=30)
            latencies.append(time.perf_counter() - start)
            statuses[response.status_code] += 1
            time.sleep(0.02)
        page = flooder.get(f"{base}/id/city/leipzig-deu", headers={"Accept": "text/html"})
        dump = flooder.get(f"{base}/dumps/citykg.nt.gz", timeout=30)
        for thread in threads:
            thread.join(timeout=60)
        metrics = requests.get(f"{base}/metrics", timeout=10).text
    latencies.sort()
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    with capsys.disabled():
        print(
            f"\nflood of {FLOODERS} heavy queries at once for {FLOOD_S:g} s: flooder "
            f"{dict(sorted(flood.items()))}; other client {sum(statuses.values())} simple "
            f"queries, p50 {statistics.median(latencies) * 1000:.1f} ms, "
            f"p99 {p99 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms"
        )
    assert statuses == {200: len(latencies)}, statuses
    assert p99 < P99_BOUND_S
    assert flood["429 concurrency"] > 0 and flood["429 budget"] > 0, flood
    assert page.status_code == 200 and dump.status_code == 200  # pages and dumps are not queries
    assert 'citykg_queries_rejected_total{reason="client-concurrency"}' in metrics
    assert 'citykg_queries_rejected_total{reason="client-budget"}' in metrics
