"""How the store cuts a Triple Pattern Fragment into pages and counts it, past the count limit
too: every triple is on one page, and the count is at least what the pages reached."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from citykg.serve import fragments
from citykg.serve.store import EmbeddedStore

P = ox.NamedNode("http://example.org/p")
ANY = {"subject": None, "predicate": None, "object": None}


@pytest.fixture
def store() -> EmbeddedStore:
    """250 triples of one predicate, and one of another."""
    data = ox.Store()
    for i in range(250):
        data.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i:03}"), P, ox.Literal(str(i))))
    other = ox.NamedNode("http://example.org/q")
    data.add(ox.Quad(ox.NamedNode("http://example.org/x"), other, ox.Literal("x")))
    return EmbeddedStore(data)


def pages(store: EmbeddedStore, pattern: dict) -> list[tuple[int, int]]:
    """(triples, count) of each page until one has no next page, and every triple seen."""
    seen, out, start = [], [], 0
    while True:
        page, total = fragments.matches(store, pattern, start)
        seen += page
        out.append((len(page), total))
        if start + len(page) >= total:
            assert len(seen) == len(set(seen))
            return out
        start += fragments.PAGE_SIZE


def test_a_small_fragment_is_one_page_with_its_count(store):
    assert pages(store, {**ANY, "subject": ox.NamedNode("http://example.org/x")}) == [(1, 1)]


def test_pages_cover_the_fragment_and_the_count_is_exact_under_the_limit(store):
    assert pages(store, {**ANY, "predicate": P}) == [(100, 250), (100, 250), (50, 250)]
    assert pages(store, ANY) == [(100, 251), (100, 251), (51, 251)]


def test_past_the_count_limit_the_pages_go_on(store, monkeypatch):
    monkeypatch.setattr(fragments, "COUNT_LIMIT", 120)
    # The count stops at the limit; a page past it says there is more, up to the last one.
    assert pages(store, {**ANY, "predicate": P}) == [(100, 120), (100, 201), (50, 250)]
