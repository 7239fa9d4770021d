"""One job run against a store, in whichever process holds it: a query answered and serialised
(stopping at the row cap), or a document rendered; gzipped when the job asks. Failures come
back as typed :class:`~citykg.serve.engine.base.EngineError` values, so that a worker can send
them over its pipe."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator

import pyoxigraph as ox

from citykg.contract.formats import BY_NAME
from citykg.serve import results
from citykg.serve.documents import Documents
from citykg.serve.encoding import gzipped
from citykg.serve.engine.base import (
    Answer,
    BadQuery,
    DocumentJob,
    EngineError,
    EngineFailure,
    EngineUnavailable,
    NotFound,
    QueryJob,
    QueryTimeout,
    StoreFailure,
)
from citykg.serve.negotiation import serialize_graph
from citykg.serve.store import Store
from citykg.serve.store_http import (
    AnswerTooLarge,
    RemoteStoreError,
    StoreRejected,
    StoreTimeout,
    StoreUnreachable,
)

LOG = logging.getLogger("citykg.engine")
COMMENTED = ("turtle", "ntriples", "nquads", "trig")  # graph formats a truncation note fits in


def run_here(store: Store, job: QueryJob | DocumentJob, documents: Documents) -> Answer:
    """Answer ``job`` in this process (no time limit of its own), or raise its EngineError."""
    outcome = execute(store, job, documents)
    if isinstance(outcome, EngineError):
        raise outcome
    return outcome


def execute(
    store: Store, job: QueryJob | DocumentJob, documents: Documents
) -> Answer | EngineError:
    """The answer to ``job``, or the error that stopped it."""
    if isinstance(job, DocumentJob):
        return finish(_render(store, job, documents), job)
    return finish(_answer(store, job), job)


def finish(outcome: Answer | EngineError, job: QueryJob | DocumentJob) -> Answer | EngineError:
    """``outcome`` gzipped when it is an answer, the job asks, and gzip makes it smaller."""
    body = gzipped(outcome.body) if isinstance(outcome, Answer) and job.gzip else None
    if body is not None:
        return dataclasses.replace(outcome, body=body, gzipped=True)
    return outcome


def _render(store: Store, job: DocumentJob, documents: Documents) -> Answer | EngineError:
    try:
        return Answer(documents.render(store, job), "document", 0, False)
    except NotFound as exc:
        return exc
    except RemoteStoreError as exc:
        return store_error(exc)
    except (OSError, ValueError, RuntimeError, TypeError) as exc:
        LOG.exception("rendering %s failed", job.iri)
        return EngineFailure(f"the document could not be rendered: {exc}")


def _answer(store: Store, job: QueryJob) -> Answer | EngineError:
    try:
        result = store.query(job.query, job.default_graphs, job.named_graphs)
    except SyntaxError as exc:
        return BadQuery(f"SPARQL syntax error: {exc}")
    except RemoteStoreError as exc:
        return store_error(exc)
    except (OSError, ValueError, RuntimeError, TypeError) as exc:
        return BadQuery(f"query evaluation failed: {exc}")
    try:
        return serialise(result, job)
    except SyntaxError as exc:
        return BadQuery(f"query evaluation failed: {exc}")


def serialise(
    result: ox.QuerySolutions | ox.QueryBoolean | Iterator[ox.Triple], job: QueryJob
) -> Answer | EngineError:
    """``result`` written in the job's format, stopped at its row cap. A remote answer that
    stops at its byte limit (AnswerTooLarge) is cut there and flagged like the row cap."""
    cut_by = (AnswerTooLarge,)
    try:
        syntax = BY_NAME[job.results_format].results
        if isinstance(result, ox.QueryBoolean):
            return Answer(results.write_boolean(syntax, bool(result)), "results", 1, False)
        if isinstance(result, ox.QuerySolutions):
            body, rows, truncated = results.write_solutions(result, syntax, job.cap, cut_by)
            return Answer(body, "results", rows, truncated)
        triples, truncated = results.capped(result, job.cap, cut_by)
        body = serialize_graph(triples, BY_NAME[job.graph_format])
        if truncated and job.graph_format in COMMENTED:
            body += f"# citykg: result truncated at {len(triples)} triples\n".encode()
        return Answer(body, "graph", len(triples), truncated)
    except RemoteStoreError as exc:
        return store_error(exc)
    except (OSError, ValueError, RuntimeError, TypeError) as exc:
        return BadQuery(f"query evaluation failed: {exc}")


def store_error(exc: RemoteStoreError) -> EngineError:
    """The engine error a remote store's failure stands for."""
    if isinstance(exc, StoreTimeout):
        return QueryTimeout(str(exc))
    if isinstance(exc, StoreRejected):
        return BadQuery(str(exc))
    if isinstance(exc, StoreUnreachable):
        return EngineUnavailable(f"the store is not available: {exc}")
    return StoreFailure(str(exc))
