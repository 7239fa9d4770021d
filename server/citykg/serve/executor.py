"""User queries, documents and pages answered by worker processes that can be stopped.

A running pyoxigraph query cannot be interrupted from Python (it ignores signals; a thread cannot
be killed), so every query sent to ``/sparql`` runs in one of a small pool of worker processes,
each holding the release's store opened read-only. The web process waits for the answer up to
the query's wall-clock limit; past it the worker is killed (which really stops the work and frees
its core) and a fresh one takes its place. A query still running after ``NICE_AFTER_S`` has its
worker reniced to the lowest CPU priority, so short queries keep their normal latency while a
long one runs; its priority is restored afterwards (where that is not allowed, the worker is
retired). Results are serialised in the worker, stopping at the row cap. Idle workers are
taken last-in first-out: under light load the same warm worker (its CPU caches holding the hot
part of the store) answers one query after another. A worker also renders the documents and
HTML pages of the release (:mod:`citykg.serve.documents`), so that pages render on every core
under the same limits as queries, while the web process only passes bytes on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import multiprocessing
import os
import queue
import select
import threading
import time
from collections import Counter
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from citykg.serve import allocator
from citykg.serve.documents import DocumentJob, DocumentMissing, Documents
from citykg.serve.encoding import gzipped
from citykg.serve.store import ReleaseInfo

NICE_AFTER_S = 1.0
REPLACE_ATTEMPTS = 5
LOG = logging.getLogger("citykg.executor")
SPAWN_TIMEOUT_S = 60.0
PARENT_CHECK_S = 0.5
STATUS = "status"  # a job asking a worker where it answers from ("memory" or "disk") and its malloc
STATUS_TIMEOUT_S = 5.0
DOCUMENT_WAIT_S = 0.5  # a page waits this long for a free worker, then renders in the web process
HTTP_STATUS = {"error": 400, "missing": 404, "failed": 500, "unavailable": 503}


class ExecutorError(Exception):
    """A query could not be answered; ``status`` is the HTTP status to send, ``busy`` says no
    worker was free."""

    def __init__(
        self, status: int, message: str, timed_out: bool = False, busy: bool = False
    ) -> None:
        super().__init__(message)
        self.status, self.timed_out, self.busy = status, timed_out, busy


@dataclass(frozen=True)
class Job:
    """One query to run: dataset, the formats to answer in for each result kind, the row cap."""

    query: str
    default_graphs: list[str] | None
    named_graphs: list[str] | None
    results_format: str
    graph_format: str
    cap: int
    gzip: bool = False


@dataclass(frozen=True)
class Answer:
    """A serialised answer: body, kind (``results`` or ``graph``), rows sent, whether cut, and
    whether the body is gzipped (asked for by the job, done in the worker, off the web process)."""

    body: bytes
    kind: str
    rows: int
    truncated: bool
    gzipped: bool = False


class QueryExecutor:
    """A fixed-size pool of query worker processes over the on-disk store of ``release``; with
    ``in_memory`` each worker loads the release into memory and answers from there once loaded.
    Workers start with the malloc library ``preload`` preloaded (None: the system's)."""

    def __init__(
        self,
        store_path: Path,
        size: int,
        queue_wait_s: float,
        release: Path,
        in_memory: bool,
        preload: str | None = None,
    ) -> None:
        self._worker_args = (str(store_path), str(release), in_memory)
        self._preload = preload
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._queue_wait_s = queue_wait_s
        self.size = size
        starting = [self._start() for _ in range(size)]
        for process, conn in starting:
            self._idle.put(self._ready(process, conn))

    def run(self, job: Job | DocumentJob, timeout_s: float) -> Answer:
        """Answer ``job`` within ``timeout_s`` seconds or raise ExecutorError (its HTTP status:
        400 for a query that fails, 404 for a document that is not published, 503...). A
        document waits at most DOCUMENT_WAIT_S for a free worker."""
        wait = self._queue_wait_s
        if isinstance(job, DocumentJob):
            wait = min(wait, DOCUMENT_WAIT_S)
        try:
            worker = self._idle.get(timeout=wait)
        except queue.Empty:
            message = "all query workers are busy; try again shortly"
            raise ExecutorError(503, message, busy=True) from None
        keep = False
        try:
            outcome = worker.ask(job, timeout_s)
            keep = worker.restore_priority() and not worker.dead
        finally:
            if keep:
                self._idle.put(worker)
            else:
                worker.kill()
                threading.Thread(target=self._replace, daemon=True).start()
        return _outcome(*outcome)

    def worker_status(self) -> tuple[dict[str, int], dict[str, int]]:
        """How many idle workers answer from memory and from disk (and how many are busy: those
        are not asked), and how many run with each memory allocator."""
        idle: list[_Worker] = []
        with contextlib.suppress(queue.Empty):
            while True:
                idle.append(self._idle.get_nowait())
        stores, allocators = Counter({"busy": self.size - len(idle)}), Counter()
        for worker in idle:
            try:
                location, malloc = worker.ask(STATUS, STATUS_TIMEOUT_S)[1]
            except ExecutorError:
                stores["busy"] += 1
                worker.kill()
                threading.Thread(target=self._replace, daemon=True).start()
            else:
                stores[location] += 1
                allocators[malloc] += 1
                self._idle.put(worker)
        return dict(stores), dict(allocators)

    def close(self) -> None:
        """Stop every idle worker."""
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return

    def _spawn(self) -> _Worker:
        return self._ready(*self._start())

    def _replace(self) -> None:
        """Start a worker in place of a killed one, retrying a few times if it fails to start."""
        for attempt in range(REPLACE_ATTEMPTS):
            try:
                self._idle.put(self._spawn())
                return
            except (RuntimeError, OSError):
                time.sleep(2**attempt)
        LOG.error("could not replace a query worker; the pool is one worker smaller")

    def _start(self) -> tuple[multiprocessing.Process, Connection]:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_serve, args=(child, *self._worker_args), daemon=True
        )
        with allocator.preloading(self._preload):
            process.start()
        child.close()
        return process, parent

    @staticmethod
    def _ready(process: multiprocessing.Process, conn: Connection) -> _Worker:
        try:
            started = conn.poll(SPAWN_TIMEOUT_S) and conn.recv() == "ready"
        except (EOFError, OSError):  # it exited before saying it was ready
            started = False
        if not started:
            process.kill()
            raise RuntimeError("a query worker did not start")
        return _Worker(process, conn)


class RemoteExecutor:
    """Queries sent to a remote store: its HTTP request is bounded by the query's limit.

    The remote store keeps computing a query the client gave up on unless it has a time limit
    of its own: set one there (Fuseki ``arq:queryTimeout``, Virtuoso ``MaxQueryExecutionTime``,
    QLever ``timeout``, Oxigraph server ``--timeout-s``).
    """

    size = 0

    def __init__(self, query_url: str, union_parameter: str | None, documents: Documents) -> None:
        self._query_url, self._union_parameter = query_url, union_parameter
        self._documents = documents

    def run(self, job: Job | DocumentJob, timeout_s: float) -> Answer:
        """Answer ``job`` through the remote store (documents render in this process), or raise
        ExecutorError."""
        from citykg.serve.remote import RemoteStore

        store = RemoteStore(self._query_url, self._union_parameter, timeout_s)
        return run_here(store, job, self._documents)

    def worker_status(self) -> tuple[dict[str, int], dict[str, int]]:
        """No local workers: the remote store answers."""
        return {}, {}

    def close(self) -> None:
        """Nothing to stop."""


class _Worker:
    def __init__(self, process: multiprocessing.Process, conn: Connection) -> None:
        self.process, self.conn, self.reniced, self.dead = process, conn, False, False
        self._answered = select.poll()  # one poll object per pipe, not a selector per wait
        self._answered.register(conn.fileno(), select.POLLIN)

    def ask(self, job: Job | DocumentJob | str, timeout_s: float) -> tuple[str, object]:
        start = time.monotonic()
        try:
            self.conn.send(job)
            if not self._wait(min(timeout_s, NICE_AFTER_S)):
                self._renice()
                if not self._wait(max(0.0, timeout_s - (time.monotonic() - start))):
                    raise ExecutorError(
                        503,
                        f"the query ran longer than its {timeout_s:g} s limit and was stopped",
                        timed_out=True,
                    )
            return self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.dead = True
            raise ExecutorError(503, "the query worker stopped unexpectedly; try again") from None

    def _wait(self, seconds: float) -> bool:
        """Whether the worker answered (or its pipe closed) within ``seconds``."""
        return bool(self._answered.poll(seconds * 1000))

    def _renice(self) -> None:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, self.process.pid, 19)
        self.reniced = True

    def restore_priority(self) -> bool:
        """Back to normal priority after a long query; False when not allowed (then retire it)."""
        if not self.reniced:
            return True
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, 0)
        except OSError:
            return False
        self.reniced = False
        return True

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


def _serve(conn: Connection, store_path: str, release: str, in_memory: bool) -> None:
    """The worker's loop: answer jobs from the on-disk store until the pipe closes; with
    ``in_memory``, load the release into memory meanwhile and answer from there once loaded."""
    import pyoxigraph as ox

    from citykg.serve.store import EmbeddedStore

    threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    current = [EmbeddedStore(ox.Store.read_only(store_path), Path(store_path))]
    documents = Documents(ReleaseInfo.read(Path(release)))
    malloc = allocator.in_use()  # fixed for the life of the process
    conn.send("ready")
    if in_memory:
        args = (Path(release), memory_lock(Path(store_path)), current)
        threading.Thread(target=_load_in_memory, args=args, daemon=True).start()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job == STATUS:
            conn.send(("ok", (current[0].location, malloc)))
        else:
            conn.send(_execute(current[0], job, documents))


def memory_lock(store_path: Path) -> Path:
    """The lock file the processes serving one store take turns on to load it into memory."""
    return Path(f"{store_path}.memory-lock")


def _load_in_memory(release: Path, lock: Path, current: list) -> None:
    """Load ``release`` into memory and make it current (the store in ``current[0]``)."""
    from citykg.serve.store import load_in_memory

    memory = load_in_memory(release, lock)
    if memory is not None:
        current[0] = memory


def exit_with_parent(parent: int) -> None:
    """Stop this process, even in the middle of a query, once the process that started it is
    gone (a killed server must not leave web processes or runaway queries behind)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)


def run_here(store: object, job: Job | DocumentJob, documents: Documents) -> Answer:
    """Answer ``job`` in this process (no time limit of its own), or raise ExecutorError."""
    return _outcome(*_execute(store, job, documents))


def _outcome(status: str, payload: object) -> Answer:
    if status == "ok":
        return payload
    raise ExecutorError(HTTP_STATUS[status], str(payload))


def _execute(store: object, job: Job | DocumentJob, documents: Documents) -> tuple[str, object]:
    if isinstance(job, DocumentJob):
        status, answer = _render(store, job, documents)
    else:
        status, answer = _answer(store, job)
    body = gzipped(answer.body) if status == "ok" and job.gzip else None
    if body is not None:
        answer = dataclasses.replace(answer, body=body, gzipped=True)
    return status, answer


def _render(store: object, job: DocumentJob, documents: Documents) -> tuple[str, object]:
    from citykg.serve.remote import RemoteStoreError

    try:
        return "ok", Answer(documents.render(store, job), "document", 0, False)
    except DocumentMissing:
        return "missing", "nothing is published there"
    except RemoteStoreError as exc:
        return "unavailable", f"the store is not available: {exc}"
    except (OSError, ValueError, RuntimeError, TypeError) as exc:
        LOG.exception("rendering %s failed", job.iri)
        return "failed", f"the document could not be rendered: {exc}"


def _answer(store: object, job: Job) -> tuple[str, object]:
    import pyoxigraph as ox

    from citykg.contract.formats import BY_NAME
    from citykg.serve import results
    from citykg.serve.negotiation import serialize_graph
    from citykg.serve.remote import RemoteStoreError

    try:
        result = store.query(job.query, job.default_graphs, job.named_graphs)
        syntax = BY_NAME[job.results_format].results
        if isinstance(result, ox.QueryBoolean):
            body = results.write_boolean(syntax, bool(result))
            return "ok", Answer(body, "results", 1, False)
        if isinstance(result, ox.QuerySolutions):
            body, rows, truncated = results.write_solutions(result, syntax, job.cap)
            return "ok", Answer(body, "results", rows, truncated)
        triples, truncated = results.capped(result, job.cap)
        body = serialize_graph(triples, BY_NAME[job.graph_format])
        if truncated and BY_NAME[job.graph_format].name in ("turtle", "ntriples", "nquads", "trig"):
            body += f"# citykg: result truncated at {job.cap} triples\n".encode()
        return "ok", Answer(body, "graph", len(triples), truncated)
    except SyntaxError as exc:
        return "error", f"SPARQL syntax error: {exc}"
    except RemoteStoreError as exc:
        return "unavailable", f"the store is not available: {exc}"
    except (OSError, ValueError, RuntimeError, TypeError) as exc:
        return "error", f"query evaluation failed: {exc}"
