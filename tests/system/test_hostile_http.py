"""Hostile HTTP against a real ``citykg serve``: every request gets a clear answer (the stated
status, a short message, never a 500, a stack trace or a hang). Requests are written as raw
bytes on a socket so that no client library cleans them up first."""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest

from citykg.serve.config import SETTINGS

LEIPZIG = "/id/city/leipzig-deu"
ASK = quote("ASK {}")
TOO_LONG = quote("SELECT * { ?s ?p ?o } #" + "x" * 70_000)
DEEP = quote("SELECT * WHERE " + "{ " * 200 + "?s ?p ?o" + " }" * 200)
TURTLE = "text/turtle"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


@dataclass
class Case:
    target: bytes | str
    status: int | tuple[int, ...]
    method: str = "GET"
    headers: dict[str, str | bytes] = field(default_factory=dict)
    body: bytes = b""
    message: str = ""  # a phrase the body must contain


CASES = {
    # Accept headers
    "accept-garbage": Case(LEIPZIG, 406, headers={"Accept": "@@@;;;==="}),
    "accept-bad-q": Case(LEIPZIG, 200, headers={"Accept": "text/turtle;q=abc, text/html;q=0.1"}),
    "accept-q-above-one": Case(LEIPZIG, 406, headers={"Accept": "text/turtle;q=7"}),
    "accept-10000-ranges": Case(
        LEIPZIG, 406, headers={"Accept": ", ".join(["a/b;q=0.1"] * 9000 + [TURTLE])}
    ),
    "accept-control-bytes": Case(LEIPZIG, 400, headers={"Accept": b"\x01\x02\x7f"}),
    "accept-only-refusals": Case(LEIPZIG, 406, headers={"Accept": "*/*;q=0"}),
    "sparql-accept-unknown": Case(f"/sparql?query={ASK}", 406, headers={"Accept": "image/png"}),
    # sizes
    # a request line over 64 KB: Granian answers 414 URI Too Long itself (long queries go by
    # POST; the app's own 413 for a GET query over the cap is in test_limits)
    "query-string-over-64kb": Case(f"/sparql?query={TOO_LONG}", 414),
    "body-over-cap": Case(
        "/sparql",
        413,
        method="POST",
        headers={"Content-Type": "application/sparql-query"},
        body=b"ASK {} #" + b"x" * 200_000,
        message="at most",
    ),
    "nesting-too-deep": Case(f"/sparql?query={DEEP}", 400, message="nest"),
    "path-10kb": Case("/id/city/" + "a" * 10_000, 404),
    # encodings and parameters
    "query-invalid-utf8": Case("/sparql?query=%FF%FE%FD", 400, message="UTF-8"),
    "query-invalid-utf8-in-name": Case("/sparql?%FF=1&query=ASK%7B%7D", 400, message="UTF-8"),
    "body-invalid-utf8": Case(
        "/sparql",
        400,
        method="POST",
        headers={"Content-Type": "application/sparql-query"},
        body=b'ASK { ?s ?p "\xff\xfe" }',
        message="UTF-8",
    ),
    "path-invalid-utf8": Case(b"/id/city/%FF%FE", 404),
    "path-raw-non-ascii": Case(b"/id/city/\xff\xfe", (400, 404)),
    "query-repeated": Case(f"/sparql?query={ASK}&query={ASK}", 400, message="query"),
    "form-query-repeated": Case(
        "/sparql",
        400,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=f"query={ASK}&query={ASK}".encode(),
        message="query",
    ),
    "unknown-parameter-ignored": Case(f"/sparql?query={ASK}&frobnicate=1", 200),
    "timeout-not-a-number": Case(f"/sparql?query={ASK}&timeout=abc", 400, message="timeout"),
    "syntax-error": Case(f"/sparql?query={quote('SELEC * {')}", 400),
    "no-query": Case("/sparql?default-graph-uri=x", (200, 400)),
    "post-unknown-content-type": Case(
        "/sparql", 415, method="POST", headers={"Content-Type": "application/x-evil"}, body=b"x"
    ),
    "update-refused": Case(
        "/sparql",
        403,
        method="POST",
        headers={"Content-Type": "application/sparql-update"},
        body=b"INSERT DATA { <http://a> <http://b> <http://c> }",
    ),
    "method-put": Case("/sparql", 405, method="PUT", body=b"x"),
    "method-trace": Case(LEIPZIG, 405, method="TRACE"),
    # outbound requests
    "from-local-file": Case(
        f"/sparql?query={quote('SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }')}", 400
    ),
    # a protocol dataset only names graphs (SPARQL 1.1 Protocol §2.1.4): nothing is read
    "default-graph-local-file": Case(
        f"/sparql?query={quote('ASK { ?s ?p ?o }')}&default-graph-uri=file:///etc/passwd",
        200,
        headers={"Accept": "application/sparql-results+json"},
        message='"boolean": false',
    ),
    "service-not-allowed": Case(
        f"/sparql?query={quote('SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }')}", 400
    ),
    # traversal
    "dump-dotdot": Case("/dumps/../../../etc/passwd", 404),
    "dump-encoded-dotdot": Case("/dumps/..%2f..%2f..%2fetc%2fpasswd", 404),
    "dump-double-encoded": Case("/dumps/%252e%252e%252fetc%252fpasswd", 404),
    "dump-dot-segments": Case("/dumps/%2e%2e/%2e%2e/etc/passwd", 404),
    "dump-backslash": Case("/dumps/..\\..\\etc\\passwd", 404),
    "dump-nul": Case("/dumps/citykg.nq.gz%00.txt", 404),
    "id-encoded-dotdot": Case("/id/city/..%2F..%2F..%2Fetc%2Fpasswd", 404),
    "static-dotdot": Case("/static/..%2f..%2f..%2fpyproject.toml", 404),
    # injection
    "format-header-injection": Case(
        f"/sparql?query={ASK}&format=text/csv%0d%0aSet-Cookie:%20x=1", 400, message="format"
    ),
    "format-unknown": Case(f"/sparql?query={ASK}&format=application/x-evil", 400, message="format"),
    "resource-ignores-format": Case(LEIPZIG + "?format=text/csv%0d%0aSet-Cookie:%20x=1", 200),
    "script-in-path": Case("/id/city/%3Cscript%3Ealert(1)%3C/script%3E", 404),
    "script-in-query-page": Case(
        "/query?query=" + quote("SELECT * { ?s ?p '</textarea><script>alert(1)</script>' }"),
        200,
        headers={"Accept": "text/html"},
    ),
    # ranges
    "range-beyond-end": Case("/dumps/citykg.nt.gz", 416, headers={"Range": "bytes=999999999-"}),
    "range-garbage": Case("/dumps/citykg.nt.gz", (200, 416), headers={"Range": "bytes=abc"}),
    # fragments
    "fragments-bad-iri": Case("/fragments?subject=" + quote("http://exa mple/<x>"), 400),
    # a header line far over any sane size
    # Granian refuses a request over its 128 KB buffer (or closes the connection: status 0)
    "header-over-300kb": Case(LEIPZIG, (0, 400, 431), headers={"X-Junk": "x" * 300_000}),
}


def send(base: str, case: Case, timeout: float = 15) -> Answer:
    host, port = base.removeprefix("http://").split(":")
    target = case.target if isinstance(case.target, bytes) else case.target.encode()
    lines = [case.method.encode() + b" " + target + b" HTTP/1.1", f"Host: {host}:{port}".encode()]
    headers = {"Connection": "close", **case.headers}
    if case.body or case.method == "POST":
        headers["Content-Length"] = str(len(case.body))
    for name, value in headers.items():
        lines.append(
            name.encode() + b": " + (value if isinstance(value, bytes) else value.encode())
        )
    request = b"\r\n".join(lines) + b"\r\n\r\n" + case.body
    started = time.monotonic()
    data = bytearray()
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        try:
            sock.sendall(request)
            while chunk := sock.recv(65536):
                data.extend(chunk)
        except ConnectionResetError:
            if not data:
                return Answer(0, {}, b"", time.monotonic() - started)
    head, _, body = bytes(data).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    found: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        found[name.strip().lower()] = value.strip()
    return Answer(int(status_line.split()[1]), found, body, time.monotonic() - started)


@pytest.mark.parametrize("name", CASES)
def test_hostile_request_gets_a_clear_answer(served, name):
    case = CASES[name]
    answer = send(served, case)
    expected = case.status if isinstance(case.status, tuple) else (case.status,)
    assert answer.status in expected, (answer.status, answer.body[:300])
    assert answer.seconds < 10
    assert b"Traceback" not in answer.body and b'File "' not in answer.body
    assert "set-cookie" not in answer.headers
    assert answer.headers.get("access-control-allow-credentials") is None
    assert case.message.lower().encode() in answer.body.lower(), answer.body[:300]
    if answer.status >= 400:
        assert len(answer.body) < 4096, answer.body[:300]
    if answer.headers.get("content-type", "").startswith("text/html"):
        assert b"<script>alert(1)" not in answer.body


def test_the_server_is_healthy_after_the_sweep(served):
    """Every case once more, back to back, then an ordinary query answers as before."""
    for case in CASES.values():
        send(served, case)
    answer = send(
        served,
        Case(f"/sparql?query={ASK}", 200, headers={"Accept": "application/sparql-results+json"}),
    )
    assert answer.status == 200 and b'"boolean"' in answer.body


def test_caps_in_the_sweep_match_the_settings():
    """The sweep's oversize cases really are over the configured caps."""
    limit = SETTINGS["CITYKG_MAX_QUERY_BYTES"][0]
    assert len(TOO_LONG) > limit and len(CASES["body-over-cap"].body) > limit
