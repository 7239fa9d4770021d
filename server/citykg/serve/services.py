"""What the app serves with, attached once: the editions (the releases served, each with its
engine), the metrics, the fair share of each client.

Settings stay in ``app.config``; the live objects live on one :class:`Services` in
``app.extensions``, reached through :func:`services` (as the Flask tutorial reaches its database
through ``get_db()``). ``release`` and ``engine`` are those of the edition the current request
is pinned to (:mod:`citykg.serve.editions`), else of the current edition.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from citykg.serve.editions import Edition, Editions
from citykg.serve.engine.base import Engine
from citykg.serve.fair_share import FairShare
from citykg.serve.metrics import Metrics
from citykg.serve.pinning import pinned
from citykg.serve.store import ReleaseInfo

KEY = "citykg"


@dataclass(frozen=True)
class Services:
    """The editions served, the process's metrics and the limits of each client."""

    editions: Editions
    metrics: Metrics
    fair_share: FairShare

    @property
    def edition(self) -> Edition:
        """The edition this request is answered from."""
        return pinned() or self.editions.current

    @property
    def release(self) -> ReleaseInfo:
        """The release this request is answered from."""
        return self.edition.release

    @property
    def engine(self) -> Engine:
        """The engine answering this request."""
        return self.edition.engine


def attach(app: Flask, attached: Services) -> None:
    """Give ``app`` its services."""
    app.extensions[KEY] = attached


def services(app: Flask | None = None) -> Services:
    """The services of ``app`` (default: the current app)."""
    return (app or current_app).extensions[KEY]
