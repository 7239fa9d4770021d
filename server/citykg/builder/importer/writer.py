"""One writer for everything an import produces: facts, verbatim text, findings, and what
became of every line of the source.

Each fact is written to the profile graph (or a shared graph) and remembered with the span of
source lines it was read from; the release writes those spans as provenance graphs, one per
span, so that the data graphs hold nothing but data. Every non-empty line ends in at least one
:class:`Outcome`; a line is never both recorded (fact, text) and skipped (finding).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from rdflib import Graph, Literal
from rdflib.term import Node

from citykg.builder.profile_text import Line
from citykg.contract.findings import Finding, Severity


class Outcome(StrEnum):
    """What became of a source line."""

    FACT = "fact"  # it gave one or more triples
    TEXT = "text"  # it is kept verbatim on the answer it belongs to
    FINDING = "finding"  # it is not recorded; a finding says why
    LAYOUT = "layout"  # it only gives the page its shape (a heading, a chart caption)


Triple = tuple[Node, Node, Node]


@dataclass
class LineFate:
    """Everything one source line led to."""

    line: Line
    outcomes: set[Outcome] = field(default_factory=set)
    triples: list[Triple] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    layout: str | None = None

    @property
    def conflicting(self) -> bool:
        """Whether the line is both recorded and reported as not recorded."""
        recorded = self.outcomes & {Outcome.FACT, Outcome.TEXT}
        return bool(recorded) and Outcome.FINDING in self.outcomes


@dataclass
class Record:
    """The facts, the source-line provenance and the line fates of one import."""

    file: str
    graph: Graph = field(default_factory=Graph)
    findings: list[Finding] = field(default_factory=list)
    spans: dict[tuple[int, int], list[Triple]] = field(default_factory=dict)
    fates: dict[int, LineFate] = field(default_factory=dict)

    def fate(self, line: Line) -> LineFate:
        """The fate of ``line`` (created on first use)."""
        fate = self.fates.get(line.number)
        if fate is None:
            fate = self.fates[line.number] = LineFate(line)
        return fate

    def fact(self, s: Node, p: Node, o: Node, *lines: Line, into: Graph | None = None) -> None:
        """A triple read from ``lines`` (one line, or the first and last of a span), in the
        profile graph or in ``into`` (a graph shared by all profiles)."""
        self._add((s, p, o), lines, Outcome.FACT, into)

    def text(self, s: Node, p: Node, text: str, *lines: Line, lang: str | None = None) -> None:
        """Verbatim text of the source kept as a literal on ``s``, read from ``lines``."""
        self._add((s, p, Literal(text, lang=lang)), lines, Outcome.TEXT, None)
        for line in dict.fromkeys(lines):
            self.fate(line).texts.append(text)

    def _add(self, triple: Triple, lines: tuple[Line, ...], outcome: Outcome, into: Graph | None):
        (self.graph if into is None else into).add(triple)
        numbers = [line.number for line in lines]
        self.spans.setdefault((min(numbers), max(numbers)), []).append(triple)
        for line in dict.fromkeys(lines):
            fate = self.fate(line)
            fate.outcomes.add(outcome)
            fate.triples.append(triple)

    def structure(self, s: Node, p: Node, o: Node) -> None:
        """A triple read from no line in particular (a type, a link between minted nodes)."""
        self.graph.add((s, p, o))

    def skip(self, line: Line, severity: Severity, code: str, message: str) -> None:
        """``line`` is not recorded; the finding says why."""
        self.skip_all([line], severity, code, message)

    def skip_all(self, lines: list[Line], severity: Severity, code: str, message: str) -> None:
        """``lines`` are not recorded; one finding, on the first, says why."""
        finding = Finding(self.file, lines[0].number, severity, code, message)
        self.findings.append(finding)
        for line in lines:
            fate = self.fate(line)
            fate.outcomes.add(Outcome.FINDING)
            fate.findings.append(finding)

    def note(self, line: Line | int | None, severity: Severity, code: str, message: str) -> None:
        """A finding about the profile (or about a line that is recorded all the same)."""
        number = line.number if isinstance(line, Line) else line
        finding = Finding(self.file, number, severity, code, message)
        self.findings.append(finding)
        if isinstance(line, Line):
            self.fate(line).findings.append(finding)

    def layout(self, line: Line, what: str) -> None:
        """``line`` only gives the page its shape."""
        fate = self.fate(line)
        fate.outcomes.add(Outcome.LAYOUT)
        fate.layout = what
