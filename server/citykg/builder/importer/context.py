"""What every part of an import shares: the profile text, the concept schemes and Wikidata
links, the profile's identifiers and the writer."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from citykg.builder.concept_schemes import ConceptSchemes
from citykg.builder.importer.writer import Record
from citykg.builder.namespaces import ID
from citykg.builder.profile_text import Line, ProfileText
from citykg.builder.wikidata_links import WikidataLinks
from citykg.contract import iris


@dataclass(frozen=True)
class Source:
    """Where a profile comes from: the path shown in findings and its IRI."""

    path: str
    iri: URIRef

    @classmethod
    def from_path(cls, path: str) -> Source:
        """A source named by its path relative to the project (``data/profiles/x.txt``)."""
        return cls(path, URIRef(iris.source(path)))


@dataclass
class Context:
    """The state of one import."""

    profile: ProfileText
    source: Source
    schemes: ConceptSchemes
    links: WikidataLinks
    record: Record
    statistics: Graph = field(default_factory=Graph)
    entities: Graph = field(default_factory=Graph)
    link_graph: Graph = field(default_factory=Graph)
    profile_iri: URIRef = field(default_factory=lambda: URIRef(ID))
    cut: Line | None = None  # the last line, when the page stops in the middle of it

    @property
    def file(self) -> str:
        """The source path shown in findings."""
        return self.source.path


def slug(text: str) -> str:
    """Lower-case ASCII slug of a name: ``Hörning`` -> ``horning``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "unnamed"
