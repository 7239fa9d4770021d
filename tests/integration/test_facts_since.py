"""Since which release a city's facts stand (issue #18): Leipzig and Athens built, then Leipzig's
mayor edited and built again. The second release's history dates every graph by its last change,
its changes hold exactly the edit, and its city pages say since which release their facts stand,
linking what changed then."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.builder.assemble import assemble
from citykg.builder.release import write_release
from citykg.contract.layout import CHANGES_FILE, HISTORY_FILE, NQUADS_FILE, SUMS_FILE
from citykg.contract.release_history import read_history
from citykg.serve import releases as release_pages

from support.app import app_for
from support.html import parse_html
from support.project import leipzig_text, make_project

BASE = "https://w3id.org/citykg/"
LEIPZIG = BASE + "graph/profile/leipzig-deu/2020"
ATHENS = BASE + "graph/profile/athens-grc/2020"
ENTITIES = BASE + "graph/entities"
MAYOR_LINE = LEIPZIG + "/line/10"  # "Burkhard Jung", the tenth line of the profile
OLD_MAYOR, NEW_MAYOR = "Burkhard Jung", "Someone Else"
FIRST, SECOND = ("1767225600", "2026-01-01"), ("1767312000", "2026-01-02")
HTML = {"Accept": "text/html"}
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PERSON, NAME = ox.NamedNode("https://schema.org/Person"), ox.NamedNode("https://schema.org/name")
MAYOR = ox.NamedNode(BASE + "id/profile/leipzig-deu/2020/holding/mayor")
HOLDER, SHA256 = ox.NamedNode(BASE + "ontology#holder"), ox.NamedNode(BASE + "ontology#sha256")
ADDED_TRIPLES = ox.NamedNode(BASE + "ontology#addedTriples")
SOURCE = ox.NamedNode(BASE + "source/profiles/leipzig-deu-2020.txt")

Graphs = dict[str, set[ox.Triple]]


def athens(leipzig: str) -> str:
    return leipzig.replace("Leipzig\n\nGermany", "Athens\n\nGreece", 1)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """The two releases: Leipzig and Athens, then Leipzig with another mayor."""
    text = leipzig_text()
    root = tmp_path_factory.mktemp("since")
    profiles = {"athens-grc-2020.txt": athens(text), "leipzig-deu-2020.txt": text}
    project = make_project(root, profiles)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", FIRST[0])
        first = write_release(assemble(project), project.var_dir).path
        edited = text.replace(OLD_MAYOR, NEW_MAYOR)
        (project.profiles_dir / "leipzig-deu-2020.txt").write_text(edited, encoding="utf-8")
        patch.setenv("SOURCE_DATE_EPOCH", SECOND[0])
        second = write_release(assemble(project), project.var_dir).path
    return first, second


@pytest.fixture(scope="module")
def served(built, tmp_path_factory):
    """A client of the app serving the second release."""
    with app_for(built[1], tmp_path_factory.mktemp("stores"), QUERY_WORKERS=1) as app:
        yield app.test_client()


def graphs(release: Path) -> Graphs:
    found: Graphs = defaultdict(set)
    for quad in ox.parse(path=str(release / NQUADS_FILE), format=ox.RdfFormat.N_QUADS):
        found[quad.graph_name.value].add(quad.triple)
    return found


def changes(release: Path) -> Graphs:
    found: Graphs = defaultdict(set)
    trig = gzip.decompress((release / CHANGES_FILE).read_bytes())
    for quad in ox.parse(trig, format=ox.RdfFormat.TRIG):
        found[quad.graph_name.value].add(quad.triple)
    return found


def change_graph(release: Path, graph: str, kind: str) -> str:
    key = hashlib.sha256(graph.encode()).hexdigest()[:16]
    return f"{BASE}releases/{release.name}/changes/{kind}/{key}"


def since(page) -> tuple[str, list[str]]:
    """The words of a city page's "since" line and its links."""
    line = page.one("p", class_="since")
    return line.words, line.hrefs


def test_the_history_dates_each_graph_by_its_last_change(built):
    first, second = built
    before, after = graphs(first), graphs(second)
    edited = {g for g in before.keys() | after.keys() if before.get(g) != after.get(g)}
    assert edited == {ENTITIES, LEIPZIG, MAYOR_LINE}
    history = {row.graph: row for row in read_history(second / HISTORY_FILE)}
    assert set(history) == set(after)  # every named graph of the release, none other
    for graph, triples in after.items():
        release, day = (second, SECOND[1]) if graph in edited else (first, FIRST[1])
        row = history[graph]
        assert (row.release, row.issued, row.triples) == (
            release.name,
            f"{day}T00:00:00+00:00",
            len(triples),
        ), graph
    assert {row.release for row in read_history(first / HISTORY_FILE)} == {first.name}
    assert [g for g in history if g.startswith(ATHENS)] != []  # untouched: all the first's


def person(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{BASE}id/person/leipzig-deu-{name.lower().replace(' ', '-')}")


def named(name: str) -> ox.Triple:
    return ox.Triple(person(name), NAME, ox.Literal(name))


def holding(name: str) -> ox.Triple:
    return ox.Triple(MAYOR, HOLDER, person(name))


def source_sha256(name: str) -> ox.Triple:
    """The SHA-256 of Leipzig's source file with ``name`` as its mayor."""
    digest = hashlib.sha256(leipzig_text().replace(OLD_MAYOR, name).encode()).hexdigest()
    return ox.Triple(SOURCE, SHA256, ox.Literal(digest))


def test_the_changes_are_exactly_the_edit(built):
    _, second = built
    expected = {  # graph: (added, removed)
        ENTITIES: (
            {ox.Triple(person(NEW_MAYOR), TYPE, PERSON), named(NEW_MAYOR)},
            {ox.Triple(person(OLD_MAYOR), TYPE, PERSON), named(OLD_MAYOR)},
        ),
        LEIPZIG: (
            {holding(NEW_MAYOR), source_sha256(NEW_MAYOR)},
            {holding(OLD_MAYOR), source_sha256(OLD_MAYOR)},
        ),
        MAYOR_LINE: (
            {holding(NEW_MAYOR), named(NEW_MAYOR)},
            {holding(OLD_MAYOR), named(OLD_MAYOR)},
        ),
    }
    got = changes(second)
    description = f"{BASE}releases/{second.name}/changes"
    blocks = {description}
    for graph, (added, removed) in expected.items():
        assert got[change_graph(second, graph, "added")] == added, graph
        assert got[change_graph(second, graph, "removed")] == removed, graph
        blocks |= {change_graph(second, graph, kind) for kind in ("added", "removed")}
    assert set(got) == blocks  # nothing else changed
    listed = {t.subject.value for t in got[description] if t.predicate == ADDED_TRIPLES}
    assert listed == set(expected)
    assert "history.tsv" in (second / SUMS_FILE).read_text()


def test_the_city_page_says_since_which_release_and_links_the_change(built, served):
    _, second = built
    page = parse_html(served.get("/id/city/leipzig-deu", headers=HTML).data)
    words, [href] = since(page)
    assert words == f"Facts as they stand since release {second.name} ({SECOND[1]})."
    path, _, fragment = href.partition("#")
    assert (path, fragment) == (f"/releases/{second.name}/changes", LEIPZIG)
    response = served.get(path, headers=HTML)
    assert response.status_code == 200
    anchor = parse_html(response.data).by_id(fragment)
    assert anchor.tag == "section" and "graph-change" in anchor.classes
    assert anchor.mentions("leipzig-deu-someone-else")


def test_another_city_stands_since_the_first_release(built, served):
    first, _ = built
    page = parse_html(served.get("/id/city/athens-grc", headers=HTML).data)
    words, [href] = since(page)
    assert words == f"Facts as they stand since release {first.name} ({FIRST[1]})."
    assert href == f"/releases/{first.name}/"  # the first release has no changes to show
    assert served.get(href, headers=HTML).status_code == 200


def test_a_graph_past_the_shown_ones_has_its_anchor_on_its_row(built, served, monkeypatch):
    _, second = built
    monkeypatch.setattr(release_pages, "SHOWN_GRAPHS", 1)  # only the entities' triples shown
    page = parse_html(served.get(f"/releases/{second.name}/changes", headers=HTML).data)
    assert page.by_id(ENTITIES).tag == "section"
    row = page.by_id(LEIPZIG)
    assert row.tag == "tr" and row.words.startswith(LEIPZIG)


def test_a_pruned_release_is_named_without_a_link_and_no_history_shows_nothing(built, tmp_path):
    """The second release kept alone (the first pruned): Athens names the first release
    without a link. The same release without its history file: no "since" line, no error."""
    _, second = built
    alone = tmp_path / "var" / "releases" / second.name
    shutil.copytree(second, alone)
    with app_for(alone, tmp_path / "stores", QUERY_WORKERS=1) as app:
        client = app.test_client()
        words, hrefs = since(parse_html(client.get("/id/city/athens-grc", headers=HTML).data))
        assert words.endswith(f"({FIRST[1]}), no longer kept here.") and hrefs == []
        _, [href] = since(parse_html(client.get("/id/city/leipzig-deu", headers=HTML).data))
        assert href.startswith(f"/releases/{second.name}/changes#")
        (alone / HISTORY_FILE).unlink()
        response = client.get("/id/profile/leipzig-deu/2020", headers=HTML)
        assert response.status_code == 200
        assert parse_html(response.data).find_all("p", class_="since") == []


def test_the_history_is_served_among_the_release_files(built, served):
    _, second = built
    response = served.get(f"/releases/{second.name}/history.tsv")
    assert response.status_code == 200
    assert response.mimetype == "text/tab-separated-values"
    assert response.data == (second / HISTORY_FILE).read_bytes()
    page = parse_html(served.get(f"/releases/{second.name}/", headers=HTML).data)
    assert f"/releases/{second.name}/history.tsv" in page.hrefs
