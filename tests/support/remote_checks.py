"""Checks of citykg in front of a remote store, shared by the tests of each store
(Oxigraph server: test_remote.py; Virtuoso: test_virtuoso.py)."""

from __future__ import annotations

import requests

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
