"""A person's path through the site in headless Chromium (Playwright driving Debian's chromium),
and the charts of the pages as a browser draws them."""

from __future__ import annotations

import pytest

from citykg.builder.synthetic import write_project
from citykg.cli import main
from citykg.contract.project import Project

from support.browser import ARTIFACTS, VIEWPORT, launched, watched_page
from support.processes import citykg_serve
from support.project import ROOT

ACTIVITIES = [
    "Taking risks or testing new ideas",
    "Data-driven analytics/public data management",
    "Engaging residents in new ways",
    "Developing new solutions based on digital technologies",
    "Organizational change within the municipality",
    "Human-centered design",
    "Rethinking your city's approach to financing partnerships",
]


@pytest.fixture(scope="module")
def browser():
    with launched() as browser:
        yield browser


@pytest.fixture(scope="module")
def page(browser, served):
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.set_default_timeout(20000)
    yield page


def test_browse_from_index_to_query(page, served):
    page.goto(served + "/")
    page.get_by_role("link", name="Leipzig").click()
    page.wait_for_url("**/id/city/leipzig-deu")
    assert page.locator("h1").first.inner_text().startswith("Leipzig")
    assert page.locator("ol.ranked li > a").all_inner_texts() == ACTIVITIES
    assert page.locator("ol.ranked li").nth(2).get_attribute("value") == "3"
    rows = page.locator("table.matrix tbody tr")
    assert rows.count() == 19
    both = page.locator("table.matrix tr.both")
    assert both.count() == 1 and both.locator("td").first.inner_text().startswith("Health")
    assert "Health" in page.locator(".contradiction").inner_text()
    assert "Burkhard Jung" in page.locator("dl.header").inner_text()
    page.screenshot(path=str(ARTIFACTS / "city.png"), full_page=True)

    page.locator("#policy_areas-2020").get_by_role("link", name="Transport/Mobility").click()
    page.wait_for_url("**/id/concept/policy-area/transport-mobility")
    assert page.locator("h1").inner_text() == "Transport/Mobility"
    uses = page.locator("section.uses").all_inner_texts()
    assert any("focus policy area: 1 profile" in u and "Leipzig" in u for u in uses)

    page.get_by_role("link", name="Query", exact=True).click()
    page.wait_for_url("**/query")
    page.get_by_role("link", name="Cities, their Wikidata IRIs, mayors and populations").click()
    assert "citykg:Mayor" in page.locator("textarea").input_value()
    page.get_by_role("button", name="Run query").click()
    page.wait_for_selector("table.results tbody tr")
    cells = page.locator("table.results tbody tr").first.locator("td").all_inner_texts()
    assert "Leipzig" in cells and "Burkhard Jung" in cells
    assert any(c.startswith("600000") for c in cells)
    assert "http://www.wikidata.org/entity/Q2079" in cells
    page.screenshot(path=str(ARTIFACTS / "query.png"), full_page=True)


# Pages with charts: (name, path, the charts' selector) on 40 synthetic profiles
CHARTS = [
    ("home", "/", "#chart-countries svg"),
    ("scheme", "/id/concept/policy-area", "#chart-sufficientDataFor svg"),
    ("concept", "/id/concept/policy-area/health", "#chart-choices svg"),
    ("city", "/id/city/synthcity-000010-swe", ".share svg"),
]
# Each bar of the charts in the page, with the box of the bar and of the number beside it.
BARS = """(selector) => [...document.querySelectorAll(selector)].flatMap((svg) =>
  [...svg.querySelectorAll('rect.bar')].map((bar) => {
    const number = bar.nextElementSibling;
    const box = (e) => { const r = e.getBoundingClientRect();
                         return {left: r.left, right: r.right, width: r.width, height: r.height}; };
    return {bar: box(bar), number: number && number.matches('text.value') ? box(number) : null,
            value: number && number.matches('text.value') ? Number(number.textContent) : null,
            svg: box(svg)};
  }))"""


@pytest.fixture(scope="module")
def synthetic_served(tmp_path_factory):
    """``citykg serve`` of a release of 40 synthetic profiles (both survey waves)."""
    project = write_project(tmp_path_factory.mktemp("synth") / "p", 40, Project.at(ROOT))
    assert main(["build", "--synthetic", "-q", "--project", str(project.root)]) == 0
    base, server = citykg_serve((project.var_dir / "current").resolve(), project=project.root)
    with server:
        yield base


@pytest.fixture(scope="module")
def csp_page(browser):
    """A page under its CSP, what the CSP refuses kept in ``__cspViolations``."""
    with watched_page(browser) as page:
        yield page


@pytest.mark.parametrize(("name", "path", "selector"), CHARTS, ids=[c[0] for c in CHARTS])
def test_charts_are_drawn_under_the_page_policy(csp_page, synthetic_served, name, path, selector):
    """Each chart is on the page and has bars as long as their numbers, each number right of
    its bar; at 320 px wide (WCAG 1.4.10) it still fits the window; the CSP refuses nothing."""
    page = csp_page
    try:
        for width in (VIEWPORT["width"], 320):
            page.set_viewport_size({"width": width, "height": VIEWPORT["height"]})
            response = page.goto(synthetic_served + path)
            assert response is not None and response.status == 200
            charts = page.locator(selector)
            assert charts.count() > 0
            box = charts.first.bounding_box()
            assert box and box["width"] > 40 and box["height"] > 8, box
            bars = page.evaluate(BARS, selector)
            assert any(b["bar"]["width"] > 0 and b["bar"]["height"] > 0 for b in bars)
            assert all(b["svg"]["right"] <= width for b in bars)
            numbered = [b for b in bars if b["number"] is not None]  # none beside a city's answers
            for b in numbered:
                assert (b["bar"]["width"] > 0) == (b["value"] > 0), b
                assert b["bar"]["right"] <= b["number"]["left"] < b["number"]["right"] <= width, b
            per_unit = [b["bar"]["width"] / b["value"] for b in numbered if b["value"]]
            assert not per_unit or max(per_unit) - min(per_unit) < 0.5, per_unit  # one scale
            assert page.evaluate("window.__cspViolations") == []
            charts.first.evaluate("(e) => (e.closest('section') || e).scrollIntoView()")
            page.screenshot(path=str(ARTIFACTS / f"chart-{name}-{width}.png"))
    finally:
        page.set_viewport_size(VIEWPORT)
