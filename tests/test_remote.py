"""citykg in front of a remote SPARQL 1.1 store: a real Oxigraph server process, the release
published into it with the Graph Store Protocol, then the same checks as the embedded default."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from citykg.cli import main

from conftest import ROOT, citykg_serve, free_port, running

CHECKERS = ROOT.parent / "shared" / "conformance"


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
    base, server = citykg_serve(
        release,
        {
            "CITYKG_STORE_URL": f"{oxigraph}/query",
            "CITYKG_STORE_UNION_PARAMETER": "union-default-graph",
        },
    )
    with server:
        yield base


def test_publish_puts_every_graph(fronted, oxigraph, release, capsys):
    """Every graph of the release, plus its VoID as the dataset graph."""
    graphs = {
        q.graph_name for q in ox.parse(path=str(release / "citykg.nq"), format=ox.RdfFormat.N_QUADS)
    }
    response = requests.get(
        f"{oxigraph}/query",
        timeout=10,
        params={"query": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == len(graphs) + 1 == 8


def test_same_answers_as_the_embedded_store(fronted, served):
    query = """PREFIX citykg: <https://w3id.org/citykg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?rank ?label WHERE { ?p citykg:rankedActivity [ citykg:rank ?rank ;
          citykg:activity/skos:prefLabel ?label ] } ORDER BY ?rank"""
    answers = [
        requests.get(f"{base}/sparql", params={"query": query}, timeout=30).json()
        for base in (fronted, served)
    ]
    assert answers[0] == answers[1] and len(answers[0]["results"]["bindings"]) == 7


def test_pages_and_documents_work_on_the_remote_store(fronted):
    html = requests.get(
        f"{fronted}/id/city/leipzig-deu", headers={"Accept": "text/html"}, timeout=30
    ).text
    assert html.count('<li value="') == 7 and "Burkhard Jung" in html
    turtle = requests.get(f"{fronted}/id/concept/policy-area/health.ttl", timeout=30)
    assert turtle.status_code == 200 and "insufficientDataFor" in turtle.text


@pytest.mark.skipif(not CHECKERS.is_dir(), reason=f"{CHECKERS} not found")
def test_conformance_on_the_remote_store(fronted, tmp_path):
    out = tmp_path / "endpoint.json"
    subprocess.run(
        [
            sys.executable,
            str(CHECKERS / "check_endpoint.py"),
            "--endpoint",
            f"{fronted}/sparql",
            "--json",
            str(out),
        ],
        capture_output=True,
        timeout=600,
        check=False,
    )
    report = json.loads(out.read_text())
    failed = [r for r in report["results"] if r["result"] != "pass"]
    assert failed == [], failed


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
