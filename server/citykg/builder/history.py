"""What a release says about the one it revises: its changes (``changes.trig.gz``,
:mod:`citykg.builder.changes`) and its history (``history.tsv``,
:mod:`citykg.contract.release_history`): for every named graph, the release in which its
triples last changed.

The history is the revised release's, with this release for every graph the changes name: one
streaming merge of two files sorted by graph (the previous history and the grouped difference
the changes are written from), so memory does not grow with the number of graphs. Without a
previous release, or with one that has no history, every graph dates from this release: its
graphs are counted from the N-Quads (their names sorted on disk). Deterministic: the same data
on the same previous release gives the same bytes.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from citykg.builder.changes import (
    GraphChange,
    changed_graphs,
    diff_lines,
    release_id,
    write_changes_file,
)
from citykg.builder.sorting import sort_lines
from citykg.contract import layout
from citykg.contract.release_history import (
    HEADER,
    GraphHistory,
    HistoryUnreadable,
    read_history,
)

KEPT_FILES = (layout.CHANGES_FILE, layout.HISTORY_FILE)


def write_changes_and_history(staging: Path, releases: Path, record: dict) -> list[str]:
    """Write into the staged release ``staging`` (its N-Quads written, ``record`` its
    ``release.json``) its changes since the release it revises, when that one is kept, and its
    history; the names of the files written.

    When the release is already in ``releases`` (the same data built again) with its history,
    its changes and history are kept as they are: they were written when it was first built.
    """
    own = releases / record["id"]
    if (own / layout.HISTORY_FILE).is_file():
        kept = [name for name in KEPT_FILES if (own / name).is_file()]
        for name in kept:
            shutil.copyfile(own / name, staging / name)
        return kept
    previous = releases / record["revises"] if record["revises"] else None
    nquads, history = staging / layout.NQUADS_FILE, staging / layout.HISTORY_FILE
    release, issued = record["id"], record["issued"]
    if previous is None or not (previous / layout.NQUADS_FILE).is_file():
        _write_fresh(nquads, history, release, issued)
        return [layout.HISTORY_FILE]
    diff = staging / ".changes"
    try:
        diff_lines(previous / layout.NQUADS_FILE, nquads, diff)
        write_changes_file(diff, staging / layout.CHANGES_FILE, release_id(previous), release)
        try:
            past = read_history(previous / layout.HISTORY_FILE)
            _write(history, merge(past, changed_graphs(diff), release, issued))
        except (FileNotFoundError, HistoryUnreadable):  # an older release's, or none
            _write_fresh(nquads, history, release, issued)
    finally:
        diff.unlink(missing_ok=True)
    return [layout.CHANGES_FILE, layout.HISTORY_FILE]


def merge(
    past: Iterable[GraphHistory], changes: Iterable[GraphChange], release: str, issued: str
) -> Iterator[GraphHistory]:
    """The history of release ``release``: ``past`` (the revised release's) for every graph
    the ``changes`` do not name, ``release`` for those they do, with their triples counted
    again; a graph left without triples is gone. Both inputs in order of graph IRI.
    HistoryUnreadable when a change removes more triples than the past history counts."""
    olds, news = iter(past), iter(changes)
    old = next(olds, None)
    for new in news:
        while old is not None and old.graph < new.graph:
            yield old
            old = next(olds, None)
        before = 0
        if old is not None and old.graph == new.graph:
            before, old = old.triples, next(olds, None)
        triples = before + new.added - new.removed
        if triples < 0:
            raise HistoryUnreadable(
                f"{new.graph}: {new.removed} triples removed, the history counts {before}"
            )
        if triples:
            yield GraphHistory(new.graph, triples, release, issued)
    if old is not None:
        yield old
        yield from olds


def counted_graphs(nquads: Path, scratch: Path) -> Iterator[GraphChange]:
    """Every graph of a release's N-Quads with its triples, as if all were added, in order of
    graph IRI: the graph names of its lines sorted on disk (in ``scratch``) and counted."""
    names, ordered = scratch / ".graphs", scratch / ".graphs.sorted"
    try:
        with open(nquads, "rb") as lines, open(names, "wb", buffering=1 << 20) as out:
            for line in lines:
                out.write(_graph_name(line) + b"\n")
        sort_lines([names], ordered)
        names.unlink()
        graph, count = b"", 0
        with open(ordered, "rb") as sorted_names:
            for name in sorted_names:
                if name != graph and count:
                    yield GraphChange(graph.rstrip(b"\n").decode(), count, 0)
                    count = 0
                graph, count = name, count + 1
        if count:
            yield GraphChange(graph.rstrip(b"\n").decode(), count, 0)
    finally:
        names.unlink(missing_ok=True)
        ordered.unlink(missing_ok=True)


def _graph_name(line: bytes) -> bytes:
    """The graph IRI of an N-Quads line the release writer wrote (``… <graph> .``: terms one
    space apart, every quad in a named graph, and an IRI has no space)."""
    term = line.rstrip(b"\n").removesuffix(b" .").rpartition(b" ")[2]
    if not (term.startswith(b"<") and term.endswith(b">")):
        raise ValueError(f"not a quad in a named graph: {line[:200]!r}")
    return term[1:-1]


def _write_fresh(nquads: Path, history: Path, release: str, issued: str) -> None:
    """A history in which every graph of ``nquads`` dates from this release."""
    _write(history, merge((), counted_graphs(nquads, history.parent), release, issued))


def _write(path: Path, lines: Iterable[GraphHistory]) -> None:
    with open(path, "wb", buffering=1 << 20) as out:
        out.write(HEADER)
        for line in lines:
            out.write(line.line())
        out.flush()
        os.fsync(out.fileno())
