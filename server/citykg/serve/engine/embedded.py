"""The embedded engine: the release's Oxigraph store on disk, answered by worker processes.

Queries, documents and pages run in the worker pool (:mod:`.workers`), so that they run on every
core under the same time limit and can be stopped. A release up to ``CITYKG_MEMORY_STORE_MAX_MB``
is loaded into memory once, by the pool's zygote, whose workers share that copy. This process
reads the disk store: for what it reads itself (a few lookups, Triple Pattern Fragments, whose
order is the disk store's), and for a document that found no free worker within
DOCUMENT_WAIT_S (pages stay up while long queries hold every worker).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Container
from pathlib import Path
from typing import TypeVar

import jinja2

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
from citykg.serve.engine.workers import WorkerPool
from citykg.serve.store import EmbeddedStore, GraphNames, ReleaseInfo, Store

T = TypeVar("T")
DOCUMENT_WAIT_S = 0.5  # a page waits this long for a free worker, then renders in this process
# A release up to this size (N-Quads) is loaded into memory, in about a second, before the
# workers start; a larger one is answered from disk while it loads.
LOAD_FIRST_BYTES = 32 * 2**20
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
        self._graphs = GraphNames(self._disk)
        self._queue_wait_s = queue_wait_s
        self.documents = Documents(release, env)
        size = (release.path / NQUADS_FILE).stat().st_size
        # the zygote's forked workers are signalled through pidfds (Linux)
        in_memory = size <= memory_max_mb * 2**20 and hasattr(os, "pidfd_open")
        preload = allocator.library(malloc)
        if preload is None and malloc == allocator.AUTO:
            LOG.warning(allocator.ADVICE)
        self.pool = WorkerPool(
            self._disk.path, workers, release.path, in_memory, size <= LOAD_FIRST_BYTES, preload
        )

    def _run(self, job: QueryJob, timeout_s: float) -> Answer:
        return self.pool.run(job, timeout_s, self._queue_wait_s)

    def _render(self, job: DocumentJob, timeout_s: float) -> Answer:
        try:
            return self.pool.run(job, timeout_s, min(self._queue_wait_s, DOCUMENT_WAIT_S))
        except EngineBusy:
            return run_here(self._disk, job, self.documents)

    def graph_names(self) -> Container[str]:
        """See :meth:`Engine.graph_names`."""
        return self._graphs

    def read(self, data: Callable[[Store], T]) -> T:
        """See :meth:`Engine.read`."""
        return data(self._disk)

    def status(self) -> EngineStatus:
        """See :meth:`Engine.status`."""
        store = self._disk
        try:
            ok = bool(store.query("ASK {}"))
        except OSError:
            ok = False
        workers, allocators = self.pool.status()
        return EngineStatus(ok, store.location, workers, allocators)

    def close(self) -> None:
        """Stop the workers (a busy one when its job ends) and let go of the caches."""
        self.pool.close()
        self.clear_caches()
