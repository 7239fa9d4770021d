"""Reading a release's search index (``search.sqlite``, :mod:`citykg.contract.search_index`):
ranked matches with their highlighted titles and snippets for ``/search``, and the scores the
SPARQL extension function :data:`FUNCTION` gives.

Nothing here uses Flask: the query workers call the function too. Each search opens the file
read-only and immutable (SQLite then takes no lock and reads no journal: the release never
changes) and stops a search for /search running past :data:`TIME_LIMIT_S` (the function runs
under the query's own time limit).
"""

from __future__ import annotations

import functools
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from citykg.contract.iris import DEFAULT_BASE
from citykg.contract.search_index import (
    BODY_COLUMN,
    CREATE_TABLES,
    FORMAT_VERSION,
    KINDS_TABLE,
    NAMES,
    NOTES_COLUMN,
    TABLE,
    TITLE_COLUMN,
    WEIGHTS,
    words_query,
)

FUNCTION = DEFAULT_BASE + "function/search"  # fn:search(?resource, "words") -> xsd:double
SEARCH_FUNCTIONS = {  # the extension functions, for the service description
    FUNCTION: 'search(?resource, "words"): the relevance score (an xsd:double, higher is '
    "better) of the search page of ?resource (a city, country, person, profile, answer option "
    "or answer list) when its names and texts hold every one of the words, in any case and with "
    "or without accents, as /search finds them; no value otherwise. For example BIND(<"
    + FUNCTION
    + '>(?profile, "participation") AS ?score) FILTER(BOUND(?score)).'
}
TIME_LIMIT_S = 2.0
SNIPPET_TOKENS = 24
START, END = "\x02", "\x03"  # match markers in what SQLite returns, never shown
_BM25 = f"bm25({TABLE}, {', '.join(map(str, WEIGHTS))})"
_DOUBLE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")

Segment = tuple[str, bool]  # a piece of text, and whether it matched


class SearchUnavailable(Exception):
    """The release has no search index this citykg can read."""


class SearchSyntaxError(ValueError):
    """An FTS5 query that does not parse; the message says where."""


class SearchTimeout(Exception):
    """A search ran past :data:`TIME_LIMIT_S`."""


@dataclass(frozen=True)
class Hit:
    """One matching page: its IRI and kind, its title and a snippet of its text (each as
    segments, the matched ones marked), and its score (higher is better)."""

    iri: str
    kind: str
    title: list[Segment]
    snippet: list[Segment]
    score: float


@dataclass(frozen=True)
class Matches:
    """One page of matches, best first; how many match in all (of the kind asked for), and
    how many of each kind match."""

    hits: list[Hit]
    total: int
    kinds: dict[str, int]


class SearchIndex:
    """The search index of one release, at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def search(self, query: str, kind: str | None, limit: int, offset: int) -> Matches:
        """The matches of the FTS5 ``query`` (of ``kind`` only, if given), best first: the pages
        whose name matches it, then the others, each by bm25. SearchSyntaxError for a query
        that does not parse."""
        check_syntax(query)
        named = f"{NAMES} : ({query})"
        with self._connection() as db:
            listed = db.execute(f"SELECT kind, first, last FROM {KINDS_TABLE}")
            ranges = {name: (first, last) for name, first, last in listed}
            kinds = _counts(db, query, ranges)
            span = ranges.get(kind, (1, 0)) if kind else (1, 2**62)
            ranked = db.execute(
                f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ? AND rowid BETWEEN ? AND ? "
                f"ORDER BY rowid IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ?) DESC, "
                f"{_BM25}, rowid LIMIT ? OFFSET ?",
                (query, *span, named, limit, offset),
            )
            order = {rowid: i for i, (rowid,) in enumerate(ranked)}
            rows = db.execute(
                f"SELECT rowid, iri, {_marked(TITLE_COLUMN)}, {_snippet(BODY_COLUMN)}, "
                f"{_snippet(NOTES_COLUMN)}, {_BM25} FROM {TABLE} "
                f"WHERE {TABLE} MATCH ? AND rowid IN ({', '.join('?' * len(order))})",
                (query, *order),
            )
            hits = [
                Hit(iri, _kind(rowid, ranges), segments(title), _best(body, notes), round(-bm25, 6))
                for rowid, iri, title, body, notes, bm25 in sorted(
                    rows, key=lambda row: order[row[0]]
                )
            ]
        total = kinds.get(kind, 0) if kind else sum(kinds.values())
        return Matches(hits, total, kinds)

    def scores(self, words: str) -> dict[str, float]:
        """The score of every page holding every word of ``words``, by IRI."""
        return _scores(self.path, words)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        db = connect(self.path)
        deadline = time.monotonic() + TIME_LIMIT_S
        db.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
        try:
            yield db
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise SearchTimeout(f"the search ran longer than {TIME_LIMIT_S:g} s") from None
            raise
        finally:
            db.close()


def connect(path: Path) -> sqlite3.Connection:
    """``path`` opened read-only; SearchUnavailable when it is missing or of another format."""
    if not path.is_file():
        raise SearchUnavailable(f"the release has no search index ({path.name})")
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        (version,) = db.execute("PRAGMA user_version").fetchone()
    except sqlite3.DatabaseError as exc:
        db.close()
        raise SearchUnavailable(f"the search index cannot be read ({exc})") from None
    if version != FORMAT_VERSION:
        db.close()
        raise SearchUnavailable(f"the search index is of format {version}, not {FORMAT_VERSION}")
    return db


def check_syntax(query: str) -> None:
    """SearchSyntaxError when the FTS5 ``query`` does not parse (tried on an empty table)."""
    with closing(sqlite3.connect(":memory:")) as db:
        db.executescript(CREATE_TABLES)
        try:
            db.execute(f"SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH ?", (query,)).fetchall()
        except sqlite3.OperationalError as exc:
            raise SearchSyntaxError(str(exc)) from None


def _counts(
    db: sqlite3.Connection, query: str, ranges: dict[str, tuple[int, int]]
) -> dict[str, int]:
    """How many pages of each kind match ``query`` (counted on rowids: no row is read)."""
    cases = " ".join("WHEN rowid BETWEEN ? AND ? THEN ?" for _ in ranges)
    args = [value for name, (first, last) in ranges.items() for value in (first, last, name)]
    counted = db.execute(
        f"SELECT CASE {cases} END, count(*) FROM {TABLE} WHERE {TABLE} MATCH ? GROUP BY 1",
        (*args, query),
    )
    return {name: count for name, count in counted if name is not None}


def _kind(rowid: int, ranges: dict[str, tuple[int, int]]) -> str:
    return next(name for name, (first, last) in ranges.items() if first <= rowid <= last)


def _marked(column: int) -> str:
    return f"highlight({TABLE}, {column}, '{START}', '{END}')"


def _snippet(column: int) -> str:
    return f"snippet({TABLE}, {column}, '{START}', '{END}', '…', {SNIPPET_TOKENS})"


def _best(*snippets: str) -> list[Segment]:
    """The first snippet with a match, else the first with any text."""
    pieces = [segments(s) for s in snippets if s]
    return next((p for p in pieces if any(hit for _, hit in p)), pieces[0] if pieces else [])


def segments(marked: str) -> list[Segment]:
    """Text with START/END around its matches, as segments."""
    out: list[Segment] = []
    for i, piece in enumerate(marked.split(START)):
        match, _, rest = piece.partition(END) if i else ("", "", piece)
        out += [(text, hit) for text, hit in ((match, True), (rest, False)) if text]
    return out


@functools.lru_cache(maxsize=8)
def _scores(path: Path, words: str) -> dict[str, float]:
    query = words_query(words)
    if not query:
        return {}
    with closing(connect(path)) as db:
        rows = db.execute(f"SELECT iri, {_BM25} FROM {TABLE} WHERE {TABLE} MATCH ?", (query,))
        return {iri: round(-bm25, 6) for iri, bm25 in rows}


def sparql_functions(release: Path, index_file: str) -> dict[ox.NamedNode, Callable]:
    """The SPARQL extension functions over the search index of ``release``: ``FUNCTION``
    (resource, words) is the score of the resource's page when it holds every word, else no
    value (also when the release has no index)."""
    index = SearchIndex(release / index_file)

    def search(resource: object, words: object) -> ox.Literal | None:
        if not isinstance(resource, ox.NamedNode) or not isinstance(words, ox.Literal):
            return None
        try:
            score = index.scores(words.value).get(resource.value)
        except SearchUnavailable:
            return None
        return None if score is None else ox.Literal(repr(score), datatype=_DOUBLE)

    return {ox.NamedNode(FUNCTION): search}
