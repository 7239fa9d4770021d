"""The data of the concept and concept-scheme pages: labels, notes, and the profiles that chose
each option (from the release's option counts)."""

from __future__ import annotations

from citykg.contract.iris import AGGREGATES_GRAPH, CITYKG
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
    counts = select(
        store,
        f"""
        SELECT ?property ?propertyLabel (SUM(?n) AS ?count) WHERE {{
          GRAPH <{AGGREGATES_GRAPH}> {{
            ?observation citykg:option <{iri}> ; citykg:countedProperty ?property ;
              citykg:profileCount ?n }}
          OPTIONAL {{ ?property rdfs:label ?propertyLabel }}
        }} GROUP BY ?property ?propertyLabel ORDER BY ?propertyLabel""",
    )
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
            "property": row.get("propertyLabel") or row["property"],
            "count": int(row["count"]),
            "uses": _uses(store, row["property"], iri),
            "all": query_link(
                f"SELECT ?profile ?city WHERE {{ ?profile {_chosen(row['property'])} <{iri}> ; "
                f"<{CITYKG}city> ?city }}"
            ),
        }
        for row in counts
    ]
    return {
        "iri": iri,
        **(info[0] if info else {}),
        "alt": [r["alt"] for r in alt],
        "groups": groups,
        "ranked": ranked,
    }


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
        SELECT ?concept ?property ?propertyLabel (SUM(?n) AS ?count) WHERE {{
          ?concept skos:inScheme <{iri}> .
          GRAPH <{AGGREGATES_GRAPH}> {{
            ?observation citykg:option ?concept ; citykg:countedProperty ?property ;
              citykg:profileCount ?n }}
          OPTIONAL {{ ?property rdfs:label ?propertyLabel }}
        }} GROUP BY ?concept ?property ?propertyLabel""",
    )
    labels = {row["property"]: row.get("propertyLabel", row["property"]) for row in counts}
    properties = sorted(labels, key=lambda p: (labels[p], p))
    chosen = {(row["concept"], row["property"]): int(row["count"]) for row in counts}
    for concept in concepts:
        concept["counts"] = [chosen.get((concept["concept"], p), 0) for p in properties]
    return {
        "iri": iri,
        **(info[0] if info else {}),
        "properties": [{"property": p, "label": labels[p]} for p in properties],
        "concepts": sorted(concepts, key=by_notation),
    }
