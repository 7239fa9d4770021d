"""The query worker processes: each answers jobs from the release's store until its pipe closes.

Two kinds, both fresh Python processes at first (:func:`command` says how to start one), which
import only the modules a worker uses (no Flask, no build wing), whatever program started them:

- a *worker* (:data:`WORKER`) opens the on-disk store read-only and answers from it;
- a *zygote* (:data:`ZYGOTE`) loads the release into memory (taking turns with the other
  processes loading a store), says so, and then forks a worker each time it is asked. Its
  workers answer from that one in-memory copy, shared page by page with the zygote and with
  each other (copy-on-write: a page is copied only when a worker writes to it), so memory does
  not grow with the number of workers; each can still be killed alone. The zygote hands each
  worker's end of its pipe to the process that asked, and stays until its last worker is gone.

Oxigraph's in-memory store writes while it reads (a lock and a reference count in every quad
it visits), so a forked worker copies each page its queries touch: at 10 000 cities the
benchmark's queries make about 300 MB of a 2.2 GB store a worker's own. A worker says with each
answer whether it has made more than OWN_SHARE of the store (at least OWN_MIN_BYTES) its own,
counted in page faults; it is then replaced by a fresh fork, so that its copies do not grow
towards a whole store per worker.

Every process citykg starts stops with the process that started it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import sys
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.reduction import send_handle
from pathlib import Path

from citykg.contract.layout import SEARCH_FILE
from citykg.serve import allocator, templating
from citykg.serve.documents import Documents
from citykg.serve.engine.execute import execute
from citykg.serve.search_index import sparql_functions
from citykg.serve.store import EmbeddedStore, ReleaseInfo, load_in_memory

PARENT_CHECK_S = 0.5
READY = "ready"  # what a worker sends once it can take jobs, and a zygote once it can fork them
STATUS = "status"  # a job asking a worker where it answers from ("memory" or "disk") and its malloc
FORK = "fork"  # what a zygote is asked: one more worker (it answers its pid, then its pipe)
WORKER, ZYGOTE = "worker", "zygote"
OWN_SHARE = 0.25  # of the zygote's memory a forked worker may make its own before it is replaced
OWN_MIN_BYTES = 64 * 2**20  # ... but at least this much (Python's own growth, a small release)


def command(kind: str, fd: int, store_path: Path, release: Path) -> list[str]:
    """The command line of a process of ``kind`` (WORKER or ZYGOTE) that talks over the
    connection on file descriptor ``fd`` (``-P``: the working directory is not put on the module
    path, so nothing there shadows a module)."""
    start = f"from {__name__} import main; main()"
    return [sys.executable, "-P", "-c", start, kind, str(fd), str(store_path), str(release)]


def main() -> None:
    """A process started by :func:`command`."""
    kind, fd, store_path, release = sys.argv[1:]
    threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    if kind == ZYGOTE:
        zygote(Connection(int(fd)), Path(store_path), Path(release))
        return
    import pyoxigraph as ox

    store = EmbeddedStore(ox.Store.read_only(store_path), Path(store_path))
    serve(Connection(int(fd)), *_prepared(store, Path(release)))


def _prepared(store: EmbeddedStore, release: Path) -> tuple[EmbeddedStore, Documents, str]:
    """``store`` with the release's SPARQL functions, the release's documents, and the malloc in
    use: what a worker needs besides its pipe."""
    store.functions = sparql_functions(release, SEARCH_FILE)
    info = ReleaseInfo.read(release)
    return store, Documents(info, templating.environment(info)), allocator.in_use()


def serve(
    conn: Connection,
    store: EmbeddedStore,
    documents: Documents,
    malloc: str,
    own_limit: float = float("inf"),
) -> None:
    """The worker's loop: each answer goes with whether the worker has made more than
    ``own_limit`` bytes of memory its own since it started (then it is to be replaced)."""
    conn.send(READY)
    page, faults = os.sysconf("SC_PAGE_SIZE"), _faults()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        answer = (store.location, malloc) if job == STATUS else execute(store, job, documents)
        conn.send((answer, (_faults() - faults) * page > own_limit))


def _faults() -> int:
    """The page faults this process has served without I/O: pages it touched for the first time
    or, in a forked worker, copied from the zygote's."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def zygote(conn: Connection, store_path: Path, release: Path) -> None:
    """Load ``release`` into memory, say READY, then fork a worker per FORK asked (none if the
    load failed: the connection is closed instead); once the connection closes, wait for the
    last worker to end."""
    memory = load_in_memory(release, memory_lock(store_path))
    if memory is None:
        return
    resident = int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    own_limit = max(OWN_MIN_BYTES, OWN_SHARE * resident)
    prepared = (*_prepared(memory, release), own_limit)
    conn.send(READY)
    while True:
        try:
            asked = conn.poll(PARENT_CHECK_S)
            if asked:
                conn.recv()
        except (EOFError, OSError):
            break
        if asked:
            _fork(conn, prepared)
        _reap(os.WNOHANG)
    _reap(0)  # until the last worker has ended


def _fork(conn: Connection, prepared: tuple[EmbeddedStore, Documents, str, float]) -> None:
    """Fork a worker; send its pid and its pipe's other end over ``conn``."""
    mine, theirs = multiprocessing.Pipe()
    pid = os.fork()
    if pid == 0:
        _worker_of_zygote(conn, mine, theirs, prepared)
    theirs.close()
    conn.send(pid)
    send_handle(conn, mine.fileno(), pid)
    mine.close()


def _reap(options: int) -> None:
    """Collect the workers that have ended (with ``os.WNOHANG``: without waiting for more), so
    that their CPU time is counted in this process's children's."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, options)[0]:
            pass


def _worker_of_zygote(
    zygote_conn: Connection,
    mine: Connection,
    theirs: Connection,
    prepared: tuple[EmbeddedStore, Documents, str, float],
) -> None:
    """The forked worker: it answers over ``theirs`` and never returns."""
    try:
        zygote_conn.close()
        mine.close()
        threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
        serve(theirs, *prepared)
    finally:
        os._exit(0)


def memory_lock(store_path: Path) -> Path:
    """The lock file the processes serving one store take turns on to load it into memory."""
    return Path(f"{store_path}.memory-lock")


def exit_with_parent(parent: int) -> None:
    """Stop this process, even in the middle of a query, once the process that started it is
    gone (a killed server must not leave web processes or runaway queries behind)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)
