"""Broken profiles: each gives a finding naming file and line; the rest still imports; nothing
is invented (the facts of a broken variant are a subset of the real profile's facts)."""

from __future__ import annotations

import hashlib

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from citykg.builder.assemble import assemble
from citykg.builder.concept_schemes import ConceptSchemes
from citykg.builder.importer import Source, import_profile
from citykg.builder.namespaces import CITYKG
from citykg.builder.wikidata_links import parse_links
from citykg.contract.findings import Severity

from support.project import ROOT, leipzig_text, make_project

FILE = "data/profiles/leipzig-deu-2020.txt"


@pytest.fixture(scope="module")
def vocabulary():
    return ConceptSchemes(Graph().parse(ROOT / "ontology" / "citykg-concepts.ttl"))


@pytest.fixture(scope="module")
def links():
    return parse_links((ROOT / "data" / "wikidata-links.csv").read_text(), "links.csv")[0]


@pytest.fixture
def run(vocabulary, links):
    def run(text: str | bytes):
        data = text.encode() if isinstance(text, str) else text
        sha = hashlib.sha256(data).hexdigest()
        return import_profile(data, Source.from_path(FILE), vocabulary, links, sha)

    return run


def facts(result) -> set[tuple]:
    """The triples of a profile graph, without source statements and file digests."""
    statements = set(result.graph.subjects(RDF.type, RDF.Statement))
    return {t for t in result.graph if t[0] not in statements and t[1] != CITYKG.sha256} | set(
        result.statistics
    )


def codes(result) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in result.findings:
        out.setdefault(f.code, []).append(f)
    return out


@pytest.fixture(scope="module")
def original(vocabulary, links):
    data = leipzig_text().encode()
    result = import_profile(data, Source.from_path(FILE), vocabulary, links, "x")
    assert [f.code for f in result.findings] == ["ambiguous-chart"]
    return result


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.strip() == needle)


def focus_areas(result) -> set[str]:
    profile = URIRef("https://w3id.org/citykg/id/profile/leipzig-deu/2020")
    return {
        str(o).rsplit("/", 1)[-1] for o in result.graph.objects(profile, CITYKG.focusPolicyArea)
    }


def test_empty_file(run):
    for data in (b"", b"\n\n  \n"):
        result = run(data)
        assert not result.ok
        [finding] = result.findings
        assert (finding.file, finding.line, finding.severity) == (FILE, 1, Severity.ERROR)
        assert "empty" in finding.message
        assert len(result.graph) == 0


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_a_file_in_another_unicode_encoding_is_one_clear_error(run, encoding):
    result = run(leipzig_text().encode(encoding))
    assert not result.ok
    [finding] = result.findings
    assert (finding.file, finding.line, finding.severity) == (FILE, 1, Severity.ERROR)
    assert "not UTF-8" in finding.message and "save it as UTF-8" in finding.message


def test_non_utf8_line_is_skipped_and_named(run, original):
    text = leipzig_text()
    number = line_of(text, "Data scientist")
    data = text.encode().replace(b"Data scientist", b"Data scien\xfftist")
    result = run(data)
    [finding] = codes(result)["encoding"]
    assert finding.line == number and "UTF-8" in finding.message
    assert facts(result) < facts(original)
    roles = set(result.graph.objects(None, CITYKG.innovationRole))
    assert {str(r).rsplit("/", 1)[-1] for r in roles} == {
        "project-manager",
        "communication-officer",
    }
    assert result.ok and len(list(result.graph.objects(None, CITYKG.rankedActivity))) == 7


def test_missing_section(run, original):
    text = leipzig_text()
    start = text.index("Critical success factors:")
    end = text.index("Spotlight on innovation")
    result = run(text[:start] + text[end:])
    [finding] = codes(result)["missing-section"]
    assert "success factors" in finding.message and finding.file == FILE and finding.line
    assert not list(result.graph.objects(None, CITYKG.criticalSuccessFactor))
    assert facts(result) < facts(original)
    assert len(list(result.graph.objects(None, CITYKG.innovationHelpsTo))) == 3


def test_sections_in_another_order(run, original):
    text = leipzig_text()
    terms = text[text.index("Terms Leipzig") : text.index("Leipzig's most common")]
    data_availability = text[text.index("Data availability by policy area") :]
    rest = text.replace(terms, "").replace(data_availability, "")
    head, tail = rest.split("Policy areas that Leipzig", 1)
    reordered = head + data_availability + "\n\n" + terms + "Policy areas that Leipzig" + tail
    result = run(reordered)
    assert [f.code for f in result.findings] == ["ambiguous-chart"]
    assert facts(result) == facts(original)


def test_misspelled_option(run, original):
    text = leipzig_text().replace(
        "Transport/Mobility\nEnvironment", "Tranport/Mobility\nEnvironment"
    )
    result = run(text)
    [finding] = codes(result)["unknown-option"]
    assert finding.line == line_of(text, "Tranport/Mobility")
    assert "did you mean 'Transport/Mobility'" in finding.message
    assert focus_areas(result) == {"environment-and-climate-change"}
    # The answer is kept as text on the question it answers, never dropped.
    [unlisted] = result.graph.objects(None, CITYKG.unlistedAnswer)
    assert result.graph.value(unlisted, CITYKG.answerTo) == CITYKG.focusPolicyArea
    assert str(result.graph.value(unlisted, CITYKG.answerText)) == "Tranport/Mobility"
    kept = {t for t in facts(result) if unlisted not in t}
    assert kept < facts(original)


def test_unknown_heading(run, original):
    text = leipzig_text().replace(
        "Policy areas by number of cities",
        "Policy areas by number of cities\n\nFuture plans\n\nA lab.",
    )
    result = run(text)
    found = codes(result)["not-understood"]
    assert {f.line for f in found} == {line_of(text, "Future plans"), line_of(text, "A lab.")}
    assert facts(result) == facts(original)


def test_profile_that_stops_mid_word(run, original):
    text = leipzig_text()
    cut = text[: text.index("sprinkled") + 6]
    result = run(cut)
    assert result.ok
    # One finding names every section the cut page lacks; the fragment is not an answer.
    [missing] = codes(result)["missing-section"]
    for name in ("terms", "activities", "funding", "data availability", "placement"):
        assert name in missing.message
    assert missing.line == len(cut.splitlines())
    [fragment] = codes(result)["cut"]
    assert fragment.line == len(cut.splitlines()) and "sprin" in fragment.message
    assert "not-understood" not in codes(result)
    assert not list(result.graph.objects(None, CITYKG.placementStatement))
    assert facts(result) < facts(original)
    assert len(list(result.graph.objects(None, CITYKG.innovationRole))) == 3


def test_truncated_last_option(run, original):
    text = leipzig_text()
    result = run(text[: text.rindex("services")])
    [finding] = codes(result)["cut"]
    assert "Social welfare/social" in finding.message and "unknown-option" not in codes(result)
    assert facts(result) < facts(original)


def test_duplicated_lines(run, original):
    text = leipzig_text().replace("Data scientist\n", "Data scientist\nData scientist\n")
    text = text.replace(
        "  • Human resource support\n", "  • Human resource support\n  • Human resource support\n"
    )
    result = run(text)
    dupes = codes(result)["duplicate-answer"]
    assert len(dupes) == 2
    assert {f.line for f in dupes} == {
        line_of(text, "Data scientist") + 1,
        line_of(text, "• Human resource support") + 1,
    }
    assert facts(result) == facts(original)


def test_population_not_understood(run, original):
    text = leipzig_text().replace("600,000 (2019)", "about 600k")
    result = run(text)
    [finding] = codes(result)["population"]
    assert finding.severity is Severity.ERROR and finding.line == line_of(text, "about 600k")
    assert facts(result) < facts(original)


def test_two_profiles_for_one_city_and_wave(tmp_path):
    text = leipzig_text()
    athens = text.replace("Leipzig\n\nGermany", "Athens\n\nGreece", 1)
    project = make_project(
        tmp_path,
        {"a-leipzig.txt": text, "b-leipzig-again.txt": text, "c-athens.txt": athens},
    )
    assembly = assemble(project, write_graphs=False)
    [dupe] = [f for f in assembly.findings if f.code == "duplicate-profile"]
    assert dupe.file == "data/profiles/b-leipzig-again.txt" and dupe.line == 1
    assert "data/profiles/a-leipzig.txt" in dupe.message and dupe.severity is Severity.ERROR
    imported = sorted(str(p.city).rsplit("/", 1)[-1] for p in assembly.profiles)
    assert imported == ["athens-grc", "leipzig-deu"]


def test_profiles_quoting_a_figure_differently_are_each_named(tmp_path):
    """Two cities' pages quote the 2020 staff-training figure as 61% and 49%: each profile
    gets a warning on the line that quotes it, naming the other's file, line and value."""
    text = leipzig_text()
    figure = "Similar to 61% of participating cities in the 2020 survey"
    athens = text.replace("Leipzig\n\nGermany", "Athens\n\nGreece", 1).replace(
        figure, figure.replace("61%", "49%")
    )
    project = make_project(tmp_path, {"athens.txt": athens, "leipzig.txt": text})
    assembly = assemble(project, write_graphs=False)
    differ = [f for f in assembly.findings if "different values" in f.message]
    line = next(n for n, x in enumerate(text.splitlines(), 1) if x.startswith(figure))
    assert [(f.file, f.line, f.severity) for f in differ] == [
        ("data/profiles/athens.txt", line, Severity.WARNING),
        ("data/profiles/leipzig.txt", line, Severity.WARNING),
    ]
    first = f"quotes 0.49; 0.61 in 1 profile, first data/profiles/leipzig.txt:{line}."
    assert first in differ[0].message
    second = f"quotes 0.61; 0.49 in 1 profile, first data/profiles/athens.txt:{line}."
    assert second in differ[1].message


def test_every_other_profile_still_imports(tmp_path):
    project = make_project(
        tmp_path,
        {"bad.txt": b"\xff\xfe\x00", "empty.txt": b"", "leipzig.txt": leipzig_text()},
    )
    assembly = assemble(project, write_graphs=False)
    assert [str(p.city).rsplit("/", 1)[-1] for p in assembly.profiles] == ["leipzig-deu"]
    files = {f.file for f in assembly.errors}
    assert files == {"data/profiles/bad.txt", "data/profiles/empty.txt"}
