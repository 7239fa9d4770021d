"""Every snippet of the "Use the data" page, as the page shows it (with the server's own URL),
run against a real ``citykg serve``: Python snippets with this interpreter, shell snippets with
bash (Comunica from npm on the PATH), the SPARQL query on the Wikidata stand-in (Oxigraph
server), which calls citykg with SERVICE. Loopback only; every run bounded in time."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import requests

from citykg.serve.use_the_data import SNIPPETS

from support.html import parse_html
from support.processes import debian_program, npm_tool
from support.project import ROOT

TOOLS = ROOT / "build" / "test-tools" / "comunica"
LEIPZIG_WIKIDATA = "http://www.wikidata.org/entity/Q2079"


@pytest.fixture(scope="module")
def shown(served: str) -> dict[str, tuple[str, str]]:
    """file -> (language, text) of every snippet on the served page."""
    page = parse_html(requests.get(f"{served}/use", timeout=30).text)
    codes = page.find_all("code", class_="snippet-code")
    return {c.get("data-file"): (c.get("data-language"), c.text) for c in codes}


@pytest.fixture(scope="module")
def comunica_bin() -> Path:
    exe = TOOLS / "node_modules" / ".bin" / "comunica-sparql"
    return npm_tool("@comunica/query-sparql@4", TOOLS, exe).parent


def run(language: str, text: str, tmp_path: Path, path: str = "") -> str:
    """Run one snippet; its standard output (it must succeed)."""
    suffix = {"python": ".py", "sh": ".sh", "r": ".R"}[language]
    script = tmp_path / f"snippet{suffix}"
    script.write_text(text, encoding="utf-8")
    runner = {"python": [sys.executable], "sh": ["bash", "-e"], "r": ["Rscript"]}[language]
    command = [*runner, str(script)]
    env = {
        **os.environ,
        "PATH": f"{path}{os.pathsep}{os.environ['PATH']}" if path else os.environ["PATH"],
    }
    out = subprocess.run(command, capture_output=True, text=True, timeout=180, env=env, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_the_page_shows_every_snippet_with_this_servers_url(shown, served) -> None:
    snippets = resources.files("citykg.serve").joinpath("snippets").iterdir()
    files = {p.name for p in snippets if p.is_file()}  # not the __pycache__ pip writes
    assert set(shown) == {s.file for s in SNIPPETS} == files
    for _, text in shown.values():
        assert served in text and "127.0.0.1:5000" not in text.replace(served, "")


def test_curl(shown, tmp_path) -> None:
    out = run(*shown["curl.sh"], tmp_path)
    csv_part, _, turtle = out.partition("@prefix")
    assert csv_part.splitlines()[:2] == ["name", "Burkhard Jung"]
    assert "leipzig-deu" in turtle and "Leipzig" in turtle


def test_rdflib_loads_the_turtle_dump(shown, tmp_path) -> None:
    out = run(*shown["rdflib_dump.py"], tmp_path)
    assert f"Leipzig {LEIPZIG_WIKIDATA}" in out.splitlines()


def test_pyoxigraph_loads_the_nquads_dump(shown, tmp_path, sparql) -> None:
    rows = [line.split() for line in run(*shown["pyoxigraph_dump.py"], tmp_path).splitlines()]
    profile = "https://w3id.org/citykg/id/profile/leipzig-deu/2020"
    [(_, source, triples)] = [row for row in rows if row[0] == profile]
    graph = profile.replace("/id/", "/graph/")
    query = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ <{profile}> ?p ?o }} }}"
    [counted] = sparql.select(query)
    assert source == "data/profiles/leipzig-deu-2020.txt" and int(triples) == counted["n"] > 50


def test_another_engine_calls_citykg_with_service(shown, wikidata) -> None:
    language, query = shown["service.rq"]
    assert language == "sparql"
    response = requests.post(
        wikidata,
        data=query.encode(),
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
        timeout=60,
    )
    assert response.status_code == 200, response.text
    rows = [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]
    assert rows == [{"name": "Leipzig", "wikidata": LEIPZIG_WIKIDATA, "population": "616093"}]


def test_comunica_over_fragments(shown, tmp_path, comunica_bin) -> None:
    out = run(*shown["comunica.sh"], tmp_path, path=str(comunica_bin))
    assert "Leipzig" in out and LEIPZIG_WIKIDATA in out


def test_pandas_reads_the_tables(shown, tmp_path, sparql) -> None:
    out = run(*shown["pandas_tables.py"], tmp_path).splitlines()
    [first] = sparql.select(
        "SELECT ?label ?n WHERE { ?p citykg:rankedActivity ?a ; "
        "citykg:population/citykg:populationCount ?n . "
        "?a citykg:rank 1 ; citykg:activity/skos:prefLabel ?label }"
    )
    assert out[0].split() == ["city_name", "wave", "population"]
    assert out[1].split() == ["Leipzig", "2020", str(first["n"])]
    assert out[2].split() == ["city_name", "option_label"]
    assert out[3].split(maxsplit=1) == ["Leipzig", first["label"]]


def test_r_reads_the_tables(shown, tmp_path, served) -> None:
    debian_program("Rscript", "r-base-core")
    out = [line.split() for line in run(*shown["tables.R"], tmp_path).splitlines()]
    table = requests.get(f"{served}/dumps/answers.csv", timeout=30).text.splitlines()
    answers = list(csv.DictReader(table))
    leipzig = [a for a in answers if a["profile"].endswith("/leipzig-deu/2020")]
    assert leipzig and len(leipzig) == len(answers)
    assert out[0] == ["city_name", "wave", "population"] and out[1][:2] == ["Leipzig", "2020"]
    assert out[2:] == [["city_name", "option"], ["Leipzig", str(len(leipzig))]]
