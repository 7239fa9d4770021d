"""The search index of a release (``search.sqlite``, :mod:`citykg.contract.search_index`):
one document per page people look for, built from the release's default graph.

Every string literal of a thing under ``id/`` (names, labels, definitions, free-text answers;
not codes, checksums or editorial notes) goes to the document of the page showing it: a city,
country, person, concept or scheme has its own, and every part of a profile (its spotlight,
its posts held) goes to the profile's. A document's title is its page's own name or label;
a city's text also names its country, a person's the post and profile that state it.

Memory stays bounded at any size: the triples stream into a scratch SQLite database, which
joins them and hands the documents back by kind and IRI (so each kind's rowids are
consecutive). The same triples give the same bytes with the same SQLite library: rows go in in
one order and the file is optimised and vacuumed.
"""

from __future__ import annotations

import gzip
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing
from pathlib import Path

import pyoxigraph as ox

from citykg.contract import iris
from citykg.contract.iris import CITYKG, ID, ORG, PREFIXES, SCHEMA, id_kind
from citykg.contract.search_index import (
    CREATE_TABLES,
    FORMAT_VERSION,
    KINDS_TABLE,
    TABLE,
    plain_letters,
)

SKOS, RDFS = PREFIXES["skos"], PREFIXES["rdfs"]
STRING_TYPES = {
    PREFIXES["xsd"] + "string",
    PREFIXES["rdf"] + "langString",
}
# Strings that are no text to search: codes, checksums, versions, notes for editors.
NOT_TEXT = {
    SKOS + "notation",
    SKOS + "editorialNote",
    CITYKG.sha256,
    CITYKG.findingCode,
    CITYKG.retrievedOn,
    CITYKG.waveBasisNote,
    SCHEMA.softwareVersion,
}
# A page's title: the first of these its own IRI has (then the smallest value).
TITLES = (SKOS + "prefLabel", SCHEMA.name, RDFS + "label")
NOTES = {SKOS + "definition", SKOS + "scopeNote"}  # what defines a thing, not what it says
# The links the texts of cities and people are joined along.
LINKS = {SCHEMA.containedInPlace, CITYKG.holder, CITYKG.post, ORG.role}
OWN_PAGES = {"city", "country", "profile", "scheme", "concept"}
SEPARATOR = " · "
BATCH = 10_000

_SCRATCH = """
CREATE TABLE literal(doc TEXT, kind TEXT, subject TEXT, predicate TEXT, value TEXT);
CREATE TABLE link(doc TEXT, subject TEXT, predicate TEXT, object TEXT);
"""
# The country a city is in; the post a person holds and the profile stating it.
_CONTEXT = (
    f"""INSERT INTO literal
    SELECT city.doc, 'city', city.doc, 'context', country.value
    FROM link city JOIN literal country ON country.subject = city.object
    WHERE city.predicate = '{SCHEMA.containedInPlace}' AND city.doc = city.subject
      AND country.predicate = '{SCHEMA.name}'""",
    f"""INSERT INTO literal
    SELECT holder.object, 'person', holder.object, 'context', role.value || ', ' || title.value
    FROM link holder
    JOIN link post ON post.subject = holder.subject AND post.predicate = '{CITYKG.post}'
    JOIN link post_role ON post_role.subject = post.object AND post_role.predicate = '{ORG.role}'
    JOIN literal role ON role.subject = post_role.object AND role.predicate = '{RDFS}label'
    JOIN literal title ON title.subject = holder.doc AND title.predicate = '{RDFS}label'
    WHERE holder.predicate = '{CITYKG.holder}'""",
)


def write_search_index(triples: Path, output: Path) -> int:
    """Write the search index of the N-Triples in ``triples`` (gzipped when its name ends in
    ``.gz``) to ``output``; the number of documents."""
    scratch = output.with_name(output.name + ".scratch")
    for stale in (scratch, output):
        stale.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(scratch)) as stage:
            _stage(stage, triples)
            with closing(sqlite3.connect(output)) as index:
                count = _write(index, _documents(stage))
    finally:
        scratch.unlink(missing_ok=True)
    with open(output, "rb") as written:
        os.fsync(written.fileno())
    return count


def page_of(iri: str) -> tuple[str, str] | None:
    """The page showing ``iri``'s texts and its kind (:data:`~citykg.contract.search_index.KINDS`);
    None for a thing on no searchable page."""
    kind = id_kind(iri)
    if kind in OWN_PAGES:
        return iri, kind
    if kind != "thing":
        return None
    parts = iri[len(ID) :].split("/")
    if parts[0] == "person":
        return iri, "person"
    if parts[0] == "profile" and len(parts) > 3:
        return iris.profile(parts[1], parts[2]), "profile"
    return None


def _stage(stage: sqlite3.Connection, triples: Path) -> None:
    """The string literals and links of ``triples`` in the scratch database, then the texts
    that come from joins."""
    stage.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCRATCH)
    literals: list[tuple] = []
    links: list[tuple] = []
    for triple in _parse(triples):
        subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
        if not isinstance(subject, ox.NamedNode):
            continue
        page = page_of(subject.value)
        doc, kind = page or (None, None)
        if isinstance(obj, ox.Literal):
            if predicate not in NOT_TEXT and obj.datatype.value in STRING_TYPES:
                literals.append((doc, kind, subject.value, predicate, obj.value))
        elif predicate in LINKS and isinstance(obj, ox.NamedNode):
            links.append((doc, subject.value, predicate, obj.value))
        if len(literals) >= BATCH or len(links) >= BATCH:
            _flush(stage, literals, links)
    _flush(stage, literals, links)
    stage.execute("CREATE INDEX literal_subject ON literal(subject, predicate)")
    stage.execute("CREATE INDEX link_subject ON link(subject, predicate)")
    for context in _CONTEXT:
        stage.execute(context)
    stage.execute("CREATE INDEX literal_doc ON literal(kind, doc, subject, predicate, value)")


def _parse(triples: Path) -> Iterator[ox.Triple]:
    if triples.name.endswith(".gz"):
        with gzip.open(triples, "rb") as lines:
            yield from ox.parse(lines, ox.RdfFormat.N_TRIPLES)
    else:
        yield from ox.parse(path=str(triples), format=ox.RdfFormat.N_TRIPLES)


def _flush(stage: sqlite3.Connection, literals: list[tuple], links: list[tuple]) -> None:
    stage.executemany("INSERT INTO literal VALUES (?, ?, ?, ?, ?)", literals)
    stage.executemany("INSERT INTO link VALUES (?, ?, ?, ?)", links)
    literals.clear()
    links.clear()


def _documents(stage: sqlite3.Connection) -> Iterator[tuple[str, ...]]:
    """(kind, title, aliases, body, notes, iri) of every page with a text, by kind and IRI."""
    rows = stage.execute(
        "SELECT kind, doc, subject, predicate, value FROM literal WHERE doc IS NOT NULL "
        "ORDER BY kind, doc, subject, predicate, value"
    )
    kind, doc, texts = "", None, []
    for row_kind, row_doc, subject, predicate, value in rows:
        if row_doc != doc:
            if doc is not None:
                yield _document(kind, doc, texts)
            kind, doc, texts = row_kind, row_doc, []
        texts.append((subject, predicate, value))
    if doc is not None:
        yield _document(kind, doc, texts)


def _document(kind: str, doc: str, texts: list[tuple[str, str, str]]) -> tuple[str, ...]:
    """One document from the texts of its page: the title is the page's own first name."""
    own = {(p, v) for s, p, v in texts if s == doc and p in TITLES}
    ranked = sorted(own, key=lambda pv: (TITLES.index(pv[0]), pv[1]))
    title = ranked[0][1] if ranked else doc.rsplit("/", 1)[-1]
    body = _unique(v for s, p, v in texts if v != title and p not in NOTES)
    notes = _unique(v for s, p, v in texts if v != title and p in NOTES)
    plain = plain_letters(title)
    aliases = plain if plain != title else ""
    return kind, title, aliases, SEPARATOR.join(body), SEPARATOR.join(notes), doc


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return list(seen)


def _write(index: sqlite3.Connection, documents: Iterable[tuple[str, ...]]) -> int:
    """The FTS5 table of ``documents`` (each kind's rowids consecutive, listed in the kinds
    table), merged into one segment and vacuumed; its size."""
    index.executescript(
        "PRAGMA page_size = 4096; PRAGMA journal_mode = OFF; "
        f"PRAGMA user_version = {FORMAT_VERSION}; {CREATE_TABLES}"
    )
    ranges: dict[str, list[int]] = {}

    def rows() -> Iterator[tuple]:
        for rowid, (kind, *columns) in enumerate(documents, start=1):
            ranges.setdefault(kind, [rowid, rowid])[1] = rowid
            yield rowid, *columns

    index.executemany(
        f"INSERT INTO {TABLE}(rowid, title, aliases, body, notes, iri) VALUES (?, ?, ?, ?, ?, ?)",
        rows(),
    )
    index.executemany(
        f"INSERT INTO {KINDS_TABLE} VALUES (?, ?, ?)", [(k, *r) for k, r in ranges.items()]
    )
    index.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
    index.commit()
    index.execute("VACUUM")
    return sum(last - first + 1 for first, last in ranges.values())
