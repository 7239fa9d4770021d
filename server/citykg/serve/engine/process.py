"""The query worker process: it answers jobs from the release's store until its pipe closes.

A worker is a fresh Python process (:func:`command` says how to start one): it imports only the
modules a worker uses (no Flask, no build wing), whatever program started it.

It opens the on-disk store read-only; with ``in_memory`` it also loads the release into memory
(taking turns with the other processes serving the store) and answers from there once loaded.
Every process citykg starts stops with the process that started it.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from citykg.contract.layout import SEARCH_FILE
from citykg.serve import allocator, templating
from citykg.serve.documents import Documents
from citykg.serve.engine.execute import execute
from citykg.serve.search_index import sparql_functions
from citykg.serve.store import EmbeddedStore, ReleaseInfo, load_in_memory

PARENT_CHECK_S = 0.5
READY = "ready"  # what a worker sends once it can take jobs
STATUS = "status"  # a job asking a worker where it answers from ("memory" or "disk") and its malloc


def command(fd: int, store_path: Path, release: Path, in_memory: bool) -> list[str]:
    """The command line of a worker that talks over the connection on file descriptor ``fd``
    (``-P``: the working directory is not put on the module path, so nothing there shadows a
    module)."""
    start = f"from {__name__} import main; main()"
    args = (str(fd), str(store_path), str(release), str(in_memory))
    return [sys.executable, "-P", "-c", start, *args]


def main() -> None:
    """A worker started by :func:`command`."""
    fd, store_path, release, in_memory = sys.argv[1:]
    serve(Connection(int(fd)), store_path, release, in_memory == "True")


def serve(conn: Connection, store_path: str, release: str, in_memory: bool) -> None:
    """The worker's loop."""
    import pyoxigraph as ox

    threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    functions = sparql_functions(Path(release), SEARCH_FILE)
    current = [EmbeddedStore(ox.Store.read_only(store_path), Path(store_path), functions=functions)]
    info = ReleaseInfo.read(Path(release))
    documents = Documents(info, templating.environment(info))
    malloc = allocator.in_use()  # fixed for the life of the process
    conn.send(READY)
    if in_memory:
        args = (Path(release), memory_lock(Path(store_path)), current)
        threading.Thread(target=_load_in_memory, args=args, daemon=True).start()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job == STATUS:
            conn.send((current[0].location, malloc))
        else:
            conn.send(execute(current[0], job, documents))


def memory_lock(store_path: Path) -> Path:
    """The lock file the processes serving one store take turns on to load it into memory."""
    return Path(f"{store_path}.memory-lock")


def _load_in_memory(release: Path, lock: Path, current: list[EmbeddedStore]) -> None:
    """Load ``release`` into memory and make it current (the store in ``current[0]``)."""
    memory = load_in_memory(release, lock)
    if memory is not None:
        memory.functions = current[0].functions
        current[0] = memory


def exit_with_parent(parent: int) -> None:
    """Stop this process, even in the middle of a query, once the process that started it is
    gone (a killed server must not leave web processes or runaway queries behind)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)
