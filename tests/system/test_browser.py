"""A person's path through the site in headless Chromium (Playwright driving Debian's chromium)."""

from __future__ import annotations

import pytest

from support.browser import ARTIFACTS, VIEWPORT, launched

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
def page(served):
    with launched() as browser:
        page = browser.new_context(viewport=VIEWPORT).new_page()
        page.set_default_timeout(20000)
        yield page


def test_browse_from_index_to_query(page, served):
    page.goto(served + "/")
    page.get_by_role("link", name="Leipzig").click()
    page.wait_for_url("**/id/city/leipzig-deu")
    assert page.locator("h1").first.inner_text().startswith("Leipzig")
    assert page.locator("ol.ranked li").all_inner_texts() == ACTIVITIES
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
