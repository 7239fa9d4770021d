"""Content negotiation (RFC 9110 §12.5.1) with tricky Accept headers."""

from __future__ import annotations

import pytest

from citykg.contract.formats import BY_NAME, DOCUMENT_FORMATS, GRAPH_FORMATS, HTML, RESULT_FORMATS
from citykg.serve.negotiation import NegotiationError, by_request_name, negotiate, parse_accept

SELECT_OFFERS = (*RESULT_FORMATS, HTML)
GRAPH_OFFERS = (*GRAPH_FORMATS, HTML)
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "offers", "expected"),
    [
        (None, SELECT_OFFERS, "json"),
        ("", SELECT_OFFERS, "json"),
        ("*/*", SELECT_OFFERS, "json"),
        ("*", SELECT_OFFERS, "json"),
        ("text/*", SELECT_OFFERS, "csv"),
        ("text/*;q=0.5, text/tab-separated-values", SELECT_OFFERS, "tsv"),
        ("*/*;q=0.1, text/csv", SELECT_OFFERS, "csv"),
        (
            "application/sparql-results+xml;q=0.9, application/sparql-results+json;q=0.5",
            SELECT_OFFERS,
            "xml",
        ),
        (
            "application/sparql-results+json;q=0.5, application/sparql-results+xml;q=0.9",
            SELECT_OFFERS,
            "xml",
        ),
        ("application/json", SELECT_OFFERS, "json"),
        ("application/json", GRAPH_OFFERS, "jsonld"),
        ("application/xml", GRAPH_OFFERS, "rdfxml"),
        ("application/xml", SELECT_OFFERS, "xml"),
        (
            "text/turtle;q=0.9, application/rdf+xml;q=0.3, application/ld+json;q=0.5",
            GRAPH_OFFERS,
            "turtle",
        ),
        ("text/turtle; charset=utf-8", GRAPH_OFFERS, "turtle"),
        (
            'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"',
            GRAPH_OFFERS,
            "jsonld",
        ),
        ("TEXT/TURTLE", GRAPH_OFFERS, "turtle"),
        (BROWSER, (*DOCUMENT_FORMATS, HTML), "html"),
        (BROWSER, SELECT_OFFERS, "html"),
        ("application/n-triples, */*;q=0", GRAPH_OFFERS, "ntriples"),
        ("text/turtle;q=0, */*", GRAPH_OFFERS, "jsonld"),
        ("text/html;q=0.5, text/turtle;q=0.5", (*DOCUMENT_FORMATS, HTML), "turtle"),
        ("text/turtle;q=1.0000, application/ld+json;q=0.8", GRAPH_OFFERS, "jsonld"),
        ("text/turtle;q=abc, application/ld+json", GRAPH_OFFERS, "jsonld"),
        ("garbage, text/turtle", GRAPH_OFFERS, "turtle"),
        ("text/turtle;level=1;q=0.2, text/turtle;q=0.9, */*;q=0.1", GRAPH_OFFERS, "turtle"),
    ],
)
def test_negotiate(accept, offers, expected):
    fmt = negotiate(accept, offers)
    assert fmt is not None and fmt.name == expected


@pytest.mark.parametrize(
    ("accept", "offers"),
    [
        ("application/x-unknown", SELECT_OFFERS),
        ("image/png", GRAPH_OFFERS),
        ("text/turtle", SELECT_OFFERS),
        ("application/sparql-results+json", GRAPH_OFFERS),
        ("*/*;q=0", SELECT_OFFERS),
        (
            "text/csv;q=0, text/tab-separated-values;q=0, application/*;q=0, text/html;q=0",
            SELECT_OFFERS,
        ),
    ],
)
def test_nothing_acceptable(accept, offers):
    assert negotiate(accept, offers) is None


@pytest.mark.parametrize("accept", [",,,", "not a media type", "text", ";q=1"])
def test_unparseable_accept(accept):
    with pytest.raises(NegotiationError):
        parse_accept(accept)


def test_q_zero_is_never_chosen_even_as_only_match():
    assert negotiate("text/csv;q=0", SELECT_OFFERS) is None


def test_long_accept_is_bounded():
    header = ", ".join(f"application/x-{i}" for i in range(10000)) + ", text/csv"
    assert len(parse_accept(header)) == 64
    assert negotiate(header, SELECT_OFFERS) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("json", "json"),
        ("srj", "json"),
        ("application/sparql-results+json", "json"),
        ("CSV", "csv"),
        ("turtle", None),
        ("text/html\r\nX-Injected: 1", None),
    ],
)
def test_format_parameter(value, expected):
    fmt = by_request_name(value, SELECT_OFFERS)
    assert (fmt.name if fmt else None) == expected


def test_every_format_has_a_w3c_iri_or_is_html():
    for fmt in BY_NAME.values():
        assert fmt.w3c or fmt is HTML
