"""The survey's fixed sentences: the city's answer, and the survey-wide figure that opened it.

A figure ("Along with 50% of cities surveyed") goes to the statistics graph as an RDF Data Cube
observation, never onto the city: survey-wide figures are the survey's, not the city's. A figure
introduced by "Unlike" counts the cities that gave the opposite answer.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, QB, RDF, RDFS, XSD

from citykg.builder.importer.answers import partnerships, placement_sentence, split_list
from citykg.builder.importer.context import Context
from citykg.builder.namespaces import CITYKG
from citykg.builder.profile_text import Line, Sentence
from citykg.builder.survey_sentences import figure_like
from citykg.contract import iris
from citykg.contract.findings import Severity

STATISTICS = URIRef(iris.STATISTICS)
# Approach concept slug -> the indicator its survey-wide figure measures.
# "Unlike N% of cities, X does not …": the N% gave the opposite answer.
OPPOSITES = {
    "explicit-strategy": "no-explicit-strategy",
    "no-explicit-strategy": "explicit-strategy",
    "dedicated-funding": "no-dedicated-funding",
    "no-dedicated-funding": "dedicated-funding",
    "funds-staff-training": "no-staff-training-funding",
    "no-staff-training-funding": "funds-staff-training",
}
APPROACH_INDICATORS = {
    "holistic-and-specific": "holistic-and-specific-approach",
    "holistic": "holistic-approach",
    "specific-policy-areas": "specific-policy-areas-approach",
}


def sentence(ctx: Context, found: Sentence) -> None:
    """Record one survey sentence."""
    p, line, match, record = ctx.profile_iri, found.line, found.match, ctx.record
    negative = "not" in (match.groupdict().get("neg") or "")
    indicator = None
    if found.key == "strategy":
        record.fact(p, CITYKG.hasExplicitStrategy, Literal(not negative), line)
        indicator = "no-explicit-strategy" if negative else "explicit-strategy"
    elif found.key == "dedicated-funding":
        record.fact(p, CITYKG.hasDedicatedFunding, Literal(not negative), line)
        indicator = "no-dedicated-funding" if negative else "dedicated-funding"
    elif found.key == "staff-training":
        record.fact(p, CITYKG.fundsStaffTraining, Literal(not negative), line)
        if not negative:
            training = ctx.schemes.concept(
                "funded-activity", "training-staff-and-building-capacity"
            )
            record.fact(p, CITYKG.fundedActivity, training, line)
        indicator = "no-staff-training-funding" if negative else "funds-staff-training"
    elif found.key == "approach":
        indicator = approach(ctx, match.group("how"), found.text, line)
    elif found.key in ("placement", "no-team"):
        placement_sentence(ctx, match.group("where"), found.text, line)
    elif found.key == "partnerships":
        partnerships(ctx, match.group("with"), line)
    elif found.key == "data-partnerships":
        record.text(p, CITYKG.dataPartnershipsStatement, found.text, line)
        for partner in split_list(match.group("with")):
            record.text(p, CITYKG.dataPartner, re.sub(r"^the ", "", partner), line)
    elif found.key == "option-footnote":
        record.layout(line, "footnote on the survey's answer options, not the city's answer")
    else:
        _unknown(ctx, found)
    if found.figure is not None:
        if indicator is not None and found.figure.group("relation").lower() == "unlike":
            indicator = OPPOSITES.get(indicator)
        if indicator is None:
            record.note(
                line,
                Severity.WARNING,
                "figure-unused",
                "survey-wide figure that no indicator citykg models counts; not recorded",
            )
        else:
            statistic(ctx, indicator, found.figure, line)
    elif figure_like(found.text):
        opening = found.text.split(",", 1)[0]
        record.note(
            line,
            Severity.WARNING,
            "figure-not-understood",
            f"{opening[:80]!r} reads like a survey-wide figure, but not one citykg reads "
            "(a relation, a share, and the cities it counts); the figure is not recorded",
        )


def _unknown(ctx: Context, found: Sentence) -> None:
    """A sentence citykg does not read, on a line whose other sentences it reads."""
    text = found.match.group(0)
    if ctx.cut is found.line and found.match.end() == len(found.match.string):
        message = f"the page stops in the middle of this line: {text[:80]!r} is not recorded"
        ctx.record.note(found.line, Severity.WARNING, "cut", message)
        return
    message = f"part of the line is not a sentence citykg reads: {text[:80]!r}; not recorded"
    ctx.record.note(found.line, Severity.WARNING, "not-understood", message)


def approach(ctx: Context, how: str, text: str, line: Line) -> str | None:
    """Holistic, specific policy areas, or both; the indicator of its survey-wide figure."""
    holistic, specific = "holistic" in how.lower(), "specific" in how.lower()
    slug = {
        (True, True): "holistic-and-specific",
        (True, False): "holistic",
        (False, True): "specific-policy-areas",
    }.get((holistic, specific))
    if slug is None:
        ctx.record.text(ctx.profile_iri, CITYKG.approachStatement, text, line)
        ctx.record.note(
            line,
            Severity.WARNING,
            "unknown-option",
            f"approach {how!r} is neither holistic nor specific; kept as text",
        )
        return None
    concept = ctx.schemes.concept("approach", slug)
    ctx.record.fact(ctx.profile_iri, CITYKG.approach, concept, line)
    return APPROACH_INDICATORS[slug]


def statistic(ctx: Context, indicator: str, figure: re.Match[str], line: Line) -> None:
    """A survey-wide figure as a Data Cube observation in the statistics graph: which cities it
    counts (the wave it names, or both waves when it names none or both) and whether the
    printed share is about right ("50%") or a lower bound ("more than half", "over half")."""
    share_text = figure.group("share").lower().replace(" ", "")
    share = Decimal("0.5") if "half" in share_text else Decimal(share_text.rstrip("%")) / 100
    years = sorted(set(re.findall(r"\b\d{4}\b", figure.group("cities"))))
    coverage = "both-waves" if years in ([], ["2018", "2020"]) else "-".join(years)
    if coverage not in ("2018", "2020", "both-waves"):
        ctx.record.note(
            line,
            Severity.WARNING,
            "wave",
            f"survey wave {coverage} is unknown; figure not recorded",
        )
        return
    qualifier = "more-than" if share_text.startswith(("morethan", "over")) else "about"
    obs = URIRef(f"{STATISTICS}/{indicator}/{coverage}")
    stats, schemes = ctx.statistics, ctx.schemes
    stats.add((STATISTICS, RDF.type, QB.DataSet))
    stats.add((STATISTICS, QB.structure, CITYKG.SurveyStatisticsStructure))
    label = Literal("Survey-wide figures quoted in the profiles", lang="en")
    stats.add((STATISTICS, RDFS.label, label))
    stats.add((obs, RDF.type, QB.Observation))
    stats.add((obs, QB.dataSet, STATISTICS))
    stats.add((obs, CITYKG.indicator, schemes.concept("survey-indicator", indicator)))
    stats.add((obs, CITYKG.surveyCoverage, schemes.concept("survey-coverage", coverage)))
    stats.add((obs, PROV.wasDerivedFrom, ctx.source.iri))
    value = Literal(share.normalize(), datatype=XSD.decimal)
    ctx.record.fact(obs, CITYKG.shareOfCities, value, line, into=stats)
    bound = schemes.concept("share-qualifier", qualifier)
    ctx.record.fact(obs, CITYKG.shareQualifier, bound, line, into=stats)
