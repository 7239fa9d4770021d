"""citykg in front of a remote SPARQL 1.1 store: a real Oxigraph server process, the release
published into it with the Graph Store Protocol, then the same checks as the embedded default
(the conformance checks of tests/support/conformance among them).
The store is asked for no union default graph: publish gives it a real default graph, the data."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from citykg.cli import main
from citykg.contract.iris import PUBLISHED_GRAPH

from support.conformance import LINKED_DATA, PROTOCOL, SITE, Endpoint, Resource, Site
from support.processes import citykg_serve, free_port, running
from support.project import ROOT
from support.remote_checks import (
    pages_and_documents_work,
    same_fragments,
    same_ranked_activities,
)

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
CITY = Resource("city", "/id/city/leipzig-deu", "https://w3id.org/citykg/id/city/leipzig-deu")


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """A read-write Oxigraph server on 127.0.0.1; its base URL."""
    port = free_port()
    exe = str(Path(sys.executable).parent / "oxigraph")
    location = tmp_path_factory.mktemp("oxigraph") / "db"
    base = f"http://127.0.0.1:{port}"
    with running(
        [exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        f"{base}/query?query=ASK%7B%7D",
    ):
        yield base


@pytest.fixture(scope="module")
def fronted(release, oxigraph):
    """citykg serve with the release published into, and queried from, the Oxigraph server."""
    build_dir = release.parent.parent
    assert (
        main(
            [
                "publish",
                "--project",
                str(ROOT),
                "--build-dir",
                str(build_dir),
                "--graph-store",
                f"{oxigraph}/store",
            ]
        )
        == 0
    )
    base, server = citykg_serve(release, {"CITYKG_STORE_URL": f"{oxigraph}/query"})
    with server:
        yield base


def _count(oxigraph: str, query: str) -> int:
    response = requests.get(
        f"{oxigraph}/query",
        timeout=10,
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_publish_puts_every_graph(fronted, oxigraph, release):
    """Every graph of the release (the source-line graphs too) with all its quads, plus its VoID
    as the dataset graph and the marker naming the release; and the default graph: the dump
    and the VoID."""
    quads = list(ox.parse(path=str(release / "citykg.nq"), format=ox.RdfFormat.N_QUADS))
    void = list(ox.parse(path=str(release / "void.ttl"), format=ox.RdfFormat.TURTLE))
    with gzip.open(release / "citykg.nt.gz") as dump:
        data = list(ox.parse(dump, format=ox.RdfFormat.N_TRIPLES))
    graphs = {q.graph_name for q in quads}
    named = "SELECT (COUNT(DISTINCT ?g) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    assert _count(oxigraph, named) == len(graphs) + 2
    in_graphs = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    assert _count(oxigraph, in_graphs) == len(quads) + len(void) + 1
    marker = requests.get(
        f"{oxigraph}/store",
        params={"graph": PUBLISHED_GRAPH},
        headers={"Accept": "application/n-triples"},
        timeout=10,
    ).text
    assert marker.split() == [
        "<https://w3id.org/citykg/dataset>",
        "<http://www.w3.org/ns/dcat#hasCurrentVersion>",
        f"<https://w3id.org/citykg/releases/{release.name}/>",
        ".",
    ]
    assert _count(oxigraph, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == len(data) + len(void)


def test_publish_replace_leaves_only_the_release(fronted, oxigraph, release, capsys):
    """Source-line graphs are added with a POST; --replace first replaces the whole dataset, so
    a graph the release does not have (left by an earlier one) is gone."""
    stale = "https://w3id.org/citykg/graph/profile/leipzig-deu/2020/line/99999"
    response = requests.post(
        f"{oxigraph}/store",
        data=f"<urn:x:s> <urn:x:p> <urn:x:o> <{stale}> .\n".encode(),
        headers={"Content-Type": "application/n-quads"},
        timeout=10,
    )
    assert response.ok
    ask = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{stale}> {{ ?s ?p ?o }} }}"
    assert _count(oxigraph, ask) == 1
    publish = ["publish", "--project", str(ROOT), "--build-dir", str(release.parent.parent)]
    assert main([*publish, "--graph-store", f"{oxigraph}/store"]) == 0
    assert _count(oxigraph, ask) == 1  # added to, not replaced
    assert main([*publish, "--graph-store", f"{oxigraph}/store", "--replace"]) == 0
    assert _count(oxigraph, ask) == 0
    assert "published the default graph" in capsys.readouterr().out


def test_default_graph_is_the_data_as_embedded(fronted, served):
    """Without a union parameter the remote store answers as the embedded one: the default
    graph holds the data once, GRAPH reaches every graph (and, there only, the marker
    citykg publish writes), named-graph-uri alone leaves the default graph empty."""
    city = "https://w3id.org/citykg/id/city/leipzig-deu"
    queries = [
        ('SELECT ?s ?p WHERE { ?s ?p "Leipzig" }', {}),
        ('SELECT ?g WHERE { GRAPH ?g { ?s ?p "Leipzig" } } ORDER BY ?g', {}),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {}),
        (
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            {"named-graph-uri": "https://w3id.org/citykg/graph/statistics"},
        ),
    ]
    for query, dataset in queries:
        answers = [
            requests.get(f"{base}/sparql", params={"query": query, **dataset}, timeout=30).json()
            for base in (fronted, served)
        ]
        assert answers[0] == answers[1], query
    rows = answers[0]["results"]["bindings"]
    assert rows == [{"n": {"type": "literal", "datatype": XSD_INTEGER, "value": "0"}}]
    per_graph = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    remote, embedded = [
        {
            row["g"]["value"]: int(row["n"]["value"])
            for row in requests.get(
                f"{base}/sparql", params={"query": per_graph}, timeout=30
            ).json()["results"]["bindings"]
        }
        for base in (fronted, served)
    ]
    assert remote == {**embedded, PUBLISHED_GRAPH: 1}
    leipzig = requests.get(f"{fronted}/sparql", params={"query": queries[0][0]}, timeout=30).json()[
        "results"
    ]["bindings"]
    assert [row["s"]["value"] for row in leipzig] == [city]
    fragment = requests.get(
        f"{fronted}/fragments",
        params={"object": '"Leipzig"'},
        headers={"Accept": "application/n-triples"},
        timeout=30,
    )
    assert fragment.text.count("<https://schema.org/name>") == 1


def test_same_answers_as_the_embedded_store(fronted, served):
    same_ranked_activities(fronted, served)


def test_fragments_page_as_on_the_embedded_store(fronted, served):
    same_fragments(fronted, served)


def test_pages_and_documents_work_on_the_remote_store(fronted):
    pages_and_documents_work(fronted)


def test_the_vocabulary_page_is_the_same_on_the_remote_store(fronted, served):
    """Terms, examples from Leipzig, concept schemes and shapes read alike from either store."""
    pages = [
        requests.get(f"{base}/ontology", headers={"Accept": "text/html"}, timeout=30)
        for base in (fronted, served)
    ]
    assert [p.status_code for p in pages] == [200, 200]
    assert "Example from Leipzig" in pages[0].text
    assert pages[0].text == pages[1].text


@pytest.fixture(scope="module")
def remote_endpoint(fronted):
    """The query endpoint of citykg in front of the remote store."""
    return Endpoint(f"{fronted}/sparql")


@pytest.fixture(scope="module")
def remote_site(fronted):
    """citykg in front of the remote store, as a linked-data client sees it."""
    return Site(fronted)


@pytest.mark.parametrize("check", PROTOCOL.values(), ids=PROTOCOL.keys())
def test_protocol_on_the_remote_store(remote_endpoint, check):
    """The SPARQL 1.1 Protocol checks the embedded store passes (test_protocol_conformance.py),
    here with every query answered by the remote store: its updates refused by citykg too."""
    check(remote_endpoint)


@pytest.mark.parametrize("check", LINKED_DATA.values(), ids=LINKED_DATA.keys())
def test_linked_data_on_the_remote_store(remote_site, check):
    """The linked-data checks (test_linked_data_conformance.py) of a city, its documents
    rendered from the remote store."""
    check(remote_site, CITY)


@pytest.mark.parametrize("check", SITE.values(), ids=SITE.keys())
def test_site_on_the_remote_store(remote_site, check):
    check(remote_site)


def test_publish_reports_an_unreachable_store(release, capsys):
    status = main(
        [
            "publish",
            "--project",
            str(ROOT),
            "--build-dir",
            str(release.parent.parent),
            "--graph-store",
            "http://127.0.0.1:9/store",
        ]
    )
    assert status == 1 and "could not reach http://127.0.0.1:9/store" in capsys.readouterr().err
