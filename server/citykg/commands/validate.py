"""``citykg validate``: validate profiles (.txt) or RDF files against the shapes."""

from __future__ import annotations

import argparse
import sys

from rdflib import Graph

from citykg.builder.assemble import assemble
from citykg.builder.rdf_input import RDF_SUFFIXES, read_rdf
from citykg.builder.validation import Shapes, merge_reports, result_findings, validate_graph
from citykg.commands.printing import print_findings, summary
from citykg.contract.findings import Finding, count_errors
from citykg.contract.project import Project


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
        shapes = Shapes.of(read_rdf(project.shapes, project.relative(project.shapes)))
        concepts = read_rdf(project.concepts, project.relative(project.concepts))
        for path in rdf_files:
            data = read_rdf(path, project.relative(path))
            validation = validate_graph(data + concepts, shapes)
            reports.append(validation.report)
            findings += result_findings(validation.results, project.relative(path))
    if args.format == "turtle":
        sys.stdout.write(merge_reports(reports).serialize(format="turtle"))
    else:
        print_findings(findings, quiet=False)
        print(summary(len(files) if files else len(project.profiles()), findings, "file"))
    return 1 if count_errors(findings) else 0
