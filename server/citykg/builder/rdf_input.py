"""Reading the publisher's RDF files (ontology, concepts, shapes, files given to validate), bounded.

pyoxigraph parses: IRIs are checked strictly, relative IRIs are refused (they would resolve
against a local path), nothing is fetched (no RDF/XML entities, no JSON-LD contexts: those
syntaxes are not read at all) and nesting is parsed without recursion. Files over
``MAX_RDF_FILE_BYTES``, literals over ``MAX_LITERAL_CHARS`` and blank nodes nested deeper than
``MAX_BLANK_NODE_DEPTH`` (rdflib's canonicalisation takes minutes on deeper ones) are refused.
Every refusal is an :class:`~citykg.contract.findings.InputError` whose finding names the file
and, where known, the line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from citykg.contract.findings import Finding, InputError, Severity

MAX_RDF_FILE_BYTES = 256 * 1024 * 1024
MAX_LITERAL_CHARS = 1_000_000
MAX_BLANK_NODE_DEPTH = 64
TOO_DEEP = f"blank nodes nested deeper than {MAX_BLANK_NODE_DEPTH} levels"
RDF_SUFFIXES = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}


def read_rdf(path: Path, shown: str) -> Graph:
    """Every triple of ``path`` (all graphs of a quad file merged) as an rdflib graph."""
    syntax = RDF_SUFFIXES.get(path.suffix)
    if syntax is None:
        known = " ".join(RDF_SUFFIXES)
        raise _refused(shown, None, "unsupported", f"not a supported RDF syntax ({known})")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise _refused(shown, None, "missing", "file not found") from None
    if size > MAX_RDF_FILE_BYTES:
        raise _refused(
            shown, None, "too-large", f"{size} bytes; the limit is {MAX_RDF_FILE_BYTES} bytes"
        )
    graph = Graph()
    try:
        parser = ox.parse(path=str(path), format=syntax)
        for quad in parser:
            graph.add(
                (
                    to_rdflib(quad.subject),
                    to_rdflib(quad.predicate),
                    _object(quad.object, path, shown),
                )
            )
        for prefix, namespace in parser.prefixes.items():
            graph.bind(prefix, namespace, override=True)
    except SyntaxError as exc:
        text = str(exc)
        line = re.search(r"at line (\d+)", text)
        raise _refused(
            shown,
            int(line.group(1)) if line else None,
            "syntax",
            f"not valid RDF: {text.strip()[:300]}",
        ) from None
    _check_depth(graph, shown)
    return graph


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """One pyoxigraph term as the equal rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """One rdflib term as the equal pyoxigraph term (lexical forms kept as rdflib writes them)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is None:
        return ox.Literal(str(term))
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))


def _object(term: ox.NamedNode | ox.BlankNode | ox.Literal, path: Path, shown: str) -> Node:
    if isinstance(term, ox.Literal) and len(term.value) > MAX_LITERAL_CHARS:
        raise _refused(
            shown,
            _line_of(path, term.value[:64]),
            "huge-literal",
            f"a literal of {len(term.value)} characters; the limit is {MAX_LITERAL_CHARS}",
        )
    return to_rdflib(term)


def _check_depth(graph: Graph, shown: str) -> None:
    """Refuse blank nodes nested deeper than MAX_BLANK_NODE_DEPTH (rdflib tools recurse on them)."""
    children: dict[BNode, set[BNode]] = {}
    for s, _, o in graph:
        if isinstance(s, BNode) and isinstance(o, BNode):
            children.setdefault(s, set()).add(o)
    depth: dict[BNode, int] = {}
    for root in children:
        if root in depth:
            continue
        path = [(root, iter(children[root]))]
        on_path = {root}
        while path:
            node, pending = path[-1]
            child = next(pending, None)
            if child is None:
                path.pop()
                on_path.discard(node)
                below = (depth[c] for c in children.get(node, ()) if c in depth)
                depth[node] = 1 + max(below, default=0)
                if depth[node] > MAX_BLANK_NODE_DEPTH:
                    raise _refused(shown, None, "too-deep", TOO_DEEP)
            elif child not in depth and child not in on_path:
                on_path.add(child)
                path.append((child, iter(children.get(child, ()))))


def _line_of(path: Path, prefix: str) -> int | None:
    """The line where ``prefix`` first appears in the file, if it appears literally."""
    needle = prefix.encode("utf-8")
    with open(path, "rb") as f:
        for number, line in enumerate(f, start=1):
            if needle in line:
                return number
    return None


def _refused(shown: str, line: int | None, code: str, message: str) -> InputError:
    return InputError(Finding(shown, line, Severity.ERROR, code, message))
