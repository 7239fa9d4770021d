"""Checks of citykg in front of a remote store, shared by the tests of each store
(Oxigraph server: test_remote.py; Virtuoso: test_virtuoso.py)."""

from __future__ import annotations

import requests
from rdflib import XSD, Dataset, Literal, URIRef

RANKED = """PREFIX citykg: <https://w3id.org/citykg/ontology#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?rank ?label WHERE { ?p citykg:rankedActivity [ citykg:rank ?rank ;
      citykg:activity/skos:prefLabel ?label ] } ORDER BY ?rank"""


def same_ranked_activities(fronted: str, served: str) -> None:
    """The seven ranked activities of Leipzig, the same through the remote store (``fronted``)
    as from the embedded one (``served``)."""
    answers = [
        requests.get(f"{base}/sparql", params={"query": RANKED}, timeout=30).json()
        for base in (fronted, served)
    ]
    assert answers[0] == answers[1] and len(answers[0]["results"]["bindings"]) == 7


def pages_and_documents_work(fronted: str) -> None:
    """The city page lists the seven ranked activities and the mayor; a concept's Turtle
    document says which cities lack data for it."""
    html = requests.get(
        f"{fronted}/id/city/leipzig-deu", headers={"Accept": "text/html"}, timeout=30
    ).text
    assert html.count('<li value="') == 7 and "Burkhard Jung" in html
    turtle = requests.get(f"{fronted}/id/concept/policy-area/health.ttl", timeout=30)
    assert turtle.status_code == 200 and "insufficientDataFor" in turtle.text


FRAGMENT_PATTERNS = (
    {},
    {"predicate": "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"},
    {"object": '"Leipzig"'},
)
INTEGER_TYPES = {
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
    XSD.negativeInteger,
    XSD.nonPositiveInteger,
}
TOTAL_ITEMS = URIRef("http://www.w3.org/ns/hydra/core#totalItems")
NEXT = URIRef("http://www.w3.org/ns/hydra/core#next")


def fragment_pages(base: str, pattern: dict[str, str]) -> tuple[list[tuple], set[int]]:
    """Every data triple of a Triple Pattern Fragment, page after page (following the next
    links), and the counts the pages gave."""
    triples: list[tuple] = []
    counts: set[int] = set()
    url: str | None = f"{base}/fragments"
    params: dict[str, str] | None = pattern
    while url:
        response = requests.get(
            url, params=params, headers={"Accept": "application/n-quads"}, timeout=30
        )
        assert response.status_code == 200, response.text[:300]
        page = Dataset().parse(data=response.text, format="nquads")
        triples += list(page.default_graph)
        counts |= {int(q[2]) for q in page.quads((None, TOTAL_ITEMS, None, None))}
        following = [str(q[2]) for q in page.quads((None, NEXT, None, None))]
        url, params = (following[0], None) if following else (None, None)
    return triples, counts


def as_oxigraph_answers(triple: tuple) -> tuple:
    """The triple as Oxigraph answers it: a literal of a type derived from ``xsd:integer`` as
    an ``xsd:integer`` (docs/operations.md, Known limits; Virtuoso keeps the type)."""
    s, p, o = triple
    if isinstance(o, Literal) and o.datatype in INTEGER_TYPES:
        o = Literal(o, datatype=XSD.integer)
    return s, p, o


def same_fragments(fronted: str, served: str) -> None:
    """Triple Pattern Fragments page through the same triples, each once, with the same
    counts, through the remote store (``fronted``) as from the embedded one (``served``)."""
    for pattern in FRAGMENT_PATTERNS:
        (remote, remote_counts), (embedded, embedded_counts) = (
            fragment_pages(base, pattern) for base in (fronted, served)
        )
        assert len(remote) == len(set(remote)), pattern
        assert {as_oxigraph_answers(t) for t in remote} == set(embedded), pattern
        assert remote_counts == embedded_counts == {len(embedded)}, pattern
