"""All-cities aggregates counted at build time equal what a scan of the profiles counts."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.builder.aggregates import AGGREGATES_GRAPH
from citykg.contract.layout import NQUADS_FILE

from support.processes import citykg_cli
from support.project import PREFIXES, leipzig_text, load_as_served, make_project

COUNTED = f"""
SELECT ?wave ?property ?option ?n WHERE {{
  GRAPH <{AGGREGATES_GRAPH}> {{
    ?o citykg:surveyWave ?wave ; citykg:countedProperty ?property ; citykg:option ?option ;
       citykg:profileCount ?n }} }}"""
SCANNED = """
SELECT ?wave ?property ?option (COUNT(DISTINCT ?g) AS ?n) WHERE {
  GRAPH ?g { ?profile a citykg:InnovationProfile ; citykg:surveyWave ?wave . ?s ?property ?option }
  GRAPH <https://w3id.org/citykg/graph/concepts> { concept:answer-option skos:member ?option }
  FILTER (!STRSTARTS(STR(?property), STR(rdf:)) && !STRSTARTS(STR(?property), STR(skos:)))
} GROUP BY ?wave ?property ?option"""


def rows(store: ox.Store, query: str) -> set[tuple[str, str, str, int]]:
    return {
        (r["wave"].value, r["property"].value, r["option"].value, int(r["n"].value))
        for r in store.query(PREFIXES + query)
    }


@pytest.fixture(scope="module")
def store(synthetic_release: Path) -> ox.Store:
    """The release of 40 synthetic profiles, loaded."""
    loaded = ox.Store()
    nquads = synthetic_release / NQUADS_FILE
    loaded.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    return loaded


@pytest.mark.system  # runs citykg as a process
def test_a_city_in_two_waves_is_described_once(tmp_path):
    """Leipzig in 2018 and 2020: the city, its country and its mayor are described once (in
    graph/entities), so a join over the union of the graphs gives one row per profile."""
    text = leipzig_text()
    earlier = text.replace("# survey-wave: 2020", "# survey-wave: 2018")
    project = make_project(
        tmp_path, {"leipzig-deu-2020.txt": text, "leipzig-deu-2018.txt": earlier}
    )
    status, log = citykg_cli("build", "-q", "--project", str(project.root))
    assert status == 0, log
    loaded = load_as_served(project.var_dir / "current")
    query = """SELECT ?wave ?name ?country ?mayor ?post WHERE {
      ?profile citykg:city ?city ; citykg:surveyWave/skos:notation ?wave ;
               citykg:statesHolding [ citykg:post ?post ; citykg:holder ?person ] .
      ?post org:role citykg:Mayor .
      ?city schema:name ?name ; schema:containedInPlace/schema:name ?country .
      ?person schema:name ?mayor }"""
    found = sorted(
        tuple(r[v].value for v in ("wave", "name", "country", "mayor", "post"))
        for r in loaded.query(PREFIXES + query)
    )
    # One mayor post for the city; each profile states its holder as of its own wave.
    post = "https://w3id.org/citykg/id/city/leipzig-deu/post/mayor"
    assert found == [
        ("2018", "Leipzig", "Germany", "Burkhard Jung", post),
        ("2020", "Leipzig", "Germany", "Burkhard Jung", post),
    ]


def test_no_triple_is_stated_in_two_graphs(store):
    """Each triple of the data stands in one data graph: cities, countries, people, posts and
    the importer are described in graph/entities only (provenance graphs repeat the triples
    read from their lines, by design, and are left out here)."""
    data = "FILTER NOT EXISTS { GRAPH ?g { ?g a citykg:SourceLines } }"
    quads = PREFIXES + f"SELECT (COUNT(*) AS ?n) {{ GRAPH ?g {{ ?s ?p ?o }} {data} }}"
    distinct = f"SELECT DISTINCT ?s ?p ?o {{ GRAPH ?g {{ ?s ?p ?o }} {data} }}"
    triples = PREFIXES + f"SELECT (COUNT(*) AS ?n) {{ {distinct} }}"
    counts = [int(next(iter(store.query(q)))["n"].value) for q in (quads, triples)]
    assert counts[0] == counts[1] > 5000


def test_option_counts_equal_a_scan_of_the_profiles(store):
    counted = rows(store, COUNTED)
    assert counted == rows(store, SCANNED)
    matrix = [(p.rsplit("#")[1], o.rsplit("/")[-1], n) for _, p, o, n in counted if "DataFor" in p]
    assert len({o for _, o, _ in matrix}) >= 10
    marked = """SELECT * { GRAPH ?g { ?p citykg:sufficientDataFor|citykg:insufficientDataFor ?a }
                           FILTER NOT EXISTS { GRAPH ?g { ?g a citykg:SourceLines } } }"""
    assert sum(n for _, _, n in matrix) == len(list(store.query(PREFIXES + marked)))


RANKS_COUNTED = f"""
SELECT ?wave ?option ?rank ?n WHERE {{
  GRAPH <{AGGREGATES_GRAPH}> {{
    ?o citykg:surveyWave ?wave ; citykg:givenRank ?rank ; citykg:option ?option ;
       citykg:profileCount ?n ; qb:dataSet/qb:structure citykg:RankCountStructure }} }}"""
RANKS_SCANNED = """
SELECT ?wave ?option ?rank (COUNT(DISTINCT ?g) AS ?n) WHERE {
  GRAPH ?g { ?profile a citykg:InnovationProfile ; citykg:surveyWave ?wave ;
               citykg:rankedActivity [ citykg:activity ?option ; citykg:rank ?rank ] }
} GROUP BY ?wave ?option ?rank"""


def test_rank_counts_equal_a_scan_of_the_profiles(store):
    def ranks(query: str) -> set[tuple[str, str, int, int]]:
        return {
            (r["wave"].value, r["option"].value, int(r["rank"].value), int(r["n"].value))
            for r in store.query(PREFIXES + query)
        }

    counted = ranks(RANKS_COUNTED)
    assert counted == ranks(RANKS_SCANNED)
    assert {rank for _, _, rank, _ in counted} == set(range(1, 8))
    profiles = "SELECT * { GRAPH ?g { ?p a citykg:InnovationProfile } }"
    assert sum(n for *_, n in counted) == 7 * len(list(store.query(PREFIXES + profiles)))


def test_leipzig_counts_once_per_option(sparql):
    """One profile: every option it chose is counted exactly once, e.g. Health with insufficient
    data, and the counts are typed integers in a qb:DataSet."""
    found = sparql.select(
        f"""SELECT ?property ?n WHERE {{ GRAPH <{AGGREGATES_GRAPH}> {{
          ?o citykg:option <https://w3id.org/citykg/id/concept/policy-area/health> ;
             citykg:countedProperty ?property ; citykg:profileCount ?n ;
             qb:dataSet/qb:structure citykg:OptionCountStructure }} }}"""
    )
    assert {(r["property"].rsplit("#")[1], r["n"]) for r in found} >= {("insufficientDataFor", 1)}
    assert {
        r["n"]
        for r in sparql.select(
            f"SELECT ?n {{ GRAPH <{AGGREGATES_GRAPH}> {{ ?o citykg:profileCount ?n }} }}"
        )
    } == {1}
