"""The release is a well-formed RDF Data Cube.

The W3C Recommendation "The RDF Data Cube Vocabulary" (16 January 2014,
https://www.w3.org/TR/vocab-data-cube/) calls a cube well-formed when, after the normalization
algorithm (section 10, phases 1 and 2, two SPARQL Updates) has run over it, none of the
integrity constraints IC-1 to IC-21 of section 11 finds a violation. Each constraint is an ASK
query that is true when the graph holds a cube violating it; they are run here as the
Recommendation gives them, over the release's data (its default graph, the N-Triples dump)
together with the ontology and the concept schemes:

* IC-12 (no duplicate observations) compares every pair of observations of a data set, which
  grows with the square of their number; the release is small enough to run it as given.
* IC-17's HAVING names the alias ``?count`` of ``COUNT(?obs2)``, which SPARQL 1.1 binds only
  after HAVING (section 18.2.4.1 of SPARQL 1.1 Query): an engine that follows the algebra, as
  Oxigraph does, never finds a violation with it. The aggregate is written out in the HAVING
  instead; that is the only change to the Recommendation's queries.
* IC-19 is two queries, one for a code list that is a skos:ConceptScheme and one for a
  skos:Collection (the code list of ``citykg:option`` is a collection).
* IC-20 and IC-21 are templates: the instantiation query finds each parent-child property of a
  qb:HierarchicalCodeList (IC-20: an IRI; IC-21: the IRI a blank parent-child property is
  ``owl:inverseOf``), and the template is run once with ``$p`` replaced by each.

None of these tests can pass vacuously: every constraint is also run on a small cube broken for
it, and must find exactly the violation that cube was given.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from citykg.builder.namespaces import SH
from citykg.builder.validation import Shapes, validate_graph
from citykg.contract.findings import Severity
from citykg.contract.layout import DUMPS

from support.project import ROOT

CONCEPT = "https://w3id.org/citykg/id/concept/"
ANSWER_OPTIONS = URIRef(f"{CONCEPT}answer-option")
# The schemes that are not answer lists of the survey's questionnaire: every other scheme's
# concepts are answer options, the code list of citykg:option.
NOT_ANSWER_LISTS = {
    "survey-wave",
    "survey-coverage",
    "survey-indicator",
    "share-qualifier",
    "wave-basis",
}

SPEC_PREFIXES = """
PREFIX rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX qb:   <http://purl.org/linked-data/cube#>
PREFIX xsd:  <http://www.w3.org/2001/XMLSchema#>
PREFIX owl:  <http://www.w3.org/2002/07/owl#>
"""

# ------------------------------------------------------------------ normalization (section 10)

PHASE_1 = """
# Phase 1: type and property closure
INSERT { ?o rdf:type qb:Observation . } WHERE { [] qb:observation ?o . };
INSERT { ?o rdf:type qb:Observation . ?ds rdf:type qb:DataSet . } WHERE { ?o qb:dataSet ?ds . };
INSERT { ?s rdf:type qb:Slice . } WHERE { [] qb:slice ?s . };
INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:DimensionProperty . }
WHERE { ?cs qb:dimension ?p . };
INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:MeasureProperty . }
WHERE { ?cs qb:measure ?p . };
INSERT { ?cs qb:componentProperty ?p . ?p rdf:type qb:AttributeProperty . }
WHERE { ?cs qb:attribute ?p . }
"""

PHASE_2 = """
# Phase 2: push down attachment levels
# Dataset attachments
INSERT { ?obs ?comp ?value } WHERE {
    ?spec    qb:componentProperty ?comp ;
             qb:componentAttachment qb:DataSet .
    ?dataset qb:structure [qb:component ?spec] ;
             ?comp ?value .
    ?obs     qb:dataSet ?dataset .
};
# Slice attachments
INSERT { ?obs ?comp ?value } WHERE {
    ?spec    qb:componentProperty ?comp ;
             qb:componentAttachment qb:Slice .
    ?dataset qb:structure [qb:component ?spec] ;
             qb:slice ?slice .
    ?slice ?comp ?value ;
           qb:observation ?obs .
};
# Dimension values on slices
INSERT { ?obs ?comp ?value } WHERE {
    ?spec    qb:componentProperty ?comp .
    ?comp a  qb:DimensionProperty .
    ?dataset qb:structure [qb:component ?spec] ;
             qb:slice ?slice .
    ?slice ?comp ?value ;
           qb:observation ?obs .
}
"""

# ------------------------------------------------------------------ integrity constraints (11)

CONSTRAINTS: dict[int, tuple[str, tuple[str, ...]]] = {
    1: (
        "Unique DataSet",
        (
            """ASK {
              {
                # Check observation has a data set
                ?obs a qb:Observation .
                FILTER NOT EXISTS { ?obs qb:dataSet ?dataset1 . }
              } UNION {
                # Check has just one data set
                ?obs a qb:Observation ;
                   qb:dataSet ?dataset1, ?dataset2 .
                FILTER (?dataset1 != ?dataset2)
              }
            }""",
        ),
    ),
    2: (
        "Unique DSD",
        (
            """ASK {
              {
                # Check dataset has a dsd
                ?dataset a qb:DataSet .
                FILTER NOT EXISTS { ?dataset qb:structure ?dsd . }
              } UNION {
                # Check has just one dsd
                ?dataset a qb:DataSet ;
                   qb:structure ?dsd1, ?dsd2 .
                FILTER (?dsd1 != ?dsd2)
              }
            }""",
        ),
    ),
    3: (
        "DSD includes measure",
        (
            """ASK {
              ?dsd a qb:DataStructureDefinition .
              FILTER NOT EXISTS { ?dsd qb:component [qb:componentProperty [a qb:MeasureProperty]] }
            }""",
        ),
    ),
    4: (
        "Dimensions have range",
        (
            """ASK {
              ?dim a qb:DimensionProperty .
              FILTER NOT EXISTS { ?dim rdfs:range [] }
            }""",
        ),
    ),
    5: (
        "Concept dimensions have code lists",
        (
            """ASK {
              ?dim a qb:DimensionProperty ;
                   rdfs:range skos:Concept .
              FILTER NOT EXISTS { ?dim qb:codeList [] }
            }""",
        ),
    ),
    6: (
        "Only attributes may be optional",
        (
            """ASK {
              ?dsd qb:component ?componentSpec .
              ?componentSpec qb:componentRequired "false"^^xsd:boolean ;
                             qb:componentProperty ?component .
              FILTER NOT EXISTS { ?component a qb:AttributeProperty }
            }""",
        ),
    ),
    7: (
        "Slice Keys must be declared",
        (
            """ASK {
                ?sliceKey a qb:SliceKey .
                FILTER NOT EXISTS { [a qb:DataStructureDefinition] qb:sliceKey ?sliceKey }
            }""",
        ),
    ),
    8: (
        "Slice Keys consistent with DSD",
        (
            """ASK {
              ?slicekey a qb:SliceKey;
                  qb:componentProperty ?prop .
              ?dsd qb:sliceKey ?slicekey .
              FILTER NOT EXISTS { ?dsd qb:component [qb:componentProperty ?prop] }
            }""",
        ),
    ),
    9: (
        "Unique slice structure",
        (
            """ASK {
              {
                # Slice has a key
                ?slice a qb:Slice .
                FILTER NOT EXISTS { ?slice qb:sliceStructure ?key }
              } UNION {
                # Slice has just one key
                ?slice a qb:Slice ;
                       qb:sliceStructure ?key1, ?key2;
                FILTER (?key1 != ?key2)
              }
            }""",
        ),
    ),
    10: (
        "Slice dimensions complete",
        (
            """ASK {
              ?slice qb:sliceStructure [qb:componentProperty ?dim] .
              FILTER NOT EXISTS { ?slice ?dim [] }
            }""",
        ),
    ),
    11: (
        "All dimensions required",
        (
            """ASK {
                ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
                ?dim a qb:DimensionProperty;
                FILTER NOT EXISTS { ?obs ?dim [] }
            }""",
        ),
    ),
    12: (
        "No duplicate observations",
        (
            """ASK {
              FILTER( ?allEqual )
              {
                # For each pair of observations test if all the dimension values are the same
                SELECT (MIN(?equal) AS ?allEqual) WHERE {
                    ?obs1 qb:dataSet ?dataset .
                    ?obs2 qb:dataSet ?dataset .
                    FILTER (?obs1 != ?obs2)
                    ?dataset qb:structure/qb:component/qb:componentProperty ?dim .
                    ?dim a qb:DimensionProperty .
                    ?obs1 ?dim ?value1 .
                    ?obs2 ?dim ?value2 .
                    BIND( ?value1 = ?value2 AS ?equal)
                } GROUP BY ?obs1 ?obs2
              }
            }""",
        ),
    ),
    13: (
        "Required attributes",
        (
            """ASK {
                ?obs qb:dataSet/qb:structure/qb:component ?component .
                ?component qb:componentRequired "true"^^xsd:boolean ;
                           qb:componentProperty ?attr .
                FILTER NOT EXISTS { ?obs ?attr [] }
            }""",
        ),
    ),
    14: (
        "All measures present",
        (
            """ASK {
                # Observation in a non-measureType cube
                ?obs qb:dataSet/qb:structure ?dsd .
                FILTER NOT EXISTS { ?dsd qb:component/qb:componentProperty qb:measureType }

                # verify every measure is present
                ?dsd qb:component/qb:componentProperty ?measure .
                ?measure a qb:MeasureProperty;
                FILTER NOT EXISTS { ?obs ?measure [] }
            }""",
        ),
    ),
    15: (
        "Measure dimension consistent",
        (
            """ASK {
                # Observation in a measureType-cube
                ?obs qb:dataSet/qb:structure ?dsd ;
                     qb:measureType ?measure .
                ?dsd qb:component/qb:componentProperty qb:measureType .
                # Must have value for its measureType
                FILTER NOT EXISTS { ?obs ?measure [] }
            }""",
        ),
    ),
    16: (
        "Single measure on measure dimension observation",
        (
            """ASK {
                # Observation with measureType
                ?obs qb:dataSet/qb:structure ?dsd ;
                     qb:measureType ?measure ;
                     ?omeasure [] .
                # Any measure on the observation
                ?dsd qb:component/qb:componentProperty qb:measureType ;
                     qb:component/qb:componentProperty ?omeasure .
                ?omeasure a qb:MeasureProperty .
                # Must be the same as the measureType
                FILTER (?omeasure != ?measure)
            }""",
        ),
    ),
    17: (
        "All measures present in measures dimension cube",
        (
            """ASK {
              {
                  # Count number of other measures found at each point
                  SELECT ?numMeasures (COUNT(?obs2) AS ?count) WHERE {
                      {
                          # Find the DSDs and check how many measures they have
                          SELECT ?dsd (COUNT(?m) AS ?numMeasures) WHERE {
                              ?dsd qb:component/qb:componentProperty ?m.
                              ?m a qb:MeasureProperty .
                          } GROUP BY ?dsd
                      }

                      # Observation in measureType cube
                      ?obs1 qb:dataSet/qb:structure ?dsd;
                            qb:dataSet ?dataset ;
                            qb:measureType ?m1 .

                      # Other observation at same dimension value
                      ?obs2 qb:dataSet ?dataset ;
                            qb:measureType ?m2 .
                      FILTER NOT EXISTS {
                          ?dsd qb:component/qb:componentProperty ?dim .
                          FILTER (?dim != qb:measureType)
                          ?dim a qb:DimensionProperty .
                          ?obs1 ?dim ?v1 .
                          ?obs2 ?dim ?v2.
                          FILTER (?v1 != ?v2)
                      }

                  } GROUP BY ?obs1 ?numMeasures
                    HAVING (COUNT(?obs2) != ?numMeasures)
              }
            }""",
        ),
    ),
    18: (
        "Consistent data set links",
        (
            """ASK {
                ?dataset qb:slice       ?slice .
                ?slice   qb:observation ?obs .
                FILTER NOT EXISTS { ?obs qb:dataSet ?dataset . }
            }""",
        ),
    ),
    19: (
        "Codes from code list",
        (
            """ASK {
                ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
                ?dim a qb:DimensionProperty ;
                    qb:codeList ?list .
                ?list a skos:ConceptScheme .
                ?obs ?dim ?v .
                FILTER NOT EXISTS { ?v a skos:Concept ; skos:inScheme ?list }
            }""",
            """ASK {
                ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
                ?dim a qb:DimensionProperty ;
                    qb:codeList ?list .
                ?list a skos:Collection .
                ?obs ?dim ?v .
                FILTER NOT EXISTS { ?v a skos:Concept . ?list skos:member+ ?v }
            }""",
        ),
    ),
}

# Number -> (name, instantiation query selecting ?p, ASK template with $p).
TEMPLATES: dict[int, tuple[str, str, str]] = {
    20: (
        "Codes from hierarchy",
        """SELECT ?p WHERE {
            ?hierarchy a qb:HierarchicalCodeList ;
                         qb:parentChildProperty ?p .
            FILTER ( isIRI(?p) )
        }""",
        """ASK {
            ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
            ?dim a qb:DimensionProperty ;
                qb:codeList ?list .
            ?list a qb:HierarchicalCodeList .
            ?obs ?dim ?v .
            FILTER NOT EXISTS { ?list qb:hierarchyRoot/<$p>* ?v }
        }""",
    ),
    21: (
        "Codes from hierarchy (inverse)",
        """SELECT ?p WHERE {
            ?hierarchy a qb:HierarchicalCodeList;
                         qb:parentChildProperty ?pcp .
            FILTER( isBlank(?pcp) )
            ?pcp  owl:inverseOf ?p .
            FILTER( isIRI(?p) )
        }""",
        """ASK {
            ?obs qb:dataSet/qb:structure/qb:component/qb:componentProperty ?dim .
            ?dim a qb:DimensionProperty ;
                 qb:codeList ?list .
            ?list a qb:HierarchicalCodeList .
            ?obs ?dim ?v .
            FILTER NOT EXISTS { ?list qb:hierarchyRoot/(^<$p>)* ?v }
        }""",
    ),
}

NUMBERS = range(1, 22)


def normalise(store: ox.Store) -> None:
    """The normalization algorithm: phase 1, then phase 2."""
    store.update(SPEC_PREFIXES + PHASE_1)
    store.update(SPEC_PREFIXES + PHASE_2)


def queries(store: ox.Store, number: int) -> Iterator[str]:
    """The ASK queries of constraint ``number``, a template instantiated once per property."""
    if number in TEMPLATES:
        _, instantiation, template = TEMPLATES[number]
        for row in store.query(SPEC_PREFIXES + instantiation):
            yield template.replace("$p", row["p"].value)
    else:
        yield from CONSTRAINTS[number][1]


def violated(store: ox.Store, number: int) -> bool:
    """Whether the graph holds a cube that violates constraint ``number``."""
    return any(bool(store.query(SPEC_PREFIXES + query)) for query in queries(store, number))


def violations(store: ox.Store) -> set[int]:
    return {number for number in NUMBERS if violated(store, number)}


def ic(number: int) -> str:
    name = CONSTRAINTS[number][0] if number in CONSTRAINTS else TEMPLATES[number][0]
    return f"IC-{number} {name}"


# ------------------------------------------------------------------ the release


@pytest.fixture(scope="module")
def cube(release: Path) -> ox.Store:
    """The release's data (its N-Triples dump: every data graph, statistics and aggregates,
    ontology and concepts included), the ontology and the concept schemes, normalised."""
    [dump] = [d for d in DUMPS if d.format.rdf == ox.RdfFormat.N_TRIPLES and not d.quads]
    store = ox.Store()
    with gzip.open(release / dump.name) as data:
        store.load(input=data, format=ox.RdfFormat.N_TRIPLES)
    for name in ("citykg.ttl", "citykg-concepts.ttl"):
        store.load(path=str(ROOT / "ontology" / name), format=ox.RdfFormat.TURTLE)
    normalise(store)
    return store


def count(store: ox.Store, pattern: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"
    return int(next(iter(store.query(SPEC_PREFIXES + query)))["n"].value)


def test_the_release_has_cubes_to_check(cube):
    """Three data sets (statistics, option counts, rank counts) with observations, so the
    constraints below have something to hold on."""
    assert count(cube, "?ds qb:structure ?dsd") == 3
    for structure in ("SurveyStatisticsStructure", "OptionCountStructure", "RankCountStructure"):
        pattern = f"?o qb:dataSet/qb:structure <https://w3id.org/citykg/ontology#{structure}>"
        assert count(cube, pattern) >= 4, structure


@pytest.mark.parametrize("number", [pytest.param(n, id=f"IC-{n}") for n in NUMBERS])
def test_the_release_meets_the_integrity_constraint(cube, number):
    assert not violated(cube, number), f"the release violates {ic(number)}"


def test_every_code_list_is_a_scheme_or_collection(cube):
    """IC-19 checks a dimension's codes only when its code list is typed skos:ConceptScheme or
    skos:Collection: a code list the release does not describe would make it vacuous."""
    untyped = """
        SELECT ?dim ?list WHERE {
          ?dim qb:codeList ?list .
          FILTER NOT EXISTS { ?list a ?kind . VALUES ?kind { skos:ConceptScheme skos:Collection } }
        }"""
    assert list(cube.query(SPEC_PREFIXES + untyped)) == []
    assert count(cube, "?dim a qb:DimensionProperty ; qb:codeList ?list") == 4


def test_answer_options_are_every_option_of_every_answer_list():
    """The code list of citykg:option holds every concept of every answer list (and nothing
    else): an option left out would not be counted (see citykg.builder.aggregates)."""
    concepts = Graph().parse(ROOT / "ontology" / "citykg-concepts.ttl")
    assert (ANSWER_OPTIONS, RDF.type, SKOS.Collection) in concepts
    members = set(concepts.objects(ANSWER_OPTIONS, SKOS.member))
    expected = {
        concept
        for concept, scheme in concepts.subject_objects(SKOS.inScheme)
        if str(scheme).removeprefix(CONCEPT) not in NOT_ANSWER_LISTS
    }
    assert members == expected
    assert len(members) == 71
    assert all((m, RDF.type, SKOS.Concept) in concepts for m in members)


# ------------------------------------------------------------------ broken cubes

BASE = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix qb:   <http://purl.org/linked-data/cube#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix ex:   <http://example.org/> .

# A cube of counts per area and year, with a slice per area.
ex:dsd a qb:DataStructureDefinition ;
    qb:component ex:areaSpec, ex:yearSpec, ex:countSpec, ex:statusSpec ;
    qb:sliceKey ex:byArea .
ex:areaSpec qb:dimension ex:area .
ex:yearSpec qb:dimension ex:year .
ex:countSpec qb:measure ex:count .
ex:statusSpec qb:attribute ex:status ; qb:componentRequired false .
ex:byArea a qb:SliceKey ; qb:componentProperty ex:area .
ex:area rdfs:range skos:Concept ; qb:codeList ex:areas .
ex:year rdfs:range xsd:gYear .
ex:areas a skos:ConceptScheme .
ex:north a skos:Concept ; skos:inScheme ex:areas .
ex:south a skos:Concept ; skos:inScheme ex:areas .

ex:data qb:structure ex:dsd ; qb:slice ex:northern .
ex:northern qb:sliceStructure ex:byArea ; ex:area ex:north ; qb:observation ex:o1 .
ex:o1 qb:dataSet ex:data ; ex:area ex:north ; ex:year "2018"^^xsd:gYear ; ex:count 3 .
ex:o2 qb:dataSet ex:data ; ex:area ex:south ; ex:year "2018"^^xsd:gYear ; ex:count 4 .

# A cube with a measure dimension, a code list that is a collection and two hierarchical code
# lists, one with a parent-child property and one with the inverse of one.
ex:dsd2 a qb:DataStructureDefinition ;
    qb:component [ qb:dimension ex:kind ], [ qb:dimension ex:sector ],
        [ qb:dimension ex:region ], [ qb:dimension qb:measureType ],
        [ qb:measure ex:count ], [ qb:measure ex:rate ] .
qb:measureType rdfs:range qb:MeasureProperty .  # as the Data Cube vocabulary declares it
ex:kind rdfs:range skos:Concept ; qb:codeList ex:kinds .
ex:kinds a skos:Collection ; skos:member ex:firms .
ex:firms a skos:Concept .
ex:sector rdfs:range skos:Concept ; qb:codeList ex:sectors .
ex:sectors a qb:HierarchicalCodeList ; qb:hierarchyRoot ex:economy ;
    qb:parentChildProperty skos:narrower .
ex:region rdfs:range skos:Concept ; qb:codeList ex:regions .
ex:regions a qb:HierarchicalCodeList ; qb:hierarchyRoot ex:world ;
    qb:parentChildProperty [ owl:inverseOf skos:broader ] .
ex:economy skos:narrower ex:retail . ex:retail skos:broader ex:economy .
ex:world skos:narrower ex:europe . ex:europe skos:broader ex:world .

ex:measures qb:structure ex:dsd2 .
ex:o3 qb:dataSet ex:measures ; ex:kind ex:firms ; ex:sector ex:retail ; ex:region ex:europe ;
    qb:measureType ex:count ; ex:count 5 .
ex:o4 qb:dataSet ex:measures ; ex:kind ex:firms ; ex:sector ex:retail ; ex:region ex:europe ;
    qb:measureType ex:rate ; ex:rate 0.5 .
"""

# (constraint, SPARQL Update that breaks the base cube for it, the constraints then violated)
BREAKS = [
    (1, "INSERT DATA { ex:lost a qb:Observation ; ex:area ex:north ; ex:count 1 }", {1}),
    (2, "INSERT DATA { ex:bare a qb:DataSet }", {2}),
    (
        3,
        "INSERT DATA { ex:measureless a qb:DataStructureDefinition ; qb:component ex:areaSpec }",
        {3},
    ),
    (4, "DELETE DATA { ex:year rdfs:range xsd:gYear }", {4}),
    (5, "DELETE DATA { ex:area qb:codeList ex:areas }", {5}),
    (6, "INSERT DATA { ex:yearSpec qb:componentRequired false }", {6}),
    (7, "INSERT DATA { ex:stray a qb:SliceKey ; qb:componentProperty ex:area }", {7}),
    (
        8,
        "INSERT DATA { ex:byOther a qb:SliceKey ; qb:componentProperty ex:elsewhere . "
        "ex:dsd qb:sliceKey ex:byOther }",
        {8},
    ),
    (9, "INSERT DATA { ex:data qb:slice ex:keyless }", {9}),
    (10, "DELETE DATA { ex:northern ex:area ex:north }", {10}),
    (11, 'DELETE DATA { ex:o2 ex:year "2018"^^xsd:gYear }', {11}),
    (
        12,
        'INSERT DATA { ex:again qb:dataSet ex:data ; ex:area ex:north ; ex:year "2018"^^xsd:gYear ;'
        " ex:count 5 }",
        {12},
    ),
    (
        13,
        "DELETE DATA { ex:statusSpec qb:componentRequired false } ;"
        " INSERT DATA { ex:statusSpec qb:componentRequired true }",
        {13},
    ),
    (14, "DELETE DATA { ex:o2 ex:count 4 }", {14}),
    (15, "DELETE DATA { ex:o4 ex:rate 0.5 }", {15}),
    (16, "INSERT DATA { ex:o3 ex:rate 0.7 }", {16}),
    (17, "DELETE WHERE { ex:o4 ?p ?o }", {17}),
    (18, "INSERT DATA { ex:elsewhere qb:structure ex:dsd ; qb:slice ex:northern }", {18}),
    (19, "DELETE DATA { ex:o2 ex:area ex:south } ; INSERT DATA { ex:o2 ex:area ex:west }", {19}),
    (
        19,
        "DELETE WHERE { ?o ex:kind ex:firms } ; INSERT DATA { ex:o3 ex:kind ex:farms . "
        "ex:o4 ex:kind ex:farms }",
        {19},
    ),
    (20, "DELETE DATA { ex:economy skos:narrower ex:retail }", {20}),
    (21, "DELETE DATA { ex:europe skos:broader ex:world }", {21}),
]


def base_cube() -> ox.Store:
    store = ox.Store()
    store.load(BASE.encode(), format=ox.RdfFormat.TURTLE)
    return store


def test_the_base_cube_is_well_formed():
    store = base_cube()
    normalise(store)
    assert count(store, "?o a qb:Observation") == 4
    assert violations(store) == set()


def break_id(index: int) -> str:
    """IC-n, or IC-n-1, IC-n-2... where a constraint is broken more than one way."""
    number = BREAKS[index][0]
    ways = [i for i, b in enumerate(BREAKS) if b[0] == number]
    return f"IC-{number}" if len(ways) == 1 else f"IC-{number}-{ways.index(index) + 1}"


@pytest.mark.parametrize(
    ("number", "update", "expected"),
    [pytest.param(*b, id=break_id(i)) for i, b in enumerate(BREAKS)],
)
def test_the_constraint_fails_on_a_cube_broken_for_it(number, update, expected):
    store = base_cube()
    store.update(SPEC_PREFIXES + "PREFIX ex: <http://example.org/>\n" + update)
    normalise(store)
    assert number in expected
    assert violations(store) == expected


def test_every_constraint_has_a_cube_broken_for_it():
    assert {number for number, _, _ in BREAKS} == set(NUMBERS)


# ------------------------------------------------------------------ the survey-wide figures

STATISTICS = "https://w3id.org/citykg/id/statistics"
# Leipzig's four figures as the structure citykg:SurveyStatisticsStructure defines them:
# indicator, survey coverage (dimensions), share of cities (measure), share qualifier (required
# attribute). This is what the importer's statistic() emits for each figure.
FIGURES = f"""
@prefix citykg: <https://w3id.org/citykg/ontology#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix in: <{CONCEPT}survey-indicator/> .
@prefix sc: <{CONCEPT}survey-coverage/> .
@prefix sq: <{CONCEPT}share-qualifier/> .

<{STATISTICS}> a qb:DataSet ; qb:structure citykg:SurveyStatisticsStructure .
<{STATISTICS}/explicit-strategy/both-waves>
    a qb:Observation ; qb:dataSet <{STATISTICS}> ;
    citykg:indicator in:explicit-strategy ; citykg:surveyCoverage sc:both-waves ;
    citykg:shareOfCities "0.5"^^xsd:decimal ; citykg:shareQualifier sq:about .
<{STATISTICS}/holistic-and-specific-approach/both-waves>
    a qb:Observation ; qb:dataSet <{STATISTICS}> ;
    citykg:indicator in:holistic-and-specific-approach ; citykg:surveyCoverage sc:both-waves ;
    citykg:shareOfCities "0.5"^^xsd:decimal ; citykg:shareQualifier sq:more-than .
<{STATISTICS}/dedicated-funding/both-waves>
    a qb:Observation ; qb:dataSet <{STATISTICS}> ;
    citykg:indicator in:dedicated-funding ; citykg:surveyCoverage sc:both-waves ;
    citykg:shareOfCities "0.81"^^xsd:decimal ; citykg:shareQualifier sq:about .
<{STATISTICS}/funds-staff-training/2020>
    a qb:Observation ; qb:dataSet <{STATISTICS}> ;
    citykg:indicator in:funds-staff-training ; citykg:surveyCoverage sc:2020 ;
    citykg:shareOfCities "0.61"^^xsd:decimal ; citykg:shareQualifier sq:about .
"""
LEIPZIG_FIGURES = [
    ("dedicated-funding", "both-waves", "0.81", "about"),
    ("explicit-strategy", "both-waves", "0.5", "about"),
    ("funds-staff-training", "2020", "0.61", "about"),
    ("holistic-and-specific-approach", "both-waves", "0.5", "more-than"),
]
FIGURES_QUERY = f"""
    SELECT ?o ?indicator ?coverage ?share ?qualifier WHERE {{
      ?o qb:dataSet <{STATISTICS}> ; <https://w3id.org/citykg/ontology#indicator> ?indicator ;
         <https://w3id.org/citykg/ontology#surveyCoverage> ?coverage ;
         <https://w3id.org/citykg/ontology#shareOfCities> ?share ;
         <https://w3id.org/citykg/ontology#shareQualifier> ?qualifier }}"""


def figures(store: ox.Store) -> list[tuple[str, str, str, str]]:
    """(indicator, coverage, share, qualifier) slugs of every figure, each at its IRI."""
    rows = []
    for row in store.query(SPEC_PREFIXES + FIGURES_QUERY):
        found = tuple(row[v].value.rsplit("/", 1)[-1] for v in ("indicator", "coverage"))
        assert row["o"].value == f"{STATISTICS}/{found[0]}/{found[1]}"
        rows.append((*found, row["share"].value, row["qualifier"].value.rsplit("/", 1)[-1]))
    return sorted(rows)


def figures_cube(data: str) -> ox.Store:
    store = ox.Store()
    store.load(data.encode(), format=ox.RdfFormat.TURTLE)
    for name in ("citykg.ttl", "citykg-concepts.ttl"):
        store.load(path=str(ROOT / "ontology" / name), format=ox.RdfFormat.TURTLE)
    normalise(store)
    return store


def test_figures_as_the_structure_defines_them_are_a_well_formed_cube():
    store = figures_cube(FIGURES)
    assert figures(store) == LEIPZIG_FIGURES
    assert violations(store) == set()


def test_a_figure_without_coverage_or_qualifier_breaks_the_cube():
    """A figure as the importer wrote it before (a pseudo-wave "combined", no qualifier unless
    "more than"): the coverage dimension is missing (IC-11) and so is the required qualifier
    (IC-13)."""
    combined = f"citykg:surveyWave <{CONCEPT}survey-wave/combined>"
    before = FIGURES.replace("citykg:surveyCoverage sc:both-waves", combined)
    before = before.replace("; citykg:shareQualifier sq:about", "")
    assert violations(figures_cube(before)) == {11, 13}


def shacl(data: str) -> list[tuple[Severity, str]]:
    graph = Graph().parse(data=data, format="turtle")
    graph.parse(ROOT / "ontology" / "citykg-concepts.ttl")
    shapes = Shapes.of(Graph().parse(ROOT / "shapes" / "citykg-shapes.ttl"))
    results = validate_graph(graph, shapes).results
    return sorted((r.severity, r.message) for r in results)


def test_the_shapes_accept_figures_as_the_structure_defines_them():
    assert shacl(FIGURES) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            ("; citykg:shareQualifier sq:about .", " ."),
            "A survey-wide figure says whether its share is about the stated share or more "
            "than it (share-qualifier scheme).",
            id="no-qualifier",
        ),
        pytest.param(
            ("sq:more-than", "sq:exactly"),
            "A survey-wide figure's share qualifier is a concept of the share-qualifier "
            "scheme: about or more than.",
            id="qualifier-outside-its-scheme",
        ),
        pytest.param(
            ("citykg:surveyCoverage sc:2020 ;", "citykg:surveyCoverage sc:2020, sc:2018 ;"),
            "A survey-wide figure has one survey coverage of the survey-coverage scheme: one "
            "survey wave's cities or both waves' cities.",
            id="two-coverages",
        ),
        pytest.param(
            ("citykg:surveyCoverage sc:2020 ;", ""),
            "A survey-wide figure has one survey coverage of the survey-coverage scheme: one "
            "survey wave's cities or both waves' cities.",
            id="no-coverage",
        ),
        pytest.param(
            ("citykg:surveyCoverage sc:2020", f"citykg:surveyCoverage <{CONCEPT}survey-wave/2020>"),
            "A survey-wide figure has one survey coverage of the survey-coverage scheme: one "
            "survey wave's cities or both waves' cities.",
            id="a-wave-as-coverage",
        ),
        pytest.param(
            ("citykg:surveyCoverage sc:2020 ;", f"citykg:surveyWave <{CONCEPT}survey-wave/2020> ;"),
            "A survey-wide figure has a survey coverage, not a survey wave.",
            id="a-wave-instead-of-coverage",
        ),
    ],
)
def test_the_shapes_refuse(change, message):
    old, new = change
    assert FIGURES.count(old) >= 1
    found = shacl(FIGURES.replace(old, new, 1))
    assert (Severity.ERROR, message) in found
    assert all(severity is Severity.ERROR for severity, _ in found)


COUNT = f"""
@prefix citykg: <https://w3id.org/citykg/ontology#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
<https://w3id.org/citykg/id/option-counts> a qb:DataSet .
<https://w3id.org/citykg/id/option-counts/x> a qb:Observation ;
    qb:dataSet <https://w3id.org/citykg/id/option-counts> ;
    citykg:option <{CONCEPT}policy-area/health> ; citykg:countedProperty citykg:focusPolicyArea ;
    citykg:surveyWave <{CONCEPT}survey-wave/2020> ; citykg:profileCount 1 .
"""


def test_the_shapes_refuse_a_count_of_something_not_an_answer_option():
    assert shacl(COUNT) == []
    wave = COUNT.replace(
        f"<{CONCEPT}policy-area/health> ; citykg:countedProperty citykg:focusPolicyArea",
        f"<{CONCEPT}survey-wave/2020> ; citykg:countedProperty citykg:surveyWave",
    )
    message = (
        "A count's option is an answer option, a member of the answer-option collection (the "
        "code list of citykg:option)."
    )
    assert shacl(wave) == [(Severity.ERROR, message)]


# ------------------------------------------------------------------ the release's figures


def test_leipzig_figures_have_coverage_and_qualifier(cube):
    assert figures(cube) == LEIPZIG_FIGURES


def test_the_survey_wave_scheme_holds_only_waves():
    concepts = Graph().parse(ROOT / "ontology" / "citykg-concepts.ttl")
    scheme = URIRef(f"{CONCEPT}survey-wave")
    waves = {str(c).removeprefix(f"{scheme}/") for c in concepts.subjects(SKOS.inScheme, scheme)}
    assert waves == {"2018", "2020"}


def test_the_shapes_require_coverage_and_qualifier():
    shapes = Graph().parse(ROOT / "shapes" / "citykg-shapes.ttl")
    shape = URIRef("https://w3id.org/citykg/shapes#SurveyFigureShape")
    assert (shape, RDF.type, SH.NodeShape) in shapes
    assert shapes.value(shape, SH.deactivated) is None
