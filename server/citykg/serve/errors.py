"""Errors as HTTP answers, decided here only: the status of each engine error, the error
handlers, and the short error page (HTML for browsers, plain text for everyone else)."""

from __future__ import annotations

import contextlib

from flask import Flask, Response, current_app, render_template, request

from citykg.contract.formats import HTML, TEXT
from citykg.serve.engine.base import (
    BadQuery,
    EngineBusy,
    EngineError,
    EngineFailure,
    EngineUnavailable,
    NotFound,
    QueryTimeout,
    StoreFailure,
)
from citykg.serve.negotiation import NegotiationError, negotiate

# The HTTP status of each error the engine raises.
ENGINE_STATUS: dict[type[EngineError], int] = {
    BadQuery: 400,
    NotFound: 404,
    EngineFailure: 500,
    QueryTimeout: 503,
    EngineBusy: 503,
    EngineUnavailable: 503,
    StoreFailure: 502,
}


class HttpError(Exception):
    """A client error with a short message, decided by the HTTP layer itself."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def status_of(exc: EngineError) -> int:
    """The HTTP status answering ``exc`` (that of its nearest class in the table)."""
    return next((ENGINE_STATUS[c] for c in type(exc).__mro__ if c in ENGINE_STATUS), 500)


def shorten(text: str, length: int = 200) -> str:
    """``text`` cut to ``length`` characters for an error message."""
    return text if len(text) <= length else text[:length] + "…"


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A short error: an HTML page for browsers, plain text for everyone else."""
    wants_html = False
    with contextlib.suppress(NegotiationError):
        wants_html = negotiate(request.headers.get("Accept"), (TEXT, HTML)) is HTML
    if wants_html and request.method != "HEAD":
        body = render_template("error.html", status=status, message=message)
        response = Response(body, status=status, content_type=HTML.content_type)
    else:
        response = Response(message.rstrip() + "\n", status=status, content_type=TEXT.content_type)
    response.vary.add("Accept")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def install(app: Flask) -> None:
    """Register the error handlers on ``app``."""

    @app.errorhandler(HttpError)
    def _http_error(exc: HttpError) -> Response:
        return error_response(exc.status, exc.message, exc.headers)

    @app.errorhandler(EngineError)
    def _engine_error(exc: EngineError) -> Response:
        return error_response(status_of(exc), str(exc))

    @app.errorhandler(404)
    def _not_found(_exc: Exception) -> Response:
        return error_response(404, f"nothing is published at {shorten(request.path)}")

    @app.errorhandler(405)
    def _method(exc: Exception) -> Response:
        allowed = ", ".join(getattr(exc, "valid_methods", None) or ["GET", "HEAD", "OPTIONS"])
        return error_response(
            405, f"method {request.method} is not allowed here", {"Allow": allowed}
        )

    @app.errorhandler(413)
    def _too_large(_exc: Exception) -> Response:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        return error_response(413, f"the request body is too large: at most {limit} bytes")

    @app.errorhandler(500)
    def _internal(_exc: Exception) -> Response:
        return error_response(500, "internal error; it has been logged")
