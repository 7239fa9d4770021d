"""The charts of the pages show what the release's Data Cube observations count, asked here
with SPARQL of their own: scheme and concept pages draw the profiles per option and survey wave,
the city page the cities that gave each of its answers, the home page the cities per country.
Drawn bars, the numbers beside them and the tables below agree. Served from 40 synthetic
profiles, so that counts differ and both survey waves have profiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from citykg.serve.pages.profile import LISTS

from support.app import app_for
from support.charts import DrawnChart, drawn_charts, table_values
from support.html import Element, parse_html
from support.project import Sparql, load_as_served

BASE = "https://w3id.org/citykg/"
CITYKG = BASE + "ontology#"
OPTION_COUNTS = """
SELECT ?option ?label ?property ?propertyLabel ?wave ?n WHERE {
  GRAPH <https://w3id.org/citykg/graph/aggregates> {
    ?o a qb:Observation ; qb:dataSet <https://w3id.org/citykg/id/option-counts> ;
       citykg:option ?option ; citykg:countedProperty ?property ;
       citykg:surveyWave ?w ; citykg:profileCount ?n }
  ?w skos:notation ?wave . ?option skos:prefLabel ?label . ?property rdfs:label ?propertyLabel }"""
RANK_COUNTS = """
SELECT ?option ?rank ?wave ?n WHERE {
  GRAPH <https://w3id.org/citykg/graph/aggregates> {
    ?o a qb:Observation ; qb:dataSet <https://w3id.org/citykg/id/rank-counts> ;
       citykg:option ?option ; citykg:givenRank ?rank ;
       citykg:surveyWave ?w ; citykg:profileCount ?n }
  ?w skos:notation ?wave }"""
WAVES = """
SELECT ?wave (COUNT(?profile) AS ?n) WHERE {
  ?profile a citykg:InnovationProfile ; citykg:surveyWave/skos:notation ?wave
} GROUP BY ?wave"""


@pytest.fixture(scope="module")
def sparql_synthetic(synthetic_release: Path) -> Sparql:
    return Sparql(load_as_served(synthetic_release))


@pytest.fixture(scope="module")
def synthetic_client(synthetic_release: Path, stores: Path):
    with app_for(synthetic_release, stores) as app:
        yield app.test_client()


@pytest.fixture(scope="module")
def counts(sparql_synthetic) -> list[dict]:
    return sparql_synthetic.select(OPTION_COUNTS)


@pytest.fixture(scope="module")
def waves(sparql_synthetic) -> dict[str, int]:
    """Profiles (one per city) per survey wave."""
    found = {row["wave"]: row["n"] for row in sparql_synthetic.select(WAVES)}
    assert sorted(found) == ["2018", "2020"]
    return found


def html(client, path: str) -> bytes:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    return response.data


def agrees_with_its_table(chart: DrawnChart, page: Element, chart_id: str) -> None:
    """The chart's bars, its numbers and its table say the same, and the bars are as long as
    their numbers (the longest for the largest)."""
    frame = page.by_id(chart_id)
    table = frame.one("table", class_="chart-data")
    assert table.one("caption").words == chart.title
    drawn = chart.values()
    in_table = table_values(table)
    if all(series == "" for _, series in drawn):
        drawn = {label: n for (label, _), n in drawn.items()}
        in_table = {label: n for (label, _), n in in_table.items()}
    assert in_table == drawn
    bars = [b for group in chart.bars.values() for b in group]
    longest = max(bars, key=lambda b: b.value)
    assert longest.value > 0 and longest.percent > 0
    for bar in bars:
        assert bar.percent == pytest.approx(longest.percent * bar.value / longest.value, abs=0.01)
    root = frame.one("svg")
    assert root.get("role") == "img"
    assert page.by_id(root.get("aria-labelledby")).words == chart.title
    assert page.by_id(root.get("aria-describedby")).words == chart.description


def test_scheme_page_draws_each_property_per_wave(synthetic_client, counts, waves):
    markup = html(synthetic_client, "/id/concept/policy-area")
    page = parse_html(markup)
    charts = drawn_charts(markup)
    in_scheme = [r for r in counts if r["option"].startswith(BASE + "id/concept/policy-area/")]
    properties = {r["property"].removeprefix(CITYKG) for r in in_scheme}
    assert properties == {"focusPolicyArea", "sufficientDataFor", "insufficientDataFor"}
    options = {r["label"] for r in in_scheme}
    for prop in properties:
        chart = charts[f"chart-{prop}"]
        expected = {(label, wave): 0 for label in options for wave in waves}
        expected |= {
            (r["label"], r["wave"]): r["n"] for r in in_scheme if r["property"] == CITYKG + prop
        }
        drawn = chart.values()
        assert {k: v for k, v in drawn.items() if k[0] in options} == expected
        assert len(chart.bars) == 19 and sum(expected.values()) > 0
        agrees_with_its_table(chart, page, f"chart-{prop}")


def test_concept_page_draws_each_property_per_wave(synthetic_client, counts, waves):
    health = BASE + "id/concept/policy-area/health"
    markup = html(synthetic_client, "/id/concept/policy-area/health")
    chart = drawn_charts(markup)["chart-choices"]
    mine = [r for r in counts if r["option"] == health]
    expected = {(r["propertyLabel"], wave): 0 for r in mine for wave in waves}
    expected |= {(r["propertyLabel"], r["wave"]): r["n"] for r in mine}
    assert chart.values() == expected and len(expected) == 6
    assert chart.title == "Health: profiles per property and survey wave"
    agrees_with_its_table(chart, parse_html(markup), "chart-choices")


def test_home_page_draws_the_cities_per_country(synthetic_client, sparql_synthetic):
    rows = sparql_synthetic.select("""
        SELECT ?country (COUNT(DISTINCT ?city) AS ?n) WHERE {
          ?profile a citykg:InnovationProfile ; citykg:city ?city .
          ?city schema:containedInPlace/schema:name ?country } GROUP BY ?country""")
    markup = html(synthetic_client, "/")
    chart = drawn_charts(markup)["chart-countries"]
    assert chart.values() == {(r["country"], ""): r["n"] for r in rows}
    assert sum(r["n"] for r in rows) == 40
    numbers = [bars[0].value for bars in chart.bars.values()]
    assert numbers == sorted(numbers, reverse=True)
    agrees_with_its_table(chart, parse_html(markup), "chart-countries")


def shares(element: Element) -> list[tuple[str, int, int, str, float]]:
    """Each bar beside an answer inside ``element``: (the answer's link, count, total, wave,
    the bar's width in percent), read from the words beside it and the drawn bar."""
    found = []
    for span in element.find_all("span", class_="share"):
        svg = span.one("svg")
        assert svg.get("aria-hidden") == "true"  # the words beside it say the same
        count, of, total, cities, in_, wave, *_ = span.words.split()
        assert (of, in_) == ("of", "in") and cities in ("city", "cities"), span.words
        width = span.one("rect", class_="bar").get("width")
        found.append((span, int(count), int(total), wave, float(width.removesuffix("%"))))
    return found


def test_city_page_gives_each_answer_the_cities_that_gave_it(
    synthetic_client, sparql_synthetic, counts, waves
):
    [row] = sparql_synthetic.select("""SELECT ?city ?wave WHERE {
        ?profile citykg:city ?city ; citykg:surveyWave/skos:notation ?wave ;
                 citykg:city/schema:name "Synthcity 000010" }""")
    wave = row["wave"]
    page = parse_html(html(synthetic_client, row["city"].removeprefix(BASE.rstrip("/"))))
    counted = {(r["property"], r["option"]): r["n"] for r in counts if r["wave"] == wave}
    ranked = {
        (r["option"], r["rank"]): r["n"]
        for r in sparql_synthetic.select(RANK_COUNTS)
        if r["wave"] == wave
    }
    seen = 0
    for key, _, prop in LISTS:
        section = page.find_all(id=f"{key}-{wave}")
        for item in section[0].find_all("li") if section else []:
            [(_, count, total, shown, width)] = shares(item)
            option = BASE + item.one("a").get("href").removeprefix("/")
            assert (count, total, shown) == (counted[CITYKG + prop, option], waves[wave], wave)
            assert width == pytest.approx(100 * count / total, abs=0.01)
            seen += 1
    assert seen > 5
    activities = page.one("ol", class_="ranked").find_all("li")
    assert len(activities) == 7
    for item in activities:
        [(span, count, total, _, width)] = shares(item)
        option = BASE + item.one("a").get("href").removeprefix("/")
        assert count == ranked[option, int(item.get("value"))] and total == waves[wave]
        assert span.words.endswith("rank it the same")
    matrix = page.one("table", class_="matrix")
    marked = 0
    for area, sufficient, insufficient in matrix.one("tbody").rows:
        option = BASE + area.one("a").get("href").removeprefix("/")
        for cell, prop in (
            (sufficient, "sufficientDataFor"),
            (insufficient, "insufficientDataFor"),
        ):
            drawn = shares(cell)
            assert bool(drawn) == cell.words.startswith("✔"), cell.words
            for _, count, total, _, _ in drawn:
                assert (count, total) == (counted[CITYKG + prop, option], waves[wave])
                marked += 1
    assert marked >= 6


def test_the_real_release_draws_its_one_city(client, sparql):
    """Leipzig alone: one country, one city; the city's answers each given by 1 of 1 city."""
    chart = drawn_charts(html(client, "/"))["chart-countries"]
    assert chart.values() == {("Germany", ""): 1}
    page = parse_html(html(client, "/id/city/leipzig-deu"))
    words = {span.words for span in page.find_all("span", class_="share")}
    assert words == {"1 of 1 city in 2020", "1 of 1 city in 2020 rank it the same"}
    chosen = sparql.select("""SELECT (COUNT(*) AS ?n) WHERE {
        profile:leipzig-deu\\/2020 ?p ?option .
        GRAPH <https://w3id.org/citykg/graph/concepts> { concept:answer-option skos:member ?option }
        FILTER (!STRSTARTS(STR(?p), STR(rdf:)) && !STRSTARTS(STR(?p), STR(skos:))) }""")
    assert len(page.find_all("span", class_="share")) == chosen[0]["n"] + 7
