"""The embedded engine: the release's Oxigraph store on disk, answered by worker processes.

Queries, documents and pages run in the worker pool (:mod:`.workers`), so that they run on every
core under the same time limit and can be stopped. A document waits at most DOCUMENT_WAIT_S for a
free worker and then renders in this process (pages stay up while long queries hold every
worker). A release up to ``CITYKG_MEMORY_STORE_MAX_MB`` is loaded into memory meanwhile, by each
worker and by this process for what it reads itself; Triple Pattern Fragments stay on the disk
store, whose order is the same in every process serving the release.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Container, Iterator
from pathlib import Path
from typing import TypeVar

import jinja2
import pyoxigraph as ox

from citykg.contract.layout import NQUADS_FILE
from citykg.serve import allocator
from citykg.serve.documents import Documents
from citykg.serve.engine.base import (
    Answer,
    DocumentJob,
    Engine,
    EngineBusy,
    EngineStatus,
    QueryJob,
)
from citykg.serve.engine.execute import run_here
from citykg.serve.engine.process import memory_lock
from citykg.serve.engine.workers import WorkerPool
from citykg.serve.store import EmbeddedStore, GraphNames, ReleaseInfo, Store, load_in_memory

T = TypeVar("T")
DOCUMENT_WAIT_S = 0.5  # a page waits this long for a free worker, then renders in this process
LOG = logging.getLogger("citykg.engine")


class EmbeddedEngine(Engine):
    """The store of ``release`` under ``store_dir`` (loaded there first if need be), answered by
    ``workers`` worker processes; a job waits at most ``queue_wait_s`` for a free one."""

    def __init__(
        self,
        release: ReleaseInfo,
        env: jinja2.Environment,
        *,
        store_dir: Path,
        workers: int,
        queue_wait_s: float,
        memory_max_mb: float,
        malloc: str,
        answer_cache: int,
        document_cache: int,
    ) -> None:
        super().__init__(answer_cache, document_cache)
        self._disk = EmbeddedStore.for_release(release, store_dir)
        self._local: Store = self._disk
        self._graphs = GraphNames(self._disk)
        self._queue_wait_s = queue_wait_s
        self._release = release
        self.documents = Documents(release, env)
        in_memory = (release.path / NQUADS_FILE).stat().st_size <= memory_max_mb * 2**20
        preload = allocator.library(malloc)
        if preload is None and malloc == allocator.AUTO:
            LOG.warning(allocator.ADVICE)
        self.pool = WorkerPool(self._disk.path, workers, release.path, in_memory, preload)
        if in_memory:
            threading.Thread(target=self.move_to_memory, daemon=True).start()

    def move_to_memory(self) -> None:
        """Load the release into memory and read pages from there (on failure: stay on disk)."""
        memory = load_in_memory(self._release.path, memory_lock(self._disk.path))
        if memory is not None and not self.pool.closed:
            self._local = memory
            if self.pool.closed:  # closed meanwhile: let the copy go
                self._local = self._disk

    def _run(self, job: QueryJob, timeout_s: float) -> Answer:
        return self.pool.run(job, timeout_s, self._queue_wait_s)

    def _render(self, job: DocumentJob, timeout_s: float) -> Answer:
        try:
            return self.pool.run(job, timeout_s, min(self._queue_wait_s, DOCUMENT_WAIT_S))
        except EngineBusy:
            return run_here(self._local, job, self.documents)

    def triples(
        self, subject: str | None, predicate: str | None, obj: ox.NamedNode | ox.Literal | None
    ) -> Iterator[ox.Triple]:
        """See :meth:`Engine.triples`: from the disk store, never the in-memory copy."""
        return self._disk.triples(subject, predicate, obj)

    def graph_names(self) -> Container[str]:
        """See :meth:`Engine.graph_names`."""
        return self._graphs

    def read(self, data: Callable[[Store], T]) -> T:
        """See :meth:`Engine.read`."""
        return data(self._local)

    def status(self) -> EngineStatus:
        """See :meth:`Engine.status`."""
        store = self._local
        try:
            ok = bool(store.query("ASK {}"))
        except OSError:
            ok = False
        workers, allocators = self.pool.status()
        return EngineStatus(ok, store.location, workers, allocators)

    def close(self) -> None:
        """Stop the workers (a busy one when its job ends) and let go of the in-memory copy
        and the caches."""
        self.pool.close()
        self._local = self._disk
        self.clear_caches()
