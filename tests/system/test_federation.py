"""Federation, offline: SERVICE to the allow-list only (a local Wikidata stand-in), nothing else
fetched (a canary must receive nothing), and citykg as a SERVICE target of Oxigraph server."""

from __future__ import annotations

import time
from importlib import resources

import pytest
import requests
from rdflib import Graph

from citykg.serve.guard import QueryRefused, check, inspect

from support.app import app_for
from support.processes import citykg_serve

WIKIDATA = "https://query.wikidata.org/sparql"
GRAPHS = {"https://w3id.org/citykg/graph/links"}


def example(name: str) -> str:
    return resources.files("citykg.serve").joinpath("examples", name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def federated(release, wikidata):
    """citykg serve with the Wikidata stand-in put on the allow-list by configuration."""
    base, server = citykg_serve(release, {"CITYKG_SERVICE_ALLOWLIST": f"{WIKIDATA} {wikidata}"})
    with server:
        yield base


def sparql(
    base: str, query: str, method: str = "GET", accept: str = "application/sparql-results+json"
) -> requests.Response:
    headers = {"Accept": accept}
    if method == "GET":
        return requests.get(f"{base}/sparql", params={"query": query}, headers=headers, timeout=30)
    return requests.post(
        f"{base}/sparql",
        data=query.encode(),
        timeout=30,
        headers={**headers, "Content-Type": "application/sparql-query"},
    )


def bindings(response: requests.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return [
        {k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]
    ]


# -- the guard, as a unit -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "services", "graphs"),
    [
        ("SELECT * { SERVICE <http://a/sparql> { ?s ?p ?o } }", ["http://a/sparql"], []),
        ("select * { service silent <http://a/sparql> { ?s ?p ?o } }", ["http://a/sparql"], []),
        (
            "PREFIX e: <http://a/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }",
            ["http://a/sparql"],
            [],
        ),
        ("BASE <http://a/x/> SELECT * { SERVICE <../sparql> {} }", ["http://a/sparql"], []),
        ("SELECT * { VALUES ?e { <http://a> } SERVICE ?e { } }", ["?e"], []),
        (
            "SELECT * FROM <file:///etc/passwd> FROM NAMED <http://b> { }",
            [],
            ["file:///etc/passwd", "http://b"],
        ),
        ('SELECT * { ?s ?p "SERVICE <http://x> FROM <http://y>" } # SERVICE <http://z>', [], []),
        (
            "PREFIX ex: <http://e/> SELECT * { ?s ex:SERVICE ?o . ?s <http://e/FROM> ?o }",
            [],
            [],
        ),
        ("SELECT (?a<?b AS ?c) { }", [], []),
    ],
)
def test_guard_reads_service_and_from(query, services, graphs):
    facts = inspect(query)
    assert facts.services == services and facts.from_graphs == graphs


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "SELECT * { SERVICE <http://evil/sparql> { ?s ?p ?o } }",
            "not on this server's allow-list",
        ),
        ("SELECT * { SERVICE ?x { ?s ?p ?o } }", "a variable SERVICE is not allowed"),
        ("SELECT * FROM <http://evil/data.ttl> { ?s ?p ?o }", "not a graph of this dataset"),
        ("SELECT * FROM NAMED <file:///etc/passwd> { GRAPH ?g { ?s ?p ?o } }", "not a graph"),
        ("SELECT * { SERVICE nope:x { } }", "prefix 'nope' is not declared"),
    ],
)
def test_guard_refuses(query, message):
    with pytest.raises(QueryRefused, match=message):
        check(query, [WIKIDATA], GRAPHS)


def test_guard_allows_listed_service_and_own_graphs():
    check(
        f"SELECT * FROM <{next(iter(GRAPHS))}> {{ SERVICE <{WIKIDATA}> {{ ?s ?p ?o }} }}",
        [WIKIDATA],
        GRAPHS,
    )


# -- outbound: SERVICE to the allow-list ------------------------------------------------------


def test_wikidata_example_joins_population_coordinates_head(federated, wikidata):
    query = example("05-wikidata-join.rq").replace(WIKIDATA, wikidata)
    rows = bindings(sparql(federated, query))
    assert rows == [
        {
            "name": "Leipzig",
            "wikidata": "http://www.wikidata.org/entity/Q2079",
            "population": "616093",
            "coordinates": "Point(12.3833 51.3333)",
            "head": "Burkhard Jung",
        }
    ]


def test_service_description_advertises_the_allow_list(federated, wikidata):
    response = requests.get(f"{federated}/sparql", headers={"Accept": "text/turtle"}, timeout=10)
    sd = Graph().parse(data=response.text, format="turtle")
    allowed = {
        str(o)
        for o in sd.objects(
            predicate=__import__("rdflib").URIRef("https://w3id.org/citykg/ontology#allowedService")
        )
    }
    assert allowed == {WIKIDATA, wikidata}
    assert "BasicFederatedQuery" in response.text


def test_nothing_else_is_fetched(federated, canary):
    target = canary.url
    queries = [
        f"SELECT * {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"PREFIX c: <http://127.0.0.1:{canary.port}/> SELECT * {{ SERVICE c:sparql {{ }} }}",
        f"SELECT * {{ VALUES ?e {{ <{target}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{target}> {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{target}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }",
        f"BASE <http://127.0.0.1:{canary.port}/x/> SELECT * {{ SERVICE <../sparql> {{ }} }}",
        f"ASK {{ SERVICE <{target}> {{ }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
    ]
    for query in queries:
        for method in ("GET", "POST"):
            response = sparql(federated, query, method, accept="*/*")
            assert response.status_code == 400, (query, response.text)
            assert "allow-list" in response.text or "not a graph" in response.text
    page = requests.get(f"{federated}/query", params={"query": queries[0]}, timeout=10)
    assert page.status_code == 400
    for update in (f"LOAD <{target}>", f"LOAD <{target}> INTO GRAPH <urn:g>"):
        response = requests.post(f"{federated}/sparql", data={"update": update}, timeout=10)
        assert response.status_code == 403
    time.sleep(0.5)
    assert canary.hits == []


# -- inbound: citykg as a SERVICE target --------------------------------------------------------


def test_oxigraph_server_calls_citykg_as_a_service(served, wikidata):
    query = f"""
        PREFIX schema: <https://schema.org/> PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX wdt: <http://www.wikidata.org/prop/direct/>
        SELECT ?name ?population WHERE {{
          SERVICE <{served}/sparql> {{ ?city a schema:City ; schema:name ?name ; owl:sameAs ?wd }}
          ?wd wdt:P1082 ?population .
        }}"""
    response = requests.get(
        wikidata,
        params={"query": query},
        timeout=30,
        headers={"Accept": "application/sparql-results+json"},
    )
    assert bindings(response) == [{"name": "Leipzig", "population": "616093"}]


def test_bound_join_with_many_values_stays_fast(served, capsys):
    iris = " ".join(f"<http://www.wikidata.org/entity/Q{2000 + i}>" for i in range(60))
    iris += " <http://www.wikidata.org/entity/Q2079>"
    query = f"""SELECT ?city ?wd WHERE {{ VALUES ?wd {{ {iris} }}
                 ?city <http://www.w3.org/2002/07/owl#sameAs> ?wd }}"""
    timings = []
    for _ in range(20):
        start = time.perf_counter()
        rows = bindings(sparql(served, query))
        timings.append(time.perf_counter() - start)
    assert rows == [
        {
            "city": "https://w3id.org/citykg/id/city/leipzig-deu",
            "wd": "http://www.wikidata.org/entity/Q2079",
        }
    ]
    timings.sort()
    with capsys.disabled():
        print(
            f"\nbound join, 61 VALUES: p50 {timings[10] * 1000:.1f} ms, "
            f"max {timings[-1] * 1000:.1f} ms over 20 requests"
        )


def test_canary_sees_a_call_that_is_allowed(release, tmp_path, canary):
    """Positive control: the canary does notice a SERVICE call when one is let through."""
    query = f"SELECT * {{ SERVICE SILENT <{canary.url}> {{ ?s ?p ?o }} }}"
    with app_for(release, tmp_path, SERVICE_ALLOWLIST=canary.url) as app:
        response = app.test_client().get("/sparql", query_string={"query": query})
    assert response.status_code == 200
    deadline = time.monotonic() + 5
    while not canary.hits and time.monotonic() < deadline:
        time.sleep(0.1)
    assert canary.hits and canary.hits[0].startswith((b"GET", b"POST"))
