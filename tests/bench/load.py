"""A bounded HTTP load driver for the benchmark: client processes against one server on loopback.

    python tests/bench/load.py URL --queries DIR [-c 4] [-d 20] [--timeout 30] [--out FILE]
    python tests/bench/load.py BASE --mode pages --pages FILE [--accept T1,T2] [--warm] [-c 4]
    python tests/bench/load.py URL --queries DIR --mode check

Modes:

``mix`` (default)
    ``-c`` client processes send the queries of DIR (every ``*.rq``, sorted by name; a query's
    key is its file name up to the first ``_``) to the SPARQL endpoint URL as
    ``GET URL?query=...`` (SPARQL 1.1 Protocol §2.1.1), each client cycling through the list from
    its own starting point, for ``-d`` seconds. SELECT and ASK ask for
    ``application/sparql-results+json``, CONSTRUCT and DESCRIBE for ``text/turtle``.
``pages``
    The clients fetch ``BASE + path``, each time a path of FILE (one a line) and a media type
    of ``--accept`` picked at random (each client seeded by its number); the key is the media
    type. ``--warm`` fetches every page once in every media type before the measured run.
``check``
    One request per query, one after the other: status, milliseconds and the size of the answer
    (rows of a SELECT, 1/0 for ASK, triples of a graph), to compare the answers of two servers.

Each client is a process of its own, as separate users are (threads of one Python process would
queue on its interpreter lock and add that to the latencies), with one keep-alive connection.
Only 127.0.0.1, ``localhost`` and ``[::1]`` are accepted. The run stops by itself: no request
starts after the duration, a request still unanswered when it ends is cut (counted as ``cut``,
not as an error) and a client that has not reported within a grace period after it is stopped.

Output (JSON, on stdout and in ``--out``): per key ``ok``, ``errors`` (non-2xx answers, transport
errors, timeouts), ``error_kinds``, ``cut``, ``p50_ms``, ``p90_ms``, ``p99_ms`` (nearest rank),
``mean_ms``, ``max_ms``, ``req_s`` and ``mean_bytes``; ``total`` (``ok``, ``errors``, ``cut``,
``req_s``); ``client_cpu_s``: the CPU the clients used (they share the machine with the server).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing
import queue
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

RESULTS_JSON = "application/sparql-results+json"
TURTLE = "text/turtle"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
GRACE_S = 10.0  # how long after the end a client may take to report before it is stopped
START_DELAY_S = 0.3  # lets every client process start before the common start time


@dataclass(frozen=True)
class Request:
    """One kind of request the clients send: its key in the figures, target and Accept."""

    key: str
    target: str  # path and query string
    accept: str


def read_queries(folder: Path, endpoint_path: str) -> list[Request]:
    """The ``*.rq`` files of ``folder`` as GET requests to ``endpoint_path``."""
    requests = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        accept = TURTLE if query_form(text) in ("CONSTRUCT", "DESCRIBE") else RESULTS_JSON
        target = f"{endpoint_path}?{urlencode({'query': text})}"
        requests.append(Request(path.name.split("_")[0], target, accept))
    if not requests:
        raise SystemExit(f"no *.rq files in {folder}")
    return requests


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first of them after comments and IRIs."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    bare = re.sub(r"<[^<>\s]*>", " ", "\n".join(lines))
    found = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", bare, re.IGNORECASE)
    return found.group(1).upper() if found else None


def read_pages(listing: Path, base_path: str, accepts: list[str]) -> list[Request]:
    """The paths listed in ``listing`` (one a line), each once per media type of ``accepts``."""
    paths = [line.strip() for line in listing.read_text().splitlines() if line.strip()]
    if not paths:
        raise SystemExit(f"no paths in {listing}")
    return [Request(accept, base_path + p, accept) for p in paths for accept in accepts]


class Connection:
    """One keep-alive HTTP/1.1 connection to the server, opened again after a failure."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._conn: http.client.HTTPConnection | None = None

    def get(self, target: str, accept: str, timeout: float) -> tuple[int, int]:
        """GET ``target``: the status and the length of the body (read in full)."""
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        else:
            self._conn.timeout = timeout
            if self._conn.sock is not None:
                self._conn.sock.settimeout(timeout)
        try:
            self._conn.request("GET", target, headers={"Accept": accept})
            response = self._conn.getresponse()
            body = response.read()
        except BaseException:
            self.close()
            raise
        if response.will_close:
            self.close()
        return response.status, len(body)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def client(
    number: int,
    host: str,
    port: int,
    plan: list[Request],
    pick_at_random: bool,
    start: float,
    stop: float,
    timeout: float,
    results: multiprocessing.Queue,
) -> None:
    """One client process: requests one after the other from ``start`` to ``stop`` (wall-clock
    times, shared by every client), then its figures on ``results``."""
    rng = random.Random(number)
    keys = {r.key for r in plan}
    latencies: dict[str, list[float]] = {k: [] for k in keys}
    errors: dict[str, dict[str, int]] = {k: {} for k in keys}
    cut = dict.fromkeys(keys, 0)
    sizes = dict.fromkeys(keys, 0)
    connection = Connection(host, port)
    time.sleep(max(0.0, start - time.time()))
    cpu = time.process_time()
    i = number
    while (left := stop - time.time()) > 0:
        request = rng.choice(plan) if pick_at_random else plan[i % len(plan)]
        i += 1
        began = time.perf_counter()
        try:
            status, size = connection.get(request.target, request.accept, min(timeout, left))
        except TimeoutError:
            if time.time() >= stop:
                cut[request.key] += 1
                break
            _count(errors[request.key], "timeout")
            continue
        except (OSError, http.client.HTTPException) as exc:
            _count(errors[request.key], type(exc).__name__)
            time.sleep(0.05)
            continue
        elapsed = time.perf_counter() - began
        if 200 <= status < 300:
            latencies[request.key].append(elapsed * 1000)
            sizes[request.key] += size
        else:
            _count(errors[request.key], f"http_{status}")
    connection.close()
    cpu = time.process_time() - cpu
    results.put({"latencies": latencies, "errors": errors, "cut": cut, "sizes": sizes, "cpu": cpu})


def _count(kinds: dict[str, int], kind: str) -> None:
    kinds[kind] = kinds.get(kind, 0) + 1


def run(
    url: str, plan: list[Request], clients: int, duration: float, timeout: float, randomly: bool
) -> dict:
    """Run ``clients`` client processes for ``duration`` seconds; the merged figures."""
    host, port = _address(url)
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start = time.time() + START_DELAY_S
    stop = start + duration
    processes = [
        context.Process(
            target=client,
            args=(k, host, port, plan, randomly, start, stop, timeout, results),
            daemon=True,
        )
        for k in range(clients)
    ]
    for process in processes:
        process.start()
    reports = []
    try:
        for _ in processes:
            reports.append(results.get(timeout=max(0.0, stop - time.time()) + GRACE_S))
    except queue.Empty:
        pass
    finally:
        for process in processes:
            process.join(timeout=1)
            if process.is_alive():
                process.terminate()
                process.join()
    figures = summarise([r.key for r in plan], reports, duration)
    figures["clients_reported"] = len(reports)
    return figures


def summarise(keys: list[str], reports: list[dict], duration: float) -> dict:
    """The figures of every client merged: per key and in total."""
    per_key = {}
    for key in dict.fromkeys(keys):  # in order, once each
        times = sorted(t for r in reports for t in r["latencies"][key])
        kinds: dict[str, int] = {}
        for r in reports:
            for kind, n in r["errors"][key].items():
                kinds[kind] = kinds.get(kind, 0) + n
        ok = len(times)
        per_key[key] = {
            "ok": ok,
            "errors": sum(kinds.values()),
            "error_kinds": kinds,
            "cut": sum(r["cut"][key] for r in reports),
            "p50_ms": percentile(times, 50),
            "p90_ms": percentile(times, 90),
            "p99_ms": percentile(times, 99),
            "mean_ms": round(statistics.fmean(times), 2) if times else None,
            "max_ms": round(times[-1], 2) if times else None,
            "req_s": round(ok / duration, 2),
            "mean_bytes": sum(r["sizes"][key] for r in reports) // ok if ok else None,
        }
    ok = sum(v["ok"] for v in per_key.values())
    return {
        "per_query": per_key,
        "total": {
            "ok": ok,
            "errors": sum(v["errors"] for v in per_key.values()),
            "cut": sum(v["cut"] for v in per_key.values()),
            "req_s": round(ok / duration, 2),
        },
        "client_cpu_s": round(sum(r["cpu"] for r in reports), 2),
    }


def percentile(ordered: list[float], p: float) -> float | None:
    """The nearest-rank ``p``-th percentile of an ascending list (None when it is empty)."""
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return round(ordered[rank - 1], 2)


def check(url: str, plan: list[Request], timeout: float) -> dict:
    """Each request once, in order: status, milliseconds and the size of the answer."""
    host, port = _address(url)
    out = {}
    for request in plan:
        began = time.perf_counter()
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            conn.request("GET", request.target, headers={"Accept": request.accept})
            response = conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            out[request.key] = {"status": None, "error": type(exc).__name__}
            continue
        finally:
            conn.close()
        out[request.key] = {
            "status": response.status,
            "ms": round((time.perf_counter() - began) * 1000, 2),
            "size": answer_size(request.accept, body) if response.status == 200 else None,
        }
    return out


def answer_size(accept: str, body: bytes) -> int:
    """Rows of a JSON results document (1 or 0 for a boolean), or triples of a Turtle one."""
    if accept == RESULTS_JSON:
        document = json.loads(body)
        if "boolean" in document:
            return int(document["boolean"])
        return len(document["results"]["bindings"])
    import pyoxigraph as ox

    return sum(1 for _ in ox.parse(body, format=ox.RdfFormat.TURTLE))


def _address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK:
        raise SystemExit(f"{url}: only http://127.0.0.1, http://localhost or http://[::1]")
    return parts.hostname, parts.port or 80


def warm(url: str, plan: list[Request], timeout: float) -> None:
    """Fetch every request of ``plan`` once (so that the measured run finds them cached)."""
    host, port = _address(url)
    connection = Connection(host, port)
    for request in plan:
        status, _ = connection.get(request.target, request.accept, timeout)
        if status != 200:
            raise SystemExit(f"warming: {request.target} answered {status}")
    connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("url", help="the SPARQL endpoint (mix, check) or the site's base (pages)")
    parser.add_argument("--mode", choices=("mix", "pages", "check"), default="mix")
    parser.add_argument("--queries", type=Path, help="folder of *.rq files (mix, check)")
    parser.add_argument("--pages", type=Path, help="file of paths, one a line (pages)")
    parser.add_argument("--accept", default="text/html,text/turtle", help="media types (pages)")
    parser.add_argument("--warm", action="store_true", help="fetch every page once first")
    parser.add_argument("-c", "--clients", type=int, default=4)
    parser.add_argument("-d", "--duration", type=float, default=20.0)
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    path = urlsplit(args.url).path
    if args.mode == "pages":
        if args.pages is None:
            parser.error("--mode pages needs --pages FILE")
        plan = read_pages(args.pages, path.rstrip("/"), args.accept.split(","))
    elif args.queries is None:
        parser.error(f"--mode {args.mode} needs --queries DIR")
    else:
        plan = read_queries(args.queries, path or "/")
    figures: dict = {"mode": args.mode, "url": args.url}
    if args.mode == "check":
        figures["check"] = check(args.url, plan, args.timeout)
    else:
        if args.warm:
            warm(args.url, plan, args.timeout)
        figures |= {"clients": args.clients, "duration_s": args.duration}
        figures |= run(
            args.url, plan, args.clients, args.duration, args.timeout, args.mode == "pages"
        )
    text = json.dumps(figures, indent=1)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
