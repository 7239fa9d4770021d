"""The release: dumps round-trip, checksums hold, VoID/DCAT describe it, builds are reproducible
and a failed build never replaces the last good release."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
import time

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, VOID

from citykg.builder.assemble import assemble
from citykg.builder.namespaces import REPORT_GRAPH
from citykg.builder.release import write_release
from citykg.cli import main
from citykg.contract.layout import (
    CHANGES_FILE,
    DUMPS,
    HISTORY_FILE,
    NQUADS_FILE,
    RELEASE_FILE,
    TABLE_FILES,
    TABLE_METADATA_FILE,
)
from citykg.contract.layout import SEARCH_FILE as SEARCH_FILE
from citykg.contract.layout import SHAPES_FILE as SHAPES_FILE
from citykg.contract.layout import SUMS_FILE as SUMS_FILE
from citykg.contract.layout import VOID_FILE as VOID_FILE

from support.processes import citykg_cli
from support.project import PREFIXES, ROOT, leipzig_text, make_project
from support.rdf import isomorphic


@pytest.fixture(scope="module")
def release_dataset(release):
    dataset = Dataset()
    dataset.parse(release / NQUADS_FILE, format="nquads")
    return dataset


def union(dataset: Dataset) -> Graph:
    """The merge of the data graphs: every named graph but the validation report and the
    provenance graphs of the source lines (``.../line/N``), which only the N-Quads hold."""
    graph = Graph()
    for s, p, o, g in dataset.quads():
        if str(g) != str(REPORT_GRAPH) and "/line/" not in str(g):
            graph.add((s, p, o))
    return graph


@pytest.mark.parametrize("dump", DUMPS, ids=lambda d: d.name)
def test_each_dump_parses_back_isomorphic(release, release_dataset, dump):
    data = gzip.decompress((release / dump.name).read_bytes())
    if dump.quads:
        parsed = Dataset()
        parsed.parse(data=data, format="nquads")
        assert {g.identifier for g in parsed.graphs()} == {
            g.identifier for g in release_dataset.graphs()
        }
        for graph in release_dataset.graphs():
            assert isomorphic(graph, parsed.graph(graph.identifier)), graph.identifier
    else:
        fmt = {"text/turtle": "turtle", "application/n-triples": "nt"}[dump.format.media_type]
        assert isomorphic(Graph().parse(data=data, format=fmt), union(release_dataset))


PROFILE_GRAPH = "https://w3id.org/citykg/graph/profile/leipzig-deu/2020"


def test_named_graphs(release_dataset):
    names = {str(g.identifier) for g in release_dataset.graphs() if len(g)}
    lines = {name for name in names if "/line/" in name}  # provenance graphs of source lines
    assert lines and all(n.startswith(PROFILE_GRAPH + "/line/") for n in lines)
    assert names - lines == {
        str(REPORT_GRAPH),
        "https://w3id.org/citykg/graph/ontology",
        "https://w3id.org/citykg/graph/concepts",
        "https://w3id.org/citykg/graph/statistics",
        "https://w3id.org/citykg/graph/links",
        "https://w3id.org/citykg/graph/aggregates",
        "https://w3id.org/citykg/graph/entities",
        PROFILE_GRAPH,
    }


def test_checksums(release):
    lines = (release / SUMS_FILE).read_text().splitlines()
    sums = dict(reversed(line.split("  ")) for line in lines)
    assert set(sums) == {
        NQUADS_FILE,
        VOID_FILE,
        SHAPES_FILE,
        RELEASE_FILE,
        CHANGES_FILE,  # the session's release revises an earlier build
        HISTORY_FILE,
        SEARCH_FILE,
        TABLE_METADATA_FILE,
        *TABLE_FILES,
        *(d.name for d in DUMPS),
    }
    for name, digest in sums.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest


def test_void_and_dcat(release):
    void = Graph().parse(release / VOID_FILE)
    rows = list(
        void.query(
            PREFIXES
            + """
        SELECT ?triples ?space ?endpoint WHERE {
          <https://w3id.org/citykg/dataset> a void:Dataset, dcat:Dataset ;
            void:triples ?triples ; void:uriSpace ?space ; void:sparqlEndpoint ?endpoint ;
            void:exampleResource city:leipzig-deu ;
            dcat:accessService/dcat:endpointURL ?endpoint }"""
        )
    )
    assert len(rows) == 1
    triples, space, endpoint = rows[0]
    assert str(space) == "https://w3id.org/citykg/"
    assert str(endpoint) == "https://w3id.org/citykg/sparql"
    nt = gzip.decompress((release / "citykg.nt.gz").read_bytes()).decode()
    assert int(triples) == len(nt.splitlines())
    sums = dict(
        reversed(line.split("  ")) for line in (release / SUMS_FILE).read_text().splitlines()
    )
    for dump in DUMPS:
        url = URIRef(f"https://w3id.org/citykg/dumps/{dump.name}")
        found = list(
            void.query(
                PREFIXES
                + f"""
            SELECT ?size ?sum ?type WHERE {{
              <https://w3id.org/citykg/dataset> void:dataDump <{url}> ; dcat:distribution ?d .
              ?d dcat:downloadURL <{url}> ; dcat:byteSize ?size ; dcat:mediaType ?type ;
                 spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ;
                                 spdx:checksumValue ?sum ] }}"""
            )
        )
        assert len(found) == 1, dump.name
        size, digest, media = found[0]
        assert int(size) == (release / dump.name).stat().st_size
        assert str(digest) == sums[dump.name]
        assert str(media).endswith(dump.format.media_type)
    linkset = list(
        void.query(
            PREFIXES
            + """
        SELECT ?n WHERE { ?l a void:Linkset ; void:linkPredicate owl:sameAs ; void:triples ?n ;
            void:objectsTarget/void:sparqlEndpoint <https://query.wikidata.org/sparql> }"""
        )
    )
    assert [int(r[0]) for r in linkset] == [2]


def test_no_blank_nodes(release):
    assert "_:" not in (release / NQUADS_FILE).read_text()


def _build(project, *extra) -> tuple[int, str]:
    return citykg_cli("build", "--project", str(project.root), *extra)


@pytest.mark.system  # runs citykg as a process
def test_same_input_gives_byte_identical_output(tmp_path):
    project = make_project(tmp_path / "p", {"leipzig-deu-2020.txt": leipzig_text()})
    outputs = []
    for var_dir in ("b1", "b2"):
        status, log = _build(project, "--var-dir", str(tmp_path / var_dir))
        assert status == 0, log
        release = tmp_path / var_dir / "current"
        outputs.append({p.name: p.read_bytes() for p in sorted(release.iterdir())})
    assert outputs[0] == outputs[1]
    assert set(outputs[0]) >= {NQUADS_FILE, SUMS_FILE, VOID_FILE, *(d.name for d in DUMPS)}
    assert set(outputs[0]) >= {TABLE_METADATA_FILE, *TABLE_FILES}
    assert SEARCH_FILE in outputs[0]  # the search index is byte-identical too


@pytest.mark.system  # runs citykg as a process
def test_failed_build_keeps_the_last_good_release(tmp_path):
    project = make_project(tmp_path, {"leipzig-deu-2020.txt": leipzig_text()})
    status, log = _build(project)
    assert status == 0, log
    good = (project.var_dir / "current").resolve()
    before = {p.name: p.read_bytes() for p in good.iterdir()}
    (project.profiles_dir / "leipzig-deu-2020.txt").write_text(
        leipzig_text().replace("7. 7", "8. 8")
    )
    status, log = _build(project)
    assert status == 1
    assert "error [shacl]" in log and "A rank must be one integer from 1 to 7." in log
    assert f"the last good release {good} is still current" in log
    assert (project.var_dir / "current").resolve() == good
    assert {p.name: p.read_bytes() for p in good.iterdir()} == before
    assert [p.name for p in (project.var_dir / "releases").iterdir()] == [good.name]


def test_build_prints_findings_and_summary(tmp_path, capsys):
    project = make_project(tmp_path, {"leipzig-deu-2020.txt": leipzig_text()})
    assert main(["build", "--project", str(project.root)]) == 0
    out = capsys.readouterr().out
    assert "data/profiles/leipzig-deu-2020.txt:112: info [ambiguous-chart]" in out
    assert "1 profile: 0 error(s), 1 warning(s), 1 info(s)" in out
    assert f"now {project.var_dir / 'current'}" in out
    steps = out.rpartition("seconds: ")[2].strip().split(", ")
    assert [step.rpartition(" ")[0] for step in steps] == [
        "import + validate",
        "sort",
        "dumps",
        "search",
        "tables",
        "history",
    ]
    assert all(float(step.rpartition(" ")[2]) >= 0 for step in steps)


@pytest.mark.system  # runs citykg as a process
def test_progress_bar_with_many_profiles(tmp_path, monkeypatch):
    """On a terminal, a build of 20 or more profiles shows a progress bar."""
    import pty

    text = leipzig_text()
    profiles = {f"city{i:02d}.txt": text.replace("Leipzig", f"Testcity{i:02d}") for i in range(20)}
    project = make_project(tmp_path, profiles)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    output = bytearray()

    def read(fd):
        data = os.read(fd, 4096)
        output.extend(data)
        return data

    build = f"'{sys.executable}' -m citykg build -q --project '{project.root}'"
    command = ["sh", "-c", f"stty cols 100 rows 30; exec {build}"]  # a fresh pty is 0 wide
    status = pty.spawn(command, read)
    text = output.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "profiles: 100%" in text and "20/20" in text


@pytest.mark.system  # runs citykg as a process
def test_a_build_killed_while_writing_leaves_the_last_good_release(tmp_path):
    """SIGKILL during the release write: `current` still points at the intact last release."""
    import signal

    from citykg.builder.synthetic import write_project
    from citykg.contract.project import Project

    project = write_project(tmp_path / "p", 60, Project.at(ROOT))
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
    build = [
        sys.executable,
        "-m",
        "citykg",
        "build",
        "--synthetic",
        "-q",
        "--project",
        str(project.root),
    ]
    assert subprocess.run(build, env=env, capture_output=True, timeout=300).returncode == 0
    current = project.var_dir / "current"
    good = current.resolve()
    before = {p.name: p.read_bytes() for p in good.iterdir()}
    (project.profiles_dir / "synth-000001.txt").write_text(
        (project.profiles_dir / "synth-000001.txt")
        .read_text()
        .replace("Synthcity 000001", "Renamed")
    )
    process = subprocess.Popen(build, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    releases = project.var_dir / "releases"
    deadline = time.monotonic() + 300
    while not any(p.name.startswith(".staging-") for p in releases.iterdir()):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert current.resolve() == good
    assert {p.name: p.read_bytes() for p in good.iterdir()} == before
    sums = (good / "SHA256SUMS").read_text().splitlines()
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256((good / name).read_bytes()).hexdigest() == digest
    assert subprocess.run(build, env=env, capture_output=True, timeout=300).returncode == 0
    assert current.resolve() != good


@pytest.mark.system  # runs citykg as a process
def test_a_rebuild_of_the_same_data_brings_its_release_up_to_date(tmp_path):
    """A release written by an older citykg (here: without its city list, with a stale
    findings file) gets what a new build of the same data writes, in the same directory."""
    project = make_project(tmp_path / "p", {"leipzig-deu-2020.txt": leipzig_text()})
    assert _build(project)[0] == 0
    release = (project.var_dir / "current").resolve()
    fresh = {p.name: p.read_bytes() for p in release.iterdir()}
    (release / "cities.json").unlink()
    (release / "findings.json").write_text("[]")
    assert _build(project)[0] == 0
    assert (project.var_dir / "current").resolve() == release
    assert {p.name: p.read_bytes() for p in release.iterdir()} == fresh
    assert json.loads(fresh["cities.json"])[0]["name"] == "Leipzig"
    assert [p.name for p in (project.var_dir / "releases").iterdir()] == [release.name]


@pytest.mark.system  # runs citykg as a process
def test_source_date_epoch_is_the_time_of_the_release(tmp_path):
    """`SOURCE_DATE_EPOCH=... citykg build`: that time, and no other, is the release's issue time
    in its record, the dumps' dct:issued and (as a date) the dataset's dct:modified. No graph
    states it: the N-Quads hold no time of the build."""
    project = make_project(tmp_path / "p", {"leipzig-deu-2020.txt": leipzig_text()})
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    build = [sys.executable, "-m", "citykg", "build", "-q", "--project", str(project.root)]
    done = subprocess.run(build, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    release = project.var_dir / "current"
    assert json.loads((release / RELEASE_FILE).read_text())["issued"] == "2023-11-14T22:13:20+00:00"
    nquads = (release / NQUADS_FILE).read_text()
    assert "2023-11-14" not in nquads
    assert "generatedAtTime" not in nquads and "endedAtTime" not in nquads
    void = Graph().parse(release / VOID_FILE)
    dataset = URIRef("https://w3id.org/citykg/dataset")
    assert [str(d) for d in void.objects(dataset, DCTERMS.modified)] == ["2023-11-14"]
    issued = {str(d) for d in void.objects(None, DCTERMS.issued)}
    assert issued == {"2023-11-14T22:13:20+00:00"}
    distributions = len(DUMPS) + len(TABLE_FILES) + 1  # the dumps, the tables, their metadata
    assert len(list(void.subjects(DCTERMS.issued, None))) == distributions


def test_builds_at_other_times_give_the_same_graphs(tmp_path, monkeypatch):
    """The same input built at two times: the same N-Quads, byte for byte (so the same release
    id), every profile graph carrying its provenance and no time; only the release's record and
    VoID say when each build was issued."""
    project = make_project(tmp_path / "p", {"leipzig-deu-2020.txt": leipzig_text()})
    built = {}
    for epoch in ("1767225600", "1800000000"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        var_dir = tmp_path / epoch
        built[epoch] = write_release(assemble(project), var_dir).path
    first, second = built.values()
    assert first.name == second.name
    assert (first / NQUADS_FILE).read_bytes() == (second / NQUADS_FILE).read_bytes()
    issued = [json.loads((r / RELEASE_FILE).read_text())["issued"] for r in (first, second)]
    assert issued == ["2026-01-01T00:00:00+00:00", "2027-01-15T08:00:00+00:00"]
    dataset = Dataset()
    dataset.parse(first / NQUADS_FILE, format="nquads")
    profile = dataset.graph(URIRef(PROFILE_GRAPH))
    graph = URIRef(PROFILE_GRAPH)
    assert set(profile.predicates(graph)) == {RDF.type, PROV.wasDerivedFrom, PROV.wasGeneratedBy}
    activity = profile.value(graph, PROV.wasGeneratedBy)
    assert set(profile.predicates(activity)) == {
        RDF.type,
        PROV.used,
        PROV.wasAssociatedWith,
        URIRef("https://w3id.org/citykg/ontology#waveBasis"),
        URIRef("https://w3id.org/citykg/ontology#waveBasisNote"),
    }
    assert "XMLSchema#dateTime" not in (first / NQUADS_FILE).read_text()


def test_void_counts_the_default_graph_and_the_named_graphs(release):
    """void:triples of the dataset: the N-Triples dump (the default graph); of the report graph:
    its quads; of <dataset/named-graphs>: every quad of citykg.nq and the VoID's own triples
    (served as graph/dataset)."""
    void = Graph().parse(release / VOID_FILE)
    base = "https://w3id.org/citykg/"
    dataset, named = URIRef(base + "dataset"), URIRef(base + "dataset/named-graphs")
    nquads = (release / NQUADS_FILE).read_text().splitlines()
    nt = gzip.decompress((release / "citykg.nt.gz").read_bytes()).decode().splitlines()
    assert int(void.value(dataset, VOID.triples)) == len(nt)
    assert int(void.value(named, VOID.triples)) == len(nquads) + len(void)
    report = [line for line in nquads if line.endswith(f" <{REPORT_GRAPH}> .")]
    assert int(void.value(REPORT_GRAPH, VOID.triples)) == len(report) > 0
    assert {dataset, REPORT_GRAPH} <= set(void.objects(named, VOID.subset))
    graphs = dict(json.loads((release / "graphs.json").read_text()))
    assert graphs[str(REPORT_GRAPH)] == len(report)
