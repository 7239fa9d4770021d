"""``citykg synth N DIR``: a project of synthetic profiles for scale tests."""

from __future__ import annotations

import argparse
import sys

from citykg.builder.synthetic import write_project
from citykg.contract.project import Project


def run_synth(args: argparse.Namespace) -> int:
    """``citykg synth N DIR``: a synthetic project, to build with ``citykg build --synthetic``."""
    if args.count < 1:
        print("citykg: count must be at least 1", file=sys.stderr)
        return 2
    project = write_project(args.directory, args.count, Project.at(args.project), args.seed)
    print(
        f"wrote {args.count} synthetic profiles to {project.profiles_dir}; build them with "
        f"`citykg build --synthetic --project {project.root}`"
    )
    return 0
