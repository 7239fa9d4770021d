"""Reading the charts of a page back (``citykg.serve.charts``): each chart's SVG parsed as XML,
its bars with their labels and numbers, and the table of its numbers parsed as HTML.

- SVG 1.1, basic shapes and text: https://www.w3.org/TR/SVG11/shapes.html,
  https://www.w3.org/TR/SVG11/text.html
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from support.html import Element

SVG = "{http://www.w3.org/2000/svg}"
# A chart as the page holds it: its frame's id, then its SVG (which holds no other svg element).
CHART = re.compile(r'<div class="chart" id="([^"]+)">\s*(<svg\b.*?</svg>)', re.S)


@dataclass(frozen=True)
class DrawnBar:
    """A bar as drawn: its series' name ("" in a chart without), the number beside it, its
    width in percent of the chart and its colour."""

    series: str
    value: int
    percent: float
    colour: str


@dataclass(frozen=True)
class DrawnChart:
    """A chart's SVG read back: the root element, its title and description, and the bars of
    each label."""

    svg: ET.Element
    title: str
    description: str
    bars: dict[str, list[DrawnBar]]

    def values(self) -> dict[tuple[str, str], int]:
        """(label, series) -> the number drawn beside the bar."""
        return {(label, b.series): b.value for label, bars in self.bars.items() for b in bars}


def drawn_charts(markup: str | bytes) -> dict[str, DrawnChart]:
    """Every chart of a page by its id, its SVG parsed as a standalone XML document."""
    text = markup.decode() if isinstance(markup, bytes) else markup
    return {match[1]: _read(ET.fromstring(match[2])) for match in CHART.finditer(text)}


def _read(svg: ET.Element) -> DrawnChart:
    bars: dict[str, list[DrawnBar]] = {}
    for group in svg.iter(f"{SVG}g"):
        label = " ".join(t.text or "" for t in _with_class(group, "text", "label"))
        names = [t.text or "" for t in _with_class(group, "text", "series")]
        rects = _with_class(group, "rect", "bar")
        numbers = _with_class(group, "text", "value")
        assert len(rects) == len(numbers), f"bars and numbers do not pair up under {label!r}"
        assert not names or len(names) == len(rects), f"series and bars differ under {label!r}"
        assert label not in bars, f"two groups labelled {label!r}"
        bars[label] = [
            DrawnBar(
                names[i] if names else "",
                int(numbers[i].text or ""),
                _percent(rects[i].get("width", "")),
                rects[i].get("fill", ""),
            )
            for i in range(len(rects))
        ]
    return DrawnChart(
        svg,
        svg.findtext(f"{SVG}title", ""),
        svg.findtext(f"{SVG}desc", ""),
        bars,
    )


def _with_class(element: ET.Element, tag: str, name: str) -> list[ET.Element]:
    return [e for e in element.iter(SVG + tag) if name in e.get("class", "").split()]


def _percent(width: str) -> float:
    assert width.endswith("%"), f"a bar {width!r} wide, not a percentage of the chart"
    return float(width[:-1])


def table_values(table: Element) -> dict[tuple[str, str], int]:
    """(row header, column header) -> the number of each data cell of a chart's table."""
    (corner, *columns), *rows = table.rows
    assert corner.tag == "th" and all(c.tag == "th" and c.get("scope") == "col" for c in columns)
    values = {}
    for header, *cells in rows:
        assert header.tag == "th" and header.get("scope") == "row", header
        for column, cell in zip(columns, cells, strict=True):
            values[header.words, column.words] = int(cell.words)
    return values
