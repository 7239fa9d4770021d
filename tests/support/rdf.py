"""Comparing RDF graphs in tests: isomorphism by W3C RDF Dataset Canonicalization (RDFC-1.0,
pyoxigraph's implementation), which is much faster than rdflib's on graphs with many blank
nodes (the shapes)."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node


def isomorphic(first: Graph, *others: Graph) -> bool:
    """Whether the graphs hold the same triples once their blank nodes are renamed."""
    canonical = _canonical(first)
    return all(_canonical(other) == canonical for other in others)


def _canonical(graph: Graph) -> set[ox.Quad]:
    default = ox.DefaultGraph()
    dataset = ox.Dataset(ox.Quad(_term(s), _term(p), _term(o), default) for s, p, o in graph)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def _term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if not isinstance(term, Literal):
        raise TypeError(f"not an RDF term: {term!r}")
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is None:
        return ox.Literal(str(term))
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
