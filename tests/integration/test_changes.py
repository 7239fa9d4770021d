"""What changed between two releases (issue #18): a release's changes.trig.gz holds, per named
graph, exactly the triples added and removed since the release before it, checked triple by
triple against both releases' N-Quads; ``citykg diff`` prints and writes the same."""

from __future__ import annotations

import gzip
import hashlib
import re
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.builder import changes
from citykg.builder.assemble import assemble
from citykg.builder.release import write_release
from citykg.cli import main
from citykg.contract.layout import CHANGES_FILE, NQUADS_FILE, SUMS_FILE
from citykg.contract.project import Project

from support.project import ROOT, leipzig_text, make_project

BASE = "https://w3id.org/citykg/"
CITYKG = BASE + "ontology#"
VOID_TRIPLES = ox.NamedNode("http://rdfs.org/ns/void#triples")
REVISION_OF = ox.NamedNode("http://www.w3.org/ns/prov#wasRevisionOf")
ADDED_TRIPLES = ox.NamedNode(CITYKG + "addedTriples")
REMOVED_TRIPLES = ox.NamedNode(CITYKG + "removedTriples")
PROFILE_GRAPH = BASE + "graph/profile/leipzig-deu/2020"
EPOCH = "1767225600"

Triples = dict[str, set[ox.Triple]]


def edited(text: str) -> str:
    """Leipzig with another mayor and population, one success factor gone and one new."""
    text = text.replace("Burkhard Jung", "Someone Else").replace("600,000", "612,345")
    text = text.replace("  • Human resource support\n\n", "")
    return text.replace(
        "  • Leadership from Mayor\n",
        "  • Leadership from Mayor\n\n  • Support from outside city administration\n",
    )


def build_twice(root: Path) -> tuple[Path, Path]:
    """A project of Leipzig built, then Leipzig edited and built again: both releases."""
    project = make_project(root, {"leipzig-deu-2020.txt": leipzig_text()})
    first = write_release(assemble(project), project.var_dir).path
    (project.profiles_dir / "leipzig-deu-2020.txt").write_text(
        edited(leipzig_text()), encoding="utf-8"
    )
    second = write_release(assemble(project), project.var_dir).path
    return first, second


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return build_twice(tmp_path_factory.mktemp("changes") / "a")


def by_graph(quads) -> Triples:
    graphs: Triples = defaultdict(set)
    for quad in quads:
        graphs[quad.graph_name.value].add(quad.triple)
    return graphs


def nquads(release: Path) -> Triples:
    return by_graph(ox.parse(path=str(release / NQUADS_FILE), format=ox.RdfFormat.N_QUADS))


def trig(data: bytes) -> Triples:
    return by_graph(ox.parse(data, format=ox.RdfFormat.TRIG))


def expected(old: Triples, new: Triples) -> dict[str, tuple[set, set]]:
    """Each graph whose triples differ: (the triples only ``new`` has, only ``old`` has)."""
    differences = {}
    for graph in old.keys() | new.keys():
        before, after = old.get(graph, set()), new.get(graph, set())
        added, removed = after - before, before - after
        if added or removed:
            differences[graph] = (added, removed)
    return differences


def change_graph(release: Path, graph: str, kind: str) -> str:
    key = hashlib.sha256(graph.encode()).hexdigest()[:16]
    return f"{BASE}releases/{release.name}/changes/{kind}/{key}"


def count(graphs: Triples, description: str, subject: str) -> int:
    [value] = [
        int(t.object.value)
        for t in graphs[description]
        if t.subject == ox.NamedNode(subject) and t.predicate == VOID_TRIPLES
    ]
    return value


# -- the release's changes file ------------------------------------------------------------------


def test_the_first_release_has_no_changes_file(releases):
    first, _ = releases
    assert not (first / CHANGES_FILE).exists()
    assert CHANGES_FILE not in (first / SUMS_FILE).read_text()


def test_the_added_and_removed_graphs_hold_exactly_the_differences(releases):
    first, second = releases
    differences = expected(nquads(first), nquads(second))
    assert PROFILE_GRAPH in differences  # the edit is seen at all
    assert any("/line/" in graph for graph in differences)
    got = trig(gzip.decompress((second / CHANGES_FILE).read_bytes()))
    description = f"{BASE}releases/{second.name}/changes"
    wanted = {description}
    for graph, (added, removed) in differences.items():
        added_graph = change_graph(second, graph, "added")
        removed_graph = change_graph(second, graph, "removed")
        assert got.get(added_graph, set()) == added, graph
        assert got.get(removed_graph, set()) == removed, graph
        wanted |= {added_graph} if added else set()
        wanted |= {removed_graph} if removed else set()
    assert set(got) == wanted  # and no other graph


def test_the_edit_is_what_changed_in_the_profile_graph(releases):
    first, second = releases
    differences = expected(nquads(first), nquads(second))
    added, removed = differences[PROFILE_GRAPH]
    objects = {t.object.value for t in added}
    assert {"612345", BASE + "id/person/leipzig-deu-someone-else"} <= objects
    assert BASE + "id/concept/success-factor/support-from-outside" in objects
    gone = {t.object.value for t in removed}
    assert {"600000", BASE + "id/concept/success-factor/human-resource-support"} <= gone


def test_the_description_lists_each_changed_graph_with_its_counts(releases):
    first, second = releases
    differences = expected(nquads(first), nquads(second))
    got = trig(gzip.decompress((second / CHANGES_FILE).read_bytes()))
    description = f"{BASE}releases/{second.name}/changes"
    revision = ox.Triple(
        ox.NamedNode(f"{BASE}releases/{second.name}/"),
        REVISION_OF,
        ox.NamedNode(f"{BASE}releases/{first.name}/"),
    )
    assert revision in got[description]
    listed = {t.subject.value for t in got[description] if t.predicate == ADDED_TRIPLES}
    assert listed == set(differences)
    for graph in (BASE + "graph/ontology", BASE + "graph/concepts"):  # unchanged
        assert graph not in listed
    for graph, (added, removed) in differences.items():
        links = {
            (t.predicate, t.object.value)
            for t in got[description]
            if t.subject == ox.NamedNode(graph)
        }
        assert links == {
            (ADDED_TRIPLES, change_graph(second, graph, "added")),
            (REMOVED_TRIPLES, change_graph(second, graph, "removed")),
        }
        assert count(got, description, change_graph(second, graph, "added")) == len(added)
        assert count(got, description, change_graph(second, graph, "removed")) == len(removed)
    assert len(got[description]) == 1 + 4 * len(differences)


def test_the_changes_file_is_in_the_checksums(releases):
    _, second = releases
    lines = (second / SUMS_FILE).read_text().splitlines()
    sums = dict(reversed(line.split("  ")) for line in lines)
    digest = hashlib.sha256((second / CHANGES_FILE).read_bytes()).hexdigest()
    assert sums[CHANGES_FILE] == digest


def test_the_same_input_gives_the_same_changes_file(releases, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first, second = build_twice(tmp_path / "b")
    assert (first.name, second.name) == (releases[0].name, releases[1].name)
    assert (second / CHANGES_FILE).read_bytes() == (releases[1] / CHANGES_FILE).read_bytes()
    with gzip.open(second / CHANGES_FILE) as unzipped:
        assert unzipped.readline().startswith(b"# What changed in release")


def test_a_rebuild_of_the_same_data_keeps_its_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first, second = build_twice(tmp_path)
    before = (second / CHANGES_FILE).read_bytes()
    project = Project.at(tmp_path)
    again = write_release(assemble(project), project.var_dir).path
    assert again == second
    assert (second / CHANGES_FILE).read_bytes() == before
    assert f"{BASE}releases/{first.name}/" in gzip.decompress(before).decode()
    assert CHANGES_FILE in (second / SUMS_FILE).read_text()


# -- citykg diff ---------------------------------------------------------------------------------


def diff_lines(first: Path, second: Path) -> list[str]:
    differences = expected(nquads(first), nquads(second))
    lines = [f"+{len(a)} -{len(r)} {g}" for g, (a, r) in sorted(differences.items())]
    added = sum(len(a) for a, _ in differences.values())
    removed = sum(len(r) for _, r in differences.values())
    total = f"{len(differences)} graphs changed from {first.name} to {second.name}"
    return [*lines, f"{total}: +{added} -{removed}"]


def options(release: Path) -> list[str]:
    var_dir = release.parents[1]
    return ["--project", str(var_dir.parent), "--var-dir", str(var_dir)]


def test_diff_by_id_prints_a_line_per_changed_graph_and_a_total(releases, capsys):
    first, second = releases
    assert main(["diff", first.name, second.name, *options(second)]) == 0
    assert capsys.readouterr().out.splitlines() == diff_lines(first, second)


def test_diff_by_directory_writes_the_release_changes_file(releases, tmp_path, capsys):
    first, second = releases
    gzipped, plain = tmp_path / "changes.trig.gz", tmp_path / "changes.trig"
    for output in (gzipped, plain):
        assert main(["diff", str(first), str(second), "--trig", str(output)]) == 0
        assert capsys.readouterr().out.splitlines() == diff_lines(first, second)
    assert gzipped.read_bytes() == (second / CHANGES_FILE).read_bytes()
    assert plain.read_bytes() == gzip.decompress((second / CHANGES_FILE).read_bytes())


def test_diff_trig_on_stdout_and_the_lines_on_stderr(releases, capsysbinary):
    first, second = releases
    assert main(["diff", str(first), str(second), "--trig", "-"]) == 0
    out, err = capsysbinary.readouterr()
    assert out == gzip.decompress((second / CHANGES_FILE).read_bytes())
    assert err.decode().splitlines() == diff_lines(first, second)


def test_diff_of_a_release_with_itself(releases, capsys):
    _, second = releases
    assert main(["diff", str(second), str(second)]) == 0
    assert capsys.readouterr().out == (
        f"0 graphs changed from {second.name} to {second.name}: +0 -0\n"
    )


@pytest.mark.parametrize("which", ["old", "new"])
def test_diff_names_a_release_it_cannot_find(releases, tmp_path, capsys, which):
    _, second = releases
    args = ["0123456789abcdef", second.name] if which == "old" else [second.name, str(tmp_path)]
    assert main(["diff", *args, *options(second)]) == 2
    out, err = capsys.readouterr()
    missing = args[0] if which == "old" else args[1]
    assert out == ""
    assert err == (
        f"citykg: no release {missing!r}: neither a release directory nor the id of a release "
        f"under {second.parent}\n"
    )


def test_diff_cannot_write_its_trig(releases, tmp_path, capsys):
    first, second = releases
    target = tmp_path / "missing" / "x.trig"
    assert main(["diff", str(first), str(second), "--trig", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"citykg: cannot write {target} (") and err.count("\n") == 1


def test_diff_refuses_an_unsorted_release(releases, tmp_path, capsys):
    first, _ = releases
    broken = tmp_path / "broken"
    broken.mkdir()
    lines = (first / NQUADS_FILE).read_bytes().splitlines(keepends=True)
    (broken / NQUADS_FILE).write_bytes(b"".join([lines[1], lines[0], *lines[2:]]))
    assert main(["diff", str(first), str(broken)]) == 2
    assert capsys.readouterr().err == (
        f"citykg: {broken / NQUADS_FILE}: line 2 is out of order (not a sorted release)\n"
    )


# -- the merge on small files --------------------------------------------------------------------


def write_nquads(path: Path, text: str) -> Path:
    path.mkdir()
    (path / NQUADS_FILE).write_text(text, encoding="utf-8")
    return path


OLD = """\
<http://e/a> <http://e/p> "kept" <http://e/g1> .
<http://e/a> <http://e/p> "old only" <http://e/gone> .
<http://e/a> <http://e/p> "was" <http://e/g2> .
_:c14n0 <http://e/p> "x" <http://e/g3> .
"""
NEW = """\
<http://e/a> <http://e/p> "is" <http://e/g2> .
<http://e/a> <http://e/p> "kept" <http://e/g1> .
<http://e/a> <http://e/p> "new only" <http://e/fresh> .
_:c14n1 <http://e/p> "x" <http://e/g3> ."""  # no newline at the end


@pytest.mark.parametrize("batch", [changes.BATCH_BYTES, 40])
def test_graphs_only_in_one_release_and_a_relabelled_blank_node(tmp_path, monkeypatch, batch):
    """A graph new or gone is all added or all removed; a blank node with another label is its
    triples removed and added again; an unchanged graph is not listed. Small batches parse the
    differing lines in several goes and give the same."""
    monkeypatch.setattr(changes, "BATCH_BYTES", batch)
    old, new = write_nquads(tmp_path / "old", OLD), write_nquads(tmp_path / "new", NEW)
    diff = tmp_path / "diff"
    changes.diff_lines(old / NQUADS_FILE, new / NQUADS_FILE, diff)
    assert list(changes.changed_graphs(diff)) == [
        changes.GraphChange("http://e/fresh", 1, 0),
        changes.GraphChange("http://e/g2", 1, 1),
        changes.GraphChange("http://e/g3", 1, 1),
        changes.GraphChange("http://e/gone", 0, 1),
    ]
    output = tmp_path / CHANGES_FILE
    changes.write_changes_file(diff, output, "old", "new")
    got = trig(gzip.decompress(output.read_bytes()))
    blank = {t for graph, triples in got.items() if "/changes/" in graph for t in triples}
    assert {str(t.subject) for t in blank if isinstance(t.subject, ox.BlankNode)} == {
        "_:c14n0",
        "_:c14n1",
    }
    description = f"{BASE}releases/new/changes"
    assert count(got, description, f"{description}/added/{sha('http://e/gone')}") == 0
    assert f"{description}/added/{sha('http://e/gone')}" not in got  # empty: no block
    assert got[f"{description}/removed/{sha('http://e/gone')}"] == {
        ox.Triple(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("old only"))
    }


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def test_a_triple_outside_a_named_graph_is_refused(tmp_path):
    old = write_nquads(tmp_path / "old", "")
    new = write_nquads(tmp_path / "new", '<http://e/a> <http://e/p> "x" .\n')
    with pytest.raises(ValueError, match="a triple outside a named graph"):
        changes.diff_lines(old / NQUADS_FILE, new / NQUADS_FILE, tmp_path / "diff")


def test_the_documented_example(tmp_path, monkeypatch, capsys):
    """docs/releases.md's `citykg diff` example: Leipzig with another mayor and population."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    document = (ROOT / "docs" / "releases.md").read_text(encoding="utf-8")
    example = r"```sh\n(citykg diff .*?)\n```\n\n```\n(.*?)```"
    [(command, shown)] = re.findall(example, document, re.S)
    project = make_project(tmp_path, {"leipzig-deu-2020.txt": leipzig_text()})
    first = write_release(assemble(project), project.var_dir).path
    text = leipzig_text().replace("Burkhard Jung", "Someone Else").replace("600,000", "612,345")
    (project.profiles_dir / "leipzig-deu-2020.txt").write_text(text, encoding="utf-8")
    second = write_release(assemble(project), project.var_dir).path
    old, new = command.split()[2:]
    assert main(["diff", first.name, second.name, "--project", str(project.root)]) == 0
    assert capsys.readouterr().out == shown.replace(old, first.name).replace(new, second.name)
