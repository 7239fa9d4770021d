"""Benchmark: citykg against Oxigraph server, rdflib-endpoint and an in-process pyoxigraph loop.

    python tests/bench/run_bench.py N [-d 20] [--rounds R] [--systems citykg,oxigraph,engine]
                                      [--workdir DIR] [--out FIGURES.json]

A script, not a test: it prints figures and ratios measured in one run on this machine. It makes
N synthetic profiles (``citykg synth``), builds them (``citykg build --synthetic``, timed), then
serves the same release with each system in turn on 127.0.0.1 and drives it with
``../shared/bench/load.py`` (mix mode, 4 clients, the query mix in tests/bench/queries: the
shared mix's shapes in citykg's vocabulary). Cold: citykg has no response cache. ``engine`` is
the engine's own limit: the same queries run in a fresh process on pyoxigraph, 2 threads,
results serialised as the server would, with the malloc citykg's query workers get (both report
it as ``malloc``). ``mix-floor`` and ``pages-floor`` are the same clients against Granian
answering at once: the most any server can reach with them here. Every system's CPU time
per request is counted from /proc. With ``--rounds R`` every system is run R times, the order
rotated each round (as ../shared/bench/BASELINE.md does; the machine is shared and one run varies
by 10-40 %), and each figure is the run with the median throughput. Needs the test extras
(httpx; rdflib-endpoint and uvicorn for that system): ``pip install '.[test]' rdflib-endpoint
uvicorn``. Every server is stopped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox
import requests

from citykg.serve import allocator

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LOAD = ROOT.parent / "shared" / "bench" / "load.py"
QUERIES = HERE / "queries"
BIN = Path(sys.executable).parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("-d", "--duration", type=float, default=20.0)
    parser.add_argument(
        "--systems", default="citykg,oxigraph,oxigraph-memory,rdflib-endpoint,engine"
    )
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/citykg-bench"))
    parser.add_argument("--out", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    project = args.workdir / f"synth{args.count}"
    figures: dict = {"count": args.count}
    release = project / "build" / "current"
    if not release.exists():
        run([BIN / "citykg", "synth", str(args.count), str(project), "--project", str(ROOT)])
        start = time.monotonic()
        build = [BIN / "citykg", "build", "--synthetic", "-q", "--project", project]
        printed = subprocess.run([str(c) for c in build], check=True, capture_output=True)
        figures["build_s"] = round(time.monotonic() - start, 1)
        figures["build_s_per_1000"] = round(figures["build_s"] * 1000 / args.count, 1)
        steps = printed.stdout.decode().rpartition("seconds: ")[2].strip()
        figures["build_steps_s"] = {
            step: float(s) for step, _, s in (item.rpartition(" ") for item in steps.split(", "))
        }
    with open(release / "citykg.nq", "rb") as nquads:
        figures["quads"] = sum(1 for _ in nquads)
    args.release = release.resolve()
    systems = args.systems.split(",")
    runs: dict[str, list[dict]] = {system: [] for system in systems}
    for round_ in range(args.rounds):
        for system in systems[round_ % len(systems) :] + systems[: round_ % len(systems)]:
            runs[system].append(SYSTEMS[system](release.resolve(), args))
            print(f"{system}: {json.dumps(runs[system][-1])}", flush=True)
    figures["systems"] = {system: median_run(done) for system, done in runs.items()}
    figures["req_s_per_round"] = {s: [r.get("req_s") for r in done] for s, done in runs.items()}
    print(json.dumps(figures, indent=1))
    if args.out:
        args.out.write_text(json.dumps(figures, indent=1))
    print_table(figures)
    return 0


def median_run(runs: list[dict]) -> dict:
    """The run with the median throughput (the lower middle one of an even number)."""
    ordered = sorted(runs, key=lambda r: r.get("req_s") or 0)
    return ordered[(len(ordered) - 1) // 2]


def run(command: list) -> None:
    subprocess.run([str(c) for c in command], check=True, stdout=subprocess.DEVNULL)


def serve_and_load(
    command: list, url: str, env: dict | None, args: argparse.Namespace, drive=None, prepare=None
) -> dict:
    """Start a server, time its start (ready: answers; settled: memory no longer growing, e.g.
    citykg's query workers have loaded the release into memory), run ``prepare`` (e.g. load
    data into it), drive it with load.py (or ``drive``) while counting its CPU time, read its
    RSS, stop it."""
    start = time.monotonic()
    process = subprocess.Popen(
        [str(c) for c in command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    try:
        while True:
            try:
                if requests.get(url, params={"query": "ASK {}"}, timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() - start > 900:
                raise RuntimeError(f"{command[0]} did not start")
            time.sleep(0.1)
        ready = time.monotonic() - start
        settled = settle(process.pid, url, args.release) - start
        prepared = prepare() if prepare else {}
        used = cpu_s(process.pid)
        figures = (drive or drive_mix)(url, args)
        used = cpu_s(process.pid) - used
        return {
            "ready_s": round(ready, 2),
            "settled_s": round(settled, 1),
            "rss_mb": rss_mb(process.pid),
            "server_cpu_ms_per_req": cpu_ms_per_request(used, figures, args),
            **prepared,
            **figures,
            **worker_malloc(url),
        }
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def drive_mix(url: str, args: argparse.Namespace) -> dict:
    """The query mix with ../shared/bench/load.py: 4 clients for the duration."""
    out = subprocess.run(
        [
            sys.executable,
            str(LOAD),
            url,
            "--queries",
            str(QUERIES),
            "-c",
            "4",
            "-d",
            str(args.duration),
            "--mode",
            "mix",
        ],
        capture_output=True,
        text=True,
        timeout=args.duration + 120,
        check=True,
    )
    load = json.loads(out.stdout)
    return {"client_cpu_s": load.get("client_cpu_s"), **summary(load)}


def worker_malloc(url: str) -> dict:
    """``{"malloc": name}`` when the server is citykg: the allocator its idle query workers
    report on /health (``+``-joined if they differ); else nothing."""
    try:
        body = requests.get(url.rsplit("/", 1)[0] + "/health", timeout=10).json()
        return {"malloc": "+".join(sorted(body["query_worker_allocators"]))}
    except (requests.RequestException, ValueError, KeyError):
        return {}


def settle(pid: int, url: str, release: Path, limit_s: float = 900) -> float:
    """When citykg's /health says neither the web process nor any query worker reads from disk
    any more (the release is loaded into memory; a release above CITYKG_MEMORY_STORE_MAX_MB
    stays on disk: at once); for other servers, when the RSS of ``pid`` and its children stopped
    growing (3 s within 1 %)."""
    deadline = time.monotonic() + limit_s
    health = url.rsplit("/", 1)[0] + "/health"

    def on_disk() -> int | None:
        try:
            body = requests.get(health, timeout=10).json()
            workers = body["query_workers"]
        except (requests.RequestException, ValueError, KeyError):
            return None
        return workers.get("disk", 0) + workers.get("busy", 0) + (body.get("store") == "disk")

    in_memory = (release / "citykg.nq").stat().st_size <= 2048 * 2**20
    waiting = on_disk()
    if waiting is not None:
        while in_memory and waiting and time.monotonic() < deadline:
            time.sleep(1)
            waiting = on_disk()
        return time.monotonic()
    history = [rss_mb(pid)]
    while time.monotonic() < deadline:
        time.sleep(1)
        history.append(rss_mb(pid))
        if len(history) >= 4 and history[-1] <= history[-4] * 1.01:
            return time.monotonic() - 3
    return time.monotonic()


PAGE_TYPES = ("text/html", "text/turtle")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def city_pages(url: str, args: argparse.Namespace, warm: bool = False) -> dict:
    """4 clients, each a process of its own (as 4 users are; threads of one Python process
    would queue on its GIL and add that to the latencies), fetching random city pages for the
    duration, HTML and Turtle in turn. ``warm``: every page is fetched once before (so that
    the measured requests all find it in the document cache)."""
    import multiprocessing

    base = url.removesuffix("/sparql")
    is_city = (RDF_TYPE, ox.NamedNode("https://schema.org/City"))
    cities = [
        quad.subject.value.split("/id/", 1)[1]
        for quad in ox.parse(path=str(args.release / "citykg.nq"), format=ox.RdfFormat.N_QUADS)
        if (quad.predicate, quad.object) == is_city
    ]
    with requests.Session() as session:
        for city in cities if warm else ():
            for accept in PAGE_TYPES:
                session.get(f"{base}/id/{city}", headers={"Accept": accept}).raise_for_status()
    stop = time.time() + args.duration
    context = multiprocessing.get_context("fork")
    with context.Pool(4) as pool:
        outcomes = pool.starmap(page_client, [(k, base, cities, stop) for k in range(4)])
    latencies = {t: [ms for outcome in outcomes for ms in outcome[t]] for t in PAGE_TYPES}
    return {"client_cpu_s": round(sum(o["cpu_s"] for o in outcomes), 2)} | percentiles(
        latencies, args.duration
    )


def page_client(k: int, base: str, cities: list[str], stop: float) -> dict:
    """One client of city_pages: latencies (ms) per media type and the CPU it used."""
    import random

    session, rng, i = requests.Session(), random.Random(k), k
    latencies: dict = {t: [] for t in PAGE_TYPES}
    while time.time() < stop:
        accept = PAGE_TYPES[i % 2]
        started = time.perf_counter()
        response = session.get(f"{base}/id/{rng.choice(cities)}", headers={"Accept": accept})
        response.raise_for_status()
        latencies[accept].append((time.perf_counter() - started) * 1000)
        i += 1
    return {**latencies, "cpu_s": time.process_time()}


def summary(load: dict) -> dict:
    totals, queries = load["total"], load["per_query"]
    return {
        "req_s": totals["req_s"],
        "errors": totals["errors"],
        "cut": totals["cut"],
        "p50_ms": {q: v["p50_ms"] for q, v in queries.items()},
        "p99_ms": {q: v["p99_ms"] for q, v in queries.items()},
    }


def family(pid: int) -> list[Path]:
    """The /proc entries of a process and all its descendants (for citykg: Granian's main
    process, the web process and its query workers)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    members, grown = {pid}, True
    while grown:
        grown = False
        for child, parent in parents.items():
            if parent in members and child not in members:
                members.add(child)
                grown = True
    return [Path(f"/proc/{p}") for p in members if p in parents]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants."""
    total = 0
    for entry in family(pid):
        with contextlib.suppress(OSError):
            total += int((entry / "statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return round(total / 2**20, 1)


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live descendants."""
    ticks = 0
    for entry in family(pid):
        with contextlib.suppress(OSError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def cpu_ms_per_request(cpu_seconds: float, figures: dict, args: argparse.Namespace) -> float | None:
    """CPU milliseconds per request answered during a run of ``args.duration`` seconds."""
    done = (figures.get("req_s") or 0) * args.duration
    return round(cpu_seconds * 1000 / done, 2) if done else None


def citykg(release: Path, args: argparse.Namespace, cache: bool = False) -> dict:
    """citykg serve, cold by default (its answer cache off)."""
    port = 18103 if cache else 18100
    command = [
        BIN / "citykg",
        "serve",
        "--project",
        str(ROOT),
        "--build-dir",
        str(release.parents[1]),
        "--port",
        str(port),
    ]
    env = None if cache else {"CITYKG_RESPONSE_CACHE": "0"}
    return serve_and_load(command, f"http://127.0.0.1:{port}/sparql", env, args)


def citykg_pages(release: Path, args: argparse.Namespace, cache: bool = False) -> dict:
    """City pages (HTML and Turtle) under 4 concurrent clients; cold by default (every page
    rendered from the store), with ``cache`` from the per-release document cache once seen."""
    port = 18106 if cache else 18104
    command = [BIN / "citykg", "serve", "--project", str(ROOT)]
    command += ["--build-dir", str(release.parents[1]), "--port", str(port)]
    env = None if cache else {"CITYKG_DOCUMENT_CACHE": "0"}
    drive = functools.partial(city_pages, warm=cache)
    return serve_and_load(command, f"http://127.0.0.1:{port}/sparql", env, args, drive)


def citykg_pages_warm(release: Path, args: argparse.Namespace) -> dict:
    """City pages with the document cache on."""
    return citykg_pages(release, args, cache=True)


FLOOR_APP = """
import os

BODY = b"x" * int(os.environ["FLOOR_BYTES"])


def app(environ, start_response):
    start_response("200 OK", [("Content-Length", str(len(BODY)))])
    return [BODY]
"""


def floor(args: argparse.Namespace, size: int, drive) -> dict:
    """A client against the HTTP server citykg runs on (Granian, 8 threads) answering every
    request at once with ``size`` bytes: what this machine and client allow when the server
    does no work (no server can do better here)."""
    (args.workdir / "floor_app.py").write_text(FLOOR_APP)
    port = 18107
    command = [BIN / "granian", "--interface", "wsgi", "--port", str(port)]
    command += ["--working-dir", str(args.workdir), "--blocking-threads", "8", "floor_app:app"]
    url = f"http://127.0.0.1:{port}/sparql"
    return serve_and_load(command, url, {"FLOOR_BYTES": str(size)}, args, drive)


def pages_floor(release: Path, args: argparse.Namespace) -> dict:
    """The city-page clients against the floor server with a 20 KB page."""
    return floor(args, 20000, city_pages)


def mix_floor(release: Path, args: argparse.Namespace) -> dict:
    """The query-mix driver against the floor server with a 4 KB answer."""
    return floor(args, 4000, drive_mix)


def oxigraph_memory(release: Path, args: argparse.Namespace) -> dict:
    """Oxigraph server with an in-memory store, the release POSTed to it before the run."""
    port = 18105
    url = f"http://127.0.0.1:{port}"

    def load() -> dict:
        """The named graphs, then the default graph (the data), as citykg serves them."""
        started = time.monotonic()
        with open(release / "citykg.nq", "rb") as data:
            headers = {"Content-Type": "application/n-quads"}
            requests.post(
                f"{url}/store", data=data, headers=headers, timeout=3600
            ).raise_for_status()
        with gzip.open(release / "citykg.nt.gz", "rb") as dump:
            headers = {"Content-Type": "application/n-triples"}
            blocks = iter(lambda: dump.read(1 << 20), b"")  # chunked: no length to get wrong
            requests.put(
                f"{url}/store?default", data=blocks, headers=headers, timeout=3600
            ).raise_for_status()
        return {"load_s": round(time.monotonic() - started, 1)}

    command = [BIN / "oxigraph", "serve", "--bind", f"127.0.0.1:{port}"]
    return serve_and_load(command, f"{url}/query", None, args, prepare=load)


def citykg_warm(release: Path, args: argparse.Namespace) -> dict:
    """citykg with its answer cache on: repeated queries come from the cache."""
    return citykg(release, args, cache=True)


def oxigraph(release: Path, args: argparse.Namespace, mode: str = "serve") -> dict:
    """Oxigraph server on its on-disk store, started as ../shared/bench/BASELINE.md did
    (``oxigraph serve --location D`` after ``oxigraph optimize``); ``mode`` may name
    ``serve-read-only`` instead."""
    location = args.workdir / f"oxigraph-default-graph{args.count}"
    if not location.exists():  # the named graphs and the default graph, as citykg serves them
        files = ["--file", release / "citykg.nq", "--file", release / "citykg.nt.gz"]
        run([BIN / "oxigraph", "load", "--location", location, *files])
        run([BIN / "oxigraph", "optimize", "--location", location])
    port = 18101
    return serve_and_load(
        [
            BIN / "oxigraph",
            mode,
            "--location",
            location,
            "--bind",
            f"127.0.0.1:{port}",
        ],
        f"http://127.0.0.1:{port}/query",
        None,
        args,
    )


def oxigraph_read_only(release: Path, args: argparse.Namespace) -> dict:
    """Oxigraph server on its on-disk store opened read-only (a little faster than ``serve``)."""
    return oxigraph(release, args, "serve-read-only")


def rdflib_endpoint(release: Path, args: argparse.Namespace) -> dict:
    nt = args.workdir / f"synth{args.count}.nt"
    if not nt.exists():
        nt.write_bytes(gzip.decompress((release / "citykg.nt.gz").read_bytes()))
    port = 18102
    return serve_and_load(
        [BIN / "rdflib-endpoint", "serve", "--host", "127.0.0.1", "--port", str(port), nt],
        f"http://127.0.0.1:{port}/",
        None,
        args,
    )


def engine(release: Path, args: argparse.Namespace) -> dict:
    """The same mix in a fresh process on pyoxigraph, 2 threads, results serialised, with the
    malloc citykg's query workers get (``CITYKG_ALLOCATOR``, default ``auto``)."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    library = allocator.library(os.environ.get("CITYKG_ALLOCATOR") or allocator.AUTO)
    with allocator.preloading(library):
        process = context.Process(target=engine_run, args=(sender, release, args.duration))
        process.start()
    sender.close()
    try:
        figures = receiver.recv()
    except EOFError:
        process.join()
        raise RuntimeError(f"the engine process exited ({process.exitcode})") from None
    process.join()
    return figures


def engine_run(conn: Connection, release: Path, duration: float) -> None:
    """The engine's loop (in the process :func:`engine` starts); sends its figures on ``conn``."""
    args = argparse.Namespace(duration=duration)
    store = ox.Store()
    store.bulk_load(path=str(release / "citykg.nq"), format=ox.RdfFormat.N_QUADS)
    with gzip.open(release / "citykg.nt.gz", "rb") as default_graph:  # as citykg serves it
        store.bulk_load(default_graph, ox.RdfFormat.N_TRIPLES)
    queries = [(p.stem.split("_")[0], p.read_text()) for p in sorted(QUERIES.glob("*.rq"))]
    latencies: dict[str, list[float]] = {name: [] for name, _ in queries}
    stop = time.monotonic() + args.duration

    def loop(offset: int) -> None:
        i = offset
        while time.monotonic() < stop:
            name, text = queries[i % len(queries)]
            start = time.perf_counter()
            result = store.query(text)
            if isinstance(result, ox.QueryTriples):
                result.serialize(format=ox.RdfFormat.TURTLE)
            else:
                result.serialize(format=ox.QueryResultsFormat.JSON)
            latencies[name].append((time.perf_counter() - start) * 1000)
            i += 1

    used = time.process_time()
    figures = run_threads(loop, 2, latencies, args.duration)
    used = time.process_time() - used
    malloc = allocator.in_use()
    conn.send(
        {
            "server_cpu_ms_per_req": cpu_ms_per_request(used, figures, args),
            **figures,
            "malloc": malloc,
        }
    )


def run_threads(target, count: int, latencies: dict[str, list[float]], duration: float) -> dict:
    """Run ``target(k)`` in ``count`` threads; throughput and p50/p99 per key of ``latencies``."""
    threads = [threading.Thread(target=target, args=(k,)) for k in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return percentiles(latencies, duration)


def percentiles(latencies: dict[str, list[float]], duration: float) -> dict:
    """Throughput over ``duration`` and p50/p99 per key of ``latencies``."""
    done = sum(len(v) for v in latencies.values())
    return {
        "req_s": round(done / duration, 2),
        "p50_ms": {q: round(statistics.median(v), 1) for q, v in latencies.items() if v},
        "p99_ms": {
            q: round(sorted(v)[int(len(v) * 0.99) - 1], 1) for q, v in latencies.items() if v
        },
    }


SYSTEMS = {
    "citykg": citykg,
    "citykg-warm": citykg_warm,
    "citykg-pages": citykg_pages,
    "citykg-pages-warm": citykg_pages_warm,
    "pages-floor": pages_floor,
    "mix-floor": mix_floor,
    "oxigraph-memory": oxigraph_memory,
    "oxigraph": oxigraph,
    "oxigraph-read-only": oxigraph_read_only,
    "rdflib-endpoint": rdflib_endpoint,
    "engine": engine,
}


def print_table(figures: dict) -> None:
    systems = figures["systems"]
    base = systems.get("citykg", {}).get("req_s") or 0
    print(f"\nN = {figures['count']} cities, {figures['quads']} quads")
    if "build_s" in figures:
        print(
            f"build + validate: {figures['build_s']} s ({figures['build_s_per_1000']} s per 1000)"
            f"; steps (s): {figures['build_steps_s']}"
        )
    print(
        "| system | req/s | citykg ÷ system | server CPU ms/req | ready (s) | settled (s) "
        "| RSS (MB) | runs |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, r in systems.items():
        ratio = f"{base / r['req_s']:.2f}" if base and r.get("req_s") else "-"
        each = " / ".join(str(x) for x in figures["req_s_per_round"][name])
        print(
            f"| {name} | {r.get('req_s')} | {ratio} | {r.get('server_cpu_ms_per_req', '-')} | "
            f"{r.get('ready_s', '-')} | "
            f"{r.get('settled_s', '-')} | {r.get('rss_mb', '-')} | {each} |"
        )


if __name__ == "__main__":
    sys.exit(main())
