"""Query results as data for the HTML table, and the example queries of the query page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pyoxigraph as ox

from citykg.serve.links import Link, link_for

MAX_HTML_ROWS = 1000


@dataclass(frozen=True)
class Example:
    """One example query: title (its first comment line), file name and text."""

    title: str
    name: str
    text: str


@dataclass
class Table:
    """A result set ready for a template."""

    columns: list[str]
    rows: list[list[Link | None]]
    boolean: bool | None = None
    truncated: bool = False


@cache
def examples() -> tuple[Example, ...]:
    """The example queries shipped in ``serve/examples``."""
    found = []
    for entry in sorted(
        resources.files("citykg.serve").joinpath("examples").iterdir(), key=lambda e: e.name
    ):
        if entry.name.endswith(".rq"):
            text = entry.read_text(encoding="utf-8")
            title = text.splitlines()[0].lstrip("# ").strip()
            found.append(Example(title, entry.name, text))
    return tuple(found)


def result_table(
    result: ox.QuerySolutions | ox.QueryBoolean | Iterable[ox.Triple], base: str
) -> Table:
    """Turn any query result (solutions, a boolean, or triples) into rows of links/literals, at
    most MAX_HTML_ROWS."""
    if isinstance(result, ox.QueryBoolean):
        return Table([], [], boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        rows_in = ((row[v] for v in result.variables) for row in result)
    else:
        columns = ["subject", "predicate", "object"]
        rows_in = ((t.subject, t.predicate, t.object) for t in result)
    table = Table(columns, [])
    for row in rows_in:
        if len(table.rows) >= MAX_HTML_ROWS:
            table.truncated = True
            break
        table.rows.append([None if term is None else link_for(term, base) for term in row])
    return table
