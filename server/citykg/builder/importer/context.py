"""What every part of an import shares: the profile text, the vocabulary and links, the
profile's identifiers and the writer."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import quote

from rdflib import Graph, URIRef

from citykg.builder.importer.writer import Record
from citykg.builder.links import Links
from citykg.builder.namespaces import ID
from citykg.builder.profile_text import Line, ProfileText
from citykg.builder.vocabulary import Vocabulary
from citykg.contract.iris import DEFAULT_BASE


@dataclass(frozen=True)
class Source:
    """Where a profile comes from: the path shown in findings and its IRI."""

    path: str
    iri: URIRef

    @classmethod
    def from_path(cls, path: str, base: str = DEFAULT_BASE) -> Source:
        """A source named by its path relative to the project (``data/profiles/x.txt``)."""
        relative = quote(path.removeprefix("data/").lstrip("/"), safe="/-._~")
        return cls(path, URIRef(f"{base}source/{relative}"))


@dataclass
class Context:
    """The state of one import."""

    profile: ProfileText
    source: Source
    vocabulary: Vocabulary
    links: Links
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
