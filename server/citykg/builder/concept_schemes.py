"""The SKOS concept schemes of ontology/: the survey's answer lists, its waves and wave bases.

The importer asks the :class:`ConceptSchemes` which concept a line of a profile names. Matching is
exact after normalisation (case, quotes, dashes, white space, trailing punctuation) against
skos:prefLabel and skos:altLabel; near misses are only ever *suggested*, never accepted.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from citykg.contract import iris

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def normalise(label: str) -> str:
    """The form labels are compared in."""
    text = unicodedata.normalize("NFC", label).translate(_QUOTES).casefold()
    text = re.sub(r"\s+", " ", text).strip()
    return text.rstrip(".:;, ")


@dataclass
class ConceptScheme:
    """One concept scheme: its IRI, labels and scope notes."""

    iri: URIRef
    by_label: dict[str, URIRef] = field(default_factory=dict)
    pref_label: dict[URIRef, str] = field(default_factory=dict)
    scope_notes: set[str] = field(default_factory=set)

    def match(self, text: str) -> URIRef | None:
        """The concept whose label is ``text``, or None."""
        return self.by_label.get(normalise(text))

    def suggest(self, text: str) -> str | None:
        """The preferred label closest to ``text``, if one is close."""
        close = difflib.get_close_matches(normalise(text), self.by_label, n=1, cutoff=0.75)
        return self.pref_label[self.by_label[close[0]]] if close else None

    def is_scope_note(self, text: str) -> bool:
        """Whether ``text`` is the gloss of one of the scheme's concepts."""
        return normalise(text) in self.scope_notes


class ConceptSchemes:
    """All concept schemes, by slug (``policy-area``, ``innovation-role``...), and the graph
    they were read from."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._schemes: dict[str, ConceptScheme] = {}
        for concept in graph.subjects(RDF.type, SKOS.Concept):
            for scheme_iri in graph.objects(concept, SKOS.inScheme):
                slug = iris.concept_path(str(scheme_iri)) or str(scheme_iri)
                scheme = self._schemes.setdefault(slug, ConceptScheme(URIRef(scheme_iri)))
                for label in graph.objects(concept, SKOS.prefLabel):
                    scheme.pref_label[concept] = str(label)
                    scheme.by_label[normalise(label)] = concept
                for label in graph.objects(concept, SKOS.altLabel):
                    scheme.by_label.setdefault(normalise(label), concept)
                for note in graph.objects(concept, SKOS.scopeNote):
                    scheme.scope_notes.add(normalise(note))

    def scheme(self, slug: str) -> ConceptScheme:
        """The scheme with this slug; KeyError names it if the ontology lacks it."""
        try:
            return self._schemes[slug]
        except KeyError:
            raise KeyError(f"concept scheme {iris.concept_scheme(slug)} is not defined") from None

    def concept(self, scheme: str, slug: str) -> URIRef:
        """A concept by scheme and slug, checked to exist."""
        iri = URIRef(iris.concept(scheme, slug))
        if iri not in self.scheme(scheme).pref_label:
            raise KeyError(f"concept {iri} is not defined")
        return iri
