"""What changed between two releases: per named graph, the triples one release added and removed
since another, found in their sorted N-Quads and written as TriG (https://www.w3.org/TR/trig/).

Every line of a release's ``citykg.nq`` is one quad, and the lines are unique and sorted by byte
(the release writer sorts them with ``sort -u`` in the C locale). One streaming merge of two such
files finds the lines only one of them holds; ``sort(1)`` groups those by graph on disk; two
passes over the grouped lines write the description and then the graphs. Memory does not grow
with the size of the releases nor with the size of the difference.

A line is compared as it stands: a blank node that has another label in the other release shows
as its triples removed and added again (the releases name blank nodes canonically, and have
few). The file (``changes.trig.gz`` of a release, or what ``citykg diff --trig`` writes) holds:

- the description graph ``release_changes(new)``: ``<release(new)> prov:wasRevisionOf
  <release(old)>``, and for each changed graph G ``G citykg:addedTriples A ;
  citykg:removedTriples R`` with ``A void:triples n`` and ``R void:triples m``, in the order of
  the graphs' IRIs;
- the graphs ``A`` and ``R`` (:func:`citykg.contract.iris.graph_changes`): the triples G gained
  and lost, sorted. A graph with nothing in it (nothing added, say) is named in the description
  with a count of 0 and has no block.
"""

from __future__ import annotations

import gzip
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from citykg.builder.sorting import sort_lines
from citykg.contract import layout
from citykg.contract.iris import PREFIXES, graph_changes, release, release_changes
from citykg.contract.release_records import read_sums

BATCH_BYTES = 1 << 20  # differing lines parsed at a time
ADDED, REMOVED = b"+", b"-"  # the sign of a line of the grouped difference; + sorts first
KINDS = {ADDED: "added", REMOVED: "removed"}
HEADER_PREFIXES = ("citykg", "prov", "void")


@dataclass(frozen=True)
class GraphChange:
    """One named graph that differs between two releases: its IRI and how many triples the
    newer release added to it and removed from it."""

    graph: str
    added: int
    removed: int


def release_id(directory: Path) -> str:
    """The id of the release in ``directory``: the first 16 hex digits of the SHA-256 of its
    N-Quads as its checksum file lists it, else the directory's name."""
    digest = read_sums(directory).get(layout.NQUADS_FILE)
    return digest[:16] if digest else directory.resolve().name


def diff_lines(old: Path, new: Path, output: Path) -> None:
    """The quads only one of two sorted N-Quads files holds, into ``output`` grouped by graph:
    one line ``{graph IRI}\\t{+ or -}\\t{triple as N-Triples}`` each, sorted (the graph's lines
    together, its added ones first). Scratch files go beside ``output``. Raises ValueError when
    a file is not sorted or a line is no quad in a named graph."""
    unsorted = output.with_name(output.name + ".unsorted")
    try:
        with open(unsorted, "wb", buffering=BATCH_BYTES) as out:
            batches = {ADDED: _Batch(new, out, ADDED), REMOVED: _Batch(old, out, REMOVED)}
            for sign, line in _merge(old, new):
                batches[sign].add(line)
            for batch in batches.values():
                batch.flush()
        sort_lines([unsorted], output)
    finally:
        unsorted.unlink(missing_ok=True)


def changed_graphs(diff: Path) -> Iterator[GraphChange]:
    """Each graph of a grouped difference (:func:`diff_lines`) with its counts, in order."""
    graph, counts = None, {ADDED: 0, REMOVED: 0}
    with open(diff, "rb") as lines:
        for line in lines:
            name, sign, _ = line.split(b"\t", 2)
            if name != graph:
                if graph is not None:
                    yield GraphChange(graph.decode(), counts[ADDED], counts[REMOVED])
                graph, counts = name, {ADDED: 0, REMOVED: 0}
            counts[sign] += 1
    if graph is not None:
        yield GraphChange(graph.decode(), counts[ADDED], counts[REMOVED])


def write_changes_file(diff: Path, path: Path, old_id: str, new_id: str) -> None:
    """The TriG of a grouped difference, gzipped with no time or name in its header (the same
    difference gives the same bytes), synced to disk."""
    with open(path, "wb") as raw:
        with (
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
            io.BufferedWriter(gz, BATCH_BYTES) as out,  # type: ignore[arg-type]
        ):
            write_trig(diff, out, old_id, new_id)
        raw.flush()
        os.fsync(raw.fileno())


def write_trig(diff: Path, out: BinaryIO, old_id: str, new_id: str) -> None:
    """The TriG of a grouped difference (:func:`diff_lines`) between release ``old_id`` and
    release ``new_id``: the description graph, then the added and removed graphs."""
    prefixes = "".join(f"@prefix {name}: <{PREFIXES[name]}> .\n" for name in HEADER_PREFIXES)
    out.write(
        f"# What changed in release {new_id} since release {old_id}: per named graph, the\n"
        f"# triples added and removed.\n{prefixes}\n<{release_changes(new_id)}> {{\n"
        f"<{release(new_id)}> prov:wasRevisionOf <{release(old_id)}> .\n".encode()
    )
    for change in changed_graphs(diff):
        added = graph_changes(new_id, change.graph, KINDS[ADDED])
        removed = graph_changes(new_id, change.graph, KINDS[REMOVED])
        out.write(
            f"<{change.graph}> citykg:addedTriples <{added}> ;\n"
            f"    citykg:removedTriples <{removed}> .\n"
            f"<{added}> void:triples {change.added} .\n"
            f"<{removed}> void:triples {change.removed} .\n".encode()
        )
    out.write(b"}\n")
    block = None
    with open(diff, "rb") as lines:
        for line in lines:
            name, sign, triple = line.split(b"\t", 2)
            if (name, sign) != block:
                if block is not None:
                    out.write(b"}\n")
                block = (name, sign)
                out.write(f"\n<{graph_changes(new_id, name.decode(), KINDS[sign])}> {{\n".encode())
            out.write(triple)
    if block is not None:
        out.write(b"}\n")


def _merge(old: Path, new: Path) -> Iterator[tuple[bytes, bytes]]:
    """``(REMOVED, line)`` for each line only in ``old``, ``(ADDED, line)`` for each line only
    in ``new``: one pass over both sorted files, a line of each in memory at a time."""
    with open(old, "rb") as old_file, open(new, "rb") as new_file:
        olds, news = _sorted_lines(old_file, old), _sorted_lines(new_file, new)
        x, y = next(olds, None), next(news, None)
        while x is not None and y is not None:
            if x == y:
                x, y = next(olds, None), next(news, None)
            elif x < y:
                yield REMOVED, x
                x = next(olds, None)
            else:
                yield ADDED, y
                y = next(news, None)
        while x is not None:
            yield REMOVED, x
            x = next(olds, None)
        while y is not None:
            yield ADDED, y
            y = next(news, None)


def _sorted_lines(lines: BinaryIO, path: Path) -> Iterator[bytes]:
    """The lines of a file, each ending in a newline; ValueError at the first out of order."""
    previous = b""
    for number, line in enumerate(lines, 1):
        if not line.endswith(b"\n"):
            line += b"\n"
        if line <= previous:
            raise ValueError(f"{path}: line {number} is out of order (not a sorted release)")
        previous = line
        yield line


class _Batch:
    """Differing lines of one file, parsed as N-Quads a batch at a time and written as lines
    of the grouped difference."""

    def __init__(self, path: Path, out: BinaryIO, sign: bytes) -> None:
        self.path, self.out, self.sign = path, out, sign
        self.lines: list[bytes] = []
        self.size = 0

    def add(self, line: bytes) -> None:
        self.lines.append(line)
        self.size += len(line)
        if self.size >= BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        sign = self.sign.decode()
        try:
            for quad in ox.parse(b"".join(self.lines), format=ox.RdfFormat.N_QUADS):
                if not isinstance(quad.graph_name, ox.NamedNode):
                    raise ValueError(f"{self.path}: a triple outside a named graph: {quad}")
                self.out.write(f"{quad.graph_name.value}\t{sign}\t{quad.triple} .\n".encode())
        except SyntaxError as exc:
            raise ValueError(f"{self.path}: not N-Quads ({exc})") from None
        self.lines, self.size = [], 0
