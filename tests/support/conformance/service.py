"""The endpoint URL itself: the SPARQL 1.1 Service Description
(https://www.w3.org/TR/sparql11-service-description/ §2, §3) answered to a GET without a query,
HEAD and OPTIONS (RFC 9110 §9.3.2, §9.3.7, §10.2.1) and CORS (WHATWG Fetch §3.2, §4.8).
"""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF

from support.conformance.checks import Checks
from support.conformance.endpoint import (
    ASK_TRUE,
    GRAPH_NAMES,
    JSON,
    KNOWN_SELECT,
    ORIGIN,
    SD,
    W3C_FORMATS,
    XML,
    Endpoint,
    expect,
    said,
)
from support.conformance.parsing import ANY_RDF, GRAPHS, media_type, parse_graph

CHECKS = Checks()

# SPARQL 1.1 Service Description: answered at the endpoint URL to a GET without a query


def _description(endpoint: Endpoint, kind: str = "text/turtle") -> Graph:
    response = endpoint.get(None, kind)
    got = expect(response, 200, *GRAPHS)
    assert got == kind, f"asked for {kind}, got {got}"
    return parse_graph(got, response.content, base=endpoint.url)


def _service(graph: Graph) -> URIRef | BNode:
    services = list(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1, f"{len(services)} sd:Service in the description"
    return services[0]


def _description_in(endpoint: Endpoint, value: str) -> None:
    """SD §2: the description in each RDF format asked for, with one sd:Service."""
    _service(_description(endpoint, value))


CHECKS.family("sd", GRAPH_NAMES, _description_in)


@CHECKS.add("sd-present")
def sd_present(endpoint: Endpoint) -> None:
    """SD §2: a GET of the endpoint without query nor Accept answers RDF with an sd:Service."""
    response = endpoint.get(None, accept=None)
    kind = expect(response, 200, *ANY_RDF)
    _service(parse_graph(kind, response.content, base=endpoint.url))


@CHECKS.add("sd-endpoint")
def sd_endpoint(endpoint: Endpoint) -> None:
    """SD §3.4.1: sd:endpoint names the URL the description was fetched from."""
    graph = _description(endpoint)
    named = list(graph.objects(_service(graph), SD.endpoint))
    assert named == [URIRef(endpoint.url)], f"sd:endpoint {named}, fetched from {endpoint.url}"


@CHECKS.add("sd-language")
def sd_language(endpoint: Endpoint) -> None:
    """SD §3.4.4: sd:supportedLanguage sd:SPARQL11Query."""
    graph = _description(endpoint)
    assert SD.SPARQL11Query in set(graph.objects(_service(graph), SD.supportedLanguage))


@CHECKS.add("sd-result-formats")
def sd_result_formats(endpoint: Endpoint) -> None:
    """SD §3.4.7: sd:resultFormat names (by the W3C format IRIs) every format checked here."""
    graph = _description(endpoint)
    named = set(graph.objects(_service(graph), SD.resultFormat))
    served = {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV"}
    served |= {"SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"}
    missing = {W3C_FORMATS[name] for name in served} - named
    assert not missing, f"not in sd:resultFormat: {sorted(missing)}"


@CHECKS.add("sd-no-update-language")
def sd_no_update_language(endpoint: Endpoint) -> None:
    """SD §3.3.4: a read-only endpoint does not claim sd:SPARQL11Update."""
    graph = _description(endpoint)
    assert SD.SPARQL11Update not in set(graph.objects(_service(graph), SD.supportedLanguage))


# RFC 9110 §9.3.2 (HEAD), §9.3.7 (OPTIONS) and WHATWG Fetch §3.2 (CORS)


@CHECKS.add("head-query")
def head_query(endpoint: Endpoint) -> None:
    """RFC 9110 §9.3.2: HEAD of a query URL: the headers of the GET, no body."""
    params = {"query": KNOWN_SELECT}
    got = endpoint.get(params, XML)
    head = endpoint.send("HEAD", params=params, headers={"Accept": XML})
    expect(head, 200, media_type(got.headers.get("Content-Type")))
    assert head.content == b""


@CHECKS.add("head-service-description")
def head_service_description(endpoint: Endpoint) -> None:
    """RFC 9110 §9.3.2: HEAD of the endpoint URL (the service description), no body."""
    head = endpoint.send("HEAD", headers={"Accept": "text/turtle"})
    expect(head, 200, "text/turtle")
    assert head.content == b""


@CHECKS.add("cors-simple")
def cors_simple(endpoint: Endpoint) -> None:
    """Fetch §3.2.3: a cross-origin GET is allowed: Access-Control-Allow-Origin ``*`` or the
    origin, and never with credentials for ``*``."""
    response = endpoint.get({"query": ASK_TRUE}, headers={"Origin": ORIGIN})
    expect(response, 200, JSON)
    allowed = response.headers.get("Access-Control-Allow-Origin")
    assert allowed in ("*", ORIGIN), allowed
    if allowed == "*":
        assert "Access-Control-Allow-Credentials" not in response.headers


@CHECKS.add("cors-preflight")
def cors_preflight(endpoint: Endpoint) -> None:
    """Fetch §3.2.2-§3.2.3, §4.8: the preflight of a cross-origin direct POST allows it: the
    origin, and the Content-Type header (``application/sparql-query`` is not a safelisted
    value; POST itself is a safelisted method and needs no Access-Control-Allow-Methods)."""
    headers = {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    response = endpoint.send("OPTIONS", headers=headers)
    assert 200 <= response.status_code < 300, said(response)
    assert response.headers.get("Access-Control-Allow-Origin") in ("*", ORIGIN)
    allowed = _tokens(response.headers.get("Access-Control-Allow-Headers"))
    assert "content-type" in allowed or "*" in allowed, allowed


@CHECKS.add("options-allow")
def options_allow(endpoint: Endpoint) -> None:
    """RFC 9110 §9.3.7, §10.2.1: OPTIONS answers 2xx with an Allow naming GET and POST."""
    response = endpoint.send("OPTIONS")
    assert 200 <= response.status_code < 300, said(response)
    assert {"get", "post"} <= _tokens(response.headers.get("Allow")), response.headers


def _tokens(header: str | None) -> set[str]:
    return {token.strip().lower() for token in (header or "").split(",") if token.strip()}
