"""Data for the HTML pages, read from the store: the city profile, concepts, schemes, the index.

Each function returns plain dicts and lists (datasette's "data first, render second"); templates
turn them into HTML and the RDF alternates of the same resource carry the same facts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import quote

from citykg.contract.iris import GRAPH
from citykg.serve.store import ReleaseInfo, Store

PREFIXES = """PREFIX citykg: <https://w3id.org/citykg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""
CITYKG = "https://w3id.org/citykg/ontology#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
POLICY_AREAS = "https://w3id.org/citykg/id/concept/policy-area"
AGGREGATES_GRAPH = str(GRAPH.aggregates)
MAX_LISTED = 100

# The answer lists of a profile, in the order of a profile page.
LISTS = (
    ("benefits", "Innovation is helping to", "innovationHelpsTo"),
    ("success_factors", "Critical success factors", "criticalSuccessFactor"),
    ("approach", "Approach", "approach"),
    ("policy_areas", "Policy areas the city is focused on", "focusPolicyArea"),
    ("roles", "Innovation skills and roles", "innovationRole"),
    ("placement", "Placement of innovation work", "placement"),
    ("terms", "Terms most associated with innovation", "associatedTerm"),
    ("top_activity", "Highlighted activity", "topActivity"),
    ("funding_sources", "Top sources of funding", "fundingSource"),
    ("funded_activities", "Activities being funded", "fundedActivity"),
    ("partnerships", "Partnerships to promote innovation capacity", "partnership"),
)
VALUES = {
    "hasExplicitStrategy": "strategy",
    "hasDedicatedFunding": "dedicated_funding",
    "statedRoleCount": "stated_roles",
    "rolesStatement": "roles_statement",
    "placementStatement": "placement_statement",
    "dataPartnershipsStatement": "data_partnerships",
    "spotlightStatement": "spotlight_statement",
    "snapshotNote": "snapshot_note",
    "statedSufficientDataCount": "stated_sufficient",
    "statedInsufficientDataCount": "stated_insufficient",
}


def select(store: Store, query: str, graph: str | None = None) -> list[dict[str, str]]:
    """Rows of a SELECT over the default graph, the data (or over ``graph`` only), every value
    as its lexical form or IRI."""
    if graph is None:
        result = store.query(PREFIXES + query)
    else:
        result = store.query(PREFIXES + query, default_graphs=[graph], named_graphs=[])
    names = [v.value for v in result.variables]
    return [
        {name: term.value for name, term in zip(names, row, strict=True) if term is not None}
        for row in result
    ]


def city_profiles(store: Store, city: str) -> list[str]:
    """The profiles of a city, newest wave first."""
    rows = select(
        store,
        f"""SELECT ?p WHERE {{ ?p citykg:city <{city}> ;
                                citykg:surveyWave/skos:notation ?w }} ORDER BY DESC(?w)""",
    )
    return [r["p"] for r in rows]


@dataclass(frozen=True)
class Vocabulary:
    """What every profile page needs and no profile changes: the labels of the concepts and
    ontology terms, and the policy areas in their order. Read once per release."""

    labels: dict[str, str]
    policy_areas: list[dict]


def vocabulary(store: Store) -> Vocabulary:
    """The labels and policy areas of the release in ``store``."""
    rows = select(
        store,
        f"""SELECT ?s ?label WHERE {{ GRAPH ?g {{ ?s skos:prefLabel|rdfs:label ?label }}
                                     FILTER (?g IN (<{GRAPH.concepts}>, <{GRAPH.ontology}>)) }}""",
    )
    areas = select(
        store,
        f"""SELECT ?area ?label ?notation WHERE {{
              ?area skos:inScheme <{POLICY_AREAS}> ; skos:prefLabel ?label .
              OPTIONAL {{ ?area skos:notation ?notation }} }}""",
    )
    return Vocabulary({r["s"]: r["label"] for r in rows}, sorted(areas, key=_order))


def profile(store: Store, iri: str, release: ReleaseInfo, vocab: Vocabulary) -> dict:
    """Everything the city page shows about one profile, in the profile's order.

    Four queries: the profile's header (city, country, links, source, and the name of its
    graph), the whole named graph of the profile (one range scan: answers and parts), the
    source lines of its answers and the survey statistics it quotes; labels come from ``vocab``.
    """
    data: dict = {"iri": iri, "lists": [], "values": {}}
    head = select(
        store,
        f"""
        SELECT ?g ?city ?name ?country ?countryName ?cityWikidata ?countryWikidata ?wave ?source
               ?sourcePath ?primary ?generated WHERE {{
          GRAPH ?g {{ <{iri}> citykg:city ?city }}
          FILTER NOT EXISTS {{ GRAPH ?g {{ ?g a citykg:SourceLines }} }}
          <{iri}> citykg:surveyWave/skos:notation ?wave .
          ?city schema:name ?name .
          OPTIONAL {{ ?city schema:containedInPlace ?country . ?country schema:name ?countryName
                      OPTIONAL {{ ?country owl:sameAs ?countryWikidata }} }}
          OPTIONAL {{ ?city owl:sameAs ?cityWikidata }}
          OPTIONAL {{ <{iri}> prov:wasDerivedFrom ?source . ?source rdfs:label ?sourcePath
                      OPTIONAL {{ ?source prov:hadPrimarySource ?primary }} }}
          OPTIONAL {{ ?g prov:generatedAtTime ?generated }}
        }} LIMIT 1""",
    )
    data.update(head[0] if head else {})
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for t in store.triples(graph=data["g"]) if head else ():
        graph[t.subject.value][t.predicate.value.removeprefix(CITYKG)].append(t.object.value)
    own = graph[iri]
    data["posts"] = [
        {"role": vocab.labels[role.object.value], "name": name}
        for holding in own["statesHolding"]
        for post in graph[holding]["post"][:1]
        for role in store.triples(subject=post, predicate=ORG + "role")
        if role.object.value in vocab.labels
        for person in graph[holding]["holder"]
        for name in _names(store, person)
    ]
    data["population"] = _part(
        graph, own["population"], populationCount="count", referenceYear="year"
    )
    spotlight = _part(
        graph,
        own["spotlight"],
        **{SCHEMA + "name": "name", "launchYear": "year", SCHEMA + "description": "description"},
    )
    data["spotlight"] = spotlight if spotlight and "description" in spotlight else None
    lines = _source_lines(store, iri)
    data["spotlight_list"] = sorted(
        (
            {"name": graph[node][SCHEMA + "name"][0], "line": lines.get(("spotlight", node), 0)}
            for node in own["spotlight"]
            if graph[node][SCHEMA + "name"] and not graph[node][SCHEMA + "description"]
        ),
        key=lambda item: item["line"],
    )
    _answers(iri, graph, vocab, data, lines)
    activities = [
        {"rank": rank, "concept": concept, "label": vocab.labels.get(concept, concept)}
        for part in own["rankedActivity"]
        for rank in graph[part]["rank"]
        for concept in graph[part]["activity"]
    ]
    data["activities"] = sorted(activities, key=lambda a: (int(a["rank"]), a["label"]))
    data["availability"] = availability(vocab, own)
    data["statistics"] = select(
        store,
        f"""
        SELECT ?indicator ?share ?coverage ?qualifier WHERE {{
          <{iri}> prov:wasDerivedFrom ?source .
          ?o a qb:Observation ; prov:wasDerivedFrom ?source ; citykg:shareOfCities ?share ;
             citykg:indicator/skos:prefLabel ?indicator ;
             citykg:surveyCoverage/skos:prefLabel ?coverage ;
             citykg:shareQualifier/skos:prefLabel ?qualifier .
        }} ORDER BY ?indicator""",
    )
    path = data.get("sourcePath")
    data["findings"] = [f for f in release.findings if path and f.get("file") == path]
    data["query"] = ready_made_query(iri)
    return data


def _names(store: Store, person: str) -> list[str]:
    return [t.object.value for t in store.triples(subject=person, predicate=SCHEMA + "name")]


def _part(graph: dict, nodes: list[str], **fields: str) -> dict | None:
    """The first of ``nodes`` as a dict of the given properties (property -> key)."""
    for node in nodes:
        return {key: graph[node][p][0] for p, key in fields.items() if graph[node][p]}
    return None


def _source_lines(store: Store, iri: str) -> dict[tuple[str, str], int]:
    """(property, value) -> the first source line each statement about ``iri`` was read from,
    from the profile's provenance graphs (one per span of lines, outside the default graph)."""
    rows = select(
        store,
        f"""SELECT ?p ?o (MIN(?first) AS ?line) WHERE {{
              GRAPH ?g {{ <{iri}> ?p ?o . ?g citykg:firstLine ?first }} }} GROUP BY ?p ?o""",
    )
    return {(r["p"].removeprefix(CITYKG), r["o"]): int(r["line"]) for r in rows}


def _answers(
    iri: str, graph: dict, vocab: Vocabulary, data: dict, lines: dict[tuple[str, str], int]
) -> None:
    """The profile's single values and its answer lists, each in source-line order; answers
    that name no option of their list are shown as printed."""
    own = graph[iri]
    for prop, key in VALUES.items():
        if own[prop]:
            ordered = sorted(dict.fromkeys(own[prop]), key=lambda o: lines.get((prop, o), 0))
            data["values"][key] = " ".join(ordered)
    unlisted = [
        (graph[a]["answerTo"][0], graph[a]["answerText"][0], lines.get(("unlistedAnswer", a), 0))
        for a in own["unlistedAnswer"]
        if graph[a]["answerTo"] and graph[a]["answerText"]
    ]
    for key, title, prop in LISTS:
        items = [
            {"p": CITYKG + prop, "o": o, "label": vocab.labels[o], "line": lines.get((prop, o), 0)}
            for o in dict.fromkeys(own[prop])
            if o in vocab.labels
        ]
        items += [
            {"p": CITYKG + prop, "o": None, "label": text, "line": line, "unlisted": True}
            for answer_to, text, line in unlisted
            if answer_to == CITYKG + prop
        ]
        items.sort(key=lambda r: (r["line"], r["label"]))
        data["lists"].append({"key": key, "title": title, "answers": items})


def _order(row: dict) -> tuple:
    notation = row.get("notation", "")
    return (int(notation) if notation.isdigit() else 10**6, row["label"])


def availability(vocab: Vocabulary, own: dict[str, list[str]]) -> list[dict]:
    """Every policy area with the profile's data availability; 'both' marks a contradiction."""
    rows = []
    for area in vocab.policy_areas:
        row = dict(area)
        row["sufficient"] = area["area"] in own["sufficientDataFor"]
        row["insufficient"] = area["area"] in own["insufficientDataFor"]
        row["status"] = (
            "both"
            if row["sufficient"] and row["insufficient"]
            else "sufficient"
            if row["sufficient"]
            else "insufficient"
            if row["insufficient"]
            else "not stated"
        )
        rows.append(row)
    return rows


def ready_made_query(profile_iri: str) -> str:
    """A SPARQL query listing every answer of a profile, for the query page."""
    return (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?property ?value ?label WHERE {\n"
        f"  <{profile_iri}> ?property ?value .\n"
        "  OPTIONAL { ?value skos:prefLabel ?label }\n"
        "}\nORDER BY ?property"
    )


def query_link(query: str) -> str:
    """The query page URL running ``query``."""
    return "/query?query=" + quote(query, safe="")


def concept(store: Store, iri: str) -> dict:
    """A concept: labels, notes, its scheme, and the profiles that chose it, by property."""
    info = select(
        store,
        f"""
        SELECT ?label ?scheme ?schemeLabel ?note ?definition WHERE {{
          <{iri}> skos:prefLabel ?label ; skos:inScheme ?scheme .
          ?scheme skos:prefLabel ?schemeLabel
          OPTIONAL {{ <{iri}> skos:scopeNote ?note }}
          OPTIONAL {{ <{iri}> skos:definition ?definition }}
        }} LIMIT 1""",
    )
    alt = select(store, f"SELECT ?alt WHERE {{ <{iri}> skos:altLabel ?alt }} ORDER BY ?alt")
    counts = select(
        store,
        f"""
        SELECT ?property ?propertyLabel (SUM(?n) AS ?count) WHERE {{
          GRAPH <{AGGREGATES_GRAPH}> {{
            ?observation citykg:option <{iri}> ; citykg:countedProperty ?property ;
              citykg:profileCount ?n }}
          OPTIONAL {{ ?property rdfs:label ?propertyLabel }}
        }} GROUP BY ?property ?propertyLabel ORDER BY ?propertyLabel""",
    )
    ranked = select(
        store,
        f"""
        SELECT ?rank (SUM(?count) AS ?n) WHERE {{
          GRAPH <{AGGREGATES_GRAPH}> {{
            ?observation citykg:option <{iri}> ; citykg:givenRank ?rank ;
              citykg:profileCount ?count }}
        }} GROUP BY ?rank ORDER BY ?rank""",
    )
    groups = [
        {
            "property": row.get("propertyLabel") or row["property"],
            "count": int(row["count"]),
            "uses": _uses(store, row["property"], iri),
            "all": query_link(
                f"SELECT ?profile ?city WHERE {{ ?profile {_chosen(row['property'])} <{iri}> ; "
                f"<{CITYKG}city> ?city }}"
            ),
        }
        for row in counts
    ]
    return {
        "iri": iri,
        **(info[0] if info else {}),
        "alt": [r["alt"] for r in alt],
        "groups": groups,
        "ranked": ranked,
    }


def _chosen(prop: str) -> str:
    """The path from a profile to an option chosen through ``prop``: the property itself, or
    through a ranked activity (``citykg:activity`` is said of the ranked activity)."""
    return f"<{CITYKG}rankedActivity>?/<{prop}>"


def _uses(store: Store, prop: str, iri: str) -> list[dict]:
    """At most MAX_LISTED profiles choosing ``iri`` through ``prop``, by city name: all of them
    when there are that few, else the first the engine finds (ordering them all first took 8 s
    at 100 000 cities on disk, for reading every name; the page links to the query for all)."""
    return select(
        store,
        f"""
        SELECT ?city ?name ?wave ?profile WHERE {{
          {{ SELECT ?profile ?city WHERE {{ ?profile {_chosen(prop)} <{iri}> ; citykg:city ?city }}
             LIMIT {MAX_LISTED} }}
          ?profile citykg:surveyWave/skos:notation ?wave .
          ?city schema:name ?name .
        }} ORDER BY ?name ?wave""",
    )


def scheme(store: Store, iri: str) -> dict:
    """A concept scheme: its concepts in order, each with how many profiles chose it through
    each property (the release's option counts, summed over the survey waves: a lookup, not a
    count over every profile)."""
    info = select(
        store,
        f"""
        SELECT ?label ?definition ?note WHERE {{ <{iri}> skos:prefLabel ?label
          OPTIONAL {{ <{iri}> skos:definition ?definition }}
          OPTIONAL {{ <{iri}> skos:editorialNote ?note }} }} LIMIT 1""",
    )
    concepts = select(
        store,
        f"""
        SELECT ?concept ?label ?notation WHERE {{
          ?concept skos:inScheme <{iri}> ; skos:prefLabel ?label .
          OPTIONAL {{ ?concept skos:notation ?notation }} }}""",
    )
    counts = select(
        store,
        f"""
        SELECT ?concept ?property ?propertyLabel (SUM(?n) AS ?count) WHERE {{
          ?concept skos:inScheme <{iri}> .
          GRAPH <{AGGREGATES_GRAPH}> {{
            ?observation citykg:option ?concept ; citykg:countedProperty ?property ;
              citykg:profileCount ?n }}
          OPTIONAL {{ ?property rdfs:label ?propertyLabel }}
        }} GROUP BY ?concept ?property ?propertyLabel""",
    )
    labels = {row["property"]: row.get("propertyLabel", row["property"]) for row in counts}
    properties = sorted(labels, key=lambda p: (labels[p], p))
    chosen = {(row["concept"], row["property"]): int(row["count"]) for row in counts}
    for concept in concepts:
        concept["counts"] = [chosen.get((concept["concept"], p), 0) for p in properties]
    return {
        "iri": iri,
        **(info[0] if info else {}),
        "properties": [{"property": p, "label": labels[p]} for p in properties],
        "concepts": sorted(concepts, key=_order),
    }


def cities(store: Store) -> list[dict]:
    """Every city with its country, Wikidata link and waves, for the index."""
    return select(
        store,
        """
        SELECT ?city ?name ?country ?wikidata
               (GROUP_CONCAT(DISTINCT ?wave; separator=", ") AS ?waves)
        WHERE {
          ?profile citykg:city ?city ; citykg:surveyWave/skos:notation ?wave .
          ?city schema:name ?name .
          OPTIONAL { ?city schema:containedInPlace/schema:name ?country }
          OPTIONAL { ?city owl:sameAs ?wikidata }
        } GROUP BY ?city ?name ?country ?wikidata ORDER BY ?name""",
    )


def schemes(store: Store) -> list[dict]:
    """Every concept scheme, for the index."""
    return select(
        store,
        """
        SELECT ?scheme ?label (COUNT(?c) AS ?concepts) WHERE {
          ?scheme a skos:ConceptScheme ; skos:prefLabel ?label . ?c skos:inScheme ?scheme }
        GROUP BY ?scheme ?label ORDER BY ?label""",
    )


def ontology(store: Store, graph: str) -> dict:
    """The ontology's header and its terms by kind, for its documentation page."""
    header = select(
        store,
        """
        PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX vann: <http://purl.org/vocab/vann/>
        SELECT ?title ?description ?version ?versionIRI ?license ?prefix ?namespace WHERE {
          ?o a owl:Ontology ; dcterms:title ?title ; dcterms:description ?description ;
             owl:versionInfo ?version ; owl:versionIRI ?versionIRI ; dcterms:license ?license ;
             vann:preferredNamespacePrefix ?prefix ; vann:preferredNamespaceUri ?namespace }""",
        graph,
    )
    terms = select(
        store,
        """
        SELECT ?term ?kind ?label ?definition
               (GROUP_CONCAT(DISTINCT STR(?d); separator=" ") AS ?domain)
               (GROUP_CONCAT(DISTINCT STR(?r); separator=" ") AS ?range)
               (GROUP_CONCAT(DISTINCT STR(?sup); separator=" ") AS ?super) WHERE {
          ?term rdfs:isDefinedBy ?o ; a ?kind ; rdfs:label ?label ; skos:definition ?definition .
          ?o a owl:Ontology .
          OPTIONAL { ?term rdfs:domain ?d } OPTIONAL { ?term rdfs:range ?r }
          OPTIONAL { ?term rdfs:subClassOf ?sup }
        } GROUP BY ?term ?kind ?label ?definition ORDER BY ?label""",
        graph,
    )
    kinds = {
        "http://www.w3.org/2002/07/owl#Class": "Classes",
        "http://www.w3.org/2002/07/owl#ObjectProperty": "Object properties",
        "http://www.w3.org/2002/07/owl#DatatypeProperty": "Datatype properties",
    }
    by_term: dict[str, dict] = {}
    for t in terms:
        entry = by_term.setdefault(
            t["term"], {**t, "name": t["term"].rsplit("#", 1)[-1], "kinds": set()}
        )
        entry["kinds"].add(t["kind"])
    sections: dict[str, list[dict]] = {title: [] for title in [*kinds.values(), "Individuals"]}
    for entry in by_term.values():
        title = next((kinds[k] for k in kinds if k in entry["kinds"]), "Individuals")
        sections[title].append(entry)
    return {
        "header": header[0] if header else {},
        "sections": [{"title": k, "terms": v} for k, v in sections.items() if v],
    }
