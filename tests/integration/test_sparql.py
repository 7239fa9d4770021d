"""The SPARQL endpoint: every format round-trips, the service description, dataset parameters,
errors, read-only, HEAD/OPTIONS/CORS, and the query page."""

from __future__ import annotations

import csv
import gzip
import io
import random
from urllib.parse import parse_qs, quote, urlsplit

import pyoxigraph as ox
import pytest
from flask import Request
from rdflib import RDFS, Dataset, Graph, Literal, URIRef
from werkzeug.test import EnvironBuilder

from citykg.contract.formats import GRAPH_FORMATS, RESULT_FORMATS
from citykg.serve import service_description
from citykg.serve.http import CitykgRequest
from citykg.serve.services import services

from support.html import parse_html
from support.project import PREFIXES
from support.rdf import isomorphic

SD = "http://www.w3.org/ns/sparql-service-description#"
TURTLE = ox.RdfFormat.TURTLE

SELECT = (
    PREFIXES
    + """
SELECT ?rank ?label ?lang ?population ?year ?nothing WHERE {
  ?p citykg:rankedActivity [ citykg:rank ?rank ; citykg:activity ?a ] .
  ?a skos:prefLabel ?label . BIND (LANG(?label) AS ?lang)
  ?p citykg:population [ citykg:populationCount ?population ; citykg:referenceYear ?year ] .
  OPTIONAL { ?p citykg:noSuchProperty ?nothing }
} ORDER BY ?rank"""
)
CONSTRUCT = (
    PREFIXES
    + """
CONSTRUCT { ?p ?prop ?o } WHERE {
  ?p a citykg:InnovationProfile ; ?prop ?o . FILTER (?prop != citykg:rankedActivity)
}"""
)
RDFLIB = {
    "turtle": "turtle",
    "ntriples": "nt",
    "jsonld": "json-ld",
    "rdfxml": "xml",
    "trig": "trig",
    "nquads": "nquads",
}


def rows_of(result: ox.QuerySolutions) -> list[dict]:
    return [{v.value: row[v] for v in result.variables if row[v] is not None} for row in result]


@pytest.fixture(scope="module")
def expected_rows(app):
    return services(app).engine.read(lambda store: rows_of(store.query(SELECT)))


@pytest.fixture(scope="module")
def expected_graph(app):
    triples = services(app).engine.read(lambda store: list(store.query(CONSTRUCT)))
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


@pytest.mark.parametrize(
    "fmt", [f for f in RESULT_FORMATS if f.name != "csv"], ids=lambda f: f.name
)
def test_select_round_trips(client, expected_rows, fmt):
    response = client.get(
        "/sparql", query_string={"query": SELECT}, headers={"Accept": fmt.media_type}
    )
    assert response.status_code == 200
    assert response.mimetype == fmt.media_type
    parsed = ox.parse_query_results(response.data, format=fmt.results)
    assert rows_of(parsed) == expected_rows
    assert (
        len(expected_rows) == 7
        and expected_rows[2]["label"].value == "Engaging residents in new ways"
    )


def test_select_csv_round_trips(client, expected_rows):
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": "text/csv"})
    table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [{k: v for k, v in r.items() if v} for r in table] == [
        {k: t.value for k, t in r.items()} for r in expected_rows
    ]


@pytest.mark.parametrize("fmt", RESULT_FORMATS, ids=lambda f: f.name)
@pytest.mark.parametrize(
    "query", ["ASK { ?s a <https://schema.org/City> }", "ASK { ?s a <urn:x:none> }"]
)
def test_ask_round_trips(client, fmt, query):
    response = client.get("/sparql", query_string={"query": query, "format": fmt.name})
    assert response.mimetype == fmt.media_type
    expected = "City" in query
    if fmt.name == "csv":
        assert response.get_data(as_text=True).strip().lower().endswith(str(expected).lower())
    else:
        assert bool(ox.parse_query_results(response.data, format=fmt.results)) is expected


@pytest.mark.parametrize("fmt", GRAPH_FORMATS, ids=lambda f: f.name)
def test_construct_round_trips(client, expected_graph, fmt):
    response = client.post(
        "/sparql",
        data=CONSTRUCT.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": fmt.media_type},
    )
    assert response.status_code == 200 and response.mimetype == fmt.media_type
    if fmt.rdf.supports_datasets:
        dataset = Dataset()
        dataset.parse(data=response.data, format=RDFLIB[fmt.name])
        parsed = Graph()
        for s, p, o, _ in dataset.quads():
            parsed.add((s, p, o))
    else:
        parsed = Graph().parse(data=response.data, format=RDFLIB[fmt.name])
    assert len(expected_graph) > 40
    assert isomorphic(parsed, expected_graph)


@pytest.mark.parametrize("query", [SELECT, CONSTRUCT], ids=["select", "construct"])
def test_gzip_is_the_same_answer(client, query):
    plain = client.get("/sparql", query_string={"query": query})
    zipped = client.get(
        "/sparql", query_string={"query": query}, headers={"Accept-Encoding": "gzip"}
    )
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert (
        "Accept-Encoding" in zipped.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
    )
    assert zipped.mimetype == plain.mimetype
    assert gzip.decompress(zipped.data) == plain.data


def test_describe(client):
    response = client.get(
        "/sparql",
        query_string={"query": "DESCRIBE <https://w3id.org/citykg/id/city/leipzig-deu>"},
        headers={"Accept": "text/turtle"},
    )
    graph = Graph().parse(data=response.data, format="turtle")
    names = {
        str(o)
        for o in graph.objects(predicate=__import__("rdflib").URIRef("https://schema.org/name"))
    }
    assert names == {"Leipzig"}


def test_service_description(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    sd = Graph().parse(data=response.data, format="turtle")
    rows = list(
        sd.query("""
        PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        SELECT ?endpoint ?format ?feature ?name WHERE {
          ?s a sd:Service ; sd:endpoint ?endpoint ; sd:supportedLanguage sd:SPARQL11Query ;
             sd:resultFormat ?format ; sd:feature ?feature ;
             sd:defaultDataset/sd:namedGraph/sd:name ?name }""")
    )
    assert {str(r[0]) for r in rows} == {"http://localhost/sparql"}
    formats = {str(r[1]).rsplit("/", 1)[-1] for r in rows}
    assert formats == {
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
        "TriG",
        "N-Quads",
    }
    assert {str(r[2]) for r in rows} == {SD + "BasicFederatedQuery"}
    assert "https://w3id.org/citykg/graph/profile/leipzig-deu/2020" in {str(r[3]) for r in rows}
    assert "SPARQL11Update" not in response.get_data(as_text=True)
    assert "UnionDefaultGraph" not in response.get_data(as_text=True)


def test_service_description_states_the_default_graph(client, sparql):
    """The default graph is the data (the dump and the VoID), with its size; a comment says
    where provenance and the validation report are, with a query to find where a value came
    from; the provenance graphs of the source lines are not listed."""
    sd = Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).data)
    [(default, size)] = sd.query("""
        PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?g ?n WHERE { ?s sd:defaultDataset/sd:defaultGraph ?g . ?g a sd:Graph ;
          void:triples ?n }""")
    [stored] = sparql.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    void = ox.Store()
    void.load(path=str(services(client.application).release.path / "void.ttl"), format=TURTLE)
    assert int(size) == stored["n"] + len(void) > 1000  # the data and the VoID, disjoint
    [comment] = [str(c) for c in sd.objects(default, RDFS.comment)]
    assert "RDF merge of the data graphs" in comment
    assert "{profile graph}/line/{N}" in comment
    assert "<https://w3id.org/citykg/graph/validation-report>" in comment
    example = comment[comment.index("PREFIX citykg:") :]
    assert "SELECT ?graph ?first ?last ?source WHERE" in example
    names = {str(o) for o in sd.objects(None, URIRef(SD + "name"))}
    assert names and not any("/line/" in name for name in names)


def test_service_description_sizes_are_the_stores(client, sparql):
    """Every named graph is listed with the triple count the build wrote, and the counts are
    what the store holds (the dataset graph included)."""
    sd = Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).data)
    listed = {
        str(name): int(n)
        for name, n in sd.query("""
        PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?name ?n WHERE { ?d sd:namedGraph [ sd:name ?name ; sd:graph/void:triples ?n ] }""")
    }
    counted = {
        row["g"]: row["n"]
        for row in sparql.select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
        if "/line/" not in row["g"]  # source-line graphs are not listed
    }
    dataset = "https://w3id.org/citykg/graph/dataset"
    assert {k: v for k, v in listed.items() if k != dataset} == counted
    assert listed[dataset] > 50


def test_a_service_description_lists_at_most_a_thousand_graphs():
    SD = service_description.SD
    shared = [("https://w3id.org/citykg/graph/ontology", 9)]
    profiles = [(f"https://w3id.org/citykg/graph/profile/c{i:04d}/2020", 1) for i in range(1500)]
    sd = Graph()
    for t in service_description.description("http://x/sparql", shared + profiles, ()):
        sd.add(
            tuple(URIRef(x.value) if isinstance(x, ox.NamedNode) else Literal(x.value) for x in t)
        )
    names = [str(o) for o in sd.objects(None, URIRef(SD + "name"))]
    assert len(names) == 1000 and "https://w3id.org/citykg/graph/ontology" in names
    [note] = sd.objects(URIRef("http://x/sparql#dataset"), RDFS.comment)
    assert str(note).startswith("1000 of the 1501 named graphs are listed here")


def test_dataset_parameters(client):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def n(**params) -> int:
        response = client.get("/sparql", query_string={"query": count, **params})
        return int(response.get_json()["results"]["bindings"][0]["n"]["value"])

    stats = "https://w3id.org/citykg/graph/statistics"
    links = "https://w3id.org/citykg/graph/links"
    assert n(**{"default-graph-uri": stats}) == 31
    assert n(**{"default-graph-uri": [stats, links]}) == 31 + n(**{"default-graph-uri": links})
    assert n(**{"default-graph-uri": "urn:x:unknown"}) == 0
    assert n(**{"named-graph-uri": stats}) == 0
    assert n() > 1000


def test_named_graphs_only_leave_the_default_graph_empty(client):
    """SPARQL 1.1 Protocol §2.1.4: with named-graph-uri alone the default graph is empty (the
    store's own default graph holds the data: it must not show through), and GRAPH reaches only
    the graphs named."""
    stats = "https://w3id.org/citykg/graph/statistics"

    def rows(query: str, **params) -> list[dict]:
        response = client.get("/sparql", query_string={"query": query, **params})
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["results"]["bindings"]

    default = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert rows(default, **{"named-graph-uri": stats}) == []
    assert [r["g"]["value"] for r in rows(named, **{"named-graph-uri": stats})] == [stats]
    assert len(rows(default)) == 1
    everything = {r["g"]["value"] for r in rows(named)}
    assert stats in everything and "https://w3id.org/citykg/graph/links" in everything


@pytest.mark.parametrize(
    ("kwargs", "status", "message"),
    [
        ({"query_string": {"query": "SELECT * WHERE { ?s ?p }"}}, 400, "SPARQL syntax error"),
        ({"query_string": {"query": ""}}, 400, "empty"),
        ({"query_string": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "exactly one"),
        ({"query_string": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}, 403, "read-only"),
        ({"query_string": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400, "not both"),
        (
            {"query_string": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
            400,
            "not a SPARQL query",
        ),
        ({"query_string": {"query": "ASK {}", "format": "png"}}, 400, "format must be one of"),
        (
            {"query_string": {"query": "ASK {}", "default-graph-uri": "not an iri"}},
            400,
            "absolute IRI",
        ),
        ({"method": "POST", "data": b"ASK {}", "content_type": "text/plain"}, 415, "Content-Type"),
        ({"method": "POST", "data": b"ASK {}"}, 400, "Content-Type"),
        ({"method": "POST", "data": b"", "content_type": "application/sparql-query"}, 400, "empty"),
        (
            {
                "method": "POST",
                "data": 'ASK { FILTER("é") }'.encode("latin-1"),
                "content_type": "application/sparql-query",
            },
            400,
            "UTF-8",
        ),
        (
            {"method": "POST", "data": b"CLEAR ALL", "content_type": "application/sparql-update"},
            403,
            "read-only",
        ),
        ({"method": "PUT", "data": b"ASK {}"}, 405, "not allowed"),
    ],
)
def test_errors_are_short_and_clear(client, kwargs, status, message):
    method = kwargs.pop("method", "GET")
    response = client.open("/sparql", method=method, **kwargs)
    assert response.status_code == status
    text = response.get_data(as_text=True)
    assert message in text and "Traceback" not in text and len(text) < 2000


def test_updates_never_change_data(client):
    before = client.get(
        "/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
    ).get_json()
    for kwargs in (
        {"method": "POST", "data": {"update": "INSERT DATA { <urn:x> <urn:y> <urn:z> }"}},
        {
            "method": "POST",
            "data": b"INSERT DATA { <urn:x> <urn:y> <urn:z> }",
            "content_type": "application/sparql-update",
        },
        {"method": "GET", "query_string": {"update": "INSERT DATA { <urn:x> <urn:y> <urn:z> }"}},
    ):
        assert client.open("/sparql", **kwargs).status_code in (400, 403)
    after = client.get(
        "/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
    ).get_json()
    assert before == after


def test_406(client):
    response = client.get(
        "/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "image/png"}
    )
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.get_data(as_text=True)


def test_head_options_cors(client):
    get = client.get("/sparql", query_string={"query": "ASK {}"})
    head = client.head("/sparql", query_string={"query": "ASK {}"})
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    options = client.options("/sparql")
    assert {"GET", "POST"} <= {m.strip() for m in options.headers["Allow"].split(",")}
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    cors = client.get(
        "/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://x.org"}
    )
    assert cors.headers["Access-Control-Allow-Origin"] == "*"


def test_query_page_runs_a_query_without_javascript(client):
    page = client.get(
        "/query",
        query_string={"query": PREFIXES + "SELECT ?n WHERE { ?c a schema:City ; schema:name ?n }"},
    )
    assert page.status_code == 200
    html = parse_html(page.data)
    table = html.one("table", class_="results")
    assert [[cell.words for cell in row] for row in table.rows] == [["n"], ["Leipzig"]]
    assert html.one("p", class_="count").words == "1 row"
    downloads = html.one("p", class_="downloads").hrefs
    formats = sorted(n for href in downloads for n in parse_qs(urlsplit(href).query)["format"])
    assert formats == sorted(f.name for f in RESULT_FORMATS)  # a SELECT: no graph format
    assert not html.mentions("format=turtle")
    assert len(html.find_all("a", class_="example")) >= 4


def test_browser_gets_html_results_from_the_endpoint(client):
    response = client.get(
        "/sparql",
        query_string={"query": "ASK {}"},
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert response.mimetype == "text/html"
    assert parse_html(response.data).one("p", class_="boolean").words == "true"


def test_graph_names_are_looked_up_when_asked(app):
    """FROM may name only the dataset's graphs; their names are asked of the store one by one."""
    names = services(app).engine.graph_names()
    assert "https://w3id.org/citykg/graph/concepts" in names
    assert "https://w3id.org/citykg/graph/profile/leipzig-deu/2020" in names
    assert "https://w3id.org/citykg/graph/nope" not in names
    assert "not an IRI" not in names and 42 not in names


def test_query_strings_are_decoded_as_werkzeug_decodes_them():
    pieces = ["%", "%2", "%41", "%e2%82%ac", "%ff", "%C3", "%c3%a9", "+", "=", "&", "a", "Z"]
    pieces += ["0", ";", "%zz", "%%", "%2B", "%26", "%3D", "%00", "?", "/", "%20"]
    rnd = random.Random(20261126)
    for _ in range(3000):
        query = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 24)))
        environ = EnvironBuilder(query_string=query).get_environ()
        assert CitykgRequest(environ).args == Request(environ).args, query
    environ = EnvironBuilder().get_environ()
    environ["QUERY_STRING"] = "query=Köln+%41".encode().decode("latin-1")  # UTF-8, unescaped
    assert CitykgRequest(environ).args == Request(environ).args
    assert CitykgRequest(environ).args["query"] == "Köln A"


@pytest.mark.parametrize("path", ["/sparql", "/query", "/fragments"])
def test_unescaped_bytes_that_are_not_utf8_are_a_400(client, path):
    response = client.get(path, environ_overrides={"QUERY_STRING": "query=\xff&s=\xff"})
    assert response.status_code == 400
    assert "not valid UTF-8" in response.get_data(as_text=True)


def test_get_query_with_escaped_utf8_and_plus_spaces(client):
    query = 'SELECT ?s WHERE { ?s <https://schema.org/name> "Ulrich Hörning" }'
    sent = "query=" + quote(query, safe="").replace("%20", "+")
    response = client.get(f"/sparql?{sent}", headers={"Accept": "text/csv"})
    assert response.get_data(as_text=True).splitlines()[1:] == [
        "https://w3id.org/citykg/id/person/leipzig-deu-ulrich-horning"
    ]
