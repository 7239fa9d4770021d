"""Hostile build inputs: each is refused or bounded with a finding naming the file (and line where
one exists), nothing is fetched, and the last good release stays current and intact."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.builder.namespaces import SCHEMA
from citykg.builder.rdf_input import MAX_BLANK_NODE_DEPTH, read_rdf
from citykg.contract.findings import InputError
from citykg.contract.project import Project

from support.processes import citykg_cli
from support.project import leipzig_text, make_project

ENTITY_BOMB = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about="http://example.org/x"><rdf:value>&f;</rdf:value></rdf:Description>
</rdf:RDF>
"""
PREFIX = "@prefix : <http://example.org/> .\n"


def nested(depth: int) -> str:
    return PREFIX + ":s :p " + "[ :p " * depth + "1" + " ]" * depth + " .\n"


def appended(path: Path, text: str) -> str:
    return path.read_text(encoding="utf-8") + text


# (file to break, how, expected finding) — the finding text must name the file and line.
RDF_CASES = {
    "entity-bomb": (
        "ontology/citykg.ttl",
        lambda p: ENTITY_BOMB,
        "ontology/citykg.ttl:1: error [syntax]",
    ),
    "deep-nesting": (
        "shapes/citykg-shapes.ttl",
        lambda p: appended(p, nested(5000)),
        "shapes/citykg-shapes.ttl: error [too-deep]",
    ),
    "huge-literal": (
        "ontology/citykg.ttl",
        lambda p: appended(p, PREFIX + ':x :label "' + "x" * 1_200_000 + '" .\n'),
        "ontology/citykg.ttl:{lines}: error [huge-literal]",
    ),
    "bad-iri": (
        "ontology/citykg-concepts.ttl",
        lambda p: appended(p, "<http://exa mple.org/x> a <http://example.org/C> .\n"),
        "ontology/citykg-concepts.ttl:{lines}: error [syntax]",
    ),
    "relative-iri": (
        "ontology/citykg-concepts.ttl",
        lambda p: appended(p, "<x> a <http://example.org/C> .\n"),
        "ontology/citykg-concepts.ttl:{lines}: error [syntax]",
    ),
    "not-utf8": (
        "shapes/citykg-shapes.ttl",
        lambda p: appended(p, PREFIX + ':x :label "\udcff" .\n'),
        "shapes/citykg-shapes.ttl:{lines}: error [syntax]",
    ),
}
LINK_CASES = {
    "link-bad-iri": (
        b"city,Leipzig,Germany,,http://exa mple.org/<x>,\n",
        ":{line}: error [links-iri]",
    ),
    "link-huge-field": (
        b"city," + b"x" * 200_000 + b",Germany,,Q1,\n",
        ":{line}: error [links-csv]",
    ),
    "link-not-utf8": (b"city,Leipzig,Germany,,Q2079,\xff\n", ": error [links]"),
}


@pytest.fixture(scope="module")
def good_project(tmp_path_factory) -> Project:
    """A project with Leipzig and one good release; each test breaks a copy of it."""
    project = make_project(
        tmp_path_factory.mktemp("good") / "p", {"leipzig-deu-2020.txt": leipzig_text()}
    )
    status, log = build(project)
    assert status == 0, log
    return project


def copy_of(project: Project, tmp_path: Path) -> Project:
    shutil.copytree(project.root, tmp_path / "p", symlinks=True)
    return Project.at(tmp_path / "p")


def build(project: Project, *extra: str) -> tuple[int, str]:
    return citykg_cli("build", "-q", "--project", str(project.root), *extra)


def release_state(project: Project) -> tuple[str, dict[str, bytes]]:
    current = project.var_dir / "current"
    return os.readlink(current), {p.name: p.read_bytes() for p in current.iterdir()}


def assert_refused_and_kept(
    project: Project, before: tuple[str, dict[str, bytes]], expected: str
) -> str:
    status, log = build(project)
    assert status == 1, log
    assert expected in log, log
    assert "Traceback" not in log
    assert "the last good release" in log and "is still current" in log
    assert release_state(project) == before
    assert not [p for p in (project.var_dir / "releases").iterdir() if p.name.startswith(".")]
    return log


@pytest.mark.system  # runs citykg as a process
@pytest.mark.parametrize("case", RDF_CASES)
def test_hostile_rdf_input_is_refused_and_the_release_kept(good_project, tmp_path, case):
    name, breaker, expected = RDF_CASES[case]
    project = copy_of(good_project, tmp_path)
    before = release_state(project)
    path = project.root / name
    text = breaker(path)
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    lines = text.count("\n")
    assert_refused_and_kept(project, before, expected.format(lines=lines))


@pytest.mark.system  # runs citykg as a process
@pytest.mark.parametrize("case", LINK_CASES)
def test_hostile_link_rows_are_refused_with_their_line(good_project, tmp_path, case):
    row, code = LINK_CASES[case]
    project = copy_of(good_project, tmp_path)
    before = release_state(project)
    lines = project.links.read_text().count("\n")
    with project.links.open("ab") as f:
        f.write(row)
    assert_refused_and_kept(
        project, before, "data/wikidata-links.csv" + code.format(line=lines + 1)
    )


@pytest.mark.system  # runs citykg as a process
def test_oversized_profile_is_refused_unread(good_project, tmp_path):
    project = copy_of(good_project, tmp_path)
    before = release_state(project)
    (project.profiles_dir / "huge.txt").write_bytes(b"Leipzig\n" + b"x" * 2_000_000)
    log = assert_refused_and_kept(project, before, "data/profiles/huge.txt: error [too-large]")
    assert "2000008 bytes" in log


@pytest.mark.system  # runs citykg as a process
def test_a_huge_line_within_the_size_cap_is_read_as_text(good_project, tmp_path):
    """A 900 KB sentence in the spotlight is kept as one literal; the build succeeds."""
    project = copy_of(good_project, tmp_path)
    profile = project.profiles_dir / "leipzig-deu-2020.txt"
    long_sentence = "It grows. " * 90_000
    profile.write_text(profile.read_text().replace("LEGO building blocks", long_sentence))
    status, log = build(project)
    assert status == 0, log
    store = ox.Store()
    store.bulk_load(
        path=str(project.var_dir / "current" / "citykg.nq"), format=ox.RdfFormat.N_QUADS
    )
    kept = f"ASK {{ ?s <{SCHEMA}description> ?o FILTER(STRLEN(?o) > {len(long_sentence)}) }}"
    assert store.query(kept, use_default_graph_as_union=True)


@pytest.mark.system  # runs citykg as a process
def test_odd_profile_file_names_become_valid_source_iris(good_project, tmp_path):
    project = copy_of(good_project, tmp_path)
    profile = project.profiles_dir / "leipzig-deu-2020.txt"
    profile.rename(project.profiles_dir / "leipzig <2020> & co.txt")
    status, log = build(project)
    assert status == 0, log
    quads = (project.var_dir / "current" / "citykg.nq").read_text()
    assert "source/profiles/leipzig%20%3C2020%3E%20%26%20co.txt>" in quads


def test_blank_node_cycles_are_not_mistaken_for_depth(tmp_path):
    path = tmp_path / "cycle.ttl"
    path.write_text(PREFIX + "_:a :p _:b . _:b :p _:a . :s :p _:a .\n")
    assert len(read_rdf(path, "cycle.ttl")) == 3
    path.write_text(nested(MAX_BLANK_NODE_DEPTH - 1))
    assert len(read_rdf(path, "ok.ttl")) == MAX_BLANK_NODE_DEPTH
    path.write_text(nested(MAX_BLANK_NODE_DEPTH + 1))
    with pytest.raises(InputError, match="too-deep"):
        read_rdf(path, "deep.ttl")


@pytest.mark.system  # runs citykg as a process
def test_validate_fetches_nothing_named_in_the_data(tmp_path, canary):
    """owl:imports, SHACL-SPARQL shapes with SERVICE and remote @context in a validated file:
    citykg validates against its own shapes and the canary hears nothing."""
    hostile = tmp_path / "hostile.ttl"
    hostile.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<http://example.org/o> a owl:Ontology ; owl:imports <{canary.url}> .\n"
        "<http://example.org/shape> a sh:NodeShape ; sh:targetNode <http://example.org/o> ;\n"
        '  sh:sparql [ sh:select "SELECT $this WHERE { SERVICE <'
        + canary.url
        + '> { ?s ?p ?o } }" ] .\n'
    )
    status, log = citykg_cli("validate", str(hostile))
    assert "Traceback" not in log
    assert "1 file: 0 error(s)" in log, log
    assert canary.hits == []
    jsonld = tmp_path / "remote-context.jsonld"
    jsonld.write_text('{"@context": "' + canary.url + '", "@id": "http://example.org/x"}')
    status, log = citykg_cli("validate", str(jsonld))
    assert status == 1 and "not a profile or a supported RDF file" in log
    assert canary.hits == []


def _mount_tmpfs(target: Path, size: str) -> bool:
    target.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


@pytest.mark.system  # runs citykg as a process
def test_a_full_disk_during_a_build_is_reported_and_the_release_kept(good_project, tmp_path):
    """The build directory on a small tmpfs, filled up before the second build."""
    disk = tmp_path / "disk"
    if os.geteuid() != 0 or not _mount_tmpfs(disk, "4m"):
        pytest.skip("needs root and tmpfs mounts (CI runs as root)")
    try:
        project = make_project(tmp_path / "p", {"leipzig-deu-2020.txt": leipzig_text()})
        status, log = build(project, "--var-dir", str(disk))
        assert status == 0, log
        current = disk / "current"
        before = os.readlink(current), {p.name: p.read_bytes() for p in current.iterdir()}
        free = shutil.disk_usage(disk).free
        (disk / "filler").write_bytes(b"\0" * (free - 64 * 1024))
        (project.profiles_dir / "leipzig-deu-2020.txt").write_text(
            leipzig_text().replace("Burkhard Jung", "Someone Else")
        )
        status, log = build(project, "--var-dir", str(disk))
        assert status == 1, log
        assert "could not write the release (No space left on device)" in log, log
        assert "Traceback" not in log
        assert (os.readlink(current), {p.name: p.read_bytes() for p in current.iterdir()}) == before
        assert not [p for p in (disk / "releases").iterdir() if p.name.startswith(".")]
        (disk / "filler").unlink()
        status, log = build(project, "--var-dir", str(disk))
        assert status == 0, log
        assert os.readlink(current) != before[0]
    finally:
        subprocess.run(["umount", str(disk)], check=False)
