"""Every release is kept with its record (release.json: when it was issued, which release it
revises) until ``citykg prune --keep N`` retires the older ones and their stores; a build of
data released before lands in that release and leaves it as it was."""

from __future__ import annotations

import gzip
import json

from citykg.builder.assemble import assemble
from citykg.builder.release import write_release
from citykg.cli import main
from citykg.contract.layout import CHANGES_FILE, HISTORY_FILE, NQUADS_FILE
from citykg.contract.release_history import read_history

from support.project import leipzig_text, make_project

PROFILE_GRAPH = "https://w3id.org/citykg/graph/profile/leipzig-deu/2020"


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
    second = build(project)  # the same time (one commit): issued a second after the first
    assert second.name != first.name and record(second)["revises"] == first.name
    assert record(second)["issued"] == "2026-01-01T00:00:01+00:00"
    again = build(project)  # the same data again: the same release, still revising the first
    assert again == second and record(again)["revises"] == first.name
    assert record(again)["issued"] == "2026-01-01T00:00:01+00:00"
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


def files(release) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in release.iterdir()}


def history(release) -> dict[str, str]:
    return {row.graph: row.release for row in read_history(release / HISTORY_FILE)}


def test_a_rebuild_at_another_time_leaves_the_release_as_it_was(tmp_path, monkeypatch):
    """The same data built later gives the same N-Quads, so the same release id: the release
    stays as it was issued (its record, VoID, changes and history), byte for byte, and revises
    what it revised; nothing revises itself."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    project = make_project(tmp_path, {"leipzig-deu-2020.txt": leipzig_text()})
    first = build(project)
    profile = project.profiles()[0]
    profile.write_text(leipzig_text().replace("Burkhard Jung", "Someone Else"), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")
    second = build(project)
    before = files(second)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert build(project) == second
    assert files(second) == before
    assert record(second)["issued"] == "2026-01-02T00:00:00+00:00"
    assert record(second)["revises"] == first.name
    assert CHANGES_FILE in before and f"releases/{first.name}/".encode() in gzip.decompress(
        before[CHANGES_FILE]
    )
    assert project.release.resolve() == second
    assert sorted(p.name for p in project.releases.iterdir()) == sorted([first.name, second.name])


def test_a_build_of_an_earlier_releases_data_makes_that_release_current_again(
    tmp_path, monkeypatch
):
    """An edit undone: the data of the first release again. The first release becomes current
    as it was (revising nothing, not the second: no loop), the second stays kept, and the next
    edit revises the first, dating the graphs it does not touch from the first."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    project = make_project(tmp_path, {"leipzig-deu-2020.txt": leipzig_text()})
    first = build(project)
    kept = files(first)
    profile = project.profiles()[0]
    profile.write_text(leipzig_text().replace("Burkhard Jung", "Someone Else"), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")
    second = build(project)
    profile.write_text(leipzig_text(), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767398400")
    assert build(project) == first
    assert project.release.resolve() == first
    assert files(first) == kept and record(first)["revises"] is None
    assert (second / NQUADS_FILE).is_file()
    profile.write_text(leipzig_text().replace("Burkhard Jung", "A Third"), encoding="utf-8")
    third = build(project)
    assert record(third)["revises"] == first.name
    assert (
        f"releases/{first.name}/" in gzip.decompress((third / CHANGES_FILE).read_bytes()).decode()
    )
    dates = history(third)
    assert dates[PROFILE_GRAPH] == third.name
    assert dates["https://w3id.org/citykg/graph/ontology"] == first.name
    assert set(dates.values()) == {first.name, third.name}


def test_after_a_release_without_history_every_graph_dates_from_the_new_one(tmp_path, monkeypatch):
    """A previous release written before history files existed: the next one has its changes,
    and a history dating every graph from itself."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    project = make_project(tmp_path, {"leipzig-deu-2020.txt": leipzig_text()})
    first = build(project)
    (first / HISTORY_FILE).unlink()
    profile = project.profiles()[0]
    profile.write_text(leipzig_text().replace("Burkhard Jung", "Someone Else"), encoding="utf-8")
    second = build(project)
    assert (second / CHANGES_FILE).is_file()
    nquads = (second / NQUADS_FILE).read_text(encoding="utf-8").splitlines()
    graphs = {line.rsplit(" ", 2)[1].strip("<>") for line in nquads}
    assert history(second) == dict.fromkeys(graphs, second.name)
