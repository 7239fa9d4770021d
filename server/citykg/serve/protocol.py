"""Reading a SPARQL 1.1 Protocol request (https://www.w3.org/TR/sparql11-protocol/#query-operation).

Pure request parsing, no Flask: query via GET (§2.1.1), URL-encoded POST (§2.1.2) or direct POST
(§2.1.3); the RDF dataset from ``default-graph-uri`` / ``named-graph-uri`` (§2.1.4); updates are
refused (this is a read-only query service, §2.2 and §4).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from citykg.contract.iris import is_iri

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
PROTOCOL_PARAMETERS = ("query", "update", "default-graph-uri", "named-graph-uri", "format")


class ProtocolError(ValueError):
    """A request the protocol does not allow; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class QueryRequest:
    """A protocol query request: the query (None: ask for the service description) and dataset."""

    query: str | None
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    format: str | None = None
    extra: dict[str, list[str]] = field(default_factory=dict)


def parse_request(
    method: str,
    url_params: Sequence[tuple[str, str]],
    content_type: str | None,
    body: bytes,
) -> QueryRequest:
    """Interpret a GET or POST to the query endpoint."""
    if method in ("GET", "HEAD"):
        return _from_params(url_params, direct=None)
    media_type, params = _media_type(content_type)
    if media_type is None:
        raise ProtocolError(
            400,
            "a POST needs a Content-Type (application/sparql-query or "
            "application/x-www-form-urlencoded)",
        )
    if media_type == FORM:
        text = _decode(body, params.get("charset"))
        req = _from_params(parse_qsl(text, keep_blank_values=True), direct=None)
        return _with_url_extras(req, url_params)
    if media_type == DIRECT:
        return _from_params(url_params, direct=_decode(body, params.get("charset")))
    if media_type == UPDATE:
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
    raise ProtocolError(415, f"unsupported Content-Type {media_type}; use {DIRECT} or {FORM}")


def _from_params(pairs: Sequence[tuple[str, str]], direct: str | None) -> QueryRequest:
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        values.setdefault(key, []).append(value)
    queries = values.pop("query", [])
    updates = values.pop("update", [])
    if direct is not None:
        if queries:
            raise ProtocolError(400, "a direct POST carries the query in its body, not in ?query=")
        if not direct.strip():
            raise ProtocolError(400, "the request body is empty: it must be a SPARQL query")
        queries = [direct]
    if updates and queries:
        raise ProtocolError(400, "a request carries either a query or an update, not both")
    if updates:
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
    if len(queries) > 1:
        raise ProtocolError(400, "exactly one query parameter is allowed")
    query = queries[0] if queries else None
    if query is not None and not query.strip():
        raise ProtocolError(400, "the query is empty")
    defaults = values.pop("default-graph-uri", None)
    named = values.pop("named-graph-uri", None)
    if query is None and (defaults or named):
        raise ProtocolError(400, "default-graph-uri and named-graph-uri need a query")
    for iri in (defaults or []) + (named or []):
        if not is_iri(iri):
            raise ProtocolError(400, f"not an absolute IRI: {iri[:200]!r}")
    formats = values.pop("format", [])
    if len(formats) > 1:
        raise ProtocolError(400, "at most one format parameter is allowed")
    return QueryRequest(query, defaults, named, formats[0] if formats else None, values)


def _with_url_extras(req: QueryRequest, url_params: Sequence[tuple[str, str]]) -> QueryRequest:
    """A form POST's request with the parameters of its URL that are not the protocol's own
    (``timeout``, say), as a GET and a direct POST take them."""
    extra = {key: list(values) for key, values in req.extra.items()}
    for key, value in url_params:
        if key not in PROTOCOL_PARAMETERS:
            extra.setdefault(key, []).append(value)
    return dataclasses.replace(req, extra=extra)


def _media_type(header: str | None) -> tuple[str | None, Mapping[str, str]]:
    if not header or not header.strip():
        return None, {}
    media_type, *rest = header.split(";")
    params = {}
    for item in rest:
        key, _, value = item.partition("=")
        params[key.strip().lower()] = value.strip().strip('"').lower()
    return media_type.strip().lower(), params


def _decode(body: bytes, charset: str | None) -> str:
    """Queries are UTF-8 (SPARQL 1.1 Query §19.1); anything else is refused."""
    if charset not in (None, "utf-8", "utf8", "us-ascii"):
        raise ProtocolError(415, f"charset {charset} is not supported: send UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the request body is not valid UTF-8") from None


_KEYWORD = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)


def query_form(query: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, read from the query text (None if not found).

    Strings, IRIs and comments are skipped so that a keyword inside them is not taken.
    """
    match = _KEYWORD.search(_SKIP.sub(" ", query))
    return match.group(1).upper() if match else None
