"""Security headers on every response (304s, errors, HEAD, OPTIONS and static files included),
decided here only. A response is a *page* when it is HTML (an OPTIONS answer, a preflight with
no body, is not); everything else is *data*.

- Pages get a Content-Security-Policy (CSP Level 3, https://www.w3.org/TR/CSP3/) allowing only
  what the templates load: the stylesheet from this origin (``style-src 'self'``, so no inline
  ``<style>`` or ``style=``; no script at all), same-origin images (``img-src 'self'``: none
  today, but browsers ask for ``/favicon.ico``) and forms sent to this origin (``/query``,
  ``/fragments``). ``base-uri 'none'``, since no page has a ``<base>``. Also
  ``Cross-Origin-Resource-Policy: same-origin``: another site may not embed a page.
- Data gets ``default-src 'none'``: opened in a browser, a query answer, which holds whatever
  the query asked for, runs and loads nothing. Also
  ``Cross-Origin-Resource-Policy: cross-origin`` (Fetch,
  https://fetch.spec.whatwg.org/#cross-origin-resource-policy-header), so that any site may use
  it, as CORS (``*``, :mod:`citykg.serve.http`) already lets it read it.
- Everything gets ``frame-ancestors 'none'``, as no response is meant to be framed, with
  ``X-Frame-Options: DENY`` for browsers without CSP (HTML,
  https://html.spec.whatwg.org/multipage/document-lifecycle.html#the-x-frame-options-header);
  ``X-Content-Type-Options: nosniff`` (Fetch,
  https://fetch.spec.whatwg.org/#x-content-type-options-header), so a body is only ever what its
  Content-Type says; and ``Referrer-Policy: strict-origin-when-cross-origin`` (Referrer Policy,
  https://www.w3.org/TR/referrer-policy/): another site that a page links to learns only this
  site's origin, never a URL with a query in it, and never over plain HTTP from HTTPS. That is
  modern browsers' default, made explicit for the others.
"""

from __future__ import annotations

from flask import Flask, Request, Response, request

from citykg.contract.formats import HTML

PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"

EVERY = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
PAGE = {
    **EVERY,
    "Content-Security-Policy": PAGE_POLICY,
    "Cross-Origin-Resource-Policy": "same-origin",
}
DATA = {
    **EVERY,
    "Content-Security-Policy": DATA_POLICY,
    "Cross-Origin-Resource-Policy": "cross-origin",
}


def headers_for(req: Request, response: Response) -> dict[str, str]:
    """The security headers of ``response`` to ``req``: those of a page or those of data."""
    page = response.mimetype == HTML.media_type and req.method != "OPTIONS"
    return PAGE if page else DATA


def install(app: Flask) -> None:
    """Add the security headers to every response of ``app``."""

    @app.after_request
    def _secure(response: Response) -> Response:
        response.headers.update(headers_for(request, response))
        return response
