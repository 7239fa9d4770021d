"""Bar charts laid out (citykg.serve.charts) and drawn as inline SVG by the template macros:
bars proportional to the counts, labels that fit a narrow window and come out escaped, a title,
a description and a table with every number, colours that stand out from the page."""

from __future__ import annotations

import re

import pytest

from citykg.serve.charts import COLOURS, LONGEST_BAR, TEXT, WRAP, Row, Share, bar_chart
from citykg.serve.templating import environment

from support.charts import SVG, drawn_charts, table_values
from support.html import parse_html
from support.project import ROOT

AWKWARD = '<b>Fish & "chips"</b> isn\'t </svg> an option'
ROWS = [
    Row("Health", (3, 0), "https://w3id.org/citykg/id/concept/policy-area/health"),
    Row(AWKWARD, (1, 4)),
    Row("Culture", (0, 0)),
]


def drawn(chart) -> str:
    """The markup the macro writes for ``chart``, as a page holds it."""
    template = environment().from_string(
        '{% import "macros/charts.html" as charts %}{{ charts.bar_chart(chart) }}'
    )
    return template.render(chart=chart)


def test_bars_are_as_long_as_their_counts():
    chart = bar_chart("t", "Test", "Option", ROWS, ("2018", "2020"))
    widths = {(g.row.label, b.series): (b.value, b.percent) for g in chart.groups for b in g.bars}
    assert widths[AWKWARD, "2020"] == (4, LONGEST_BAR)
    assert widths["Health", "2018"] == (3, LONGEST_BAR * 3 / 4)
    assert widths[AWKWARD, "2018"] == (1, LONGEST_BAR / 4)
    assert widths["Culture", "2018"] == widths["Health", "2020"] == (0, 0)
    tops = [b.y for g in chart.groups for b in g.bars]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)
    assert chart.height > tops[-1]


def test_long_labels_wrap_into_lines_a_narrow_window_holds():
    label = "Rethinking your city's approach to financing partnerships and more besides"
    chart = bar_chart("t", "Test", "Option", [Row(label, (1,))])
    lines = [line.text for line in chart.groups[0].lines]
    assert len(lines) > 1 and all(len(line) <= WRAP for line in lines)
    assert " ".join(lines) == label


def test_a_chart_of_nothing_says_so():
    chart = bar_chart("t", "Test", "Option", [Row("Culture", (0, 0))], ("2018", "2020"))
    assert "Every count is 0." in chart.description
    assert all(b.percent == 0 for g in chart.groups for b in g.bars)


def test_the_description_names_the_largest_count():
    chart = bar_chart("t", "Test", "Option", ROWS, ("2018", "2020"), unit="profiles")
    assert f"The largest: {AWKWARD}, 4 profiles in 2020." in chart.description


def test_the_svg_has_a_title_a_description_and_every_count():
    chart = bar_chart("opts", "Options, by survey wave", "Option", ROWS, ("2018", "2020"))
    markup = drawn(chart)
    [(key, svg)] = drawn_charts(markup).items()
    assert key == "chart-opts"
    root = svg.svg
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == title.get("id") == "chart-opts-title"
    assert root.get("aria-describedby") == desc.get("id") == "chart-opts-desc"
    assert svg.title == "Options, by survey wave" and svg.description == chart.description
    assert svg.values() == {
        (row.label, wave): n
        for row in ROWS
        for wave, n in zip(("2018", "2020"), row.values, strict=True)
    }
    assert all(e.get("style") is None for e in root.iter())


def test_labels_come_out_escaped_in_the_svg_and_the_table():
    """A label with markup in it is text in the SVG (which still parses as XML) and the table."""
    chart = bar_chart("opts", "Options <i>", "Option", ROWS, ("2018", "2020"))
    markup = drawn(chart)
    svg = drawn_charts(markup)["chart-opts"]
    assert AWKWARD in svg.bars and svg.title == "Options <i>"
    page = parse_html(markup)
    assert not page.find_all("b") and not page.find_all("i")
    table = page.one("table", class_="chart-data")
    assert table.one("caption").words == "Options <i>"
    assert table_values(table) == svg.values()
    assert table.one("a").get("href") == "/id/concept/policy-area/health"


def test_a_chart_without_series_names_draws_none():
    chart = bar_chart("c", "Cities by country", "Country", [Row("Germany", (2,))], unit="cities")
    svg = drawn_charts(drawn(chart))["chart-c"]
    assert svg.bars == {"Germany": [svg.bars["Germany"][0]]}
    assert svg.bars["Germany"][0].series == "" and svg.bars["Germany"][0].value == 2
    headers = [th.words for th in parse_html(drawn(chart)).one("thead").find_all("th")]
    assert headers == ["Country", "Cities"]


@pytest.mark.parametrize(
    ("count", "total", "percent"), [(3, 12, 25.0), (12, 12, 100.0), (0, 5, 0), (0, 0, 0)]
)
def test_a_share_is_the_part_of_a_wave(count, total, percent):
    assert Share(count, total, "2020").percent == percent


def luminance(colour: str) -> float:
    """The relative luminance of a ``#rrggbb`` colour (WCAG 2.2, definitions)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_bars_and_text_stand_out_from_the_page():
    """WCAG 1.4.11 asks 3:1 of the parts of a graphic needed to understand it, 1.4.3 4.5:1 of
    text."""
    css = (ROOT / "server" / "citykg" / "serve" / "static" / "style.css").read_text()
    page = re.search(r"body \{[^}]*background: (#[0-9a-f]{6})", css).group(1)
    for colour in (*COLOURS, Share.colour, Share.edge):
        assert contrast(colour, page) >= 3, colour
    assert contrast(TEXT, page) >= 4.5
