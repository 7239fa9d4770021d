"""Behind a reverse proxy that terminates TLS: every absolute link citykg writes (fragment
controls, Memento links, the service and dataset descriptions, the examples of /use) has the
scheme the trusted proxy forwards in ``X-Forwarded-Proto``; no other peer can choose it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from rdflib import Dataset, Literal, URIRef

from support.html import parse_html
from support.link_format import parse_links

ON_THIS_SITE = re.compile(r"https?://localhost/[^\s<>\"'`()]*")
CITY = "/id/city/leipzig-deu"


def rdf_terms(response) -> set[str]:
    """Every IRI and literal of the RDF body (TriG or Turtle), graph names included (a Hydra
    template is a literal)."""
    dataset = Dataset()
    dataset.parse(data=response.data, format="trig")
    return {str(t) for quad in dataset.quads() for t in quad if isinstance(t, URIRef | Literal)}


def link_targets(response) -> set[str]:
    """The targets of the ``Link`` header."""
    return {link.target for link in parse_links(response.headers["Link"])}


def timemap_targets(response) -> set[str]:
    """The targets of a link-format TimeMap."""
    return {link.target for link in parse_links(response.get_data(as_text=True), strict=True)}


def page_urls(response) -> set[str]:
    """The links and the URLs shown in the text of an HTML page."""
    page = parse_html(response.data)
    return {*page.hrefs, *ON_THIS_SITE.findall(page.text)}


SOURCES: dict[str, tuple[str, str, Callable[..., set[str]]]] = {
    "fragment controls": (
        "/fragments?predicate=https://schema.org/name",
        "application/trig",
        rdf_terms,
    ),
    "service description": ("/sparql", "text/turtle", rdf_terms),
    "dataset description": ("/dataset", "text/turtle", rdf_terms),
    "memento links": (CITY, "text/turtle", link_targets),
    "timemap": (f"/timemap{CITY}", "application/link-format", timemap_targets),
    "examples of /use": ("/use", "text/html", page_urls),
}
EXPECTED = {  # one link of each source that must be there
    "fragment controls": "{s}://localhost/fragments{{?subject,predicate,object}}",
    "service description": "{s}://localhost/sparql",
    "dataset description": "{s}://localhost/dumps/citykg.nq.gz",
    "memento links": "{s}://localhost/timemap/id/city/leipzig-deu",
    "timemap": "{s}://localhost/timemap/id/city/leipzig-deu",
    "examples of /use": "{s}://localhost/sparql",
}


def site_links(client, source: str, peer: str, proto: str | None) -> set[str]:
    """The absolute links to this site in ``source`` as ``peer`` asks, saying ``proto``."""
    path, accept, read = SOURCES[source]
    headers = {"Accept": accept, **({"X-Forwarded-Proto": proto} if proto else {})}
    response = client.get(path, headers=headers, environ_base={"REMOTE_ADDR": peer})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return {url for url in read(response) if ON_THIS_SITE.fullmatch(url)}


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize(
    ("peer", "proto", "scheme"),
    [
        ("127.0.0.1", "https", "https"),  # the default trusted proxy: on this machine
        ("::1", "https", "https"),
        ("127.0.0.1", None, "http"),
        ("127.0.0.1", "gopher", "http"),
        ("192.0.2.7", "https", "http"),  # not a trusted proxy: its word is ignored
    ],
)
def test_links_have_the_scheme_the_trusted_proxy_forwards(client, source, peer, proto, scheme):
    links = site_links(client, source, peer, proto)
    assert EXPECTED[source].format(s=scheme) in links
    assert {url.split("://")[0] for url in links} == {scheme}


def test_cached_documents_keep_each_scheme(client):
    """The document cache holds the http and the https form of a document apart."""
    for proto, scheme in (("http", "http"), ("https", "https"), ("http", "http")):
        links = site_links(client, "memento links", "127.0.0.1", proto)
        response = client.get(CITY, headers={"Accept": "text/turtle", "X-Forwarded-Proto": proto})
        body = {url.split("://")[0] for url in ON_THIS_SITE.findall(response.get_data(True))}
        assert {url.split("://")[0] for url in links} | body == {scheme}
