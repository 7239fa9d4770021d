"""The curated Wikidata link file (data/wikidata-links.csv): cities and countries to QIDs.

Columns: ``kind`` (city or country), ``name``, ``country`` (cities), ``iso3`` (countries),
``wikidata`` (a QID such as ``Q2079`` or an entity IRI; empty when not yet verified), ``note``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from citykg.builder.concept_schemes import normalise
from citykg.builder.namespaces import WD
from citykg.contract.findings import Finding, Severity
from citykg.contract.iris import is_iri

_QID = re.compile(r"^Q[1-9][0-9]*$")


@dataclass(frozen=True)
class WikidataLink:
    """One row: the Wikidata IRI (None when unverified), its source line and note."""

    wikidata: str | None
    line: int
    note: str


@dataclass
class WikidataLinks:
    """Countries by name and cities by (name, country), as the link file states them."""

    file: str = "data/wikidata-links.csv"
    countries: dict[str, tuple[str, WikidataLink]] = field(default_factory=dict)
    cities: dict[tuple[str, str], WikidataLink] = field(default_factory=dict)

    def country(self, name: str) -> tuple[str, WikidataLink] | None:
        """(ISO 3166-1 alpha-3 code, link) of a country, by name."""
        return self.countries.get(normalise(name))

    def city(self, name: str, country: str) -> WikidataLink | None:
        """The link of a city, by name and country name."""
        return self.cities.get((normalise(name), normalise(country)))


def parse_links(text: str, file: str) -> tuple[WikidataLinks, list[Finding]]:
    """Read the link file; every row that cannot be used is a finding naming its line."""
    links, findings = WikidataLinks(file=file), []
    reader = csv.DictReader(io.StringIO(text))
    missing = {"kind", "name", "country", "iso3", "wikidata"} - set(reader.fieldnames or [])
    if missing:
        msg = f"link file lacks the columns {', '.join(sorted(missing))}"
        return links, [Finding(file, 1, Severity.ERROR, "links-columns", msg)]
    try:
        for row in reader:
            _read_row(row, reader.line_num, file, links, findings)
    except csv.Error as exc:
        msg = f"not a readable CSV row ({exc}); the rows after it were not read"
        findings.append(Finding(file, reader.line_num + 1, Severity.ERROR, "links-csv", msg))
    return links, findings


def _read_row(
    row: dict[str, str], line: int, file: str, links: WikidataLinks, findings: list[Finding]
) -> None:
    kind, name = (row["kind"] or "").strip(), (row["name"] or "").strip()
    wikidata = _wikidata_iri(row["wikidata"] or "")
    if wikidata is not None and not is_iri(wikidata):
        msg = f"{wikidata!r} is neither a Wikidata QID nor an IRI; the row was not read"
        findings.append(Finding(file, line, Severity.ERROR, "links-iri", msg))
        return
    link = WikidataLink(wikidata, line, (row.get("note") or "").strip())
    if not name:
        findings.append(Finding(file, line, Severity.WARNING, "links-row", "row has no name"))
    elif kind == "country":
        iso3 = (row["iso3"] or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", iso3):
            msg = f"country {name!r} needs a three-letter ISO code, got {iso3!r}"
            findings.append(Finding(file, line, Severity.WARNING, "links-row", msg))
            return
        links.countries[normalise(name)] = (iso3, link)
    elif kind == "city":
        links.cities[(normalise(name), normalise(row["country"] or ""))] = link
    else:
        msg = f"unknown kind {kind!r} (expected city or country)"
        findings.append(Finding(file, line, Severity.WARNING, "links-row", msg))


def _wikidata_iri(value: str) -> str | None:
    """A QID becomes its entity IRI; anything else is kept as written for SHACL to judge."""
    value = value.strip()
    if not value:
        return None
    return f"{WD}{value}" if _QID.match(value) else value
