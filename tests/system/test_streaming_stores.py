"""The limits of a query over a remote store, with real processes: ``citykg serve`` in front of a
real Oxigraph server (which streams a result as it computes it, and past its own ``--timeout-s``
breaks off a result it has begun), and in front of the stand-in store that streams forever. The
web process's memory stays put while it reads an endless answer (the issue this answers saw it
grow by 24 MB/s)."""

from __future__ import annotations

import time

import pytest
import requests

from support.processes import citykg_serve, descendants, oxigraph_server, rss_kib
from support.streaming_store import StreamingStore

pytestmark = pytest.mark.system

CROSS = "{ GRAPH ?x { ?a ?b ?c } GRAPH ?y { ?d ?e ?f } GRAPH ?z { ?g ?h ?i } }"
RUNAWAY_ROWS = f"SELECT * WHERE {CROSS}"  # some 10^10 rows, streamed as they are found
RUNAWAY_COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {CROSS}"  # minutes before its one row
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def stores(release, tmp_path_factory):
    """Two Oxigraph servers holding the release: one with no limit of its own, one stopping
    queries after 1 s; their query URLs."""
    files = [release / "citykg.nq"]
    patient_url, patient = oxigraph_server(tmp_path_factory.mktemp("patient"), files)
    limited_url, limited = oxigraph_server(
        tmp_path_factory.mktemp("limited"), files, "--timeout-s", "1"
    )
    with patient, limited:
        yield patient_url, limited_url


@pytest.fixture(scope="module")
def over_patient(release, stores):
    base, server = citykg_serve(release, {"CITYKG_STORE_URL": stores[0]})
    with server as process:
        yield base, process


@pytest.fixture(scope="module")
def over_limited(release, stores):
    base, server = citykg_serve(release, {"CITYKG_STORE_URL": stores[1]})
    with server:
        yield base


def ask(base: str, query: str, timeout: str) -> tuple[requests.Response, float]:
    start = time.monotonic()
    response = requests.get(
        f"{base}/sparql",
        params={"query": query, "timeout": timeout},
        headers={"Accept": JSON},
        timeout=30,
    )
    return response, time.monotonic() - start


def tree_rss(pid: int) -> int:
    return rss_kib([pid, *descendants(pid)])


def test_a_runaway_stream_stops_at_the_row_cap(over_patient):
    """Oxigraph server streams billions of rows: citykg reads 10 001, answers 200 flagged as cut,
    hangs up, and its memory stays put."""
    base, process = over_patient
    ask(base, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "3")  # warm
    before = tree_rss(process.pid)
    for n in range(3):  # three queries: the same one would come from the cache
        response, _ = ask(base, f"{RUNAWAY_ROWS} OFFSET {n}", "10")
        assert response.status_code == 200
        assert response.headers["Citykg-Truncated"] == "rows=10000"
        assert len(response.json()["results"]["bindings"]) == 10000
    growth_mib = (tree_rss(process.pid) - before) / 1024
    assert growth_mib < 64, growth_mib


def test_a_runaway_count_is_stopped_at_the_requests_limit(over_patient):
    """A store with no limit of its own computes on; citykg answers 503 at the request's 2 s."""
    response, seconds = ask(over_patient[0], RUNAWAY_COUNT, "2")
    assert response.status_code == 503
    assert "ran past its time limit" in response.text
    assert 1.9 < seconds < 4


def test_the_stores_own_limit_is_reported_as_a_timeout(over_limited):
    """Oxigraph server past its --timeout-s breaks off the JSON it began ("The SPARQL operation
    has been cancelled"): a timeout of the store, not a malformed answer."""
    response, seconds = ask(over_limited, RUNAWAY_COUNT, "20")
    assert response.status_code == 503
    assert "stopped the query at its own time limit" in response.text
    assert seconds < 10


def test_memory_holds_while_a_store_streams_forever(release):
    """The stand-in sends 100 kB rows without end; with an 8 MB byte cap each answer stops at
    about 80 rows, and five of them leave the web process's memory where it was."""
    with StreamingStore() as stand_in:
        env = {"CITYKG_STORE_URL": stand_in.url, "CITYKG_STORE_MAX_BYTES": str(8 * 2**20)}
        base, server = citykg_serve(release, env)
        with server as process:
            ask(base, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "3")
            before = tree_rss(process.pid)
            for n in range(5):  # five queries: the same one would come from the cache
                query = f"SELECT ?s WHERE {{ ?s ?p {n} }} #stand-in:huge-rows"
                response, _ = ask(base, query, "10")
                assert response.status_code == 200
                rows = response.json()["results"]["bindings"]
                assert 40 < len(rows) < 90
                assert response.headers["Citykg-Truncated"] == f"rows={len(rows)}"
            growth_mib = (tree_rss(process.pid) - before) / 1024
        assert stand_in.wait_ended("huge-rows", 5), (stand_in.ended, stand_in.sent)
        assert stand_in.sent["huge-rows"] < 5 * 16 * 2**20
    assert growth_mib < 64, growth_mib
