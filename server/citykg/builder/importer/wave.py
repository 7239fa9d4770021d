"""Which survey wave a profile answers (only 2018-wave pages carry the snapshot note).

Decided, in this order, by the ``# survey-wave:`` metadata line, by the 2018 snapshot note, or
by inference: 2020 when the page goes on past the place where the note would stand (right after
the spotlight) without one. A page that stops before that place cannot tell, and metadata that
contradicts the note is an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from citykg.builder.importer.context import Context
from citykg.builder.profile_text import Line
from citykg.contract import survey
from citykg.contract.findings import Severity

WAVES = ("2018", "2020")
# Sections that stand after the place of the note: a page that reaches one of them has gone past it.
_KEYS = [section.key for section in survey.SECTIONS]
AFTER_NOTE = tuple(_KEYS[_KEYS.index("spotlight") + 1 :])


@dataclass(frozen=True)
class Wave:
    """The wave, how it was decided (``metadata``, ``snapshot-note``, ``inferred``) and the line
    that decided it."""

    year: str
    basis: str
    line: Line


def decide_wave(ctx: Context) -> Wave | None:
    """The profile's wave, or None after an error finding saying what the publisher must add."""
    profile, record = ctx.profile, ctx.record
    stated = profile.metadata.get("survey-wave")
    note = profile.wave_note
    if stated is not None and stated.text not in WAVES:
        record.note(
            stated,
            Severity.ERROR,
            "wave",
            f"survey-wave must be 2018 or 2020, not {stated.text!r}",
        )
        return None
    if stated is not None and note is not None and stated.text != "2018":
        record.note(
            stated,
            Severity.ERROR,
            "wave",
            f"survey-wave says {stated.text}, but line {note.line.number} is the 2018-wave "
            "snapshot note; correct the metadata line",
        )
        return None
    if stated is not None:
        return Wave(stated.text, "metadata", stated)
    if note is not None:
        return Wave("2018", "snapshot-note", note.line)
    past = _first_line_past_the_note(ctx)
    if past is None:
        end = profile.last_line
        record.note(
            end,
            Severity.ERROR,
            "wave",
            f"the page stops at line {end}, before the place where a 2018-wave snapshot note "
            "would stand (after the spotlight), so its survey wave cannot be told; add a line "
            "'# survey-wave: 2018' or '# survey-wave: 2020' at the top",
        )
        return None
    record.note(
        past,
        Severity.WARNING,
        "wave-inferred",
        f"no survey-wave metadata and no 2018 snapshot note, although the page goes on past its "
        f"place (line {past.number}); wave 2020 inferred",
    )
    return Wave("2020", "inferred", past)


def _first_line_past_the_note(ctx: Context) -> Line | None:
    """The first heading or survey sentence after the place of the note, if the page has one."""
    profile = ctx.profile
    lines = [profile.sections[k].heading for k in AFTER_NOTE if k in profile.sections]
    lines += [s.line for s in profile.sentences]
    spotlight = profile.sections.get("spotlight")
    if spotlight is not None:
        lines = [x for x in lines if x.number > spotlight.heading.number]
    complete = [x for x in lines if ctx.cut is None or x.number != ctx.cut.number]
    return min(complete, key=lambda x: x.number, default=None)
