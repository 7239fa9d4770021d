"""What the app serves with, attached once: the release, the engine, the metrics, the fair
share of each client.

Settings stay in ``app.config``; the live objects live on one :class:`Services` in
``app.extensions``, reached through :func:`services` (as the Flask tutorial reaches its database
through ``get_db()``). Nothing here is replaced while the app runs: the engine moves its own
store into memory.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from citykg.serve.engine.base import Engine
from citykg.serve.fair_share import FairShare
from citykg.serve.metrics import Metrics
from citykg.serve.store import ReleaseInfo

KEY = "citykg"


@dataclass(frozen=True)
class Services:
    """The release served, the engine answering for it, the process's metrics and the limits
    of each client."""

    release: ReleaseInfo
    engine: Engine
    metrics: Metrics
    fair_share: FairShare


def attach(app: Flask, attached: Services) -> None:
    """Give ``app`` its services."""
    app.extensions[KEY] = attached


def services(app: Flask | None = None) -> Services:
    """The services of ``app`` (default: the current app)."""
    return (app or current_app).extensions[KEY]
