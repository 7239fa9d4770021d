"""``citykg publish``: put the current release into a remote SPARQL store."""

from __future__ import annotations

import argparse
import sys

from citykg.contract.project import Project


def run_publish(args: argparse.Namespace) -> int:
    """``citykg publish``: put the current release into a remote store: its default graph, its
    named graphs and the provenance graphs of its source lines (see citykg.serve.publishing)."""
    # imported here: the other commands never load the serve wing
    from citykg.serve.publishing import publish
    from citykg.serve.store_http import RemoteStoreError

    project = Project.at(args.project, args.var_dir)
    if not project.release.exists():
        print("citykg: no release to publish; run `citykg build` first", file=sys.stderr)
        return 1
    try:
        sent = publish(project.release.resolve(), args.graph_store, replace=args.replace)
    except RemoteStoreError as exc:
        print(f"citykg: {exc}", file=sys.stderr)
        return 1
    print(
        f"published the default graph, {sent.graphs} graphs and {sent.line_quads} quads of "
        f"source-line graphs ({sent.line_requests} requests) of release "
        f"{project.release.resolve().name} to {args.graph_store}"
    )
    return 0
