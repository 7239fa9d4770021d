"""The data of the concept and concept-scheme pages: labels, notes, and the profiles that chose
each option, in all and per survey wave (from the release's option counts), also as bar charts."""

from __future__ import annotations

from collections import defaultdict

from citykg.contract.iris import AGGREGATES_GRAPH, CITYKG
from citykg.serve.charts import BarChart, Row, bar_chart
from citykg.serve.pages.select import by_notation, query_link, select
from citykg.serve.store import Store

MAX_LISTED = 100


def concept(store: Store, iri: str) -> dict:
    """A concept: labels, notes, its scheme, and the profiles that chose it, by property."""
    info = select(
        store,
        f"""
        SELECT ?label ?scheme ?schemeLabel ?note ?definition WHERE {{
          <{iri}> skos:prefLabel ?label ; skos:inScheme ?scheme .
          ?scheme skos:prefLabel ?schemeLabel
          OPTIONAL {{ <{iri}> skos:scopeNote ?note }}
          OPTIONAL {{ <{iri}> skos:definition ?definition }}
        }} LIMIT 1""",
    )
    alt = select(store, f"SELECT ?alt WHERE {{ <{iri}> skos:altLabel ?alt }} ORDER BY ?alt")
    per_wave = select(
        store,
        f"""
        SELECT ?property ?propertyLabel ?wave ?n WHERE {{
          GRAPH <{AGGREGATES_GRAPH}> {{
            ?observation citykg:option <{iri}> ; citykg:countedProperty ?property ;
              citykg:surveyWave ?w ; citykg:profileCount ?n }}
          ?w skos:notation ?wave
          OPTIONAL {{ ?property rdfs:label ?propertyLabel }}
        }}""",
    )
    waves = survey_waves(store)
    labels = {row["property"]: row.get("propertyLabel", row["property"]) for row in per_wave}
    chosen = _by_wave(per_wave, "property")
    properties = sorted(labels, key=lambda p: (labels[p], p))
    ranked = select(
        store,
        f"""
        SELECT ?rank (SUM(?count) AS ?n) WHERE {{
          GRAPH <{AGGREGATES_GRAPH}> {{
            ?observation citykg:option <{iri}> ; citykg:givenRank ?rank ;
              citykg:profileCount ?count }}
        }} GROUP BY ?rank ORDER BY ?rank""",
    )
    groups = [
        {
            "property": labels[prop],
            "count": sum(chosen[prop].values()),
            "uses": _uses(store, prop, iri),
            "all": query_link(
                f"SELECT ?profile ?city WHERE {{ ?profile {_chosen(prop)} <{iri}> ; "
                f"<{CITYKG}city> ?city }}"
            ),
        }
        for prop in properties
    ]
    rows = [Row(labels[p], tuple(chosen[p].get(w, 0) for w in waves), p) for p in properties]
    title = f"{info[0]['label'] if info else iri}: profiles per property and survey wave"
    return {
        "iri": iri,
        **(info[0] if info else {}),
        "alt": [r["alt"] for r in alt],
        "groups": groups,
        "ranked": ranked,
        "chart": _chart("choices", title, "Property", rows, waves),
    }


def survey_waves(store: Store) -> list[str]:
    """The survey waves the release's option counts count (those with profiles), in order."""
    rows = select(
        store,
        f"""SELECT DISTINCT ?wave WHERE {{
              GRAPH <{AGGREGATES_GRAPH}> {{ ?observation citykg:surveyWave ?w }}
              ?w skos:notation ?wave }} ORDER BY ?wave""",
    )
    return [row["wave"] for row in rows]


def _by_wave(rows: list[dict], *keys: str) -> dict:
    """Counts by the values of ``keys`` in each row (one value or a tuple), then by wave."""
    counts: dict = defaultdict(dict)
    for row in rows:
        at = tuple(row[k] for k in keys)
        counts[at if len(at) > 1 else at[0]][row["wave"]] = int(row["n"])
    return counts


def _chart(
    key: str, title: str, heading: str, rows: list[Row], waves: list[str]
) -> BarChart | None:
    """A bar chart of ``rows`` with a bar per survey wave; None without any row."""
    return bar_chart(key, title, heading, rows, waves) if rows and waves else None


def _chosen(prop: str) -> str:
    """The path from a profile to an option chosen through ``prop``: the property itself, or
    through a ranked activity (``citykg:activity`` is said of the ranked activity)."""
    return f"<{CITYKG}rankedActivity>?/<{prop}>"


def _uses(store: Store, prop: str, iri: str) -> list[dict]:
    """At most MAX_LISTED profiles choosing ``iri`` through ``prop``, by city name: all of them
    when there are that few, else the first the engine finds (ordering them all first took 8 s
    at 100 000 cities on disk, for reading every name; the page links to the query for all)."""
    return select(
        store,
        f"""
        SELECT ?city ?name ?wave ?profile WHERE {{
          {{ SELECT ?profile ?city WHERE {{ ?profile {_chosen(prop)} <{iri}> ; citykg:city ?city }}
             LIMIT {MAX_LISTED} }}
          ?profile citykg:surveyWave/skos:notation ?wave .
          ?city schema:name ?name .
        }} ORDER BY ?name ?wave""",
    )


def scheme(store: Store, iri: str) -> dict:
    """A concept scheme: its concepts in order, each with how many profiles chose it through
    each property (the release's option counts, summed over the survey waves: a lookup, not a
    count over every profile)."""
    info = select(
        store,
        f"""
        SELECT ?label ?definition ?note WHERE {{ <{iri}> skos:prefLabel ?label
          OPTIONAL {{ <{iri}> skos:definition ?definition }}
          OPTIONAL {{ <{iri}> skos:editorialNote ?note }} }} LIMIT 1""",
    )
    concepts = select(
        store,
        f"""
        SELECT ?concept ?label ?notation WHERE {{
          ?concept skos:inScheme <{iri}> ; skos:prefLabel ?label .
          OPTIONAL {{ ?concept skos:notation ?notation }} }}""",
    )
    counts = select(
        store,
        f"""
        SELECT ?concept ?property ?propertyLabel ?wave ?n WHERE {{
          ?concept skos:inScheme <{iri}> .
          GRAPH <{AGGREGATES_GRAPH}> {{
            ?observation citykg:option ?concept ; citykg:countedProperty ?property ;
              citykg:surveyWave ?w ; citykg:profileCount ?n }}
          ?w skos:notation ?wave
          OPTIONAL {{ ?property rdfs:label ?propertyLabel }}
        }}""",
    )
    waves = survey_waves(store)
    labels = {row["property"]: row.get("propertyLabel", row["property"]) for row in counts}
    properties = sorted(labels, key=lambda p: (labels[p], p))
    chosen = _by_wave(counts, "concept", "property")
    concepts.sort(key=by_notation)
    for concept in concepts:
        concept["counts"] = [sum(chosen[concept["concept"], p].values()) for p in properties]
    name = info[0]["label"] if info else iri
    charts = {
        p: _chart(
            p.rsplit("#", 1)[-1],
            f"{name}, {labels[p]}: profiles per option and survey wave",
            "Option",
            [
                Row(
                    c["label"],
                    tuple(chosen[c["concept"], p].get(w, 0) for w in waves),
                    c["concept"],
                )
                for c in concepts
            ],
            waves,
        )
        for p in properties
    }
    return {
        "iri": iri,
        **(info[0] if info else {}),
        "properties": [{"property": p, "label": labels[p], "chart": charts[p]} for p in properties],
        "concepts": concepts,
    }
