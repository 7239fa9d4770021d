"""The SPARQL endpoint under test, seen from a client: requests, the known queries and their
answers, and the assertions the protocol checks share.

Most checks send data-independent queries (``VALUES``) whose answer is known; the DESCRIBE and
dataset checks first ask the endpoint for a subject and two named graphs (:class:`Endpoint`).
"""

from __future__ import annotations

import functools

import requests
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import XSD

from support.conformance.parsing import (
    ANY_RDF,
    CSV,
    JSON,
    RESULTS,
    TSV,
    XML,
    Results,
    from_json,
    lexical,
    media_type,
    parse_graph,
    parse_results,
)
from support.rdf import isomorphic

TIMEOUT = 60
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")
T = Namespace("urn:x-citykg-test:")
NO_SUCH_GRAPH = T["no-such-graph"]
ORIGIN = "http://client.example"

# A query whose answer is known whatever the data: an IRI, a language-tagged literal, an
# xsd:integer, a string with a comma and quotes, unbound cells, and text beyond ASCII.
KNOWN_VALUES = """VALUES (?thing ?name ?size) {
    (t:first "Zürich Straße"@de 42)
    (t:second "a, \\"quoted\\" name" UNDEF)
    (t:third UNDEF -7)
  }"""
KNOWN_SELECT = (
    f"PREFIX t: <{T}>\nSELECT ?thing ?name ?size WHERE {{\n  {KNOWN_VALUES}\n}} ORDER BY ?thing"
)
KNOWN_VARIABLES = ["thing", "name", "size"]
KNOWN_ROWS = [
    {
        "thing": T.first,
        "name": Literal("Zürich Straße", lang="de"),
        "size": Literal("42", datatype=XSD.integer),
    },
    {"thing": T.second, "name": Literal('a, "quoted" name')},
    {"thing": T.third, "size": Literal("-7", datatype=XSD.integer)},
]
KNOWN_CONSTRUCT = (
    f"PREFIX t: <{T}>\nCONSTRUCT {{ ?thing t:name ?name ; t:size [ t:value ?size ] }}\n"
    f"WHERE {{\n  {KNOWN_VALUES}\n}}"
)
ASK_TRUE = "ASK { VALUES ?x { 1 } FILTER(?x = 1) }"
ASK_FALSE = "ASK { VALUES ?x { 1 } FILTER(?x = 2) }"
SYNTAX_ERROR = "SELECT ?s WHERE { ?s ?p }"
UTF8_TEXT = "Grüße aus Łódź, 東京 ✓"
UTF8_SELECT = f'SELECT ?text WHERE {{ VALUES ?text {{ "{UTF8_TEXT}" }} }}'
ALL_TRIPLES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
NAMED_TRIPLES = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


def known_graph() -> Graph:
    """The graph KNOWN_CONSTRUCT builds."""
    graph = Graph()
    for row in KNOWN_ROWS:
        size = BNode()
        graph.add((row["thing"], T.size, size))
        if "name" in row:
            graph.add((row["thing"], T.name, row["name"]))
        if "size" in row:
            graph.add((size, T.value, row["size"]))
    return graph


class Endpoint:
    """The query endpoint under test, and what the checks learn from it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self._triples: dict[URIRef, frozenset[tuple]] = {}

    def send(self, method: str, **options: object) -> requests.Response:
        """One request to the endpoint URL (``options`` as ``requests`` takes them)."""
        return self.http.request(method, self.url, timeout=TIMEOUT, **options)

    def get(self, params: object, accept: str | None = JSON, **options: object):
        """A GET with ``params`` in the URL (``accept=None``: no Accept header at all)."""
        headers = {"Accept": accept, **options.pop("headers", {})}
        return self.send("GET", params=params, headers=headers, **options)

    def post(self, data: object, content_type: str | None, accept: str = JSON, **options: object):
        """A POST of ``data`` (pairs: URL-encoded form; bytes: as they are)."""
        headers = {"Accept": accept}
        if content_type is not None:
            headers["Content-Type"] = content_type
        return self.send("POST", data=data, headers=headers, **options)

    def select(self, query: str) -> Results:
        """A SELECT by GET, answered in JSON."""
        response = self.get({"query": query})
        expect(response, 200, JSON)
        return from_json(response.content)

    def ask(self, query: str) -> bool:
        """An ASK by GET, answered in JSON."""
        answer = self.select(query).boolean
        assert answer is not None, "an ASK was not answered with a boolean"
        return answer

    @functools.cached_property
    def sample_subject(self) -> URIRef:
        """An IRI that is the subject of a triple in the default graph."""
        rows = self.select("SELECT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) } LIMIT 1").rows
        assert rows, "the default graph has no triple with an IRI subject"
        return rows[0]["s"]

    @functools.cached_property
    def graphs(self) -> tuple[URIRef, URIRef]:
        """Two named graphs of the dataset: the two smallest."""
        query = """SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }
            GROUP BY ?g ORDER BY ?n ?g LIMIT 2"""
        rows = self.select(query).rows
        assert len(rows) == 2, f"the dataset needs two named graphs, it has {len(rows)}"
        return rows[0]["g"], rows[1]["g"]

    def triples_in(self, graph: URIRef) -> frozenset[tuple]:
        """The triples of a named graph, as the endpoint's default dataset holds it."""
        if graph not in self._triples:
            query = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
            rows = self.select(query).rows
            assert rows, f"the graph {graph} is empty"
            self._triples[graph] = as_triples(rows, ("s", "p", "o"))
        return self._triples[graph]


def as_triples(rows: list[dict], names: tuple[str, ...]) -> frozenset[tuple]:
    """Rows as tuples; blank nodes (whose labels are per answer) all read as ``_:``."""
    return frozenset(
        tuple("_:" if isinstance(row.get(n), BNode) else row.get(n) for n in names) for row in rows
    )


def said(response: requests.Response) -> str:
    """A response in short, for an assertion message."""
    body = response.text[:300] if response.content else ""
    return f"HTTP {response.status_code} {response.headers.get('Content-Type')} {body!r}"


def expect(response: requests.Response, status: int | tuple[int, ...], *kinds: str) -> str:
    """Assert the status (and the media type, one of ``kinds``); the media type."""
    statuses = (status,) if isinstance(status, int) else status
    assert response.status_code in statuses, f"expected {statuses}, got {said(response)}"
    got = media_type(response.headers.get("Content-Type"))
    assert not kinds or got in kinds, f"expected one of {kinds}, got {said(response)}"
    return got


def expect_client_error(response: requests.Response) -> None:
    """Assert a 4xx: the request was refused as the client's error."""
    assert 400 <= response.status_code < 500, f"expected a 4xx, got {said(response)}"


def expect_known_rows(response: requests.Response, *kinds: str) -> None:
    """The answer to KNOWN_SELECT, in one of ``kinds``, parsed and compared row by row."""
    kind = expect(response, 200, *(kinds or RESULTS))
    results = parse_results(kind, response.content)
    assert results.variables == KNOWN_VARIABLES, results.variables
    expected = lexical(KNOWN_ROWS) if kind == CSV else KNOWN_ROWS
    assert results.rows == expected, f"{kind} rows {results.rows}"


def expect_known_graph(response: requests.Response, *kinds: str) -> None:
    """The graph KNOWN_CONSTRUCT builds, in one of ``kinds``, parsed and compared (isomorphic:
    blank nodes match by structure)."""
    kind = expect(response, 200, *(kinds or ANY_RDF))
    graph = parse_graph(kind, response.content)
    assert isomorphic(graph, known_graph()), f"{kind}: {sorted(graph)}"


def expect_utf8_text(response: requests.Response) -> None:
    """The answer to UTF8_SELECT: the text as sent."""
    expect(response, 200, JSON)
    assert from_json(response.content).rows == [{"text": Literal(UTF8_TEXT)}]


RESULT_NAMES = {"json": JSON, "xml": XML, "csv": CSV, "tsv": TSV}
GRAPH_NAMES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
