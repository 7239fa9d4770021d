"""The query guard's reading of a query's text: the first word after the prologue, the dataset
clauses a protocol dataset overrides, an ASK sent as SELECT."""

from __future__ import annotations

import pytest

from citykg.serve import guard

PROLOGUE = "PREFIX ex: <http://example.org/select#> BASE <http://example.org/ask/> "


@pytest.mark.parametrize(
    ("query", "form"),
    [
        (PROLOGUE + "SELECT * {}", "SELECT"),
        ("# ASK\n  ask {}", "ASK"),
        (PROLOGUE + "INSERT DATA { <a> <b> <c> }", "INSERT"),
        ("DEFINE sql:big-data-const 0 SELECT * {}", "DEFINE"),
        ("", ""),
    ],
)
def test_the_first_word_after_the_prologue(query, form):
    assert guard.inspect(query).form == form


@pytest.mark.parametrize("query", ["INSERT DATA { <a> <b> <c> }", "DEFINE sql:x 1 SELECT * {}"])
def test_anything_but_a_query_is_refused(query):
    with pytest.raises(guard.QueryRefused, match="not a SPARQL query"):
        guard.check(query, (), ())


def test_dataset_clauses_are_blanked_outside_strings_iris_and_comments():
    query = (
        PROLOGUE + 'SELECT * FROM <http://a> FROM NAMED ex:g WHERE { ?s ?p "FROM <y>" } # FROM <z>'
    )
    blanked = guard.without_dataset_clauses(query)
    assert "<http://a>" not in blanked and "ex:g" not in blanked
    assert '"FROM <y>"' in blanked and "# FROM <z>" in blanked
    assert guard.inspect(blanked).from_graphs == []
    assert guard.without_dataset_clauses("SELECT * {}") == "SELECT * {}"


def test_an_ask_is_sent_as_select_of_the_same_pattern():
    query = PROLOGUE + 'ASK FROM <http://g> { ?s ?p "ASK" } VALUES ?s { ex:a }'
    assert guard.ask_as_select(query) == query.replace("ASK FROM", "SELECT * FROM")
    assert guard.ask_as_select("SELECT * { ?s ?p ?o }") == "SELECT * { ?s ?p ?o }"


def test_the_graphs_a_query_names_by_iri_and_whether_it_has_a_graph_variable():
    query = PROLOGUE + 'SELECT * { GRAPH ex:g { ?s ?p "GRAPH <no>" } GRAPH <relative> {} }'
    assert guard.graph_targets(query) == (
        ["http://example.org/select#g", "http://example.org/ask/relative"],
        False,
    )
    assert guard.graph_targets("SELECT * { GRAPH ?g { ?s ?p ?o } }") == ([], True)
    assert guard.graph_targets("SELECT * { ?s ?p ?o } # GRAPH <x>") == ([], False)
