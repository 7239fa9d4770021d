"""Limits that hold: wall-clock limits that really stop a query, runaway queries that cannot take
every worker, row caps signalled in every format, size and nesting caps before the engine, and a
killed worker replaced. Loopback only; every loop is bounded and stops by itself."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from citykg.serve.engine.workers import WorkerPool
from citykg.serve.services import services

from support.app import app_for
from support.clients import client_from
from support.processes import citykg_serve, descendants, free_port, running
from support.project import ROOT

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PATH = "SELECT (COUNT(*) AS ?n) WHERE { ?s (<urn:p>|!<urn:p>)* ?o . ?x ?y ?z }"
ORDINARY = """SELECT ?name WHERE { ?c <http://www.w3.org/2002/07/owl#sameAs>
  <http://www.wikidata.org/entity/Q2079> ; <https://schema.org/name> ?name }"""


@pytest.fixture(scope="module")
def small(release, tmp_path_factory):
    """An app with small limits: 5 rows, 2 workers, 2 s queries, 1 KB queries, depth 8."""
    settings = {
        "MAX_ROWS": 5,
        "QUERY_WORKERS": 2,
        "QUERY_TIMEOUT": 2,
        "QUERY_TIMEOUT_MAX": 5,
        "MAX_QUERY_BYTES": 1024,
        "MAX_QUERY_DEPTH": 8,
        "QUEUE_WAIT": 10,
    }
    with app_for(release, tmp_path_factory.mktemp("st"), **settings) as app:
        yield app


def test_timeout_really_stops_the_query(small):
    client = small.test_client()
    pool = services(small).engine.pool
    pids_before = {w.process.pid for w in list(pool._idle.queue)}
    start = time.monotonic()
    response = client.get("/sparql", query_string={"query": CARTESIAN, "timeout": "1"})
    elapsed = time.monotonic() - start
    assert response.status_code == 503
    assert "ran longer than its 1 s limit and was stopped" in response.get_data(as_text=True)
    assert 0.9 < elapsed < 3
    deadline = time.monotonic() + 30
    while pool._idle.qsize() < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    pids_after = {w.process.pid for w in list(pool._idle.queue)}
    stopped = pids_before - pids_after
    assert len(stopped) == 1
    for pid in stopped:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    ok = client.get("/sparql", query_string={"query": ORDINARY})
    assert ok.status_code == 200


@pytest.mark.parametrize("value", ["0", "-1", "abc", "6"])
def test_timeout_parameter_is_checked(small, value):
    response = small.test_client().get(
        "/sparql", query_string={"query": "ASK {}", "timeout": value}
    )
    assert response.status_code == 400 and "timeout" in response.get_data(as_text=True)


def test_row_cap_is_signalled_in_every_format(small):
    client = small.test_client()
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    for fmt in ("json", "xml", "csv", "tsv"):
        response = client.get("/sparql", query_string={"query": query, "format": fmt})
        assert response.headers["Citykg-Truncated"] == "rows=5", fmt
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))[1:]
        else:
            formats = {
                "json": ox.QueryResultsFormat.JSON,
                "xml": ox.QueryResultsFormat.XML,
                "tsv": ox.QueryResultsFormat.TSV,
            }
            rows = list(ox.parse_query_results(response.data, format=formats[fmt]))
        assert len(rows) == 5
    head = json.loads(client.get("/sparql", query_string={"query": query}).data)["head"]
    assert head["link"] == ["https://w3id.org/citykg/ontology#TruncatedResult"]
    xml = client.get("/sparql", query_string={"query": query, "format": "xml"}).get_data(
        as_text=True
    )
    assert '<link href="https://w3id.org/citykg/ontology#TruncatedResult"/>' in xml
    graph = client.get(
        "/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "turtle"}
    )
    assert graph.headers["Citykg-Truncated"] == "rows=5"
    assert graph.get_data(as_text=True).rstrip().endswith("# citykg: result truncated at 5 triples")
    assert len(list(ox.parse(graph.data, format=ox.RdfFormat.TURTLE))) == 5
    small_result = client.get("/sparql", query_string={"query": ORDINARY})
    assert "Citykg-Truncated" not in small_result.headers
    assert "link" not in json.loads(small_result.data)["head"]


def test_size_and_depth_caps_come_before_the_engine(small):
    client = small.test_client()
    long_query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 2000
    assert client.get("/sparql", query_string={"query": long_query}).status_code == 413
    response = client.post(
        "/sparql", data=long_query.encode(), content_type="application/sparql-query"
    )
    assert response.status_code == 413
    huge = client.post("/sparql", data=b"x" * 5000, content_type="application/sparql-query")
    assert huge.status_code == 413
    uri = client.get("/sparql?query=" + "A" * 3000)
    assert uri.status_code == 414
    deep = "SELECT * WHERE " + "{ " * 9 + "?s ?p ?o" + " }" * 9
    response = client.get("/sparql", query_string={"query": deep})
    assert response.status_code == 400 and "nests 9 levels" in response.get_data(as_text=True)
    crash = "SELECT * WHERE " + "{" * 3000 + "}" * 3000
    assert len(crash) < 7000
    response = client.post("/sparql", data=crash.encode(), content_type="application/sparql-query")
    assert response.status_code == 413


def test_a_killed_worker_fails_only_its_request(small):
    client = small.test_client()
    pool = services(small).engine.pool
    result: dict = {}

    def runaway() -> None:
        result["response"] = small.test_client().get(
            "/sparql", query_string={"query": CARTESIAN, "timeout": "5"}
        )

    idle_before = {w.process.pid for w in list(pool._idle.queue)}
    thread = threading.Thread(target=runaway)
    thread.start()
    deadline = time.monotonic() + 5
    while pool._idle.qsize() == len(idle_before) and time.monotonic() < deadline:
        time.sleep(0.05)
    busy = idle_before - {w.process.pid for w in list(pool._idle.queue)}
    assert len(busy) == 1
    os.kill(busy.pop(), signal.SIGKILL)
    thread.join(timeout=10)
    assert result["response"].status_code == 503
    assert "stopped unexpectedly" in result["response"].get_data(as_text=True)
    for _ in range(5):
        assert client.get("/sparql", query_string={"query": ORDINARY}).status_code == 200


def test_a_worker_that_exits_before_it_is_ready_is_a_start_failure():
    parent, child = multiprocessing.Pipe()
    exits = "import sys; sys.exit(3)"
    process = subprocess.Popen([sys.executable, "-c", exits], pass_fds=(child.fileno(),))
    child.close()
    with pytest.raises(RuntimeError, match="did not start"):
        WorkerPool._ready(process, parent)
    assert process.returncode is not None


def test_runaway_queries_do_not_stall_ordinary_ones(release, capsys):
    """Two runaway queries run; ordinary queries keep their latency within a stated bound."""
    bound_s = 1.0
    base, server = citykg_serve(release, {"CITYKG_QUERY_TIMEOUT": "8"})
    with server:
        url = f"{base}/sparql"

        def timed(n: int) -> list[float]:
            out = []
            for _ in range(n):
                start = time.perf_counter()
                response = requests.get(url, params={"query": ORDINARY}, timeout=30)
                assert response.status_code == 200
                out.append(time.perf_counter() - start)
            return out

        timed(5)
        quiet = timed(40)
        other = client_from("127.0.0.2")  # another client: each has its fair share
        runaways = [
            threading.Thread(
                target=other.get, args=(url,), kwargs={"params": {"query": q}, "timeout": 30}
            )
            for q in (CARTESIAN, PATH)
        ]
        for t in runaways:
            t.start()
        time.sleep(1.0)
        loaded = timed(40)
        for t in runaways:
            t.join(timeout=30)
    p99 = lambda xs: sorted(xs)[int(len(xs) * 0.99) - 1]  # noqa: E731
    with capsys.disabled():
        print(
            f"\nordinary query p50/p99: quiet {statistics.median(quiet) * 1000:.1f}/"
            f"{p99(quiet) * 1000:.1f} ms, with two runaways {statistics.median(loaded) * 1000:.1f}/"
            f"{p99(loaded) * 1000:.1f} ms"
        )
    assert p99(loaded) < p99(quiet) + bound_s


def test_repeated_queries_come_from_the_release_cache(release, tmp_path):
    with app_for(release, tmp_path, QUERY_WORKERS=1) as app:
        client = app.test_client()
        first = client.get("/sparql", query_string={"query": ORDINARY})
        second = client.get("/sparql", query_string={"query": ORDINARY})
        other = client.get("/sparql", query_string={"query": ORDINARY, "format": "csv"})
        links = "https://w3id.org/citykg/graph/links"
        scoped = client.get("/sparql", query_string={"query": ORDINARY, "default-graph-uri": links})
    assert (first.headers["Citykg-Cache"], second.headers["Citykg-Cache"]) == ("miss", "hit")
    assert first.data == second.data and b"Leipzig" in second.data
    assert other.headers["Citykg-Cache"] == "miss" and other.mimetype == "text/csv"
    assert scoped.headers["Citykg-Cache"] == "miss"
    with app_for(release, tmp_path, QUERY_WORKERS=1, RESPONSE_CACHE=0) as app:
        off = app.test_client()
        for _ in range(2):
            answer = off.get("/sparql", query_string={"query": ORDINARY})
            assert answer.headers["Citykg-Cache"] == "miss"


def _children(pid: int) -> set[int]:
    """Live child processes of ``pid`` (read from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(stat.parent.name))
    return found


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])


def _wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_killed_web_worker_is_replaced_and_fails_only_its_requests(release, tmp_path):
    """gunicorn with two web workers, as docs/operations.md deploys it: SIGKILL the one running a
    slow query. Its in-flight request fails; the master starts a new worker; the killed worker's
    query process exits with it; a steady client sees at most one failure; then all is well."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [gunicorn, "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}"]
    command += ["--graceful-timeout", "5", "citykg.serve:create_app()"]
    env = {
        "CITYKG_PROJECT": str(ROOT),
        "CITYKG_RELEASE": str(release),
        "CITYKG_STORE_DIR": str(tmp_path / "stores"),
        "CITYKG_QUERY_WORKERS": "1",
    }
    ordinary = {"query": ORDINARY, "format": "json"}
    with running(command, f"{base}/sparql?query=ASK%7B%7D", env) as master:
        assert _wait_for(lambda: len(_children(master.pid)) == 2)
        web_workers = _children(master.pid)
        assert _wait_for(lambda: all(descendants(w) for w in web_workers))
        outcome: dict[str, object] = {}

        def slow() -> None:
            try:
                params = {"query": CARTESIAN, "timeout": "20"}
                outcome["slow"] = requests.get(f"{base}/sparql", params=params, timeout=60)
            except requests.ConnectionError as exc:
                outcome["slow"] = exc

        thread = threading.Thread(target=slow)
        thread.start()
        queries = {q: w for w in web_workers for q in descendants(w)}  # a zygote and its workers
        before = {q: _cpu_ticks(q) for q in queries}
        time.sleep(1.5)
        busy = [w for q, w in queries.items() if _cpu_ticks(q) - before[q] > 50]
        assert len(busy) == 1, busy
        victim = busy[0]
        victim_queries = descendants(victim)
        failures, answers = 0, 0
        os.kill(victim, signal.SIGKILL)
        for _ in range(30):
            try:
                response = requests.get(f"{base}/sparql", params=ordinary, timeout=30)
                answers += response.status_code == 200
            except requests.ConnectionError:
                failures += 1
        thread.join(timeout=60)
        assert isinstance(outcome["slow"], requests.ConnectionError)
        assert failures <= 1 and answers == 30 - failures
        assert _wait_for(lambda: len(_children(master.pid) - {victim}) == 2)
        assert _wait_for(lambda: not any(Path(f"/proc/{q}").exists() for q in victim_queries), 10)
        for _ in range(20):
            response = requests.get(f"{base}/sparql", params=ordinary, timeout=30)
            rows = response.json()["results"]["bindings"]
            assert [r["name"]["value"] for r in rows] == ["Leipzig"]


def test_a_killed_citykg_serve_leaves_no_process_behind(release):
    """SIGKILL the ``citykg serve`` process (Granian's main process): its web process and that
    process's query workers stop by themselves, and nothing answers on the port any more."""
    base, server = citykg_serve(release, {"CITYKG_QUERY_WORKERS": "2"})
    with server as main:
        assert _wait_for(lambda: len(_children(main.pid)) == 1)
        (web,) = _children(main.pid)
        assert _wait_for(lambda: len(descendants(web)) >= 3)  # a zygote and its 2 workers
        family = {web, *descendants(web)}
        response = requests.get(f"{base}/sparql", params={"query": ORDINARY, "format": "json"})
        assert [r["name"]["value"] for r in response.json()["results"]["bindings"]] == ["Leipzig"]
        os.kill(main.pid, signal.SIGKILL)
        assert _wait_for(lambda: not any(Path(f"/proc/{p}").exists() for p in family), 15)
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{base}/health", timeout=5)


def test_pages_answer_while_long_queries_hold_every_worker(release, tmp_path):
    """A page waits briefly for a worker, then renders in the web process: browsing stays up
    while the endpoint is saturated."""
    with app_for(release, tmp_path, QUERY_WORKERS=1, DOCUMENT_CACHE=0, QUERY_TIMEOUT=4) as app:
        client = app.test_client()
        runaway = threading.Thread(
            target=app.test_client().get,
            args=("/sparql",),
            kwargs={"query_string": {"query": CARTESIAN}},
        )
        runaway.start()
        deadline = time.monotonic() + 5
        while services(app).engine.pool._idle.qsize() and time.monotonic() < deadline:
            time.sleep(0.02)
        start = time.monotonic()
        page = client.get("/id/city/leipzig-deu", headers={"Accept": "text/html"})
        elapsed = time.monotonic() - start
        assert runaway.is_alive(), "the long query should still hold the only worker"
        runaway.join(timeout=30)
    assert page.status_code == 200 and b"Burkhard Jung" in page.data
    assert elapsed < 2.5
