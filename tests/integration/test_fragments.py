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
    """Data triples, controls graph and the page URL (read from foaf:primaryTopic)."""
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


def count(controls: Graph) -> int:
    """The fragment's count (said of the fragment, which every page is a subset of)."""
    [total] = controls.objects(None, URIRef(HYDRA + "totalItems"))
    [triples] = controls.objects(None, URIRef(VOID + "triples"))
    assert total == triples
    return int(total)


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
    assert count(controls) == 5
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
        total = count(controls)
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
    _, controls, _ = fragment(client)
    [stored] = sparql.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    total = count(controls)
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


LEIPZIG = "https://w3id.org/citykg/id/city/leipzig-deu"


def trig(response) -> Dataset:
    dataset = Dataset()
    dataset.parse(data=response.data, format="trig")
    return dataset


def quads(dataset: Dataset, p: str) -> set[tuple[str, str]]:
    """(subject, object) of every triple with predicate ``p``, in any graph."""
    return {(str(s), str(o)) for s, _, o, _ in dataset.quads((None, URIRef(p), None, None))}


@pytest.mark.parametrize(
    "params",
    [
        {"subject": "http://example.org/nothing"},
        {"subject": '"Leipzig"'},  # a literal as subject: no triple can match
        {"predicate": '"name"'},
        {"subject": LEIPZIG, "page": "3"},  # past the last page
    ],
    ids=["no-match", "literal-subject", "literal-predicate", "past-the-end"],
)
def test_an_empty_page_has_its_controls_and_the_fragments_count(client, params):
    """An empty fragment (page), or a selector no triple can match, answers 200 (as Comunica
    expects; docs/decisions/0006) with the form that reaches every other fragment."""
    response = client.get("/fragments", query_string=params, headers={"Accept": "application/trig"})
    assert response.status_code == 200
    dataset = trig(response)
    assert len(dataset.default_graph) == 0
    assert quads(dataset, HYDRA + "template")
    [(_, total)] = quads(dataset, VOID + "triples")
    assert total == ("5" if "page" in params else "0")  # the fragment's count, whatever the page


def test_pages_say_what_fragment_they_belong_to(client):
    """TPF §Paging: the count is the fragment's, the fragment has the page as a void:subset,
    and no link leads to an empty page."""
    base = "http://localhost/fragments?predicate=" + TYPE.replace(":", "%3A").replace("/", "%2F")
    base = base.replace("#", "%23")
    response = client.get(base + "&page=2", headers={"Accept": "application/trig"})
    dataset = trig(response)
    assert (base, base + "&page=2") in quads(dataset, VOID + "subset")
    [(counted, _)] = quads(dataset, VOID + "triples")
    assert counted == base
    assert quads(dataset, HYDRA + "previous") == {(base + "&page=2", base)}
    last = client.get(base + "&page=4", headers={"Accept": "application/trig"})
    assert last.status_code == 200 and not quads(trig(last), HYDRA + "next")
    beyond = client.get(base + "&page=9", headers={"Accept": "application/trig"})
    assert len(trig(beyond).default_graph) == 0 and not quads(trig(beyond), HYDRA + "previous")


def test_metadata_uses_the_url_as_requested(client):
    """TPF §Paging: the page URL in all metadata is the requested one, parameters in its order."""
    asked = "/fragments?page=2&predicate=" + TYPE.replace("#", "%23")
    dataset = trig(client.get(asked, headers={"Accept": "application/trig"}))
    [(_, topic)] = quads(dataset, PRIMARY_TOPIC)
    assert topic == "http://localhost" + asked
    assert (topic, HYDRA + "PartialCollectionView") in quads(dataset, TYPE)


def test_a_variable_named_twice_is_one_variable(client, sparql):
    """TPF §URLs: identical variable names are one variable (``?x ?p ?x``)."""
    _, controls, _ = fragment(client, subject="?x", object="?x")
    [stored] = sparql.select("SELECT (COUNT(*) AS ?n) WHERE { ?x ?p ?x }")
    assert count(controls) == stored["n"]
    _, controls, _ = fragment(client, subject="?x", object="?y")
    [everything] = sparql.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert count(controls) > everything["n"]  # every data triple, and the VoID


def test_a_query_string_with_characters_no_iri_holds_still_answers(client):
    """The page URL is the requested one, with what an IRI cannot hold percent-encoded."""
    asked = "/fragments?predicate=" + NAME + "&x=a|b^c"
    response = client.get(asked, headers={"Accept": "application/trig"})
    assert response.status_code == 200
    [(_, topic)] = quads(trig(response), PRIMARY_TOPIC)
    assert topic == "http://localhost/fragments?predicate=" + NAME + "&x=a%7Cb%5Ec"
