"""Comunica (npm @comunica/query-sparql@4, on Node 20) federating citykg with the Wikidata
stand-in, over SPARQL and over Triple Pattern Fragments. Loopback only, bounded in time."""

from __future__ import annotations

import json
import subprocess

import pytest

from support.processes import npm_tool
from support.project import ROOT

TOOLS = ROOT / "build" / "test-tools" / "comunica"
JOIN = """PREFIX schema: <https://schema.org/> PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?name ?population ?mayor WHERE {
  ?city a schema:City ; schema:name ?name ; owl:sameAs ?wd .
  ?wd wdt:P1082 ?population ; wdt:P6/<http://www.w3.org/2000/01/rdf-schema#label> ?mayor .
}"""


@pytest.fixture(scope="module")
def comunica() -> str:
    exe = TOOLS / "node_modules" / ".bin" / "comunica-sparql"
    return str(npm_tool("@comunica/query-sparql@4", TOOLS, exe))


def run(comunica: str, sources: list[str], query: str) -> tuple[list[dict], dict]:
    out = subprocess.run(
        [comunica, *sources, "-t", "application/sparql-results+json", query],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    body = json.loads(out.stdout)
    rows = [{k: v["value"] for k, v in b.items()} for b in body["results"]["bindings"]]
    return rows, body.get("metadata", {})


def test_comunica_federates_citykg_sparql_with_wikidata(comunica, served, wikidata):
    rows, _ = run(comunica, [f"sparql@{served}/sparql", f"sparql@{wikidata}"], JOIN)
    assert rows == [{"name": "Leipzig", "population": "616093", "mayor": "Burkhard Jung"}]


def test_comunica_federates_citykg_fragments_with_wikidata(comunica, served, wikidata):
    rows, _ = run(comunica, [f"{served}/fragments", f"sparql@{wikidata}"], JOIN)
    assert rows == [{"name": "Leipzig", "population": "616093", "mayor": "Burkhard Jung"}]


def test_comunica_uses_citykg_as_a_tpf_source(comunica, served):
    query = """PREFIX citykg: <https://w3id.org/citykg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?n ?label WHERE {
          ?p citykg:rankedActivity ?a . ?a citykg:rank 3 ; citykg:activity ?c .
          ?c skos:prefLabel ?label . ?p citykg:population/citykg:populationCount ?n }"""
    rows, metadata = run(comunica, [f"{served}/fragments"], query)
    assert rows == [{"n": "600000", "label": "Engaging residents in new ways"}]
    assert metadata.get("httpRequests", 0) > 3
