"""HTTP mechanics shared by every route: representations with validators and alternates,
CORS, gzip (errors: :mod:`citykg.serve.errors`).

Conditional requests follow RFC 9110 §13 (ETag per representation, Last-Modified from the release,
the preconditions in :mod:`citykg.serve.conditional`); CORS follows the WHATWG Fetch standard
(``*`` and never credentials); gzip follows RFC 9110 §8.4 and §12.5.3.
"""

from __future__ import annotations

import functools
import re

from flask import Flask, Request, Response, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.http import parse_accept_header
from werkzeug.utils import cached_property

from citykg.contract.formats import Format
from citykg.serve import conditional
from citykg.serve.encoding import gzipped
from citykg.serve.errors import HttpError
from citykg.serve.negotiation import NegotiationError, negotiate
from citykg.serve.services import services

COMPRESSIBLE = (
    "text/",
    "application/sparql-results",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/json",
)
CORS_METHODS = "GET, POST, HEAD, OPTIONS"
CORS_EXPOSE = (
    "Content-Type, Content-Length, Content-Location, ETag, Last-Modified, Link, Vary, "
    "Memento-Datetime, Citykg-Truncated, Citykg-Cache, Citykg-Release"
)


_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


class CitykgRequest(Request):
    """Flask's request with the query string decoded faster.

    A SPARQL query sent by GET is a long run of percent escapes, which the standard library
    decodes one by one in Python (40 µs for the bench's q8, a tenth of the app's time for a
    query). Here an ASCII query string (what clients send) is split on its escapes by one regular
    expression and the escapes decoded at once (27 µs); anything else goes the standard way.
    Both give what werkzeug gives: ``+`` is a space, blank values are kept, an invalid escape
    stays as it is and bytes that are not UTF-8 stay percent-encoded. Unescaped bytes that are not
    UTF-8 (which werkzeug cannot decode at all) are a 400 for every route, not a 500.
    """

    @cached_property
    def args(self) -> ImmutableMultiDict[str, str]:
        """The parsed URL parameters."""
        raw = self.query_string
        if raw.isascii():
            return self.parameter_storage_class(parse_query_string(raw.decode("ascii")))
        try:
            return super().args
        except UnicodeDecodeError:
            raise HttpError(400, "the query string is not valid UTF-8") from None


def parse_query_string(query: str) -> list[tuple[str, str]]:
    """``name=value`` pairs of an ASCII query string, as ``urllib.parse.parse_qsl`` (blank values
    kept, ``errors="werkzeug.url_quote"``) gives them."""
    pairs = []
    for field in query.split("&"):
        if not field:
            continue
        name, _, value = field.partition("=")
        pairs.append((_unquote(name.replace("+", " ")), _unquote(value.replace("+", " "))))
    return pairs


def _unquote(text: str) -> str:
    if "%" not in text:
        return text
    parts = _ESCAPE.split(text)  # literal, hex pair, literal, ..., literal
    parts[1::2] = bytes.fromhex("".join(parts[1::2])).decode("latin-1")
    return "".join(parts).encode("latin-1").decode("utf-8", "werkzeug.url_quote")


def choose(offers: tuple[Format, ...], accept: str | None = None) -> Format:
    """The negotiated format, or HttpError 406 naming what is available."""
    try:
        fmt = negotiate(request.headers.get("Accept") if accept is None else accept, offers)
    except NegotiationError as exc:
        raise HttpError(406, f"{exc}; available: {_types(offers)}") from None
    if fmt is None:
        raise HttpError(406, f"none of the acceptable media types is available: {_types(offers)}")
    return fmt


def represent(
    body: bytes,
    fmt: Format,
    *,
    negotiated: bool = True,
    alternates: list[tuple[str, Format]] | None = None,
    content_location: str | None = None,
) -> Response:
    """A 200 response carrying one representation of a release resource, with validators."""
    response = Response(body, content_type=fmt.content_type)
    release = services().release
    response.set_etag(f"{release.id}-{fmt.name}")
    response.last_modified = release.modified
    response.cache_control.public = True
    response.cache_control.max_age = 300
    if negotiated:
        response.vary.add("Accept")
    if content_location:
        response.headers["Content-Location"] = content_location
    if alternates:
        response.headers["Link"] = ", ".join(
            f'<{url}>; rel="alternate"; type="{alt.media_type}"' for url, alt in alternates
        )
    return response


def install(app: Flask) -> None:
    """Register the request class and the after-request steps (CORS, gzip, conditional
    requests) on ``app``."""
    app.request_class = CitykgRequest

    @app.after_request
    def _after(response: Response) -> Response:
        _cors(request, response)
        response = _compress(request, response)
        if (
            response.status_code == 200
            and not response.direct_passthrough
            and response.get_etag()[0]
        ):
            response = conditional.apply(request, response)
        return response


def _cors(req: Request, response: Response) -> None:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSE
    if req.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = CORS_METHODS
        asked = req.headers.get("Access-Control-Request-Headers", "")
        allowed = [h.strip() for h in asked.split(",") if h.strip() and _header_name(h.strip())]
        response.headers["Access-Control-Allow-Headers"] = ", ".join(
            allowed or ["Accept", "Content-Type"]
        )
        response.headers["Access-Control-Max-Age"] = "86400"
    response.headers.pop("Access-Control-Allow-Credentials", None)


def _header_name(name: str) -> bool:
    return len(name) < 64 and all(c.isalnum() or c in "-_" for c in name)


def _compress(req: Request, response: Response) -> Response:
    """gzip a buffered textual response when the client accepts it."""
    vary = response.headers.get("Vary", "")
    if "accept-encoding" not in vary.lower():
        response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
    if (
        response.direct_passthrough
        or response.is_streamed
        or response.status_code < 200
        or response.status_code in (204, 206, 304)
        or "Content-Encoding" in response.headers
        or not (response.mimetype or "").startswith(COMPRESSIBLE)
        or not accepts_gzip(req)
    ):
        return response
    body = gzipped(response.get_data())
    if body is None:
        return response
    response.set_data(body)
    return mark_gzipped(response)


def accepts_gzip(req: Request) -> bool:
    """Whether the body of the answer to ``req`` may be sent gzipped."""
    return gzip_accepted(req.headers.get("Accept-Encoding"))


@functools.lru_cache(maxsize=256)
def gzip_accepted(header: str | None) -> bool:
    """Whether an Accept-Encoding header accepts gzip; remembered, as negotiation is."""
    return parse_accept_header(header)["gzip"] > 0


def mark_gzipped(response: Response) -> Response:
    """Label a response whose body is gzipped: Content-Encoding, and an ETag of its own."""
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}-gzip", weak=weak)
    return response


def _types(offers: tuple[Format, ...]) -> str:
    return ", ".join(f.media_type for f in offers)
