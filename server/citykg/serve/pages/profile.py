"""The data of a city page: each of its profiles, as the profile reads."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from citykg.contract.iris import (
    CITYKG,
    CONCEPTS_GRAPH,
    ONTOLOGY_GRAPH,
    ORG,
    SCHEMA,
    concept_scheme,
    release_changes,
    sparql_prefixes,
)
from citykg.contract.iris import release as release_iri
from citykg.contract.layout import CHANGES_FILE, HISTORY_FILE, NQUADS_FILE
from citykg.contract.release_history import history_below
from citykg.contract.survey import BY_KEY
from citykg.serve.pages.answer_counts import add_answer_counts
from citykg.serve.pages.select import by_notation, select
from citykg.serve.store import ReleaseInfo, Store

POLICY_AREAS = concept_scheme("policy-area")


def _section(key: str) -> str:
    """The property of the answers of the survey section ``key`` (a list: it has one)."""
    prop = BY_KEY[key].property
    if prop is None:
        raise ValueError(f"the survey section {key} names no property")
    return prop


# The answer lists of a profile, in the order of a profile page: (key, title, property). The
# key names the list in templates and HTML ids. Lists read from a section of the survey take
# their property from it; the others are read from the survey's fixed sentences.
LISTS = (
    ("benefits", "Innovation is helping to", _section("benefits")),
    ("success_factors", "Critical success factors", _section("success-factors")),
    ("approach", "Approach", "approach"),
    ("policy_areas", "Policy areas the city is focused on", _section("policy-areas")),
    ("roles", "Innovation skills and roles", _section("roles")),
    ("placement", "Placement of innovation work", "placement"),
    ("terms", "Terms most associated with innovation", _section("terms")),
    ("top_activity", "Highlighted activity", "topActivity"),
    ("funding_sources", "Top sources of funding", _section("funding-sources")),
    ("funded_activities", "Activities being funded", _section("funded-activities")),
    ("partnerships", "Partnerships to promote innovation capacity", "partnership"),
)
# The single values of a profile (from the survey's sentences and prose): property -> key.
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
                                     FILTER (?g IN (<{CONCEPTS_GRAPH}>, <{ONTOLOGY_GRAPH}>)) }}""",
    )
    areas = select(
        store,
        f"""SELECT ?area ?label ?notation WHERE {{
              ?area skos:inScheme <{POLICY_AREAS}> ; skos:prefLabel ?label .
              OPTIONAL {{ ?area skos:notation ?notation }} }}""",
    )
    return Vocabulary({r["s"]: r["label"] for r in rows}, sorted(areas, key=by_notation))


def city_profiles(store: Store, city: str) -> list[str]:
    """The profiles of a city, newest wave first."""
    rows = select(
        store,
        f"""SELECT ?p WHERE {{ ?p citykg:city <{city}> ;
                                citykg:surveyWave/skos:notation ?w }} ORDER BY DESC(?w)""",
    )
    return [r["p"] for r in rows]


def profile(store: Store, iri: str, release: ReleaseInfo, vocab: Vocabulary) -> dict:
    """Everything the city page shows about one profile, in the profile's order.

    Five queries: the profile's header (city, country, links, source, and the name of its
    graph), the whole named graph of the profile (one range scan: answers and parts), the
    source lines of its answers, the survey statistics it quotes and how many cities gave each
    answer; labels come from ``vocab``, since when its facts stand from the release's history.
    """
    data: dict = {"iri": iri, "lists": [], "values": {}}
    head = select(
        store,
        f"""
        SELECT ?g ?city ?name ?country ?countryName ?cityWikidata ?countryWikidata ?wave ?source
               ?sourcePath ?primary WHERE {{
          GRAPH ?g {{ <{iri}> citykg:city ?city }}
          FILTER NOT EXISTS {{ GRAPH ?g {{ ?g a citykg:SourceLines }} }}
          <{iri}> citykg:surveyWave/skos:notation ?wave .
          ?city schema:name ?name .
          OPTIONAL {{ ?city schema:containedInPlace ?country . ?country schema:name ?countryName
                      OPTIONAL {{ ?country owl:sameAs ?countryWikidata }} }}
          OPTIONAL {{ ?city owl:sameAs ?cityWikidata }}
          OPTIONAL {{ <{iri}> prov:wasDerivedFrom ?source . ?source rdfs:label ?sourcePath
                      OPTIONAL {{ ?source prov:hadPrimarySource ?primary }} }}
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
    data["since"] = facts_since(release, data["g"]) if head else None
    add_answer_counts(store, release, data)
    return data


def facts_since(release: ReleaseInfo, graph: str) -> dict | None:
    """Since which release the facts of the profile graph ``graph`` stand: the latest (by issue
    time) of the releases in which it and its source-line graphs last changed, as the served
    release's history says, with a link to what changed then (the changes page, at the first
    of those graphs), or to the release when it has no changes (the first), or none when it is
    no longer kept. None for a release without a (readable) history."""
    try:
        rows = history_below(release.path / HISTORY_FILE, graph)
        if not rows:
            return None
        latest = max(rows, key=lambda r: (datetime.fromisoformat(r.issued), r.release))
    except (OSError, ValueError):  # a history or an issue time that is not one
        return None
    changed = next(r.graph for r in rows if r.release == latest.release)  # rows: graph first
    kept = release.path.parent / latest.release
    href = (
        f"{release_changes(latest.release)}#{changed}"
        if (kept / CHANGES_FILE).is_file()
        else release_iri(latest.release)
        if (kept / NQUADS_FILE).is_file()
        else None
    )
    return {"release": latest.release, "date": latest.issued[:10], "href": href}


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
        sparql_prefixes("skos") + "SELECT ?property ?value ?label WHERE {\n"
        f"  <{profile_iri}> ?property ?value .\n"
        "  OPTIONAL { ?value skos:prefLabel ?label }\n"
        "}\nORDER BY ?property"
    )
