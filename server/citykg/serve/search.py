"""``/search``: the pages whose names and texts hold the words asked for, best first, from the
served release's search index (:mod:`citykg.serve.search_index`); HTML, or JSON by content
negotiation (``Accept: application/json`` or ``format=json``).

``q`` is plain words by default: a page matches when it holds every one, in any case and with or
without accents; nothing in them is syntax. ``syntax=fts5`` reads ``q`` as an SQLite FTS5 query
(``OR``, ``NOT``, ``"phrases"``, ``prefix*``, ``NEAR``); one that does not parse is a 400 saying
where. ``kind=`` keeps one kind of page, ``page=`` pages through them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request
from markupsafe import Markup, escape

from citykg.contract.formats import HTML, JSON, Format
from citykg.contract.iris import DEFAULT_BASE
from citykg.contract.layout import SEARCH_FILE
from citykg.contract.search_index import KINDS, words_query
from citykg.serve.clients import admitted
from citykg.serve.errors import HttpError, shorten
from citykg.serve.http import choose, represent
from citykg.serve.links import safe_href
from citykg.serve.negotiation import by_request_name
from citykg.serve.search_index import (
    Hit,
    Matches,
    SearchIndex,
    SearchSyntaxError,
    SearchTimeout,
    SearchUnavailable,
    Segment,
)
from citykg.serve.services import services

bp = Blueprint("search", __name__)

OFFERS = (HTML, JSON)
SYNTAXES = ("words", "fts5")
MAX_QUERY_CHARS = 200
PER_PAGE = 20
MAX_RESULTS = 1000  # pages of results reach this far, no further
KIND_NAMES = {  # each kind of page, one and many
    "city": ("city", "cities"),
    "country": ("country", "countries"),
    "person": ("person", "people"),
    "profile": ("profile", "profiles"),
    "concept": ("answer option", "answer options"),
    "scheme": ("answer list", "answer lists"),
}


@dataclass(frozen=True)
class Asked:
    """What a request searches for."""

    q: str
    syntax: str
    kind: str | None
    page: int

    def url(self, **changed: object) -> str:
        """The URL of this search with ``changed`` parameters (None drops one)."""
        params = {"q": self.q, "syntax": self.syntax, "kind": self.kind, "page": self.page}
        params.update(changed)
        defaults = {"syntax": "words", "page": 1}
        kept = {k: v for k, v in params.items() if v is not None and defaults.get(k) != v}
        return "/search?" + urlencode(kept)


@bp.route("/search", methods=["GET"])
def search() -> Response:
    """A page of the matches of ``q``, or the search form when there is no ``q``."""
    fmt = _format()
    asked = _asked()
    query = (words_query(asked.q) if asked.syntax == "words" else asked.q).strip()
    matches = _matches(asked, query) if query else Matches([], 0, {})
    last = max(1, -(-min(matches.total, MAX_RESULTS) // PER_PAGE))
    if asked.page > last:
        raise HttpError(404, f"no page {asked.page} of these results: pages 1 to {last}")
    if fmt is JSON:
        return represent(_json(asked, matches, last).encode(), JSON)
    body = render_template(
        "search.html",
        title=f"Search: {shorten(asked.q, 60)}" if asked.q else "Search",
        asked=asked,
        matches=matches,
        last=last,
        first=(asked.page - 1) * PER_PAGE + 1,
        kinds=KIND_NAMES,
    )
    return represent(body.encode(), HTML)


def _format() -> Format:
    named = request.args.get("format")
    if named is None:
        return choose(OFFERS)
    fmt = by_request_name(named, OFFERS)
    if fmt is None:
        raise HttpError(400, "format must be html or json")
    return fmt


def _asked() -> Asked:
    q = " ".join(request.args.get("q", "").split())
    if any(ord(c) < 32 or ord(c) == 127 for c in q):
        raise HttpError(400, "the search holds a control character; send words")
    if len(q) > MAX_QUERY_CHARS:
        raise HttpError(400, f"the search is too long: at most {MAX_QUERY_CHARS} characters")
    syntax = request.args.get("syntax", "words")
    if syntax not in SYNTAXES:
        raise HttpError(400, f"syntax must be one of {', '.join(SYNTAXES)}")
    kind = request.args.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise HttpError(400, f"kind must be one of {', '.join(KINDS)}")
    return Asked(q, syntax, kind, _page(request.args.get("page")))


def _page(asked: str | None) -> int:
    if asked is None:
        return 1
    if not (asked.isascii() and asked.isdigit() and 0 < len(asked) < 6 and int(asked) > 0):
        raise HttpError(400, f"page must be a whole number from 1, not {shorten(asked, 20)!r}")
    return int(asked)


def _matches(asked: Asked, query: str) -> Matches:
    index = SearchIndex(services().release.path / SEARCH_FILE)
    offset = (asked.page - 1) * PER_PAGE
    try:
        with admitted():  # a search costs like a query: the same share per client
            return index.search(
                query, asked.kind, max(0, min(PER_PAGE, MAX_RESULTS - offset)), offset
            )
    except SearchSyntaxError as exc:
        raise HttpError(
            400, f"search syntax error: {exc}; search without syntax=fts5 for plain words"
        ) from None
    except SearchUnavailable as exc:
        raise HttpError(
            503, f"{exc}: this release was built by an older citykg; build it again to search it"
        ) from None
    except SearchTimeout as exc:
        raise HttpError(503, f"{exc} and was stopped; search for fewer or rarer words") from None


def _json(asked: Asked, matches: Matches, last: int) -> str:
    document = {
        "q": asked.q,
        "syntax": asked.syntax,
        "kind": asked.kind,
        "total": matches.total,
        "kinds": matches.kinds,
        "page": asked.page,
        "pages": last,
        "next": asked.url(page=asked.page + 1) if asked.page < last else None,
        "results": [_result(hit) for hit in matches.hits],
    }
    return json.dumps(document, ensure_ascii=False)


def _result(hit: Hit) -> dict:
    return {
        "iri": hit.iri,
        "url": safe_href(hit.iri, DEFAULT_BASE),
        "kind": hit.kind,
        "title": _text(hit.title),
        "snippet": _text(hit.snippet),
        "snippet_html": str(marked(hit.snippet)),
        "score": hit.score,
    }


def _text(segments: list[Segment]) -> str:
    return "".join(text for text, _ in segments)


def marked(segments: list[Segment]) -> Markup:
    """Segments as HTML: every text escaped, the matched ones in ``<mark>``."""
    return Markup("").join(
        Markup("<mark>{}</mark>").format(text) if hit else escape(text) for text, hit in segments
    )
