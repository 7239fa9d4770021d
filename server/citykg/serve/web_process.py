"""The web process ``citykg serve`` runs under Granian (a Rust HTTP server; the app runs in its
WSGI worker process): logging set up there, and the process stopping with the server.

Granian starts this process and imports :func:`app` from it; settings reach it through the
``CITYKG_*`` environment (see config.py), set by the command line.
"""

from __future__ import annotations

import logging
import os
import threading

from flask import Flask

from citykg.serve import create_app
from citykg.serve.executor import exit_with_parent


def app() -> Flask:
    """The citykg app of this web process, with access log lines going to standard error."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    return create_app()
