"""The ranked innovation activities, the funded activities (and the flattened chart after
them: each count can belong to the label before or after it, so it is not recorded) and the
data-availability counts."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from citykg.builder.importer.answers import answer, options, unknown_option
from citykg.builder.importer.context import Context
from citykg.builder.namespaces import CITYKG
from citykg.builder.profile_text import Line, Section
from citykg.contract import survey
from citykg.contract.findings import Severity

_CHART_COUNT = re.compile(r"^\d+ cities$", re.IGNORECASE)
_RANK = re.compile(r"^(?P<a>\d+)\.(?:\s*(?P<b>\d+))?$")


def activities(ctx: Context) -> None:
    """The highlighted top activity (with its gloss) and the seven ranked activities."""
    section = ctx.profile.sections.get("activities")
    if section is None:
        return
    scheme_slug = survey.SCHEMES["activities"]
    scheme = ctx.schemes.scheme(scheme_slug)
    record = ctx.record
    rank: tuple[int, Line] | None = None
    position = 0
    for line in section.lines:
        match = _RANK.match(line.text)
        if match:
            if rank is not None:
                _rank_without_activity(ctx, *rank)
            a, b = match.group("a"), match.group("b")
            if b is not None and a != b:
                record.note(
                    line,
                    Severity.WARNING,
                    "rank-mismatch",
                    f"rank line {line.text!r} gives two numbers; using {b}",
                )
            rank = (int(b or a), line)
            continue
        if scheme.is_scope_note(line.text) or line.text.lower().startswith("e.g."):
            record.layout(line, "the top activity's gloss, published as its skos:scopeNote")
            continue
        if rank is None:
            if position == 0:
                answer(ctx, scheme_slug, CITYKG.topActivity, line)
            else:
                record.skip(
                    line,
                    Severity.WARNING,
                    "not-understood",
                    f"activity {line.text[:80]!r} has no rank; not recorded",
                )
            continue
        position += 1
        concept = scheme.match(line.text)
        node = URIRef(f"{ctx.profile_iri}/activity/{position}")
        record.structure(node, RDF.type, CITYKG.RankedActivity)
        record.fact(ctx.profile_iri, CITYKG.rankedActivity, node, rank[1])
        record.fact(node, CITYKG.rank, Literal(rank[0]), rank[1])
        if concept is not None:
            record.fact(node, CITYKG.activity, concept, line)
        else:
            record.text(node, CITYKG.activityText, line.text, line)
            unknown_option(ctx, scheme, line.text, line, "citykg:activityText")
        rank = None
    if rank is not None:
        _rank_without_activity(ctx, *rank)


def _rank_without_activity(ctx: Context, rank: int, line: Line) -> None:
    ctx.record.skip(
        line,
        Severity.WARNING,
        "rank-without-activity",
        f"rank {rank} is not followed by an activity; not recorded",
    )


def funded_activities(ctx: Context) -> None:
    """The city's own funded activities; the flattened chart after them is not a fact."""
    section = ctx.profile.sections.get("funded-activities")
    if section is None:
        return
    lines = section.lines
    chart = next((i for i, x in enumerate(lines) if _CHART_COUNT.match(x.text)), None)
    own = lines if chart is None else lines[:chart]
    own_section = Section(section.key, section.heading, section.match, own)
    funded = survey.BY_KEY["funded-activities"]
    options(ctx, own_section, funded.scheme, CITYKG[funded.property])
    if chart is None:
        return
    scheme = ctx.schemes.scheme(funded.scheme)
    rest = lines[chart:]
    end = next(
        (
            i
            for i, x in enumerate(rest)
            if not _CHART_COUNT.match(x.text) and scheme.match(x.text) is None
        ),
        len(rest),
    )
    first, last = rest[0].number, rest[max(end, 1) - 1].number
    message = (
        f"the funded-activity chart (lines {first}-{last}) is flattened: each count can belong "
        "to the label before or after it, so its counts are not recorded"
    )
    ctx.record.skip_all(rest[:end], Severity.INFO, "ambiguous-chart", message)
    for line in rest[end:]:
        ctx.record.skip(
            line,
            Severity.WARNING,
            "not-understood",
            f"line not understood after the funded-activity chart: {line.text[:80]!r}",
        )


def data_counts(ctx: Context) -> None:
    """The two numbers printed under 'Data availability by policy area'."""
    section = ctx.profile.sections.get("data-availability")
    if section is None:
        return
    numbers = [x for x in section.lines if x.text.isdigit()]
    for line in section.lines:
        if not line.text.isdigit():
            ctx.record.skip(
                line,
                Severity.WARNING,
                "not-understood",
                f"line not understood under data availability: {line.text[:80]!r}",
            )
    props = (CITYKG.statedSufficientDataCount, CITYKG.statedInsufficientDataCount)
    for prop, line in zip(props, numbers, strict=False):
        ctx.record.fact(ctx.profile_iri, prop, Literal(int(line.text)), line)
    if len(numbers) != 2:
        ctx.record.note(
            section.heading,
            Severity.WARNING,
            "data-counts",
            f"expected two counts (sufficient, insufficient), found {len(numbers)}",
        )
