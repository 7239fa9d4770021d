"""Synthetic profiles for scale tests: shaped like the real ones, never part of a release."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from citykg.builder import profile_chunks
from citykg.builder.assemble import assemble
from citykg.builder.namespaces import CITYKG
from citykg.builder.release import write_release
from citykg.builder.synthetic import write_project
from citykg.cli import main
from citykg.contract.project import Project
from citykg.serve import site
from citykg.serve.pages.index import cities
from citykg.serve.store import EmbeddedStore, load_release

from support.app import app_for
from support.html import parse_html
from support.project import ROOT


def test_synthetic_profiles_import_cleanly_and_are_marked(tmp_path):
    project = write_project(tmp_path / "synth", 12, Project.at(ROOT))
    assembly = assemble(project, allow_synthetic=True)
    assert len(assembly.profiles) == 12 and assembly.errors == []
    assert {f.code for f in assembly.findings} <= {"shacl"}
    store = ox.Store()
    for path in assembly.nquads:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    for result in assembly.profiles:
        graph = ox.NamedNode(str(result.graph_iri))
        ranked = store.quads_for_pattern(None, ox.NamedNode(CITYKG.rankedActivity), None, graph)
        assert len(list(ranked)) == 7
        marks = store.quads_for_pattern(None, ox.NamedNode(CITYKG.synthetic), None, graph)
        assert [q.object.value for q in marks] == ["true"]
    assembly.discard()
    assert not list(project.var_dir.iterdir())


@pytest.mark.system  # runs the build in two processes
def test_chunks_on_two_processes_make_the_same_release(tmp_path, monkeypatch):
    """Profiles imported and validated in chunks by a process pool give the release, findings
    included, that one chunk in this process gives; shared cities and countries are reported
    once however many chunks they appear in."""
    project = write_project(tmp_path / "synth", 24, Project.at(ROOT))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    single = write_release(assemble(project, allow_synthetic=True), tmp_path / "single")
    monkeypatch.setattr(profile_chunks, "MIN_CHUNK", 3)
    monkeypatch.setattr(profile_chunks, "CHUNK", 5)
    monkeypatch.setattr(profile_chunks, "PROCESSES", 2)
    assembly = assemble(project, allow_synthetic=True)
    assert len(assembly.nquads) == 5
    chunked = write_release(assembly, tmp_path / "chunked")
    for name in ("citykg.nq", "findings.json", "cities.json", "citykg.nt.gz"):
        assert (single.path / name).read_bytes() == (chunked.path / name).read_bytes(), name
    assert (single.quads, single.triples) == (chunked.quads, chunked.triples)
    assert not any(p.name.startswith(".assembly-") for p in project.var_dir.iterdir())


@pytest.mark.system  # runs citykg as a process
def test_synthetic_profiles_are_refused_in_a_release_build(tmp_path, capsys):
    project = write_project(tmp_path / "synth", 3, Project.at(ROOT))
    assert main(["build", "--project", str(project.root)]) == 1
    out = capsys.readouterr()
    assert "error [synthetic]" in out.out and "synthetic profile" in out.out
    assert not (project.var_dir / "current").exists()
    assert main(["build", "--synthetic", "-q", "--project", str(project.root)]) == 0


def test_generation_is_deterministic(tmp_path):
    first = write_project(tmp_path / "a", 5, Project.at(ROOT), seed=7)
    second = write_project(tmp_path / "b", 5, Project.at(ROOT), seed=7)
    assert [p.read_bytes() for p in first.profiles()] == [p.read_bytes() for p in second.profiles()]


def test_the_home_page_lists_every_city_by_name_a_page_at_a_time(tmp_path, monkeypatch):
    """The city list sorted at build time says what the live query says; the home page shows
    it a page at a time, in name order, every city once."""
    project = write_project(tmp_path / "synth", 14, Project.at(ROOT))
    release = write_release(assemble(project, allow_synthetic=True), tmp_path / "build").path
    index = json.loads((release / "cities.json").read_text(encoding="utf-8"))
    store = ox.Store()
    load_release(store, release)
    live = cities(EmbeddedStore(store))
    assert [(r["city"], r["name"], r["country"]) for r in index] == [
        (r["city"], r["name"], r["country"]) for r in live
    ]
    assert [set(r["waves"].split(", ")) for r in index] == [
        set(r["waves"].split(", ")) for r in live
    ]
    monkeypatch.setattr(site, "CITIES_PER_PAGE", 4)
    with app_for(release, tmp_path / "stores", QUERY_WORKERS=1) as app:
        client = app.test_client()
        listed, page, last = [], 1, -(-len(index) // 4)
        while page:
            html = parse_html(client.get(f"/?page={page}").data)
            listed += [
                row[0].one("a").get("href") for row in html.one("table", "cities").one("tbody").rows
            ]
            pagers = html.find_all("nav", class_="pager")
            assert pagers and all(f"page {page} of {last}" in nav.words for nav in pagers)
            more = {a.get("href") for a in html.find_all("a", rel="next")}
            assert len(more) <= 1, more
            page = int(more.pop().removeprefix("/?page=")) if more else 0
        assert listed == [r["city"].removeprefix("https://w3id.org/citykg") for r in index]
        assert client.get("/").data == client.get("/?page=1").data
        for wrong in (str(last + 1), "0", "x", "9" * 5000):
            response = client.get("/", query_string={"page": wrong})
            assert response.status_code == 404 and b"pages 1 to" in response.data
