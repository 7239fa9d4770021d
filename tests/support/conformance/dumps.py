"""The dataset as a whole: its VoID description at ``/.well-known/void`` (VoID §6.2,
https://www.w3.org/TR/void/#well-known; RFC 8615), the SPARQL endpoints it names (VoID §3.2) and
its dumps (VoID §3.3): RDF, served with a length, and holding what the resources' documents say.

Only URLs on the site under test are contacted; an endpoint or dump elsewhere (a linked
dataset's) is left alone.
"""

from __future__ import annotations

import gzip

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD, Namespace

from support.conformance.checks import Checks
from support.conformance.linked_data import Resource, Site, expect
from support.conformance.parsing import JSON, from_json, media_type, parse_graph

VOID = Namespace("http://rdfs.org/ns/void#")
WELL_KNOWN = "/.well-known/void"
# dump file name endings and media types, and the pyoxigraph format of each
SYNTAXES = {
    ".nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ".nq": ("application/n-quads", ox.RdfFormat.N_QUADS),
    ".ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    ".trig": ("application/trig", ox.RdfFormat.TRIG),
}
GZIP = "application/gzip"


def void(site: Site) -> Graph:
    """The site's VoID description, in Turtle."""
    response = site.once(WELL_KNOWN, "text/turtle")
    expect(response, 200, "text/turtle")
    return parse_graph("text/turtle", response.content, base=site.url(WELL_KNOWN))


def named(site: Site, predicate: URIRef) -> list[str]:
    """The URLs on the site that the VoID names with ``predicate``."""
    urls = sorted({str(o) for o in void(site).objects(None, predicate)})
    return [url for url in urls if site.same_origin(url)]


def dumps(site: Site) -> list[str]:
    """The URLs of the site's dumps (void:dataDump); at least one."""
    urls = named(site, VOID.dataDump)
    assert urls, "the VoID names no void:dataDump on this site"
    return urls


def syntax(url: str, response_type: str) -> tuple[bool, ox.RdfFormat]:
    """Whether a dump is gzipped, and its RDF syntax: by the media type, else the file name."""
    name = url.rsplit("/", 1)[-1]
    zipped = response_type == GZIP
    stem = name.removesuffix(".gz") if zipped else name
    for ending, (kind, rdf_format) in SYNTAXES.items():
        if response_type == kind or (zipped and stem.endswith(ending)):
            return zipped, rdf_format
    raise AssertionError(f"{url}: {response_type!r} is not an RDF dump")


def dump_triples(site: Site, url: str) -> frozenset[tuple]:
    """The triples of a dump (of every graph, for a dataset), as rdflib terms, blank nodes
    left out."""
    response = site.once(url)
    expect(response, 200)
    zipped, rdf_format = syntax(url, media_type(response.headers.get("Content-Type")))
    body = gzip.decompress(response.content) if zipped else response.content
    triples = set()
    for quad in ox.parse(body, format=rdf_format):
        if not isinstance(quad.subject, ox.BlankNode) and not isinstance(quad.object, ox.BlankNode):
            triples.add(
                (URIRef(quad.subject.value), URIRef(quad.predicate.value), _term(quad.object))
            )
    return frozenset(triples)


def _term(term: ox.NamedNode | ox.Literal) -> URIRef | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = None if term.datatype.value == str(XSD.string) else term.datatype.value
    return Literal(term.value, datatype=datatype)


CHECKS = Checks()


@CHECKS.add("void-present")
def void_present(site: Site) -> None:
    """VoID §6.2: /.well-known/void is RDF describing a void:Dataset."""
    assert list(void(site).subjects(RDF.type, VOID.Dataset)), "no void:Dataset"


@CHECKS.add("void-datadump")
def void_datadump(site: Site) -> None:
    """VoID §3.3: the VoID names the dumps, each of which answers."""
    for url in dumps(site):
        head = site.http.head(url, timeout=60)
        assert head.status_code == 200, f"HEAD {url}: {head.status_code}"


@CHECKS.add("void-sparql-endpoint")
def void_sparql_endpoint(site: Site) -> None:
    """VoID §3.2: the VoID names this site's SPARQL endpoint, which answers ``ASK {}``."""
    endpoints = named(site, VOID.sparqlEndpoint)
    assert site.endpoint in endpoints, endpoints
    for url in endpoints:
        response = site.http.get(
            url, params={"query": "ASK {}"}, headers={"Accept": JSON}, timeout=60
        )
        expect(response, 200, JSON)
        assert from_json(response.content).boolean is True


@CHECKS.add("dump-content-type")
def dump_content_type(site: Site) -> None:
    """RDF media type registrations: each dump is served as an RDF syntax, or as gzip of a file
    named for one."""
    for url in dumps(site):
        response = site.once(url)
        expect(response, 200)
        syntax(url, media_type(response.headers.get("Content-Type")))


@CHECKS.add("dump-parses")
def dump_parses(site: Site) -> None:
    """VoID §3.3: each dump is an RDF document with triples in it."""
    for url in dumps(site):
        assert dump_triples(site, url), f"{url} holds no triple"


@CHECKS.add("dump-length-or-streamed")
def dump_length_or_streamed(site: Site) -> None:
    """RFC 9110 §8.6, RFC 9112 §7.1: each dump has a Content-Length that is its size, or is
    sent chunked."""
    for url in dumps(site):
        response = site.once(url)
        length = response.headers.get("Content-Length")
        if length is None:
            assert response.headers.get("Transfer-Encoding") == "chunked", response.headers
        elif "Content-Encoding" not in response.headers:
            assert int(length) == len(response.content), (url, length)


RESOURCE_CHECKS = Checks()


@RESOURCE_CHECKS.add("dump-contains-resource")
def dump_contains_resource(site: Site, resource: Resource) -> None:
    """VoID §3.3: every dump holds what the resource's document says about it."""
    subject = URIRef(resource.iri)
    graph = site.graph(resource)
    about = {
        (subject, p, o) for p, o in graph.predicate_objects(subject) if not isinstance(o, BNode)
    }
    assert about, f"nothing is said about {resource.iri}"
    for url in dumps(site):
        missing = about - dump_triples(site, url)
        assert not missing, f"{url} lacks {sorted(missing)[:5]}"
