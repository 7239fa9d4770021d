"""Where a page stops: a line cut in the middle (real pages can stop anywhere, mid-heading or
mid-word), and the sections a complete page has that this one lacks.

What stands before the cut is still the city's answer; the cut fragment is not an answer.
"""

from __future__ import annotations

import re

from citykg.builder.concept_schemes import normalise
from citykg.builder.importer.context import Context
from citykg.builder.namespaces import CITYKG
from citykg.builder.profile_text import Line
from citykg.contract import survey
from citykg.contract.findings import Severity

# Sections a complete profile has, and the sentences that stand for a section.
EXPECTED = [s.key for s in survey.SECTIONS if s.required]
EXPECTED_SENTENCES = ["strategy", "approach", "dedicated-funding", "partnerships"]
_ENDED = re.compile(r"[.!?:;)\"”’*]$")
_NUMBERS = re.compile(r"^(?:\d+|\d+\.(?:\s*\d+)?|\d+ cities)$", re.IGNORECASE)


def find_cut(ctx: Context) -> None:
    """Set ``ctx.cut`` when the page's last line stops in the middle; a cut line of an answer
    list leaves the list with a finding."""
    profile, last = ctx.profile, ctx.profile.last_line
    if profile.wave_note is not None and profile.wave_note.line.number == last:
        return  # the page ends in the note (whole or cut): no answer is cut
    for key, section in profile.sections.items():
        if not section.lines or section.lines[-1].number != last:
            continue
        line = section.lines[-1]
        if key in survey.SCHEMES and not _complete_option(ctx, key, line):
            ctx.cut = line
            section.lines.pop()
            _skip_fragment(ctx, line)
        elif key in survey.FREE_TEXT_SECTIONS and not _ENDED.search(line.text):
            ctx.cut = line
        elif key in survey.SENTENCE_SECTIONS and not _ENDED.search(line.text):
            ctx.cut = line
            section.lines.pop()
            _skip_fragment(ctx, line)
        return
    stray = profile.stray[-1] if profile.stray else None
    if stray is not None and stray.number == last and not _ENDED.search(stray.text):
        ctx.cut = stray
        profile.stray.pop()
        _skip_fragment(ctx, stray)
        return
    sentence = profile.sentences[-1] if profile.sentences else None
    if (
        sentence is not None
        and sentence.line.number == last
        and sentence.key == "unknown"
        and not _ENDED.search(sentence.match.group(0))
    ):
        ctx.cut = sentence.line


def _complete_option(ctx: Context, key: str, line: Line) -> bool:
    """Whether the last line of an answer list stands whole: an option, a gloss, a number, or
    an unknown answer. It is cut when it begins an option's label without ending it, or names
    the city (as a heading does; an option never does)."""
    scheme = ctx.schemes.scheme(survey.SCHEMES[key])
    text = normalise(line.text)
    if scheme.match(line.text) is not None or _NUMBERS.match(line.text):
        return True
    begins_option = any(label.startswith(text) for label in scheme.by_label)
    city = normalise(ctx.profile.preamble[0].text) if ctx.profile.preamble else None
    return not begins_option and not (city and city in text)


def _skip_fragment(ctx: Context, line: Line) -> None:
    ctx.record.skip(
        line,
        Severity.WARNING,
        "cut",
        f"the page stops in the middle of this line: {line.text[:80]!r} is a fragment, "
        "not an answer; not recorded",
    )


def complete_lines(ctx: Context, lines: list[Line]) -> list[Line]:
    """Prose lines without the fragment the page was cut in: the cut line keeps its complete
    sentences, or is left out (with a finding) when it has none."""
    if ctx.cut is None or not lines or lines[-1] is not ctx.cut:
        return lines
    cut = lines[-1]
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s)", cut.text)]
    if not ends:
        _skip_fragment(ctx, cut)
        return lines[:-1]
    kept, fragment = cut.text[: ends[-1]], cut.text[ends[-1] :].strip()
    ctx.record.note(
        cut,
        Severity.WARNING,
        "cut",
        f"the page stops in the middle of this line: the fragment {fragment[:80]!r} is not "
        "recorded; the sentences before it are",
    )
    return [*lines[:-1], Line(cut.number, kept)]


def missing_sections(ctx: Context) -> None:
    """A finding for the sections and sentences a complete profile has and this one lacks: one
    for each, or one for all of them when the page was cut off."""
    profile = ctx.profile
    seen = set(profile.sections) - {"placement"}
    seen |= {s.key for s in profile.sentences}
    graph, p = ctx.record.graph, ctx.profile_iri
    if (p, CITYKG.placement, None) in graph or (p, CITYKG.placementStatement, None) in graph:
        seen.add("placement")
    if "roles-prose" in seen:
        seen.add("roles")
    missing = [k for k in [*EXPECTED, *EXPECTED_SENTENCES, "placement"] if k not in seen]
    if not missing:
        return
    end = profile.last_line
    names = [k.replace("-", " ") for k in missing]
    if ctx.cut is not None:
        ctx.record.note(
            end,
            Severity.WARNING,
            "missing-section",
            f"the page stops at line {end}, in the middle of a line; it has no "
            f"{', '.join(names)} section or sentence",
        )
        return
    for name in names:
        ctx.record.note(
            end,
            Severity.WARNING,
            "missing-section",
            f"no {name} section or sentence (file ends at line {end})",
        )
