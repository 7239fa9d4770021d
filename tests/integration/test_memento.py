"""Memento (RFC 7089) for every dereferenceable IRI, Pattern 1.1 (§4.1.1): the IRI is its own
TimeGate, its mementos are the documents of the queryable releases at ``/releases/{id}{path}``,
and ``/timemap{path}`` lists them in ``application/link-format``.

Two releases of a throw-away project (issued 2026-01-01 and 2026-01-02) differ in Leipzig's
mayor; the app serves the second. Headers are parsed (Link into its links and relation types,
Vary into its tokens) and bodies are read as RDF or as a tree of HTML elements."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import VOID
from werkzeug.http import http_date

from citykg.contract.iris import is_line_graph
from citykg.serve.describe import document, ontology_versions, published
from citykg.serve.pinning import RELEASE_HEADER
from citykg.serve.services import services
from citykg.serve.store import Store

from support.app import app_for
from support.html import parse_html
from support.link_format import by_rel, parse_links
from support.releases import NEW_MAYOR, OLD_MAYOR, two_releases

HOST = "http://localhost"
CITY, PROFILE = "/id/city/leipzig-deu", "/id/profile/leipzig-deu/2020"
OLD_PERSON = "/id/person/leipzig-deu-burkhard-jung"  # the mayor of the first release only
NEW_PERSON = "/id/person/leipzig-deu-someone-else"  # the mayor of the second release only
FIRST_DATE, SECOND_DATE = "Thu, 01 Jan 2026 00:00:00 GMT", "Fri, 02 Jan 2026 00:00:00 GMT"
MAYOR = """SELECT ?name WHERE {
  ?holding <https://w3id.org/citykg/ontology#post>
      <https://w3id.org/citykg/id/city/leipzig-deu/post/mayor> ;
    <https://w3id.org/citykg/ontology#holder>/<https://schema.org/name> ?name }"""


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return two_releases(tmp_path_factory.mktemp("project"))


def serving_second(releases, tmp_path_factory, **settings):
    served = tmp_path_factory.mktemp("served") / "current"
    served.symlink_to(releases[1])
    return app_for(served, tmp_path_factory.mktemp("stores"), RELEASE_POLL=0, **settings)


@pytest.fixture(scope="module")
def web(releases, tmp_path_factory):
    """A client of the app serving the second release, both releases queryable."""
    with serving_second(releases, tmp_path_factory) as app:
        yield app.test_client()


def vary(response) -> set[str]:
    return {token.strip().lower() for token in response.headers.get("Vary", "").split(",")}


def memento_url(release: Path, path: str) -> str:
    return f"{HOST}/releases/{release.name}{path}"


def mayor_in_turtle(body: bytes) -> list[str]:
    graph = Graph().parse(data=body, format="turtle")
    return [str(row.name) for row in graph.query(MAYOR)]


def assert_links_of_memento(response, path: str, first: Path, last: Path) -> None:
    """Original and TimeGate, TimeMap, and the first and last memento with their datetimes."""
    links = parse_links(response.headers["Link"])
    assert [link.target for link in by_rel(links, "original")] == [f"{HOST}{path}"]
    assert by_rel(links, "timegate") == by_rel(links, "original")
    (timemap,) = by_rel(links, "timemap")
    assert timemap.target == f"{HOST}/timemap{path}"
    assert timemap.params["type"] == "application/link-format"
    (oldest,) = by_rel(links, "first")
    (newest,) = by_rel(links, "last")
    assert "memento" in oldest.rels and "memento" in newest.rels
    assert oldest.target == memento_url(first, path)
    assert newest.target == memento_url(last, path)
    assert {oldest.params["datetime"], newest.params["datetime"]} <= {FIRST_DATE, SECOND_DATE}


def test_the_original_resource_is_its_own_timegate_and_links_its_timemap(web, releases):
    response = web.get(CITY, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert {"accept", "accept-datetime"} <= vary(response)
    assert "Memento-Datetime" not in response.headers
    links = parse_links(response.headers["Link"])
    (original,) = by_rel(links, "original")
    assert original.target == f"{HOST}{CITY}" and original.rels == {"original", "timegate"}
    (timemap,) = by_rel(links, "timemap")
    assert timemap.target == f"{HOST}/timemap{CITY}"
    assert timemap.params["type"] == "application/link-format"
    assert len(by_rel(links, "alternate")) == 4  # the alternates stay
    assert response.headers[RELEASE_HEADER] == releases[1].name


@pytest.mark.parametrize(
    ("asked", "which"),
    [
        ("Wed, 31 Dec 2025 12:00:00 GMT", 0),  # before the first release: the first memento
        (FIRST_DATE, 0),
        ("Thu, 01 Jan 2026 23:59:59 GMT", 0),
        (SECOND_DATE, 1),
        ("Sat, 01 Jan 2028 00:00:00 GMT", 1),  # after the last
        ("Thu, 1 Jan 2026 12:00:00 GMT", 0),  # a one-digit day
        ("thu, 01 jan 2026 12:00:00 gmt", 0),
        ("Fri, 02 Jan 2026 00:30:00 +0100", 0),  # 2026-01-01 23:30 UTC
        ("Thu, 01 Jan 2026 23:30:00 -0100", 1),  # 2026-01-02 00:30 UTC
        ("Thursday, 01-Jan-26 12:00:00 GMT", 0),  # RFC 850
        ("Fri Jan  2 12:00:00 2026", 1),  # asctime
    ],
)
def test_accept_datetime_redirects_to_the_release_current_then(web, releases, asked, which):
    response = web.get(CITY, headers={"Accept": "text/turtle", "Accept-Datetime": asked})
    assert response.status_code == 302
    assert response.headers["Location"] == memento_url(releases[which], CITY)
    assert "accept-datetime" in vary(response)
    assert "max-age=300" in response.headers["Cache-Control"]
    assert "Memento-Datetime" not in response.headers
    assert_links_of_memento(response, CITY, *releases)


def test_following_the_redirect_gives_the_facts_of_that_release(web):
    for asked, mayor in (("Thu, 01 Jan 2026 12:00:00 GMT", OLD_MAYOR), (SECOND_DATE, NEW_MAYOR)):
        headers = {"Accept": "text/turtle", "Accept-Datetime": asked}
        response = web.get(PROFILE, headers=headers, follow_redirects=True)
        assert response.status_code == 200
        assert mayor_in_turtle(response.data) == [mayor]


@pytest.mark.parametrize(
    "asked", ["yesterday", "2026-01-01", "2026-01-01T00:00:00Z", "Thu, 01 Jan 2026", ""]
)
def test_an_accept_datetime_that_is_no_http_date_is_400(web, asked):
    response = web.get(CITY, headers={"Accept-Datetime": asked})
    assert response.status_code == 400
    assert "Accept-Datetime is no HTTP date" in response.text
    assert "accept-datetime" in vary(response)


def test_head_negotiates_as_get_does(web, releases):
    response = web.head(CITY, headers={"Accept-Datetime": FIRST_DATE})
    assert response.status_code == 302
    assert response.headers["Location"] == memento_url(releases[0], CITY)


@pytest.mark.parametrize("which", [0, 1])
def test_a_memento_is_its_release_s_document_dated_by_its_issue(web, releases, which):
    release = releases[which]
    issued = json.loads((release / "release.json").read_text())["issued"]
    response = web.get(f"/releases/{release.name}{PROFILE}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["Memento-Datetime"] == http_date(datetime.fromisoformat(issued))
    assert response.headers["Memento-Datetime"] == (FIRST_DATE, SECOND_DATE)[which]
    assert response.headers[RELEASE_HEADER] == release.name
    assert mayor_in_turtle(response.data) == [(OLD_MAYOR, NEW_MAYOR)[which]]
    assert response.headers["Content-Location"] == f"/releases/{release.name}{PROFILE}.ttl"
    assert "accept-datetime" not in vary(response)  # a memento is no TimeGate
    assert "max-age=86400" in response.headers["Cache-Control"]
    assert_links_of_memento(response, PROFILE, *releases)
    alternates = by_rel(parse_links(response.headers["Link"]), "alternate")
    assert f"/releases/{release.name}{PROFILE}.html" in [link.target for link in alternates]


@pytest.mark.parametrize("which", [0, 1])
def test_the_html_memento_shows_the_release_s_mayor(web, releases, which):
    release = releases[which]
    response = web.get(f"/releases/{release.name}{CITY}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = parse_html(response.data)
    assert page.one("dl", class_="header").definitions["Mayor"] == [(OLD_MAYOR, NEW_MAYOR)[which]]
    assert release.name in page.one("footer").text


def test_extension_forms_have_their_own_timegate_mementos_and_timemap(web, releases):
    first, second = releases
    response = web.get(f"{CITY}.ttl", headers={"Accept-Datetime": FIRST_DATE})
    assert response.headers["Location"] == memento_url(first, f"{CITY}.ttl")
    assert_links_of_memento(response, f"{CITY}.ttl", first, second)
    plain = web.get(f"{CITY}.ttl")
    assert by_rel(parse_links(plain.headers["Link"]), "timemap")[0].target == (
        f"{HOST}/timemap{CITY}.ttl"
    )
    memento = web.get(f"/releases/{first.name}{PROFILE}.ttl", headers={"Accept": "text/html"})
    assert memento.mimetype == "text/turtle"  # named by its extension, not negotiated
    assert memento.headers["Memento-Datetime"] == FIRST_DATE
    assert mayor_in_turtle(memento.data) == [OLD_MAYOR]
    for path in ("/ontology", "/ontology.jsonld", "/dataset.nt", "/shapes"):
        response = web.get(f"/releases/{first.name}{path}", headers={"Accept": "text/turtle"})
        assert response.status_code == 200, path
        assert response.headers["Memento-Datetime"] == FIRST_DATE, path
        assert_links_of_memento(response, path, first, second)


def test_the_ontology_s_version_iri_is_a_timegate_too(web, releases):
    first, second = releases
    engine = services(web.application).editions.current.engine
    (version,) = engine.read(ontology_versions)
    path = "/" + version.removeprefix("https://w3id.org/citykg/")
    response = web.get(path, headers={"Accept-Datetime": FIRST_DATE})
    assert response.headers["Location"] == memento_url(first, path)
    memento = web.get(f"/releases/{first.name}{path}.ttl")
    assert memento.status_code == 200 and memento.headers["Memento-Datetime"] == FIRST_DATE
    assert_links_of_memento(memento, f"{path}.ttl", first, second)


def test_the_release_s_shapes_file_is_also_the_memento_of_shapes_ttl(web, releases):
    first, second = releases
    response = web.get(f"/releases/{first.name}/shapes.ttl")
    assert response.data == (first / "shapes.ttl").read_bytes()  # the file, byte for byte
    assert response.headers[RELEASE_HEADER] == first.name
    assert response.headers["Memento-Datetime"] == FIRST_DATE
    assert_links_of_memento(response, "/shapes.ttl", first, second)
    redirected = web.get("/shapes.ttl", headers={"Accept-Datetime": FIRST_DATE})
    assert redirected.headers["Location"] == memento_url(first, "/shapes.ttl")


def test_the_timemap_lists_every_memento_oldest_first(web, releases):
    first, second = releases
    response = web.get(f"/timemap{CITY}")
    assert response.status_code == 200
    assert response.mimetype == "application/link-format"
    links = parse_links(response.get_data(as_text=True), strict=True)
    assert [(link.target, link.params) for link in links] == [
        (f"{HOST}{CITY}", {"rel": "original timegate"}),
        (
            f"{HOST}/timemap{CITY}",
            {
                "rel": "self",
                "type": "application/link-format",
                "from": FIRST_DATE,
                "until": SECOND_DATE,
            },
        ),
        (memento_url(first, CITY), {"rel": "first memento", "datetime": FIRST_DATE}),
        (memento_url(second, CITY), {"rel": "last memento", "datetime": SECOND_DATE}),
    ]
    assert (
        web.get(f"/timemap{CITY}", headers={"If-None-Match": response.headers["ETag"]}).status_code
        == 304
    )


def test_a_resource_in_one_release_only(web, releases):
    first, second = releases
    links = parse_links(web.get(f"/timemap{OLD_PERSON}").get_data(as_text=True), strict=True)
    assert [(link.target, link.params.get("datetime")) for link in by_rel(links, "memento")] == [
        (memento_url(first, OLD_PERSON), FIRST_DATE)
    ]
    assert by_rel(links, "memento")[0].rels == {"first", "last", "memento"}
    assert web.get(OLD_PERSON).status_code == 404  # gone from the current release
    for asked in ("Wed, 31 Dec 2025 00:00:00 GMT", "Sat, 01 Jan 2028 00:00:00 GMT"):
        response = web.get(OLD_PERSON, headers={"Accept-Datetime": asked})
        assert response.headers["Location"] == memento_url(first, OLD_PERSON)
    assert web.get(f"/releases/{second.name}{OLD_PERSON}").status_code == 404
    assert web.get(f"/releases/{first.name}{NEW_PERSON}").status_code == 404
    before = web.get(NEW_PERSON, headers={"Accept-Datetime": FIRST_DATE})  # before it existed
    assert before.headers["Location"] == memento_url(second, NEW_PERSON)
    memento = web.get(f"/releases/{second.name}{NEW_PERSON}.ttl")
    graph = Graph().parse(data=memento.data, format="turtle")
    assert NEW_MAYOR in {str(o) for o in graph.objects()}


@pytest.mark.parametrize(
    "path",
    [
        "/timemap/id/city/nowhere-xyz",  # an IRI published in no release
        "/timemap/sparql",  # no dereferenceable IRI
        "/timemap/.well-known/void",
        "/releases/{first}/id/city/nowhere-xyz",
        "/releases/0123456789abcdef/id/city/leipzig-deu",  # no such release
        "/releases/{first}/sparql/x",
    ],
)
def test_what_has_no_memento_or_timemap_is_404(web, releases, path):
    assert web.get(path.format(first=releases[0].name)).status_code == 404


def test_a_timegate_with_no_memento_is_404_and_varies(web):
    response = web.get("/id/city/nowhere-xyz", headers={"Accept-Datetime": FIRST_DATE})
    assert response.status_code == 404
    assert "accept-datetime" in vary(response)


def test_releases_past_the_queryable_ones_have_no_memento(releases, tmp_path_factory):
    first, second = releases
    with serving_second(releases, tmp_path_factory, QUERYABLE_RELEASES=1) as app:
        web = app.test_client()
        gone = web.get(f"/releases/{first.name}{CITY}")
        assert gone.status_code == 410 and "no longer answers queries" in gone.text
        links = parse_links(web.get(f"/timemap{CITY}").get_data(as_text=True), strict=True)
        assert [link.target for link in by_rel(links, "memento")] == [memento_url(second, CITY)]
        early = web.get(CITY, headers={"Accept-Datetime": "Wed, 31 Dec 2025 00:00:00 GMT"})
        assert early.headers["Location"] == memento_url(second, CITY)
        assert web.get(f"/releases/{first.name}/shapes.ttl").status_code == 200  # files stay
        assert "Memento-Datetime" not in web.get(f"/releases/{first.name}/shapes.ttl").headers


def test_memento_headers_are_exposed_to_scripts(web):
    response = web.get(CITY, headers={"Origin": "https://example.org"})
    exposed = {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"Memento-Datetime", "Link", "Vary"} <= exposed


def test_existence_is_found_as_the_document_would_be(web):
    """:func:`published` answers without building the document, and agrees with it."""
    base = "https://w3id.org/citykg/"
    iris = [
        f"{base}id/city/leipzig-deu",
        f"{base}id/city/leipzig-deu/post/mayor",
        f"{base}id/profile/leipzig-deu/2020",
        f"{base}id/person/leipzig-deu-someone-else",
        f"{base}id/person/leipzig-deu-burkhard-jung",
        f"{base}id/country/deu",
        f"{base}id/validation-report",
        f"{base}id/city/nowhere-xyz",
        f"{base}ontology",
        f"{base}ontology/0.0.1",
        f"{base}dataset",
        f"{base}graph/ontology",
        f"{base}graph/nowhere-xyz",
        "https://schema.org/City",
    ]
    engine = services(web.application).editions.current.engine
    versions = engine.read(ontology_versions)
    lines = [g for g in engine.read(lambda store: store.named_graphs()) if is_line_graph(g)]
    assert versions and lines
    iris += [*versions, lines[0], lines[0] + "-nowhere"]

    def both(store: Store) -> list[tuple[bool, bool]]:
        return [(published(store, iri), bool(document(store, iri))) for iri in iris]

    found = engine.read(both)
    assert [mine for mine, _ in found] == [theirs for _, theirs in found]
    assert [mine for mine, _ in found][:5] == [True, True, True, True, False]
    assert [mine for mine, _ in found][-3:] == [True, True, False]


def test_the_dataset_memento_names_its_own_release_files_and_endpoint(web, releases) -> None:
    for release in releases:
        response = web.get(f"/releases/{release.name}/dataset", headers={"Accept": "text/turtle"})
        assert response.status_code == 200 and response.headers[RELEASE_HEADER] == release.name
        graph = Graph().parse(data=response.data, format="turtle")
        rows = graph.query("""
            PREFIX dcat: <http://www.w3.org/ns/dcat#>
            PREFIX spdx: <http://spdx.org/rdf/terms#>
            SELECT ?url ?sha256 WHERE {
              ?dist dcat:downloadURL ?url ; spdx:checksum/spdx:checksumValue ?sha256 }""")
        downloads = {str(url): str(sha256) for url, sha256 in rows}
        assert downloads and all(
            url.startswith(f"{HOST}/releases/{release.name}/") for url in downloads
        )
        for url, sha256 in downloads.items():
            body = web.get(url.removeprefix(HOST)).data
            assert hashlib.sha256(body).hexdigest() == sha256, url
        endpoints = {str(o) for o in graph.objects(None, VOID.sparqlEndpoint)}
        assert f"{HOST}/releases/{release.name}/sparql" in endpoints
        assert f"{HOST}/sparql" not in endpoints
    current = Graph().parse(data=web.get("/dataset.ttl").data, format="turtle")
    assert f"{HOST}/sparql" in {str(o) for o in current.objects(None, VOID.sparqlEndpoint)}
