"""``citykg explain PROFILE``: each line of a profile with what became of it."""

from __future__ import annotations

import argparse
import sys

from citykg.builder.assemble import import_file
from citykg.builder.importer.explain import explain
from citykg.contract.findings import count_errors
from citykg.contract.project import Project


def run_explain(args: argparse.Namespace) -> int:
    """``citykg explain PROFILE``: each source line with the triples it gave, the text it was
    kept as, its layout role or the finding that says why it was not recorded."""
    project = Project.at(args.project, args.var_dir)
    if not args.profile.is_file():
        print(f"citykg: {args.profile}: no such file", file=sys.stderr)
        return 1
    result = import_file(project, args.profile)
    sys.stdout.write(explain(result))
    return 1 if count_errors(result.findings) else 0
