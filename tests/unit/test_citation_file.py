"""CITATION.cff (Citation File Format 1.2) names the version and date of the current release."""

from __future__ import annotations

import re

from citykg import __version__

from support.project import ROOT


def fields() -> dict[str, str]:
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    return {k: v.strip('"') for k, v in re.findall(r"^([a-z-]+): (.+)$", text, re.M)}


def test_the_citation_file_names_this_version_and_its_release_date():
    cff = fields()
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "software"
    assert cff["version"] == __version__
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {__version__} — {cff['date-released']}" in changelog
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'license = "{cff["license"]}"' in pyproject
