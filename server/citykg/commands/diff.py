"""``citykg diff R1 R2``: what changed from one release to another, per named graph."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from citykg.builder.changes import (
    changed_graphs,
    diff_lines,
    release_id,
    write_changes_file,
    write_trig,
)
from citykg.contract import layout
from citykg.contract.project import Project


def run_diff(args: argparse.Namespace) -> int:
    """``citykg diff R1 R2``: a line ``+N -M GRAPH`` per changed graph and a total; with
    ``--trig FILE`` the changes as TriG (gzipped when FILE ends in ``.gz``; ``-``: on standard
    output, the lines then on standard error). Exits 0 with or without differences, 2 when a
    release is not found or not sorted or FILE cannot be written, 1 when reading fails."""
    project = Project.at(args.project, args.var_dir)
    try:
        old, new = find_release(project, args.old), find_release(project, args.new)
    except LookupError as exc:
        print(f"citykg: {exc.args[0]}", file=sys.stderr)
        return 2
    report = sys.stderr if args.trig == "-" else sys.stdout
    with tempfile.TemporaryDirectory(prefix="citykg-diff-") as scratch:
        diff = Path(scratch) / "changes"
        try:
            diff_lines(old / layout.NQUADS_FILE, new / layout.NQUADS_FILE, diff)
        except ValueError as exc:
            print(f"citykg: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:  # a release unreadable, no room for the scratch file
            print(f"citykg: could not compare ({exc.strerror or exc})", file=sys.stderr)
            return 1
        old_id, new_id = release_id(old), release_id(new)
        _print_changes(diff, old_id, new_id, report)
        if args.trig:
            try:
                _write_trig(diff, args.trig, old_id, new_id)
            except OSError as exc:
                print(f"citykg: cannot write {args.trig} ({exc.strerror or exc})", file=sys.stderr)
                return 2
    return 0


def find_release(project: Project, name: str) -> Path:
    """The release directory ``name`` names: a directory with a ``citykg.nq``, or the id of a
    release of the project. LookupError saying what was not found."""
    for candidate in (Path(name), project.releases / name):
        if (candidate / layout.NQUADS_FILE).is_file():
            return candidate
    raise LookupError(
        f"no release {name!r}: neither a release directory nor the id of a release under "
        f"{project.releases}"
    )


def _print_changes(diff: Path, old_id: str, new_id: str, out: TextIO) -> None:
    graphs = added = removed = 0
    for change in changed_graphs(diff):
        print(f"+{change.added} -{change.removed} {change.graph}", file=out)
        graphs, added, removed = graphs + 1, added + change.added, removed + change.removed
    noun = "graph" if graphs == 1 else "graphs"
    print(f"{graphs} {noun} changed from {old_id} to {new_id}: +{added} -{removed}", file=out)


def _write_trig(diff: Path, name: str, old_id: str, new_id: str) -> None:
    """The TriG on standard output for ``-``; else into the file, gzipped as a release's changes
    file is (the same bytes) when its name ends in ``.gz``."""
    if name == "-":
        write_trig(diff, sys.stdout.buffer, old_id, new_id)
        sys.stdout.buffer.flush()
    elif name.endswith(".gz"):
        write_changes_file(diff, Path(name), old_id, new_id)
    else:
        with open(name, "wb") as out:
            write_trig(diff, out, old_id, new_id)
