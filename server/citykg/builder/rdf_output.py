"""Writing RDF deterministically: graphs as unsorted N-Quads and N-Triples lines (the release
writer sorts them), and small graphs serialised with their triples sorted and our prefixes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Graph, URIRef

from citykg.builder.rdf_input import to_oxigraph
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


def serialize_sorted(graph: Graph, syntax: ox.RdfFormat) -> bytes:
    """Serialise an rdflib graph deterministically (sorted triples) with our prefixes."""
    prefixes = PREFIXES if syntax in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return ox.serialize(sorted(oxigraph_triples(graph), key=str), format=syntax, prefixes=prefixes)
