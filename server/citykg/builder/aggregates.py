"""All-cities aggregates, counted once per release into the graph ``graph/aggregates``.

Counting answer options over every profile is a scan that grows with the number of cities on
every engine (the data-availability matrix at 10 000 cities: 0.2 s in memory, 2 s on disk). The
build counts them once: for every survey wave, property and answer option, how many profiles
chose that option through that property. The answer options are the members of the collection
``{base}id/concept/answer-option`` (every concept of every answer list), the code list of the
dimension ``citykg:option``: a survey wave, wave basis or other concept a profile names is not
counted. The data-availability matrix is the part with the properties
``citykg:sufficientDataFor`` and ``citykg:insufficientDataFor``. Each count is a Data Cube
observation of the data set ``{base}id/option-counts``; pages and users read it by lookup.
The ranks the activities were given are counted the same way (``{base}id/rank-counts``: profiles
per survey wave, activity and rank), as every profile ranks every activity.

The list of cities on the home page is the other all-cities aggregate: sorted by name once per
release (``city_index``), so a page of it is a slice, not a sort of every city (at 100 000 cities
on disk the live query took 100 s).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, QB, RDF, RDFS, SKOS, XSD

from citykg.builder.namespaces import CITYKG, SCHEMA
from citykg.contract import iris

AGGREGATES_GRAPH = URIRef(iris.AGGREGATES_GRAPH)
OPTION_COUNTS = URIRef(iris.OPTION_COUNTS)
RANK_COUNTS = URIRef(iris.RANK_COUNTS)
ANSWER_OPTIONS = URIRef(iris.concept_scheme("answer-option"))  # a skos:Collection
_NOT_COUNTED = {str(RDF), str(SKOS)}


OptionCounts = Counter[tuple[URIRef, URIRef, URIRef]]
RankCounts = Counter[tuple[URIRef, URIRef, int]]
RANKS = {str(rank) for rank in range(1, 8)}


def concept_options(concepts: Graph) -> set[URIRef]:
    """The answer options: the members of the answer-option collection, the code list of
    ``citykg:option``, so that every option counted is a code of that list."""
    return {
        URIRef(member)
        for member in concepts.objects(ANSWER_OPTIONS, SKOS.member)
        if (member, RDF.type, SKOS.Concept) in concepts
    }


def count_options(profile: Graph, options: Collection[URIRef]) -> OptionCounts:
    """The (wave, property, option) choices of one profile graph, each counted once."""
    waves = set(profile.objects(None, CITYKG.surveyWave))
    chosen = {
        (p, o)
        for _, p, o in profile
        if o in options and not any(str(p).startswith(ns) for ns in _NOT_COUNTED)
    }
    return Counter((wave, p, o) for wave in waves for p, o in chosen)


def count_ranks(profile: Graph) -> RankCounts:
    """The (wave, activity, rank) triples of one profile graph, each counted once; a rank that
    is not one of 1 to 7 is the profile's error (reported by its shapes), not counted."""
    waves = set(profile.objects(None, CITYKG.surveyWave))
    given = {
        (activity, int(rank))
        for part in profile.objects(None, CITYKG.rankedActivity)
        for activity in profile.objects(part, CITYKG.activity)
        for rank in profile.objects(part, CITYKG.rank)
        if str(rank) in RANKS
    }
    return Counter((wave, activity, rank) for wave in waves for activity, rank in given)


def rank_counts(counts: RankCounts) -> Graph:
    """The rank-count observations (profiles per wave, activity and rank) as a graph."""
    observations = (
        (
            URIRef(f"{RANK_COUNTS}/{_tail(wave)}/{_tail(activity)}/{rank}"),
            {
                CITYKG.surveyWave: wave,
                CITYKG.option: activity,
                CITYKG.givenRank: Literal(rank, datatype=XSD.integer),
            },
            n,
        )
        for (wave, activity, rank), n in counts.items()
    )
    label = "Profiles per ranked activity, rank and survey wave"
    return _data_set(RANK_COUNTS, CITYKG.RankCountStructure, label, observations)


def option_counts(counts: OptionCounts) -> Graph:
    """The option-count observations (profiles per wave, property and option) as a graph."""
    observations = (
        (
            URIRef(f"{OPTION_COUNTS}/{_tail(wave)}/{_tail(prop)}/{_tail(option)}"),
            {CITYKG.surveyWave: wave, CITYKG.countedProperty: prop, CITYKG.option: option},
            n,
        )
        for (wave, prop, option), n in counts.items()
    )
    label = "Profiles per answer option, property and survey wave"
    return _data_set(OPTION_COUNTS, CITYKG.OptionCountStructure, label, observations)


def _data_set(
    data_set: URIRef,
    structure: URIRef,
    label: str,
    observations: Iterable[tuple[URIRef, dict[URIRef, URIRef | Literal], int]],
) -> Graph:
    """A Data Cube data set of profile counts: each observation with its dimensions and count."""
    graph = Graph()
    graph.add((data_set, RDF.type, QB.DataSet))
    graph.add((data_set, QB.structure, structure))
    graph.add((data_set, RDFS.label, Literal(label, lang="en")))
    for observation, dimensions, n in observations:
        graph.add((observation, RDF.type, QB.Observation))
        graph.add((observation, QB.dataSet, data_set))
        for prop, value in dimensions.items():
            graph.add((observation, prop, value))
        graph.add((observation, CITYKG.profileCount, Literal(n, datatype=XSD.integer)))
    return graph


def _tail(iri: URIRef) -> str:
    """The last part of a concept or property IRI, for readable observation IRIs."""
    text = str(iri)
    return iris.concept_path(text) or text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def city_index(
    profiles: Iterable[tuple[URIRef, str, str]], entities: Graph, links: Graph
) -> list[dict[str, str]]:
    """Every city with a profile (``profiles``: city, name, wave) as a row of the home page's
    list: IRI, name, country name, Wikidata IRI (when linked) and survey waves, sorted by name
    and then IRI."""
    names: dict[URIRef, str] = {}
    waves: dict[URIRef, set[str]] = defaultdict(set)
    for city, name, wave in profiles:
        names[city] = name
        waves[city].add(wave)
    rows = []
    for city, name in names.items():
        row = {"city": str(city), "name": name, "waves": ", ".join(sorted(waves[city]))}
        for country in sorted(entities.objects(city, SCHEMA.containedInPlace))[:1]:
            for country_name in sorted(entities.objects(country, SCHEMA.name))[:1]:
                row["country"] = str(country_name)
        wikidata = min(links.objects(city, OWL.sameAs), default=None)
        if wikidata is not None:
            row["wikidata"] = str(wikidata)
        rows.append(row)
    return sorted(rows, key=lambda row: (row["name"], row["city"]))
