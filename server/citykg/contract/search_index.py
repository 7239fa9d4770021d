"""The search index of a release, as both wings read it: an SQLite database (``search.sqlite``)
holding one FTS5 table (https://www.sqlite.org/fts5.html) of documents, one per page people
look for: a city, a country, a person, a profile (with its free-text answers), an answer
option (concept) or an answer list (concept scheme).

Columns: ``title`` (the page's name), ``aliases`` (the title with the letters the tokenizer
does not fold spelled plainly: "Lodz" for "Łódź"), ``body`` (what the page says: free-text
answers, other names), ``notes`` (what defines it: definitions and scope notes) and ``iri``
(not indexed). Tokens are case- and accent-insensitive and stemmed (Porter, English). The
documents of each kind have consecutive rowids, whose ranges the table ``kinds`` gives: FTS5
filters and counts by rowid without reading a row. Ranking is bm25 with :data:`WEIGHTS`: a
name counts most, a definition least (a reader may put the pages whose name matches first).
"""

from __future__ import annotations

TABLE = "documents"
KINDS_TABLE = "kinds"  # kind, first and last rowid
TOKENIZE = "porter unicode61 remove_diacritics 2"
CREATE_TABLES = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(title, aliases, body, notes, iri UNINDEXED, "
    f"tokenize = '{TOKENIZE}');"
    f"CREATE TABLE {KINDS_TABLE}(kind TEXT PRIMARY KEY, first INTEGER, last INTEGER);"
)
NAMES = "{title aliases}"  # the columns of a page's name, as an FTS5 column filter
WEIGHTS = (10.0, 10.0, 1.0, 0.1)  # bm25 weights of title, aliases, body and notes
TITLE_COLUMN, BODY_COLUMN, NOTES_COLUMN = 0, 2, 3
FORMAT_VERSION = 1  # the database's user_version; a reader refuses any other
KINDS = ("city", "country", "person", "profile", "concept", "scheme")

# Letters unicode61 keeps as they are (they decompose to no base letter and combining mark).
_PLAIN = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE"}
    | {"œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D"}
)


def plain_letters(text: str) -> str:
    """``text`` with the letters of :data:`_PLAIN` spelled plainly (the tokenizer folds the
    others: "ö" is "o")."""
    return text.translate(_PLAIN)


def words_query(words: str) -> str:
    """An FTS5 query matching the documents that hold every word of ``words``, each word quoted
    (nothing in it is query syntax) and, when it has letters of :data:`_PLAIN`, also matched
    as the ``aliases`` column spells it; empty when ``words`` has none."""
    terms = []
    for word in words.replace('"', " ").split():
        plain = plain_letters(word)
        terms.append(f'"{word}"' if plain == word else f'("{word}" OR "{plain}")')
    return " ".join(terms)
