"""A remote SPARQL store for tests that answers from a real pyoxigraph store and records, for
each query, how many results it sent, so that a test can tell how much of the store citykg
read. On 127.0.0.1, in a thread of the test process; SPARQL 1.1 Protocol queries by POST
(which citykg sends), results as SPARQL JSON and graphs as N-Triples."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

import pyoxigraph as ox

from support.loopback import LoopbackServer

JSON_RESULTS = "application/sparql-results+json"


@dataclass(frozen=True)
class Answered:
    """One query and the number of results (rows or triples) sent for it."""

    query: str
    results: int


class RecordingStore(LoopbackServer):
    """The store; ``url`` is its query endpoint, ``answered`` every query in order."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.answered: list[Answered] = []
        self._lock = threading.Lock()
        recorder = self

        class Handler(_Handler):
            stand_in = recorder

        super().__init__(Handler, "/sparql")

    def record(self, query: str, results: int) -> None:
        with self._lock:
            self.answered.append(Answered(query, results))

    def during(self, action) -> list[Answered]:
        """The queries answered while ``action()`` ran."""
        start = len(self.answered)
        action()
        return self.answered[start:]


class _Handler(BaseHTTPRequestHandler):
    stand_in: RecordingStore
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
        query = form["query"][0]
        dataset = {}
        if "default-graph-uri" in form or "named-graph-uri" in form:
            dataset = {
                "default_graph": [ox.NamedNode(g) for g in form.get("default-graph-uri", [])],
                "named_graphs": [ox.NamedNode(g) for g in form.get("named-graph-uri", [])],
            }
        try:
            result = self.stand_in.store.query(query, **dataset)
        except SyntaxError as exc:
            self._answer(400, "text/plain", str(exc).encode())
            return
        if isinstance(result, ox.QueryBoolean):
            body = json.dumps({"head": {}, "boolean": bool(result)}).encode()
            self.stand_in.record(query, 1)
            self._answer(200, JSON_RESULTS, body)
        elif isinstance(result, ox.QuerySolutions):
            body = result.serialize(format=ox.QueryResultsFormat.JSON)
            self.stand_in.record(query, len(json.loads(body)["results"]["bindings"]))
            self._answer(200, JSON_RESULTS, body)
        else:
            triples = list(result)
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            self.stand_in.record(query, len(triples))
            self._answer(200, "application/n-triples", body)

    def _answer(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
