"""The release layout: the directories of a project's ``var/`` and the files of one release.

A project keeps its releases and stores in ``var/`` (never committed, never setuptools' ``build/``):
``var/releases/{id}/`` one directory per release (kept until ``citykg prune``), ``var/current``
a symbolic link to the served one, ``var/stores/`` the on-disk Oxigraph stores the server loads
a release into.
"""

from __future__ import annotations

from dataclasses import dataclass

from citykg.contract.formats import BY_NAME, Format

VAR_DIR = "var"
RELEASES_DIR = "releases"
CURRENT = "current"
STORES_DIR = "stores"
PROPOSALS = "wikidata-proposals.csv"  # `citykg link`'s review file

NQUADS_FILE = "citykg.nq"  # every graph, named, sorted: the release's identity (its id is its hash)
DEFAULT_GRAPH_FILE = "citykg.nt.gz"  # the default graph as served: the RDF merge of the data graphs
VOID_FILE = "void.ttl"  # VoID and DCAT description, merged into the served default graph
SHAPES_FILE = "shapes.ttl"
FINDINGS_FILE = "findings.json"  # importer and validator findings, each with file and line
CITIES_FILE = "cities.json"  # the home page's city list, sorted by name at build time
GRAPHS_FILE = "graphs.json"  # every named graph with its triple count, counted by the build
SUMS_FILE = "SHA256SUMS"
RELEASE_FILE = "release.json"  # id, issue time, the release it revises, citykg's version
CHANGES_FILE = "changes.trig.gz"  # the triples added and removed since the release it revises
HISTORY_FILE = "history.tsv"  # every named graph: the release its triples last changed in
SEARCH_FILE = "search.sqlite"  # the full-text index of names and texts (contract/search_index.py)
# The release as CSV tables, described by one W3C CSVW metadata file (builder/table_schemas.py).
TABLE_METADATA_FILE = "csv-metadata.json"
PROFILES_TABLE, ANSWERS_TABLE = "profiles.csv", "answers.csv"
OPTION_COUNTS_TABLE, DATA_AVAILABILITY_TABLE = "option-counts.csv", "data-availability.csv"
TABLE_FILES = (PROFILES_TABLE, ANSWERS_TABLE, OPTION_COUNTS_TABLE, DATA_AVAILABILITY_TABLE)


@dataclass(frozen=True)
class Dump:
    """One downloadable dump, gzipped: file name, RDF format, whether it keeps named graphs."""

    name: str
    format: Format
    quads: bool


# The dumps the release writer produces and /dumps/ publishes, in that order.
DUMPS = (
    Dump("citykg.nq.gz", BY_NAME["nquads"], True),
    Dump(DEFAULT_GRAPH_FILE, BY_NAME["ntriples"], False),
    Dump("citykg.ttl.gz", BY_NAME["turtle"], False),
)
