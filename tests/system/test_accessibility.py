"""Every kind of page in headless Chromium: no violation of axe-core's WCAG 2.x A and AA rules
(npm ``axe-core@4``, injected into the page) nor of its rules on page structure; nothing refused
by the page's Content-Security-Policy, the stylesheet in effect; a skip link first in the
keyboard's path and a visible focus on everything focusable; no page wider than the window.

- axe-core's rules and their tags:
  https://github.com/dequelabs/axe-core/blob/develop/doc/rule-descriptions.md
- WCAG 2.2: https://www.w3.org/TR/WCAG22/ (1.4.10 Reflow, 1.4.11 Non-text Contrast, 2.4.1 Bypass
  Blocks, 2.4.3 Focus Order, 2.4.7 Focus Visible)
- CSP Level 3, violation events: https://www.w3.org/TR/CSP3/#violation-events
"""

from __future__ import annotations

import functools
import re
from urllib.parse import quote

import pytest
import requests

from support.browser import ARTIFACTS, VIEWPORT, launched, watched_page
from support.pages import PAGES
from support.processes import npm_tool
from support.project import ROOT

TOOLS = ROOT / "build" / "test-tools" / "axe-core"
AXE = TOOLS / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe's best-practice rules on structure, run besides the WCAG rules: landmarks, headings, the
# skip link, tab order, table headers
STRUCTURE = [
    "landmark-one-main",
    "landmark-unique",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
    "landmark-banner-is-top-level",
    "landmark-contentinfo-is-top-level",
    "landmark-main-is-top-level",
    "region",
    "page-has-heading-one",
    "heading-order",
    "empty-heading",
    "skip-link",
    "tabindex",
    "empty-table-header",
    "scope-attr-valid",
]
KINDS = pytest.mark.parametrize(
    ("name", "path", "status"),
    [(name, path, status) for name, (path, status, _) in PAGES.items()],
    ids=list(PAGES),
)

# axe cannot tell the background under a text in an SVG (it reports each one as undecided), so
# the text of the charts is left out of its run and checked by test_chart_text_stands_out.
CHART_TEXT = 'svg[role="img"] text'
RUN_AXE = """async ([tags, rules, exclude]) => {
  const result = await axe.run({exclude: [[exclude]]}, {
    runOnly: {type: 'tag', values: tags},
    rules: Object.fromEntries(rules.map((id) => [id, {enabled: true}])),
  });
  const brief = (v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.map(String), summary: n.failureSummary || ''})),
  });
  return {violations: result.violations.map(brief), incomplete: result.incomplete.map(brief)};
}"""
# The focused element as a sighted keyboard user sees it: its outline or shadow, the first
# opaque background around it (where the outline is drawn; the canvas's white when there is
# none), whether it is on screen.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  let around = 'rgb(255, 255, 255)';
  for (let n = e.parentElement; n; n = n.parentElement) {
    const b = getComputedStyle(n).backgroundColor;
    if (b !== 'transparent' && !/, 0\\)$/.test(b)) { around = b; break; }
  }
  const r = e.getBoundingClientRect();
  return {
    element: e.outerHTML.slice(0, 80), text: e.textContent.trim().slice(0, 40),
    href: e.getAttribute('href'), focusVisible: e.matches(':focus-visible'),
    outline: [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor],
    boxShadow: s.boxShadow, around: around,
    onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
      && r.top < innerHeight && r.left < innerWidth,
  };
}"""
# The elements and text wider than the window (those inside a table left out when asked).
WIDER_THAN_THE_WINDOW = """(tablesMayBe) => {
  const wide = [];
  const text = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = text.nextNode(); n; n = text.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(n);
    wide.push([n.parentElement, range.getBoundingClientRect().right]);
  }
  for (const e of document.body.querySelectorAll('*')) {
    wide.push([e, e.getBoundingClientRect().right]);
  }
  return wide
    .filter(([e, right]) => right > innerWidth + 1 && !(tablesMayBe && e.closest('table')))
    .map(([e]) => e.outerHTML.slice(0, 80));
}"""
SETTLED = "() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))"


@pytest.fixture(scope="module")
def axe_script() -> str:
    """axe-core's browser build, installed from npm into build/test-tools (git-ignored) once."""
    return str(npm_tool("axe-core@4", TOOLS, AXE))


@pytest.fixture(scope="module")
def browser(served):
    with launched() as browser:
        yield browser


@pytest.fixture(scope="module")
def audit_page(browser):
    """A page whose CSP is bypassed, so that axe can be added to it as an inline script."""
    context = browser.new_context(viewport=VIEWPORT, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def page(browser):
    """A page as a visitor gets it, under its CSP; what the CSP refuses in ``__cspViolations``
    (Playwright's init scripts run whatever the CSP says)."""
    with watched_page(browser) as page:
        yield page


@functools.cache
def served_release(served: str) -> str:
    """The id of the release ``served`` serves."""
    return requests.get(f"{served}/health", timeout=30).json()["release"]


def visit(page, served: str, path: str, status: int):
    """Open ``path`` (``{release}``: the served release's id), which must answer ``status``;
    the response."""
    response = page.goto(served + path.replace("{release}", served_release(served)))
    assert response is not None and response.status == status, (path, response and response.status)
    return response


def described(results: list[dict]) -> str:
    """axe's results as lines: rule, impact, help, and the elements (CSS selectors) at fault."""
    lines = []
    for r in results:
        lines.append(f"{r['id']} ({r['impact']}): {r['help']} <{r['helpUrl']}>")
        lines += [f"    {' '.join(n['target'])}: {n['summary']}" for n in r["nodes"][:8]]
        if len(r["nodes"]) > 8:
            lines.append(f"    … and {len(r['nodes']) - 8} more")
    return "\n".join(lines)


@KINDS
def test_axe_finds_nothing(audit_page, axe_script, served, name, path, status):
    """No violation, and nothing axe could not decide (such as the contrast of text that a
    table overflowing its column hides)."""
    visit(audit_page, served, path, status)
    audit_page.add_script_tag(path=axe_script)
    results = audit_page.evaluate(RUN_AXE, [WCAG, STRUCTURE, CHART_TEXT])
    assert not results["violations"], f"axe-core on {path}:\n{described(results['violations'])}"
    assert not results["incomplete"], (
        f"axe-core could not decide on {path}:\n{described(results['incomplete'])}"
    )


@KINDS
def test_page_works_under_its_content_security_policy(page, served, name, path, status):
    response = visit(page, served, path, status)
    page.evaluate(SETTLED)
    assert page.evaluate("window.__cspViolations") == []
    # style.css is in effect (a browser's defaults differ): a CSP must not refuse it
    body = "getComputedStyle(document.body)"
    header = "getComputedStyle(document.querySelector('header.site'))"
    assert page.evaluate(f"{body}.marginTop") == "0px"
    assert page.evaluate(f"{header}.backgroundColor") == "rgb(32, 48, 74)"
    # the one assertion on the server's headers (citykg.serve.security_headers): a strict policy
    policy = response.header_value("content-security-policy") or ""
    assert "default-src 'none'" in policy, f"no Content-Security-Policy on {path}: {policy!r}"


@KINDS
def test_page_starts_with_a_skip_link_and_one_heading(page, served, name, path, status):
    visit(page, served, path, status)
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused and focused["text"] == "Skip to content", focused
    assert focused["href"] == "#main" and focused["onScreen"], focused
    assert page.locator("main#main").count() == 1
    assert page.locator("h1").count() == 1
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map((e) => e.id)")
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@KINDS
def test_page_fits_the_window(page, served, name, path, status):
    """At 1200 CSS px nothing is wider than the window; at 320 (WCAG 1.4.10: 1280 px zoomed to
    400 %) nothing but a table is."""
    try:
        for width in (VIEWPORT["width"], 320):
            page.set_viewport_size({"width": width, "height": VIEWPORT["height"]})
            visit(page, served, path, status)
            wide = page.evaluate(WIDER_THAN_THE_WINDOW, width < VIEWPORT["width"])
            assert not wide, (width, wide[:5])
    finally:
        page.set_viewport_size(VIEWPORT)


def luminance(colour: str) -> float:
    """The relative luminance of a CSS ``rgb()`` or ``rgba()`` colour (WCAG 2.2, definitions)."""
    r, g, b = (int(c) / 255 for c in re.findall(r"[\d.]+", colour)[:3])

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def shows_focus(focused: dict) -> bool:
    """On screen, matching ``:focus-visible``, with a solid outline at least 2 px wide that
    stands out 3:1 from what is around it (WCAG 1.4.11), or a box shadow."""
    style, width, colour = focused["outline"]
    outlined = style not in ("none", "auto") and width >= 2
    return (
        focused["onScreen"]
        and focused["focusVisible"]
        and (
            (outlined and contrast(colour, focused["around"]) >= 3)
            or focused["boxShadow"] != "none"
        )
    )


# Each text of the charts: its colour and that of the first opaque background behind it (the
# canvas's white when there is none), its font size and weight.
CHART_TEXTS = """(selector) => [...document.querySelectorAll(selector)].map((e) => {
  let around = 'rgb(255, 255, 255)';
  for (let n = e.parentElement; n; n = n.parentElement) {
    const b = getComputedStyle(n).backgroundColor;
    if (b !== 'transparent' && !/, 0\\)$/.test(b)) { around = b; break; }
  }
  const s = getComputedStyle(e);
  return {text: e.textContent, fill: s.fill, around: around,
          size: parseFloat(s.fontSize), weight: Number(s.fontWeight)};
})"""


@pytest.mark.parametrize("name", ["home", "scheme", "concept"])
def test_chart_text_stands_out(page, served, name):
    """What axe leaves undecided: every text of a chart contrasts 4.5:1 with the background
    behind it (WCAG 1.4.3; large text, 18.66 px bold or 24 px, 3:1)."""
    path, status, _ = PAGES[name]
    visit(page, served, path, status)
    texts = page.evaluate(CHART_TEXTS, CHART_TEXT)
    assert texts, f"no chart on {path}"
    for t in texts:
        large = t["size"] >= 24 or (t["size"] >= 18.66 and t["weight"] >= 700)
        assert contrast(t["fill"], t["around"]) >= (3 if large else 4.5), t


def tab_through(page, limit: int = 500) -> list[dict]:
    """What Tab reaches from the top of a freshly opened page, in order, each as FOCUSED
    describes it, until the focus leaves the page."""
    reached = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            break
        reached.append(focused)
    return reached


def test_city_page_by_keyboard_alone(page, served):
    """Tab shows the skip link first; Enter on it moves the focus to the main content, scrolled
    to the top, so that the next Tab reaches the profile instead of the site's navigation."""
    visit(page, served, "/id/city/leipzig-deu", 200)
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    box = skip.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 10 and box["y"] >= 0
    page.screenshot(path=str(ARTIFACTS / "city-skip-link.png"))

    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert page.evaluate("document.activeElement.id") == "main"
    assert abs(page.evaluate("document.getElementById('main').getBoundingClientRect().top")) < 2
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main article') !== null")
    page.screenshot(path=str(ARTIFACTS / "city-after-skip.png"))


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("city", "/id/city/leipzig-deu"),
        ("query", PAGES["query-results"][0]),
        ("fragments", "/fragments?object=" + quote('"Leipzig"')),
    ],
    ids=["city", "query-results", "fragments"],
)
def test_every_focusable_element_shows_its_focus(page, served, name, path):
    """Links, buttons, text fields and the examples' summary alike."""
    visit(page, served, path, 200)
    reached = tab_through(page)
    tags = {re.match(r"<(\w+)", f["element"]).group(1) for f in reached}
    assert "a" in tags and len(reached) > 10, reached
    if name != "city":
        assert "button" in tags and tags & {"input", "textarea"}, tags
    unseen = [f for f in reached if not shows_focus(f)]
    assert not unseen, "the focus is not shown on:\n" + "\n".join(map(str, unseen[:10]))
    page.keyboard.press("Shift+Tab")
    page.screenshot(path=str(ARTIFACTS / f"focus-{name}.png"))
