"""The validation report of a release as linked data: the named graph graph/validation-report
holds a sh:ValidationReport with every SHACL result of the build and every other finding, each
with its file and line; it is in the N-Quads only, reachable with GRAPH at the endpoint,
announced by the VoID, linked from the city pages, and the same bytes whatever the chunk order."""

from __future__ import annotations

import gzip
import json
from collections import Counter

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF

from citykg.builder.assemble import assemble
from citykg.builder.importer import Source
from citykg.builder.namespaces import CITYKG, DQV, REPORT_GRAPH, SH
from citykg.builder.release import write_release
from citykg.builder.report import validation_report
from citykg.contract.findings import Severity
from citykg.contract.iris import REPORT_IRI
from citykg.contract.layout import NQUADS_FILE
from citykg.contract.layout import VOID_FILE as VOID_FILE

from support.html import parse_html
from support.project import PREFIXES, leipzig_text, make_project

SEVERITY = {Severity.ERROR: SH.Violation, Severity.WARNING: SH.Warning, Severity.INFO: SH.Info}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A release of Leipzig and a variant that draws more findings: no population (a warning
    of a property shape that is a blank node in the shapes file), a city without a Wikidata
    link (a named shape and an importer warning), a misspelt option; with its assembly."""
    text = leipzig_text()
    variant = (
        text.replace("Leipzig", "Testcity")
        .replace("Population\n\n600,000 (2019)\n\n", "")
        .replace("Dedicated funding", "Dedicatd funding")
    )
    root = tmp_path_factory.mktemp("report")
    project = make_project(
        root / "p", {"leipzig-deu-2020.txt": text, "testcity-deu-2020.txt": variant}
    )
    assembly = assemble(project)
    assert not assembly.errors, [f.format() for f in assembly.errors]
    findings = list(assembly.findings)
    release = write_release(assembly, project.var_dir).path
    dataset = Dataset()
    dataset.parse(release / NQUADS_FILE, format="nquads")
    return release, findings, dataset.graph(REPORT_GRAPH)


def test_every_finding_of_the_build_is_in_the_report(built):
    release, findings, report = built
    root = URIRef(REPORT_IRI)
    assert set(report.subjects(RDF.type, SH.ValidationReport)) == {root}
    assert report.value(root, SH.conforms) == Literal(True)
    shacl = [f for f in findings if f.code == "shacl"]
    others = [f for f in findings if f.code != "shacl"]
    assert len(shacl) >= 4 and len(others) >= 4
    results = set(report.objects(root, SH.result))
    assert results == set(report.subjects(RDF.type, SH.ValidationResult))
    assert len(results) == len(shacl)
    assert len(set(report.objects(root, CITYKG.finding))) == len(others)
    rows = json.loads((release / "findings.json").read_text())
    assert len(rows) == len(findings) and all(row["report"] for row in rows)
    for row in rows:
        node = URIRef(row["report"])
        kind = SH.ValidationResult if row["code"] == "shacl" else CITYKG.Finding
        assert (node, RDF.type, kind) in report, row
        assert report.value(node, SH.resultSeverity) == SEVERITY[Severity(row["severity"])]
        messages = {str(m) for m in report.objects(node, SH.resultMessage)}
        assert messages and any(m in row["message"] for m in messages), row
        source = Source.from_path(row["file"]).iri
        assert list(report.objects(node, PROV.wasDerivedFrom)) == [source]
        line = [int(n) for n in report.objects(node, CITYKG.sourceLine)]
        assert line == ([row["line"]] if row["line"] else [])
        if row["focus"]:
            assert report.value(node, SH.focusNode) == URIRef(row["focus"])
        if row["path"]:
            assert report.value(node, SH.resultPath) == URIRef(row["path"])
        if kind == CITYKG.Finding:
            assert report.value(node, CITYKG.findingCode) == Literal(row["code"])
        else:  # SHACL §3.6.2: exactly one of each
            for p in (SH.focusNode, SH.sourceShape, SH.sourceConstraintComponent):
                assert len(list(report.objects(node, p))) == 1, (row, p)


def test_results_name_their_shapes_without_blank_nodes(built):
    _, _, report = built
    assert not [t for t in report for term in t if isinstance(term, BNode)]
    population = [
        r
        for r in report.subjects(SH.resultPath, CITYKG.population)
        if (r, RDF.type, SH.ValidationResult) in report
    ]
    assert len(population) == 1
    shape = report.value(population[0], SH.sourceShape)
    assert str(shape).startswith(REPORT_IRI + "/shape/")  # a blank node in the shapes file
    assert report.value(shape, SH.path) == CITYKG.population
    assert report.value(shape, SH.minCount) == Literal(1)
    owner = URIRef("https://w3id.org/citykg/shapes#ProfileWarningShape")
    assert (owner, SH.property, shape) in report
    assert report.value(population[0], SH.sourceConstraintComponent) == (
        SH.MinCountConstraintComponent
    )
    wikidata = URIRef("https://w3id.org/citykg/shapes#WikidataLinkPresent")
    assert set(report.subjects(SH.sourceShape, wikidata))  # a named shape as it is


def test_the_report_is_not_in_the_default_graph(built):
    release, _, report = built
    dump = Graph().parse(data=gzip.decompress((release / "citykg.nt.gz").read_bytes()), format="nt")
    assert len(report) > 0 and not set(report) & set(dump)
    assert not set(dump.subjects(RDF.type, SH.ValidationResult))


def test_the_report_does_not_depend_on_the_order_of_the_runs(tmp_path):
    text = leipzig_text()
    project = make_project(tmp_path, {"a.txt": text, "b.txt": text.replace("Leipzig", "Testcity")})
    assembly = assemble(project, write_graphs=False)
    assert len(assembly.reports) >= 2
    made = [
        validation_report(reports, findings, assembly.shapes)
        for reports, findings in (
            (assembly.reports, assembly.findings),
            (assembly.reports[::-1], assembly.findings[::-1]),
        )
    ]
    assert set(made[0].graph) == set(made[1].graph)
    assert made[0].nodes == made[1].nodes


def test_the_report_is_queryable_with_graph_at_the_endpoint(client, release):
    query = """
    SELECT ?node ?severity ?message ?file ?line WHERE {
      GRAPH <https://w3id.org/citykg/graph/validation-report> {
        <https://w3id.org/citykg/id/validation-report> sh:result|citykg:finding ?node .
        ?node sh:resultSeverity ?severity ; sh:resultMessage ?message ;
              prov:wasDerivedFrom ?file ; citykg:sourceLine ?line } }"""
    prefixes = PREFIXES + "PREFIX sh: <http://www.w3.org/ns/shacl#>\n"
    response = client.get(
        "/sparql",
        query_string={"query": prefixes + query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200
    rows = response.get_json()["results"]["bindings"]
    findings = json.loads((release / "findings.json").read_text())
    assert {(r["node"]["value"], int(r["line"]["value"])) for r in rows} == {
        (f["report"], f["line"]) for f in findings
    }
    assert {r["file"]["value"] for r in rows} == {
        "https://w3id.org/citykg/source/profiles/leipzig-deu-2020.txt"
    }
    default = client.get(
        "/sparql",
        query_string={"query": "ASK { ?r a <http://www.w3.org/ns/shacl#ValidationResult> }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert default.get_json()["boolean"] is False  # outside the default graph


def test_city_page_links_each_finding_to_its_node_in_the_report(client, release):
    findings = json.loads((release / "findings.json").read_text())
    page = parse_html(client.get("/id/city/leipzig-deu", headers={"Accept": "text/html"}).data)
    links = page.one("section", class_="findings").hrefs
    for finding in findings:
        path = finding["report"].removeprefix("https://w3id.org/citykg")
        assert path in links
        document = client.get(path, headers={"Accept": "text/turtle"})
        assert document.status_code == 200, path
        graph = Graph().parse(data=document.data, format="turtle")
        node = URIRef(finding["report"])
        assert int(graph.value(node, CITYKG.sourceLine)) == finding["line"]  # Oxigraph: integer
        assert (URIRef(REPORT_IRI), None, node) in graph
    report = client.get("/id/validation-report", headers={"Accept": "text/turtle"})
    assert report.status_code == 200
    graph = Graph().parse(data=report.data, format="turtle")
    assert len(set(graph.subjects(RDF.type, None))) >= len(findings) + 1


def test_void_announces_the_report(release):
    void = Graph().parse(release / VOID_FILE)
    dataset = URIRef("https://w3id.org/citykg/dataset")
    assert (dataset, DQV.hasQualityMetadata, REPORT_GRAPH) in void
    assert (REPORT_GRAPH, RDF.type, DQV.QualityMetadata) in void
    assert void.value(REPORT_GRAPH, URIRef("http://rdfs.org/ns/void#rootResource")) == URIRef(
        REPORT_IRI
    )
    shapes = URIRef("https://w3id.org/citykg/shapes")
    assert (dataset, URIRef("http://purl.org/dc/terms/conformsTo"), shapes) in void
    store = ox.Store()
    store.load(path=str(release / NQUADS_FILE), format=ox.RdfFormat.N_QUADS)
    in_graph = len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(REPORT_GRAPH))))
    triples = void.value(REPORT_GRAPH, URIRef("http://rdfs.org/ns/void#triples"))
    assert int(triples) == in_graph
    kinds = Counter(
        str(q.object) for q in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), None)
    )
    assert kinds[f"<{SH.ValidationReport}>"] == 1


def test_void_counts_what_the_endpoint_serves(served):
    """The dataset's void:triples is the data (the N-Triples dump); the served default graph is
    that and the VoID itself (graph/dataset); the named graphs, which GRAPH ?g reaches, hold
    what <dataset/named-graphs> counts, the report graph what its own void:triples says."""
    import requests

    def count(where: str) -> int:
        response = requests.get(
            f"{served}/sparql",
            params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    void = Graph().parse(
        data=requests.get(f"{served}/dataset.ttl", timeout=30).content, format="turtle"
    )
    triples = URIRef("http://rdfs.org/ns/void#triples")
    base = "https://w3id.org/citykg/"
    data = int(void.value(URIRef(base + "dataset"), triples))
    named = int(void.value(URIRef(base + "dataset/named-graphs"), triples))
    report = int(void.value(REPORT_GRAPH, triples))
    description = count(f"GRAPH <{base}graph/dataset> {{ ?s ?p ?o }}")
    assert description == len(void)
    assert count("?s ?p ?o") == data + description
    assert count("GRAPH ?g { ?s ?p ?o }") == named
    assert count(f"GRAPH <{REPORT_GRAPH}> {{ ?s ?p ?o }}") == report > 0
