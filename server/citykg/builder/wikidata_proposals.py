"""Proposing Wikidata links for cities and countries the curated link file lacks.

For each city of a profile without a QID in data/wikidata-links.csv, a SPARQL endpoint (Wikidata,
or a stand-in) is asked for items with that English label, an instance of (a subclass of) city
(wd:Q515) in that country; for each country without a QID, items with that label that are
countries (wd:Q6256). One candidate is a proposal; several are ambiguous (Braga has a municipality
item and a city-seat item) and are listed for a person to decide; none is reported. Nothing is
written to the link file: proposals go to a review file.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass

from citykg import __version__
from citykg.builder.profile_text import decode_lines, split_profile
from citykg.builder.wikidata_links import WikidataLinks
from citykg.contract.iris import DEFAULT_BASE, WD, WDT
from citykg.contract.iris import PREFIXES as IRI_PREFIXES

USER_AGENT = f"citykg/{__version__} ({DEFAULT_BASE}; linked-data publisher)"
PREFIXES = f"""PREFIX wd: <{WD}>
PREFIX wdt: <{WDT}>
PREFIX rdfs: <{IRI_PREFIXES["rdfs"]}>
"""


class EndpointError(RuntimeError):
    """The SPARQL endpoint could not be asked."""


@dataclass(frozen=True)
class Proposal:
    """The outcome for one city or country."""

    kind: str
    name: str
    country: str
    status: str  # proposed, ambiguous, not found
    candidates: tuple[str, ...]

    @property
    def wikidata(self) -> str:
        """The proposed QID (only when exactly one candidate was found)."""
        return self.candidates[0].rsplit("/", 1)[-1] if self.status == "proposed" else ""


def places_in_profiles(profiles: Iterable[tuple[str, bytes]]) -> list[tuple[str, str]]:
    """(city, country) named at the head of each profile, in order, without repeats."""
    seen: dict[tuple[str, str], None] = {}
    for path, data in profiles:
        lines, _ = decode_lines(data, path)
        profile, _ = split_profile(lines, path)
        if len(profile.preamble) >= 2:
            seen[(profile.preamble[0].text, profile.preamble[1].text)] = None
    return list(seen)


def propose(
    places: list[tuple[str, str]], links: WikidataLinks, endpoint: str, timeout: float = 30.0
) -> list[Proposal]:
    """Ask ``endpoint`` about every city and country that has no QID yet."""
    proposals = []
    countries_done: set[str] = set()
    for city, country in places:
        known_country = links.country(country)
        country_iri = known_country[1].wikidata if known_country else None
        if country not in countries_done and country_iri is None:
            countries_done.add(country)
            found = _ask(endpoint, _country_query(country), timeout)
            proposals.append(_outcome("country", country, "", found))
        link = links.city(city, country)
        if link is None or link.wikidata is None:
            found = _ask(endpoint, _city_query(city, country, country_iri), timeout)
            proposals.append(_outcome("city", city, country, found))
    return proposals


def proposals_csv(proposals: list[Proposal]) -> str:
    """The review file: one row per city or country, in the link file's columns plus status."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kind", "name", "country", "wikidata", "status", "candidates"])
    for p in proposals:
        writer.writerow([p.kind, p.name, p.country, p.wikidata, p.status, " ".join(p.candidates)])
    return out.getvalue()


def _outcome(kind: str, name: str, country: str, found: list[str]) -> Proposal:
    status = {0: "not found", 1: "proposed"}.get(len(found), "ambiguous")
    return Proposal(kind, name, country, status, tuple(found))


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"@en'


def _city_query(city: str, country: str, country_iri: str | None) -> str:
    in_country = (
        f"?item wdt:P17 <{country_iri}> ."
        if country_iri
        else f"?item wdt:P17 ?country . ?country rdfs:label {_literal(country)} ."
    )
    return (
        PREFIXES
        + f"""SELECT DISTINCT ?item WHERE {{
  ?item rdfs:label {_literal(city)} .
  ?item wdt:P31/wdt:P279* wd:Q515 .
  {in_country}
}} ORDER BY ?item LIMIT 20"""
    )


def _country_query(country: str) -> str:
    return (
        PREFIXES
        + f"""SELECT DISTINCT ?item WHERE {{
  ?item rdfs:label {_literal(country)} ; wdt:P31 wd:Q6256 .
}} ORDER BY ?item LIMIT 20"""
    )


def _ask(endpoint: str, query: str, timeout: float) -> list[str]:
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        endpoint,
        data=data,
        method="POST",
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": USER_AGENT,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = json.load(response)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise EndpointError(f"could not query {endpoint}: {exc}") from None
    except json.JSONDecodeError:
        raise EndpointError(f"{endpoint} did not answer SPARQL JSON results") from None
    return [
        row["item"]["value"] for row in body.get("results", {}).get("bindings", []) if "item" in row
    ]
