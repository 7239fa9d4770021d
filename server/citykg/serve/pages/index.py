"""The data of the index page: the cities and the concept schemes."""

from __future__ import annotations

from citykg.serve.pages.select import select
from citykg.serve.store import Store


def cities(store: Store) -> list[dict]:
    """Every city with its country, Wikidata link and waves, for the index."""
    return select(
        store,
        """
        SELECT ?city ?name ?country ?wikidata
               (GROUP_CONCAT(DISTINCT ?wave; separator=", ") AS ?waves)
        WHERE {
          ?profile citykg:city ?city ; citykg:surveyWave/skos:notation ?wave .
          ?city schema:name ?name .
          OPTIONAL { ?city schema:containedInPlace/schema:name ?country }
          OPTIONAL { ?city owl:sameAs ?wikidata }
        } GROUP BY ?city ?name ?country ?wikidata ORDER BY ?name""",
    )


def schemes(store: Store) -> list[dict]:
    """Every concept scheme, for the index."""
    return select(
        store,
        """
        SELECT ?scheme ?label (COUNT(?c) AS ?concepts) WHERE {
          ?scheme a skos:ConceptScheme ; skos:prefLabel ?label . ?c skos:inScheme ?scheme }
        GROUP BY ?scheme ?label ORDER BY ?label""",
    )
