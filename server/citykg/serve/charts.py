"""Bar charts of counts, laid out for inline SVG: the data of ``templates/macros/charts.html``.

A chart is a list of groups (an answer option, a property, a country), each with one bar per
series (a survey wave; one unnamed series for a plain chart). This module computes where each
label, bar and number goes; the macro writes the SVG (presentation attributes only, since the
pages' Content-Security-Policy refuses ``style`` attributes) and a table with every number.

Vertical positions are pixels, horizontal ones percentages of the chart's width, and there is no
``viewBox``: bars stretch with the page's column while the text keeps the page's size. Scaled
with a ``viewBox``, 14 px text drawn 640 units wide would be 6 px in a 320 px window. Labels are
wrapped to lines short enough for that window (WCAG 1.4.10, Reflow).

- SVG 1.1, the ``text`` element's ``x`` and ``dx``: https://www.w3.org/TR/SVG11/text.html#TextElement
- SVG Accessibility API Mappings, ``title`` and ``desc``: https://www.w3.org/TR/svg-aam-1.0/
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

FONT_SIZE = 14  # px, the size of every text in a chart
LINE = 17  # px per line of a label
BAR = 12  # px, the height of a bar
BAR_GAP = 3  # px between the bars of a group
GROUP_GAP = 8  # px between groups
SERIES_LABEL = 44  # px left of the bars for a series' name ("2018"), when series are named
VALUE_GAP = 6  # px between a bar's end and its number
LONGEST_BAR = 60  # percent of the width the longest bar takes: the rest holds its number
WRAP = 30  # characters per label line, which fit a 320 px window
# Bar colours, one per series, each at least 4.5:1 against the page's background (#fbfbfa).
COLOURS = ("#1f5fa8", "#a34700", "#20304a", "#6b3fa0")
TEXT = "#1d2430"  # the page's text colour


@dataclass(frozen=True)
class Row:
    """One group of a chart's data: its label, a link (an IRI) when it has a page, and a value
    per series."""

    label: str
    values: tuple[int, ...]
    href: str | None = None


@dataclass(frozen=True)
class LabelLine:
    """A line of a group's label and the y of its baseline."""

    text: str
    y: int


@dataclass(frozen=True)
class Bar:
    """One bar: its series, value, colour, top and width in percent of the chart."""

    series: str
    value: int
    colour: str
    y: int
    percent: float

    @property
    def baseline(self) -> int:
        """The y of the baseline of the bar's series name and number, level with the bar."""
        return self.y + BAR - 2


@dataclass(frozen=True)
class Group:
    """A group's label (as wrapped) and bars; ``row`` is its data."""

    row: Row
    lines: tuple[LabelLine, ...]
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class BarChart:
    """A laid-out chart: ``key`` names its ids, ``heading`` the table's column of labels,
    ``unit`` what its values count."""

    font_size = FONT_SIZE
    bar_height = BAR
    text_colour = TEXT

    key: str
    title: str
    description: str
    heading: str
    unit: str
    series: tuple[str, ...]
    groups: tuple[Group, ...]
    height: int
    bar_x: int  # where the bars start (px): after the series names, if any

    @property
    def value_dx(self) -> int:
        """How far right of a bar's end its number starts (px)."""
        return self.bar_x + VALUE_GAP


def bar_chart(
    key: str,
    title: str,
    heading: str,
    rows: Sequence[Row],
    series: Sequence[str] = ("",),
    unit: str = "profiles",
) -> BarChart:
    """``rows`` laid out as horizontal bars, one per row and series, scaled to the largest value.
    ``key`` must be unique on the page (``chart-{key}`` is the chart's id); ``unit`` is what the
    values count, for the description."""
    largest = max((v for row in rows for v in row.values), default=0)
    bar_x = SERIES_LABEL if any(series) else 0
    groups = []
    y = 0
    for row in rows:
        lines = []
        for text in textwrap.wrap(row.label, WRAP) or [""]:
            y += LINE
            lines.append(LabelLine(text, y - 4))
        y += BAR_GAP
        bars = []
        for index, (name, value) in enumerate(zip(series, row.values, strict=True)):
            percent = round(LONGEST_BAR * value / largest, 2) if largest else 0
            bars.append(Bar(name, value, COLOURS[index % len(COLOURS)], y, percent))
            y += BAR + BAR_GAP
        groups.append(Group(row, tuple(lines), tuple(bars)))
        y += GROUP_GAP
    description = _describe(rows, tuple(series), heading, unit, largest)
    return BarChart(key, title, description, heading, unit, tuple(series), tuple(groups), y, bar_x)


def _describe(
    rows: Sequence[Row], series: tuple[str, ...], heading: str, unit: str, largest: int
) -> str:
    """What the chart shows in words: its bars, the largest value, where the numbers are."""
    per = heading.lower() + (" and survey wave" if any(series) else "")
    shape = f"Horizontal bars, one per {per}, longest for the largest number."
    if not largest:
        return f"{shape} Every count is 0."
    label, name = next(
        (row.label, s)
        for row in rows
        for s, v in zip(series, row.values, strict=True)
        if v == largest
    )
    top = f"The largest: {label}, {largest} {unit}" + (f" in {name}." if name else ".")
    return f"{shape} {top} The table below gives every number."


@dataclass(frozen=True)
class Share:
    """How many of the ``total`` cities of a survey wave gave an answer: the bar beside an
    answer on a city page."""

    colour = COLOURS[0]
    track = "#e4e7ec"  # the bar's full length, outlined in the page's grey
    edge = "#5a6372"

    count: int
    total: int
    wave: str

    @property
    def percent(self) -> float:
        """The share as the width of the bar, in percent."""
        return round(100 * self.count / self.total, 2) if self.total else 0
