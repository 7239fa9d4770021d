"""How many cities gave each answer of a profile, shown beside the answer on the city page: the
release's option counts (and rank counts, for the ranked activities) of the profile's survey
wave, out of the cities with a profile in that wave."""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

from citykg.contract.iris import AGGREGATES_GRAPH, CITYKG
from citykg.contract.layout import CITIES_FILE
from citykg.serve.charts import Share
from citykg.serve.pages.select import select
from citykg.serve.store import ReleaseInfo, Store, release_json


def add_answer_counts(store: Store, release: ReleaseInfo, data: dict) -> None:
    """Give each answer of the profile ``data`` (as :func:`profile.profile` reads it) its
    :class:`Share`: its answer lists' items and ranked activities under ``shared``, its
    data-availability rows under ``sufficient_shared`` and ``insufficient_shared``. An answer
    the option counts do not count (an unlisted one, or in a release without counts) gets none."""
    wave = data.get("wave")
    if wave is None:
        return
    total = cities_in_wave(store, release.path, wave)
    rows = select(
        store,
        f"""
        SELECT ?property ?option ?rank ?n WHERE {{
          <{data["iri"]}> citykg:surveyWave ?wave .
          {{ <{data["iri"]}> ?property ?option .
             GRAPH <{AGGREGATES_GRAPH}> {{
               ?observation citykg:option ?option ; citykg:countedProperty ?property ;
                 citykg:surveyWave ?wave ; citykg:profileCount ?n }} }}
          UNION
          {{ <{data["iri"]}> citykg:rankedActivity [ citykg:activity ?option ; citykg:rank ?rank ] .
             GRAPH <{AGGREGATES_GRAPH}> {{
               ?observation citykg:option ?option ; citykg:givenRank ?rank ;
                 citykg:surveyWave ?wave ; citykg:profileCount ?n }} }}
        }}""",
    )
    shares = {
        (row.get("property") or row["rank"], row["option"]): Share(int(row["n"]), total, wave)
        for row in rows
    }
    for answers in data["lists"]:
        for item in answers["answers"]:
            item["shared"] = shares.get((item["p"], item["o"]))
    for activity in data["activities"]:
        activity["shared"] = shares.get((activity["rank"], activity["concept"]))
    for area in data["availability"]:
        for status in ("sufficient", "insufficient"):
            prop = CITYKG + f"{status}DataFor"
            area[f"{status}_shared"] = shares.get((prop, area["area"])) if area[status] else None


def cities_in_wave(store: Store, release: Path, wave: str) -> int:
    """How many cities have a profile of survey wave ``wave`` (the notation): from the release's
    city list, counted once per process, else (an older release) from the store."""
    if release_json(release, CITIES_FILE) is None:
        rows = select(
            store,
            f"""SELECT (COUNT(?profile) AS ?n) WHERE {{
                  ?profile a citykg:InnovationProfile ; citykg:surveyWave ?wave .
                  ?wave skos:notation ?notation FILTER (STR(?notation) = "{wave}") }}""",
        )
        return int(rows[0]["n"])
    return _waves(release)[wave]


@functools.lru_cache(maxsize=8)
def _waves(release: Path) -> Counter[str]:
    """Cities per survey wave in the city list of ``release``."""
    return Counter(
        wave for city in release_json(release, CITIES_FILE) for wave in city["waves"].split(", ")
    )
