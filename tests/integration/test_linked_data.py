"""Every IRI minted under the base dereferences: HTML for people, four RDF syntaxes for machines,
200 + Vary: Accept + Content-Location, extension URLs, alternates, validators, gzip, 404/406;
VoID, DCAT and the dumps point at each other."""

from __future__ import annotations

import gzip
import hashlib
import re
import urllib.parse

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from citykg import __version__
from citykg.builder.assemble import assemble
from citykg.builder.release import write_release
from citykg.serve.pages import concepts
from citykg.serve.services import services

from support.app import app_for
from support.html import parse_html
from support.project import leipzig_text, make_project
from support.rdf import isomorphic

BASE = "https://w3id.org/citykg/"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}
EXTENSIONS = {
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
    "application/n-triples": "nt",
    "text/html": "html",
}
RESOURCES = {
    "city": "id/city/leipzig-deu",
    "country": "id/country/deu",
    "profile": "id/profile/leipzig-deu/2020",
    "ranked-activity": "id/profile/leipzig-deu/2020/activity/3",
    "population": "id/profile/leipzig-deu/2020/population",
    "spotlight": "id/profile/leipzig-deu/2020/spotlight",
    "post": "id/city/leipzig-deu/post/mayor",
    "post-holding": "id/profile/leipzig-deu/2020/holding/mayor",
    "person": "id/person/leipzig-deu-burkhard-jung",
    "concept": "id/concept/policy-area/health",
    "scheme": "id/concept/policy-area",
    "statistic": "id/statistics/dedicated-funding/both-waves",
    "ontology": "ontology",
    "ontology-version": "ontology/0.2.0",
    "shapes": "shapes",
    "dataset": "dataset",
    "profile-graph": "graph/profile/leipzig-deu/2020",
    "source": "source/profiles/leipzig-deu-2020.txt",
    "software": f"id/software/citykg/{__version__}",
}


def parse(response, media_type: str) -> Graph:
    return Graph().parse(data=response.data, format=RDF_TYPES[media_type])


@pytest.mark.parametrize("path", RESOURCES.values(), ids=RESOURCES.keys())
def test_every_kind_of_iri_dereferences_in_every_format(client, path):
    iri = URIRef(BASE + path)
    graphs = []
    for media_type in RDF_TYPES:
        response = client.get("/" + path, headers={"Accept": media_type})
        assert response.status_code == 200, (path, media_type)
        assert response.mimetype == media_type
        assert "Accept" in {v.strip() for v in response.headers["Vary"].split(",")}
        assert response.headers["Content-Location"] == f"/{path}.{EXTENSIONS[media_type]}"
        graph = parse(response, media_type)
        about = iri if path not in ("ontology", "shapes") else None
        if about is not None:
            assert set(graph.triples((about, None, None))) or set(
                graph.triples((None, None, about))
            )
        graphs.append(graph)
        direct = client.get(response.headers["Content-Location"])
        assert direct.status_code == 200 and direct.data == response.data
        assert "Accept" not in {v.strip() for v in direct.headers.get("Vary", "").split(",")}
    assert all(isomorphic(graphs[0], g) for g in graphs[1:])
    html = client.get("/" + path, headers={"Accept": "text/html"})
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert client.get(f"/{path}.html").data == html.data


def test_city_document_content(client):
    graph = parse(client.get("/id/city/leipzig-deu.ttl"), "text/turtle")
    city = URIRef(BASE + "id/city/leipzig-deu")
    assert (
        city,
        URIRef("http://www.w3.org/2002/07/owl#sameAs"),
        URIRef("http://www.wikidata.org/entity/Q2079"),
    ) in graph
    profile = URIRef(BASE + "id/profile/leipzig-deu/2020")
    assert (profile, URIRef(BASE + "ontology#city"), city) in graph


def test_profile_document_holds_its_parts(client):
    graph = parse(client.get("/id/profile/leipzig-deu/2020.nt"), "application/n-triples")
    ranks = {int(o) for o in graph.objects(None, URIRef(BASE + "ontology#rank"))}
    assert ranks == set(range(1, 8))
    assert not list(
        graph.subjects(
            URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement"),
        )
    )


def test_ontology_document_describes_every_term(client):
    graph = parse(client.get("/ontology", headers={"Accept": "text/turtle"}), "text/turtle")
    terms = {s for s in graph.subjects() if str(s).startswith(BASE + "ontology#")}
    assert URIRef(BASE + "ontology#Mayor") in terms and len(terms) > 40
    page = parse_html(client.get("/ontology", headers={"Accept": "text/html"}).data)
    for term in ("RankedActivity", "sourceLine"):
        assert page.by_id(term).classes == ["term"]
        assert page.by_id(term).one("h3").one("code").words == f"citykg:{term}"


def test_the_ontology_version_iri_is_the_ontology_while_current(client):
    """owl:versionIRI <ontology/0.2.0> dereferences to the ontology, negotiated or by extension;
    another version is 404 naming the current one."""
    current = parse(client.get("/ontology", headers={"Accept": "text/turtle"}), "text/turtle")
    version = current.value(URIRef(BASE + "ontology"), OWL.versionIRI)
    assert str(version) == BASE + "ontology/0.2.0"
    for path, accept in (("/ontology/0.2.0", "text/turtle"), ("/ontology/0.2.0.ttl", "*/*")):
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code == 200 and response.mimetype == "text/turtle", path
        assert isomorphic(parse(response, "text/turtle"), current), path
    page = parse_html(client.get("/ontology/0.2.0", headers={"Accept": "text/html"}).data)
    assert page.by_id("RankedActivity").one("h3").one("code").words == "citykg:RankedActivity"
    for path in ("/ontology/0.1.0", "/ontology/0.1.0.ttl", "/ontology/0.2.0.1"):
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 404, path
        message = response.get_data(as_text=True)
        assert "no version 0.1.0" in message or "no version 0.2.0.1" in message, message
        assert f"the current one is {BASE}ontology/0.2.0" in message


@pytest.mark.parametrize("accept", [*RDF_TYPES, "text/html"])
def test_unknown_iri_is_404_in_every_format(client, accept):
    for path in (
        "/id/city/atlantis-xxx",
        "/id/concept/policy-area/nope",
        "/graph/nope",
        "/id/city/leipzig-deu/nope.ttl",
    ):
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code == 404, path
    assert client.get("/id/city/nope", headers={"Accept": "text/html"}).mimetype == "text/html"


def test_406_for_an_unknown_type(client):
    response = client.get("/id/city/leipzig-deu", headers={"Accept": "application/x-unknown"})
    assert response.status_code == 406


def test_alternates_in_link_header_and_html(client):
    response = client.get("/id/city/leipzig-deu", headers={"Accept": "text/html"})
    links = dict(
        re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', response.headers["Link"])
    )
    assert set(links.values()) == set(RDF_TYPES)
    assert sorted(parse_html(response.data).alternates) == sorted(links.items())
    for url, media_type in links.items():
        assert client.get(url).mimetype == media_type


def test_validators_and_conditional_get(client):
    first = client.get("/id/city/leipzig-deu", headers={"Accept": "text/turtle"})
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    other = client.get("/id/city/leipzig-deu", headers={"Accept": "application/ld+json"})
    assert other.headers["ETag"] != etag
    again = client.get(
        "/id/city/leipzig-deu", headers={"Accept": "text/turtle", "If-None-Match": etag}
    )
    assert again.status_code == 304 and again.data == b""
    since = client.get(
        "/id/city/leipzig-deu", headers={"Accept": "text/turtle", "If-Modified-Since": modified}
    )
    assert since.status_code == 304
    miss = client.get(
        "/id/city/leipzig-deu", headers={"Accept": "text/turtle", "If-None-Match": '"x"'}
    )
    assert miss.status_code == 200


def test_gzip(client):
    plain = client.get("/id/profile/leipzig-deu/2020", headers={"Accept": "text/turtle"})
    zipped = client.get(
        "/id/profile/leipzig-deu/2020", headers={"Accept": "text/turtle", "Accept-Encoding": "gzip"}
    )
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    cached = client.get(  # the document cache keeps both codings apart
        "/id/profile/leipzig-deu/2020", headers={"Accept": "text/turtle", "Accept-Encoding": "gzip"}
    )
    assert cached.data == zipped.data and cached.headers["ETag"] == zipped.headers["ETag"]
    replain = client.get("/id/profile/leipzig-deu/2020", headers={"Accept": "text/turtle"})
    assert replain.data == plain.data and "Content-Encoding" not in replain.headers
    head = client.head(
        "/id/profile/leipzig-deu/2020", headers={"Accept": "text/turtle", "Accept-Encoding": "gzip"}
    )
    # RFC 9110 §9.3.2: HEAD gets the header fields GET would have got, the coding's included
    for field in ("Content-Encoding", "Content-Length", "ETag", "Vary"):
        assert head.headers.get(field) == zipped.headers.get(field), field
    assert head.data == b""
    again = client.get(
        "/id/profile/leipzig-deu/2020",
        headers={
            "Accept": "text/turtle",
            "Accept-Encoding": "gzip",
            "If-None-Match": zipped.headers["ETag"],
        },
    )
    assert again.status_code == 304


def test_void_dcat_dumps_and_endpoint_point_at_each_other(client):
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    void = parse(response, "text/turtle")
    rows = list(
        void.query("""
        PREFIX void: <http://rdfs.org/ns/void#> PREFIX dcat: <http://www.w3.org/ns/dcat#>
        PREFIX spdx: <http://spdx.org/rdf/terms#>
        SELECT ?endpoint ?dump ?sum ?example WHERE {
          <https://w3id.org/citykg/dataset> void:sparqlEndpoint ?endpoint ; void:dataDump ?dump ;
             void:exampleResource ?example ;
             dcat:distribution [ dcat:downloadURL ?dump ; spdx:checksum/spdx:checksumValue ?sum ] .
        }""")
    )
    assert {str(r[0]) for r in rows} == {"http://localhost/sparql"}
    assert {str(r[3]) for r in rows} == {BASE + "id/city/leipzig-deu"}
    sums = dict(
        line.split("  ")[::-1]
        for line in client.get("/dumps/SHA256SUMS").get_data(as_text=True).splitlines()
    )
    assert len(rows) == 3
    for _, dump, digest, _ in rows:
        path = str(dump).removeprefix("http://localhost")
        assert path.startswith("/dumps/")
        body = client.get(path)
        assert body.status_code == 200 and body.mimetype == "application/gzip"
        assert int(body.headers["Content-Length"]) == len(body.data)
        assert hashlib.sha256(body.data).hexdigest() == str(digest) == sums[path.rsplit("/", 1)[1]]
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    dataset = parse(client.get("/dataset", headers={"Accept": "text/turtle"}), "text/turtle")
    assert isomorphic(dataset, void)


def test_dump_ranges(client):
    whole = client.get("/dumps/citykg.nt.gz").data
    part = client.get("/dumps/citykg.nt.gz", headers={"Range": "bytes=10-99"})
    assert part.status_code == 206 and part.data == whole[10:100]
    assert part.headers["Content-Range"] == f"bytes 10-99/{len(whole)}"


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/../../../../etc/passwd",
        "/dumps/..%2f..%2fetc%2fpasswd",
        "/dumps/%2e%2e/citykg.nq",
        "/dumps/findings.json",
        "/dumps/.%2e/.%2e/etc/passwd",
        "/dumps/citykg.nq%00.gz",
        "/id/../../etc/passwd",
        "/source/..%2f..%2fpyproject.toml",
    ],
)
def test_no_path_traversal(client, path):
    response = client.get(path)
    assert response.status_code == 404, path
    assert b"root:" not in response.data and b"[project]" not in response.data


def test_html_escapes_data_and_links_only_http(tmp_path):
    text = (
        leipzig_text()
        .replace(
            "the pilot project “Leipzig Thinking Ahead”",
            "the pilot project “<script>alert(1)</script>” <img src=x onerror=alert(2)>",
        )
        .replace("Burkhard Jung", "Burkhard <b>Jung</b>")
    )
    project = make_project(tmp_path, {"leipzig-deu-2020.txt": text})
    release = write_release(assemble(project), project.var_dir).path
    script_link = "SELECT ?x WHERE { BIND(<javascript:alert(1)> AS ?x) }"
    with app_for(release, tmp_path / "stores") as app:
        client = app.test_client()
        page = client.get("/id/city/leipzig-deu", headers={"Accept": "text/html"})
        query_page = client.get("/query", query_string={"query": script_link})
    html = parse_html(page.data)
    # The hostile markup is text on the page, and none of it became an element.
    spotlight = html.one("section", class_="spotlight")
    assert spotlight.one("h3").text == "Spotlight: <script>alert(1)</script>"
    assert "“<script>alert(1)</script>” <img src=x onerror=alert(2)>" in spotlight.text
    assert html.one("dl", class_="header").definitions["Mayor"] == ["Burkhard <b>Jung</b>"]
    assert not html.find_all("script") + html.find_all("img") + html.find_all("b")
    assert not [e for e in html.iter() if "onerror" in e.attrs]
    assert not html.mentions("javascript:")
    # A javascript: IRI in a result is shown as text, not made a link.
    query_html = parse_html(query_page.data)
    assert [[cell.words for cell in row] for row in query_html.one("table").rows] == [
        ["x"],
        ["javascript:alert(1)"],
    ]
    assert not [h for h in query_html.hrefs if h.strip().lower().startswith("javascript:")]
    assert not query_html.one("table").find_all("a")


def _mayor(city_page: bytes) -> list[str]:
    """The mayor a city page's header names (``<dt>Mayor</dt><dd>…</dd>``)."""
    return parse_html(city_page).one("dl", class_="header").definitions["Mayor"]


@pytest.mark.parametrize("size", [512, 0])
def test_rendered_documents_are_cached_per_release(release, stores, size):
    """With the document cache, a page seen once is answered without rendering it again;
    without it, it is rendered every time."""
    with app_for(release, stores, QUERY_WORKERS=1, DOCUMENT_CACHE=size, QUEUE_WAIT=0.1) as app:
        engine = services(app).engine
        engine.pool.close()  # no worker left: pages render here, where they are counted
        documents, rendered = engine.documents, []
        render = documents.render
        documents.render = lambda store, job: rendered.append(job.format) or render(store, job)
        client = app.test_client()
        first = {}
        for _ in range(2):
            for accept in ("text/html", "text/turtle"):
                page = client.get("/id/city/leipzig-deu", headers={"Accept": accept})
                assert page.status_code == 200
                assert page.data == first.setdefault(accept, page.data)
        assert _mayor(first["text/html"]) == ["Burkhard Jung"]
        assert sorted(rendered) == (["html", "turtle"] if size else ["html"] * 2 + ["turtle"] * 2)


def _not_here(store, job):
    raise AssertionError(f"{job.iri} was rendered in the web process")


def test_documents_and_pages_are_rendered_by_the_query_workers(release, stores):
    """The web process only passes bytes on: with its own renderer gone, every document and
    page still answers with the profile's facts (a worker rendered it)."""
    with app_for(release, stores, QUERY_WORKERS=1, DOCUMENT_CACHE=0) as app:
        services(app).engine.documents.render = _not_here
        client = app.test_client()
        page = client.get("/id/city/leipzig-deu", headers={"Accept": "text/html"})
        assert page.status_code == 200 and _mayor(page.data) == ["Burkhard Jung"]
        turtle = client.get("/id/profile/leipzig-deu/2020", headers={"Accept": "text/turtle"})
        graph = Graph().parse(data=turtle.data, format="turtle")
        population = URIRef(f"{BASE}id/profile/leipzig-deu/2020/population")
        assert int(graph.value(population, URIRef(f"{BASE}ontology#populationCount"))) == 600000
        dataset = client.get("/dataset.ttl", base_url="http://mirror.example:8080")
        void = Graph().parse(data=dataset.data, format="turtle")
        endpoint = void.value(
            URIRef(f"{BASE}dataset"), URIRef("http://rdfs.org/ns/void#sparqlEndpoint")
        )
        assert str(endpoint) == "http://mirror.example:8080/sparql"
        assert client.get("/id/city/atlantis-xyz").status_code == 404


def test_a_page_past_the_time_limit_is_stopped(release, stores):
    """A page is rendered under the query time limit: past it, its worker is stopped (503) and
    replaced, and pages answer again with a longer limit."""
    with app_for(release, stores, QUERY_WORKERS=1, DOCUMENT_CACHE=0, QUERY_TIMEOUT=0.001) as app:
        client = app.test_client()
        slow = client.get("/id/city/leipzig-deu", headers={"Accept": "text/html"})
        assert slow.status_code == 503
        assert "took longer than 0.001 s and was stopped" in slow.get_data(as_text=True)
        app.config["CITYKG_QUERY_TIMEOUT"] = 10.0
        again = client.get("/id/city/leipzig-deu", headers={"Accept": "text/html"})
        assert again.status_code == 200 and _mayor(again.data) == ["Burkhard Jung"]


def test_scheme_page_counts_the_choices_of_each_property(client, sparql):
    """The policy-area page: a column per property an option is chosen through, Leipzig's
    choices counted once each, from the release's option counts."""
    page = parse_html(client.get("/id/concept/policy-area", headers={"Accept": "text/html"}).data)
    (option, *properties), *options = page.one("table", class_="concepts").rows
    assert option.words == "Option" and all(p.one("a").get("href") for p in properties)
    columns = [p.words for p in properties]
    rows = {}
    for concept, *counts in options:
        assert concept.one("a").get("href").startswith("/id/concept/policy-area/"), concept
        counted = [int(c.words) for c in counts]
        rows[concept.words] = dict(zip(columns, counted, strict=True))
    assert len(rows) == 19
    for prop in ("focusPolicyArea", "sufficientDataFor", "insufficientDataFor"):
        [label] = sparql.select(f"SELECT ?l WHERE {{ citykg:{prop} rdfs:label ?l }}")
        chosen = sparql.select(f"""SELECT ?l WHERE {{ ?p citykg:{prop} ?c .
                                   ?c skos:prefLabel ?l }}""")
        assert chosen
        assert {area for area, counts in rows.items() if counts[label["l"]]} == {
            r["l"] for r in chosen
        }
        assert {counts[label["l"]] for counts in rows.values()} <= {0, 1}


def test_concept_page_lists_the_profiles_that_chose_it(client, sparql):
    """A ranked activity's page lists Leipzig under "activity" (said of the ranked activity,
    not the profile), and its link to all of them runs a query that finds Leipzig's profile."""
    [row] = sparql.select("""SELECT ?c WHERE { profile:leipzig-deu\\/2020 citykg:rankedActivity
                               [ citykg:rank 1 ; citykg:activity ?c ] }""")
    path = str(row["c"]).removeprefix(BASE.rstrip("/"))
    page = parse_html(client.get(path, headers={"Accept": "text/html"}).data)
    [uses] = [
        s
        for s in page.find_all("section", class_="uses")
        if s.one("h2").words == "activity: 1 profile"
    ]
    assert [li.words for li in uses.find_all("li")] == ["Leipzig (2020)"]
    assert uses.one("li").one("a").get("href") == "/id/city/leipzig-deu"
    ranks = page.one("section", class_="ranks")
    assert ranks.one("h2").words == "Ranks given"
    assert [[cell.words for cell in row] for row in ranks.one("tbody").rows] == [["1", "1"]]
    engine = services(client.application).engine
    groups = engine.read(lambda store: concepts.concept(store, str(row["c"])))["groups"]
    [link] = [g["all"] for g in groups if g["property"] == "activity"]
    query = urllib.parse.unquote(link.removeprefix("/query?query="))
    answer = client.get("/sparql", query_string={"query": query, "format": "json"}).get_json()
    profiles = {b["profile"]["value"] for b in answer["results"]["bindings"]}
    assert profiles == {f"{BASE}id/profile/leipzig-deu/2020"}


def test_the_dataset_description_keeps_the_datatypes_the_release_wrote(client, release):
    """DCAT 3 gives dcat:byteSize as an xsd:nonNegativeInteger; the served description says so,
    as void.ttl does, though the store answers such a literal as an xsd:integer."""
    served = parse(client.get("/dataset", headers={"Accept": "text/turtle"}), "text/turtle")
    sizes = list(served.objects(None, URIRef("http://www.w3.org/ns/dcat#byteSize")))
    non_negative = URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
    assert sizes and {s.datatype for s in sizes} == {non_negative}
    written = Graph().parse(release / "void.ttl")
    assert {str(s) for s in sizes} == {
        str(o) for o in written.objects(None, URIRef("http://www.w3.org/ns/dcat#byteSize"))
    }


@pytest.mark.parametrize(
    "name", ["ontology", "concepts", "dataset", "aggregates", "statistics", "entities", "links"]
)
def test_every_shared_graph_iri_dereferences_to_its_description(app, client, name):
    """The named graphs the service description lists answer with what they hold and their
    size (as the endpoint counts them)."""
    iri = URIRef(f"https://w3id.org/citykg/graph/{name}")
    response = client.get(f"/graph/{name}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = parse(response, "text/turtle")
    assert graph.value(iri, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))
    counting = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
    [stored] = services(app).engine.read(lambda store: list(store.query(counting)))
    assert int(graph.value(iri, URIRef("http://rdfs.org/ns/void#triples"))) == int(
        stored["n"].value
    )
    assert int(stored["n"].value) > 0
    assert client.get(f"/graph/{name}", headers={"Accept": "text/html"}).status_code == 200


def test_an_unknown_graph_iri_is_404(client):
    assert client.get("/graph/nothing-here", headers={"Accept": "text/turtle"}).status_code == 404
