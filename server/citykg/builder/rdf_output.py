"""Writing RDF deterministically: graphs as unsorted N-Quads and N-Triples lines (the release
writer sorts them), and small graphs serialised with their triples sorted and our prefixes.

Blank nodes get the names the W3C RDF Dataset Canonicalization (RDFC-1.0) gives them, so the same
graph is always written the same way, whatever labels its parser chose."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef

from citykg.builder.rdf_input import to_oxigraph, to_rdflib
from citykg.contract.iris import PREFIXES


def oxigraph_triples(graph: Graph) -> list[ox.Triple]:
    """The triples of an rdflib graph as pyoxigraph triples, in the graph's order."""
    return [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph]


def write_lines(
    name: URIRef, triples: list[ox.Triple], nquads: BinaryIO, ntriples: BinaryIO
) -> None:
    """A graph as N-Quads lines (in graph ``name``) and as N-Triples lines, unsorted."""
    write_quads(name, triples, nquads)
    ox.serialize(triples, output=ntriples, format=ox.RdfFormat.N_TRIPLES)


def write_quads(name: URIRef, triples: Iterable[ox.Triple], nquads: BinaryIO) -> None:
    """A graph as N-Quads lines in graph ``name``, unsorted (a graph outside the default
    graph: no N-Triples lines)."""
    graph_name = ox.NamedNode(str(name))
    ox.serialize(
        (ox.Quad(t.subject, t.predicate, t.object, graph_name) for t in triples),
        output=nquads,
        format=ox.RdfFormat.N_QUADS,
    )


def canonical_triples(graph: Graph) -> list[ox.Triple]:
    """The triples of an rdflib graph, sorted, with canonical blank node names (RDFC-1.0)."""
    default = ox.DefaultGraph()
    dataset = ox.Dataset(ox.Quad(*triple, default) for triple in oxigraph_triples(graph))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted((quad.triple for quad in dataset), key=str)


def canonical_graph(graph: Graph) -> Graph:
    """The same graph with canonical blank node names (RDFC-1.0) and the same prefixes (the
    graph itself when it has no blank node)."""
    if not any(isinstance(term, BNode) for triple in graph for term in triple):
        return graph
    canonical = Graph(namespace_manager=graph.namespace_manager)
    for triple in canonical_triples(graph):
        s, p, o = triple
        canonical.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return canonical


def serialize_sorted(graph: Graph, syntax: ox.RdfFormat) -> bytes:
    """Serialise an rdflib graph deterministically (sorted triples, canonical blank node names)
    with our prefixes."""
    prefixes = PREFIXES if syntax in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return ox.serialize(canonical_triples(graph), format=syntax, prefixes=prefixes)
