"""Benchmark: citykg against Oxigraph server, rdflib-endpoint and an in-process pyoxigraph loop.

    python tests/bench/run_bench.py N [-d 20] [--rounds R] [--systems citykg,oxigraph,engine]
                                      [--workdir DIR] [--out FIGURES.json]

A script, not a test: it prints figures and ratios measured in one run on this machine. It makes
N synthetic profiles (``citykg synth``), builds them (``citykg build --synthetic``, timed), then
serves the same release with each system in turn on 127.0.0.1 and drives it with ``load.py``
beside this script (mix mode: 4 client processes, the 8 queries of tests/bench/queries, each
client cycling through them). Before the mix, each server answers every query once and the
size of each answer is recorded (``answers``): systems compared must give the same answers.
Cold: citykg has no response cache. ``engine`` is the engine's own limit: the same queries run
in a fresh process on pyoxigraph, 2 threads, results serialised as the server would, with the
malloc citykg's query workers get (both report it as ``malloc``). ``mix-floor`` and
``pages-floor`` are the same clients against Granian answering at once: the most any server
can reach with them here. Every system's CPU time per request is counted from /proc. With
``--rounds R`` every system is run R times, the order rotated each round (the machine is shared
and one run varies by 10-40 %), and each figure is the run with the median throughput. Needs
the test extras (``pip install '.[test]'``: Oxigraph server; rdflib-endpoint and uvicorn for
that system: ``pip install rdflib-endpoint uvicorn``). Every server is stopped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import gzip
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import threading
import time
from importlib import metadata
from multiprocessing.connection import Connection
from pathlib import Path

import load
import pyoxigraph as ox
import requests
from server_process import answers as answers_now
from server_process import free_port, running

from citykg.serve import allocator

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LOAD = HERE / "load.py"
QUERIES = HERE / "queries"
BIN = Path(sys.executable).parent
CLIENTS = 4  # load.py's client processes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("-d", "--duration", type=float, default=20.0)
    parser.add_argument("--systems", default="citykg,oxigraph,oxigraph-memory,engine,mix-floor")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/citykg-bench"))
    parser.add_argument("--out", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    project = args.workdir / f"synth{args.count}"
    figures: dict = {"count": args.count, **setting(args)}
    release = project / "var" / "current"
    if not release.exists():
        run([BIN / "citykg", "synth", str(args.count), str(project), "--project", str(ROOT)])
        start = time.monotonic()
        build = [BIN / "citykg", "build", "--synthetic", "-q", "--project", project]
        build += ["--var-dir", project / "var"]
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


def setting(args: argparse.Namespace) -> dict:
    """When, where and with what the figures were measured."""
    versions = {"python": platform.python_version()}
    for package in ("citykg", "pyoxigraph", "oxigraph", "granian", "rdflib-endpoint"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    changed = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True)
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit.stdout.strip() or None,
        "uncommitted_changes": bool(changed.stdout.strip()),
        "cpus": os.cpu_count(),
        "duration_s": args.duration,
        "rounds": args.rounds,
        "clients": CLIENTS,
        "versions": versions,
    }


def median_run(runs: list[dict]) -> dict:
    """The run with the median throughput (the lower middle one of an even number)."""
    ordered = sorted(runs, key=lambda r: r.get("req_s") or 0)
    return ordered[(len(ordered) - 1) // 2]


def run(command: list) -> None:
    subprocess.run([str(c) for c in command], check=True, stdout=subprocess.DEVNULL)


def serve_and_load(
    command: list,
    url: str,
    env: dict | None,
    args: argparse.Namespace,
    drive=None,
    prepare=None,
    answers: bool = True,
) -> dict:
    """Start a server, time its start (ready: answers; settled: memory no longer growing, e.g.
    citykg's query workers have loaded the release into memory), run ``prepare`` (e.g. load
    data into it), record the size of its answer to each query of the mix (``answers``, only
    for the mix), drive it with the mix (or ``drive``) while counting its CPU time, read its
    RSS, stop it."""
    start = time.monotonic()
    environment = {**os.environ, **(env or {})}
    with running(command, environment, lambda: answers_now(url, query="ASK {}")) as process:
        ready = time.monotonic() - start
        settled = settle(process.pid, url, args.release) - start
        prepared = prepare() if prepare else {}
        drive = drive or drive_mix
        if answers and drive is drive_mix:
            prepared["answers"] = answer_sizes(url)
        used, busy = cpu_s(process.pid), machine_busy_s()
        figures = drive(url, args)
        used, busy = cpu_s(process.pid) - used, machine_busy_s() - busy
        return {
            "ready_s": round(ready, 2),
            "settled_s": round(settled, 1),
            "rss_mb": rss_mb(process.pid),
            **shared_memory_mb(process.pid),
            "server_cpu_ms_per_req": cpu_ms_per_request(used, figures, args),
            **busy_cores(busy, used + (figures.get("client_cpu_s") or 0), args.duration),
            **prepared,
            **figures,
            **worker_malloc(url),
        }


def drive_mix(url: str, args: argparse.Namespace) -> dict:
    """The query mix: 4 client processes of load.py for the duration."""
    load = run_load(url, "--mode", "mix", "--queries", QUERIES, "-d", args.duration)
    return {"client_cpu_s": load["client_cpu_s"], **summary(load)}


def answer_sizes(url: str) -> dict[str, int | None]:
    """The size of the answer to each query of the mix, asked once (rows; triples for q4)."""
    load = run_load(url, "--mode", "check", "--queries", QUERIES)
    return {query: answer["size"] for query, answer in load["check"].items()}


def run_load(url: str, *options: object) -> dict:
    """The figures of a run of load.py (4 clients) against ``url``."""
    command = [sys.executable, LOAD, url, "-c", CLIENTS, *options]
    done = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, timeout=900, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"load.py failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def worker_malloc(url: str) -> dict:
    """``{"malloc": name}`` when the server is citykg: the allocator its idle query workers
    report on /health (``+``-joined if they differ); else nothing."""
    try:
        body = requests.get(url.rsplit("/", 1)[0] + "/health", timeout=10).json()
        return {"malloc": "+".join(sorted(body["query_worker_allocators"]))}
    except (requests.RequestException, ValueError, KeyError):
        return {}


def settle(pid: int, url: str, release: Path, limit_s: float = 900) -> float:
    """When citykg's /health says no query worker reads from disk any more (the release is
    loaded into memory; a release above CITYKG_MEMORY_STORE_MAX_MB stays on disk: at once); for
    other servers, when the RSS of ``pid`` and its children stopped growing (3 s within 1 %)."""
    deadline = time.monotonic() + limit_s
    health = url.rsplit("/", 1)[0] + "/health"

    def on_disk() -> int | None:
        try:
            body = requests.get(health, timeout=10).json()
            workers = body["query_workers"]
        except (requests.RequestException, ValueError, KeyError):
            return None
        return workers.get("disk", 0) + workers.get("busy", 0)

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
    """load.py's page mode: 4 client processes fetching random city pages for the duration,
    HTML or Turtle. ``warm``: every page is fetched once before (so that the measured requests
    all find it in the document cache)."""
    base = url.removesuffix("/sparql")
    is_city = (RDF_TYPE, ox.NamedNode("https://schema.org/City"))
    listing = args.workdir / f"pages{args.count}.txt"
    if not listing.exists():
        cities = [
            "/id/" + quad.subject.value.split("/id/", 1)[1]
            for quad in ox.parse(path=str(args.release / "citykg.nq"), format=ox.RdfFormat.N_QUADS)
            if (quad.predicate, quad.object) == is_city
        ]
        listing.write_text("".join(f"{path}\n" for path in cities))
    options = ["--mode", "pages", "--pages", listing, "--accept", ",".join(PAGE_TYPES)]
    load = run_load(base, *options, "-d", args.duration, *(["--warm"] if warm else []))
    return {"client_cpu_s": load["client_cpu_s"], **summary(load)}


def summary(load: dict) -> dict:
    totals, queries = load["total"], load["per_query"]
    return {
        "req_s": totals["req_s"],
        "errors": totals["errors"],
        "cut": totals["cut"],
        "p50_ms": {q: v["p50_ms"] for q, v in queries.items() if v["ok"]},
        "p99_ms": {q: v["p99_ms"] for q, v in queries.items() if v["ok"]},
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


def shared_memory_mb(pid: int) -> dict[str, float]:
    """The proportional and the unique set size of a process and all its descendants (PSS: each
    page shared by k processes counted 1/k in each, so pages the query workers share are counted
    once in the sum; USS: pages of one process alone), from ``/proc/PID/smaps_rollup``."""
    totals = {"Pss": 0, "Private_Clean": 0, "Private_Dirty": 0}
    for entry in family(pid):
        with contextlib.suppress(OSError):
            for line in (entry / "smaps_rollup").read_text().splitlines():
                name, _, value = line.partition(":")
                if name in totals:
                    totals[name] += int(value.split()[0])  # kB
    uss = totals["Private_Clean"] + totals["Private_Dirty"]
    return {"pss_mb": round(totals["Pss"] / 1024, 1), "uss_mb": round(uss / 1024, 1)}


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live descendants, and by
    the descendants they have collected (citykg's query workers replaced meanwhile)."""
    ticks = 0
    for entry in family(pid):
        with contextlib.suppress(OSError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            ticks += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy_s() -> float:
    """CPU seconds the whole machine has spent busy (not idle, not waiting for I/O) since boot:
    its difference over a run, less the server's and the clients' CPU, is what other processes
    took meanwhile (the machine is shared)."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def busy_cores(busy_s: float, measured_s: float, duration: float) -> dict:
    """How many cores the machine kept busy during a run, and how many of them went to other
    processes than the ones measured (the server and the clients)."""
    return {
        "machine_busy_cores": round(busy_s / duration, 2),
        "other_processes_cores": round(max(0.0, busy_s - measured_s) / duration, 2),
    }


def cpu_ms_per_request(cpu_seconds: float, figures: dict, args: argparse.Namespace) -> float | None:
    """CPU milliseconds per request answered during a run of ``args.duration`` seconds."""
    done = (figures.get("req_s") or 0) * args.duration
    return round(cpu_seconds * 1000 / done, 2) if done else None


# The load driver is one client standing for many users: the fair share of each client is off,
# as the peers have none.
ONE_CLIENT_FOR_MANY = {"CITYKG_CLIENT_QUERIES": "0", "CITYKG_CLIENT_QUERY_SECONDS": "0"}


def citykg(release: Path, args: argparse.Namespace, cache: bool = False) -> dict:
    """citykg serve, cold by default (its answer cache off)."""
    port = free_port()
    command = [
        BIN / "citykg",
        "serve",
        "--project",
        str(ROOT),
        "--var-dir",
        str(release.parents[1]),
        "--port",
        str(port),
    ]
    env = {**ONE_CLIENT_FOR_MANY} | ({} if cache else {"CITYKG_RESPONSE_CACHE": "0"})
    return serve_and_load(command, f"http://127.0.0.1:{port}/sparql", env, args)


def citykg_pages(release: Path, args: argparse.Namespace, cache: bool = False) -> dict:
    """City pages (HTML and Turtle) under 4 concurrent clients; cold by default (every page
    rendered from the store), with ``cache`` from the per-release document cache once seen."""
    port = free_port()
    command = [BIN / "citykg", "serve", "--project", str(ROOT)]
    command += ["--var-dir", str(release.parents[1]), "--port", str(port)]
    env = {**ONE_CLIENT_FOR_MANY} | ({} if cache else {"CITYKG_DOCUMENT_CACHE": "0"})
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
    port = free_port()
    command = [BIN / "granian", "--interface", "wsgi", "--port", str(port)]
    command += ["--working-dir", str(args.workdir), "--blocking-threads", "8", "floor_app:app"]
    url = f"http://127.0.0.1:{port}/sparql"
    env = {"FLOOR_BYTES": str(size)}
    return serve_and_load(command, url, env, args, drive, answers=False)


def pages_floor(release: Path, args: argparse.Namespace) -> dict:
    """The city-page clients against the floor server with a 20 KB page."""
    return floor(args, 20000, city_pages)


def mix_floor(release: Path, args: argparse.Namespace) -> dict:
    """The query-mix driver against the floor server with a 4 KB answer."""
    return floor(args, 4000, drive_mix)


def oxigraph_memory(release: Path, args: argparse.Namespace) -> dict:
    """Oxigraph server with an in-memory store, the release POSTed to it before the run."""
    port = free_port()
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
    """Oxigraph server on its on-disk store: ``oxigraph load`` and ``oxigraph optimize`` once,
    then ``oxigraph serve --location D`` (``mode`` may name ``serve-read-only`` instead)."""
    location = args.workdir / f"oxigraph-default-graph{args.count}"
    if not location.exists():  # the named graphs and the default graph, as citykg serves them
        files = ["--file", release / "citykg.nq", "--file", release / "citykg.nt.gz"]
        run([BIN / "oxigraph", "load", "--location", location, *files])
        run([BIN / "oxigraph", "optimize", "--location", location])
    port = free_port()
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
    port = free_port()
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
    process = context.Process(target=engine_run, args=(sender, release, args.duration))
    saved = dict(os.environ)
    os.environ.update(allocator.environment(library))  # the spawned process inherits it
    try:
        process.start()
    finally:
        os.environ.clear()
        os.environ.update(saved)
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

    used, busy = time.process_time(), machine_busy_s()
    figures = run_threads(loop, 2, latencies, args.duration)
    used, busy = time.process_time() - used, machine_busy_s() - busy
    malloc = allocator.in_use()
    conn.send(
        {
            "server_cpu_ms_per_req": cpu_ms_per_request(used, figures, args),
            **busy_cores(busy, used, args.duration),
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
    """Throughput over ``duration`` and p50/p99 per key of ``latencies`` (as load.py counts)."""
    done = sum(len(v) for v in latencies.values())
    ordered = {q: sorted(v) for q, v in latencies.items() if v}
    return {
        "req_s": round(done / duration, 2),
        "p50_ms": {q: load.percentile(v, 50) for q, v in ordered.items()},
        "p99_ms": {q: load.percentile(v, 99) for q, v in ordered.items()},
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
    """The figures as a Markdown table; the ratios are citykg's figure over the system's (req/s:
    above 1, citykg answers more; CPU per request and RSS: below 1, citykg uses less), the
    page systems' against ``citykg-pages``, the others' against ``citykg``."""
    systems = figures["systems"]
    print(f"\nN = {figures['count']} cities, {figures['quads']} quads")
    if "build_s" in figures:
        print(
            f"build + validate: {figures['build_s']} s ({figures['build_s_per_1000']} s per 1000)"
            f"; steps (s): {figures['build_steps_s']}"
        )
    print(
        "| system | req/s | citykg ÷ system | server CPU ms/req | citykg ÷ system | RSS (MB) "
        "| citykg ÷ system | ready (s) | settled (s) | errors | req/s per round |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, r in systems.items():
        each = " / ".join(str(x) for x in figures["req_s_per_round"][name])
        own = systems.get("citykg-pages" if "pages" in name else "citykg", {})
        cells = [name]
        for key in ("req_s", "server_cpu_ms_per_req", "rss_mb"):
            cells += [r.get(key, "-"), ratio(own.get(key), r.get(key))]
        cells += [r.get("ready_s", "-"), r.get("settled_s", "-"), r.get("errors", "-"), each]
        print("| " + " | ".join(str(c) for c in cells) + " |")


def ratio(mine: float | None, theirs: float | None) -> str:
    """``mine / theirs`` to two places, or ``-`` when either is missing."""
    return f"{mine / theirs:.2f}" if mine and theirs else "-"


if __name__ == "__main__":
    sys.exit(main())
