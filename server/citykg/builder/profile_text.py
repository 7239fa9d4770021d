"""Reading a city profile as text: decoding, metadata header, headings and survey sentences.

A profile file is the text of one OECD city profile page, optionally preceded by ``# key: value``
metadata lines the publisher adds (``source``, ``survey-wave``, ``wave-basis``, ``retrieved``).
This module cuts it into sections by recognising headings and the survey's fixed sentences; it
knows nothing of RDF. Headings are recognised whatever city name they carry and in any order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from citykg.builder.sentence_bounds import split_sentences
from citykg.builder.survey_sentences import ENDS_WITH_FULL_STOP, FIGURE, SENTENCES
from citykg.contract import survey
from citykg.contract.findings import Finding, Severity

_BULLET = re.compile(r"^[•·▪●◦]\s*")
METADATA_KEYS = {"source", "survey-wave", "wave-basis", "retrieved", "synthetic"}

# Section key -> heading pattern, in the order of a profile page.
HEADINGS: dict[str, re.Pattern[str]] = {
    s.key: re.compile(s.heading, re.IGNORECASE) for s in survey.SECTIONS if s.heading
}


# Chart captions printed under a list; they end the list and carry no fact. The roles chart is
# followed by the placement answer, which has no heading of its own.
CAPTIONS = re.compile(r"^(Policy areas|Innovation roles) by number of cities$", re.IGNORECASE)
_ROLES_CAPTION = re.compile(r"^Innovation roles by number of cities$", re.IGNORECASE)
# A prose line under a counted roles list: a sentence, or more than six words (a role is a short
# label). It is the placement answer, which follows the roles list when the page prints no chart
# caption.
_PROSE = re.compile(r"^(?:(?:\S+\s+){6,}\S+|.*[.!?])$")

# The 2018-wave snapshot note, wherever it stands: its own line or glued to the spotlight text.
# The note is one sentence: it ends at its full stop, and what follows on the line is read on.
WAVE_NOTE = re.compile(r"Note:\s*The City Innovation Snapshot\b.*?(?:\.(?=\s|$)|$)", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """A non-empty line of the source, stripped, with its 1-based number."""

    number: int
    text: str


@dataclass
class Section:
    """A heading and the lines under it up to the next heading, caption or sentence."""

    key: str
    heading: Line
    match: re.Match[str]
    lines: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class Sentence:
    """A recognised survey sentence (``text``: the sentence alone, figure included), with the
    survey-wide figure that opened it, if any."""

    key: str
    line: Line
    match: re.Match[str]
    figure: re.Match[str] | None
    text: str


@dataclass
class ProfileText:
    """A profile cut into its parts. ``layout`` holds the lines that only give the page its
    shape (headings, chart captions), each with what it is; ``wave_note`` is the 2018-wave
    snapshot note, if the page has one."""

    metadata: dict[str, Line] = field(default_factory=dict)
    preamble: list[Line] = field(default_factory=list)
    sections: dict[str, Section] = field(default_factory=dict)
    sentences: list[Sentence] = field(default_factory=list)
    stray: list[Line] = field(default_factory=list)
    layout: list[tuple[Line, str]] = field(default_factory=list)
    repeated: list[Section] = field(default_factory=list)
    wave_note: Sentence | None = None
    more_notes: list[Line] = field(default_factory=list)
    last_line: int = 0
    last_line_ended: bool = False  # a line break follows the last line (not so mid-line)


def decode_lines(data: bytes, file: str) -> tuple[list[Line], list[Finding]]:
    """Numbered non-empty lines; a line that is not UTF-8 is dropped with a finding. A file in
    UTF-16 or UTF-32 (a byte-order mark, or NUL bytes) has no lines and an error saying so."""
    lines, findings = [], []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        msg = "the file is not UTF-8 text (it has NUL bytes: UTF-16?); save it as UTF-8"
        return [], [Finding(file, 1, Severity.ERROR, "encoding", msg)]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            msg = f"line is not valid UTF-8 (byte {exc.start + 1}); the line was skipped"
            findings.append(Finding(file, number, Severity.WARNING, "encoding", msg))
            continue
        text = _BULLET.sub("", text.replace("\u00a0", " ").strip())
        if text:
            lines.append(Line(number, text))
    return lines, findings


def split_profile(lines: list[Line], file: str) -> tuple[ProfileText, list[Finding]]:
    """Cut lines into metadata, preamble, sections and sentences."""
    splitter = _Splitter(file)
    splitter.profile.last_line = lines[-1].number if lines else 0
    for line in _read_metadata(lines, splitter.profile, splitter.findings, file):
        note = WAVE_NOTE.search(line.text)
        if note is None:
            splitter.line(line)
            continue
        before, after = line.text[: note.start()].strip(), line.text[note.end() :].strip()
        if before:
            splitter.line(Line(line.number, before))
        noted = Line(line.number, note.group(0))
        if splitter.profile.wave_note is None:
            splitter.profile.wave_note = Sentence("wave-2018-note", noted, note, None, noted.text)
        else:
            splitter.profile.more_notes.append(noted)
        splitter.current = None
        if after:
            splitter.line(Line(line.number, after))
    return splitter.profile, splitter.findings


class _Splitter:
    """The state of cutting one profile: the section being read."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.profile = ProfileText()
        self.findings: list[Finding] = []
        self.current: Section | None = None

    def line(self, line: Line) -> None:
        """Place one body line: a heading, a caption, a sentence or a line of a section."""
        profile = self.profile
        heading = _heading(line)
        if heading is not None:
            key, match = heading
            profile.layout.append((line, f"heading of the {key.replace('-', ' ')} section"))
            if key in profile.sections:
                first = profile.sections[key].heading.number
                msg = (
                    f"section {line.text!r} appears again (first at line {first}); "
                    "it and its lines are not recorded"
                )
                self.findings.append(
                    Finding(self.file, line.number, Severity.WARNING, "duplicate-section", msg)
                )
                self.current = Section(key, line, match)
                profile.repeated.append(self.current)
                return
            self.current = profile.sections[key] = Section(key, line, match)
            return
        if CAPTIONS.match(line.text):
            profile.layout.append((line, "caption of a chart of the survey's counts"))
            self.current = None
            if _ROLES_CAPTION.match(line.text) and "placement" not in profile.sections:
                self.current = profile.sections["placement"] = Section(
                    "placement", line, _ROLES_CAPTION.match(line.text)
                )
            return
        current = self.current
        if current is not None and current in profile.repeated:
            current.lines.append(line)
            return
        key = current.key if current is not None else None
        # Prose is not cut into survey sentences; but the placement sentence, which follows
        # the roles answer ("…'s innovation work is sprinkled throughout …"), ends roles prose.
        sentences = []
        if key not in survey.PROSE_SECTIONS:
            sentences = _sentences(line)
        elif key == "roles-prose" and "innovation work" in line.text:
            sentences = _sentences(line)
            if [s.key for s in sentences] != ["placement"]:
                sentences = []
        if sentences:
            profile.sentences.extend(sentences)
            self.current = None
            return
        if (
            current is not None
            and current.key == "roles"
            and current.lines
            and _PROSE.match(line.text)
            and "placement" not in profile.sections
        ):
            self.current = profile.sections["placement"] = Section(
                "placement", current.heading, current.match, [line]
            )
            return
        if current is not None:
            current.lines.append(line)
        elif not profile.sections:
            profile.preamble.append(line)
        else:
            profile.stray.append(line)


def _read_metadata(
    lines: list[Line], profile: ProfileText, findings: list[Finding], file: str
) -> list[Line]:
    """Consume leading ``# key: value`` lines; return the rest."""
    for index, line in enumerate(lines):
        if not line.text.startswith("#"):
            return lines[index:]
        key, sep, value = line.text.lstrip("#").partition(":")
        key = key.strip().lower()
        if not sep or key not in METADATA_KEYS:
            known = ", ".join(sorted(METADATA_KEYS))
            msg = f"metadata line not understood (known keys: {known}); not recorded"
            findings.append(Finding(file, line.number, Severity.WARNING, "metadata", msg))
            continue
        if key in profile.metadata:
            first = profile.metadata[key]
            same = first.text == value.strip()
            severity = Severity.ERROR if key == "survey-wave" and not same else Severity.WARNING
            msg = f"metadata {key!r} repeats line {first.number}; this line is not recorded"
            findings.append(Finding(file, line.number, severity, "metadata", msg))
            continue
        profile.metadata[key] = Line(line.number, value.strip())
    return []


def _heading(line: Line) -> tuple[str, re.Match[str]] | None:
    for key, pattern in HEADINGS.items():
        match = pattern.match(line.text)
        if match:
            return key, match
    return None


def _sentences(line: Line) -> list[Sentence]:
    """The survey sentences of a line (a line can hold several), or [] if it holds none.

    When some sentences of the line are recognised and others are not, the others come back
    as sentences of kind ``unknown`` so that the importer can report them.
    """
    found = []
    for part in split_sentences(line.text):
        figure = FIGURE.match(part)
        text = figure.group("rest") if figure else part
        for key, pattern in SENTENCES.items():
            if key in ENDS_WITH_FULL_STOP and not text.endswith("."):
                continue  # cannot match: spares a long part the patterns' backtracking
            match = pattern.match(text)
            if match:
                found.append(Sentence(key, line, match, figure, part))
                break
        else:
            found.append(Sentence("unknown", line, re.match(r".*", part), figure, part))
    return found if any(s.key != "unknown" for s in found) else []
