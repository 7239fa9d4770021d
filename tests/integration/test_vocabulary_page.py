"""The ontology's page (/ontology) documents the vocabulary as pyLODE and Widoco lay one out:
metadata, contents, every term with its label, definition, domains and ranges, the shapes that
apply and an example from Leipzig, the concept schemes and the shapes. What the page should show
is read here from the source files with rdflib, not from the page's own queries."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, SKOS, Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, SH

from citykg.contract.layout import NQUADS_FILE, SHAPES_FILE

from support.html import Element, parse_html
from support.project import ROOT

BASE = "https://w3id.org/citykg/"
CITYKG = BASE + "ontology#"
ONTOLOGY = URIRef(BASE + "ontology")
LEIPZIG_SOURCE = URIRef(BASE + "source/profiles/leipzig-deu-2020.txt")
VANN = "http://purl.org/vocab/vann/"


@pytest.fixture(scope="module")
def page(app) -> Element:
    response = app.test_client().get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200
    return parse_html(response.data)


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    return Graph().parse(ROOT / "ontology" / "citykg.ttl")


@pytest.fixture(scope="module")
def shapes(release: Path) -> Graph:
    """The shapes as the release serves them."""
    return Graph().parse(release / SHAPES_FILE)


def terms(vocabulary: Graph) -> list[URIRef]:
    return sorted({s for s in vocabulary.subjects() if str(s).startswith(CITYKG)})


def iri_of(href: str) -> str:
    """The IRI a link on the page stands for: an anchor on the page is a term of ours, a local
    path an IRI under the base."""
    if href.startswith("#"):
        return CITYKG + href[1:]
    if href.startswith("/"):
        return BASE + href[1:]
    return href


def facts(section: Element) -> dict[str, list[Element]]:
    """A term's facts list: each heading (dt) with its descriptions (dd) as elements."""
    pairs: dict[str, list[Element]] = {}
    heading = None
    for item in section.one("dl", "facts").children:
        if item.tag == "dt":
            heading = item.words
        else:
            pairs.setdefault(heading, []).append(item)
    return pairs


def linked(elements: list[Element]) -> set[str]:
    return {iri_of(h) for e in elements for h in e.hrefs}


def test_every_term_has_a_section_with_its_label_definition_domains_and_ranges(page, vocabulary):
    found = terms(vocabulary)
    assert len(found) > 80
    for term in found:
        name = term.removeprefix(CITYKG)
        section = page.by_id(name)
        assert section.classes == ["term"], term
        assert section.one("h3").words.startswith(str(vocabulary.value(term, RDFS.label))), term
        assert section.one("h3").one("code").words == f"citykg:{name}"
        definition = " ".join(str(vocabulary.value(term, SKOS.definition)).split())
        assert definition in section.one("p", "definition").words, term
        shown = facts(section)
        assert [dd.words for dd in shown["IRI"]] == [str(term)]
        for predicate, heading in ((RDFS.domain, "Domain"), (RDFS.range, "Range")):
            expected = {str(o) for o in vocabulary.objects(term, predicate)}
            assert linked(shown.get(heading, [])) == expected, (term, heading)
        used = {str(p) for p in vocabulary.subjects(RDFS.domain, term)}
        assert linked(shown.get("Properties with this domain", [])) == used, term


def test_terms_are_listed_under_their_kind(page, vocabulary):
    for section_id, kind in (
        ("classes", OWL.Class),
        ("object-properties", OWL.ObjectProperty),
        ("datatype-properties", OWL.DatatypeProperty),
    ):
        listed = {s.get("id") for s in page.by_id(section_id).find_all("section", "term")}
        expected = {t.removeprefix(CITYKG) for t in vocabulary.subjects(RDF.type, kind)}
        assert listed == expected, section_id
    individuals = {s.get("id") for s in page.by_id("individuals").find_all("section", "term")}
    assert {"Mayor", "LeadInnovationOfficer", "SurveyStatisticsStructure"} <= individuals


def test_every_term_iri_of_the_release_leads_to_its_section(page, release):
    """Every IRI in the ontology's namespace that the release uses, in any graph, has its
    fragment as an id on the page."""
    text = (release / NQUADS_FILE).read_text(encoding="utf-8")
    used = {
        word.strip("<>").removeprefix(CITYKG)
        for word in text.split()
        if word.startswith(f"<{CITYKG}")
    }
    assert {"InnovationProfile", "rank", "Mayor", "SourceLines", "Finding"} <= used
    ids = {e.get("id") for e in page.iter() if e.get("id")}
    assert used - ids == set()


def test_every_link_within_the_page_targets_an_element_on_it(page):
    ids = [e.get("id") for e in page.iter() if e.get("id")]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    anchors = [h for h in page.hrefs if h.startswith("#") or h.startswith("/ontology#")]
    assert len(anchors) > 300
    missing = {h for h in anchors if h.split("#", 1)[1] not in ids}
    assert not missing


def test_contents_lead_to_every_section_and_term(page, vocabulary):
    contents = set(page.one("nav", "toc").hrefs)
    for section_id in ("classes", "object-properties", "datatype-properties", "individuals"):
        assert f"#{section_id}" in contents
    assert {f"#{t.removeprefix(CITYKG)}" for t in terms(vocabulary)} <= contents
    assert {"#concept-schemes", "#shapes", "#scheme-policy-area", "#shape-ProfileShape"} <= contents


def test_metadata_block_states_the_header_and_links_the_serialisations(client, page, vocabulary):
    header = page.by_id("metadata").one("dl", "header").definitions
    assert header["IRI"] == [str(ONTOLOGY)]
    assert header["Version"] == [str(vocabulary.value(ONTOLOGY, OWL.versionInfo))]
    assert header["Version IRI"] == [str(vocabulary.value(ONTOLOGY, OWL.versionIRI))]
    assert header["Prior version"] == [str(vocabulary.value(ONTOLOGY, OWL.priorVersion))]
    assert header["License"] == ["https://creativecommons.org/licenses/by/4.0/"]
    namespace = vocabulary.value(ONTOLOGY, URIRef(VANN + "preferredNamespaceUri"))
    assert header["Namespace"] == [f"citykg: <{namespace}>"]
    assert page.one("h1").words == str(vocabulary.value(ONTOLOGY, DCTERMS.title))
    links = page.by_id("metadata").hrefs
    assert "/shapes" in links and "#shapes" in links
    served = {}
    for path in ("/ontology.ttl", "/ontology.jsonld", "/ontology.rdf", "/ontology.nt"):
        assert path in links
        response = client.get(path)
        assert response.status_code == 200, path
        served[path] = response.mimetype
    assert served["/ontology.ttl"] == "text/turtle"
    assert served["/ontology.jsonld"] == "application/ld+json"


def leipzig_instances(sparql, cls: URIRef) -> set[str]:
    """Instances of ``cls`` in Leipzig's data: named after Leipzig's profile, or read from its
    source file."""
    rows = sparql.select(
        f"""SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a <{cls}> }}
              FILTER (isIRI(?s))
              FILTER (CONTAINS(STR(?s), "/leipzig-deu/") || EXISTS {{
                GRAPH ?h {{ ?s prov:wasDerivedFrom <{LEIPZIG_SOURCE}> }} }}) }}"""
    )
    return {r["s"] for r in rows}


def test_each_class_with_instances_in_leipzig_shows_one_as_an_example(
    client, page, vocabulary, sparql
):
    classes = sorted(vocabulary.subjects(RDF.type, OWL.Class))
    shown = 0
    for cls in classes:
        section = page.by_id(cls.removeprefix(CITYKG))
        headings = [h.words for h in section.find_all("h4")]
        if not leipzig_instances(sparql, cls):
            assert "Example from Leipzig" not in headings, cls
            assert section.one("p", "none").words.startswith("No instance"), cls
            continue
        shown += 1
        assert "Example from Leipzig" in headings, cls
        example = section.one("pre", "turtle")
        link = example_link(section)
        iri = iri_of(link)
        assert sparql.ask(f"ASK {{ GRAPH ?g {{ <{iri}> a <{cls}> }} }}"), (cls, iri)
        assert client.get(link, headers={"Accept": "text/html"}).status_code == 200, link
        statements = Graph().parse(data=example.text, format="turtle")
        assert (URIRef(iri), RDF.type, cls) in statements
        assert 2 <= len(statements) <= 6
        for s, p, o in statements:
            assert sparql.ask(f"ASK {{ GRAPH ?g {{ {s.n3()} {p.n3()} {o.n3()} }} }}"), (s, p, o)
    assert shown >= 6  # profile, ranked activity, population, holding, spotlight, lines, finding


def example_link(section: Element) -> str:
    """The link to the example instance: the one in the paragraph before the Turtle."""
    content = section.children
    pre = next(i for i, c in enumerate(content) if c.tag == "pre")
    return content[pre - 1].hrefs[0]


def shape_targets(shapes: Graph) -> set[tuple[str, str]]:
    return {
        (str(s).rsplit("#", 1)[-1], str(o))
        for p in (SH.targetClass, SH.targetSubjectsOf)
        for s, o in shapes.subject_objects(p)
    }


def shape_paths(shapes: Graph) -> list[tuple[str, str]]:
    """(node shape, path) of every property shape, whether under sh:property or in an sh:or /
    sh:xone list."""
    found = []
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        members = list(shapes.objects(shape, SH.property))
        for logical in (SH["or"], SH.xone):
            for head in shapes.objects(shape, logical):
                members += list(shapes.items(head))
        name = str(shape).rsplit("#", 1)[-1]
        found += [(name, str(shapes.value(m, SH.path))) for m in members]
    return sorted(found)


def test_shapes_shown_are_those_of_the_shapes_file(page, shapes):
    sections = page.by_id("shapes").find_all("section", "shape")
    targets, paths = set(), []
    for section in sections:
        name = section.get("id").removeprefix("shape-")
        targets |= {(name, iri_of(h)) for h in section.one("p", "meta").hrefs[:-1]}
        for row in section.one("table", "constraints").rows[1:]:
            paths.append((name, iri_of(row[0].hrefs[0])))
    assert targets == shape_targets(shapes)
    assert sorted(paths) == shape_paths(shapes)
    assert len(sections) == len(set(shapes.subjects(RDF.type, SH.NodeShape)))


def test_each_term_names_the_shapes_that_apply_to_it(page, shapes, vocabulary):
    for term in terms(vocabulary):
        section = page.by_id(term.removeprefix(CITYKG))
        targeting = {
            str(s).rsplit("#", 1)[-1]
            for s in set(shapes.subjects(SH.targetClass, term))
            | set(shapes.subjects(SH.targetSubjectsOf, term))
        }
        listed = facts(section).get("Shapes targeting it", [])
        assert {h.removeprefix("#shape-") for h in linked_hrefs(listed)} == targeting, term
        on_path = sorted(s for s, p in shape_paths(shapes) if p == str(term))
        table = section.find_all("table", "constraints")
        rows = table[0].rows[1:] if table else []
        assert sorted(r[0].hrefs[0].removeprefix("#shape-") for r in rows) == on_path, term


def linked_hrefs(elements: list[Element]) -> list[str]:
    return [h for e in elements for h in e.hrefs]


def test_constraints_are_summarised_in_words(page):
    rows = {
        row[0].words: [cell.words for cell in row[1:]]
        for row in page.by_id("shape-ProfileShape").one("table", "constraints").rows[1:]
    }
    assert rows["citykg:city"][:2] == ["exactly 1", "instance of schema:City"]
    assert rows["citykg:rankedActivity"][:2] == ["at most 7", "instance of citykg:RankedActivity"]
    count, values, _ = rows["citykg:surveyWave"]
    assert count == "exactly 1"
    assert values == (
        "one of https://w3id.org/citykg/id/concept/survey-wave/2018, "
        "https://w3id.org/citykg/id/concept/survey-wave/2020"
    )
    rank = {
        row[0].words: [cell.words for cell in row[1:]]
        for row in page.by_id("shape-RankedActivityShape").one("table", "constraints").rows[1:]
    }
    assert rank["citykg:rank"][:2] == ["exactly 1", "of datatype xsd:integer; from 1 to 7"]
    warnings = page.by_id("shape-ProfileWarningShape").one("table", "constraints").rows[1:]
    assert all(row[3].words.startswith("Warning:") for row in warnings)


def test_concept_schemes_list_their_concepts(page):
    concepts = Graph().parse(ROOT / "ontology" / "citykg-concepts.ttl")
    schemes = set(concepts.subjects(RDF.type, SKOS.ConceptScheme))
    listed = page.by_id("concept-schemes").find_all("section", "scheme")
    assert len(listed) == len(schemes)
    for scheme in schemes:
        section = page.by_id("scheme-" + str(scheme).rsplit("/", 1)[-1])
        assert section.one("h3").words == str(concepts.value(scheme, SKOS.prefLabel))
        assert "/" + str(scheme).removeprefix(BASE) in section.hrefs
        members = set(concepts.subjects(SKOS.inScheme, scheme))
        rows = section.one("table", "concepts").rows[1:]
        assert len(rows) == len(members), scheme
        by_link = {row_concept(row): row for row in rows}
        assert set(by_link) == {str(c) for c in members}
        for concept in members:
            words = [cell.words for cell in by_link[str(concept)]]
            assert str(concepts.value(concept, SKOS.prefLabel)) in words
            notation = concepts.value(concept, SKOS.notation)
            if notation is not None:
                assert words[0] == str(notation)


def row_concept(row: list[Element]) -> str:
    return next(iri_of(h) for cell in row for h in cell.hrefs)


def test_the_version_iri_shows_the_same_documentation(client, page, vocabulary):
    version = str(vocabulary.value(ONTOLOGY, OWL.versionIRI)).removeprefix(BASE)
    other = parse_html(client.get("/" + version, headers={"Accept": "text/html"}).data)
    ids = [s.get("id") for s in page.find_all("section")]
    assert [s.get("id") for s in other.find_all("section")] == ids
