"""Conditional requests (RFC 9110 §13): the preconditions of a request evaluated in the order of
§13.2.2 against a representation's ETag and Last-Modified, then its Range (RFC 9110 §14).

Werkzeug's ``make_conditional`` takes ``If-Match: *`` for a failed precondition, keeps the body
on a 412 and ignores ``If-Unmodified-Since``; here it only serves ranges, after the
preconditions have passed."""

from __future__ import annotations

from datetime import datetime

from flask import Request, Response
from werkzeug.http import parse_date, parse_etags

# The headers evaluated here, kept from Werkzeug when it serves a range.
PRECONDITIONS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
)


def evaluate(req: Request, etag: str | None, weak: bool, modified: datetime | None) -> int | None:
    """412 or 304 when a precondition decides the answer, None to answer as usual."""
    if_match = req.headers.get("If-Match")
    if if_match is not None:
        tags = parse_etags(if_match)
        if not (tags.star_tag or (etag is not None and not weak and tags.is_strong(etag))):
            return 412
    else:
        since = parse_date(req.headers.get("If-Unmodified-Since"))
        if since is not None and modified is not None and modified > since:
            return 412
    safe = req.method in ("GET", "HEAD")
    if_none_match = req.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = parse_etags(if_none_match)
        if tags.star_tag or (etag is not None and tags.contains_weak(etag)):
            return 304 if safe else 412
    elif safe:
        since = parse_date(req.headers.get("If-Modified-Since"))
        if since is not None and modified is not None and modified <= since:
            return 304
    return None


def apply(req: Request, response: Response, length: int | None = None) -> Response:
    """``response`` (200, with its validators) answered as the request's preconditions decide:
    412 with a short message, 304, or itself, a range of it when asked (``length``: the whole
    length of a file, whose ranges are served)."""
    etag, weak = response.get_etag()
    modified = response.last_modified
    status = evaluate(req, etag, weak, modified.replace(microsecond=0) if modified else None)
    if status == 412:
        response.close()
        response.direct_passthrough = False
        for header in ("Content-Encoding", "Content-Disposition", "Content-Range"):
            response.headers.pop(header, None)
        response.set_data(
            b"precondition failed: the resource does not match If-Match or If-Unmodified-Since\n"
        )
        response.content_type = "text/plain; charset=utf-8"
        response.status_code = 412
        return response
    if status == 304:
        response.status_code = 304
        return response
    if length is None:
        return response
    environ = {k: v for k, v in req.environ.items() if k not in PRECONDITIONS}
    return response.make_conditional(environ, accept_ranges=True, complete_length=length)
