"""Linked-data publishing, as "Cool URIs for the Semantic Web" (https://www.w3.org/TR/cooluris/
§4.2, §6) describes it in the style without 303: the IRI of a thing answers ``200`` with the
representation the client's Accept asks for (HTML or one of four RDF syntaxes), ``Vary: Accept``,
a ``Content-Location`` naming the document of that format, and ``Link: rel="alternate"`` to the
others; each document also has a URL of its own (``.ttl``, ``.jsonld``, ``.rdf``, ``.nt``,
``.html``) that answers without negotiation. HTTP per RFC 9110 (§8.7 Content-Location, §8.8
validators, §12.5 negotiation, §13 conditional requests, §15.5.5 404, §15.5.7 406) and RFC 8288
(Link). What the resource says is checked against the SPARQL endpoint of the same server: every
triple the endpoint's default graph has about the IRI must be in each representation.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from support.conformance.checks import Checks
from support.conformance.parsing import JSON, Page, from_json, media_type, parse_graph
from support.rdf import isomorphic

TIMEOUT = 60
HTML = "text/html"
RDF_TYPES = {
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "ntriples": "application/n-triples",
}
EVERY_TYPE = {"html": HTML, **RDF_TYPES}
EXTENSIONS = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "nt": "application/n-triples",
    "html": HTML,
}
LABELS = (RDFS.label, SKOS.prefLabel, URIRef("https://schema.org/name"))
ORIGIN = "http://client.example"
LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")


@dataclass(frozen=True)
class Resource:
    """A thing under test: the path its IRI is served at on the site, and the IRI itself (for
    a hash IRI, the document's IRI with the fragment)."""

    name: str
    path: str
    iri: str


class Site:
    """The server under test, by its base URL, and the representations it sent (fetched once)."""

    def __init__(self, base: str, endpoint: str = "/sparql") -> None:
        self.base = base.rstrip("/")
        self.endpoint = self.url(endpoint)
        self.http = requests.Session()
        self._sent: dict[tuple[str, str | None], requests.Response] = {}
        self._stated: dict[str, frozenset] = {}

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` (a path, or a URL relative to the base)."""
        return urljoin(self.base + "/", path)

    def get(self, path: str, accept: str | None = None, **headers: str) -> requests.Response:
        """A GET, redirects not followed (no 3xx is expected of any URL checked here)."""
        headers = {"Accept": accept, **headers} if accept else headers
        return self.http.get(
            self.url(path), headers=headers, allow_redirects=False, timeout=TIMEOUT
        )

    def once(self, path: str, accept: str | None = None) -> requests.Response:
        """A GET of ``path`` with ``accept``, sent the first time only."""
        key = (self.url(path), accept)
        if key not in self._sent:
            self._sent[key] = self.get(path, accept)
        return self._sent[key]

    def representation(self, resource: Resource, kind: str) -> requests.Response:
        """The resource's IRI dereferenced with ``Accept: kind`` (sent once)."""
        return self.once(resource.path, kind)

    def graph(self, resource: Resource, kind: str = "text/turtle") -> Graph:
        """The resource's RDF in ``kind``, checked to be a 200 of that media type."""
        response = self.representation(resource, kind)
        expect(response, 200, kind)
        return parse_graph(kind, response.content, base=self.url(resource.path))

    def ask_endpoint(self, query: str) -> list[dict]:
        """The rows of a SELECT sent to the site's SPARQL endpoint."""
        response = self.http.get(
            self.endpoint, params={"query": query}, headers={"Accept": JSON}, timeout=TIMEOUT
        )
        expect(response, 200, JSON)
        return from_json(response.content).rows

    def stated(self, iri: str) -> frozenset[tuple[URIRef, URIRef | Literal]]:
        """What the endpoint's default graph says about ``iri``: (predicate, object) pairs,
        blank-node objects left out (their labels differ from document to document)."""
        if iri not in self._stated:
            rows = self.ask_endpoint(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}")
            pairs = ((r["p"], r["o"]) for r in rows if not isinstance(r["o"], BNode))
            self._stated[iri] = frozenset(pairs)
        return self._stated[iri]

    def same_origin(self, url: str) -> bool:
        """Whether ``url`` is on the site under test (the checks contact no other host)."""
        return urlsplit(url)[:2] == urlsplit(self.base)[:2]


def said(response: requests.Response) -> str:
    """A response in short, for an assertion message."""
    body = response.text[:300] if response.content else ""
    return f"HTTP {response.status_code} {response.headers.get('Content-Type')} {body!r}"


def expect(response: requests.Response, status: int, kind: str | None = None) -> None:
    """Assert the status and, if given, the media type."""
    assert response.status_code == status, f"expected {status}, got {said(response)}"
    got = media_type(response.headers.get("Content-Type"))
    assert kind is None or got == kind, f"expected {kind}, got {said(response)}"


def links(response: requests.Response) -> list[tuple[str, dict[str, str]]]:
    """The Link header (RFC 8288 §3) as (absolute target, parameters)."""
    out = []
    for target, params in LINK.findall(response.headers.get("Link", "")):
        values = {}
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip():
                values[key.strip().lower()] = value.strip().strip('"')
        out.append((urljoin(response.url, target), values))
    return out


def unknown(resource: Resource) -> str:
    """A path beside the resource's at which nothing is published."""
    parent = resource.path.rsplit("/", 1)[0]
    return f"{parent}/no-such-thing-{uuid.uuid4().hex[:12]}"


def vary(response: requests.Response) -> set[str]:
    """The field names of the Vary header, lower case."""
    return {f.strip().lower() for f in response.headers.get("Vary", "").split(",")}


RESOURCE_CHECKS = Checks()


@RESOURCE_CHECKS.add("ld-html")
def html_page(site: Site, resource: Resource) -> None:
    """Cool URIs §4.2, §6: a browser (Accept: text/html) gets an HTML page, titled, that is
    about the resource: it shows one of its labels, or links to its IRI."""
    response = site.representation(resource, HTML)
    expect(response, 200, HTML)
    page = Page(response.text)
    assert page.root == "html" and page.title.strip(), (page.root, page.title)
    subject = URIRef(resource.iri)
    labels = {str(o) for p in LABELS for o in site.graph(resource).objects(subject, p)}
    shown = any(label in page.words for label in labels)
    targets = {urljoin(response.url, href) for href in page.anchors}
    linked = resource.iri in targets or site.url(resource.path) in targets
    assert shown or linked, f"neither a label ({sorted(labels)}) nor a link to the IRI"


def _rdf(site: Site, resource: Resource, value: str) -> None:
    """Cool URIs §4.2: an RDF client gets the format it asks for, holding every triple the
    endpoint has about the IRI."""
    graph = site.graph(resource, value)
    subject = URIRef(resource.iri)
    said_here = set(graph.predicate_objects(subject))
    assert said_here, f"no triple about {resource.iri}"
    missing = site.stated(resource.iri) - said_here
    assert not missing, f"not in the {value} document: {sorted(missing)}"


RESOURCE_CHECKS.family("ld-rdf", RDF_TYPES, _rdf)


@RESOURCE_CHECKS.add("ld-formats-agree")
def formats_agree(site: Site, resource: Resource) -> None:
    """RDF 1.1 Concepts §1.5: the four syntaxes carry one and the same graph."""
    turtle = site.graph(resource)
    for kind in RDF_TYPES.values():
        assert isomorphic(site.graph(resource, kind), turtle), f"{kind} differs from Turtle"


@RESOURCE_CHECKS.add("ld-200-vary")
def answered_with_vary(site: Site, resource: Resource) -> None:
    """Cool URIs §4.2, RFC 9110 §12.5.5: the IRI answers 200 itself (no 303 to another URL)
    and says that the answer depends on Accept."""
    for kind in EVERY_TYPE.values():
        response = site.representation(resource, kind)
        expect(response, 200, kind)
        assert "accept" in vary(response), f"{kind}: Vary {response.headers.get('Vary')!r}"


@RESOURCE_CHECKS.add("ld-content-location")
def content_location(site: Site, resource: Resource) -> None:
    """RFC 9110 §8.7: Content-Location names the document of the negotiated format; it answers
    the same bytes whatever the Accept."""
    for kind in EVERY_TYPE.values():
        response = site.representation(resource, kind)
        location = response.headers.get("Content-Location")
        assert location, f"{kind}: no Content-Location"
        document = site.get(urljoin(response.url, location), "*/*")
        expect(document, 200, kind)
        assert document.content == response.content, f"{location} differs"


@RESOURCE_CHECKS.add("ld-link-alternates")
def link_alternates(site: Site, resource: Resource) -> None:
    """RFC 8288 §3: each representation links the other four (rel="alternate"); each link
    answers the type it declares."""
    for kind in EVERY_TYPE.values():
        response = site.representation(resource, kind)
        alternates = [(t, p["type"]) for t, p in links(response) if p.get("rel") == "alternate"]
        assert {t for _, t in alternates} == set(EVERY_TYPE.values()) - {kind}, alternates
        for target, declared in alternates:
            assert site.same_origin(target), target
            expect(site.get(target, "*/*"), 200, declared)


@RESOURCE_CHECKS.add("ld-html-alternates")
def html_alternates(site: Site, resource: Resource) -> None:
    """HTML §4.6.7.1: the page has a ``<link rel="alternate">`` to each RDF document, which
    answers the type it declares."""
    page = Page(site.representation(resource, HTML).text)
    assert {kind for _, kind in page.alternates} == set(RDF_TYPES.values()), page.alternates
    for href, declared in page.alternates:
        expect(site.get(site.url(href), "*/*"), 200, declared)


@RESOURCE_CHECKS.add("ld-validators")
def validators(site: Site, resource: Resource) -> None:
    """RFC 9110 §8.8: every representation has a strong ETag and a Last-Modified."""
    for kind in EVERY_TYPE.values():
        response = site.representation(resource, kind)
        etag = response.headers.get("ETag", "")
        assert etag.startswith('"'), f"{kind}: ETag {etag!r}"
        assert response.headers.get("Last-Modified"), f"{kind}: no Last-Modified"


@RESOURCE_CHECKS.add("ld-conditional-get")
def conditional_get(site: Site, resource: Resource) -> None:
    """RFC 9110 §13.1.2, §13.1.3, §15.4.5: a matching If-None-Match or If-Modified-Since gets
    304 without a body; another ETag gets the representation."""
    turtle = site.representation(resource, "text/turtle")
    etag, modified = turtle.headers["ETag"], turtle.headers["Last-Modified"]
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        response = site.get(resource.path, "text/turtle", **headers)
        assert response.status_code == 304 and response.content == b"", (headers, said(response))
    response = site.get(resource.path, "text/turtle", **{"If-None-Match": '"not-this-one"'})
    expect(response, 200, "text/turtle")


@RESOURCE_CHECKS.add("ld-etag-per-representation")
def etag_per_representation(site: Site, resource: Resource) -> None:
    """RFC 9110 §8.8.3: each representation negotiated at the IRI has an ETag of its own."""
    etags = [site.representation(resource, k).headers.get("ETag") for k in EVERY_TYPE.values()]
    assert len(set(etags)) == len(etags), etags


@RESOURCE_CHECKS.add("ld-gzip")
def gzip(site: Site, resource: Resource) -> None:
    """RFC 9110 §8.4, §12.5.3: Accept-Encoding: gzip gets a gzipped body of the same graph, with
    an ETag other than the unencoded one's."""
    plain = site.get(resource.path, "text/turtle", **{"Accept-Encoding": "identity"})
    zipped = site.get(resource.path, "text/turtle", **{"Accept-Encoding": "gzip"})
    expect(zipped, 200, "text/turtle")
    assert "Content-Encoding" not in plain.headers, plain.headers
    assert zipped.headers.get("Content-Encoding") == "gzip", zipped.headers
    assert "accept-encoding" in vary(zipped), zipped.headers.get("Vary")
    graphs = [parse_graph("text/turtle", r.content) for r in (plain, zipped)]  # decoded
    assert isomorphic(*graphs)
    assert plain.headers["ETag"] != zipped.headers["ETag"]


@RESOURCE_CHECKS.add("ld-head")
def head(site: Site, resource: Resource) -> None:
    """RFC 9110 §9.3.2: HEAD gets the headers of the GET and no body (both asked for the
    unencoded representation)."""
    headers = {"Accept": "text/turtle", "Accept-Encoding": "identity"}
    got = site.http.get(site.url(resource.path), headers=headers, timeout=TIMEOUT)
    response = site.http.head(site.url(resource.path), headers=headers, timeout=TIMEOUT)
    expect(response, 200, "text/turtle")
    assert response.content == b""
    for header in ("ETag", "Last-Modified", "Vary", "Content-Location", "Link"):
        assert response.headers.get(header) == got.headers.get(header), header


@RESOURCE_CHECKS.add("ld-cors")
def cors(site: Site, resource: Resource) -> None:
    """WHATWG Fetch §3.2.3: a script on another origin may read the data."""
    response = site.get(resource.path, "text/turtle", Origin=ORIGIN)
    expect(response, 200, "text/turtle")
    assert response.headers.get("Access-Control-Allow-Origin") in ("*", ORIGIN)


def _not_found(site: Site, resource: Resource, value: str) -> None:
    """RFC 9110 §15.5.5: an IRI beside the resource's that names nothing: 404 (not a 200 of
    an empty graph, not a redirect), whatever the Accept."""
    expect(site.get(unknown(resource), value), 404)


RESOURCE_CHECKS.family("ld-404", EVERY_TYPE, _not_found)


@RESOURCE_CHECKS.add("ld-404-extension")
def not_found_extension(site: Site, resource: Resource) -> None:
    """RFC 9110 §15.5.5: the document URLs of an IRI that names nothing: 404."""
    missing = unknown(resource)
    for extension in EXTENSIONS:
        expect(site.get(f"{missing}.{extension}"), 404)


@RESOURCE_CHECKS.add("ld-406")
def not_acceptable(site: Site, resource: Resource) -> None:
    """RFC 9110 §15.5.7: only media types the site cannot send: 406."""
    expect(site.get(resource.path, "application/x-unknown, image/png;q=0.5"), 406)


def _extension(site: Site, resource: Resource, value: str) -> None:
    """Cool URIs §4.2: the document URL of a format answers it, whatever the Accept (asked here
    for another format), with what the negotiated representation holds."""
    kind = EXTENSIONS[value]
    other = "text/turtle" if kind == HTML else HTML
    response = site.get(f"{resource.path}.{value}", other)
    expect(response, 200, kind)
    negotiated = site.representation(resource, kind)
    if kind == HTML:
        assert Page(response.text).title == Page(negotiated.text).title
    else:
        url = site.url(resource.path)
        graph = parse_graph(kind, response.content, base=url)
        assert isomorphic(graph, parse_graph(kind, negotiated.content, base=url))


RESOURCE_CHECKS.family("ld-ext", {e: e for e in EXTENSIONS}, _extension)
