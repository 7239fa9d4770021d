"""The README is kept honest: its example queries run and its command table names every option."""

from __future__ import annotations

import re

import pytest

from citykg.cli import _parser

from support.project import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def sparql_examples() -> list[str]:
    queries = []
    for block in re.findall(r"```sparql\n(.*?)```", README, re.S):
        prefixes, *parts = re.split(r"\n\n# [^\n]*\n", "\n" + block)
        queries += [prefixes + "\n" + part for part in parts] if parts else [block]
    return queries


@pytest.mark.parametrize("query", sparql_examples())
def test_example_queries_answer(sparql, wikidata, query):
    """Every example answers over the default graph as served; Wikidata is stood in for by the
    local stand-in, never called."""
    offline = query.replace("https://query.wikidata.org/sparql", wikidata)
    results = sparql.store.query(offline)
    assert len(list(results)) > 0


def test_every_command_option_is_documented():
    for name, sub in _parser()._subparsers._group_actions[0].choices.items():
        assert f"citykg {name}" in README
        for action in sub._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    assert flag in README, (name, flag)


def test_two_setup_commands():
    blocks = re.findall(r"```sh\n(.*?)```", README.split("## Commands")[0], re.S)
    assert [b.strip() for b in blocks] == [
        "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/citykg serve",
        "python3 -m venv .venv && .venv/bin/pip install '.[test]' && .venv/bin/pytest",
    ]
    assert blocks[1].strip() in (ROOT / ".ci" / "run").read_text()


def test_every_setting_is_documented():
    from citykg.serve.config import SETTINGS

    for key in SETTINGS:
        assert f"`{key}`" in README, key


def test_every_route_is_documented(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        documented = re.sub(r"<[^>]*>", "", rule.rule).rstrip(".").rstrip("/") or "/"
        assert f"`{documented}" in README, rule.rule
