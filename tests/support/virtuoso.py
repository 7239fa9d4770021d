"""Virtuoso Open Source 7 (Debian ``virtuoso-opensource-7-bin``) as a remote store for system
tests: a fresh database in a temporary directory, HTTP and SQL on 127.0.0.1, a release loaded
with the bulk loader through ``isql-vt``.

Virtuoso's Graph Store endpoint (``/sparql-graph-crud``) cannot take what ``citykg publish``
sends: ``?default`` is refused unless a host is mapped to a graph (which then changes every
query's dataset), a POST of N-Quads without ``?graph=`` is answered 200 with an HTML form and
nothing stored, and a chunked body is stored as an empty graph. So the release is bulk-loaded
with the script docs/remote-stores.md gives (so the page's script is the one tested): every
named graph of ``citykg.nq``, the VoID as ``graph/dataset`` and the publish marker; Virtuoso's
system graphs are made private, so the anonymous SPARQL user sees the release only. Virtuoso's
default graph is the union of all its graphs: citykg names the dataset in each query
(``CITYKG_STORE_DIALECT=virtuoso``).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from citykg.contract.iris import DATASET_IRI, HAS_CURRENT_VERSION
from citykg.contract.iris import release as release_iri
from citykg.contract.layout import NQUADS_FILE, VOID_FILE

from support.processes import debian_program, free_port, running
from support.project import ROOT

PACKAGE = "virtuoso-opensource-7-bin"
SERVER, ISQL = "virtuoso-t", "isql-vt"
REMOTE_STORES = ROOT / "docs" / "remote-stores.md"
DOCUMENTED_DIR = "/srv/citykg/load"  # where the page's script reads from
CONFIG = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 10
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {dir}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxClientConnections = 10

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {timeout_s}
MaxQueryCostEstimationTime = 0
"""


def _binaries() -> tuple[str, str]:
    """The server and isql executables, installed from Debian when missing (as root)."""
    return debian_program(SERVER, PACKAGE), debian_program(ISQL, PACKAGE)


def _wait_for_sql(exe: str, sql_port: int, timeout_s: float = 30.0) -> None:
    """Wait until isql-vt connects (the SQL port opens just after the HTTP one)."""
    deadline = time.monotonic() + timeout_s
    command = [exe, f"127.0.0.1:{sql_port}", "dba", "dba", "exec=SELECT 1;"]
    while subprocess.run(command, capture_output=True, timeout=30, check=False).returncode:
        if time.monotonic() > deadline:
            pytest.fail(f"Virtuoso's SQL port {sql_port} did not open")
        time.sleep(0.2)


def isql(exe: str, sql_port: int, script: str) -> str:
    """Run ``script`` as dba through isql-vt; its output. isql exits 0 whatever happens, so an
    error it prints fails the test."""
    out = subprocess.run(
        [exe, f"127.0.0.1:{sql_port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF"],
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if out.returncode != 0 or "*** Error" in out.stdout + out.stderr:
        pytest.fail(f"isql-vt failed: {out.stdout[-1000:]} {out.stderr[-1000:]}")
    return out.stdout


def documented_load_script(load_dir: Path) -> str:
    """The bulk-load script of docs/remote-stores.md (its ``sql`` block), reading from
    ``load_dir`` instead of the page's ``/srv/citykg/load``."""
    blocks = re.findall(
        r"^```sql\n(.*?)^```", REMOTE_STORES.read_text(encoding="utf-8"), re.S | re.M
    )
    assert len(blocks) == 1, "one sql block expected in docs/remote-stores.md"
    assert DOCUMENTED_DIR in blocks[0]
    return blocks[0].replace(DOCUMENTED_DIR, str(load_dir))


def _load_files(release: Path, into: Path) -> None:
    """What the documented script loads, in ``into`` (Virtuoso reads only from its
    DirsAllowed): the release's N-Quads and VoID, and the publish marker."""
    into.mkdir()
    for name in (NQUADS_FILE, VOID_FILE):
        shutil.copyfile(release / name, into / name)
    marker = ox.Triple(
        ox.NamedNode(DATASET_IRI),
        ox.NamedNode(HAS_CURRENT_VERSION),
        ox.NamedNode(release_iri(release.name)),
    )
    (into / "published.nt").write_bytes(ox.serialize([marker], format=ox.RdfFormat.N_TRIPLES))


@contextlib.contextmanager
def virtuoso(
    release: Path, workdir: Path, timeout_s: int = 10, max_rows: int = 1_000_000
) -> Iterator[str]:
    """Virtuoso in ``workdir`` on 127.0.0.1, holding ``release`` (see the module's docstring),
    each query ended after ``timeout_s`` seconds and cut at ``max_rows`` rows; its query URL."""
    server, isql_exe = _binaries()
    http_port, sql_port = free_port(), free_port()
    config = workdir / "virtuoso.ini"
    config.write_text(
        CONFIG.format(
            dir=workdir,
            sql_port=sql_port,
            http_port=http_port,
            timeout_s=timeout_s,
            max_rows=max_rows,
        )
    )
    url = f"http://127.0.0.1:{http_port}/sparql"
    command = [server, "+foreground", "+configfile", str(config)]
    with running(command, f"{url}?query=SELECT%20*%20%7B%7D"):
        _wait_for_sql(isql_exe, sql_port)
        load_dir = workdir / "load"
        _load_files(release, load_dir)
        failed = isql(isql_exe, sql_port, documented_load_script(load_dir))
        assert NQUADS_FILE not in failed, failed
        yield url
