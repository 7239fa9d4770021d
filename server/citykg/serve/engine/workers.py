"""A pool of query worker processes that can be stopped.

A running pyoxigraph query cannot be interrupted from Python (it ignores signals; a thread cannot
be killed), so every job runs in one of a small pool of worker processes (:mod:`.process`). The
web process waits for the answer up to the job's wall-clock limit; past it the worker is killed
(which really stops the work and frees its core) and a fresh one takes its place. A job still
running after ``NICE_AFTER_S`` has its worker reniced to the lowest CPU priority, so short queries
keep their normal latency while a long one runs; its priority is restored afterwards (where that
is not allowed, the worker is retired). Idle workers are taken last-in first-out: under light load
the same warm worker (its CPU caches holding the hot part of the store) answers one job after
another.

A release small enough to hold in memory is loaded once, by a zygote process; until it has,
the workers answer from the disk store. From then on every worker, the ones in place of the
disk workers and of killed ones, is forked by the zygote and shares its one copy of the release
(see :mod:`.process`).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import select
import subprocess
import threading
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path

from citykg.serve import allocator
from citykg.serve.engine.base import (
    Answer,
    DocumentJob,
    EngineBusy,
    EngineError,
    EngineUnavailable,
    QueryJob,
    QueryTimeout,
)
from citykg.serve.engine.process import READY, STATUS, WORKER, ZYGOTE, command
from citykg.serve.engine.zygote import SPAWN_TIMEOUT_S, Forked, Zygote

NICE_AFTER_S = 1.0
REPLACE_ATTEMPTS = 5
STATUS_TIMEOUT_S = 5.0
LOG = logging.getLogger("citykg.engine")


class WorkerPool:
    """``size`` worker processes over the on-disk store at ``store_path``. With ``in_memory`` a
    zygote loads ``release`` into memory and forks every worker: with ``load_first`` the pool
    waits for it (a small release, loaded in about a second); otherwise disk workers answer
    meanwhile and are replaced as they come back idle once it is loaded. Processes start with
    the malloc library ``preload`` preloaded (None: the system's)."""

    def __init__(
        self,
        store_path: Path,
        size: int,
        release: Path,
        in_memory: bool,
        load_first: bool,
        preload: str | None,
    ) -> None:
        self._paths = (store_path, release)
        self._environment = allocator.environment(preload)
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self.closed = False  # once closed, no worker is started or kept
        self.size = size
        self._zygote = Zygote(*self._spawn(ZYGOTE)) if in_memory else None
        if self._zygote is not None and load_first and not self._zygote.wait_loaded():
            LOG.warning("the release could not be loaded into memory; queries stay on disk")
        starting = [self._start() for _ in range(size)]
        for process, conn in starting:
            self._idle.put(self._ready(process, conn))
        if self._zygote is not None and not load_first:
            threading.Thread(target=self._move_to_memory, daemon=True).start()

    def run(self, job: QueryJob | DocumentJob, timeout_s: float, wait_s: float) -> Answer:
        """Answer ``job`` within ``timeout_s`` seconds, waiting at most ``wait_s`` for a free
        worker (else EngineBusy), or raise the EngineError that stopped it."""
        try:
            worker = self._idle.get(timeout=wait_s)
        except queue.Empty:
            raise EngineBusy("all query workers are busy; try again shortly") from None
        keep = False
        try:
            outcome = worker.ask(job, timeout_s)
            keep = worker.restore_priority() and not (
                worker.dead or worker.outgrown or self._stale(worker)
            )
        finally:
            if keep and not self.closed:
                self._idle.put(worker)
                if self.closed:  # closed meanwhile: stop what is idle now
                    self.close()
            else:
                self._retire(worker)
        if isinstance(outcome, EngineError):
            raise outcome
        return outcome

    def status(self) -> tuple[dict[str, int], dict[str, int]]:
        """How many idle workers answer from memory and from disk (and how many are busy: those
        are not asked), and how many run with each memory allocator."""
        idle: list[_Worker] = []
        with contextlib.suppress(queue.Empty):
            while True:
                idle.append(self._idle.get_nowait())
        stores, allocators = Counter({"busy": self.size - len(idle)}), Counter()
        for worker in idle:
            try:
                location, malloc = worker.ask(STATUS, STATUS_TIMEOUT_S)
            except EngineError:
                stores["busy"] += 1
                self._retire(worker)
            else:
                stores[location] += 1
                allocators[malloc] += 1
                self._idle.put(worker)
        return dict(stores), dict(allocators)

    def close(self) -> None:
        """Stop every idle worker; a busy one stops when its job ends, and none is started."""
        self.closed = True
        if self._zygote is not None:
            self._zygote.close()
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return

    def _move_to_memory(self) -> None:
        """Once the zygote has the release in memory, put workers it forks in place of the idle
        disk workers (a busy one is replaced when its job ends)."""
        if not self._zygote or not self._zygote.wait_loaded():
            if not self.closed:
                LOG.warning("the release could not be loaded into memory; queries stay on disk")
            return
        idle: list[_Worker] = []
        with contextlib.suppress(queue.Empty):
            while True:
                idle.append(self._idle.get_nowait())
        for worker in idle:
            if self._stale(worker) or self.closed:
                self._retire(worker)
            else:
                self._idle.put(worker)

    def _stale(self, worker: _Worker) -> bool:
        """Whether ``worker`` reads the disk store while the zygote could fork one in memory."""
        return worker.on_disk and self._zygote is not None and self._zygote.loaded

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in its place (unless the pool is closed)."""
        worker.kill()
        if not self.closed:
            threading.Thread(target=self._replace, daemon=True).start()

    def _replace(self) -> None:
        """Start a worker in place of a killed one, retrying a few times if it fails to start."""
        for attempt in range(REPLACE_ATTEMPTS):
            try:
                worker = self._ready(*self._start())
            except (RuntimeError, OSError):
                time.sleep(2**attempt)
                continue
            self._idle.put(worker)
            if self.closed:  # closed while it started: stop what is idle now
                self.close()
            return
        LOG.error("could not replace a query worker; the pool is one worker smaller")

    def _start(self) -> tuple[subprocess.Popen | Forked, Connection]:
        """A worker forked by the zygote once it has the release in memory, else one on disk."""
        if self._zygote is not None and self._zygote.loaded:
            with contextlib.suppress(RuntimeError):
                return self._zygote.fork()
        return self._spawn(WORKER)

    def _spawn(self, kind: str) -> tuple[subprocess.Popen, Connection]:
        """A fresh process of ``kind`` (see :func:`.process.command`) and its end of the pipe."""
        parent, child = multiprocessing.Pipe()
        try:
            process = subprocess.Popen(
                command(kind, child.fileno(), *self._paths),
                stdin=subprocess.DEVNULL,
                pass_fds=(child.fileno(),),
                env=self._environment,
            )
        except OSError:
            parent.close()
            raise
        finally:
            child.close()
        return process, parent

    @staticmethod
    def _ready(process: subprocess.Popen | Forked, conn: Connection) -> _Worker:
        try:
            started = conn.poll(SPAWN_TIMEOUT_S) and conn.recv() == READY
        except (EOFError, OSError):  # it exited before saying it was ready
            started = False
        if not started:
            process.kill()
            process.wait()
            conn.close()
            raise RuntimeError("a query worker did not start")
        return _Worker(process, conn)


class _Worker:
    def __init__(self, process: subprocess.Popen | Forked, conn: Connection) -> None:
        self.process, self.conn, self.reniced, self.dead = process, conn, False, False
        self.on_disk = isinstance(process, subprocess.Popen)
        self.outgrown = False  # it has made too much of a shared store its own: replace it
        self._answered = select.poll()  # one poll object per pipe, not a selector per wait
        self._answered.register(conn.fileno(), select.POLLIN)

    def ask(self, job: QueryJob | DocumentJob | str, timeout_s: float) -> object:
        """What the worker answers to ``job``; QueryTimeout or EngineUnavailable."""
        start = time.monotonic()
        try:
            self.conn.send(job)
            if not self._wait(min(timeout_s, NICE_AFTER_S)):
                self._renice()
                if not self._wait(max(0.0, timeout_s - (time.monotonic() - start))):
                    raise QueryTimeout(
                        f"the query ran longer than its {timeout_s:g} s limit and was stopped"
                    )
            answer, self.outgrown = self.conn.recv()
            return answer
        except (EOFError, OSError, BrokenPipeError):
            self.dead = True
            raise EngineUnavailable("the query worker stopped unexpectedly; try again") from None

    def _wait(self, seconds: float) -> bool:
        """Whether the worker answered (or its pipe closed) within ``seconds``."""
        return bool(self._answered.poll(seconds * 1000))

    def _renice(self) -> None:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, self.process.pid, 19)
        self.reniced = True

    def restore_priority(self) -> bool:
        """Back to normal priority after a long job; False when not allowed (then retire it)."""
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
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.conn.close()
