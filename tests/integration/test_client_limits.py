"""Each client's fair share at the endpoint: 429 with Retry-After past a limit, before the query
reaches a worker; other clients, pages and the service description as they were."""

from __future__ import annotations

import re
import threading
import time

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from citykg.contract.iris import CITYKG, PREFIXES
from citykg.serve.services import services

from support.app import app_for

ASK = "ASK { ?s ?p ?o }"
INTEGER, DECIMAL = (URIRef(PREFIXES["xsd"] + t) for t in ("integer", "decimal"))
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def app(release, stores):
    settings = {
        "QUERY_WORKERS": 2,
        "CLIENT_QUERIES": 1,
        "CLIENT_QUEUE": 0,  # refused at once; the waiting test gives its client a queue
        "CLIENT_QUERY_SECONDS": 0.9,
    }
    with app_for(release, stores, **settings) as limited:
        yield limited


def ask(app, address: str, query: str = ASK, forwarded_for: str | None = None, **params):
    headers = {"Accept": "application/sparql-results+json"}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    return app.test_client().get(
        "/sparql",
        query_string={"query": query, **params},
        headers=headers,
        environ_base={"REMOTE_ADDR": address},
    )


def metric(app, reason: str) -> float:
    text = app.test_client().get("/metrics").get_data(as_text=True)
    found = re.search(rf'^citykg_queries_rejected_total{{reason="{reason}"}} (\S+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


def test_a_client_past_its_concurrent_queries_gets_429_and_others_do_not(app):
    before = metric(app, "client-concurrency")
    with services(app).fair_share.admit("192.0.2.1"):  # a query of this client is running
        refused = ask(app, "192.0.2.1")
        assert ask(app, "192.0.2.2").status_code == 200
        page = app.test_client().get(
            "/id/city/leipzig-deu",
            headers={"Accept": "text/html"},
            environ_base={"REMOTE_ADDR": "192.0.2.1"},
        )
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert "the most one client may run at once" in refused.get_data(as_text=True)
    assert page.status_code == 200  # pages are not queries
    assert ask(app, "192.0.2.1").status_code == 200  # its query ended: its place is free
    assert metric(app, "client-concurrency") == before + 1


def test_a_query_waits_for_its_client_s_running_one_to_end(app, monkeypatch):
    share = services(app).fair_share
    monkeypatch.setattr(share, "queue", 1)
    monkeypatch.setattr(share, "wait_s", 10.0)
    answers = []
    with share.admit("192.0.2.5"):
        waiting = threading.Thread(target=lambda: answers.append(ask(app, "192.0.2.5")))
        waiting.start()
        time.sleep(0.2)  # it waits: its client's one place is taken
        assert not answers
    waiting.join(timeout=10)
    assert [a.status_code for a in answers] == [200]


def test_a_client_past_its_query_time_gets_429_until_the_time_is_back(app):
    before = metric(app, "client-budget")
    stopped = ask(app, "192.0.2.3", RUNAWAY, timeout="1")
    assert stopped.status_code == 503  # one second charged, more than the budget
    refused = ask(app, "192.0.2.3")
    assert refused.status_code == 429
    assert 55 <= int(refused.headers["Retry-After"]) <= 60
    assert "used its 0.9 s of query time for the last minute" in refused.get_data(as_text=True)
    assert ask(app, "192.0.2.4").status_code == 200
    assert metric(app, "client-budget") == before + 1


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(app):
    with services(app).fair_share.admit("198.51.100.1"):
        # the test client is 127.0.0.1, a trusted proxy by default
        assert ask(app, "127.0.0.1", forwarded_for="198.51.100.1").status_code == 429
        assert ask(app, "127.0.0.1", forwarded_for="198.51.100.2").status_code == 200
        # a peer that is not a trusted proxy is the client, whatever it forwards
        assert ask(app, "192.0.2.9", forwarded_for="198.51.100.1").status_code == 200


def test_the_service_description_states_the_limits(app):
    response = app.test_client().get("/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    [service] = graph.subjects(URIRef(CITYKG + "concurrentQueriesPerClient"), None)
    assert graph.value(service, URIRef(CITYKG + "concurrentQueriesPerClient")) == Literal(
        1, datatype=INTEGER
    )
    seconds = graph.value(service, URIRef(CITYKG + "querySecondsPerClientPerMinute"))
    assert seconds == Literal("0.9", datatype=DECIMAL)
    notes = [str(c) for c in graph.objects(service, RDFS.comment)]
    assert any("at most 1 query at once and at most 0.9 s of query time" in n for n in notes)


def test_a_search_counts_as_a_query_of_its_client(app):
    with services(app).fair_share.admit("192.0.2.7"):  # a query of this client is running
        refused = app.test_client().get(
            "/search", query_string={"q": "Leipzig"}, environ_base={"REMOTE_ADDR": "192.0.2.7"}
        )
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    searched = app.test_client().get(
        "/search", query_string={"q": "Leipzig"}, environ_base={"REMOTE_ADDR": "192.0.2.7"}
    )
    assert searched.status_code == 200
