"""How the store cuts a Triple Pattern Fragment into pages and counts it, past the count limit
too: every triple is on one page, the count is exact under the limit and at least what the
pages reach past it, and a repeated variable name is one variable."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from citykg.serve import fragments
from citykg.serve.fragments import Selector
from citykg.serve.store import EmbeddedStore

EX = "http://example.org/"
P = ox.NamedNode(EX + "p")
ANY = Selector(dict.fromkeys(fragments.POSITIONS), {})


@pytest.fixture
def store() -> EmbeddedStore:
    """250 triples of one predicate, one of another, one whose subject is its object."""
    data = ox.Store()
    for i in range(250):
        data.add(ox.Quad(ox.NamedNode(f"{EX}s{i:03}"), P, ox.Literal(str(i))))
    data.add(ox.Quad(ox.NamedNode(EX + "x"), ox.NamedNode(EX + "q"), ox.Literal("x")))
    data.add(ox.Quad(ox.NamedNode(EX + "self"), ox.NamedNode(EX + "q"), ox.NamedNode(EX + "self")))
    return EmbeddedStore(data)


def selecting(**terms: str) -> Selector:
    return Selector.of(terms)


def pages(store: EmbeddedStore, selector: Selector) -> list[tuple[int, int, bool]]:
    """(triples, count, more) of each page until one has no next page; every triple once."""
    seen, out, start = [], [], 0
    while True:
        found = fragments.matches(store, selector, start)
        seen += found.triples
        out.append((len(found.triples), found.total, found.more))
        if not found.more:
            assert len(seen) == len(set(seen))
            return out
        start += fragments.PAGE_SIZE


def test_a_small_fragment_is_one_page_with_its_count(store):
    assert pages(store, selecting(subject=EX + "x")) == [(1, 1, False)]


def test_pages_cover_the_fragment_and_the_count_is_exact_under_the_limit(store):
    by_p = selecting(predicate=EX + "p")
    assert pages(store, by_p) == [(100, 250, True), (100, 250, True), (50, 250, False)]
    assert pages(store, ANY) == [(100, 252, True), (100, 252, True), (52, 252, False)]
    assert fragments.matches(store, by_p, 300) == fragments.Found([], 250, False)


def test_past_the_count_limit_the_pages_go_on(store, monkeypatch):
    monkeypatch.setattr(fragments, "COUNT_LIMIT", 120)
    # The count stops at the limit; a page past it counts at least as far as it reaches.
    assert pages(store, selecting(predicate=EX + "p")) == [
        (100, 120, True),
        (100, 201, True),
        (50, 250, False),
    ]


def test_a_variable_named_twice_is_one_variable(store):
    found = fragments.matches(store, selecting(subject="?x", object="?x"), 0)
    assert [t.subject.value for t in found.triples] == [EX + "self"]
    assert fragments.matches(store, selecting(subject="?x", object="?y"), 0).total == 252
