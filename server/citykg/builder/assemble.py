"""Assembling the dataset: static graphs + every imported profile, validated.

The profiles are imported and validated in chunks (:mod:`citykg.builder.profile_chunks`); this
module merges what the chunks hand back. The result is a set of small named graphs (ontology,
concepts, statistics, entities, aggregates, links), the files of the profile graphs and the
findings of import and validation. Writing the release from them is release.py's job.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS
from rdflib.term import Node

from citykg.builder.aggregates import (
    AGGREGATES_GRAPH,
    OptionCounts,
    RankCounts,
    city_index,
    option_counts,
    rank_counts,
)
from citykg.builder.build_inputs import BuildInputs, generation_time, import_path, read_inputs
from citykg.builder.importer import ENTITIES_GRAPH, STATISTICS_GRAPH, ProfileImport
from citykg.builder.namespaces import CITYKG
from citykg.builder.profile_chunks import (
    Chunk,
    ProfileSummary,
    Quote,
    run_chunks,
    validate_profiles,
)
from citykg.builder.rdf_input import read_rdf
from citykg.builder.rdf_output import canonical_graph
from citykg.builder.validation import Shapes, result_findings, validate_graph
from citykg.contract import iris
from citykg.contract.findings import Finding, Severity
from citykg.contract.project import Project

ONTOLOGY_GRAPH = URIRef(iris.ONTOLOGY_GRAPH)
CONCEPTS_GRAPH = URIRef(iris.CONCEPTS_GRAPH)
LINKS_GRAPH = URIRef(iris.LINKS_GRAPH)
SCRATCH_PREFIX = ".assembly-"


@dataclass
class Assembly:
    """The shared named graphs of a dataset, the files of its profile graphs (``nquads``, one
    per chunk, unsorted; ``ntriples``: the same triples without graph names), the city list of
    the home page, the size of every profile graph and everything said about its sources.
    ``discard()`` removes the files when no release is written from them."""

    generated_at: datetime
    graphs: dict[URIRef, Graph] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    profiles: list[ProfileSummary] = field(default_factory=list)
    cities: list[dict[str, str]] = field(default_factory=list)
    graph_sizes: dict[str, int] = field(default_factory=dict)
    shapes: Graph = field(default_factory=Graph)
    reports: list[Graph] = field(default_factory=list)
    scratch: Path | None = None
    nquads: list[Path] = field(default_factory=list)
    ntriples: list[Path] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        """Findings that stop a build."""
        return [f for f in self.findings if f.severity is Severity.ERROR]

    def discard(self) -> None:
        """Remove the profile graph files."""
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None


def assemble(
    project: Project,
    profile_paths: Iterable[Path] | None = None,
    allow_synthetic: bool = False,
    write_graphs: bool = True,
) -> Assembly:
    """Import and validate every profile (or the given ones) with the project's concept schemes,
    links and shapes.

    With ``write_graphs`` the profile graphs are written to a scratch directory under the var
    directory, for ``write_release``; without it (``citykg validate``) they are only checked.
    """
    assembly = Assembly(generation_time(project))
    ontology = canonical_graph(read_rdf(project.ontology, project.relative(project.ontology)))
    assembly.graphs[ONTOLOGY_GRAPH] = ontology
    inputs = read_inputs(project, assembly.findings, allow_synthetic)
    assembly.shapes = inputs.shapes.graph
    assembly.graphs[CONCEPTS_GRAPH] = inputs.concepts
    _validate_static(assembly, inputs, project.relative(project.concepts))

    paths = list(project.profiles() if profile_paths is None else profile_paths)
    if write_graphs:
        project.var_dir.mkdir(parents=True, exist_ok=True)
        assembly.scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=project.var_dir))
    try:
        chunks = run_chunks(inputs, paths, assembly.scratch)
    except BaseException:
        assembly.discard()
        raise
    seen: dict[tuple[URIRef, str], str] = {}
    reported: set[tuple] = set()  # a city or country shared by profiles in several chunks
    statistics, entities, link_graph = Graph(), Graph(), Graph()
    counts: OptionCounts = Counter()
    ranks: RankCounts = Counter()
    for chunk in chunks:
        _add_profiles(assembly, chunk, seen)
        _add_findings(assembly, chunk, reported)
        assembly.reports.extend(chunk.reports)
        statistics += chunk.statistics
        entities += chunk.entities
        link_graph += chunk.links
        counts.update(chunk.counts)
        ranks.update(chunk.ranks)
        assembly.graph_sizes.update(chunk.sizes)
        assembly.nquads += [chunk.nquads] if chunk.nquads else []
        assembly.ntriples += [chunk.ntriples] if chunk.ntriples else []
    if len(statistics):
        assembly.graphs[STATISTICS_GRAPH] = statistics
        quotes = [quote for chunk in chunks for quote in chunk.quotes]
        _validate_merged(assembly, statistics + inputs.concepts, inputs.shapes, quotes)
    if len(entities):
        assembly.graphs[ENTITIES_GRAPH] = entities
    aggregates = option_counts(counts) + rank_counts(ranks)
    assembly.graphs[AGGREGATES_GRAPH] = aggregates
    _validate_merged(assembly, aggregates + inputs.concepts, inputs.shapes)
    _describe_links(link_graph, project)
    assembly.graphs[LINKS_GRAPH] = link_graph
    profiles = ((p.city, p.city_name, p.wave) for p in assembly.profiles)
    assembly.cities = city_index(profiles, entities, link_graph)
    return assembly


def _add_profiles(assembly: Assembly, chunk: Chunk, seen: dict[tuple[URIRef, str], str]) -> None:
    """The chunk's imports and their findings; a second profile of a city for the same wave
    (``seen``: the file of each city and wave so far) is an error, and not added."""
    for summary, findings in chunk.imports:
        assembly.findings.extend(findings)
        if summary is None:
            continue
        key = (summary.city, summary.wave)
        if key in seen:
            msg = (
                f"a second profile of {summary.city_name} for the {summary.wave} survey "
                f"(the first is {seen[key]}); this one was not imported"
            )
            assembly.findings.append(
                Finding(summary.source.path, 1, Severity.ERROR, "duplicate-profile", msg)
            )
            continue
        seen[key] = summary.source.path
        assembly.profiles.append(summary)


def _add_findings(assembly: Assembly, chunk: Chunk, reported: set[tuple]) -> None:
    """The chunk's validation findings; one about a shared node (a city or country) that an
    earlier chunk ``reported`` is said once."""
    for finding in chunk.findings:
        said = (finding.focus, finding.path, finding.message)
        if finding.focus is None or said not in reported:
            assembly.findings.append(finding)
            reported.add(said)


def import_file(project: Project, path: Path) -> ProfileImport:
    """One profile imported and validated with the project's concept schemes, links and shapes,
    its SHACL findings added to the fates of their lines (for ``citykg explain``)."""
    findings: list[Finding] = []
    inputs = read_inputs(project, findings, allow_synthetic=True)
    result = import_path(inputs, path)
    if result.ok:
        _, shacl_findings = validate_profiles([result], inputs)
        for finding in shacl_findings:
            result.findings.append(finding)
            fate = result.fates.get(finding.line or 0)
            if fate is not None:
                fate.findings.append(finding)
    result.findings[:0] = findings
    return result


def _validate_static(assembly: Assembly, inputs: BuildInputs, shown: str) -> None:
    validation = validate_graph(inputs.concepts, inputs.shapes)
    assembly.reports.append(validation.report)
    assembly.findings.extend(result_findings(validation.results, shown))


def _validate_merged(
    assembly: Assembly, data: Graph, shapes: Shapes, quotes: Sequence[Quote] = ()
) -> None:
    """Checks only the union can make: profiles quoting a survey figure differently are named,
    each with its line and value (``quotes``)."""
    validation = validate_graph(data, shapes)
    assembly.reports.append(validation.report)
    known = {(f.focus, f.path, f.message) for f in assembly.findings}
    found = result_findings(validation.results, "data/profiles")
    by_figure: dict[tuple[str, str], list[Quote]] = {}
    for quote in quotes:
        by_figure.setdefault((str(quote.triple[0]), str(quote.triple[1])), []).append(quote)
    for finding in found:
        if (finding.focus, finding.path, finding.message) in known:
            continue
        quoting = sorted(
            by_figure.get((finding.focus or "", finding.path or ""), []),
            key=lambda q: (q.file, q.line),
        )
        by_value: dict[Node, list[Quote]] = {}
        for quote in quoting:
            by_value.setdefault(quote.triple[2], []).append(quote)
        if len(by_value) < 2:
            assembly.findings.append(finding)
            continue
        for quote in quoting:
            others = "; ".join(
                f"{_shown(value)} in {_profiles(len(them))}, first {them[0].file}:{them[0].line}"
                for value, them in by_value.items()
                if value != quote.triple[2]
            )
            message = f"{finding.message} This profile quotes {_shown(quote.triple[2])}; {others}."
            assembly.findings.append(
                replace(finding, file=quote.file, line=quote.line, message=message)
            )


def _profiles(count: int) -> str:
    return "1 profile" if count == 1 else f"{count} profiles"


def _shown(value: Node) -> str:
    """A quoted value as a publisher reads it: a share as a number, a qualifier by name."""
    return str(value).rsplit("/", 1)[-1]


def _describe_links(graph: Graph, project: Project) -> None:
    source = URIRef(iris.source(project.relative(project.links)))
    graph.add((LINKS_GRAPH, RDF.type, PROV.Entity))
    graph.add((LINKS_GRAPH, PROV.wasDerivedFrom, source))
    graph.add((source, RDF.type, PROV.Entity))
    graph.add((source, RDFS.label, Literal(project.relative(project.links))))
    if project.links.exists():
        digest = hashlib.sha256(project.links.read_bytes()).hexdigest()
        graph.add((source, CITYKG.sha256, Literal(digest)))
