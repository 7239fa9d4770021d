"""SELECT/ASK results, serialised by the engine and stopped at a row cap.

Formats: SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/), XML
(https://www.w3.org/TR/rdf-sparql-XMLres/), CSV and TSV
(https://www.w3.org/TR/sparql11-results-csv-tsv/). Solutions are written by Oxigraph's own
serialisers (about four times faster than writing them term by term in Python): first as TSV,
one line per solution, streamed into a writer that stops the query as soon as the cap is passed,
then, for the other formats, read back and written once more. When the cap cuts a result, JSON and
XML say so in their ``head`` with a ``link`` to ``citykg:TruncatedResult``; CSV and TSV have no
place for it, so the HTTP header (set by the caller) is the signal there. An ASK answer in CSV or
TSV (which the recommendation leaves undefined) is the bare word ``true`` or ``false``, as
Oxigraph writes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pyoxigraph as ox

from citykg.contract.iris import CITYKG

TRUNCATED = CITYKG.TruncatedResult


def capped(rows: Iterable, cap: int, cut_by: tuple[type[Exception], ...] = ()) -> tuple[list, bool]:
    """The first ``cap`` rows, and whether there were more (or the rows ended with one of the
    ``cut_by`` errors: a source that stops at a byte limit)."""
    out: list = []
    try:
        for row in rows:
            if len(out) == cap:
                return out, True
            out.append(row)
    except cut_by:
        return out, True
    return out, False


def write_boolean(syntax: ox.QueryResultsFormat, value: bool) -> bytes:
    """An ASK answer."""
    if syntax == ox.QueryResultsFormat.JSON:
        return json.dumps({"head": {}, "boolean": value}).encode()
    if syntax == ox.QueryResultsFormat.XML:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
            f"<boolean>{'true' if value else 'false'}</boolean></sparql>"
        ).encode()
    return b"true" if value else b"false"


def write_solutions(
    solutions: ox.QuerySolutions,
    syntax: ox.QueryResultsFormat,
    cap: int,
    cut_by: tuple[type[Exception], ...] = (),
) -> tuple[bytes, int, bool]:
    """A SELECT result in ``syntax``, at most ``cap`` rows: the body, rows sent, whether cut.
    Solutions that end with one of the ``cut_by`` errors (a source that stops at a byte limit)
    are cut there: the rows written before it are kept, the result flagged as cut; raised again
    when not even the header was written."""
    writer = _CappedTsv(cap)
    try:
        solutions.serialize(writer, format=ox.QueryResultsFormat.TSV)
    except _CapReached:
        pass
    except cut_by:
        if not writer.cut():
            raise
    tsv, rows, truncated = writer.result()
    if syntax == ox.QueryResultsFormat.TSV:
        return tsv, rows, truncated
    parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    body = parsed.serialize(format=syntax)
    if truncated:
        body = _mark_truncated(body, syntax)
    return body, rows, truncated


def _mark_truncated(body: bytes, syntax: ox.QueryResultsFormat) -> bytes:
    """Add the ``citykg:TruncatedResult`` link to the head of a JSON or XML result."""
    if syntax == ox.QueryResultsFormat.JSON:
        return body.replace(b'{"head":{', b'{"head":{"link":["%s"],' % TRUNCATED.encode(), 1)
    if syntax == ox.QueryResultsFormat.XML:
        return body.replace(b"</head>", b'<link href="%s"/></head>' % TRUNCATED.encode(), 1)
    return body


class _CapReached(Exception):
    """Raised from the writer to stop the engine once the cap is passed."""


class _CappedTsv:
    """A file-like sink for TSV results that stops the serialiser once it has seen one row
    more than ``cap`` (enough to know the result was cut).

    TSV escapes line breaks inside terms, so every line after the header is one solution.
    """

    def __init__(self, cap: int) -> None:
        self._parts: list[bytes] = []
        self._lines = 0
        self._cap = cap
        self._limit = cap + 2  # the header line, the rows kept, one more
        self._cut = False

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._lines += data.count(b"\n")
        if self._lines >= self._limit:
            raise _CapReached
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered here."""

    def cut(self) -> bool:
        """Stop at the last whole line, as if the cap had been reached there; False when not
        even the header line was written."""
        body = b"".join(self._parts)
        end = body.rfind(b"\n") + 1
        if end == 0:
            return False
        self._parts = [body[:end]]
        self._cut = True
        return True

    def result(self) -> tuple[bytes, int, bool]:
        """The TSV of the first ``cap`` rows, their number, and whether there were more."""
        body = b"".join(self._parts)
        rows = max(body.count(b"\n") - 1, 0)
        if rows <= self._cap:
            return body, rows, self._cut
        end = -1
        for _ in range(self._cap + 1):
            end = body.index(b"\n", end + 1)
        return body[: end + 1], self._cap, True
