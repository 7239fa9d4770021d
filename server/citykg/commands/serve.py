"""``citykg serve``: serve the release with Granian: its main process holds the socket and starts
one web process (citykg.serve.web_process)."""

from __future__ import annotations

import argparse
import logging
import os
import socket
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
    taken = _port_taken(args.host, args.port)
    if taken:
        print(
            f"citykg: cannot serve on {args.host}:{args.port}: something listens there already "
            f"({taken}); stop it or choose another --port",
            file=sys.stderr,
        )
        return 1
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


def _port_taken(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on alone (None: it can). Granian shares a port with
    any other listener that allows it (SO_REUSEPORT), which would split the requests between
    the two servers without a word; a plain bind fails while anything listens there."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is no listener
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


class _NotThreadAdvice(logging.Filter):
    """Drops Granian's warning about more threads than cores; keeps everything else."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Python threads" not in record.getMessage()
