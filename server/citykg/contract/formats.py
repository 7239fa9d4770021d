"""Every format citykg reads, writes or serves, named once: short name, media types, file
extension, pyoxigraph syntax, W3C format IRI. Negotiation lives with the serve wing."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

W3C_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    """One representation: its short name, media type, extension and serialiser."""

    name: str
    media_type: str
    kind: str  # "results" (SELECT/ASK), "graph" (RDF) or "html"
    extension: str | None = None
    aliases: tuple[str, ...] = ()
    results: ox.QueryResultsFormat | None = None
    rdf: ox.RdfFormat | None = None
    w3c: str | None = None
    charset: bool = True

    @property
    def content_type(self) -> str:
        """The Content-Type header value."""
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type

    def media_types(self) -> tuple[str, ...]:
        """The media type and its aliases."""
        return (self.media_type, *self.aliases)


FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        "application/sparql-results+json",
        "results",
        "srj",
        ("application/json",),
        results=ox.QueryResultsFormat.JSON,
        w3c="SPARQL_Results_JSON",
        charset=False,
    ),
    Format(
        "xml",
        "application/sparql-results+xml",
        "results",
        "srx",
        ("application/xml", "text/xml"),
        results=ox.QueryResultsFormat.XML,
        w3c="SPARQL_Results_XML",
    ),
    Format(
        "csv",
        "text/csv",
        "results",
        "csv",
        results=ox.QueryResultsFormat.CSV,
        w3c="SPARQL_Results_CSV",
    ),
    Format(
        "tsv",
        "text/tab-separated-values",
        "results",
        "tsv",
        results=ox.QueryResultsFormat.TSV,
        w3c="SPARQL_Results_TSV",
    ),
    Format(
        "turtle",
        "text/turtle",
        "graph",
        "ttl",
        ("application/x-turtle",),
        rdf=ox.RdfFormat.TURTLE,
        w3c="Turtle",
    ),
    Format(
        "jsonld",
        "application/ld+json",
        "graph",
        "jsonld",
        ("application/json",),
        rdf=ox.RdfFormat.JSON_LD,
        w3c="JSON-LD",
        charset=False,
    ),
    Format(
        "rdfxml",
        "application/rdf+xml",
        "graph",
        "rdf",
        ("application/xml", "text/xml"),
        rdf=ox.RdfFormat.RDF_XML,
        w3c="RDF_XML",
    ),
    Format(
        "ntriples",
        "application/n-triples",
        "graph",
        "nt",
        rdf=ox.RdfFormat.N_TRIPLES,
        w3c="N-Triples",
    ),
    Format("trig", "application/trig", "graph", "trig", rdf=ox.RdfFormat.TRIG, w3c="TriG"),
    Format("nquads", "application/n-quads", "graph", "nq", rdf=ox.RdfFormat.N_QUADS, w3c="N-Quads"),
    Format("html", "text/html", "html", "html", ("application/xhtml+xml",)),
)
TEXT = Format("text", "text/plain", "text")  # short error messages only
# The release's CSV tables (header=present, RFC 4180) and their W3C CSVW metadata file.
CSV_TABLE = Format("csv-table", "text/csv", "table", "csv")
CSVW_METADATA = Format("csvw", "application/csvm+json", "table", "json", charset=False)
JSON = Format("json", "application/json", "json", "json", charset=False)  # search results
BY_NAME = {f.name: f for f in FORMATS}
BY_EXTENSION = {f.extension: f for f in FORMATS if f.extension}
HTML = BY_NAME["html"]
RESULT_FORMATS = tuple(f for f in FORMATS if f.kind == "results")
GRAPH_FORMATS = tuple(f for f in FORMATS if f.kind == "graph")
# Formats of a linked-data document (one graph): the four the linked-data contract names first.
DOCUMENT_FORMATS = tuple(BY_NAME[n] for n in ("turtle", "jsonld", "rdfxml", "ntriples"))
GZIP = "application/gzip"
# Where IANA registers a media type: a media type as an IRI (DCAT 3 dcat:mediaType).
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


def format_iri(fmt: Format) -> str | None:
    """The W3C Unique URI of a format."""
    return W3C_FORMATS + fmt.w3c if fmt.w3c else None
