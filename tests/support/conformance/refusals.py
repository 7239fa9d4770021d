"""What a read-only SPARQL endpoint must refuse: malformed requests (SPARQL 1.1 Protocol §2.1,
§2.1.7; RFC 9110 §15.5) and updates (§2.2, §4).

The only writes ever sent are ``INSERT DATA`` of one triple with a fresh ``urn:`` subject; each
must be refused and the triple is then looked for in every graph.
"""

from __future__ import annotations

import uuid

import requests

from support.conformance.checks import Checks
from support.conformance.endpoint import (
    ASK_FALSE,
    ASK_TRUE,
    DIRECT,
    FORM,
    JSON,
    SYNTAX_ERROR,
    TIMEOUT,
    UPDATE,
    Endpoint,
    T,
    expect,
    expect_client_error,
)

CHECKS = Checks()

# §2.1.7 and RFC 9110: requests the endpoint must refuse


@CHECKS.add("error-syntax-get")
def error_syntax_get(endpoint: Endpoint) -> None:
    """§2.1.7: a query that does not parse: 400 Bad Request."""
    expect(endpoint.get({"query": SYNTAX_ERROR}), 400)


@CHECKS.add("error-syntax-post-form")
def error_syntax_post_form(endpoint: Endpoint) -> None:
    """§2.1.7: the same by URL-encoded POST."""
    expect(endpoint.post({"query": SYNTAX_ERROR}, FORM), 400)


@CHECKS.add("error-syntax-post-direct")
def error_syntax_post_direct(endpoint: Endpoint) -> None:
    """§2.1.7: the same by direct POST."""
    expect(endpoint.post(SYNTAX_ERROR.encode(), DIRECT), 400)


@CHECKS.add("error-two-queries")
def error_two_queries(endpoint: Endpoint) -> None:
    """§2.1: exactly one query string; two ``query`` parameters: 400."""
    twice = [("query", ASK_TRUE), ("query", ASK_FALSE)]
    expect(endpoint.get(twice), 400)
    expect(endpoint.post(twice, FORM), 400)


@CHECKS.add("error-missing-query-form")
def error_missing_query_form(endpoint: Endpoint) -> None:
    """§2.1: a form POST naming a dataset but carrying no query: 400."""
    expect(endpoint.post([("default-graph-uri", str(T.graph))], FORM), 400)


@CHECKS.add("error-empty-direct-body")
def error_empty_direct_body(endpoint: Endpoint) -> None:
    """§2.1.3, §2.1.7: a direct POST with an empty body: 400."""
    expect(endpoint.post(b"", DIRECT), 400)


@CHECKS.add("error-unsupported-content-type")
def error_unsupported_content_type(endpoint: Endpoint) -> None:
    """§2.1.3, RFC 9110 §15.5.16: a body of a media type the protocol does not use: 415."""
    expect(endpoint.post(ASK_TRUE.encode(), "text/plain"), (400, 415))


@CHECKS.add("error-missing-content-type")
def error_missing_content_type(endpoint: Endpoint) -> None:
    """§2.1.2, §2.1.3: a POST body without Content-Type cannot be read: 4xx."""
    request = endpoint.http.prepare_request(
        requests.Request("POST", endpoint.url, data=ASK_TRUE.encode(), headers={"Accept": JSON})
    )
    request.headers.pop("Content-Type", None)
    # A prepared request skips the environment (a CA bundle, proxies) unless merged in.
    settings = endpoint.http.merge_environment_settings(request.url, {}, None, None, None)
    expect_client_error(endpoint.http.send(request, timeout=TIMEOUT, **settings))


@CHECKS.add("error-non-utf8")
def error_non_utf8(endpoint: Endpoint) -> None:
    """§2.1.3, SPARQL 1.1 Query §19.1: a body that is not UTF-8 (declared ISO-8859-1, or bytes
    that do not decode): 4xx."""
    body = 'ASK { FILTER("café" = "café") }'.encode("iso-8859-1")
    expect_client_error(endpoint.post(body, f"{DIRECT}; charset=ISO-8859-1"))
    expect_client_error(endpoint.post(body, DIRECT))


@CHECKS.add("error-bad-method")
def error_bad_method(endpoint: Endpoint) -> None:
    """§2.1, RFC 9110 §15.5.6: PUT and DELETE: 405 with an Allow naming GET and POST."""
    for method in ("PUT", "DELETE"):
        response = endpoint.send(method, params={"query": ASK_TRUE})
        expect(response, 405)
        allowed = {m.strip().upper() for m in response.headers.get("Allow", "").split(",")}
        assert {"GET", "POST"} <= allowed, response.headers.get("Allow")


# §2.2 and §4: a read-only query service refuses updates, and nothing is written


def _probe() -> tuple[str, str]:
    """A fresh subject and an INSERT DATA of one triple about it."""
    subject = f"urn:x-citykg-test:probe:{uuid.uuid4().hex}"
    return subject, f'INSERT DATA {{ <{subject}> <{T.probe}> "written" }}'


def _assert_not_written(endpoint: Endpoint, subject: str) -> None:
    query = f"ASK {{ {{ <{subject}> ?p ?o }} UNION {{ GRAPH ?g {{ <{subject}> ?p ?o }} }} }}"
    assert not endpoint.ask(query), f"DATA CHANGED: the update about <{subject}> was applied"


@CHECKS.add("error-query-and-update")
def error_query_and_update(endpoint: Endpoint) -> None:
    """§2.1, §2.2: a request is a query or an update, not both: 400, nothing written."""
    subject, update = _probe()
    both = [("query", ASK_TRUE), ("update", update)]
    responses = [endpoint.get(both), endpoint.post(both, FORM)]
    _assert_not_written(endpoint, subject)
    for response in responses:
        expect(response, 400)


@CHECKS.add("update-refused-form")
def update_refused_form(endpoint: Endpoint) -> None:
    """§2.2.1, §4: ``update=`` in a form POST: refused (4xx), nothing written."""
    subject, update = _probe()
    response = endpoint.post({"update": update}, FORM)
    _assert_not_written(endpoint, subject)
    expect_client_error(response)


@CHECKS.add("update-refused-direct")
def update_refused_direct(endpoint: Endpoint) -> None:
    """§2.2.2, §4: an ``application/sparql-update`` POST: refused (4xx), nothing written."""
    subject, update = _probe()
    response = endpoint.post(update.encode(), UPDATE)
    _assert_not_written(endpoint, subject)
    expect_client_error(response)


@CHECKS.add("update-refused-get")
def update_refused_get(endpoint: Endpoint) -> None:
    """§2.2: updates are never sent by GET: refused (4xx), nothing written."""
    subject, update = _probe()
    response = endpoint.get({"update": update})
    _assert_not_written(endpoint, subject)
    expect_client_error(response)


@CHECKS.add("update-as-query")
def update_as_query(endpoint: Endpoint) -> None:
    """§2.1.7: an update in ``query=`` is not a query string: 400, nothing written."""
    subject, update = _probe()
    responses = [endpoint.get({"query": update}), endpoint.post(update.encode(), DIRECT)]
    _assert_not_written(endpoint, subject)
    for response in responses:
        expect(response, 400)
