"""The limits of a query over a remote store, against a stand-in store that misbehaves in every way
a real one can (tests/support/streaming_store.py): streaming forever, fast or slowly, never
answering, stopping the query at its own limit, refusing, answering garbage. Each is told apart
(status, message, the access log's ``timed_out``), the wall-clock limit covers the whole exchange,
and the answer is read as it streams, through the row cap and the byte cap."""

from __future__ import annotations

import hashlib
import json
import logging
import time

import pyoxigraph as ox
import pytest

from support.app import app_for
from support.streaming_store import StreamingStore

SELECT = "SELECT ?s WHERE { ?s ?p ?o } #stand-in:"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } #stand-in:"
JSON = "application/sparql-results+json"
CAP = 50


@pytest.fixture(scope="module")
def stand_in():
    with StreamingStore() as store:
        yield store


@pytest.fixture(scope="module")
def client(release, tmp_path_factory, stand_in):
    settings = {"STORE_URL": stand_in.url, "MAX_ROWS": CAP, "STORE_MAX_BYTES": 2_000_000}
    with app_for(release, tmp_path_factory.mktemp("stores"), **settings) as app:
        yield app.test_client()


def ask(client, mode: str, timeout: str = "2", query: str = SELECT, accept: str = JSON):
    """A GET of the query in ``mode`` with ``timeout``: the response and its seconds."""
    start = time.monotonic()
    response = client.get(
        "/sparql",
        query_string={"query": query + mode, "timeout": timeout},
        headers={"Accept": accept},
    )
    return response, time.monotonic() - start


def logged(caplog, mode: str, query: str = SELECT) -> dict:
    """The access-log line of the last request of ``query`` in ``mode``."""
    digest = hashlib.sha256((query + mode).encode()).hexdigest()[:16]
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "citykg.access"]
    return [line for line in lines if line.get("query_sha256") == digest][-1]


def test_an_endless_fast_answer_stops_at_the_row_cap(client, stand_in):
    """The rows are read as they come: the cap is reached, the connection closed, and only
    a few hundred kilobytes were sent (kernel buffers) of a stream that never ends."""
    response, seconds = ask(client, "endless-rows")
    assert response.status_code == 200
    assert response.headers["Citykg-Truncated"] == f"rows={CAP}"
    body = response.get_json()
    assert len(body["results"]["bindings"]) == CAP
    assert body["head"]["link"] == ["https://w3id.org/citykg/ontology#TruncatedResult"]
    assert stand_in.wait_ended("endless-rows")
    assert stand_in.sent["endless-rows"] < 8_000_000
    assert seconds < 2


def test_an_endless_graph_stops_at_the_row_cap(client, stand_in):
    response, _ = ask(client, "endless-triples", query=CONSTRUCT, accept="application/n-triples")
    assert response.status_code == 200
    triples = list(ox.parse(response.data, format=ox.RdfFormat.N_TRIPLES))
    assert len(triples) == CAP
    assert response.headers["Citykg-Truncated"] == f"rows={CAP}"
    assert stand_in.wait_ended("endless-triples")


def test_huge_rows_stop_at_the_byte_cap(client, stand_in):
    """Rows of 100 kB: CITYKG_STORE_MAX_BYTES (2 MB here) ends the reading long before the row
    cap; the rows read before it are sent, flagged as cut."""
    response, _ = ask(client, "huge-rows")
    assert response.status_code == 200
    rows = response.get_json()["results"]["bindings"]
    assert 5 <= len(rows) < 20
    assert all(len(row["s"]["value"]) == 100_000 for row in rows)
    assert response.headers["Citykg-Truncated"] == f"rows={len(rows)}"
    assert stand_in.wait_ended("huge-rows")
    assert stand_in.sent["huge-rows"] < 12_000_000


@pytest.mark.parametrize("mode", ["trickle", "silent", "slow-headers"])
def test_the_time_limit_covers_the_whole_exchange(client, stand_in, caplog, mode):
    """A store that sends a row every 0.2 s forever, one that never answers, and one that sends
    its headers a byte at a time: each is cut at the request's 0.5 s limit, answered 503 as a
    timeout, and logged with timed_out true."""
    with caplog.at_level(logging.INFO, logger="citykg.access"):
        response, seconds = ask(client, mode, timeout="0.5")
    assert response.status_code == 503
    assert "time limit" in response.get_data(as_text=True)
    assert 0.45 < seconds < 2.5
    line = logged(caplog, mode)
    assert line["timed_out"] is True and line["status"] == 503
    assert stand_in.wait_ended(mode)


@pytest.mark.parametrize("mode", ["store-timeout", "virtuoso-timeout", "anytime"])
def test_the_stores_own_time_limit_is_a_timeout(client, caplog, mode):
    """Fuseki's 503 "Query timed out", Virtuoso's S1T00 error, and Virtuoso's partial "anytime"
    answer (200 with X-SQL-State: S1TAT: never sent on as if whole) are timeouts."""
    with caplog.at_level(logging.INFO, logger="citykg.access"):
        response, _ = ask(client, mode)
    assert response.status_code == 503
    assert "stopped the query at its own time limit" in response.get_data(as_text=True)
    assert logged(caplog, mode)["timed_out"] is True


@pytest.mark.parametrize(
    ("mode", "status", "words"),
    [
        ("refuse", 502, "answered HTTP 500: internal failure in the store"),
        ("reject", 400, "the store refused the query: Parse error"),
        ("garbage", 502, "cannot be read"),
        ("garbage-midway", 502, "cannot be read"),
        ("html", 502, "answered text/html"),
        ("broken", 502, "broke off"),
    ],
)
def test_refusals_and_malformed_answers_say_what_they_are(client, caplog, mode, status, words):
    with caplog.at_level(logging.INFO, logger="citykg.access"):
        response, seconds = ask(client, mode)
    assert response.status_code == status
    assert words in response.get_data(as_text=True)
    assert "could not reach" not in response.get_data(as_text=True)
    assert logged(caplog, mode)["timed_out"] is False
    assert seconds < 2


def test_an_unreachable_store_is_unavailable(release, tmp_path):
    """A store that went away after citykg started: 503, "could not reach"."""
    store = StreamingStore()
    with app_for(release, tmp_path, STORE_URL=store.url) as app:
        store.close()
        response = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
    assert response.status_code == 503
    assert f"could not reach {store.url}" in response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["GET", "form POST", "form POST, timeout in the URL", "POST"])
def test_the_timeout_parameter_works_for_every_method(client, method):
    """``timeout=`` bounds a GET, a form POST (in its body or its URL) and a direct POST alike."""
    query, params = SELECT + "trickle", {"timeout": "0.3"}
    start = time.monotonic()
    if method == "GET":
        response = client.get("/sparql", query_string={"query": query, **params})
    elif method == "form POST":
        response = client.post("/sparql", data={"query": query, **params})
    elif method == "form POST, timeout in the URL":
        response = client.post("/sparql", query_string=params, data={"query": query})
    else:
        response = client.post(
            "/sparql", query_string=params, data=query, content_type="application/sparql-query"
        )
    seconds = time.monotonic() - start
    assert response.status_code == 503 and "time limit" in response.get_data(as_text=True)
    assert 0.25 < seconds < 2
