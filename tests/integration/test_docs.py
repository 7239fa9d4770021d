"""The documents are kept honest: their example queries run; every command option, setting and
route is documented where a reader looks for it; every relative link leads to a file of the
repository (and to a heading of it)."""

from __future__ import annotations

import argparse
import itertools
import re
from pathlib import Path

import pytest

from citykg.cli import _parser, _project_options

from support.project import ROOT

README = ROOT / "README.md"
DOCS = ROOT / "docs"
SERVING = DOCS / "serving.md"
DOCUMENTS = [README, ROOT / "CHANGELOG.md", *sorted(DOCS.rglob("*.md"))]
EXAMPLE_SOURCES = [README, *sorted(DOCS.rglob("*.md"))]
FENCED = re.compile(r"^```.*?^```", re.S | re.M)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def section(markdown: str, heading: str) -> str:
    """The text under the heading ``heading``, up to the next heading of its level or higher
    (lines in fenced code blocks are no headings)."""
    lines = markdown.splitlines()
    starts = [i for i, line in enumerate(lines) if re.fullmatch(rf"#+ {re.escape(heading)}", line)]
    assert len(starts) == 1, f"one heading {heading!r} expected, found {len(starts)}"
    level = len(lines[starts[0]].split(" ")[0])
    body, fenced = [], False
    for line in lines[starts[0] + 1 :]:
        fenced ^= line.startswith("```")
        if not fenced and re.match(rf"#{{1,{level}}} ", line):
            break
        body.append(line)
    return "\n".join(body)


RULE_ROW = re.compile(r"\|( *:?-+:? *\|)+")


def table_rows(markdown: str) -> dict[str, str]:
    """The body rows of the tables in ``markdown`` (no header or rule rows), by first cell."""
    lines = [*markdown.splitlines(), ""]
    rows = {}
    for line, after in itertools.pairwise(lines):
        if line.startswith("|") and not RULE_ROW.fullmatch(line) and not RULE_ROW.fullmatch(after):
            rows[re.split(r"(?<!\\)\|", line)[1].strip()] = line
    return rows


def mentions(text: str, word: str) -> bool:
    """``word`` stands in ``text`` as a word of its own (``--var-dir`` is no ``--var``)."""
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


# -- example queries -------------------------------------------------------------------------


def sparql_examples() -> list[pytest.param]:
    """Every query of every ```sparql block; a block of several queries separated by ``# ...``
    comment lines shares the prefixes of its first part."""
    examples = []
    for path in EXAMPLE_SOURCES:
        for n, block in enumerate(re.findall(r"```sparql\n(.*?)```", read(path), re.S), 1):
            prefixes, *parts = re.split(r"\n\n# [^\n]*\n", "\n" + block)
            queries = [prefixes + "\n" + part for part in parts] if parts else [block]
            for m, query in enumerate(queries, 1):
                examples.append(pytest.param(query, id=f"{path.relative_to(ROOT)}-{n}.{m}"))
    return examples


LOCAL = [p for p in sparql_examples() if "SERVICE" not in p.values[0]]
FEDERATED = [p for p in sparql_examples() if "SERVICE" in p.values[0]]


def test_examples_are_found():
    assert len(LOCAL) >= 8
    assert FEDERATED
    assert "```sparql" in read(README)


@pytest.mark.parametrize("query", LOCAL)
def test_example_queries_answer(sparql, query):
    """Every example answers over the default graph as served."""
    assert len(list(sparql.store.query(query))) > 0


@pytest.mark.parametrize("query", FEDERATED)
def test_federated_example_queries_answer(sparql, wikidata, query):
    """Wikidata is stood in for by the local stand-in, never called."""
    offline = query.replace("https://query.wikidata.org/sparql", wikidata)
    assert "https://query.wikidata.org" not in offline
    assert len(list(sparql.store.query(offline))) > 0


# -- the README: set-up and commands -----------------------------------------------------------


def test_two_setup_commands():
    blocks = re.findall(r"```sh\n(.*?)```", read(README).split("## Commands")[0], re.S)
    assert [b.strip() for b in blocks] == [
        "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/citykg serve",
        "python3 -m venv .venv && .venv/bin/pip install '.[test]' && .venv/bin/pytest",
    ]
    assert blocks[1].strip() in (ROOT / ".ci" / "run").read_text()


def subcommands() -> dict[str, argparse.ArgumentParser]:
    return _parser()._subparsers._group_actions[0].choices


def flags(parser: argparse.ArgumentParser) -> set[str]:
    return {f for a in parser._actions for f in a.option_strings if f not in ("-h", "--help")}


def commands_table() -> dict[str, str]:
    return table_rows(section(read(README), "Commands"))


def test_every_command_option_is_in_the_commands_table():
    """Each option stands in its command's synopsis (the row's first cell), or, if every project
    command shares it, in a row of its own."""
    rows = commands_table()
    shared = argparse.ArgumentParser(add_help=False)
    _project_options(shared)
    for name, sub in subcommands().items():
        synopsis = [cell for cell in rows if re.match(rf"`citykg {name}( |`)", cell)]
        assert len(synopsis) == 1, (name, synopsis)
        for flag in flags(sub):
            own_row = any(cell.startswith(f"`{flag}") for cell in rows)
            assert mentions(synopsis[0], flag) or (flag in flags(shared) and own_row), (name, flag)
    for flag in flags(_parser()):
        assert any(cell.startswith(f"`citykg {flag}`") for cell in rows), flag


def test_commands_table_names_only_real_commands_and_options():
    commands = subcommands()
    for cell in commands_table():
        match = re.match(r"`citykg ([a-z]+)", cell)
        if not match:
            continue
        assert match.group(1) in commands, cell
        for flag in re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", cell):
            assert flag in flags(commands[match.group(1)]), (cell, flag)


# -- settings and routes (docs/serving.md, the README's routes table) ---------------------------


def settings_table() -> dict[str, str]:
    rows = table_rows(section(read(SERVING), "Settings"))
    return {cell.strip("`"): row for cell, row in rows.items() if cell.startswith("`CITYKG_")}


def test_every_setting_is_documented_with_its_default():
    from citykg.serve.config import SETTINGS

    documented = settings_table()
    assert set(documented) == set(SETTINGS)
    for key, (default, _) in SETTINGS.items():
        if default is not None:
            shown = f"{default:g}" if isinstance(default, float) else str(default)
            assert f"`{shown}`" in documented[key].split("|")[2], (key, shown)


def test_documents_name_only_real_settings():
    from citykg.serve.config import SETTINGS

    for path in [README, *DOCS.rglob("*.md")]:
        for key in re.findall(r"\bCITYKG_[A-Z_]+\b", read(path)):
            assert key in SETTINGS, (path.name, key)


def route_paths(app) -> list[str]:
    """Each route as a path up to its first variable part (``/ontology/<v>`` -> ``/ontology/``),
    an extension variant as its stem (``/ontology.<ext>`` -> ``/ontology``)."""
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            paths.append(rule.rule.split("<")[0].removesuffix(".") or "/")
    return paths


def routes_column(path: Path, heading: str) -> list[str]:
    """The paths named in the first column of the table under ``heading``."""
    cells = table_rows(section(read(path), heading))
    return [p for cell in cells for p in re.findall(r"`(/[^`]*)`", cell)]


def test_every_route_is_documented(app):
    """Each route in the first column of the routes table (a variable part written ``{name}`` or
    ``…``; compared up to the first one, as route_paths does), and nothing there that is no
    route."""
    documented = {re.sub(r"(\{|…).*$", "", p) for p in routes_column(SERVING, "Routes")}
    assert documented == set(route_paths(app))


def test_readme_routes_table_lists_every_route_prefix(app):
    listed = " ".join(f"`{p}`" for p in routes_column(README, "Routes at a glance"))
    for path in route_paths(app):
        prefix = "/" + path.split("/")[1]
        assert re.search(rf"`{re.escape(prefix)}(?![\w.-])", listed), prefix


# -- links -----------------------------------------------------------------------------------


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    headings = re.findall(r"^#+ (.*)$", FENCED.sub("", read(path)), re.M)
    return {slug(h) for h in headings}


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_lead_to_files_and_headings(document):
    for target in LINK.findall(FENCED.sub("", read(document))):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue  # http:, https:, mailto:
        file, _, anchor = target.partition("#")
        resolved = (document.parent / file).resolve() if file else document
        assert resolved.is_relative_to(ROOT), (document.name, target)
        assert resolved.exists(), (document.name, target)
        if anchor and resolved.suffix == ".md":
            assert anchor in anchors(resolved), (document.name, target)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_documents_stay_inside_the_repository(document):
    """Every path a document names by climbing directories (``../x``), link or not, is a file of
    the repository: a clone has nothing beside it."""
    for path in re.findall(r"(?<![\w/.])(?:\.\./)+[\w.-][\w./-]*", read(document)):
        resolved = (document.parent / path).resolve()
        assert resolved.is_relative_to(ROOT) and resolved.exists(), (document.name, path)
