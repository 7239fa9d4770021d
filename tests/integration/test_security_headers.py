"""Security headers on every kind of response (issue #21): pages get a strict
Content-Security-Policy that still allows all they load, data a minimal one and
Cross-Origin-Resource-Policy ``cross-origin``; every response ``nosniff``, a Referrer-Policy and
no framing; 304s, errors, HEAD, OPTIONS, gzipped answers and static files alike. No page has
inline script, inline style or event handlers.

- CSP Level 3: https://www.w3.org/TR/CSP3/ (parsing a serialized policy, fetch directives and
  their fallback to default-src, form-action)
- Fetch: https://fetch.spec.whatwg.org/#x-content-type-options-header,
  https://fetch.spec.whatwg.org/#cross-origin-resource-policy-header
"""

from __future__ import annotations

import gzip
from urllib.parse import urljoin, urlsplit

import pytest

from citykg.serve.services import services

from support.html import Element, parse_html
from support.pages import CONSTRUCT, PAGES, SELECT, TEMPLATES, path_of

BASE = "https://w3id.org/citykg/"
ORIGIN = "http://localhost"  # the test client's

EVERY = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
PAGE = {
    **EVERY,
    "Cross-Origin-Resource-Policy": "same-origin",
    "Content-Security-Policy": {
        "default-src": ["'none'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    },
}
DATA = {
    **EVERY,
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Content-Security-Policy": {"default-src": ["'none'"], "frame-ancestors": ["'none'"]},
}

# Every kind of data: method, path, Accept (else ``*/*``), status; a POST's form is in FORMS.
DATA_RESPONSES = {
    "sparql-json": ("GET", f"/sparql?query={SELECT}", "application/sparql-results+json", 200),
    "sparql-xml": ("GET", f"/sparql?query={SELECT}&format=xml", None, 200),
    "sparql-csv": ("GET", f"/sparql?query={SELECT}&format=csv", None, 200),
    "sparql-post": ("POST", "/sparql", "application/sparql-results+json", 200),
    "sparql-construct": ("GET", f"/sparql?query={CONSTRUCT}", "text/turtle", 200),
    "service-description": ("GET", "/sparql", "text/turtle", 200),
    "city-turtle": ("GET", "/id/city/leipzig-deu", "text/turtle", 200),
    "city-jsonld": ("GET", "/id/city/leipzig-deu.jsonld", None, 200),
    "ontology-turtle": ("GET", "/ontology.ttl", None, 200),
    "void": ("GET", "/.well-known/void", "text/turtle", 200),
    "fragment-trig": ("GET", "/fragments", "application/trig", 200),
    "dump-gzip": ("GET", "/dumps/citykg.nt.gz", None, 200),
    "dump-turtle": ("GET", "/dumps/void.ttl", None, 200),
    "dump-sums": ("GET", "/dumps/SHA256SUMS", None, 200),
    "dump-range": ("GET", "/dumps/citykg.nq", None, 206),
    "health": ("GET", "/health", None, 200),
    "metrics": ("GET", "/metrics", None, 200),
    "static": ("GET", "/static/style.css", None, 200),
    "text-404": ("GET", "/nothing/here", None, 404),
    "text-400": ("GET", "/sparql?query=SELECT", None, 400),
    "update-403": ("POST", "/sparql", None, 403),
    "method-405": ("POST", "/id/city/leipzig-deu", None, 405),
    "none-acceptable-406": ("GET", "/id/city/leipzig-deu", "image/png", 406),
}
FORMS = {"sparql-post": {"query": "ASK {}"}, "update-403": {"update": "CLEAR ALL"}}
RANGES = {"dump-range": "bytes=10-99"}
HEADERS = tuple(PAGE)


def parse_policy(header: str) -> dict[str, list[str]]:
    """A serialized Content-Security-Policy as directive -> sources, as CSP3 parses it: split on
    ``;``, names lower-cased; a repeated directive, which browsers ignore, fails here."""
    policy: dict[str, list[str]] = {}
    for directive in header.split(";"):
        name, *sources = directive.split() or [""]
        if not name:
            continue
        assert name.lower() not in policy, f"{name} twice in {header!r}"
        policy[name.lower()] = sources
    return policy


def security(response) -> dict:
    """The security headers of ``response``, each sent once, the policy parsed."""
    found = {}
    for name in HEADERS:
        values = response.headers.getlist(name)
        assert len(values) == 1, (name, values)
        found[name] = values[0]
    found["Content-Security-Policy"] = parse_policy(found["Content-Security-Policy"])
    return found


def get_page(client, case: str):
    path, status = path_of(case, services(client.application).release.id), PAGES[case][1]
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == status, (path, response.data[:300])
    assert response.mimetype == "text/html"
    return response


# -- the headers of each kind of response --------------------------------------------------------


@pytest.mark.parametrize("case", PAGES)
def test_pages_get_the_page_policy(client, case):
    response = get_page(client, case)
    assert security(response) == PAGE
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("case", DATA_RESPONSES)
def test_data_gets_the_data_policy(client, case):
    method, path, accept, status = DATA_RESPONSES[case]
    headers = {"Accept": accept or "*/*"}
    if case in RANGES:
        headers["Range"] = RANGES[case]
    response = client.open(path, method=method, headers=headers, data=FORMS.get(case))
    assert response.status_code == status, (path, response.data[:300])
    assert response.mimetype != "text/html"
    assert security(response) == DATA
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_page_policy_refuses_what_it_must(client):
    """What the issue asks for, in CSP's own terms: nothing loads unless named, no source is
    another origin or inline, no framing, no <base>, forms only to this origin."""
    policy = security(get_page(client, "home"))["Content-Security-Policy"]
    assert policy["default-src"] == ["'none'"]
    assert "script-src" not in policy  # so no script at all: default-src
    for sources in policy.values():
        assert set(sources) <= {"'self'", "'none'"}, sources
    assert policy["frame-ancestors"] == policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/", "text/html"),
        ("/id/city/leipzig-deu", "text/html"),
        ("/id/city/leipzig-deu", "text/turtle"),
        ("/fragments", "application/trig"),
        ("/static/style.css", "*/*"),
        ("/dumps/void.ttl", "*/*"),
    ],
)
def test_a_304_has_the_headers_of_its_200(client, path, accept):
    """A cache refreshes its stored headers from a 304 (RFC 9111 §4.3.4), so they must agree."""
    first = client.get(path, headers={"Accept": accept})
    again = client.get(path, headers={"Accept": accept, "If-None-Match": first.headers["ETag"]})
    assert first.status_code == 200 and again.status_code == 304
    assert security(again) == security(first) == (PAGE if accept == "text/html" else DATA)


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/", "text/html"),
        ("/id/city/leipzig-deu", "text/turtle"),
        (f"/sparql?query={SELECT}", "application/sparql-results+json"),
        ("/health", "*/*"),
        ("/dumps/citykg.nt.gz", "*/*"),
    ],
)
def test_head_has_the_headers_of_get(client, path, accept):
    got = client.get(path, headers={"Accept": accept})
    head = client.head(path, headers={"Accept": accept})
    assert head.status_code == got.status_code == 200 and head.data == b""
    assert security(head) == security(got) == (PAGE if accept == "text/html" else DATA)


@pytest.mark.parametrize("path", ["/sparql", "/", "/id/city/leipzig-deu"])
def test_a_preflight_gets_the_data_headers(client, path):
    """An OPTIONS answer has no body to protect; it is answered like the data it clears."""
    response = client.options(
        path,
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert response.status_code == 200 and response.data == b""
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert security(response) == DATA


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/", "text/html"),
        ("/id/city/leipzig-deu", "text/html"),
        ("/query", "text/html"),
        ("/id/city/leipzig-deu", "text/turtle"),
        (f"/sparql?query={SELECT}", "application/sparql-results+json"),
        ("/.well-known/void", "text/turtle"),
    ],
)
def test_gzipped_answers_keep_the_headers(client, path, accept):
    plain = client.get(path, headers={"Accept": accept})
    zipped = client.get(path, headers={"Accept": accept, "Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert security(zipped) == security(plain) == (PAGE if accept == "text/html" else DATA)


# -- the pages fit their policy ------------------------------------------------------------------

# What an element fetches, and the directive that governs it (CSP3 fetch directives, form-action).
FETCHES = {
    "img": ("src", "img-src"),
    "script": ("src", "script-src"),
    "iframe": ("src", "frame-src"),
    "frame": ("src", "frame-src"),
    "object": ("data", "object-src"),
    "embed": ("src", "object-src"),
    "audio": ("src", "media-src"),
    "video": ("src", "media-src"),
    "source": ("src", "media-src"),
    "track": ("src", "media-src"),
    "form": ("action", "form-action"),
}
LINKS = {"stylesheet": "style-src", "icon": "img-src", "preload": "default-src"}


def fetches(page: Element) -> list[tuple[str, str]]:
    """(directive, URL) for everything ``page`` loads or may send a form to; a form without an
    action goes to the page itself (``""``)."""
    found = []
    for element in page.iter():
        if element.tag == "script" and is_data_block(element):
            continue  # fetches nothing
        if element.tag in FETCHES:
            attribute, directive = FETCHES[element.tag]
            found.append((directive, element.get(attribute) or ""))
        elif element.tag == "link":
            for rel in element.attrs.get("rel", "").lower().split():
                if rel in LINKS:
                    found.append((LINKS[rel], element.attrs.get("href", "")))
    return found


def allows(policy: dict[str, list[str]], directive: str, url: str, page_url: str) -> bool:
    """Whether ``policy`` lets the page at ``page_url`` fetch (or send a form to) ``url``, where
    the only sources it may name are ``'self'`` and ``'none'``. A fetch directive left out falls
    back to default-src (CSP3's directive fallback list, simplified: frame-src's fallback to
    child-src is not needed here)."""
    sources = policy.get(directive)
    if sources is None and directive.endswith("-src"):
        sources = policy.get("default-src", ["*"])
    if sources is None:
        return True  # a navigation directive left out allows everything
    assert set(sources) <= {"'self'", "'none'"}, sources
    target = urlsplit(urljoin(page_url, url))
    return "'self'" in sources and f"{target.scheme}://{target.netloc}" == ORIGIN


def inline(page: Element) -> list[str]:
    """What the page policy blocks that is written in the page itself: ``<script>`` (with a
    ``src`` or not), ``<style>``, ``style=``, event handlers (``on...=``), ``javascript:`` URLs,
    and ``<base>``."""
    found = [
        f"<{e.tag}>"
        for e in page.iter()
        if e.tag in ("style", "base") or (e.tag == "script" and not is_data_block(e))
    ]
    for element in page.iter():
        for name, value in element.attrs.items():
            if name == "style" or name.startswith("on"):
                found.append(f"{element} {name}=")
            elif value.strip().lower().startswith("javascript:"):
                found.append(f"{element} {name}={value!r}")
    return found


def is_data_block(element: Element) -> bool:
    """A ``<script>`` holding JSON-LD, which a browser never runs (HTML's data blocks), so no
    policy governs it; one with a ``src`` is a script whatever its type."""
    return element.get("type") == "application/ld+json" and not element.get("src")


@pytest.mark.parametrize("case", PAGES)
def test_pages_have_no_inline_script_or_style(client, case):
    assert inline(parse_html(get_page(client, case).data)) == []


@pytest.mark.parametrize("case", PAGES)
def test_pages_load_only_what_their_policy_allows(client, case):
    response = get_page(client, case)
    policy = security(response)["Content-Security-Policy"]
    page_url = ORIGIN + PAGES[case][0]
    page = parse_html(response.data)
    loaded = fetches(page)
    assert ("style-src", "/static/style.css") in loaded
    for directive, url in loaded:
        assert allows(policy, directive, url, page_url), (directive, url)


def test_the_stylesheet_is_served_as_css(client):
    """With ``nosniff`` a browser applies a stylesheet only if it is labelled text/css."""
    response = client.get("/static/style.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_every_template_is_among_the_pages():
    """A new template is tested above once a page rendering it is added to PAGES."""
    extended = {"base.html"}  # every page's frame: it holds the stylesheet link
    templates = {p.name for p in TEMPLATES.glob("*.html")} - extended
    assert templates == {template for _, _, template in PAGES.values()}


def test_the_checks_catch_what_they_look_for():
    """The helpers above find a violation when there is one."""
    page = parse_html(
        '<html><head><link rel="stylesheet" href="https://cdn.example/x.css"></head>'
        '<body><img src="/a.png"><form action="https://elsewhere.example/"></form></body></html>'
    )
    policy = PAGE["Content-Security-Policy"]
    verdicts = [allows(policy, d, u, ORIGIN + "/") for d, u in fetches(page)]
    assert verdicts == [False, True, False]
    page = parse_html(
        '<html><head><style>p {}</style></head><body><p style="color: red">'
        '<a href=" JavaScript:go()" onclick="go()">x</a></p><script src="/s.js"></script>'
        "</body></html>"
    )
    assert len(inline(page)) == 5
    assert not allows(DATA["Content-Security-Policy"], "style-src", "/static/style.css", ORIGIN)
    assert parse_policy("default-src 'none' ;; IMG-SRC 'self'") == {
        "default-src": ["'none'"],
        "img-src": ["'self'"],
    }
