"""SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/): the query operation by GET,
URL-encoded POST and direct POST (§2.1.1-§2.1.3), and its response formats (§2.1.5: the four
results formats for SELECT and ASK, RDF syntaxes for CONSTRUCT and DESCRIBE) chosen by content
negotiation (RFC 9110 §12.5.1; 406 per §15.5.7, stricter than the SHOULD of RFC 9110).
"""

from __future__ import annotations

from rdflib import BNode

from support.conformance.checks import Checks
from support.conformance.endpoint import (
    ASK_FALSE,
    ASK_TRUE,
    CSV,
    DIRECT,
    FORM,
    GRAPH_NAMES,
    JSON,
    KNOWN_CONSTRUCT,
    KNOWN_SELECT,
    RESULT_NAMES,
    TSV,
    UTF8_SELECT,
    XML,
    Endpoint,
    expect,
    expect_known_graph,
    expect_known_rows,
    expect_utf8_text,
)
from support.conformance.parsing import parse_graph, parse_results

CHECKS = Checks()

# §2.1.1-§2.1.3: the three ways of sending a query


@CHECKS.add("query-get")
def query_get(endpoint: Endpoint) -> None:
    """§2.1.1: query via GET, ``query`` in the URL."""
    expect_known_rows(endpoint.get({"query": KNOWN_SELECT}), JSON)


@CHECKS.add("query-post-form")
def query_post_form(endpoint: Endpoint) -> None:
    """§2.1.2: query via POST, URL-encoded ``query`` in the body."""
    expect_known_rows(endpoint.post({"query": KNOWN_SELECT}, FORM), JSON)


@CHECKS.add("query-post-direct")
def query_post_direct(endpoint: Endpoint) -> None:
    """§2.1.3: query via POST, the query itself as the body."""
    expect_known_rows(endpoint.post(KNOWN_SELECT.encode(), DIRECT), JSON)


@CHECKS.add("query-get-utf8")
def query_get_utf8(endpoint: Endpoint) -> None:
    """§2.1.1 and SPARQL 1.1 Query §19.1: a query is UTF-8, percent-encoded in the URL."""
    expect_utf8_text(endpoint.get({"query": UTF8_SELECT}))


@CHECKS.add("query-post-form-utf8")
def query_post_form_utf8(endpoint: Endpoint) -> None:
    """§2.1.2: text beyond ASCII in a URL-encoded body."""
    expect_utf8_text(endpoint.post({"query": UTF8_SELECT}, FORM))


@CHECKS.add("query-post-direct-utf8")
def query_post_direct_utf8(endpoint: Endpoint) -> None:
    """§2.1.3: text beyond ASCII in a direct body declared ``charset=utf-8``."""
    response = endpoint.post(UTF8_SELECT.encode(), f"{DIRECT}; charset=utf-8")
    expect_utf8_text(response)


# §2.1.5 and RFC 9110 §12.5.1: results formats and their negotiation


def _select_in(endpoint: Endpoint, value: str) -> None:
    """§2.1.5: a SELECT answered in the one results format asked for."""
    expect_known_rows(endpoint.get({"query": KNOWN_SELECT}, value), value)


CHECKS.family("select", RESULT_NAMES, _select_in)


def _ask_in(endpoint: Endpoint, value: str) -> None:
    """§2.1.5: ASK answered true and false in ``value``."""
    for query, expected in ((ASK_TRUE, True), (ASK_FALSE, False)):
        response = endpoint.get({"query": query}, value)
        expect(response, 200, value)
        assert parse_results(value, response.content).boolean is expected, query


CHECKS.family("ask", {"json": JSON, "xml": XML}, _ask_in)


@CHECKS.add("accept-qvalues")
def accept_qvalues(endpoint: Endpoint) -> None:
    """RFC 9110 §12.4.2: the format of highest quality wins, whatever the order listed."""
    for accept, kind in (
        (f"{JSON};q=0.5, {XML};q=0.9", XML),
        (f"{XML};q=0.9, {JSON};q=0.5", XML),
        (f"{JSON};q=0.9, {XML};q=0.5", JSON),
        (f"{TSV};q=0.2, {CSV};q=0.4, {XML};q=0.3", CSV),
    ):
        expect_known_rows(endpoint.get({"query": KNOWN_SELECT}, accept), kind)


@CHECKS.add("accept-q-zero")
def accept_q_zero(endpoint: Endpoint) -> None:
    """RFC 9110 §12.4.2: a type with q=0 is not acceptable, even under ``*/*``."""
    response = endpoint.get({"query": KNOWN_SELECT}, f"{JSON};q=0, */*;q=0.1")
    expect_known_rows(response, XML, CSV, TSV)


@CHECKS.add("accept-wildcard-any")
def accept_wildcard_any(endpoint: Endpoint) -> None:
    """RFC 9110 §12.5.1: ``*/*`` gets a results document."""
    expect_known_rows(endpoint.get({"query": KNOWN_SELECT}, "*/*"))


@CHECKS.add("accept-wildcard-subtype")
def accept_wildcard_subtype(endpoint: Endpoint) -> None:
    """RFC 9110 §12.5.1: ``text/*`` gets one of the text/ results formats."""
    expect_known_rows(endpoint.get({"query": KNOWN_SELECT}, "text/*"), CSV, TSV)


@CHECKS.add("accept-wildcard-mixed")
def accept_wildcard_mixed(endpoint: Endpoint) -> None:
    """RFC 9110 §12.5.1: a named type beats ``*/*`` of lower quality."""
    expect_known_rows(endpoint.get({"query": KNOWN_SELECT}, f"*/*;q=0.1, {CSV}"), CSV)


@CHECKS.add("accept-absent")
def accept_absent(endpoint: Endpoint) -> None:
    """RFC 9110 §12.5.1: no Accept at all means any format: a results document."""
    expect_known_rows(endpoint.get({"query": KNOWN_SELECT}, accept=None))


@CHECKS.add("select-406")
def select_406(endpoint: Endpoint) -> None:
    """RFC 9110 §15.5.7: only formats the server cannot send: 406 Not Acceptable."""
    response = endpoint.get({"query": KNOWN_SELECT}, "image/png, application/x-unknown;q=0.5")
    expect(response, 406)


# §2.1.5: CONSTRUCT and DESCRIBE answer RDF


def _construct_in(endpoint: Endpoint, value: str) -> None:
    """SPARQL 1.1 Query §16.2: the CONSTRUCTed graph, in ``value``, isomorphic to the known one."""
    expect_known_graph(endpoint.get({"query": KNOWN_CONSTRUCT}, value), value)


CHECKS.family("construct", GRAPH_NAMES, _construct_in)


@CHECKS.add("construct-qvalues")
def construct_qvalues(endpoint: Endpoint) -> None:
    """RFC 9110 §12.4.2: of three RDF formats the one of highest quality."""
    accept = "application/rdf+xml;q=0.3, text/turtle;q=0.9, application/ld+json;q=0.5"
    expect_known_graph(endpoint.get({"query": KNOWN_CONSTRUCT}, accept), "text/turtle")


@CHECKS.add("construct-wildcard")
def construct_wildcard(endpoint: Endpoint) -> None:
    """RFC 9110 §12.5.1: ``*/*`` gets an RDF document."""
    expect_known_graph(endpoint.get({"query": KNOWN_CONSTRUCT}, "*/*"))


@CHECKS.add("construct-406")
def construct_406(endpoint: Endpoint) -> None:
    """RFC 9110 §15.5.7: a graph asked for only in a results format: 406."""
    expect(endpoint.get({"query": KNOWN_CONSTRUCT}, f"{TSV}, {CSV}"), 406)


def _describe_in(endpoint: Endpoint, value: str) -> None:
    """SPARQL 1.1 Query §16.4: DESCRIBE of a subject holds every triple the default graph has
    about it (blank-node objects aside)."""
    subject = endpoint.sample_subject
    response = endpoint.get({"query": f"DESCRIBE <{subject}>"}, value)
    expect(response, 200, value)
    graph = parse_graph(value, response.content)
    rows = endpoint.select(f"SELECT ?p ?o WHERE {{ <{subject}> ?p ?o }}").rows
    expected = {(row["p"], row["o"]) for row in rows if not isinstance(row["o"], BNode)}
    described = set(graph.predicate_objects(subject))
    assert expected and expected <= described, f"missing: {sorted(expected - described)}"


CHECKS.family("describe", GRAPH_NAMES, _describe_in)
