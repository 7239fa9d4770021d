"""A stand-in for a misbehaving remote SPARQL store, on 127.0.0.1, in a thread of the test process.

A query chooses how the stand-in answers with a comment ``#stand-in:MODE`` in its text (citykg
sends a query's text to the store as it is); without one the stand-in answers an empty result of
the query's form (so that a citykg serving from it starts). Every mode ends by itself: an endless
answer stops when the client hangs up or after ``LIFETIME_S``. What was sent is counted per mode,
so a test can tell whether citykg stopped reading.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

from support.loopback import LoopbackServer

LIFETIME_S = 60.0  # the longest any answer lasts
ROW = b'{"s":{"type":"literal","value":"row"}},'
HEAD = b'{"head":{"vars":["s"]},"results":{"bindings":['
JSON_RESULTS = "application/sparql-results+json"
MODE = re.compile(r"#stand-in:([a-z0-9-]+)")
FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


class StreamingStore(LoopbackServer):
    """The stand-in; ``url`` is its query endpoint. ``sent[mode]`` counts the body bytes sent
    in that mode, ``ended[mode]`` how many answers of that mode have ended."""

    def __init__(self) -> None:
        self.sent: dict[str, int] = {}
        self.ended: dict[str, int] = {}
        self._lock = threading.Lock()
        store = self

        class Handler(_Handler):
            stand_in = store

        super().__init__(Handler, "/sparql")

    def count(self, mode: str, sent: int) -> None:
        with self._lock:
            self.sent[mode] = self.sent.get(mode, 0) + sent

    def end(self, mode: str) -> None:
        with self._lock:
            self.ended[mode] = self.ended.get(mode, 0) + 1

    def wait_ended(self, mode: str, answers: int = 1, within_s: float = 10.0) -> bool:
        """Whether ``answers`` answers of ``mode`` have ended within ``within_s`` seconds."""
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            if self.ended.get(mode, 0) >= answers:
                return True
            time.sleep(0.05)
        return False


class _Handler(BaseHTTPRequestHandler):
    stand_in: StreamingStore
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        query = (form.get("query") or [""])[0]
        found = MODE.search(query)
        mode = found.group(1) if found else "empty"
        try:
            getattr(self, "_" + mode.replace("-", "_"))(query)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass
        finally:
            self.stand_in.end(mode)
            self.close_connection = True

    def _send(self, body: bytes, mode: str) -> None:
        self.wfile.write(body)
        self.wfile.flush()
        self.stand_in.count(mode, len(body))

    def _head(self, status: int, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.send_header("Connection", "close")
        self.end_headers()

    def _whole(self, status: int, content_type: str, body: bytes, mode: str, **extra: str) -> None:
        self._head(status, content_type, {"Content-Length": str(len(body)), **extra})
        self._send(body, mode)

    def _endless(self, mode: str, first: bytes, row: bytes, content_type: str, pause_s: float):
        self._head(200, content_type)
        self._send(first, mode)
        end = time.monotonic() + LIFETIME_S
        while time.monotonic() < end:
            self._send(row * (1 if pause_s else 64), mode)
            if pause_s:
                time.sleep(pause_s)

    def _empty(self, query: str) -> None:
        found = FORM.search(re.sub(r"#[^\n]*", "", query))
        form = found.group(1).upper() if found else "SELECT"
        if form in ("CONSTRUCT", "DESCRIBE"):
            self._whole(200, "application/n-triples", b"", "empty")
        elif form == "ASK":
            self._whole(200, JSON_RESULTS, b'{"head":{},"boolean":false}', "empty")
        else:
            body = json.dumps({"head": {"vars": []}, "results": {"bindings": []}}).encode()
            self._whole(200, JSON_RESULTS, body, "empty")

    def _endless_rows(self, _query: str) -> None:
        self._endless("endless-rows", HEAD, ROW, JSON_RESULTS, 0)

    def _trickle(self, _query: str) -> None:
        self._endless("trickle", HEAD, ROW, JSON_RESULTS, 0.2)

    def _huge_rows(self, _query: str) -> None:
        row = b'{"s":{"type":"literal","value":"' + b"x" * 100_000 + b'"}},'
        self._endless("huge-rows", HEAD, row, JSON_RESULTS, 0)

    def _endless_triples(self, _query: str) -> None:
        triple = b'<https://example.org/s> <https://example.org/p> "o" .\n'
        self._endless("endless-triples", b"", triple, "application/n-triples", 0)

    def _silent(self, _query: str) -> None:
        self.connection.settimeout(LIFETIME_S)
        self.connection.recv(1)  # until citykg hangs up (or the lifetime ends)

    def _slow_headers(self, _query: str) -> None:
        end = time.monotonic() + LIFETIME_S
        self._send(b"HTTP/1.1 200 OK\r\n", "slow-headers")
        while time.monotonic() < end:
            self._send(b"X", "slow-headers")
            time.sleep(0.2)

    def _store_timeout(self, _query: str) -> None:
        body = b"Query timed out after 1 s (store limit)"
        self._whole(503, "text/plain", body, "store-timeout")

    def _virtuoso_timeout(self, _query: str) -> None:
        body = b"Virtuoso S1T00 Error SR171: Transaction timed out"
        self._whole(500, "text/plain", body, "virtuoso-timeout")

    def _anytime(self, _query: str) -> None:
        body = HEAD + ROW[:-1] + b"]}}"
        self._whole(200, JSON_RESULTS, body, "anytime", **{"X-SQL-State": "S1TAT"})

    def _refuse(self, _query: str) -> None:
        self._whole(500, "text/plain", b"internal failure in the store", "refuse")

    def _reject(self, _query: str) -> None:
        self._whole(400, "text/plain", b"Parse error: unexpected token", "reject")

    def _garbage(self, _query: str) -> None:
        self._whole(200, JSON_RESULTS, b'{"head":{"vars":["s"]},"results":{"bind', "garbage")

    def _garbage_midway(self, _query: str) -> None:
        body = HEAD + ROW * 10 + b"}}}}not json"
        self._whole(200, JSON_RESULTS, body, "garbage-midway")

    def _html(self, _query: str) -> None:
        self._whole(200, "text/html", b"<html><body>login</body></html>", "html")

    def _broken(self, _query: str) -> None:
        body = HEAD + ROW * 10
        self._head(200, JSON_RESULTS, {"Content-Length": str(len(body) + 1000)})
        self._send(body, "broken")  # then hang up, 1000 bytes short
