"""The web process ``citykg serve`` runs under Granian (a Rust HTTP server; the app runs in its
WSGI worker process): logging set up there, and the process stopping with the server.

Granian starts this process and imports :func:`app` from it; settings reach it through the
``CITYKG_*`` environment (see config.py), set by the command line.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

from flask import Flask

from citykg.serve.application import create_app
from citykg.serve.engine.process import exit_with_parent


def app() -> Flask:
    """The citykg app of this web process, with access log lines going to standard error.

    When the app cannot start (no store to reach, a disk error, a query worker that does not
    start) this says why in one line and exits; Granian then stops with status 1.
    """
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    try:
        return create_app()
    except (OSError, RuntimeError) as exc:
        print(f"citykg: cannot serve: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(1) from None
