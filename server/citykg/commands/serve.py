"""``citykg serve``: serve the release with Granian: its main process holds the socket and starts
one web process (citykg.serve.web_process)."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from citykg.commands.build import build_release
from citykg.contract.project import Project

HTTP_BUFFER_BYTES = 128 * 1024  # request line + headers; larger requests are refused by Granian


def run_serve(args: argparse.Namespace) -> int:
    """``citykg serve``: build a release if there is none, then serve it."""
    # imported here: the other commands never load the serve wing
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    from citykg.serve import config
    from citykg.serve.store import ReleaseInfo

    project = Project.at(args.project, args.var_dir)
    if not project.release.exists():
        print("citykg: no release yet; building one first", file=sys.stderr)
        status = build_release(project, quiet=True, synthetic=False)
        if status:
            return status
    os.environ.update(
        CITYKG_PROJECT=str(project.root),
        CITYKG_RELEASE=str(project.release),
        CITYKG_STORE_DIR=str(project.stores),
    )
    try:
        config.load()
    except ValueError as exc:
        print(f"citykg: {exc}", file=sys.stderr)
        return 2
    release = ReleaseInfo.read(project.release)
    print(f"citykg: serving release {release.id} at http://{args.host}:{args.port}/", flush=True)
    server = Granian(
        "citykg.serve.web_process:app",
        address=args.host,
        port=args.port,
        interface=Interfaces.WSGI,
        factory=True,
        blocking_threads=args.threads,
        websockets=False,
        http1_settings=HTTP1Settings(max_buffer_size=HTTP_BUFFER_BYTES),
    )
    # The web process's threads mostly wait for query workers, so more threads than cores is
    # intended; Granian's advice against it is left out of the log.
    logging.getLogger("_granian").addFilter(_NotThreadAdvice())
    server.serve()
    return 0


class _NotThreadAdvice(logging.Filter):
    """Drops Granian's warning about more threads than cores; keeps everything else."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Python threads" not in record.getMessage()
