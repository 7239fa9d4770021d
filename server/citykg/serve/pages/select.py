"""What every page's data reads the store with: SELECT rows as plain dicts, and links to the
query page."""

from __future__ import annotations

from urllib.parse import quote

from citykg.contract.iris import sparql_prefixes
from citykg.serve.store import Store

PREFIXES = sparql_prefixes()


def select(store: Store, query: str, graph: str | None = None) -> list[dict[str, str]]:
    """Rows of a SELECT over the default graph, the data (or over ``graph`` only), every value
    as its lexical form or IRI."""
    if graph is None:
        result = store.query(PREFIXES + query)
    else:
        result = store.query(PREFIXES + query, default_graphs=[graph], named_graphs=[])
    names = [v.value for v in result.variables]
    return [
        {name: term.value for name, term in zip(names, row, strict=True) if term is not None}
        for row in result
    ]


def by_notation(row: dict) -> tuple:
    """Sort key: a concept's numeric ``notation`` (those without one last), then its label."""
    notation = row.get("notation", "")
    return (int(notation) if notation.isdigit() else 10**6, row["label"])


def query_link(query: str) -> str:
    """The query page URL running ``query``."""
    return "/query?query=" + quote(query, safe="")
