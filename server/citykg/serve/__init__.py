"""The serve wing: a Flask app publishing one release. Never imports the build wing.

``create_app()`` (:mod:`citykg.serve.application`) builds the app; ``citykg.serve:create_app()``
is what a WSGI server is given. This package itself imports nothing: the query worker
processes (:mod:`citykg.serve.engine.process`) load only the modules they use, without Flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """The citykg web app for the release named by the settings."""
    from citykg.serve.application import create_app as application

    return application(overrides)
