"""The query page shows the answer of every query form as a table, CONSTRUCT included."""

from __future__ import annotations

from support.html import parse_html

QUERY = (
    "PREFIX schema: <https://schema.org/> "
    "CONSTRUCT { ?city schema:name ?name } WHERE { ?city a schema:City ; schema:name ?name }"
)


def test_a_construct_query_is_shown_as_a_table_of_triples(client):
    response = client.get("/query", query_string={"query": QUERY}, headers={"Accept": "text/html"})
    assert response.status_code == 200
    table = parse_html(response.data).one("table")
    header, *rows = [[cell.words for cell in row] for row in table.rows if row]
    assert header == ["subject", "predicate", "object"]
    assert [row[2] for row in rows] == ["Leipzig"]
