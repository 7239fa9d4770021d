"""A release's history (``history.tsv``): for every named graph of the release, how many triples
it holds and the release in which they last changed, with that release's issue time.

Tab-separated values (IANA ``text/tab-separated-values``): the header line :data:`HEADER`, then
one line per graph, sorted by graph IRI in byte order (code point order, as ``sort(1)`` sorts
in the C locale). The build writes a release's history in one streaming merge of the history of the
release it revises with the graphs that changed since (:mod:`citykg.builder.history`); a page
reads the lines of one graph and the graphs below it by binary search
(:func:`history_below`), so neither holds the whole file in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

HEADER = b"graph\ttriples\trelease\tissued\n"


class HistoryUnreadable(ValueError):
    """A history file that is not one: a malformed line, or lines out of order."""


@dataclass(frozen=True)
class GraphHistory:
    """One line of a history: a graph, its triples, and the release (with its issue time, an
    ISO 8601 date-time) in which they last changed."""

    graph: str
    triples: int
    release: str
    issued: str

    def line(self) -> bytes:
        """The line of the history file."""
        return f"{self.graph}\t{self.triples}\t{self.release}\t{self.issued}\n".encode()

    @classmethod
    def parse(cls, line: bytes) -> GraphHistory:
        """A line of a history file; HistoryUnreadable when it is not one."""
        fields = line.rstrip(b"\n").decode(errors="replace").split("\t")
        if len(fields) != 4 or not fields[1].isdigit() or not all(fields):
            raise HistoryUnreadable(f"not a line of a release history: {line[:200]!r}")
        return cls(fields[0], int(fields[1]), fields[2], fields[3])


def read_history(path: Path) -> Iterator[GraphHistory]:
    """The lines of the history file at ``path``, in order. OSError when it cannot be read,
    HistoryUnreadable at the first line that is malformed or out of order."""
    with open(path, "rb") as lines:
        if lines.readline() != HEADER:
            raise HistoryUnreadable(f"{path}: no release history (no header line)")
        previous = ""
        for line in lines:
            row = GraphHistory.parse(line)
            if row.graph <= previous:
                raise HistoryUnreadable(f"{path}: {row.graph} is out of order")
            previous = row.graph
            yield row


def history_below(path: Path, graph: str) -> list[GraphHistory] | None:
    """The history of ``graph`` and of the graphs whose IRIs extend it past a ``/`` (a profile
    graph and the graphs of its source lines), found by binary search in the history file at
    ``path``; None when there is no such file. HistoryUnreadable when it is not a history."""
    if not path.is_file():
        return None
    name, below = graph.encode(), (graph + "/").encode()
    with open(path, "rb") as lines:
        _seek(lines, name)
        first = lines.readline()
        found = [GraphHistory.parse(first)] if _graph(first) == name else []
        _seek(lines, below)
        for line in lines:
            if not _graph(line).startswith(below):
                break
            found.append(GraphHistory.parse(line))
    return found


def _graph(line: bytes) -> bytes:
    return line.split(b"\t", 1)[0]


def _seek(lines: BinaryIO, key: bytes) -> None:
    """Move to the first line of a history file whose graph is not before ``key``, by bisecting
    byte offsets (the line read at an offset is the first that starts at or after it)."""
    lines.seek(0)
    if lines.readline() != HEADER:
        raise HistoryUnreadable(f"{lines.name}: no release history (no header line)")
    low, high = len(HEADER), lines.seek(0, 2)
    while low < high:
        middle = (low + high) // 2
        lines.seek(middle - 1)
        lines.readline()
        line = lines.readline()
        if line and _graph(line) < key:
            low = middle + 1
        else:
            high = middle
    lines.seek(low - 1)
    lines.readline()
