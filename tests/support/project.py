"""The real project, throw-away projects, and a release queried as the endpoint serves it."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pyoxigraph as ox

from citykg.contract.layout import DEFAULT_GRAPH_FILE, NQUADS_FILE
from citykg.contract.project import Project

ROOT = Path(__file__).resolve().parents[2]
LEIPZIG = ROOT / "data" / "profiles" / "leipzig-deu-2020.txt"
PREFIXES = """
PREFIX citykg: <https://w3id.org/citykg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX void: <http://rdfs.org/ns/void#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX spdx: <http://spdx.org/rdf/terms#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX city: <https://w3id.org/citykg/id/city/>
PREFIX profile: <https://w3id.org/citykg/id/profile/>
PREFIX concept: <https://w3id.org/citykg/id/concept/>
"""


def leipzig_text() -> str:
    """The real Leipzig profile as committed under data/profiles."""
    return LEIPZIG.read_text(encoding="utf-8")


def make_project(root: Path, profiles: dict[str, bytes | str], links: str | None = None) -> Project:
    """A project with the real ontology, concepts and shapes and the given profiles."""
    for folder in ("ontology", "shapes"):
        shutil.copytree(ROOT / folder, root / folder)
    (root / "data" / "profiles").mkdir(parents=True)
    link_text = links if links is not None else (ROOT / "data" / "wikidata-links.csv").read_text()
    (root / "data" / "wikidata-links.csv").write_text(link_text, encoding="utf-8")
    for name, content in profiles.items():
        data = content.encode() if isinstance(content, str) else content
        (root / "data" / "profiles" / name).write_bytes(data)
    return Project.at(root)


class Sparql:
    """SPARQL over a release as the endpoint serves it: its named graphs (N-Quads) and, as the
    default graph, the data (the N-Triples dump, which leaves out the provenance graphs)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def select(self, query: str) -> list[dict[str, str | int]]:
        """Rows of a SELECT, each value as a Python str/int/bool."""
        results = self.store.query(PREFIXES + query)
        return [
            {v.value: _py(row[v]) for v in results.variables if row[v] is not None}
            for row in results
        ]

    def ask(self, query: str) -> bool:
        """The answer of an ASK query."""
        return bool(self.store.query(PREFIXES + query))


def _py(term: ox.NamedNode | ox.Literal | ox.BlankNode):
    if isinstance(term, ox.Literal):
        dt = term.datatype.value.rsplit("#", 1)[-1]
        if dt in ("integer", "positiveInteger", "nonNegativeInteger"):
            return int(term.value)
        if dt == "boolean":
            return term.value == "true"
    return term.value


def load_as_served(release: Path) -> ox.Store:
    """A release in an in-memory store as the endpoint serves it: its named graphs, and the
    data (the N-Triples dump) as the default graph."""
    store = ox.Store()
    store.load(path=str(release / NQUADS_FILE), format=ox.RdfFormat.N_QUADS)
    with gzip.open(release / DEFAULT_GRAPH_FILE) as default_graph:
        store.load(input=default_graph, format=ox.RdfFormat.N_TRIPLES)
    return store
