"""SHACL shapes: the real release conforms with its warnings; broken input fails as expected."""

from __future__ import annotations

from rdflib import Graph

from citykg.builder.assemble import assemble
from citykg.builder.validation import Shapes, validate_graph
from citykg.cli import main
from citykg.contract.findings import Severity

from support.project import ROOT, leipzig_text, make_project

FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
PROFILE = "data/profiles/leipzig-deu-2020.txt"


def build_findings(tmp_path, text: str, links: str | None = None):
    project = make_project(tmp_path, {"leipzig-deu-2020.txt": text}, links)
    return [f for f in assemble(project, write_graphs=False).findings if f.code == "shacl"]


def only(findings, severity: Severity):
    return [f for f in findings if f.severity is severity]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.strip() == needle)


def test_leipzig_conforms_with_the_health_warning(tmp_path):
    text = leipzig_text()
    findings = build_findings(tmp_path, text)
    assert only(findings, Severity.ERROR) == []
    [warning] = only(findings, Severity.WARNING)
    assert warning.message == (
        "Policy area https://w3id.org/citykg/id/concept/policy-area/health is listed under both "
        "sufficient and insufficient data."
    )
    assert warning.file == PROFILE
    assert warning.line == len(text.splitlines()) - 2  # "Health" under "Insufficient data"
    assert warning.path == "https://w3id.org/citykg/ontology#insufficientDataFor"


def test_population_must_be_positive(tmp_path):
    for value in ("0 (2019)", "-600,000 (2019)"):
        text = leipzig_text().replace("600,000 (2019)", value)
        [error] = only(build_findings(tmp_path / value[:2], text), Severity.ERROR)
        assert error.message.startswith("Population must be one positive integer.")
        assert error.line == line_of(text, value)


def test_no_population_and_six_activities_are_warnings(tmp_path):
    text = leipzig_text().replace("Population\n\n600,000 (2019)\n\n", "")
    start = text.index("  7. 7")
    text = text[:start] + text[text.index("\n\n", text.index("Rethinking", start)) + 2 :]
    findings = build_findings(tmp_path, text)
    assert only(findings, Severity.ERROR) == []
    warnings = {f.message for f in only(findings, Severity.WARNING)}
    assert {"The profile states no population.", "A complete profile ranks seven activities."} <= (
        warnings
    )


def test_rank_outside_1_to_7(tmp_path):
    text = leipzig_text().replace("7. 7", "8. 8")
    [error] = only(build_findings(tmp_path, text), Severity.ERROR)
    assert error.message.startswith("A rank must be one integer from 1 to 7.")
    assert error.line == line_of(text, "8. 8")


def test_two_activities_with_one_rank(tmp_path):
    text = leipzig_text().replace("4. 4", "3. 3")
    errors = only(build_findings(tmp_path, text), Severity.ERROR)
    assert [e.message for e in errors] == ["Two activities share rank 3."]
    assert errors[0].file == PROFILE and errors[0].line


def test_wikidata_link_must_be_an_entity_iri(tmp_path):
    links = (ROOT / "data" / "wikidata-links.csv").read_text()
    links = links.replace(
        "city,Leipzig,Germany,,Q2079", "city,Leipzig,Germany,,https://www.wikidata.org/wiki/Q2079"
    )
    errors = only(build_findings(tmp_path, leipzig_text(), links), Severity.ERROR)
    assert len(errors) == 1
    assert errors[0].message.startswith("A Wikidata link must be an entity IRI")
    assert errors[0].focus == "https://w3id.org/citykg/id/city/leipzig-deu"


def test_missing_wikidata_link_is_a_warning(tmp_path):
    links = (ROOT / "data" / "wikidata-links.csv").read_text().replace(",Q2079,", ",,")
    findings = build_findings(tmp_path, leipzig_text(), links)
    assert only(findings, Severity.ERROR) == []
    assert any(f.message.startswith("No Wikidata link") for f in only(findings, Severity.WARNING))


def test_stated_counts_that_differ_are_warnings(tmp_path):
    text = leipzig_text().replace("utilizes 3 different", "utilizes 4 different")
    text = text.replace("17\n2\n", "18\n2\n")
    warnings = {f.message for f in only(build_findings(tmp_path, text), Severity.WARNING)}
    assert "The profile says 4 roles but lists 3." in warnings
    assert "The profile says 18 policy areas have sufficient data but lists 17." in warnings


def test_funded_activity_outside_its_wave_is_a_warning(tmp_path):
    text = leipzig_text().replace("# survey-wave: 2020", "# survey-wave: 2018")
    warnings = {f.message for f in only(build_findings(tmp_path, text), Severity.WARNING)}
    assert (
        "Funded activity https://w3id.org/citykg/id/concept/funded-activity/"
        "training-staff-and-building-capacity was not an option in this profile's survey wave."
    ) in warnings


def test_concept_outside_its_scheme(capsys):
    status = main(
        ["validate", "--project", str(ROOT), str(FIXTURES / "concept-outside-scheme.ttl")]
    )
    out = capsys.readouterr().out
    assert status == 1
    assert "tests/fixtures/shapes/concept-outside-scheme.ttl: error [shacl]" in out
    assert "A focus policy area must be a concept of the policy-area scheme." in out
    assert "innovation-role/designer" in out
    assert "A ranked activity names one concept of the innovation-activity scheme." in out
    assert "An option count has one survey wave. (value: " in out
    assert "does not contain a value" not in out  # each reported once, on its owner


def test_city_without_name_bad_link_and_rank(capsys):
    status = main(["validate", "--project", str(ROOT), str(FIXTURES / "city-without-name.ttl")])
    out = capsys.readouterr().out
    assert status == 1
    assert "A city must have a name." in out
    assert "A Wikidata link must be an entity IRI" in out
    assert "A rank must be one integer from 1 to 7." in out


def test_every_concept_conforms():
    shapes = Shapes.of(Graph().parse(ROOT / "shapes" / "citykg-shapes.ttl"))
    concepts = Graph().parse(ROOT / "ontology" / "citykg-concepts.ttl")
    validation = validate_graph(concepts, shapes)
    assert validation.conforms and validation.results == []


def test_sparql_constraints_see_only_their_targets():
    """Every SHACL target kind restricts a SHACL-SPARQL constraint's focus nodes."""
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:ByNode sh:targetNode ex:a ;
            sh:sparql [ sh:select "SELECT $this { $this <http://example.org/bad> [] }" ] .
        ex:ByObject sh:targetObjectsOf ex:points ;
            sh:sparql [ sh:select "SELECT $this { $this <http://example.org/bad> [] }" ] .
        ex:BySubject sh:targetSubjectsOf ex:points ;
            sh:sparql [ sh:select "SELECT $this { $this <http://example.org/bad> [] }" ] .
        ex:ByClass sh:targetClass ex:C ;
            sh:sparql [ sh:select "SELECT $this { $this <http://example.org/bad> [] }" ] .
        """,
        format="turtle",
    )
    data = Graph().parse(
        data="""
        @prefix ex: <http://example.org/> .
        ex:a ex:bad 1 . ex:b ex:bad 1 ; ex:points ex:c . ex:c ex:bad 1 . ex:d a ex:C ; ex:bad 1 .
        ex:e ex:bad 1 .
        """,
        format="turtle",
    )
    found = {
        (str(r.shape).rsplit("/", 1)[1], str(r.focus).rsplit("/", 1)[1])
        for r in validate_graph(data, Shapes.of(shapes)).results
    }
    assert found == {("ByNode", "a"), ("ByObject", "c"), ("BySubject", "b"), ("ByClass", "d")}


def test_bad_rank_counts(capsys):
    status = main(["validate", "--project", str(ROOT), str(FIXTURES / "bad-counts.ttl")])
    out = capsys.readouterr().out
    assert status == 1
    assert "A rank count counts one rank from 1 to 7." in out and "count/rank-nine" in out
    assert "A count counts choices through one property or one rank given, not both." in out
    assert "count/both" in out
