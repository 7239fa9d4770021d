"""Search latency: ``/search`` and the SPARQL search function at N synthetic cities.

    python tests/bench/search_latency.py N [--rounds R] [--workdir DIR] [--out FIGURES.json]

A script, not a test. It makes N synthetic profiles and builds them as run_bench.py does (the
project is kept in ``--workdir`` and reused by the next run of the same N), starts
``citykg serve`` on the release (one query worker, the store read on disk: a search runs in the
web process and needs neither), then, from one client on 127.0.0.1 with a keep-alive
connection, asks ``/search`` each search of :func:`searches` R times in turn, as JSON and as
HTML, after one unmeasured round. It prints the p50 and p99 latency of each (nearest rank), the
same searches in-process (the index alone, no HTTP), and the time of a SPARQL query scoring
every city with the search function. Each search's first result is checked against what it
must be, so a fast wrong answer is no figure.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import math
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests
from server_process import answers, free_port, running

from citykg.contract.layout import SEARCH_FILE
from citykg.contract.search_index import words_query
from citykg.serve.search_index import FUNCTION, SearchIndex

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = Path(sys.executable).parent
ID = "https://w3id.org/citykg/id/"
SPARQL = f"""PREFIX schema: <https://schema.org/>
SELECT ?city ?score WHERE {{
  ?city a schema:City .
  BIND(<{FUNCTION}>(?city, "synthcity") AS ?score)
  FILTER(BOUND(?score))
}} ORDER BY DESC(?score) LIMIT 10"""

Search = tuple[dict[str, str], str]  # the parameters, and how the first result's IRI starts


def searches(count: int) -> dict[str, Search]:
    """The searches measured, by name."""
    middle = f"{(count + 1) // 2:06d}"
    city = f"synthcity-{middle}"
    return {
        "city name": ({"q": f"Synthcity {middle}"}, f"{ID}city/{city}"),
        "person": ({"q": "Greta Almeida"}, f"{ID}person/"),
        "spotlight + city": ({"q": f"Lab {middle} residents"}, f"{ID}profile/{city}"),
        "answer option": ({"q": "data scientist"}, f"{ID}concept/innovation-role/data-scientist"),
        "common word": ({"q": "innovation"}, ID),
        "every city (prefix)": ({"q": "synth*", "syntax": "fts5", "kind": "city"}, f"{ID}city/"),
        "phrase": ({"q": '"test new services"', "syntax": "fts5"}, f"{ID}profile/"),
        "no match": ({"q": "zyxwvut"}, ""),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/citykg-bench"))
    parser.add_argument("--out", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    project = args.workdir / f"synth{args.count}"
    release = built(project, args.count)
    index = release / SEARCH_FILE
    with sqlite3.connect(f"{index.as_uri()}?mode=ro", uri=True) as db:
        (documents,) = db.execute("SELECT count(*) FROM documents").fetchone()
    figures: dict = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "count": args.count,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "documents": documents,
        "index_mb": round(index.stat().st_size / 2**20, 1),
        "in_process_ms": in_process(SearchIndex(index), searches(args.count), args.rounds),
    }
    with served(project) as base:
        figures["http_ms"] = over_http(base, searches(args.count), args.rounds)
        figures["sparql_function_ms"] = sparql_function(base, max(3, args.rounds // 10))
    print(json.dumps(figures, indent=1))
    if args.out:
        args.out.write_text(json.dumps(figures, indent=1))
    return 0


def built(project: Path, count: int) -> Path:
    """The current release of the synthetic project of ``count`` profiles, made if need be."""
    release = project / "var" / "current"
    if not (release / SEARCH_FILE).exists():
        if not project.exists():
            run(BIN / "citykg", "synth", count, project, "--project", ROOT)
        run(BIN / "citykg", "build", "--synthetic", "-q", "--project", project)
    return release.resolve()


def run(*command: object) -> None:
    subprocess.run([str(c) for c in command], check=True, capture_output=True)


def in_process(index: SearchIndex, asked: dict[str, Search], rounds: int) -> dict:
    """p50/p99 ms of each search on the index alone, 20 results as /search asks."""

    def once(params: dict[str, str]) -> None:
        query = params["q"] if params.get("syntax") == "fts5" else words_query(params["q"])
        index.search(query, params.get("kind"), 20, 0)

    return {
        name: percentiles(timed(lambda p=params: once(p), rounds))
        for name, (params, _) in asked.items()
    }


def over_http(base: str, asked: dict[str, Search], rounds: int) -> dict:
    """p50/p99 ms of each search from /search, as JSON and as HTML; its first result checked."""
    figures = {}
    with requests.Session() as session:
        for name, (params, first) in asked.items():
            found = session.get(f"{base}/search", params={**params, "format": "json"}, timeout=30)
            found.raise_for_status()
            hits = found.json()["results"]
            top = hits[0]["iri"] if hits else ""
            if not top.startswith(first) or (hits == []) != (first == ""):
                raise RuntimeError(f"{name}: first result {top!r}, expected {first!r}…")
            figures[name] = {"total": found.json()["total"]}
            for fmt in ("json", "html"):
                url, query = f"{base}/search", {**params, "format": fmt}

                def get(url: str = url, query: dict = query) -> None:
                    session.get(url, params=query, timeout=30).raise_for_status()

                figures[name][fmt] = percentiles(timed(get, rounds))
    return figures


def sparql_function(base: str, rounds: int) -> dict:
    """p50/p99 ms of a SPARQL query scoring every city with the search function."""
    with requests.Session() as session:

        def ask() -> None:
            answer = session.get(
                f"{base}/sparql",
                params={"query": SPARQL, "format": "json"},
                timeout=60,
            )
            answer.raise_for_status()
            if not answer.json()["results"]["bindings"]:
                raise RuntimeError("the search function scored no city")

        return percentiles(timed(ask, rounds))


def timed(call, rounds: int) -> list[float]:
    """Milliseconds of ``rounds`` calls, after one unmeasured call."""
    call()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def percentiles(times: list[float]) -> dict[str, float]:
    """p50 and p99 by nearest rank."""
    ordered = sorted(times)
    rank = lambda p: ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]  # noqa: E731
    return {"p50": round(rank(50), 2), "p99": round(rank(99), 2)}


@contextlib.contextmanager
def served(project: Path) -> Iterator[str]:
    """``citykg serve`` of the project's current release on a free port; its base URL."""
    port = free_port()
    env = {**os.environ, "CITYKG_QUERY_WORKERS": "1", "CITYKG_MEMORY_STORE_MAX_MB": "0"}
    env |= {"CITYKG_RESPONSE_CACHE": "0", "CITYKG_DOCUMENT_CACHE": "0"}
    command = [BIN / "citykg", "serve", "--project", project, "--port", port]
    base = f"http://127.0.0.1:{port}"
    with running(command, env, lambda: answers(f"{base}/health")):
        yield base


if __name__ == "__main__":
    sys.exit(main())
