"""Every release is kept with its record (release.json: which release it revises) until
``citykg prune --keep N`` retires the older ones and their stores."""

from __future__ import annotations

import json

from citykg.builder.assemble import assemble
from citykg.builder.release import write_release
from citykg.cli import main

from support.project import leipzig_text, make_project


def build(project):
    return write_release(assemble(project), project.var_dir).path


def record(release) -> dict:
    return json.loads((release / "release.json").read_text(encoding="utf-8"))


def test_each_release_records_the_one_it_revises_and_all_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    project = make_project(tmp_path, {"leipzig-deu-2020.txt": leipzig_text()})
    first = build(project)
    assert record(first) == {
        "citykg": record(first)["citykg"],
        "id": first.name,
        "issued": "2026-01-01T00:00:00+00:00",
        "revises": None,
    }
    profile = project.profiles()[0]
    profile.write_text(leipzig_text().replace("Burkhard Jung", "Someone Else"), encoding="utf-8")
    second = build(project)
    assert second.name != first.name and record(second)["revises"] == first.name
    again = build(project)  # the same data again: the same release, still revising the first
    assert again == second and record(again)["revises"] == first.name
    sums = dict(
        reversed(line.split("  ")) for line in (second / "SHA256SUMS").read_text().splitlines()
    )
    assert "release.json" in sums
    assert sorted(p.name for p in project.releases.iterdir()) == sorted([first.name, second.name])


def test_prune_keeps_the_newest_and_the_current_and_removes_stores(tmp_path, capsys):
    project = make_project(tmp_path, {"leipzig-deu-2020.txt": leipzig_text()})
    first = build(project)
    profile = project.profiles()[0]
    profile.write_text(leipzig_text().replace("Burkhard Jung", "Someone Else"), encoding="utf-8")
    second = build(project)
    for release in (first, second):  # stores the server made, with a lock file beside one
        (project.stores / release.name).mkdir(parents=True)
    (project.stores / f"{first.name}.memory-lock").touch()
    options = ["--project", str(project.root), "--var-dir", str(project.var_dir)]
    assert main(["prune", "--keep", "1", *options]) == 0
    assert (
        capsys.readouterr().out
        == f"removed {first.name}\n1 release(s) removed; the 1 newest kept\n"
    )
    assert [p.name for p in project.releases.iterdir()] == [second.name]
    assert sorted(p.name for p in project.stores.iterdir()) == [second.name]
    assert project.release.resolve() == second
    assert main(["prune", "--keep", "1", *options]) == 0  # nothing left to remove
    assert "0 release(s) removed" in capsys.readouterr().out


def test_prune_refuses_what_it_cannot_do(tmp_path, capsys):
    project = make_project(tmp_path, {"leipzig-deu-2020.txt": leipzig_text()})
    options = ["--project", str(project.root), "--var-dir", str(project.var_dir)]
    assert main(["prune", "--keep", "1", *options]) == 2
    assert "citykg: no releases under" in capsys.readouterr().err
    build(project)
    assert main(["prune", "--keep", "0", *options]) == 2
    assert "--keep must be at least 1" in capsys.readouterr().err
    assert len(list(project.releases.iterdir())) == 1
