"""What a dereferenced IRI answers: the document (a graph) about a resource.

The document of ``X`` holds every triple with subject ``X``; the triples of the parts it names
whose IRIs extend its own (``X/activity/1``, ``X/population``..., up to three levels deep); the
triples that point at ``X`` (except source-line reifications); and the labels of every resource it
mentions. The ontology, the dataset (its VoID) and each provenance graph of source lines
(``graph/profile/{city}/{wave}/line/{N}``, outside the default graph) are the documents of their
whole graphs; the ontology's version IRI (``ontology/0.2.0``) is the ontology's document while
that version is the one the release holds. The validation report and its results
(``id/validation-report``...) are read from the report graph, which is outside the default
graph; the labels of what they mention from the default graph.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyoxigraph as ox

from citykg.contract.iris import (
    DATASET_GRAPH,
    DATASET_IRI,
    ONTOLOGY_GRAPH,
    ONTOLOGY_IRI,
    PREFIXES,
    REPORT_GRAPH,
    REPORT_IRI,
    SCHEMA,
    SHARED_GRAPHS,
    SPARQL_ENDPOINT_IRI,
    is_line_graph,
)
from citykg.serve.store import Store

RDF, RDFS, VOID, DCTERMS = (PREFIXES[p] for p in ("rdf", "rdfs", "void", "dcterms"))
SD = "http://www.w3.org/ns/sparql-service-description#"
LABELS = (PREFIXES["skos"] + "prefLabel", SCHEMA.name, PREFIXES["rdfs"] + "label")
SKIP_INCOMING = {RDF + "subject", RDF + "object"}
WHOLE_GRAPH = {ONTOLOGY_IRI: str(ONTOLOGY_GRAPH), DATASET_IRI: str(DATASET_GRAPH)}
VERSION_IRI = PREFIXES["owl"] + "versionIRI"
MAX_INCOMING = 5000
BATCH = 200  # subjects a query asks about
PART_DEPTH = 3


def document(store: Store, iri: str, sizes: Mapping[str, int] | None = None) -> list[ox.Triple]:
    """The triples of the document about ``iri`` (empty: nothing is published there);
    ``sizes``: the release's graph sizes as the build counted them (``graphs.json``)."""
    if iri in WHOLE_GRAPH:
        return _graph(store, WHOLE_GRAPH[iri])
    if is_line_graph(iri):  # a provenance graph, outside the default graph: all of it (small)
        return _graph(store, iri)
    if iri in SHARED_GRAPHS:
        return _shared_graph(store, iri, (sizes or {}).get(iri))
    if iri.startswith(ONTOLOGY_IRI + "/"):  # a version IRI: the ontology while it is current
        return _graph(store, str(ONTOLOGY_GRAPH)) if iri in ontology_versions(store) else []
    out: dict[ox.Triple, None] = {}
    graph = str(REPORT_GRAPH) if iri == REPORT_IRI or iri.startswith(REPORT_IRI + "/") else None
    own = list(store.triples(subject=iri, graph=graph))
    out.update(dict.fromkeys(own))
    frontier = own
    for _ in range(PART_DEPTH):
        parts = {
            t.object.value
            for t in frontier
            if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(iri + "/")
        }
        frontier = _about(store, sorted(parts), graph)
        out.update(dict.fromkeys(frontier))
    for t in store.triples(obj=ox.NamedNode(iri), graph=graph, limit=MAX_INCOMING):
        if t.predicate.value not in SKIP_INCOMING:
            out[t] = None
    if not out:
        return []
    mentioned = {
        term.value
        for t in list(out)
        for term in (t.subject, t.object)
        if isinstance(term, ox.NamedNode) and term.value != iri
    }
    out.update(dict.fromkeys(_about(store, sorted(mentioned), None, LABELS)))
    return sorted(out, key=str)


def _about(
    store: Store, subjects: list[str], graph: str | None, predicates: Sequence[str] = ()
) -> list[ox.Triple]:
    """The triples about ``subjects`` (with one of ``predicates``, when given) in the default
    graph or in ``graph``: one query for every BATCH subjects, not one per subject (over a
    remote store each query is a round trip)."""
    found: list[ox.Triple] = []
    for start in range(0, len(subjects), BATCH):
        batch = " ".join(f"<{s}>" for s in subjects[start : start + BATCH])
        pattern = f"VALUES ?s {{ {batch} }} "
        if predicates:
            pattern += f"VALUES ?p {{ {' '.join(f'<{p}>' for p in predicates)} }} "
        pattern += "?s ?p ?o"
        if graph:
            pattern = f"GRAPH <{graph}> {{ {pattern} }}"
        rows = store.query(f"SELECT DISTINCT ?s ?p ?o WHERE {{ {pattern} }}")
        found += [ox.Triple(row["s"], row["p"], row["o"]) for row in rows]
    return found


def ontology_versions(store: Store) -> list[str]:
    """The ``owl:versionIRI`` of the ontology the release holds (one, as a rule)."""
    return [
        t.object.value
        for t in store.triples(ONTOLOGY_IRI, VERSION_IRI, graph=str(ONTOLOGY_GRAPH))
        if isinstance(t.object, ox.NamedNode)
    ]


def _shared_graph(store: Store, name: str, size: int | None) -> list[ox.Triple]:
    """A graph every release has, described: what it holds, its size (``size``, or counted in
    the store for a release built before the build counted it), where to query it, and what
    the release says of it (the links graph names its source)."""
    if not store.has_graph(name):
        return []
    if size is None:
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
        size = int(next(iter(store.query(query)))["n"].value)
    triples = ox.Literal(str(size), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))
    graph, comment = ox.NamedNode(name), ox.Literal(SHARED_GRAPHS[name], language="en")
    described = [
        ox.Triple(graph, ox.NamedNode(RDF + "type"), ox.NamedNode(SD + "Graph")),
        ox.Triple(graph, ox.NamedNode(RDFS + "comment"), comment),
        ox.Triple(graph, ox.NamedNode(VOID + "triples"), triples),
        ox.Triple(graph, ox.NamedNode(DCTERMS + "isPartOf"), ox.NamedNode(DATASET_IRI)),
        ox.Triple(graph, ox.NamedNode(VOID + "sparqlEndpoint"), ox.NamedNode(SPARQL_ENDPOINT_IRI)),
    ]
    return sorted({*described, *store.triples(subject=name, graph=name)}, key=str)


def _graph(store: Store, name: str) -> list[ox.Triple]:
    result = store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graphs=[name], named_graphs=[]
    )
    return sorted(result, key=str)


def published(store: Store, iri: str) -> bool:
    """Whether the document about ``iri`` (:func:`document`) has any triple, found without
    building it (a few index lookups)."""
    if iri in WHOLE_GRAPH:
        return store.has_graph(WHOLE_GRAPH[iri])
    if is_line_graph(iri) or iri in SHARED_GRAPHS:
        return store.has_graph(iri)
    if iri.startswith(ONTOLOGY_IRI + "/"):
        return iri in ontology_versions(store)
    graph = str(REPORT_GRAPH) if iri == REPORT_IRI or iri.startswith(REPORT_IRI + "/") else None
    if next(store.triples(subject=iri, graph=graph, limit=1), None) is not None:
        return True
    for limit in (1, MAX_INCOMING):  # the first incoming triple nearly always settles it
        incoming = list(store.triples(obj=ox.NamedNode(iri), graph=graph, limit=limit))
        if any(t.predicate.value not in SKIP_INCOMING for t in incoming):
            return True
        if len(incoming) < limit:
            return False
    return False
