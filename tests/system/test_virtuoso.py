"""citykg in front of Virtuoso Open Source 7 (tests/support/virtuoso.py): the release
bulk-loaded into a real Virtuoso process with the script of docs/remote-stores.md, citykg serve
querying its /sparql in the ``virtuoso`` dialect, then the checks test_remote.py makes against
Oxigraph server: the conformance checks of tests/support/conformance and the facts of Leipzig,
each compared with the embedded store."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
import requests

from support.conformance import LINKED_DATA, PROTOCOL, SITE, Endpoint, Resource, Site
from support.processes import citykg_serve
from support.remote_checks import (
    pages_and_documents_work,
    same_fragments,
    same_ranked_activities,
)
from support.virtuoso import virtuoso

pytestmark = pytest.mark.system

CITY = Resource("city", "/id/city/leipzig-deu", "https://w3id.org/citykg/id/city/leipzig-deu")


@pytest.fixture(scope="module")
def store(release, tmp_path_factory):
    """Virtuoso holding the release; its query URL."""
    with virtuoso(release, tmp_path_factory.mktemp("virtuoso")) as url:
        yield url


@pytest.fixture(scope="module")
def fronted(release, store):
    """citykg serve with every query answered by Virtuoso."""
    env = {"CITYKG_STORE_URL": store, "CITYKG_STORE_DIALECT": "virtuoso"}
    base, server = citykg_serve(release, env)
    with server:
        yield base


def _count(url: str, query: str, **dataset: str) -> int:
    response = requests.post(
        url,
        data={"query": query, **dataset},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert response.ok, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_the_store_holds_the_release(store, release):
    """Every graph of citykg.nq with its quads, the VoID as graph/dataset and the publish
    marker, and nothing else the anonymous user can see (Virtuoso's own graphs are private)."""
    quads = list(ox.parse(path=str(release / "citykg.nq"), format=ox.RdfFormat.N_QUADS))
    void = list(ox.parse(path=str(release / "void.ttl"), format=ox.RdfFormat.TURTLE))
    graphs = {q.graph_name for q in quads}
    named = "SELECT (COUNT(DISTINCT ?g) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    assert _count(store, named) == len(graphs) + 2
    everything = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    assert _count(store, everything) == len(quads) + len(void) + 1


def test_default_graph_is_the_data_as_embedded(fronted, served):
    """The default graph holds the data once, GRAPH reaches every graph (the publish marker
    aside), named-graph-uri alone leaves the default graph empty: as the embedded store
    answers."""
    queries = [
        ('SELECT ?s ?p WHERE { ?s ?p "Leipzig" }', {}),
        ('SELECT ?g WHERE { GRAPH ?g { ?s ?p "Leipzig" } } ORDER BY ?g', {}),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {}),
        (  # the publish marker is not in the release
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            "FILTER (?g != <https://w3id.org/citykg/graph/published>) }",
            {},
        ),
        (
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            {"named-graph-uri": "https://w3id.org/citykg/graph/statistics"},
        ),
    ]
    differ = []
    for query, dataset in queries:
        remote, embedded = (
            requests.get(f"{base}/sparql", params={"query": query, **dataset}, timeout=30).json()
            for base in (fronted, served)
        )
        if remote != embedded:
            differ.append((query, dataset, remote, embedded))
    assert differ == []


def test_same_answers_as_the_embedded_store(fronted, served):
    same_ranked_activities(fronted, served)


def test_fragments_page_as_on_the_embedded_store(fronted, served):
    same_fragments(fronted, served)


def test_pages_and_documents_work_on_virtuoso(fronted):
    pages_and_documents_work(fronted)


def test_the_vocabulary_page_differs_only_in_literal_forms(fronted, served):
    """The vocabulary page over Virtuoso is the embedded one but for the lexical forms each
    store gives literals: Virtuoso writes ``"true"^^xsd:boolean`` as ``1``; Oxigraph keeps an
    ``xsd:positiveInteger`` as an ``xsd:integer`` (same values, docs/remote-stores.md)."""
    remote, embedded = (
        requests.get(f"{base}/ontology", headers={"Accept": "text/html"}, timeout=30)
        for base in (fronted, served)
    )
    assert (remote.status_code, embedded.status_code) == (200, 200)
    assert "Example from Leipzig" in remote.text
    assert remote.text != embedded.text
    as_embedded = re.sub(r"&#34;(\d+)&#34;\^\^xsd:positiveInteger", r"\1", remote.text)
    xsd = "@prefix xsd: &lt;http://www.w3.org/2001/XMLSchema#&gt; .\n"
    as_embedded = as_embedded.replace(xsd, "")
    required = "<code>qb:componentRequired</code></a></dt><dd>"  # a boolean annotation
    as_embedded = as_embedded.replace(required + "1<", required + "true<")
    assert as_embedded == embedded.text.replace(xsd, "")  # the prefix, declared where used


@pytest.fixture(scope="module")
def virtuoso_endpoint(fronted):
    """The query endpoint of citykg in front of Virtuoso."""
    return Endpoint(f"{fronted}/sparql")


@pytest.fixture(scope="module")
def virtuoso_site(fronted):
    """citykg in front of Virtuoso, as a linked-data client sees it."""
    return Site(fronted)


@pytest.mark.parametrize("check", PROTOCOL.values(), ids=PROTOCOL.keys())
def test_protocol_on_virtuoso(virtuoso_endpoint, check):
    check(virtuoso_endpoint)


@pytest.mark.parametrize("check", LINKED_DATA.values(), ids=LINKED_DATA.keys())
def test_linked_data_on_virtuoso(virtuoso_site, check):
    check(virtuoso_site, CITY)


@pytest.mark.parametrize("check", SITE.values(), ids=SITE.keys())
def test_site_on_virtuoso(virtuoso_site, check):
    check(virtuoso_site)
