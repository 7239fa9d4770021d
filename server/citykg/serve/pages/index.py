"""The data of the index page: the cities, the cities by country and the concept schemes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from citykg.serve.charts import BarChart, Row, bar_chart
from citykg.serve.pages.select import select
from citykg.serve.store import Store

NO_COUNTRY = "No country stated"


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


def countries(cities: Iterable[dict]) -> BarChart | None:
    """The cities per country as a bar chart, most cities first (then by name); None without
    cities. ``cities`` are rows of the city list (``country`` is the country's name)."""
    counted = Counter(city.get("country") or NO_COUNTRY for city in cities)
    rows = [Row(name, (n,)) for name, n in sorted(counted.items(), key=lambda c: (-c[1], c[0]))]
    if not rows:
        return None
    return bar_chart("countries", "Participating cities by country", "Country", rows, unit="cities")
