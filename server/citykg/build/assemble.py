"""Assembling the dataset: static graphs + every imported profile, validated.

The result is a set of named graphs (one per profile, plus ontology, concepts, statistics and
links) and the findings of import and validation. Writing it out is release.py's job.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import PROV, RDF, RDFS
from tqdm import tqdm

from citykg.build.aggregates import AGGREGATES_GRAPH, option_counts
from citykg.build.importer import (
    ENTITIES_GRAPH,
    MAX_PROFILE_BYTES,
    STATISTICS_GRAPH,
    ProfileImport,
    Source,
    import_profile,
)
from citykg.build.links import Links, parse_links
from citykg.build.rdf_input import read_rdf
from citykg.build.validation import SourceLines, result_findings, validate_graph
from citykg.build.vocabulary import Vocabulary
from citykg.findings import Finding, Severity
from citykg.namespaces import CITYKG, GRAPH
from citykg.project import Project

ONTOLOGY_GRAPH = GRAPH.ontology
CONCEPTS_GRAPH = GRAPH.concepts
LINKS_GRAPH = GRAPH.links
PROGRESS_FROM = 20
VALIDATION_CHUNK = 1000


@dataclass
class Assembly:
    """The named graphs of a dataset and everything said about its sources."""

    generated_at: datetime
    graphs: dict[URIRef, Graph] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    profiles: list[ProfileImport] = field(default_factory=list)
    shapes: Graph = field(default_factory=Graph)
    reports: list[Graph] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        """Findings that stop a build."""
        return [f for f in self.findings if f.severity is Severity.ERROR]


def generation_time(project: Project) -> datetime:
    """A reproducible build time: $SOURCE_DATE_EPOCH, else the last commit, else newest input."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    try:
        out = subprocess.run(
            ["git", "-C", str(project.root), "log", "-1", "--format=%ct"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if out.returncode == 0 and out.stdout.strip().isdigit():
            return datetime.fromtimestamp(int(out.stdout.strip()), UTC)
    except OSError:
        pass
    mtimes = [p.stat().st_mtime for p in project.inputs() if p.exists()]
    return datetime.fromtimestamp(int(max(mtimes, default=0)), UTC)


def assemble(
    project: Project, profile_paths: Iterable[Path] | None = None, allow_synthetic: bool = False
) -> Assembly:
    """Import and validate every profile (or the given ones) with the project's vocabulary."""
    assembly = Assembly(generation_time(project))
    ontology = to_canonical_graph(read_rdf(project.ontology, project.relative(project.ontology)))
    concepts = to_canonical_graph(read_rdf(project.concepts, project.relative(project.concepts)))
    assembly.shapes = read_rdf(project.shapes, project.relative(project.shapes))
    assembly.graphs[ONTOLOGY_GRAPH] = ontology
    assembly.graphs[CONCEPTS_GRAPH] = concepts
    links = _read_links(project, assembly)
    vocabulary = Vocabulary(concepts)
    _validate_static(assembly, concepts, project.relative(project.concepts))

    paths = list(project.profiles() if profile_paths is None else profile_paths)
    seen: dict[tuple[URIRef, str], str] = {}
    statistics, entities, link_graph = Graph(), Graph(), Graph()
    bar = tqdm(
        paths,
        desc="profiles",
        unit="profile",
        disable=None if len(paths) >= PROGRESS_FROM else True,
    )
    for path in bar:
        result = _import_file(
            project, path, vocabulary, links, assembly.generated_at, allow_synthetic
        )
        assembly.findings.extend(result.findings)
        if not result.ok:
            continue
        key = (result.city, result.wave)
        if key in seen:
            msg = (
                f"a second profile of {result.city_name} for the {result.wave} survey "
                f"(the first is {seen[key]}); this one was not imported"
            )
            assembly.findings.append(
                Finding(result.source.path, 1, Severity.ERROR, "duplicate-profile", msg)
            )
            continue
        seen[key] = result.source.path
        assembly.profiles.append(result)
        assembly.graphs[result.graph_iri] = result.graph
        statistics += result.statistics
        entities += result.entities
        link_graph += result.links

    for start in range(0, len(assembly.profiles), VALIDATION_CHUNK):
        _validate_profiles(assembly, assembly.profiles[start : start + VALIDATION_CHUNK], concepts)
    if len(statistics):
        assembly.graphs[STATISTICS_GRAPH] = statistics
        _validate_merged(assembly, statistics + concepts)
    if len(entities):
        assembly.graphs[ENTITIES_GRAPH] = entities
    counts = option_counts(assembly.profiles, concepts)
    assembly.graphs[AGGREGATES_GRAPH] = counts
    _validate_merged(assembly, counts + concepts)
    _describe_links(link_graph, project)
    assembly.graphs[LINKS_GRAPH] = link_graph
    return assembly


def _read_links(project: Project, assembly: Assembly) -> Links:
    shown = project.relative(project.links)
    try:
        text = project.links.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = "no link file: the release has no Wikidata links"
        assembly.findings.append(Finding(shown, None, Severity.WARNING, "links", msg))
        return Links(file=shown)
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"link file unreadable: {exc}"
        assembly.findings.append(Finding(shown, None, Severity.ERROR, "links", msg))
        return Links(file=shown)
    links, findings = parse_links(text, shown)
    assembly.findings.extend(findings)
    return links


def _import_file(
    project: Project,
    path: Path,
    vocabulary: Vocabulary,
    links: Links,
    generated_at: datetime,
    allow_synthetic: bool,
) -> ProfileImport:
    shown = project.relative(path)
    source = Source.from_path(shown)
    refused = ProfileImport(source)
    try:
        size = path.stat().st_size
        if size > MAX_PROFILE_BYTES:
            msg = f"{size} bytes; a profile may have at most {MAX_PROFILE_BYTES} bytes"
            refused.findings.append(Finding(shown, None, Severity.ERROR, "too-large", msg))
            return refused
        data = path.read_bytes()
    except OSError as exc:
        refused.findings.append(Finding(shown, None, Severity.ERROR, "unreadable", str(exc)))
        return refused
    digest = hashlib.sha256(data).hexdigest()
    return import_profile(data, source, vocabulary, links, generated_at, digest, allow_synthetic)


def _validate_profiles(assembly: Assembly, chunk: list[ProfileImport], concepts: Graph) -> None:
    """One pyshacl run over many profiles (it re-reads its shapes on every run), without the
    source-line statements; each result goes back to the profile whose graph holds its focus."""
    data, owner = Graph(), {}
    for result in chunk:
        for triple in result.graph:
            data.add(triple)
            owner.setdefault(triple[0], result)
        for triple in result.entities:
            data.add(triple)
            owner.setdefault(triple[0], result)
        for triple in result.links:
            data.add(triple)
    data += concepts
    validation = validate_graph(data, assembly.shapes)
    assembly.reports.append(validation.report)
    by_profile: dict[int, list] = {}
    for r in validation.results:
        by_profile.setdefault(id(owner.get(r.focus)), []).append(r)
    profiles = {id(result): result for result in chunk}
    for key, results in by_profile.items():
        result = profiles.get(key)
        if result is None:
            assembly.findings.extend(result_findings(results, "data/profiles"))
        else:
            read = result.source_lines
            lines = SourceLines((r.subject, r.predicate, r.object, r.line) for r in read)
            assembly.findings.extend(result_findings(results, result.source.path, lines))


def _validate_static(assembly: Assembly, concepts: Graph, shown: str) -> None:
    validation = validate_graph(concepts, assembly.shapes)
    assembly.reports.append(validation.report)
    assembly.findings.extend(result_findings(validation.results, shown))


def _validate_merged(assembly: Assembly, data: Graph) -> None:
    """Checks only the union can make (profiles quoting different survey figures)."""
    validation = validate_graph(data, assembly.shapes)
    known = {(f.focus, f.path, f.message) for f in assembly.findings}
    found = result_findings(validation.results, "data/profiles")
    assembly.findings.extend(f for f in found if (f.focus, f.path, f.message) not in known)


def _describe_links(graph: Graph, project: Project) -> None:
    source = URIRef(Source.from_path(project.relative(project.links)).iri)
    graph.add((LINKS_GRAPH, RDF.type, PROV.Entity))
    graph.add((LINKS_GRAPH, PROV.wasDerivedFrom, source))
    graph.add((source, RDF.type, PROV.Entity))
    graph.add((source, RDFS.label, Literal(project.relative(project.links))))
    if project.links.exists():
        digest = hashlib.sha256(project.links.read_bytes()).hexdigest()
        graph.add((source, CITYKG.sha256, Literal(digest)))
