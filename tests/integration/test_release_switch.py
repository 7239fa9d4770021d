"""A new release is served without a restart, each request from one release, and the newest
kept releases answer queries at /releases/{id}/sparql.

Two releases of a throw-away project differ in Leipzig's mayor; the app serves a symbolic link
that the test moves from the first to the second, as ``citykg build`` moves ``var/current``."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.serve.engine.base import QueryJob
from citykg.serve.pinning import RELEASE_HEADER
from citykg.serve.services import services

from support.app import app_for
from support.html import parse_html
from support.processes import query_workers
from support.project import PREFIXES
from support.releases import NEW_MAYOR, OLD_MAYOR, point, two_releases

MAYOR = (
    PREFIXES
    + """SELECT ?name WHERE {
  ?holding citykg:post/org:role citykg:Mayor ; citykg:holder/schema:name ?name }"""
)


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return two_releases(tmp_path_factory.mktemp("project"))


def mayor(client, path: str = "/sparql") -> tuple[str, list[str]]:
    response = client.get(
        path, query_string={"query": MAYOR}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    rows = response.get_json()["results"]["bindings"]
    return response.headers[RELEASE_HEADER], [row["name"]["value"] for row in rows]


@contextlib.contextmanager
def client_on(link: Path, release: Path, stores: Path, **settings: object):
    """A test client of an app serving ``link``, moved to ``release`` first."""
    point(link, release)
    with app_for(link, stores, RELEASE_POLL=0, **settings) as app:
        yield app.test_client()


@pytest.fixture
def link(tmp_path: Path, releases: tuple[Path, Path]) -> Path:
    served = tmp_path / "current"
    served.symlink_to(releases[0])
    return served


def test_the_server_moves_to_the_new_release_and_in_flight_work_ends_on_the_old(
    link: Path, releases: tuple[Path, Path], tmp_path: Path
) -> None:
    first, second = releases
    others = set(query_workers(os.getpid()))  # of apps other tests keep
    with app_for(link, tmp_path / "stores", RELEASE_POLL=0) as app:
        client = app.test_client()
        assert mayor(client) == (first.name, [OLD_MAYOR])
        editions = services(app).editions
        in_flight = editions.enter_current()  # a request that started before the switch
        old_engine = in_flight.engine
        old_workers = set(query_workers(os.getpid())) - others
        assert len(old_workers) == 4
        point(link, second)
        assert editions.refresh()
        assert not editions.refresh()  # nothing new since
        assert len(set(query_workers(os.getpid())) - old_workers - others) == 4
        assert mayor(client) == (second.name, [NEW_MAYOR])
        job = QueryJob(MAYOR, None, None, "json", "ntriples", 10)
        old_answer = json.loads(old_engine.query(job, 10).body)  # still answers, from the old
        assert [b["name"]["value"] for b in old_answer["results"]["bindings"]] == [OLD_MAYOR]
        assert not old_engine.pool.closed
        in_flight.leave()  # the last request on the old release ends: its workers stop
        deadline = time.monotonic() + 10  # they stop in a thread of their own
        while old_workers & set(query_workers(os.getpid())) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert old_engine.pool.closed
        assert not old_workers & set(query_workers(os.getpid()))
        page = client.get("/id/city/leipzig-deu", headers={"Accept": "text/html"})
        assert page.headers[RELEASE_HEADER] == second.name
        assert NEW_MAYOR in page.text and OLD_MAYOR not in page.text
        assert second.name in page.headers["ETag"]


def test_each_queryable_release_answers_from_its_own_data(
    link: Path, releases: tuple[Path, Path], tmp_path: Path
) -> None:
    first, second = releases
    with client_on(link, second, tmp_path / "stores") as client:
        assert mayor(client, f"/releases/{first.name}/sparql") == (first.name, [OLD_MAYOR])
        assert mayor(client, f"/releases/{second.name}/sparql") == (second.name, [NEW_MAYOR])
        assert mayor(client) == (second.name, [NEW_MAYOR])
        described = client.get(f"/releases/{first.name}/sparql", headers={"Accept": "text/turtle"})
        assert described.status_code == 200
        assert f"/releases/{first.name}/sparql" in described.text  # its own service description
        posted = client.post(
            f"/releases/{first.name}/sparql",
            data=MAYOR,
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json",
            },
        )
        assert posted.headers[RELEASE_HEADER] == first.name and OLD_MAYOR in posted.text
        unknown = client.get("/releases/0123456789abcdef/sparql", query_string={"query": MAYOR})
        assert unknown.status_code == 404 and "no release" in unknown.text


def test_releases_past_the_newest_n_say_that_they_no_longer_answer(
    link: Path, releases: tuple[Path, Path], tmp_path: Path
) -> None:
    first, second = releases
    with client_on(link, second, tmp_path / "stores", QUERYABLE_RELEASES=1) as client:
        gone = client.get(f"/releases/{first.name}/sparql", query_string={"query": MAYOR})
        assert gone.status_code == 410
        assert "no longer answers queries" in gone.text and f"/releases/{first.name}/" in gone.text
        page = client.get(f"/releases/{first.name}/", headers={"Accept": "text/html"})
        assert page.status_code == 200  # its description stays
        status = parse_html(page.text).one("dl", class_="header").definitions["Status"]
        assert status == ["an earlier release, no longer queried here: its files are below"]
        assert mayor(client, f"/releases/{second.name}/sparql") == (second.name, [NEW_MAYOR])
        assert endpoints(client) == {second.name: f"{second.name}/sparql"}


def endpoints(client) -> dict[str, str]:
    """Release id -> the end of its void:sparqlEndpoint IRI, from the RDF of /releases/."""
    described = client.get("/releases/", headers={"Accept": "application/n-triples"})
    triples = ox.parse(described.data, format=ox.RdfFormat.N_TRIPLES)
    return {
        t.subject.value.rstrip("/").rpartition("/")[2]: t.object.value.split("/releases/")[1]
        for t in triples
        if t.predicate.value == "http://rdfs.org/ns/void#sparqlEndpoint"
    }


def test_the_release_pages_name_the_endpoints_of_the_queryable_releases(
    link: Path, releases: tuple[Path, Path], tmp_path: Path
) -> None:
    first, second = releases
    with client_on(link, second, tmp_path / "stores") as client:
        assert endpoints(client) == {r.name: f"{r.name}/sparql" for r in releases}
        page = parse_html(client.get(f"/releases/{first.name}/").text)
        assert f"/releases/{first.name}/sparql" in page.one("dl", class_="header").hrefs


def test_a_release_that_cannot_be_opened_is_not_served(
    link: Path, releases: tuple[Path, Path], tmp_path: Path
) -> None:
    first, _ = releases
    broken = tmp_path / "releases" / "ffffffffffffffff"
    broken.mkdir(parents=True)
    (broken / "citykg.nq").write_text("this is not N-Quads\n")
    with app_for(link, tmp_path / "stores", RELEASE_POLL=0) as app:
        client = app.test_client()
        point(link, broken)
        assert not services(app).editions.refresh()
        assert mayor(client) == (first.name, [OLD_MAYOR])


def test_every_response_names_its_release(link: Path, releases, tmp_path: Path) -> None:
    first, second = releases
    with app_for(link, tmp_path / "stores", RELEASE_POLL=0) as app:
        client = app.test_client()
        for path in ("/", "/releases/", "/no/such/page", "/health", "/dumps/SHA256SUMS"):
            response = client.get(path)
            assert response.headers[RELEASE_HEADER] == first.name, path
        for name in ("history.tsv", "release.json", "changes", "id/city/leipzig-deu"):
            response = client.get(f"/releases/{second.name}/{name}")  # of the other release
            assert response.status_code == 200, name
            assert response.headers[RELEASE_HEADER] == second.name, name
        exposed = client.get("/sparql", headers={"Origin": "https://example.org"})
        assert RELEASE_HEADER in exposed.headers["Access-Control-Expose-Headers"]


def test_a_kept_release_that_cannot_be_opened_answers_503_and_has_no_memento(
    releases: tuple[Path, Path], tmp_path: Path
) -> None:
    copied = tmp_path / "releases"
    for release in releases:
        shutil.copytree(release, copied / release.name)
    broken = copied / "ffffffffffffffff"
    broken.mkdir()
    (broken / "citykg.nq").write_text("this is not N-Quads\n")
    (broken / "release.json").write_text(
        '{"id": "ffffffffffffffff", "issued": "2026-01-03T00:00:00+00:00"}'
    )
    link = tmp_path / "current"
    link.symlink_to(copied / releases[1].name)
    with app_for(link, tmp_path / "stores", RELEASE_POLL=0) as app:
        client = app.test_client()
        for _ in range(2):  # and again: the failure is remembered, not a 500
            failed = client.get(f"/releases/{broken.name}/sparql", query_string={"query": MAYOR})
            assert failed.status_code == 503 and "cannot be opened" in failed.text
        timemap = client.get("/timemap/id/city/leipzig-deu")
        assert timemap.status_code == 200
        listed = {r.name for r in releases if f"/releases/{r.name}/" in timemap.text}
        assert listed == {r.name for r in releases} and broken.name not in timemap.text
        assert mayor(client) == (releases[1].name, [NEW_MAYOR])
