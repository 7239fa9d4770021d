"""Every fact of the Leipzig profile, answered by SPARQL against the built release."""

from __future__ import annotations

import hashlib

import pytest

from support.project import LEIPZIG, leipzig_text

P = "profile:leipzig-deu\\/2020"


def labels(sparql, prop: str) -> set[str]:
    rows = sparql.select(f"SELECT ?l WHERE {{ {P} {prop} ?c . ?c skos:prefLabel ?l }}")
    return {r["l"] for r in rows}


def test_city_and_country_with_wikidata_links(sparql):
    rows = sparql.select(f"""
        SELECT ?name ?country ?cityWd ?countryWd WHERE {{
          {P} citykg:city ?city .
          ?city a schema:City ; schema:name ?name ; owl:sameAs ?cityWd ;
                schema:containedInPlace ?c .
          ?c a schema:Country ; schema:name ?country ; owl:sameAs ?countryWd .
        }}""")
    assert rows == [
        {
            "name": "Leipzig",
            "country": "Germany",
            "cityWd": "http://www.wikidata.org/entity/Q2079",
            "countryWd": "http://www.wikidata.org/entity/Q183",
        }
    ]


def test_survey_wave(sparql):
    rows = sparql.select(f"SELECT ?n WHERE {{ {P} citykg:surveyWave/skos:notation ?n }}")
    assert rows == [{"n": "2020"}]


def test_waves_are_resources_with_label_year_and_period(sparql):
    rows = sparql.select("""
        SELECT ?label (STR(?year) AS ?y) (STR(?start) AS ?from) (STR(?end) AS ?to) WHERE {
          ?wave skos:inScheme concept:survey-wave ; skos:prefLabel ?label ; dcterms:date ?year ;
                dcterms:temporal [ dcat:startDate ?start ; dcat:endDate ?end ] }
        ORDER BY ?y""")
    assert rows == [
        {"label": "2018 survey", "y": "2018", "from": "2018", "to": "2018"},
        {"label": "2020 survey", "y": "2020", "from": "2020", "to": "2020"},
    ]
    # How the wave of a profile was decided, and from which line, is in its provenance.
    basis = sparql.select("""
        SELECT ?basis ?note WHERE {
          GRAPH <https://w3id.org/citykg/graph/profile/leipzig-deu/2020> {
            ?import citykg:waveBasis ?basis ; citykg:waveBasisNote ?note } }""")
    assert basis == [
        {
            "basis": "https://w3id.org/citykg/id/concept/wave-basis/metadata",
            "note": "no 2018 snapshot note; population dated 2019; funds staff training, "
            "a 2020-only option",
        }
    ]


@pytest.mark.parametrize(
    ("role", "name"),
    [("citykg:Mayor", "Burkhard Jung"), ("citykg:LeadInnovationOfficer", "Ulrich Hörning")],
)
def test_posts(sparql, role, name):
    """One post of each kind per city; the profile states who holds it (as of its wave)."""
    rows = sparql.select(f"""
        SELECT ?name ?post WHERE {{
          {P} citykg:statesHolding ?holding .
          ?holding a citykg:PostHolding ; citykg:post ?post ; citykg:holder/schema:name ?name .
          ?post org:role {role} ; org:postIn ?admin .
          {P} citykg:city/citykg:administration ?admin .
        }}""")
    kind = "mayor" if role == "citykg:Mayor" else "lead-innovation-officer"
    assert rows == [
        {"name": name, "post": f"https://w3id.org/citykg/id/city/leipzig-deu/post/{kind}"}
    ]
    assert not sparql.ask("ASK { ?post org:heldBy ?person }")


def test_population_with_year(sparql):
    rows = sparql.select(f"""
        SELECT ?n (STR(?y) AS ?year) (DATATYPE(?y) AS ?dt) WHERE {{
          {P} citykg:population [ citykg:populationCount ?n ; citykg:referenceYear ?y ] }}""")
    assert rows == [{"n": 600000, "year": "2019", "dt": "http://www.w3.org/2001/XMLSchema#gYear"}]


def test_benefits(sparql):
    assert labels(sparql, "citykg:innovationHelpsTo") == {
        "Improve internal government operations",
        "Anticipate and manage future challenges",
        "Simplify administrative procedures for firms and residents",
    }


def test_success_factors(sparql):
    assert labels(sparql, "citykg:criticalSuccessFactor") == {
        "Dedicated funding",
        "Human resource support",
        "Culture of innovation in city",
        "Dedicated innovation team",
        "Leadership from Mayor",
    }


def test_spotlight(sparql):
    rows = sparql.select(f"""
        SELECT ?name (STR(?year) AS ?y) ?text WHERE {{
          {P} citykg:spotlight ?s .
          ?s a citykg:SpotlightInitiative ; schema:name ?name ; citykg:launchYear ?year ;
             schema:description ?text }}""")
    assert len(rows) == 1
    assert rows[0]["name"] == "Leipzig Thinking Ahead"
    assert rows[0]["y"] == "2012"
    assert rows[0]["text"].startswith(
        "Launched in 2012, the pilot project “Leipzig Thinking Ahead”"
    )
    assert rows[0]["text"].endswith("co-creating a vision for the city.")


def test_strategy_and_approach(sparql):
    rows = sparql.select(f"SELECT ?s WHERE {{ {P} citykg:hasExplicitStrategy ?s }}")
    assert rows == [{"s": True}]
    assert labels(sparql, "citykg:approach") == {
        "both holistic/macro level and specific policy areas"
    }


def test_focus_policy_areas(sparql):
    assert labels(sparql, "citykg:focusPolicyArea") == {
        "Transport/Mobility",
        "Environment and climate change",
    }


def test_roles_with_stated_count(sparql):
    assert labels(sparql, "citykg:innovationRole") == {
        "Project manager",
        "Data scientist",
        "Communication officer",
    }
    assert sparql.select(f"SELECT ?n WHERE {{ {P} citykg:statedRoleCount ?n }}") == [{"n": 3}]


def test_placement(sparql):
    assert labels(sparql, "citykg:placement") == {
        "sprinkled throughout the municipal administration"
    }
    rows = sparql.select(f"SELECT ?t WHERE {{ {P} citykg:placementStatement ?t }}")
    assert rows == [
        {"t": "Leipzig’s innovation work is sprinkled throughout the municipal administration."}
    ]


def test_terms(sparql):
    assert labels(sparql, "citykg:associatedTerm") == {"Data analytics", "Resident engagement"}


def test_seven_ranked_activities(sparql):
    rows = sparql.select(f"""
        SELECT ?rank ?label WHERE {{
          {P} citykg:rankedActivity ?a .
          ?a citykg:rank ?rank ; citykg:activity/skos:prefLabel ?label
        }} ORDER BY ?rank""")
    assert rows == [
        {"rank": 1, "label": "Taking risks or testing new ideas"},
        {"rank": 2, "label": "Data-driven analytics/public data management"},
        {"rank": 3, "label": "Engaging residents in new ways"},
        {"rank": 4, "label": "Developing new solutions based on digital technologies"},
        {"rank": 5, "label": "Organizational change within the municipality"},
        {"rank": 6, "label": "Human-centered design"},
        {"rank": 7, "label": "Rethinking your city's approach to financing partnerships"},
    ]
    assert labels(sparql, "citykg:topActivity") == {"Taking risks or testing new ideas"}


def test_activity_ranked_3(sparql):
    rows = sparql.select(f"""
        SELECT ?label WHERE {{ {P} citykg:rankedActivity [ citykg:rank 3 ;
                                 citykg:activity/skos:prefLabel ?label ] }}""")
    assert rows == [{"label": "Engaging residents in new ways"}]


def test_funding(sparql):
    rows = sparql.select(f"SELECT ?f WHERE {{ {P} citykg:hasDedicatedFunding ?f }}")
    assert rows == [{"f": True}]
    assert labels(sparql, "citykg:fundingSource") == {"Municipal budget"}
    assert labels(sparql, "citykg:fundedActivity") == {
        "Idea generation & brainstorming",
        "Investing in digital systems",
        "Training staff and building capacity",
    }


def test_partnerships(sparql):
    assert labels(sparql, "citykg:partnership") == {
        "other public agencies",
        "city residents/resident associations",
    }
    rows = sparql.select(f"SELECT ?p WHERE {{ {P} citykg:dataPartner ?p }}")
    assert {r["p"] for r in rows} == {
        "State’s Statistical Office",
        "National Labor Agency",
        "other environmental institutions",
    }
    statement = sparql.select(f"SELECT ?t WHERE {{ {P} citykg:dataPartnershipsStatement ?t }}")
    assert statement[0]["t"].startswith("To improve data use, the city has also developed")


def test_data_availability_17_sufficient_2_insufficient(sparql):
    rows = sparql.select(f"""
        SELECT (COUNT(DISTINCT ?s) AS ?sufficient) (COUNT(DISTINCT ?i) AS ?insufficient) WHERE {{
          {{ {P} citykg:sufficientDataFor ?s }} UNION {{ {P} citykg:insufficientDataFor ?i }} }}""")
    assert rows == [{"sufficient": 17, "insufficient": 2}]
    assert labels(sparql, "citykg:insufficientDataFor") == {
        "Health",
        "Social welfare/social services",
    }
    counts = sparql.select(f"""
        SELECT ?s ?i WHERE {{ {P} citykg:statedSufficientDataCount ?s ;
                                 citykg:statedInsufficientDataCount ?i }}""")
    assert counts == [{"s": 17, "i": 2}]
    assert "Health" in labels(sparql, "citykg:sufficientDataFor")


def test_survey_figures_are_statistics_not_city_facts(sparql):
    rows = sparql.select("""
        SELECT ?indicator ?wave (STR(?share) AS ?s) ?qualifier WHERE {
          ?o a qb:Observation ; qb:dataSet ?ds ; citykg:shareOfCities ?share ;
             citykg:indicator ?ind ;
             citykg:surveyCoverage/skos:notation ?wave .
          ?ds qb:structure citykg:SurveyStatisticsStructure .
          BIND (STRAFTER(STR(?ind), "survey-indicator/") AS ?indicator)
          OPTIONAL { ?o citykg:shareQualifier/skos:prefLabel ?qualifier }
        } ORDER BY ?indicator""")
    assert rows == [
        {"indicator": "dedicated-funding", "wave": "2018+2020", "s": "0.81", "qualifier": "about"},
        {"indicator": "explicit-strategy", "wave": "2018+2020", "s": "0.5", "qualifier": "about"},
        {"indicator": "funds-staff-training", "wave": "2020", "s": "0.61", "qualifier": "about"},
        {
            "indicator": "holistic-and-specific-approach",
            "wave": "2018+2020",
            "s": "0.5",
            "qualifier": "more than",
        },
    ]
    # The figures sit in the statistics graph only, and nothing links the city or profile to them.
    assert not sparql.ask("""
        ASK { GRAPH ?g { ?o citykg:shareOfCities ?v }
              FILTER (?g != <https://w3id.org/citykg/graph/statistics>)
              FILTER NOT EXISTS { GRAPH ?g { ?g a citykg:SourceLines } } }""")
    assert not sparql.ask("ASK { ?x ?p ?o . ?o a qb:Observation }")
    assert not sparql.ask("ASK { ?x a schema:City ; citykg:shareOfCities ?v }")


def test_no_funded_activity_counts(sparql):
    """The flattened chart's counts (47, 79, 51, 36, 30) are ambiguous and never become facts."""
    for n in (47, 79, 51, 36, 30):
        q = f"""ASK {{ GRAPH ?g {{ ?s ?p ?o . FILTER(?o = {n})
                      FILTER(?p NOT IN (citykg:firstLine, citykg:lastLine)) }} }}"""
        assert not sparql.ask(q), n
    chart_only = {
        "Launching or sustaining a project",
        "Investing in physical infrastructure",
        "Paying for services",
    }
    assert labels(sparql, "citykg:fundedActivity").isdisjoint(chart_only)


# The one query that finds where any value came from (docs/data-model.md): the provenance graph
# holding the triple names the source file and the lines it was read from.
WHERE_FROM = """
    SELECT ?file ?first ?last WHERE {{
      GRAPH ?lines {{ {s} {p} {o} .
                     ?lines citykg:firstLine ?first ; citykg:lastLine ?last ;
                            prov:wasDerivedFrom ?source }}
      ?source rdfs:label ?file }}"""


def test_every_value_traces_to_its_source_line(sparql):
    text = leipzig_text().splitlines()
    population = sparql.select(
        WHERE_FROM.format(s=f"{P}\\/population", p="citykg:populationCount", o="600000")
    )
    assert population == [{"file": "data/profiles/leipzig-deu-2020.txt", "first": 14, "last": 14}]
    assert text[13] == "600,000 (2019)"
    name = sparql.select(
        WHERE_FROM.format(
            s="<https://w3id.org/citykg/id/city/leipzig-deu>", p="schema:name", o='"Leipzig"'
        )
    )
    assert [(r["first"], r["last"]) for r in name] == [(4, 4)]
    rank3 = sparql.select(f"""
        SELECT ?first WHERE {{
          {P} citykg:rankedActivity ?a . ?a citykg:rank 3 ; citykg:activity ?c .
          GRAPH ?lines {{ ?a citykg:activity ?c . ?lines citykg:firstLine ?first }} }}""")
    assert text[rank3[0]["first"] - 1].strip() == "Engaging residents in new ways"
    # A value read from several lines carries the range: the spotlight's name and launch year.
    [spotlight] = sparql.select(f"""
        SELECT ?first ?last WHERE {{
          {P} citykg:spotlight ?s . ?s schema:description ?d .
          GRAPH ?lines {{ ?s schema:description ?d .
                         ?lines citykg:firstLine ?first ; citykg:lastLine ?last }} }}""")
    assert text[spotlight["first"] - 1].startswith("Launched in 2012")
    # Every triple of the profile graph about the profile traces to a line, but its structure.
    untraced = sparql.select(f"""
        SELECT ?p ?o WHERE {{
          GRAPH <https://w3id.org/citykg/graph/profile/leipzig-deu/2020> {{
            {P} ?p ?o . FILTER (?p NOT IN (rdf:type, citykg:city, rdfs:label, prov:wasDerivedFrom))
          }}
          FILTER NOT EXISTS {{ GRAPH ?lines {{ {P} ?p ?o . ?lines a citykg:SourceLines }} }}
        }}""")
    assert untraced == []


def test_default_graph_holds_only_the_data(sparql):
    """Provenance stays out of the way: no reification, one node per line span, none of it in
    the default graph."""
    rows = sparql.select('SELECT ?s ?p WHERE { ?s ?p "Leipzig" }')
    assert rows == [
        {"s": "https://w3id.org/citykg/id/city/leipzig-deu", "p": "https://schema.org/name"}
    ]
    assert not sparql.ask("ASK { ?s a rdf:Statement }")
    assert not sparql.ask("ASK { GRAPH ?g { ?s a rdf:Statement } }")
    assert not sparql.ask("ASK { ?s citykg:firstLine ?n }")
    spans = sparql.select("""
        SELECT (COUNT(DISTINCT ?g) AS ?graphs) (COUNT(DISTINCT ?first) AS ?lines) WHERE {
          GRAPH ?g { ?g a citykg:SourceLines ; citykg:firstLine ?first } }""")
    assert spans[0]["graphs"] == spans[0]["lines"] > 60


def test_provenance(sparql):
    """The profile graph is derived from its source file (its SHA-256) by an import that used it
    and was done by citykg; it states no time (the release's issue time is in its record)."""
    rows = sparql.select("""
        SELECT ?src ?sha ?agent WHERE {
          GRAPH ?g { ?g prov:wasDerivedFrom ?src ; prov:wasGeneratedBy ?import .
                     ?import prov:used ?src ; prov:wasAssociatedWith ?agent .
                     ?src citykg:sha256 ?sha } }""")
    assert len(rows) == 1
    assert rows[0]["src"] == "https://w3id.org/citykg/source/profiles/leipzig-deu-2020.txt"
    assert rows[0]["sha"] == hashlib.sha256(LEIPZIG.read_bytes()).hexdigest()
    assert rows[0]["agent"].startswith("https://w3id.org/citykg/id/software/citykg/")
    assert not sparql.ask("ASK { GRAPH ?g { ?s prov:generatedAtTime|prov:endedAtTime ?t } }")
    assert not sparql.ask("ASK { GRAPH ?g { ?s ?p ?t FILTER (datatype(?t) = xsd:dateTime) } }")
