"""The spotlight: a paragraph on one initiative (its quoted name and launch year recorded), a
paragraph naming none, or an intro line followed by a list of initiative names."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from citykg.builder.importer.completeness import complete_lines
from citykg.builder.importer.context import Context
from citykg.builder.namespaces import CITYKG, SCHEMA
from citykg.builder.profile_text import Line
from citykg.contract.findings import Severity

_LAUNCH = re.compile(r"\b(?:Launched|Started|Created|Established) in (?P<year>\d{4})\b", re.I)
_QUOTED = re.compile(r"[“\"](?P<name>[^”\"]{2,200})[”\"]")
_MAX_NAME_WORDS = 12


def spotlight(ctx: Context) -> None:
    """Record the spotlight section in whichever form it takes."""
    section = ctx.profile.sections.get("spotlight")
    if section is None:
        return
    lines = complete_lines(ctx, section.lines)
    if not lines:
        ctx.record.note(section.heading, Severity.WARNING, "empty-section", "spotlight has no text")
        return
    if _is_list(lines):
        _listed(ctx, lines[0], lines[1:])
    else:
        _paragraph(ctx, lines)


def _is_list(lines: list[Line]) -> bool:
    """An intro line ending in a colon that names no initiative itself, followed by short lines
    that are no sentences: initiative names."""
    return (
        len(lines) > 1
        and lines[0].text.endswith(":")
        and not _QUOTED.search(lines[0].text)
        and all(
            len(x.text.split()) <= _MAX_NAME_WORDS and not x.text.endswith((".", "!", "?"))
            for x in lines[1:]
        )
    )


def _paragraph(ctx: Context, lines: list[Line]) -> None:
    record = ctx.record
    node = URIRef(f"{ctx.profile_iri}/spotlight")
    first, last = lines[0], lines[-1]
    record.structure(node, RDF.type, CITYKG.SpotlightInitiative)
    record.fact(ctx.profile_iri, CITYKG.spotlight, node, first, last)
    text = " ".join(line.text for line in lines)
    record.text(node, SCHEMA.description, text, *lines, lang="en")
    name = _QUOTED.search(text)
    if name:
        record.fact(node, SCHEMA.name, Literal(name.group("name").strip(), lang="en"), first, last)
    else:
        record.note(
            first,
            Severity.INFO,
            "spotlight-name",
            "no quoted initiative name in the spotlight; name not recorded",
        )
    launch = _LAUNCH.search(text)
    if launch:
        year = Literal(launch.group("year"), datatype=XSD.gYear)
        record.fact(node, CITYKG.launchYear, year, first, last)


def _listed(ctx: Context, intro: Line, items: list[Line]) -> None:
    record = ctx.record
    record.text(ctx.profile_iri, CITYKG.spotlightStatement, intro.text, intro, lang="en")
    for position, line in enumerate(items, start=1):
        node = URIRef(f"{ctx.profile_iri}/spotlight/{position}")
        record.structure(node, RDF.type, CITYKG.SpotlightInitiative)
        record.fact(ctx.profile_iri, CITYKG.spotlight, node, line)
        record.text(node, SCHEMA.name, line.text, line, lang="en")
