"""Where a page stops: a line cut in the middle (real pages can stop anywhere, mid-heading or
mid-word), and the sections a complete page has that this one lacks.

What stands before the cut is still the city's answer; the cut fragment is not an answer.
"""

from __future__ import annotations

import re

from citykg.builder.concept_schemes import normalise
from citykg.builder.importer.context import Context
from citykg.builder.importer.header import POPULATION
from citykg.builder.namespaces import CITYKG
from citykg.builder.profile_text import Line
from citykg.builder.sentence_bounds import sentence_ends
from citykg.contract import survey
from citykg.contract.findings import Severity

# Sections a complete profile has, and the sentences that stand for a section.
EXPECTED = [s.key for s in survey.SECTIONS if s.required]
EXPECTED_SENTENCES = ["strategy", "approach", "dedicated-funding", "partnerships"]
_ENDED = re.compile(r"[.!?:;)\"”’*]$")
# Lines of an answer list that are whole as they stand: a rank ("3. 3"), a chart's count.
_WHOLE_NUMBERS = re.compile(r"^(?:\d+\.\s*\d+|\d+ cities)$", re.IGNORECASE)


def find_cut(ctx: Context) -> None:
    """Set ``ctx.cut`` when the page may stop in the middle of its last line; a fragment of an
    answer list, of the header or of a sentence part is taken out with a ``cut`` finding.

    The last line is whole when citykg recognises it whole (an option's label, a gloss, a rank
    or a chart's count, a sentence that ends, a population with its year, a known country).
    Anything else (an unknown answer, a name, a number) could be the start of a longer line:
    it is whole only when a line break follows it, and on a list not even then when it begins
    an option's label or names the city, as a cut heading does."""
    profile, last = ctx.profile, ctx.profile.last_line
    note = profile.wave_note
    if note is not None and note.line.number == last:
        if not _ENDED.search(note.line.text):  # still the note: it marks the 2018 wave
            ctx.cut = note.line
            message = "the page stops in the middle of the 2018 snapshot note: it still marks "
            ctx.record.note(note.line, Severity.WARNING, "cut", message + "the 2018 wave")
        return
    preamble = profile.preamble
    if len(preamble) >= 2 and preamble[-1].number == last:
        known = len(preamble) == 2 and ctx.links.country(preamble[1].text) is not None
        if not (known or profile.last_line_ended):
            ctx.cut = preamble.pop()  # a heading begun, or a country cut short
            _skip_fragment(ctx, ctx.cut)
        return
    for key, section in profile.sections.items():
        if not section.lines and section.heading.number == last:
            ctx.cut = section.heading
            message = "the page stops at this heading (perhaps in the middle of it): nothing "
            ctx.record.note(
                section.heading, Severity.WARNING, "cut", message + "of its section is on it"
            )
            return
        if section.lines and section.lines[-1].number == last:
            _cut_section(ctx, key, section.lines)
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


def _cut_section(ctx: Context, key: str, lines: list[Line]) -> None:
    """Set ``ctx.cut`` when the page's last line, the last of section ``key``, may be cut;
    take it out of the section (a finding says so) unless it is prose, whose whole sentences
    are kept (:func:`complete_lines`)."""
    line = lines[-1]
    if key in survey.FREE_TEXT_SECTIONS:
        if not _ENDED.search(line.text):
            ctx.cut = line
        return
    if key in survey.SCHEMES:
        whole = _whole_option(ctx, key, line)
    elif key == "population":
        whole = bool(POPULATION.match(line.text)) or ctx.profile.last_line_ended
    elif key in survey.HEADER_SECTIONS or key in survey.NUMBER_SECTIONS:
        whole = ctx.profile.last_line_ended
    elif key in survey.SENTENCE_SECTIONS:
        whole = bool(_ENDED.search(line.text))
    else:
        return
    if not whole:
        ctx.cut = line
        lines.pop()
        _skip_fragment(ctx, line)


def _whole_option(ctx: Context, key: str, line: Line) -> bool:
    """Whether the last line of an answer list is whole: an option's label, its scope note (a
    gloss), a rank or a chart's count; or, when a line break follows it, any line that neither
    begins an option's label nor names the city (as a cut heading does; an option never does)."""
    scheme = ctx.schemes.scheme(survey.SCHEMES[key])
    if scheme.match(line.text) is not None or _WHOLE_NUMBERS.match(line.text):
        return True
    if scheme.is_scope_note(line.text):
        return True
    if not ctx.profile.last_line_ended:
        return False
    text = normalise(line.text)
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
    ends = sentence_ends(cut.text)
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
