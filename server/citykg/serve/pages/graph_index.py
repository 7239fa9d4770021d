"""A small graph read whole for a documentation page (the ontology, its concept schemes, the
shapes): its triples by subject and by object, RDF lists, and how the page names and links an
IRI (a prefixed name; an anchor on the page for the terms the page documents)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from citykg.contract.iris import DEFAULT_BASE, PREFIXES, VANN
from citykg.serve.links import safe_href

RDF = PREFIXES["rdf"]
# prefixes a documentation page shows besides citykg's own (:data:`PREFIXES`)
NAMES = {
    **PREFIXES,
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "shapes": DEFAULT_BASE + "shapes#",
    "vann": str(VANN),
}
_LOCAL_NAME = re.compile(r"[A-Za-z_][\w-]*")

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class GraphIndex:
    """The triples of one graph, looked up by subject and predicate or by object and predicate."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self._out: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self._in: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            self._out[t.subject][t.predicate.value].append(t.object)
            self._in[t.object][t.predicate.value].append(t.subject)

    def subjects(self) -> list[Term]:
        """Every subject, once."""
        return list(self._out)

    def objects(self, subject: Term, predicate: str) -> list[Term]:
        """The objects of ``subject`` through ``predicate``, sorted."""
        return sorted(self._out.get(subject, {}).get(predicate, ()), key=str)

    def values(self, subject: Term, predicate: str) -> list[str]:
        """The objects' lexical forms or IRIs."""
        return [
            o.value if not isinstance(o, ox.BlankNode) else str(o)
            for o in self.objects(subject, predicate)
        ]

    def value(self, subject: Term, predicate: str) -> str | None:
        """One object's lexical form or IRI (the least), or None."""
        found = self.values(subject, predicate)
        return found[0] if found else None

    def predicates(self, subject: Term) -> dict[str, list[Term]]:
        """Every predicate of ``subject`` with its objects."""
        return self._out.get(subject, {})

    def referrers(self, obj: Term, predicate: str) -> list[Term]:
        """The subjects having ``obj`` as an object of ``predicate``, sorted."""
        return sorted(self._in.get(obj, {}).get(predicate, ()), key=str)

    def typed(self, cls: str) -> list[Term]:
        """The subjects of type ``cls``."""
        return self.referrers(ox.NamedNode(cls), RDF + "type")

    def items(self, head: Term) -> list[Term]:
        """The members of the RDF list starting at ``head``, in order (at most as many as the
        graph has subjects, so a cyclic list ends)."""
        members: list[Term] = []
        node = head
        for _ in range(len(self._out) + 1):
            if node == ox.NamedNode(RDF + "nil") or node not in self._out:
                break
            members += self._out[node].get(RDF + "first", [])[:1]
            node = next(iter(self._out[node].get(RDF + "rest", [])), ox.NamedNode(RDF + "nil"))
        return members


def curie(iri: str) -> str:
    """``iri`` as a prefixed name where a known prefix abbreviates it, else the IRI."""
    for prefix, namespace in NAMES.items():
        if iri.startswith(namespace) and _LOCAL_NAME.fullmatch(iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def anchor(iri: str) -> str:
    """The id a term's section has on its page: the IRI's fragment (or last path segment)."""
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rstrip("/").rsplit("/", 1)[-1]


def ref(term: Term, on_page: dict[str, str] | None = None) -> dict:
    """A term for a template: ``text`` (a prefixed name, or a literal's lexical form), ``href``
    (``#id`` for a term documented on the page, given by ``on_page``: IRI to id; our IRIs as
    local paths; other http(s) IRIs as they are; else None) and ``iri`` (None for a literal)."""
    if isinstance(term, ox.Literal):
        return {"text": term.value, "href": None, "iri": None}
    if isinstance(term, ox.BlankNode):
        return {"text": "(a blank node)", "href": None, "iri": None}
    iri = term.value
    if on_page and iri in on_page:
        return {"text": curie(iri), "href": "#" + on_page[iri], "iri": iri}
    return {"text": curie(iri), "href": safe_href(iri, DEFAULT_BASE), "iri": iri}
