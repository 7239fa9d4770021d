"""Headless Chromium for the system tests: Debian's chromium driven by Playwright, one browser
per test module; screenshots go to tests/artifacts (git-ignored)."""

from __future__ import annotations

import contextlib

from support.processes import debian_program
from support.project import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1200, "height": 900}
# An init script (run whatever the page's CSP says) keeping what the CSP refuses in
# ``window.__cspViolations`` (CSP Level 3, violation events).
WATCH_CSP = """window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
  `${e.effectiveDirective} refused ${e.blockedURI || 'inline'}`
  + ` at ${e.sourceFile}:${e.lineNumber}`));"""


def chromium() -> str:
    """Debian's chromium, installed with apt-get when missing and the tests run as root (CI)."""
    return debian_program("chromium")


@contextlib.contextmanager
def launched():
    """A headless Chromium (Playwright ``Browser``), closed afterwards."""
    from playwright.sync_api import sync_playwright

    executable = chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def watched_page(browser):
    """A page as a visitor gets it, under its CSP; what the CSP refuses is kept in
    ``window.__cspViolations`` (Playwright's init scripts run whatever the CSP says)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        yield page
    finally:
        context.close()
