"""The remote engine: a SPARQL 1.1 store over HTTP (``CITYKG_STORE_URL``).

Each query is one HTTP exchange ended by the query's time limit (the whole exchange, the body
included), its answer streamed through the row cap and ``CITYKG_STORE_MAX_BYTES`` as it arrives
(:mod:`citykg.serve.remote_store`). A document's queries share its time limit. The remote store
keeps computing a query the client gave up on unless it has a time limit of its own: set one
there (Fuseki ``arq:queryTimeout``, Virtuoso ``MaxQueryExecutionTime``, QLever ``timeout``,
Oxigraph server ``--timeout-s``). Documents render in this process, from the store's answers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Container
from typing import TypeVar

import jinja2

from citykg.serve.documents import Documents
from citykg.serve.engine.base import (
    Answer,
    DocumentJob,
    Engine,
    EngineError,
    EngineStatus,
    QueryJob,
)
from citykg.serve.engine.execute import finish, run_here, serialise, store_error
from citykg.serve.pages.profile import vocabulary
from citykg.serve.remote_store import RemoteStore, virtuoso_dataset
from citykg.serve.store import GraphNames, ReleaseInfo, Store
from citykg.serve.store_http import RemoteStoreError

T = TypeVar("T")


class RemoteEngine(Engine):
    """The store whose query endpoint is ``query_url`` (``union_parameter``: see
    :mod:`citykg.serve.remote_store`), holding ``release``."""

    def __init__(
        self,
        release: ReleaseInfo,
        env: jinja2.Environment,
        *,
        query_url: str,
        union_parameter: str | None,
        max_bytes: int,
        dialect: str,
        answer_cache: int,
        document_cache: int,
    ) -> None:
        super().__init__(answer_cache, document_cache)
        self._store = RemoteStore(query_url, union_parameter, None, max_bytes, dialect)
        if dialect == "virtuoso":
            self._store.dataset = virtuoso_dataset(self._store)
        self._graphs = GraphNames(self._store)
        self.documents = Documents(release, env, vocabulary(self._store))

    def _bounded(self, timeout_s: float) -> RemoteStore:
        """The store with every exchange ending ``timeout_s`` seconds from now."""
        return self._store.until(time.monotonic() + timeout_s)

    def _run(self, job: QueryJob, timeout_s: float) -> Answer:
        outcome = finish(_streamed_answer(self._bounded(timeout_s), job), job)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def _render(self, job: DocumentJob, timeout_s: float) -> Answer:
        return run_here(self._bounded(timeout_s), job, self.documents)

    def graph_names(self) -> Container[str]:
        """See :meth:`Engine.graph_names`."""
        return self._graphs

    def read(self, data: Callable[[Store], T]) -> T:
        """See :meth:`Engine.read`."""
        return data(self._store)

    def status(self) -> EngineStatus:
        """See :meth:`Engine.status`: no local workers; the remote store answers."""
        try:
            ok = bool(self._store.query("ASK {}"))
        except OSError:
            ok = False
        return EngineStatus(ok, self._store.location, {}, {})

    def close(self) -> None:
        """Nothing to stop."""


def _streamed_answer(store: RemoteStore, job: QueryJob) -> Answer | EngineError:
    """The answer serialised while the store's answer streams in (returned, never raised: the
    parsed result must not outlive this call in a traceback, being bound to this thread)."""
    try:
        with store.streamed(job.query, job.default_graphs, job.named_graphs) as result:
            return serialise(result, job)
    except RemoteStoreError as exc:
        return store_error(exc)
