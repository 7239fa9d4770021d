"""SELECT results written through the engine's serialisers, cut at the row cap."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from citykg.serve.results import TRUNCATED, write_boolean, write_solutions

FORMATS = (
    ox.QueryResultsFormat.JSON,
    ox.QueryResultsFormat.XML,
    ox.QueryResultsFormat.CSV,
    ox.QueryResultsFormat.TSV,
)
AWKWARD = ox.Literal('line\nbreak\ttab\r"quote" <tag> & , ; é 🙂', language="en")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    p = ox.NamedNode("http://example.org/p")
    s.extend(
        ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), p, ox.Literal(str(i)), ox.DefaultGraph())
        for i in range(300)
    )
    s.add(ox.Quad(ox.BlankNode("b1"), p, AWKWARD, ox.DefaultGraph()))
    return s


def rows(body: bytes, syntax: ox.QueryResultsFormat) -> list[tuple]:
    if syntax == ox.QueryResultsFormat.CSV:
        return [tuple(r) for r in csv.reader(io.StringIO(body.decode()))][1:]
    return [tuple(solution) for solution in ox.parse_query_results(body, format=syntax)]


@pytest.mark.parametrize("syntax", FORMATS, ids=lambda f: f.name)
def test_uncut_result_is_what_the_engine_writes(store, syntax):
    query = "SELECT ?s ?o ?unbound WHERE { ?s ?p ?o } ORDER BY ?o"
    body, count, truncated = write_solutions(store.query(query), syntax, 1000)
    assert (count, truncated) == (301, False)
    assert rows(body, syntax) == rows(store.query(query).serialize(format=syntax), syntax)


@pytest.mark.parametrize("syntax", FORMATS, ids=lambda f: f.name)
def test_awkward_terms_survive(store, syntax):
    query = "SELECT ?s ?o WHERE { ?s ?p ?o FILTER(isBlank(?s)) }"
    body, count, _ = write_solutions(store.query(query), syntax, 10)
    assert count == 1
    if syntax == ox.QueryResultsFormat.CSV:
        assert rows(body, syntax) == [("_:b1", AWKWARD.value)]
    else:
        (solution,) = ox.parse_query_results(body, format=syntax)
        assert solution["o"] == AWKWARD and isinstance(solution["s"], ox.BlankNode)


@pytest.mark.parametrize("syntax", FORMATS, ids=lambda f: f.name)
def test_cap_cuts_and_is_flagged_in_the_head(store, syntax):
    query = "SELECT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) } ORDER BY ?s"
    body, count, truncated = write_solutions(store.query(query), syntax, 7)
    assert (count, truncated) == (7, True)
    expected = [tuple(r) for r in store.query(query)][:7]
    got = rows(body, syntax)
    if syntax == ox.QueryResultsFormat.CSV:
        expected = [tuple(t.value for t in r) for r in expected]
    assert got == expected
    if syntax == ox.QueryResultsFormat.JSON:
        assert json.loads(body)["head"] == {"link": [TRUNCATED], "vars": ["s"]}
    if syntax == ox.QueryResultsFormat.XML:
        assert f'<link href="{TRUNCATED}"/></head>' in body.decode()


def test_result_of_exactly_the_cap_is_not_flagged(store):
    body, count, truncated = write_solutions(
        store.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 5"), ox.QueryResultsFormat.JSON, 5
    )
    assert (count, truncated) == (5, False)
    assert "link" not in json.loads(body)["head"]


def test_a_huge_result_stops_at_the_cap(store):
    cross = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 27 million rows
    body, count, truncated = write_solutions(store.query(cross), ox.QueryResultsFormat.JSON, 3)
    assert (count, truncated) == (3, True)
    assert len(json.loads(body)["results"]["bindings"]) == 3


def test_no_variables_and_no_rows(store):
    body, count, _ = write_solutions(store.query("SELECT * WHERE {}"), FORMATS[0], 10)
    assert count == 1 and json.loads(body)["results"]["bindings"] == [{}]
    empty = store.query("SELECT ?x WHERE { FILTER(false) }")
    body, count, truncated = write_solutions(empty, FORMATS[0], 10)
    assert (count, truncated) == (0, False)
    assert json.loads(body) == {"head": {"vars": ["x"]}, "results": {"bindings": []}}


@pytest.mark.parametrize("syntax", FORMATS[:2], ids=lambda f: f.name)
def test_boolean_parses_back(syntax):
    for value in (True, False):
        assert bool(ox.parse_query_results(write_boolean(syntax, value), format=syntax)) is value
