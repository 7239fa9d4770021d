"""Shared fixtures: the real project, a release built from it, throw-away projects, and real
server processes (citykg serve, Oxigraph server as a Wikidata stand-in, a canary listener)."""

from __future__ import annotations

import contextlib
import gzip
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.build.assemble import assemble
from citykg.build.release import NQUADS, write_release
from citykg.project import Project

ROOT = Path(__file__).resolve().parents[1]
LEIPZIG = ROOT / "data" / "profiles" / "leipzig-deu-2020.txt"
PREFIXES = """
PREFIX citykg: <https://w3id.org/citykg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX void: <http://rdfs.org/ns/void#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX spdx: <http://spdx.org/rdf/terms#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX city: <https://w3id.org/citykg/id/city/>
PREFIX profile: <https://w3id.org/citykg/id/profile/>
PREFIX concept: <https://w3id.org/citykg/id/concept/>
"""


def leipzig_text() -> str:
    """The real Leipzig profile as committed under data/profiles."""
    return LEIPZIG.read_text(encoding="utf-8")


def make_project(root: Path, profiles: dict[str, bytes | str], links: str | None = None) -> Project:
    """A project with the real ontology, concepts and shapes and the given profiles."""
    for folder in ("ontology", "shapes"):
        shutil.copytree(ROOT / folder, root / folder)
    (root / "data" / "profiles").mkdir(parents=True)
    link_text = links if links is not None else (ROOT / "data" / "wikidata-links.csv").read_text()
    (root / "data" / "wikidata-links.csv").write_text(link_text, encoding="utf-8")
    for name, content in profiles.items():
        data = content.encode() if isinstance(content, str) else content
        (root / "data" / "profiles" / name).write_bytes(data)
    return Project.at(root)


class Sparql:
    """SPARQL over a release as the endpoint serves it: its named graphs (N-Quads) and, as the
    default graph, the data (the N-Triples dump, which leaves out the provenance graphs)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def select(self, query: str) -> list[dict[str, str | int]]:
        """Rows of a SELECT, each value as a Python str/int/bool."""
        results = self.store.query(PREFIXES + query)
        return [
            {v.value: _py(row[v]) for v in results.variables if row[v] is not None}
            for row in results
        ]

    def ask(self, query: str) -> bool:
        """The answer of an ASK query."""
        return bool(self.store.query(PREFIXES + query))


def _py(term: ox.NamedNode | ox.Literal | ox.BlankNode):
    if isinstance(term, ox.Literal):
        dt = term.datatype.value.rsplit("#", 1)[-1]
        if dt in ("integer", "positiveInteger", "nonNegativeInteger"):
            return int(term.value)
        if dt == "boolean":
            return term.value == "true"
    return term.value


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release built from the real project into a temporary build directory."""
    project = Project.at(ROOT, tmp_path_factory.mktemp("build"))
    assembly = assemble(project)
    assert not assembly.errors, [f.format() for f in assembly.errors]
    return write_release(assembly, project.build_dir).path


@pytest.fixture(scope="session")
def sparql(release: Path) -> Sparql:
    """The release loaded into an in-memory Oxigraph store."""
    return Sparql(load_as_served(release))


def load_as_served(release: Path) -> ox.Store:
    """A release in an in-memory store as the endpoint serves it: its named graphs, and the
    data (the N-Triples dump) as the default graph."""
    store = ox.Store()
    store.load(path=str(release / NQUADS), format=ox.RdfFormat.N_QUADS)
    with gzip.open(release / "citykg.nt.gz") as default_graph:
        store.load(input=default_graph, format=ox.RdfFormat.N_TRIPLES)
    return store


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def app_for(release: Path, store_dir: Path, **settings: object):
    """An app serving ``release`` with ``settings`` (CITYKG_ names without the prefix); its query
    workers are stopped afterwards."""
    from citykg.serve import create_app

    app = create_app(
        {
            "CITYKG_RELEASE": str(release),
            "CITYKG_STORE_DIR": str(store_dir),
            **{f"CITYKG_{k}": v for k, v in settings.items()},
        }
    )
    try:
        yield app
    finally:
        app.config["executor"].close()


@pytest.fixture(scope="session")
def app(release: Path, tmp_path_factory: pytest.TempPathFactory):
    """The Flask app serving the test release."""
    from citykg.serve import create_app

    return create_app(
        {"CITYKG_RELEASE": str(release), "CITYKG_STORE_DIR": str(tmp_path_factory.mktemp("stores"))}
    )


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


def install_debian_package(package: str) -> None:
    """``apt-get install package`` when the tests run as root where apt-get is (as in CI);
    otherwise nothing (the caller skips with the instruction)."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", package]):
        subprocess.run(command, env=env, capture_output=True, timeout=900, check=False)


def citykg_cli(*args: str) -> tuple[int, str]:
    """``python -m citykg ARGS`` as a real process (reproducible time stamp): status, output."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
    out = subprocess.run(
        [sys.executable, "-m", "citykg", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    return out.returncode, out.stdout + out.stderr


@contextlib.contextmanager
def running(command: list[str], ready_url: str, env: dict[str, str] | None = None):
    """Start a server, wait until ``ready_url`` answers 2xx (60 s at most), stop it after.

    Its output goes to a temporary file: a pipe nobody reads fills up after 64 KB of access log
    and then blocks the server."""
    import tempfile

    import requests

    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
        deadline = time.monotonic() + 60
        try:
            while True:
                try:
                    if requests.get(ready_url, timeout=2).ok:
                        break
                except requests.ConnectionError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    process.wait(timeout=10)
                    log.seek(0)
                    output = log.read().decode(errors="replace")
                    pytest.fail(f"{command[0]} did not start: {output[-2000:]}")
                time.sleep(0.2)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def citykg_serve(release: Path, env: dict[str, str] | None = None):
    """``citykg serve`` of ``release`` as a real process; yields its base URL."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "citykg",
        "serve",
        "--project",
        str(ROOT),
        "--build-dir",
        str(release.parent.parent),
        "--port",
        str(port),
    ]
    base = f"http://127.0.0.1:{port}"
    return base, running(command, f"{base}/sparql?query=ASK%7B%7D", env)


@pytest.fixture(scope="session")
def served(release: Path):
    """``citykg serve`` as a real process on 127.0.0.1, serving the test release; its base URL."""
    base, server = citykg_serve(release)
    with server:
        yield base


def oxigraph_server(location: Path, files: list[Path]):
    """Oxigraph server (PyPI ``oxigraph``), read-only on 127.0.0.1: (query URL, context)."""
    exe = str(Path(sys.executable).parent / "oxigraph")
    subprocess.run(
        [exe, "load", "--location", str(location), *(a for f in files for a in ("--file", str(f)))],
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    command = [exe, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    url = f"http://127.0.0.1:{port}/query"
    return url, running(command, f"{url}?query=ASK%7B%7D")


@pytest.fixture(scope="session")
def wikidata(tmp_path_factory: pytest.TempPathFactory):
    """The Wikidata stand-in: Oxigraph server with a small Wikidata-shaped graph; its query URL."""
    url, server = oxigraph_server(
        tmp_path_factory.mktemp("wikidata") / "db",
        [ROOT / "tests" / "fixtures" / "federation" / "wikidata-standin.ttl"],
    )
    with server:
        yield url


class Canary:
    """A TCP listener on 127.0.0.1 that records every connection it receives."""

    def __init__(self) -> None:
        import socket
        import threading

        self.hits: list[bytes] = []
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.hits.append(conn.recv(65536))
                except OSError:
                    self.hits.append(b"")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()


@pytest.fixture
def canary():
    """A listener that must receive nothing."""
    listener = Canary()
    yield listener
    listener.close()
