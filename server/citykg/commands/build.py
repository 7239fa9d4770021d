"""``citykg build``: import, validate and write a release."""

from __future__ import annotations

import argparse
import sys
import time

from citykg.builder.assemble import assemble
from citykg.builder.release import write_release
from citykg.commands.printing import print_findings, summary
from citykg.contract.findings import InputError
from citykg.contract.project import Project


def run_build(args: argparse.Namespace) -> int:
    """``citykg build``: write a release unless there are errors; never touch the last good one."""
    project = Project.at(args.project, args.var_dir)
    return build_release(project, quiet=args.quiet, synthetic=args.synthetic)


def build_release(project: Project, quiet: bool, synthetic: bool) -> int:
    """Build the project's release and make it current; the exit status."""
    previous = project.release.resolve() if project.release.exists() else None
    kept = (
        f"the last good release {previous} is still current"
        if previous
        else "no release was written"
    )
    started = time.monotonic()
    try:
        assembly = assemble(project, allow_synthetic=synthetic)
    except InputError as exc:
        print(f"citykg: {exc.finding.format()}\ncitykg: build stopped; {kept}", file=sys.stderr)
        return 1
    except OSError as exc:  # the profile graphs are written while they are assembled
        return _not_written(exc, kept)
    print_findings(assembly.findings, quiet=quiet)
    print(summary(len(assembly.profiles), assembly.findings))
    assembled = time.monotonic() - started
    if assembly.errors:
        assembly.discard()
        print(f"citykg: build stopped by {len(assembly.errors)} error(s); {kept}", file=sys.stderr)
        return 1
    try:
        release = write_release(assembly, project.var_dir)
    except OSError as exc:
        return _not_written(exc, kept)
    print(
        f"release: {release.path} ({release.quads} quads, {release.triples} triples), "
        f"now {project.release}"
    )
    steps = {"import + validate": assembled, **release.seconds}
    print("seconds: " + ", ".join(f"{step} {s:.1f}" for step, s in steps.items()))
    return 0


def _not_written(exc: OSError, kept: str) -> int:
    print(f"citykg: could not write the release ({exc.strerror or exc}); {kept}", file=sys.stderr)
    return 1
