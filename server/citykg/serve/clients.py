"""Who a request counts for under the fair share (:mod:`citykg.serve.fair_share`), and the
admission of the work it asks for: SPARQL queries and searches."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from flask import current_app, request

from citykg.serve.errors import HttpError
from citykg.serve.fair_share import LimitReached
from citykg.serve.proxies import client_of
from citykg.serve.services import services


def requester() -> str:
    """The client the current request counts for (its address, or the forwarded one behind a
    trusted proxy)."""
    return client_of(
        request.remote_addr,
        request.headers.get("X-Forwarded-For"),
        current_app.config["CITYKG_TRUSTED_PROXIES"],
    )


@contextlib.contextmanager
def admitted() -> Iterator[None]:
    """Run the body as one piece of work of this request's client; HttpError 429 with
    Retry-After, counted in the metrics, when the client is over its share."""
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(services().fair_share.admit(requester()))
        except LimitReached as exc:
            services().metrics.count("rejected", f"client-{exc.reason}")
            raise HttpError(429, str(exc), {"Retry-After": str(exc.retry_after)}) from None
        yield
