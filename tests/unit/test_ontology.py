"""Ontology and concept scheme hygiene (Best Practice Recipes for Publishing RDF Vocabularies)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from citykg.builder import importer
from citykg.builder.namespaces import CITYKG, VANN

from support.project import ROOT

ONTOLOGY = URIRef("https://w3id.org/citykg/ontology")
FILES = ["ontology/citykg.ttl", "ontology/citykg-concepts.ttl", "shapes/citykg-shapes.ttl"]


@pytest.fixture(scope="module")
def ontology():
    return Graph().parse(ROOT / "ontology" / "citykg.ttl")


@pytest.fixture(scope="module")
def concepts():
    return Graph().parse(ROOT / "ontology" / "citykg-concepts.ttl")


def test_header(ontology):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    for prop in (
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.license,
        DCTERMS.creator,
        OWL.versionIRI,
        OWL.versionInfo,
        VANN.preferredNamespacePrefix,
    ):
        assert ontology.value(ONTOLOGY, prop) is not None, prop
    assert ontology.value(ONTOLOGY, VANN.preferredNamespacePrefix) == Literal("citykg")
    assert str(ontology.value(ONTOLOGY, OWL.versionIRI)).endswith(
        str(ontology.value(ONTOLOGY, OWL.versionInfo))
    )


def test_every_term_labelled_defined_and_defined_by(ontology):
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(str(CITYKG))}
    assert len(terms) > 40
    for term in terms:
        assert ontology.value(term, RDFS.label) is not None, term
        assert ontology.value(term, SKOS.definition) is not None, term
        assert ontology.value(term, RDFS.isDefinedBy) == ONTOLOGY, term


def test_every_term_the_importer_uses_is_defined(ontology):
    package = Path(importer.__file__).parent
    source = "".join(p.read_text(encoding="utf-8") for p in package.glob("*.py"))
    used = {f"{CITYKG}{name}" for name in re.findall(r"CITYKG\.(\w+)", source)}
    defined = {str(s) for s in ontology.subjects(RDFS.isDefinedBy, ONTOLOGY)}
    assert used <= defined, used - defined


def test_every_concept_in_exactly_one_scheme(concepts):
    all_concepts = set(concepts.subjects(RDF.type, SKOS.Concept))
    assert len(all_concepts) >= 80
    for concept in all_concepts:
        schemes = list(concepts.objects(concept, SKOS.inScheme))
        assert len(schemes) == 1, concept
        assert (schemes[0], RDF.type, SKOS.ConceptScheme) in concepts
        assert (schemes[0], SKOS.hasTopConcept, concept) in concepts
        assert len(list(concepts.objects(concept, SKOS.prefLabel))) == 1


@pytest.mark.parametrize(
    ("scheme", "count"),
    [
        ("benefit", 7),
        ("success-factor", 8),
        ("policy-area", 19),
        ("innovation-activity", 7),
        ("funded-activity", 6),
        ("innovation-role", 5),
        ("innovation-term", 5),
        ("approach", 3),
        ("partnership-type", 8),
        ("placement", 2),
        ("funding-source", 1),
    ],
)
def test_schemes_hold_every_option_the_survey_offers(concepts, scheme, count):
    iri = URIRef(f"https://w3id.org/citykg/id/concept/{scheme}")
    assert len(set(concepts.subjects(SKOS.inScheme, iri))) == count


def test_wave_only_options_and_variants(concepts):
    base = "https://w3id.org/citykg/id/concept/"
    launching = URIRef(base + "funded-activity/launching-or-sustaining-a-project")
    training = URIRef(base + "funded-activity/training-staff-and-building-capacity")
    assert concepts.value(launching, CITYKG.offeredInWave) == URIRef(base + "survey-wave/2018")
    assert concepts.value(training, CITYKG.offeredInWave) == URIRef(base + "survey-wave/2020")
    top = URIRef(base + "innovation-activity/taking-risks-or-testing-new-ideas")
    assert Literal("Taking risks and testing new ideas", lang="en") in set(
        concepts.objects(top, SKOS.altLabel)
    )
    assert concepts.value(top, SKOS.scopeNote).startswith("e.g. prototyping")


@pytest.mark.parametrize("path", FILES)
def test_loads_in_rdflib_and_pyoxigraph(path):
    graph = Graph().parse(ROOT / path)
    store = ox.Store()
    store.load(path=str(ROOT / path), format=ox.RdfFormat.TURTLE)
    assert len(store) == len(graph) > 0
