"""The SPARQL endpoint: ``/sparql`` (SPARQL 1.1 Protocol, https://www.w3.org/TR/sparql11-protocol/).

A GET without a query answers the service description (SPARQL 1.1 Service Description §2) in the
negotiated RDF format, or the query page for a browser. Results are negotiated from the Accept
header (or ``format=``) among the formats of the query's form.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from citykg.serve import guard, service_description
from citykg.serve.formats import (
    GRAPH,
    HTML,
    RESULTS,
    Format,
    by_request_name,
    serialize_graph,
    serialize_results,
)
from citykg.serve.http import HttpError, choose
from citykg.serve.protocol import ProtocolError, QueryRequest, parse_request, query_form
from citykg.serve.queryview import Table, examples, result_table
from citykg.serve.store import QueryResult

bp = Blueprint("sparql", __name__)

OFFERS = {
    "SELECT": (*RESULTS, HTML),
    "ASK": (*RESULTS, HTML),
    "CONSTRUCT": (*GRAPH, HTML),
    "DESCRIBE": (*GRAPH, HTML),
}


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """The query operation, or the service description when there is no query."""
    try:
        req = parse_request(
            request.method,
            list(request.args.items(multi=True)),
            request.headers.get("Content-Type"),
            request.get_data(cache=True),
        )
    except ProtocolError as exc:
        raise HttpError(exc.status, str(exc)) from None
    if req.query is None:
        return service_description.respond(request.base_url, req.format)
    return answer(req)


@bp.route("/query", methods=["GET"])
def query_page() -> Response:
    """The query editor; with ``?query=`` it also shows the results as a table."""
    text = request.args.get("query")
    table = None
    if text:
        table = result_table(execute(QueryRequest(text)), current_app.config["base_iri"])
    return _page(text or "", table)


def answer(req: QueryRequest) -> Response:
    """Run a query and send its results in the negotiated format."""
    form = query_form(req.query)
    offers = OFFERS.get(form, (*RESULTS, *GRAPH))
    fmt = _requested(req, offers) or choose(offers)
    result = execute(req)
    kind = "graph" if _is_graph(result) else "results"
    if fmt.kind not in (kind, "html"):
        offers = tuple(f for f in (*RESULTS, *GRAPH, HTML) if f.kind in (kind, "html"))
        fmt = _requested(req, offers) or choose(offers)
    if fmt is HTML:
        return _page(req.query, result_table(result, current_app.config["base_iri"]))
    try:
        body = serialize_results(result, fmt) if kind == "results" else serialize_graph(result, fmt)
    except (OSError, ValueError, RuntimeError) as exc:
        raise HttpError(400, f"query evaluation failed: {exc}") from None
    return _response(body, fmt)


def execute(req: QueryRequest) -> QueryResult:
    """Run the query on the store; a syntax error is a 400 with the parser's message.

    The guard first refuses what would make the server fetch anything off the allow-list.
    """
    store = current_app.config["store"]
    try:
        guard.check(
            req.query,
            current_app.config["CITYKG_SERVICE_ALLOWLIST"],
            current_app.config["graphs"],
        )
    except guard.QueryRefused as exc:
        raise HttpError(400, str(exc)) from None
    try:
        return store.query(req.query, req.default_graphs, req.named_graphs)
    except SyntaxError as exc:
        raise HttpError(400, f"SPARQL syntax error: {exc}") from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise HttpError(400, f"query evaluation failed: {exc}") from None


def _requested(req: QueryRequest, offers: tuple[Format, ...]) -> Format | None:
    if req.format is None:
        return None
    fmt = by_request_name(req.format, offers)
    if fmt is None:
        names = ", ".join(f.name for f in offers)
        raise HttpError(400, f"format must be one of: {names}")
    return fmt


def _is_graph(result: QueryResult) -> bool:
    return isinstance(result, ox.QueryTriples)


def _page(query: str, table: Table | None) -> Response:
    """The query page, with download links in the formats of the query's form."""
    offers = OFFERS.get(query_form(query) or "", ()) if query else ()
    downloads = [f.name for f in offers if f is not HTML]
    body = render_template(
        "query.html", query=query, table=table, examples=examples(), downloads=downloads
    )
    return _response(body.encode(), HTML)


def _response(body: bytes, fmt: Format) -> Response:
    response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    response.cache_control.no_cache = True
    return response
