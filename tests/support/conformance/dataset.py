"""SPARQL 1.1 Protocol §2.1.4 (https://www.w3.org/TR/sparql11-protocol/#dataset): the RDF
dataset given by ``default-graph-uri`` and ``named-graph-uri``, by GET, form and direct POST.

Every check has a negative control (an unknown graph, a graph given only as the other kind), so
a server that ignores the parameters cannot pass; a server that refuses them fails (the protocol
lets a service refuse, this profile does not).
"""

from __future__ import annotations

import requests

from support.conformance.checks import Checks
from support.conformance.endpoint import (
    ALL_TRIPLES,
    DIRECT,
    FORM,
    JSON,
    NAMED_TRIPLES,
    NO_SUCH_GRAPH,
    Endpoint,
    as_triples,
    expect,
)
from support.conformance.parsing import from_json

CHECKS = Checks()


def _dataset_answer(
    endpoint: Endpoint, how: str, query: str, dataset: list[tuple[str, str]]
) -> requests.Response:
    """``query`` with the protocol dataset ``dataset``, sent by GET, form or direct POST."""
    if how == "get":
        return endpoint.get([("query", query), *dataset])
    if how == "form":
        return endpoint.post([("query", query), *dataset], FORM)
    return endpoint.post(query.encode(), DIRECT, params=dataset)


def _answer_triples(endpoint: Endpoint, how: str, query: str, dataset: list) -> frozenset:
    """The rows of a SELECT sent with a protocol dataset, as tuples (see :func:`as_triples`)."""
    response = _dataset_answer(endpoint, how, query, dataset)
    expect(response, 200, JSON)
    results = from_json(response.content)
    return as_triples(results.rows, tuple(results.variables))


def _default_graph_given(endpoint: Endpoint, value: str) -> None:
    """§2.1.4: ``default-graph-uri`` makes that graph the default graph; an unknown one an
    empty default graph (a server that ignored the parameter would answer the usual one)."""
    graph, _ = endpoint.graphs
    dataset = [("default-graph-uri", str(graph))]
    assert _answer_triples(endpoint, value, ALL_TRIPLES, dataset) == endpoint.triples_in(graph)
    unknown = [("default-graph-uri", str(NO_SUCH_GRAPH))]
    assert _answer_triples(endpoint, value, ALL_TRIPLES, unknown) == frozenset()


CHECKS.family(
    "dataset-default",
    {"get": "get", "post-form": "form", "post-direct": "direct"},
    _default_graph_given,
)


def _named_graph_given(endpoint: Endpoint, value: str) -> None:
    """§2.1.4: ``named-graph-uri`` alone: that graph is the only named graph and the default
    graph is empty (SPARQL 1.1 Query §13.2)."""
    graph, _ = endpoint.graphs
    dataset = [("named-graph-uri", str(graph))]
    named = _answer_triples(endpoint, value, NAMED_TRIPLES, dataset)
    assert named == {(graph, *t) for t in endpoint.triples_in(graph)}
    assert _answer_triples(endpoint, value, ALL_TRIPLES, dataset) == frozenset()


CHECKS.family(
    "dataset-named",
    {"get": "get", "post-form": "form", "post-direct": "direct"},
    _named_graph_given,
)


@CHECKS.add("dataset-full")
def dataset_full(endpoint: Endpoint) -> None:
    """§2.1.4: both parameters: one graph as the default graph, the other as the named one."""
    first, second = endpoint.graphs
    dataset = [("default-graph-uri", str(first)), ("named-graph-uri", str(second))]
    assert _answer_triples(endpoint, "get", ALL_TRIPLES, dataset) == endpoint.triples_in(first)
    named = _answer_triples(endpoint, "get", NAMED_TRIPLES, dataset)
    assert named == {(second, *t) for t in endpoint.triples_in(second)}


@CHECKS.add("dataset-precedence")
def dataset_precedence(endpoint: Endpoint) -> None:
    """§2.1.4: a dataset given by the protocol replaces the query's FROM."""
    first, second = endpoint.graphs
    query = f"SELECT ?s ?p ?o FROM <{second}> WHERE {{ ?s ?p ?o }}"
    dataset = [("default-graph-uri", str(first))]
    assert _answer_triples(endpoint, "get", query, dataset) == endpoint.triples_in(first)
    assert _answer_triples(endpoint, "get", query, []) == endpoint.triples_in(second)


@CHECKS.add("dataset-multiple-values")
def dataset_multiple_values(endpoint: Endpoint) -> None:
    """§2.1.4: repeated ``default-graph-uri``: the default graph is the merge of those graphs."""
    first, second = endpoint.graphs
    dataset = [("default-graph-uri", str(first)), ("default-graph-uri", str(second))]
    merged = endpoint.triples_in(first) | endpoint.triples_in(second)
    assert _answer_triples(endpoint, "get", ALL_TRIPLES, dataset) == merged
