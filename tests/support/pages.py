"""Every kind of HTML page the site serves, with the template that renders it: the pages that
the security-header test (in-process) and the accessibility test (in Chromium) visit. A new
template is covered by both once a page rendering it is listed here, and
``test_every_template_is_among_the_pages`` fails until it is."""

from __future__ import annotations

import re
from urllib.parse import quote

from support.project import ROOT

TEMPLATES = ROOT / "server" / "citykg" / "serve" / "templates"
ONTOLOGY_VERSION = re.search(
    r'owl:versionInfo "([^"]+)"', (ROOT / "ontology" / "citykg.ttl").read_text(encoding="utf-8")
).group(1)
SELECT = quote("SELECT * WHERE { ?s ?p ?o } LIMIT 3")
CONSTRUCT = quote("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3")
CITIES = quote(
    """PREFIX schema: <https://schema.org/> PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?city ?name ?wikidata WHERE {
  ?city schema:name ?name OPTIONAL { ?city owl:sameAs ?wikidata }
}"""
)
LEIPZIG = quote("https://w3id.org/citykg/id/city/leipzig-deu", safe="")

# name: (path, status, template); ``{release}`` stands for the id of the release served

PAGES: dict[str, tuple[str, int, str]] = {
    "home": ("/", 200, "index.html"),
    "city": ("/id/city/leipzig-deu", 200, "city.html"),
    "profile": ("/id/profile/leipzig-deu/2020", 200, "city.html"),
    "city-by-extension": ("/id/city/leipzig-deu.html", 200, "city.html"),
    "concept": ("/id/concept/policy-area/health", 200, "concept.html"),
    "scheme": ("/id/concept/policy-area", 200, "scheme.html"),
    "country": ("/id/country/deu", 200, "resource.html"),
    "dataset": ("/dataset", 200, "resource.html"),
    "shapes": ("/shapes", 200, "resource.html"),
    "ontology": ("/ontology", 200, "ontology.html"),
    "ontology-version": (f"/ontology/{ONTOLOGY_VERSION}", 200, "ontology.html"),
    "query": ("/query", 200, "query.html"),
    "query-results": (f"/query?query={CITIES}", 200, "query.html"),
    "sparql-for-a-browser": ("/sparql", 200, "query.html"),
    "sparql-results": (f"/sparql?query={CONSTRUCT}", 200, "query.html"),
    "dumps": ("/dumps/", 200, "dumps.html"),
    "use-the-data": ("/use", 200, "use.html"),
    "fragments": ("/fragments", 200, "fragments.html"),
    "releases": ("/releases/", 200, "releases.html"),
    "release": ("/releases/{release}/", 200, "release.html"),
    "release-changes": ("/releases/{release}/changes", 200, "changes.html"),
    "fragment-of-a-city": (f"/fragments?subject={LEIPZIG}", 200, "fragments.html"),
    "not-found": ("/nothing/here", 404, "error.html"),
    "no-such-index-page": ("/?page=9999", 404, "error.html"),
    "bad-query": ("/query?query=SELECT", 400, "error.html"),
    "search": ("/search", 200, "search.html"),
    "search-results": ("/search?q=leipzig", 200, "search.html"),
}


def path_of(name: str, release_id: str) -> str:
    """The path of page ``name`` where ``release_id`` is served."""
    return PAGES[name][0].replace("{release}", release_id)
