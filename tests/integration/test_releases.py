"""Every kept release is addressable: /releases/ (a DCAT dataset series), /releases/{id}/ (its
description, files and citation) and its files; two builds of an edited profile."""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from citykg.builder.assemble import assemble
from citykg.builder.release import write_release

from support.app import app_for
from support.html import parse_html
from support.project import leipzig_text, make_project

BASE = "https://w3id.org/citykg/"
SPDX = "http://spdx.org/rdf/terms#"
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3 (rdflib's namespace lacks its terms)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Two releases, the second current, and an app serving it: (app, first, second)."""
    root = tmp_path_factory.mktemp("history")
    project = make_project(root / "project", {"leipzig-deu-2020.txt": leipzig_text()})
    first = write_release(assemble(project), project.var_dir).path
    profile = project.profiles()[0]
    profile.write_text(leipzig_text().replace("Burkhard Jung", "Someone Else"), encoding="utf-8")
    second = write_release(assemble(project), project.var_dir).path
    with app_for(project.release, root / "stores", QUERY_WORKERS=1) as app:
        yield app, first, second


def sums(release) -> dict[str, str]:
    lines = (release / "SHA256SUMS").read_text().splitlines()
    return {name: digest for digest, _, name in (line.partition("  ") for line in lines)}


def test_the_series_lists_every_release_as_dcat(served):
    app, first, second = served
    response = app.test_client().get("/releases/", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    series = URIRef(BASE + "releases/")
    old, new = (URIRef(f"{BASE}releases/{r.name}/") for r in (first, second))
    assert (series, RDF.type, DCAT.DatasetSeries) in graph
    assert set(graph.subjects(DCAT.inSeries, series)) == {old, new}
    assert graph.value(series, DCAT.last) == new and graph.value(series, DCAT.first) == old
    assert graph.value(new, PROV.wasRevisionOf) == old and graph.value(new, DCAT.prev) == old
    assert graph.value(old, PROV.wasRevisionOf) is None
    assert graph.value(URIRef(BASE + "dataset"), DCAT.hasCurrentVersion) == new
    for release, node in ((first, old), (second, new)):
        assert graph.value(node, DCAT.version) == Literal(release.name)
        issued = json.loads((release / "release.json").read_text())["issued"]
        assert str(graph.value(node, DCTERMS.issued)) == issued
        downloads = {
            str(graph.value(d, DCAT.downloadURL)).rpartition("/")[2]: d
            for d in graph.objects(node, DCAT.distribution)
        }
        assert {"citykg.nq.gz", "citykg.nq", "SHA256SUMS", "release.json"} <= set(downloads)
        for name, digest in sums(release).items():
            checksum = graph.value(downloads[name], URIRef(SPDX + "checksum"))
            assert str(graph.value(checksum, URIRef(SPDX + "checksumValue"))) == digest
    page = parse_html(app.test_client().get("/releases/", headers={"Accept": "text/html"}).data)
    rows = [row[0].words for row in page.one("tbody").rows]
    assert rows == [f"{second.name} (current)", first.name]


def test_gzipped_files_give_the_media_type_of_their_content(served):
    """DCAT 3: a gzipped dump is an application/n-quads (…) distribution with a compress
    format, as the dataset description has it, not an opaque application/gzip."""
    app, _, second = served
    page = app.test_client().get(f"/releases/{second.name}/", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=page.data, format="turtle")
    iana = "https://www.iana.org/assignments/media-types/"
    found = {
        str(graph.value(d, DCAT.downloadURL)).rpartition("/")[2]: (
            str(graph.value(d, DCAT.mediaType)).removeprefix(iana),
            str(graph.value(d, DCAT.compressFormat)).removeprefix(iana),
        )
        for d in graph.objects(None, DCAT.distribution)
    }
    assert found["citykg.nq.gz"] == ("application/n-quads", "application/gzip")
    assert found["citykg.nt.gz"] == ("application/n-triples", "application/gzip")
    assert found["citykg.ttl.gz"] == ("text/turtle", "application/gzip")
    assert found["changes.trig.gz"] == ("application/trig", "application/gzip")
    assert found["citykg.nq"] == ("application/n-quads", "None")


def test_a_release_page_says_how_to_cite_it(served):
    app, _, second = served
    response = app.test_client().get(f"/releases/{second.name}/", headers={"Accept": "text/html"})
    page = parse_html(response.data)
    url = f"{BASE}releases/{second.name}/"
    digest = sums(second)["citykg.nq"]
    issued = json.loads((second / "release.json").read_text())["issued"][:10]
    text = page.one("p", class_="cite-text").text
    assert second.name in text and url in text and digest in text and issued in text
    bibtex = page.one("pre", class_="bibtex").text
    assert bibtex.startswith(f"@misc{{citykg-{second.name},")
    fields = dict(re.findall(r"^  (\w+) = \{?(.*?)\}?,?$", bibtex, re.M))
    assert fields["version"] == second.name and fields["year"] == issued[:4]
    assert url in fields["howpublished"] and digest in fields["note"]
    [csl] = json.loads(page.one("pre", class_="csl-json").text)
    assert csl["type"] == "dataset" and csl["version"] == second.name and csl["URL"] == url
    assert csl["issued"]["date-parts"] == [[int(part) for part in issued.split("-")]]
    # schema.org Dataset JSON-LD in the head, what dataset search engines read
    [block] = re.findall(
        rb'<script type="application/ld\+json">(.*?)</script>', response.data, re.S
    )
    dataset = json.loads(block)
    assert dataset["@context"] == "https://schema.org" and dataset["@type"] == "Dataset"
    assert dataset["version"] == second.name and dataset["url"] == url
    assert dataset["datePublished"] == issued
    contents = {d["contentUrl"] for d in dataset["distribution"]}
    assert url + "citykg.nq.gz" in contents


def test_the_json_ld_cannot_end_its_script_element():
    from citykg.serve.citation import script_json

    hostile = {"name": "</script><script>alert(1)</script> & <!--"}
    text = script_json(hostile)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == hostile
    assert html.unescape(text) == text


def test_an_earlier_release_keeps_its_files(served):
    app, first, _ = served
    client = app.test_client()
    for name, digest in sums(first).items():
        response = client.get(f"/releases/{first.name}/{name}")
        assert response.status_code == 200, name
        assert hashlib.sha256(response.data).hexdigest() == digest, name
    page = parse_html(client.get(f"/releases/{first.name}/", headers={"Accept": "text/html"}).data)
    assert page.one("dl", class_="header").definitions["Revises"] == [
        "none (the first release kept)"
    ]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/releases/0123456789abcdef/", "no release '0123456789abcdef' is kept here"),
        ("/releases/../", None),
        ("/releases/not-an-id/", "no release 'not-an-id' is kept here"),
        ("/releases/{first}/passwd", "no release file named 'passwd'"),
        ("/releases/{first}/void.ttl.bak", "no release file named"),
    ],
)
def test_what_is_not_a_kept_release_is_404(served, path, message):
    app, first, _ = served
    response = app.test_client().get(path.format(first=first.name))
    assert response.status_code == 404
    if message:
        assert message in response.get_data(as_text=True)


def test_the_changes_of_a_release_are_its_trig(served):
    app, first, second = served
    client = app.test_client()
    plain = client.get(f"/releases/{second.name}/changes", headers={"Accept": "application/trig"})
    assert plain.status_code == 200 and plain.mimetype == "application/trig"
    assert plain.data == gzip.decompress((second / "changes.trig.gz").read_bytes())
    quads = list(ox.parse(plain.data, format=ox.RdfFormat.TRIG))
    description = f"{BASE}releases/{second.name}/changes"
    revision = ox.Quad(
        ox.NamedNode(f"{BASE}releases/{second.name}/"),
        ox.NamedNode(str(PROV.wasRevisionOf)),
        ox.NamedNode(f"{BASE}releases/{first.name}/"),
        ox.NamedNode(description),
    )
    assert revision in quads
    added = {q.object.value for q in quads if "/changes/added/" in q.graph_name.value}
    removed = {q.object.value for q in quads if "/changes/removed/" in q.graph_name.value}
    assert "Someone Else" in added and "Burkhard Jung" in removed
    zipped = client.get(
        f"/releases/{second.name}/changes",
        headers={"Accept": "application/trig", "Accept-Encoding": "gzip"},
    )
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    none = client.get(f"/releases/{first.name}/changes")
    assert none.status_code == 404
    assert "the first kept here: nothing to compare" in none.get_data(as_text=True)


def test_the_changes_read_as_a_page(served):
    app, first, second = served
    response = app.test_client().get(
        f"/releases/{second.name}/changes", headers={"Accept": "text/html"}
    )
    page = parse_html(response.data)
    rows = {row[0].words: (row[1].words, row[2].words) for row in page.one("tbody").rows}
    profile = f"{BASE}graph/profile/leipzig-deu/2020"
    assert profile in rows
    section = next(s for s in page.find_all("section", class_="graph-change") if profile in s.text)
    [added, removed] = section.find_all("ul", class_="triples")
    assert any("person/leipzig-deu-someone-else" in item.text for item in added.find_all("li"))
    assert any("person/leipzig-deu-burkhard-jung" in item.text for item in removed.find_all("li"))
    summary = page.one("p", class_="meta").text
    assert f"{len(rows)} graphs changed" in summary
    assert page.one("h1").text == f"Changes in release {second.name}"
    assert [a.get("href") for a in page.find_all("a") if a.text == first.name] != []
