"""The one interface views talk to for data: :class:`Engine`, its jobs, answers and errors.

Two engines implement it: the embedded one (pyoxigraph in killable worker processes,
:mod:`.embedded`) and a remote SPARQL 1.1 store over HTTP (:mod:`.remote`). Both keep the answers
and rendered documents of their release in an LRU cache. Errors are typed; which HTTP status each
one gets is decided in :mod:`citykg.serve.errors`, never here.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import TypeVar

from citykg.serve.cache import AnswerCache
from citykg.serve.store import Store

T = TypeVar("T")


class EngineError(Exception):
    """A job the engine could not answer; the message says why."""


class BadQuery(EngineError):
    """The query does not parse, or its evaluation failed."""


class NotFound(EngineError):
    """Nothing is published at the document's IRI."""


class QueryTimeout(EngineError):
    """The job ran past its time limit and was stopped."""


class EngineBusy(EngineError):
    """No worker was free in time."""


class EngineUnavailable(EngineError):
    """The store could not be reached, or the worker running the job stopped."""


class StoreFailure(EngineError):
    """The remote store refused the query, or answered something that cannot be read."""


class EngineFailure(EngineError):
    """A document could not be rendered (logged)."""


@dataclass(frozen=True)
class QueryJob:
    """One query to run: dataset, the formats to answer in for each result kind, the row cap,
    and whether to gzip the body. Hashable: the answer cache is keyed on it."""

    query: str
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    results_format: str
    graph_format: str
    cap: int
    gzip: bool = False


@dataclass(frozen=True)
class DocumentJob:
    """The document about ``iri`` (served at ``path``) in the format named ``format``, as seen
    from ``host_url`` (the dataset description names this deployment's endpoint and dumps)."""

    iri: str
    path: str
    format: str
    host_url: str
    gzip: bool = False


@dataclass(frozen=True)
class Answer:
    """A serialised answer: body, kind (``results``, ``graph`` or ``document``), rows sent,
    whether cut, whether the body is gzipped (done where the job ran, off the web process) and
    whether it came from the cache."""

    body: bytes
    kind: str
    rows: int
    truncated: bool
    gzipped: bool = False
    cached: bool = False


@dataclass(frozen=True)
class EngineStatus:
    """What /health reports: whether the store answers, where this process reads from
    (``memory``, ``disk``, ``remote``), and the idle workers by store and by allocator."""

    ok: bool
    store: str
    workers: dict[str, int]
    allocators: dict[str, int]


class Engine(ABC):
    """The query engine serving one release, with its answer and document caches."""

    def __init__(self, answer_cache: int, document_cache: int) -> None:
        self._answers = AnswerCache(answer_cache)
        self._rendered = AnswerCache(document_cache)

    def query(self, job: QueryJob, timeout_s: float) -> Answer:
        """The answer to ``job`` within ``timeout_s`` seconds (or cached), or an EngineError."""
        return self._cached(self._answers, job, self._run, timeout_s)

    def document(self, job: DocumentJob, timeout_s: float) -> Answer:
        """The rendered document of ``job`` (or cached); NotFound when nothing is published."""
        return self._cached(self._rendered, job, self._render, timeout_s)

    @staticmethod
    def _cached(
        cache: AnswerCache,
        job: QueryJob | DocumentJob,
        run: Callable[..., Answer],
        timeout_s: float,
    ) -> Answer:
        answer = cache.get(job)
        if answer is not None:
            return dataclasses.replace(answer, cached=True)
        answer = run(job, timeout_s)
        cache.put(job, answer, len(answer.body))
        return answer

    def clear_caches(self) -> None:
        """Forget every cached answer and document."""
        self._answers.clear()
        self._rendered.clear()

    @abstractmethod
    def _run(self, job: QueryJob, timeout_s: float) -> Answer: ...

    @abstractmethod
    def _render(self, job: DocumentJob, timeout_s: float) -> Answer: ...

    @abstractmethod
    def graph_names(self) -> Container[str]:
        """The names of the release's graphs, for ``in`` tests (each looked up when asked)."""

    @abstractmethod
    def read(self, data: Callable[[Store], T]) -> T:
        """``data`` read in this process from the release's on-disk store (embedded) or the
        remote store, whose order is the same in every process and replica serving the release:
        the index, the ontology's versions, graph sizes, Triple Pattern Fragments."""

    @abstractmethod
    def status(self) -> EngineStatus:
        """Whether the store answers, and where the engine reads from."""

    @abstractmethod
    def close(self) -> None:
        """Stop the engine's workers."""
