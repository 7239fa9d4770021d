"""The ``citykg`` command: ``build`` a release, ``validate`` profiles or RDF files."""

# The docstring above is the --help description. This module parses the command line and
# dispatches to citykg.commands, which does the work. A command's module is imported only when
# it runs: the query workers of ``citykg serve`` start by importing this script again, and must
# not load the build wing (rdflib, pyshacl) for nothing.

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from citykg import __version__
from citykg.contract.findings import InputError
from citykg.contract.iris import WIKIDATA_SPARQL


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``citykg`` command; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    command = importlib.import_module(f"citykg.commands.{args.command}")
    try:
        return getattr(command, f"run_{args.command}")(args)
    except InputError as exc:
        print(f"citykg: {exc.finding.format()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("citykg: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="citykg", description=__doc__)
    parser.add_argument("--version", action="version", version=f"citykg {__version__}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    build = sub.add_parser("build", help="import, validate and write a release")
    _project_options(build)
    build.add_argument(
        "-q", "--quiet", action="store_true", help="print only errors and the summary"
    )
    build.add_argument(
        "--synthetic",
        action="store_true",
        help="accept synthetic profiles (scale tests only; never for a release)",
    )
    build.set_defaults(command="build")

    serve = sub.add_parser("serve", help="serve the release: SPARQL endpoint, linked data, dumps")
    _project_options(serve)
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=5000, help="port to listen on (default: 5000)")
    serve.add_argument(
        "--threads", type=int, default=8, help="threads of the web process (default: 8)"
    )
    serve.set_defaults(command="serve")

    publish = sub.add_parser("publish", help="put the current release into a remote SPARQL store")
    _project_options(publish)
    publish.add_argument(
        "--graph-store",
        required=True,
        help="Graph Store Protocol URL of the store (e.g. http://host:7878/store)",
    )
    publish.add_argument(
        "--replace",
        action="store_true",
        help="replace the store's whole dataset, so that it holds this release only (the "
        "store must take a PUT of N-Quads at the graph-store URL as that: Oxigraph server does)",
    )
    publish.set_defaults(command="publish")

    prune = sub.add_parser("prune", help="remove all but the newest releases and their stores")
    _project_options(prune)
    prune.add_argument(
        "--keep", type=int, required=True, help="how many releases to keep (the current always)"
    )
    prune.set_defaults(command="prune")

    synth = sub.add_parser("synth", help="write a project of N synthetic profiles for scale tests")
    synth.add_argument("count", type=int, help="how many profiles")
    synth.add_argument("directory", type=Path, help="the new project directory")
    synth.add_argument("--project", type=Path, help="project whose vocabulary to copy (default: .)")
    synth.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    synth.set_defaults(command="synth")

    link = sub.add_parser("link", help="propose Wikidata QIDs for cities and countries without one")
    _project_options(link)
    link.add_argument(
        "--endpoint",
        default=WIKIDATA_SPARQL,
        help=f"SPARQL endpoint to ask (default: {WIKIDATA_SPARQL})",
    )
    link.add_argument(
        "--out", type=Path, help="review file to write (default: VAR_DIR/wikidata-proposals.csv)"
    )
    link.set_defaults(command="link")

    explain = sub.add_parser("explain", help="print each line of a profile with what became of it")
    _project_options(explain)
    explain.add_argument("profile", type=Path, help="the profile (.txt)")
    explain.set_defaults(command="explain")

    diff = sub.add_parser("diff", help="print what changed between two releases, per graph")
    _project_options(diff)
    diff.add_argument("old", metavar="R1", help="the earlier release: its id or its directory")
    diff.add_argument("new", metavar="R2", help="the later release: its id or its directory")
    diff.add_argument(
        "--trig",
        metavar="FILE",
        help="also write the changes as TriG (gzipped when FILE ends in .gz; - for stdout)",
    )
    diff.set_defaults(command="diff")

    validate = sub.add_parser("validate", help="validate profiles (.txt) or RDF files")
    _project_options(validate)
    validate.add_argument(
        "files",
        nargs="*",
        type=Path,
        help="profile .txt or RDF (.ttl .nt .nq .trig); default: every profile",
    )
    validate.add_argument(
        "--format",
        choices=("text", "turtle"),
        default="text",
        help="text: one line per finding; turtle: the SHACL report graph",
    )
    validate.set_defaults(command="validate")
    return parser


def _project_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project", type=Path, help="project directory (default: $CITYKG_PROJECT or .)"
    )
    parser.add_argument(
        "--var-dir", type=Path, help="where releases and stores go (default: PROJECT/var)"
    )
    parser.add_argument(
        "--build-dir",
        type=Path,
        dest="var_dir",
        action=_DeprecatedAlias,
        help="deprecated alias of --var-dir (removed in 0.3.0)",
    )


class _DeprecatedAlias(argparse.Action):
    """An old option name that still works, with a note on stderr naming the new one."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        print(f"citykg: {option_string} is deprecated; use --var-dir", file=sys.stderr)
        setattr(namespace, self.dest, values)
