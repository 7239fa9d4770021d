"""``citykg prune --keep N``: retire old releases."""

from __future__ import annotations

import argparse
import sys

from citykg.builder.release_dirs import prune_releases
from citykg.contract.project import Project


def run_prune(args: argparse.Namespace) -> int:
    """Keep the ``--keep`` newest releases (and always the current one); remove the others and
    their on-disk stores."""
    if args.keep < 1:
        print("citykg: --keep must be at least 1", file=sys.stderr)
        return 2
    project = Project.at(args.project, args.var_dir)
    if not project.releases.exists():
        print(f"citykg: no releases under {project.releases}", file=sys.stderr)
        return 2
    removed = prune_releases(project.var_dir, project.stores, args.keep)
    for release in removed:
        print(f"removed {release}")
    print(f"{len(removed)} release(s) removed; the {args.keep} newest kept")
    return 0
