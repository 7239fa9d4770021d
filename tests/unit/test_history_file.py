"""A release's history file (history.tsv): lines sorted by graph, found by binary search, and
merged by the build from the previous history and the graphs that changed."""

from __future__ import annotations

import pytest

from citykg.builder.changes import GraphChange
from citykg.builder.history import merge
from citykg.contract.release_history import (
    HEADER,
    GraphHistory,
    HistoryUnreadable,
    history_below,
    read_history,
)

P = "https://w3id.org/citykg/graph/profile/"
GRAPHS = sorted(
    [
        "https://w3id.org/citykg/graph/aggregates",
        "https://w3id.org/citykg/graph/entities",
        f"{P}athens-grc/2020",
        f"{P}athens-grc/2020/line/7",
        f"{P}leipzig-deu/2018",
        f"{P}leipzig-deu/2020",
        f"{P}leipzig-deu/2020-draft",  # sorts between the graph and its line graphs
        f"{P}leipzig-deu/2020-draft/line/3",
        *(f"{P}leipzig-deu/2020/line/{n}" for n in (1, 2, 10, 11, 99, "12-14")),
        f"{P}leipzig-deu/20200",
        f"{P}zwickau-deu/2020",
        "https://w3id.org/citykg/graph/validation-report",
    ]
)


def row(graph: str, index: int = 0) -> GraphHistory:
    return GraphHistory(graph, index + 1, f"{index:016x}", "2026-01-01T00:00:00+00:00")


def write(path, rows) -> None:
    path.write_bytes(HEADER + b"".join(r.line() for r in rows))


@pytest.mark.parametrize("pad", [0, 1, 7, 300])  # other line lengths move every offset
def test_binary_search_finds_what_a_scan_finds(tmp_path, pad):
    rows = [row(g + "x" * pad if "zwickau" in g else g, i) for i, g in enumerate(GRAPHS)]
    path = tmp_path / "history.tsv"
    write(path, rows)
    for graph in [*(r.graph for r in rows), f"{P}nowhere/2020", "a", "~"]:
        wanted = [r for r in rows if r.graph == graph or r.graph.startswith(graph + "/")]
        assert history_below(path, graph) == wanted, graph
    leipzig = [r.graph for r in history_below(path, f"{P}leipzig-deu/2020")]
    assert leipzig[0] == f"{P}leipzig-deu/2020" and len(leipzig) == 7


def test_no_file_no_lines_and_no_history(tmp_path):
    path = tmp_path / "history.tsv"
    assert history_below(path, f"{P}leipzig-deu/2020") is None
    write(path, [])
    assert history_below(path, f"{P}leipzig-deu/2020") == []
    path.write_bytes(b"graph\ttriples\n")
    with pytest.raises(HistoryUnreadable, match="no release history"):
        history_below(path, f"{P}leipzig-deu/2020")


def test_reading_refuses_lines_malformed_or_out_of_order(tmp_path):
    path = tmp_path / "history.tsv"
    rows = [row(g, i) for i, g in enumerate(GRAPHS)]
    write(path, rows)
    assert list(read_history(path)) == rows
    write(path, [rows[1], rows[0]])
    with pytest.raises(HistoryUnreadable, match="out of order"):
        list(read_history(path))
    path.write_bytes(HEADER + b"https://e/g\tmany\tabc\t2026-01-01\n")
    with pytest.raises(HistoryUnreadable, match="not a line of a release history"):
        list(read_history(path))


def test_the_merge_dates_each_graph_by_its_last_change():
    """Unchanged: as before; changed: this release, counted again; new: this release; left
    empty: gone."""
    past = [row("g/a"), row("g/b"), row("g/c"), row("g/e")]  # 1 triple each, release 0
    changes = [
        GraphChange("g/b", 2, 1),
        GraphChange("g/c", 0, 1),
        GraphChange("g/d", 3, 0),
        GraphChange("g/f", 1, 0),
    ]
    new = "feedfacefeedface", "2026-02-01T00:00:00+00:00"
    assert list(merge(past, changes, *new)) == [
        row("g/a"),
        GraphHistory("g/b", 2, *new),
        GraphHistory("g/d", 3, *new),
        row("g/e"),
        GraphHistory("g/f", 1, *new),
    ]
    assert list(merge([], changes[2:], *new)) == [
        GraphHistory("g/d", 3, *new),
        GraphHistory("g/f", 1, *new),
    ]
    with pytest.raises(HistoryUnreadable, match="2 triples removed, the history counts 1"):
        list(merge(past, [GraphChange("g/a", 0, 2)], *new))
