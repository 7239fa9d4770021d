"""The query page shows the answer of every query form as a table, CONSTRUCT included."""

from __future__ import annotations

from html.parser import HTMLParser

QUERY = (
    "PREFIX schema: <https://schema.org/> "
    "CONSTRUCT { ?city schema:name ?name } WHERE { ?city a schema:City ; schema:name ?name }"
)


class _Cells(HTMLParser):
    """The text of every table cell, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_a_construct_query_is_shown_as_a_table_of_triples(client):
    response = client.get("/query", query_string={"query": QUERY}, headers={"Accept": "text/html"})
    assert response.status_code == 200
    cells = _Cells()
    cells.feed(response.get_data(as_text=True))
    header, *rows = [r for r in cells.rows if r]
    assert header == ["subject", "predicate", "object"]
    assert [row[2] for row in rows if row[2] == "Leipzig"] == ["Leipzig"]
