"""The ``citykg`` command: ``build`` a release, ``validate`` profiles or RDF files."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections import Counter
from pathlib import Path

from rdflib import Graph

from citykg import __version__
from citykg.builder.assemble import assemble
from citykg.builder.linking import (
    WIKIDATA_SPARQL,
    EndpointError,
    places_in_profiles,
    proposals_csv,
    propose,
)
from citykg.builder.links import parse_links
from citykg.builder.rdf_input import RDF_SUFFIXES, InputError, read_rdf
from citykg.builder.release import write_release
from citykg.builder.validation import merge_reports, result_findings, validate_graph
from citykg.contract import layout
from citykg.contract.findings import Finding, Severity, count_errors
from citykg.contract.project import Project

HTTP_BUFFER_BYTES = 128 * 1024  # request line + headers; larger requests are refused by Granian


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``citykg`` command; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
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
    build.set_defaults(run=run_build)

    serve = sub.add_parser("serve", help="serve the release: SPARQL endpoint, linked data, dumps")
    _project_options(serve)
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=5000, help="port to listen on (default: 5000)")
    serve.add_argument(
        "--threads", type=int, default=8, help="threads of the web process (default: 8)"
    )
    serve.set_defaults(run=run_serve)

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
    publish.set_defaults(run=run_publish)

    synth = sub.add_parser("synth", help="write a project of N synthetic profiles for scale tests")
    synth.add_argument("count", type=int, help="how many profiles")
    synth.add_argument("directory", type=Path, help="the new project directory")
    synth.add_argument("--project", type=Path, help="project whose vocabulary to copy (default: .)")
    synth.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    synth.set_defaults(run=run_synth)

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
    link.set_defaults(run=run_link)

    explain = sub.add_parser("explain", help="print each line of a profile with what became of it")
    _project_options(explain)
    explain.add_argument("profile", type=Path, help="the profile (.txt)")
    explain.set_defaults(run=run_explain)

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
    validate.set_defaults(run=run_validate)
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


def run_build(args: argparse.Namespace) -> int:
    """``citykg build``: write a release unless there are errors; never touch the last good one."""
    project = Project.at(args.project, args.var_dir)
    previous = project.release.resolve() if project.release.exists() else None
    kept = (
        f"the last good release {previous} is still current"
        if previous
        else ("no release was written")
    )
    started = time.monotonic()
    try:
        assembly = assemble(project, allow_synthetic=args.synthetic)
    except InputError as exc:
        print(f"citykg: {exc.finding.format()}\ncitykg: build stopped; {kept}", file=sys.stderr)
        return 1
    except OSError as exc:  # the profile graphs are written while they are assembled
        return _not_written(exc, kept)
    _print_findings(assembly.findings, quiet=args.quiet)
    print(_summary(len(assembly.profiles), assembly.findings))
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


def run_serve(args: argparse.Namespace) -> int:
    """``citykg serve``: build a release if there is none, then serve it with Granian: its main
    process holds the socket and starts one web process (citykg.serve.web_process)."""
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    from citykg.serve import config
    from citykg.serve.store import ReleaseInfo

    project = Project.at(args.project, args.var_dir)
    if not project.release.exists():
        print("citykg: no release yet; building one first", file=sys.stderr)
        status = run_build(
            argparse.Namespace(
                project=args.project, var_dir=args.var_dir, quiet=True, synthetic=False
            )
        )
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


def run_publish(args: argparse.Namespace) -> int:
    """``citykg publish``: put the current release into a remote store: its default graph, its
    named graphs and the provenance graphs of its source lines (see citykg.serve.remote)."""
    from citykg.serve.remote import RemoteStoreError, publish

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


def run_synth(args: argparse.Namespace) -> int:
    """``citykg synth N DIR``: a synthetic project, to build with ``citykg build --synthetic``."""
    from citykg.builder.synthetic import write_project

    if args.count < 1:
        print("citykg: count must be at least 1", file=sys.stderr)
        return 2
    project = write_project(args.directory, args.count, Project.at(args.project), args.seed)
    print(
        f"wrote {args.count} synthetic profiles to {project.profiles_dir}; build them with "
        f"`citykg build --synthetic --project {project.root}`"
    )
    return 0


def run_link(args: argparse.Namespace) -> int:
    """``citykg link``: write proposals for review; never edit the link file itself."""
    project = Project.at(args.project, args.var_dir)
    links, _ = parse_links(
        project.links.read_text(encoding="utf-8"), project.relative(project.links)
    )
    places = places_in_profiles((project.relative(p), p.read_bytes()) for p in project.profiles())
    try:
        proposals = propose(places, links, args.endpoint)
    except EndpointError as exc:
        print(f"citykg: {exc}", file=sys.stderr)
        return 1
    out = args.out or project.var_dir / layout.PROPOSALS
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(proposals_csv(proposals), encoding="utf-8")
    for p in proposals:
        where = f" ({p.country})" if p.country else ""
        detail = p.wikidata or " ".join(c.rsplit("/", 1)[-1] for c in p.candidates)
        print(f"{p.kind} {p.name}{where}: {p.status}{': ' + detail if detail else ''}")
    counts = Counter(p.status for p in proposals)
    print(
        f"{counts['proposed']} proposed, {counts['ambiguous']} ambiguous (decide by hand), "
        f"{counts['not found']} not found; review {out} and copy accepted QIDs into "
        f"{project.relative(project.links)}"
    )
    return 0


def run_explain(args: argparse.Namespace) -> int:
    """``citykg explain PROFILE``: each source line with the triples it gave, the text it was
    kept as, its layout role or the finding that says why it was not recorded."""
    from citykg.builder.assemble import import_file
    from citykg.builder.importer.explain import explain

    project = Project.at(args.project, args.var_dir)
    if not args.profile.is_file():
        print(f"citykg: {args.profile}: no such file", file=sys.stderr)
        return 1
    result = import_file(project, args.profile)
    sys.stdout.write(explain(result))
    return 1 if count_errors(result.findings) else 0


def run_validate(args: argparse.Namespace) -> int:
    """``citykg validate``: report findings; exit 1 when anything is an error."""
    project = Project.at(args.project, args.var_dir)
    files = list(args.files)
    rdf_files = [f for f in files if f.suffix in RDF_SUFFIXES]
    profiles = [f for f in files if f.suffix not in RDF_SUFFIXES]
    for missing in (f for f in files if not f.is_file()):
        print(f"citykg: {missing}: no such file", file=sys.stderr)
        return 1
    for other in (f for f in files if f.suffix not in (*RDF_SUFFIXES, ".txt")):
        known = " ".join([".txt", *RDF_SUFFIXES])
        print(f"citykg: {other}: not a profile or a supported RDF file ({known})", file=sys.stderr)
        return 1
    findings: list[Finding] = []
    reports: list[Graph] = []
    if profiles or not files:
        assembly = assemble(project, profiles if files else None, write_graphs=False)
        findings += assembly.findings
        reports += assembly.reports
    if rdf_files:
        shapes = read_rdf(project.shapes, project.relative(project.shapes))
        concepts = read_rdf(project.concepts, project.relative(project.concepts))
        for path in rdf_files:
            data = read_rdf(path, project.relative(path))
            validation = validate_graph(data + concepts, shapes)
            reports.append(validation.report)
            findings += result_findings(validation.results, project.relative(path))
    if args.format == "turtle":
        sys.stdout.write(merge_reports(reports).serialize(format="turtle"))
    else:
        _print_findings(findings, quiet=False)
        print(_summary(len(files) if files else len(project.profiles()), findings, "file"))
    return 1 if count_errors(findings) else 0


def _print_findings(findings: list[Finding], quiet: bool) -> None:
    for finding in sorted(findings, key=lambda f: (f.file, f.line or 0, f.code, f.message)):
        if not quiet or finding.severity is Severity.ERROR:
            print(finding.format())


def _summary(count: int, findings: list[Finding], noun: str = "profile") -> str:
    by = Counter(f.severity for f in findings)
    plural = "" if count == 1 else "s"
    return (
        f"{count} {noun}{plural}: {by[Severity.ERROR]} error(s), "
        f"{by[Severity.WARNING]} warning(s), {by[Severity.INFO]} info(s)"
    )
