"""Answer lists (one option a line), roles, placement and partnerships.

An answer that names no option of its list is kept as text on an ``citykg:UnlistedAnswer``
(with its line and a warning suggesting the nearest option), never dropped.
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from citykg.builder.concept_schemes import ConceptScheme, normalise
from citykg.builder.importer.completeness import complete_lines
from citykg.builder.importer.context import Context
from citykg.builder.namespaces import CITYKG
from citykg.builder.profile_text import Line, Section
from citykg.contract import survey
from citykg.contract.findings import Severity

# Section key -> property, for the plain list sections.
LIST_SECTIONS = {key: CITYKG[name] for key, name in survey.LIST_SECTIONS.items()}
# A gloss: a sentence of some words that ends with a full stop.
_GLOSS = re.compile(r"^(?:\S+\s+){4,}\S+\.$")
_NO_TEAM = re.compile(r"\bdoes not have a dedicated (?:innovation )?team\b", re.IGNORECASE)


def answer(
    ctx: Context, scheme_slug: str, prop: URIRef, line: Line, text: str | None = None
) -> URIRef | None:
    """Record the answer ``text`` (default: the whole line) to ``prop``: its option, or the text
    itself as an unlisted answer with a warning. Returns the option, or the unlisted answer."""
    text = line.text if text is None else text
    scheme = ctx.schemes.scheme(scheme_slug)
    concept = scheme.match(text)
    if concept is not None:
        ctx.record.fact(ctx.profile_iri, prop, concept, line)
        return concept
    node, n = URIRef(f"{ctx.profile_iri}/unlisted/{line.number}"), 1
    while (node, RDF.type, CITYKG.UnlistedAnswer) in ctx.record.graph:
        n += 1
        node = URIRef(f"{ctx.profile_iri}/unlisted/{line.number}-{n}")
    ctx.record.structure(node, RDF.type, CITYKG.UnlistedAnswer)
    ctx.record.fact(ctx.profile_iri, CITYKG.unlistedAnswer, node, line)
    ctx.record.fact(node, CITYKG.answerTo, prop, line)
    ctx.record.text(node, CITYKG.answerText, text, line)
    unknown_option(ctx, scheme, text, line, "citykg:UnlistedAnswer")
    return node


def unknown_option(
    ctx: Context, scheme: ConceptScheme, text: str, line: Line, kept_as: str
) -> None:
    """The warning for an answer that names no option of ``scheme``, kept as ``kept_as``."""
    hint = scheme.suggest(text)
    hint = f" (did you mean {hint!r}?)" if hint else ""
    ctx.record.note(
        line,
        Severity.WARNING,
        "unknown-option",
        f"{text[:80]!r} is not an option of scheme {scheme.iri}{hint}; kept as text ({kept_as})",
    )


def options(ctx: Context, section: Section, scheme_slug: str, prop: URIRef) -> None:
    """A list section: each line one answer. An option's label printed again and followed by
    a gloss is the title of the gloss, as real pages print a tooltip ("Municipal budget",
    "Municipal budget", "This could include, …"); the gloss of an unlisted answer is kept on
    it as its ``skos:scopeNote``."""
    scheme = ctx.schemes.scheme(scheme_slug)
    seen: dict[str, Line] = {}
    lines = section.lines
    recorded: URIRef | None = None  # what the last answer line recorded
    for index, line in enumerate(lines):
        if scheme.is_scope_note(line.text):
            ctx.record.layout(line, "the option's gloss, published as its skos:scopeNote")
            continue
        if _tooltip_title(lines, index, scheme):
            ctx.record.layout(line, "the option's label repeated as the title of its gloss")
            continue
        if index > 0 and _tooltip_title(lines, index - 1, scheme):
            if (
                recorded is not None
                and (recorded, RDF.type, CITYKG.UnlistedAnswer) in ctx.record.graph
            ):
                ctx.record.text(recorded, SKOS.scopeNote, line.text, line, lang="en")
            else:
                ctx.record.layout(
                    line, "the option's gloss, worded otherwise than its skos:scopeNote"
                )
            continue
        key = normalise(line.text)
        if key in seen:
            ctx.record.skip(
                line,
                Severity.WARNING,
                "duplicate-answer",
                f"{line.text!r} repeats line {seen[key].number}; counted once",
            )
            continue
        seen[key] = line
        recorded = answer(ctx, scheme_slug, prop, line)


def _tooltip_title(lines: list[Line], index: int, scheme: ConceptScheme) -> bool:
    """Whether line ``index`` repeats the label above it and a gloss follows: an option's
    scope note, or a sentence (a gloss of an option citykg does not know)."""
    if not 0 < index < len(lines) - 1:
        return False
    if normalise(lines[index].text) != normalise(lines[index - 1].text):
        return False
    gloss = lines[index + 1].text
    return scheme.is_scope_note(gloss) or bool(_GLOSS.match(gloss))


def roles(ctx: Context) -> None:
    """Innovation roles: the stated count and the listed roles, or the prose that stands for
    them (a city without a dedicated team describes its organisation instead)."""
    section = ctx.profile.sections.get("roles")
    if section is not None:
        count = int(section.match.group("count"))
        ctx.record.fact(ctx.profile_iri, CITYKG.statedRoleCount, Literal(count), section.heading)
        roles = survey.BY_KEY["roles"]
        options(ctx, section, roles.scheme, CITYKG[roles.property])
    prose = ctx.profile.sections.get("roles-prose")
    if prose is None:
        return
    if not prose.lines:
        ctx.record.note(
            prose.heading, Severity.WARNING, "empty-section", "the roles section has no text"
        )
    for line in complete_lines(ctx, prose.lines):
        ctx.record.text(ctx.profile_iri, CITYKG.rolesStatement, line.text, line)
        _no_team(ctx, line)


def placement_prose(ctx: Context) -> None:
    """Free prose where the placement answer stands (after the roles list): kept verbatim."""
    section = ctx.profile.sections.get("placement")
    for line in complete_lines(ctx, section.lines) if section else []:
        ctx.record.text(ctx.profile_iri, CITYKG.placementStatement, line.text, line)
        _no_team(ctx, line)


def _no_team(ctx: Context, line: Line) -> None:
    """Prose saying the city has no dedicated team gives that placement option too."""
    if _NO_TEAM.search(line.text):
        concept = ctx.schemes.concept("placement", "no-dedicated-team")
        ctx.record.fact(ctx.profile_iri, CITYKG.placement, concept, line)


def placement_sentence(ctx: Context, where: str, text: str, line: Line) -> None:
    """The fixed placement sentence (``text``): verbatim, and its option if it names one."""
    ctx.record.text(ctx.profile_iri, CITYKG.placementStatement, text, line)
    scheme = ctx.schemes.scheme("placement")
    concept = scheme.match(where)
    if concept is not None:
        ctx.record.fact(ctx.profile_iri, CITYKG.placement, concept, line)
    elif scheme.suggest(where):
        unknown_option(ctx, scheme, where, line, "citykg:placementStatement")


def partnerships(ctx: Context, partners: str, line: Line) -> None:
    """Kinds of partner named in the partnership sentence."""
    for partner in split_list(partners):
        answer(ctx, "partnership-type", CITYKG.partnership, line, partner)


def split_list(text: str) -> list[str]:
    """``a, b and c`` -> ``[a, b, c]`` (a name with "and" inside the last item is split too)."""
    *head, last = text.split(",")
    parts = [*head, *last.rsplit(" and ", 1)]
    return [re.sub(r"^and\s+", "", p.strip()) for p in parts if p.strip()]
