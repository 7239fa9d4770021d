"""The SPARQL endpoint: ``/sparql`` (SPARQL 1.1 Protocol, https://www.w3.org/TR/sparql11-protocol/).

A GET without a query answers the service description (SPARQL 1.1 Service Description §2) in the
negotiated RDF format, or the query page for a browser. Results are negotiated from the Accept
header (or ``format=``) among the formats of the query's form.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from citykg.contract.formats import BY_NAME, GRAPH_FORMATS, HTML, RESULT_FORMATS, Format
from citykg.contract.iris import DEFAULT_BASE
from citykg.serve import guard, limits, observability, service_description
from citykg.serve.clients import requester
from citykg.serve.engine.base import Answer, EngineError, QueryJob, QueryTimeout
from citykg.serve.errors import HttpError, status_of
from citykg.serve.fair_share import LimitReached
from citykg.serve.http import choose, gzip_accepted, mark_gzipped
from citykg.serve.negotiation import by_request_name
from citykg.serve.pinning import pin
from citykg.serve.protocol import ProtocolError, QueryRequest, parse_request, query_form
from citykg.serve.queryview import MAX_HTML_ROWS, Table, examples, result_table
from citykg.serve.services import services

bp = Blueprint("sparql", __name__)

TRUNCATED_HEADER = "Citykg-Truncated"
CACHE_HEADER = "Citykg-Cache"

OFFERS = {
    "SELECT": (*RESULT_FORMATS, HTML),
    "ASK": (*RESULT_FORMATS, HTML),
    "CONSTRUCT": (*GRAPH_FORMATS, HTML),
    "DESCRIBE": (*GRAPH_FORMATS, HTML),
}


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """The query operation, or the service description when there is no query."""
    limit = current_app.config["CITYKG_MAX_QUERY_BYTES"]
    if len(request.query_string) > 2 * limit:
        raise HttpError(414, f"the query string is longer than {2 * limit} bytes; POST the query")
    if any(c in k or c in v for k, v in request.args.items(multi=True) for c in "%\ufffd"):
        try:  # werkzeug leaves bytes that are not UTF-8 escaped (older versions: replaced)
            unquote_to_bytes(request.query_string.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            raise HttpError(400, "the query string is not valid UTF-8") from None
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


@bp.route("/releases/<release_id>/sparql", methods=["GET", "POST"])
def release_endpoint(release_id: str) -> Response:
    """The endpoint of one kept release (see :meth:`citykg.serve.editions.Editions.enter`)."""
    pin(services().editions, release_id)
    return endpoint()


@bp.route("/query", methods=["GET"])
def query_page() -> Response:
    """The query editor; with ``?query=`` it also shows the results as a table."""
    text = request.args.get("query")
    if not text:
        return _page("", None)
    return answer(QueryRequest(text, extra={"timeout": request.args.getlist("timeout")}), HTML)


def answer(req: QueryRequest, fmt: Format | None = None) -> Response:
    """Check, run and send a query in the negotiated format (or ``fmt``)."""
    config = current_app.config
    engine, metrics = services().engine, services().metrics
    try:
        limits.check_size(req.query, config)
    except HttpError:
        metrics.count("rejected", "size")
        raise
    try:
        guard.check(
            req.query,
            config["CITYKG_SERVICE_ALLOWLIST"],
            engine.graph_names(),
            config["CITYKG_MAX_QUERY_DEPTH"],
        )
    except guard.QueryRefused as exc:
        metrics.count("rejected", "guard")
        raise HttpError(400, str(exc)) from None
    offers = OFFERS.get(query_form(req.query) or "", (*RESULT_FORMATS, *GRAPH_FORMATS, HTML))
    fmt = fmt or _requested(req, offers) or choose(offers)
    html = fmt is HTML
    results_fmt, graph_fmt = _formats(fmt)
    cap = min(config["CITYKG_MAX_ROWS"], MAX_HTML_ROWS) if html else config["CITYKG_MAX_ROWS"]
    timeout = limits.timeout(req.extra.get("timeout"), config)
    gzip = not html and gzip_accepted(request.headers.get("Accept-Encoding"))
    job = QueryJob(
        req.query,
        None if req.default_graphs is None else tuple(req.default_graphs),
        None if req.named_graphs is None else tuple(req.named_graphs),
        results_fmt.name,
        graph_fmt.name,
        cap,
        gzip,
    )
    try:
        with services().fair_share.admit(requester()):
            result = engine.query(job, timeout)
    except LimitReached as exc:
        metrics.count("rejected", f"client-{exc.reason}")
        observability.note_query(req.query, timed_out=False, limit=exc.reason)
        raise HttpError(429, str(exc), {"Retry-After": str(exc.retry_after)}) from None
    except EngineError as exc:
        timed_out = isinstance(exc, QueryTimeout)
        if timed_out:
            metrics.count("timeout")
        observability.note_query(req.query, timed_out=timed_out, status=status_of(exc))
        raise
    if result.truncated:
        metrics.count("truncated")
    observability.note_query(
        req.query,
        rows=result.rows,
        truncated=result.truncated,
        timed_out=False,
        cache="hit" if result.cached else "miss",
    )
    if html:
        return _page(req.query, _table(result), result.truncated)
    sent = results_fmt if result.kind == "results" else graph_fmt
    response = _response(result.body, sent)
    if result.gzipped:
        mark_gzipped(response)
    response.headers[CACHE_HEADER] = "hit" if result.cached else "miss"
    if result.truncated:
        response.headers[TRUNCATED_HEADER] = f"rows={result.rows}"
    return response


def _formats(fmt: Format) -> tuple[Format, Format]:
    """The formats to answer in if the query turns out to give results, or a graph.

    The form read from the query text decides the negotiation; the other kind's format is only
    used if the engine's answer is of the other kind. The HTML page reads JSON or N-Triples.
    """
    if fmt is HTML:
        return BY_NAME["json"], BY_NAME["ntriples"]
    if fmt.kind == "results":
        return fmt, _fallback(GRAPH_FORMATS)
    return _fallback(RESULT_FORMATS), fmt


def _fallback(offers: tuple[Format, ...]) -> Format:
    """The format to use if the query turns out to be of the other kind than its text says."""
    try:
        return choose(offers)
    except HttpError:
        return offers[0]


def _table(result: Answer) -> Table:
    base = DEFAULT_BASE
    if result.kind == "results":
        parsed = ox.parse_query_results(result.body, format=ox.QueryResultsFormat.JSON)
    else:
        parsed = [quad.triple for quad in ox.parse(result.body, format=ox.RdfFormat.N_TRIPLES)]
    table = result_table(parsed, base)
    table.truncated = table.truncated or result.truncated
    return table


def _requested(req: QueryRequest, offers: tuple[Format, ...]) -> Format | None:
    if req.format is None:
        return None
    fmt = by_request_name(req.format, offers)
    if fmt is None:
        names = ", ".join(f.name for f in offers)
        raise HttpError(400, f"format must be one of: {names}")
    return fmt


def _page(query: str, table: Table | None, truncated: bool = False) -> Response:
    """The query page, with download links in the formats of the query's form."""
    offers = OFFERS.get(query_form(query) or "", ()) if query else ()
    downloads = [f.name for f in offers if f is not HTML]
    body = render_template(
        "query.html",
        query=query,
        table=table,
        examples=examples(),
        downloads=downloads,
        truncated=truncated,
    )
    return _response(body.encode(), HTML)


def _response(body: bytes, fmt: Format) -> Response:
    headers = {"Vary": "Accept", "Cache-Control": "no-cache"}
    return Response(body, content_type=fmt.content_type, headers=headers)
