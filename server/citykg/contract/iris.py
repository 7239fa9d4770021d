"""Every namespace and IRI pattern citykg uses, minted and recognised here only.

Things live under ``{base}id/...``, the ontology at ``{base}ontology#Term``, the shapes at
``{base}shapes#Shape``, named graphs under ``{base}graph/``. Values are plain strings; the build
wing wraps the namespaces as rdflib terms (:mod:`citykg.builder.namespaces`).
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import pyoxigraph as ox

DEFAULT_BASE = "https://w3id.org/citykg/"


class Namespace(str):
    """An IRI prefix: ``NS.term`` and ``NS["term"]`` are the IRIs under it, as strings."""

    __slots__ = ()

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        return str(self) + name

    def __getitem__(self, name: str) -> str:  # type: ignore[override]
        return str(self) + name


CITYKG = Namespace(DEFAULT_BASE + "ontology#")
SHAPES = Namespace(DEFAULT_BASE + "shapes#")
ID = Namespace(DEFAULT_BASE + "id/")
GRAPH = Namespace(DEFAULT_BASE + "graph/")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
VANN = Namespace("http://purl.org/vocab/vann/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")

ONTOLOGY_IRI = DEFAULT_BASE + "ontology"
DATASET_IRI = DEFAULT_BASE + "dataset"
SPARQL_ENDPOINT_IRI = DEFAULT_BASE + "sparql"
REPORT_GRAPH = GRAPH["validation-report"]  # a release's SHACL validation report, N-Quads only
REPORT_IRI = DEFAULT_BASE + "id/validation-report"  # its sh:ValidationReport
WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"

# The graphs every release has besides the profile graphs.
ONTOLOGY_GRAPH = GRAPH.ontology
CONCEPTS_GRAPH = GRAPH.concepts
DATASET_GRAPH = GRAPH.dataset
AGGREGATES_GRAPH = GRAPH.aggregates
STATISTICS_GRAPH = GRAPH.statistics
ENTITIES_GRAPH = GRAPH.entities  # cities, countries, people, posts, the importer
LINKS_GRAPH = GRAPH.links

# What each of them holds, as its IRI's document says.
SHARED_GRAPHS = {
    str(ONTOLOGY_GRAPH): "The citykg ontology: its classes and properties.",
    str(CONCEPTS_GRAPH): "The concept schemes: the survey's answer options and other codes.",
    str(DATASET_GRAPH): "The description of the dataset and of this release (VoID, DCAT).",
    str(AGGREGATES_GRAPH): "Counts over all profiles: the cities giving each option and rank.",
    str(STATISTICS_GRAPH): "The survey-wide figures the profiles quote (Data Cube).",
    str(ENTITIES_GRAPH): "Cities, countries, people and posts, shared by the profiles.",
    str(LINKS_GRAPH): "Links of cities and countries to Wikidata (owl:sameAs).",
}

SHAPES_IRI = DEFAULT_BASE + "shapes"
STATISTICS = ID.statistics  # the data set of the survey-wide figures profiles quote
OPTION_COUNTS = ID["option-counts"]  # the data set of profiles per answer option
RANK_COUNTS = ID["rank-counts"]  # the data set of profiles per activity and rank
FRAGMENTS_IRI = DEFAULT_BASE + "fragments"  # the Triple Pattern Fragments interface

# The VoID/DCAT description of a release: the services, the Wikidata linkset, every named graph.
SPARQL_SERVICE = DATASET_IRI + "/service/sparql"
FRAGMENTS_SERVICE = DATASET_IRI + "/service/fragments"
WIKIDATA_DATASET = DATASET_IRI + "/wikidata"
WIKIDATA_LINKSET = DATASET_IRI + "/linkset/wikidata"
NAMED_GRAPHS_DATASET = DATASET_IRI + "/named-graphs"

PREFIXES: dict[str, str] = {
    "citykg": CITYKG,
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "dqv": DQV,
    "org": ORG,
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": SCHEMA,
    "sh": SH,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": SPDX,
    "void": "http://rdfs.org/ns/void#",
    "wd": WD,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
PROFILE_GRAPHS = f"{GRAPH}profile/"
_LINES = "/line/"


def sparql_prefixes(*names: str) -> str:
    """``PREFIX`` lines for ``names`` (default: every prefix of :data:`PREFIXES`)."""
    return "".join(f"PREFIX {n}: <{PREFIXES[n]}>\n" for n in names or PREFIXES)


def city(slug: str) -> str:
    """IRI of the city with slug ``slug`` (``leipzig-deu``)."""
    return f"{ID}city/{slug}"


def country(code: str) -> str:
    """IRI of the country with ISO 3166-1 alpha-3 code ``code``."""
    return f"{ID}country/{code}"


def person(city_slug: str, name_slug: str) -> str:
    """IRI of the person named ``name_slug`` in the administration of a city."""
    return f"{ID}person/{city_slug}-{name_slug}"


def software(version: str) -> str:
    """IRI of citykg's importer at ``version``, the agent of every import."""
    return f"{ID}software/citykg/{version}"


def source(path: str) -> str:
    """IRI of a source file, by its path relative to the project (``data/profiles/x.txt``)."""
    relative = quote(path.removeprefix("data/").lstrip("/"), safe="/-._~")
    return f"{DEFAULT_BASE}source/{relative}"


def dump(name: str) -> str:
    """URL of the release's dump file ``name``."""
    return f"{DEFAULT_BASE}dumps/{name}"


RELEASES = DEFAULT_BASE + "releases/"  # the dcat:DatasetSeries of every release


def release(release_id: str) -> str:
    """IRI of one release (a dcat:Dataset in the series), its page and the base of its files."""
    return f"{RELEASES}{release_id}/"


def release_id_of(iri: str) -> str | None:
    """The id of the release whose IRI (:func:`release`) ``iri`` is; None for any other IRI."""
    release_id = iri.removeprefix(RELEASES).removesuffix("/")
    if not iri.startswith(RELEASES) or not iri.endswith("/") or release_id in ("", ".", ".."):
        return None
    return None if "/" in release_id else release_id


# In a remote store, the release it holds: ``citykg publish`` writes, last, this graph holding
# ``<{DATASET_IRI}> dcat:hasCurrentVersion <{release(id)}>``; the web nodes read it.
PUBLISHED_GRAPH = GRAPH.published
HAS_CURRENT_VERSION = PREFIXES["dcat"] + "hasCurrentVersion"


def release_changes(release_id: str) -> str:
    """IRI of what changed in a release since the one before it."""
    return f"{release(release_id)}changes"


CHANGE_KINDS = ("added", "removed")


def graph_changes(release_id: str, graph: str, kind: str) -> str:
    """IRI of the named graph of the triples a release ``kind`` (``added`` or ``removed``) to
    named graph ``graph`` since the release it revises: ``{release_changes(id)}/{kind}/{key}``,
    the key the first 16 hex digits of the SHA-256 of the UTF-8 bytes of ``graph``'s IRI, so
    the same graph has the same key in every release."""
    if kind not in CHANGE_KINDS:
        raise ValueError(f"kind must be one of {CHANGE_KINDS}, not {kind!r}")
    key = hashlib.sha256(graph.encode()).hexdigest()[:16]
    return f"{release_changes(release_id)}/{kind}/{key}"


def distribution(name: str) -> str:
    """IRI of the DCAT distribution of dump file ``name``."""
    return f"{DATASET_IRI}/distribution/{name.replace('.', '-')}"


def profile(city_slug: str, year: int | str) -> str:
    """IRI of a city's profile in the survey wave of ``year``."""
    return f"{ID}profile/{city_slug}/{year}"


def profile_graph(city_slug: str, year: int | str) -> str:
    """The named graph holding what one profile states."""
    return f"{PROFILE_GRAPHS}{city_slug}/{year}"


def span_graph_name(graph: str, first: int, last: int) -> str:
    """The provenance graph of the facts a profile graph read from lines ``first``-``last``:
    ``{graph}/line/{first}`` or ``{graph}/line/{first}-{last}``."""
    return f"{graph}{_LINES}{first}" if first == last else f"{graph}{_LINES}{first}-{last}"


def is_line_graph(name: str) -> bool:
    """Whether ``name`` is a provenance graph of source lines (see :func:`span_graph_name`):
    outside the served default graph, and not listed in ``graphs.json``."""
    return name.startswith(PROFILE_GRAPHS) and _LINES in name


def concept_scheme(scheme: str) -> str:
    """IRI of the concept scheme with slug ``scheme``."""
    return f"{ID}concept/{scheme}"


def concept(scheme: str, slug: str) -> str:
    """IRI of concept ``slug`` in scheme ``scheme``."""
    return f"{ID}concept/{scheme}/{slug}"


def concept_path(iri: str) -> str | None:
    """``scheme/slug`` of a concept IRI (``scheme`` of a scheme's); None for any other IRI."""
    prefix = f"{ID}concept/"
    return iri.removeprefix(prefix) if iri.startswith(prefix) else None


# What a path under ``{base}id/`` names, by its first segment and its number of segments.
_ID_KINDS = {
    ("city", 2): "city",
    ("country", 2): "country",
    ("profile", 3): "profile",
    ("concept", 2): "scheme",
    ("concept", 3): "concept",
}


def id_kind(iri: str) -> str | None:
    """What an IRI under ``{base}id/`` names: ``city``, ``country``, ``profile``, ``scheme``,
    ``concept``, or ``thing`` for any other node there; None outside ``id/``."""
    if not iri.startswith(ID):
        return None
    parts = iri[len(ID) :].split("/")
    return _ID_KINDS.get((parts[0], len(parts)), "thing")


def is_iri(value: str) -> bool:
    """Whether ``value`` is an absolute IRI (RFC 3987), as strictly as the store checks it."""
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True
