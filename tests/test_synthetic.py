"""Synthetic profiles for scale tests: shaped like the real ones, never part of a release."""

from __future__ import annotations

from citykg.build.assemble import assemble
from citykg.build.synthetic import write_project
from citykg.cli import main
from citykg.namespaces import CITYKG
from citykg.project import Project

from conftest import ROOT


def test_synthetic_profiles_import_cleanly_and_are_marked(tmp_path):
    project = write_project(tmp_path / "synth", 12, Project.at(ROOT))
    assembly = assemble(project, allow_synthetic=True)
    assert len(assembly.profiles) == 12 and assembly.errors == []
    assert {f.code for f in assembly.findings} <= {"shacl"}
    for result in assembly.profiles:
        assert len(set(result.graph.objects(None, CITYKG.rankedActivity))) == 7
        assert [o.toPython() for o in result.graph.objects(None, CITYKG.synthetic)] == [True]


def test_synthetic_profiles_are_refused_in_a_release_build(tmp_path, capsys):
    project = write_project(tmp_path / "synth", 3, Project.at(ROOT))
    assert main(["build", "--project", str(project.root)]) == 1
    out = capsys.readouterr()
    assert "error [synthetic]" in out.out and "synthetic profile" in out.out
    assert not (project.build_dir / "current").exists()
    assert main(["build", "--synthetic", "-q", "--project", str(project.root)]) == 0


def test_generation_is_deterministic(tmp_path):
    first = write_project(tmp_path / "a", 5, Project.at(ROOT), seed=7)
    second = write_project(tmp_path / "b", 5, Project.at(ROOT), seed=7)
    assert [p.read_bytes() for p in first.profiles()] == [p.read_bytes() for p in second.profiles()]
