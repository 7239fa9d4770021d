"""Triple Pattern Fragments: patterns, paging, counts and Hydra controls, parsed back as RDF."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from citykg.serve.services import services

from support.html import parse_html

HYDRA = "http://www.w3.org/ns/hydra/core#"
VOID = "http://rdfs.org/ns/void#"
NAME = "https://schema.org/name"
PRIMARY_TOPIC = "http://xmlns.com/foaf/0.1/primaryTopic"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def fragment(client, **params):
    """Data triples, controls graph and the fragment URL (read from foaf:primaryTopic)."""
    response = client.get("/fragments", query_string=params, headers={"Accept": "application/trig"})
    assert response.status_code == 200, response.get_data(as_text=True)
    dataset = Dataset()
    dataset.parse(data=response.data, format="trig")
    data = Graph()
    for t in dataset.default_graph:
        data.add(t)
    [(metadata, url)] = [
        (g.identifier, o)
        for g in dataset.graphs()
        for o in g.objects(g.identifier, URIRef(PRIMARY_TOPIC))
    ]
    return data, dataset.graph(metadata), url


def test_pattern_and_count(client):
    data, controls, url = fragment(client, predicate=NAME)
    names = {str(o) for o in data.objects(None, URIRef(NAME))}
    assert names == {
        "Leipzig",
        "Germany",
        "Burkhard Jung",
        "Ulrich Hörning",
        "Leipzig Thinking Ahead",
    }
    assert controls.value(URIRef(url), URIRef(HYDRA + "totalItems")) == Literal(5)
    assert controls.value(URIRef(url), URIRef(VOID + "triples")) == Literal(5)
    assert controls.value(URIRef(url), URIRef(HYDRA + "next")) is None


def test_hydra_search_template(client):
    _, controls, _ = fragment(client)
    search = controls.value(URIRef("http://localhost/fragments#dataset"), URIRef(HYDRA + "search"))
    assert (
        str(controls.value(search, URIRef(HYDRA + "template")))
        == "http://localhost/fragments{?subject,predicate,object}"
    )
    variables = {
        str(controls.value(m, URIRef(HYDRA + "variable")))
        for m in controls.objects(search, URIRef(HYDRA + "mapping"))
    }
    assert variables == {"subject", "predicate", "object"}


def test_paging_covers_every_triple_once(client):
    seen, page = set(), 1
    total = None
    while True:
        data, controls, url = fragment(
            client, predicate=TYPE, **({"page": page} if page > 1 else {})
        )
        total = int(controls.value(URIRef(url), URIRef(HYDRA + "totalItems")))
        assert len(data) <= 100
        seen |= set(data)
        following = controls.value(URIRef(url), URIRef(HYDRA + "next"))
        if following is None:
            break
        page += 1
    assert page > 1 and len(seen) == total > 100


@pytest.mark.parametrize(
    ("obj", "sparql"),
    [
        ('"Leipzig"', '"Leipzig"'),
        ('"Leipzig Thinking Ahead"@en', '"Leipzig Thinking Ahead"@en'),
        ('"Leipzig Thinking Ahead"', '"Leipzig Thinking Ahead"'),
        ('"600000"^^http://www.w3.org/2001/XMLSchema#integer', "600000"),
        (
            "https://w3id.org/citykg/id/city/leipzig-deu",
            "<https://w3id.org/citykg/id/city/leipzig-deu>",
        ),
    ],
)
def test_explicit_representation_of_objects(app, client, obj, sparql):
    data, _, _ = fragment(client, object=obj)
    expected = {
        (str(r["s"].value), str(r["p"].value))
        for r in services(app).engine.read(
            lambda store: store.query(f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {sparql} }}")
        )
    }
    assert {(str(s), str(p)) for s, p, _ in data} == expected


def test_subject_pattern(client):
    data, _, _ = fragment(client, subject="https://w3id.org/citykg/id/city/leipzig-deu")
    assert (
        URIRef("https://w3id.org/citykg/id/city/leipzig-deu"),
        URIRef(NAME),
        Literal("Leipzig"),
    ) in data


def test_only_the_default_graph(client, sparql):
    """Fragments read the default graph (the data and the VoID), where every triple is once: not
    the provenance graphs of the source lines, and the whole of it pages through to the size the
    store gives the default graph."""
    lines = fragment(client, predicate=TYPE, object="https://w3id.org/citykg/ontology#SourceLines")
    assert len(lines[0]) == 0
    _, controls, url = fragment(client)
    [stored] = sparql.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    total = int(controls.value(URIRef(url), URIRef(HYDRA + "totalItems")))
    assert stored["n"] < total < stored["n"] + 200  # and the VoID


@pytest.mark.parametrize(
    "params", [{"page": "0"}, {"page": "x"}, {"page": "100001"}, {"subject": "not an iri"}]
)
def test_bad_parameters(client, params):
    response = client.get("/fragments", query_string=params)
    assert response.status_code == 400


def test_html(client):
    response = client.get(
        "/fragments", query_string={"predicate": NAME}, headers={"Accept": "text/html"}
    )
    assert response.mimetype == "text/html"
    header, *rows = parse_html(response.data).one("table", class_="results").rows
    assert [cell.words for cell in header] == ["subject", "predicate", "object"]
    assert "Burkhard Jung" in [o.words for _, p, o in rows if p.words == NAME]


def test_announced_in_void(client):
    void = Graph().parse(
        data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).data,
        format="turtle",
    )
    rows = list(
        void.query("""
        PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?url WHERE { <https://w3id.org/citykg/dataset> dcat:accessService ?s .
          ?s dcat:endpointURL ?url ;
             dcterms:conformsTo ?spec .
          FILTER (?spec = <https://linkeddatafragments.org/specification/triple-pattern-fragments/>)
        }""")
    )
    assert [str(r[0]) for r in rows] == ["http://localhost/fragments"]


@pytest.mark.parametrize(
    "obj",
    [
        '"Leipzig"',
        '"Leipzig Thinking Ahead"@en',
        '"600000"^^http://www.w3.org/2001/XMLSchema#integer',
        "https://w3id.org/citykg/id/city/leipzig-deu",
    ],
)
def test_the_html_form_sends_back_the_same_pattern(client, obj):
    """The form shows each position in the ExplicitRepresentation, so that sending it again
    selects the same fragment (a literal shown without its quotes would become an IRI)."""
    response = client.get(
        "/fragments", query_string={"object": obj}, headers={"Accept": "text/html"}
    )
    form = parse_html(response.data).one("form", "fragment")
    values = {i.get("name"): i.get("value") for i in form.find_all("input")}
    assert values["object"] == obj and values["subject"] == values["predicate"] == ""
    again = client.get("/fragments", query_string=values, headers={"Accept": "text/html"})
    assert again.data == response.data
