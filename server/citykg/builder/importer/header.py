"""The page header: city and country, the mayor and the lead innovation officer, population."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

from citykg.builder.importer.context import Context, slug
from citykg.builder.namespaces import CITYKG, ORG, SCHEMA
from citykg.builder.profile_text import Line
from citykg.contract import iris
from citykg.contract.findings import Severity

# A population as a page prints it, with the year it refers to: ``600,000 (2019)``.
POPULATION = re.compile(r"^(?P<count>-?[\d][\d,.\s]*)\s*\((?P<year>\d{4})\)$")
PLAUSIBLE_POPULATION = (1_000, 50_000_000)
PLAUSIBLE_YEARS = (2010, 2021)


def header(ctx: Context) -> tuple[Line, Line] | None:
    """City and country: the first two lines before any heading; None (and an error) without."""
    preamble, record = ctx.profile.preamble, ctx.record
    if not preamble:
        first = min((s.heading.number for s in ctx.profile.sections.values()), default=1)
        record.note(first, Severity.ERROR, "no-city", "profile does not start with a city name")
        return None
    if len(preamble) < 2:
        record.note(
            preamble[0].number,
            Severity.ERROR,
            "no-country",
            f"no country line after the city name {preamble[0].text!r}",
        )
        return None
    for extra in preamble[2:]:
        record.skip(
            extra,
            Severity.WARNING,
            "not-understood",
            f"line not understood in the header: {extra.text[:80]!r}; not recorded",
        )
    return preamble[0], preamble[1]


def city(ctx: Context, city_line: Line, country_line: Line, city_slug: str, code: str) -> URIRef:
    """Mint the city and its country, with their Wikidata links from the link file."""
    name, country_name = city_line.text, country_line.text
    country = ctx.links.country(country_name)
    if country is None:
        ctx.record.note(
            country_line,
            Severity.WARNING,
            "unlinked-country",
            f"country {country_name!r} is not in {ctx.links.file}; "
            f"its identifier uses {code!r} instead of an ISO code",
        )
    city_iri, country_iri = URIRef(iris.city(city_slug)), URIRef(iris.country(code))
    entities, record = ctx.entities, ctx.record
    entities.add((city_iri, RDF.type, SCHEMA.City))
    record.fact(city_iri, SCHEMA.name, Literal(name), city_line, into=entities)
    record.fact(city_iri, SCHEMA.containedInPlace, country_iri, country_line, into=entities)
    entities.add((country_iri, RDF.type, SCHEMA.Country))
    record.fact(country_iri, SCHEMA.name, Literal(country_name), country_line, into=entities)
    city_link = ctx.links.city(name, country_name)
    if city_link is None or city_link.wikidata is None:
        why = "has no QID yet" if city_link else f"is not in {ctx.links.file}"
        ctx.record.note(
            city_line,
            Severity.WARNING,
            "unlinked-city",
            f"city {name!r} ({country_name}) {why}; no Wikidata link",
        )
    country_link = country[1] if country else None
    for iri, link in ((city_iri, city_link), (country_iri, country_link)):
        if link is not None and link.wikidata is not None:
            ctx.link_graph.add((iri, OWL.sameAs, URIRef(link.wikidata)))
    return city_iri


def single_value(ctx: Context, key: str) -> Line | None:
    """The one line under a header label such as Mayor; findings if absent or extra."""
    section = ctx.profile.sections.get(key)
    if section is None:
        return None
    if not section.lines:
        ctx.record.note(
            section.heading,
            Severity.WARNING,
            "empty-section",
            f"{section.heading.text!r} has no value",
        )
        return None
    for extra in section.lines[1:]:
        ctx.record.skip(
            extra,
            Severity.WARNING,
            "not-understood",
            f"extra line under {section.heading.text!r}: {extra.text[:80]!r}; not recorded",
        )
    return section.lines[0]


def posts(ctx: Context, city_iri: URIRef, city_slug: str) -> None:
    """The mayor and lead innovation officer: one ORG post of each kind per city, and the
    holding of it that this profile states (a person holds the post as of the profile's wave,
    not forever)."""
    administration = URIRef(f"{city_iri}/administration")
    record = ctx.record
    for key, role, name in (
        ("mayor", CITYKG.Mayor, "mayor"),
        ("officer", CITYKG.LeadInnovationOfficer, "lead-innovation-officer"),
    ):
        line = single_value(ctx, key)
        if line is None:
            continue
        post = URIRef(f"{city_iri}/post/{name}")
        holding = URIRef(f"{ctx.profile_iri}/holding/{name}")
        person = URIRef(iris.person(city_slug, slug(line.text)))
        entities = ctx.entities
        entities.add((city_iri, CITYKG.administration, administration))
        entities.add((administration, RDF.type, ORG.Organization))
        entities.add((administration, ORG.hasPost, post))
        entities.add((post, RDF.type, ORG.Post))
        entities.add((post, ORG.postIn, administration))
        entities.add((post, ORG.role, role))
        record.structure(holding, RDF.type, CITYKG.PostHolding)
        record.fact(ctx.profile_iri, CITYKG.statesHolding, holding, line)
        record.fact(holding, CITYKG.post, post, line)
        record.fact(holding, CITYKG.holder, person, line)
        entities.add((person, RDF.type, SCHEMA.Person))
        record.fact(person, SCHEMA.name, Literal(line.text), line, into=entities)


def population(ctx: Context) -> None:
    """Population with the year it refers to, e.g. ``600,000 (2019)``."""
    line = single_value(ctx, "population")
    if line is None:
        return
    match = POPULATION.match(line.text)
    digits = re.sub(r"[,.\s]", "", match.group("count")) if match else ""
    if not match or not re.fullmatch(r"-?\d+", digits):
        ctx.record.skip(
            line,
            Severity.ERROR,
            "population",
            f"population {line.text!r} is not 'number (year)'; not recorded",
        )
        return
    count, year = int(digits), int(match.group("year"))
    node = URIRef(f"{ctx.profile_iri}/population")
    record = ctx.record
    record.structure(node, RDF.type, CITYKG.PopulationFigure)
    record.fact(ctx.profile_iri, CITYKG.population, node, line)
    record.fact(node, CITYKG.populationCount, Literal(count), line)
    record.fact(node, CITYKG.referenceYear, Literal(str(year), datatype=XSD.gYear), line)
    low, high = PLAUSIBLE_POPULATION
    if not low <= count <= high:
        record.note(
            line,
            Severity.WARNING,
            "implausible",
            f"population {count:,} is outside {low:,} - {high:,}; check the source",
        )
    first, last = PLAUSIBLE_YEARS
    if not first <= year <= last:
        record.note(
            line,
            Severity.WARNING,
            "implausible",
            f"population year {year} is outside {first} - {last}; check the source",
        )
