"""``citykg link`` against the Wikidata stand-in: proposals for review, never an ambiguous match."""

from __future__ import annotations

import csv

from citykg.cli import main

from support.project import leipzig_text, make_project


def profile(city: str, country: str) -> str:
    return leipzig_text().replace("Leipzig\n\nGermany", f"{city}\n\n{country}", 1)


def test_link_proposes_reports_and_never_accepts_ambiguity(tmp_path, wikidata, capsys):
    project = make_project(
        tmp_path,
        {
            "leipzig.txt": leipzig_text(),
            "braga.txt": profile("Braga", "Portugal"),
            "chattanooga.txt": profile("Chattanooga", "United States"),
            "atlantis.txt": profile("Atlantis", "Greece"),
        },
    )
    links_before = project.links.read_text()
    out = tmp_path / "proposals.csv"
    assert (
        main(["link", "--project", str(project.root), "--endpoint", wikidata, "--out", str(out)])
        == 0
    )
    rows = {(r["kind"], r["name"]): r for r in csv.DictReader(out.open())}
    assert rows[("city", "Braga")]["status"] == "ambiguous"
    assert rows[("city", "Braga")]["wikidata"] == ""
    assert set(rows[("city", "Braga")]["candidates"].split()) == {
        "http://www.wikidata.org/entity/Q83247",
        "http://www.wikidata.org/entity/Q3344946",
    }
    assert rows[("city", "Chattanooga")]["status"] == "proposed"
    assert rows[("city", "Chattanooga")]["wikidata"] == "Q186702"
    assert rows[("city", "Atlantis")]["status"] == "not found"
    assert rows[("country", "Portugal")]["wikidata"] == "Q45"
    assert rows[("country", "United States")]["wikidata"] == "Q30"
    assert ("city", "Leipzig") not in rows and ("country", "Germany") not in rows
    assert project.links.read_text() == links_before
    printed = capsys.readouterr().out
    assert "city Braga (Portugal): ambiguous: Q3344946 Q83247" in printed
    assert (
        "2 proposed" not in printed
        and "3 proposed, 1 ambiguous (decide by hand), 1 not found" in printed
    )


def test_link_reports_an_unreachable_endpoint(tmp_path, capsys):
    project = make_project(tmp_path, {"braga.txt": profile("Braga", "Portugal")})
    status = main(
        ["link", "--project", str(project.root), "--endpoint", "http://127.0.0.1:9/sparql"]
    )
    assert status == 1
    assert "could not query http://127.0.0.1:9/sparql" in capsys.readouterr().err
