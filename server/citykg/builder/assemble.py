"""Assembling the dataset: static graphs + every imported profile, validated.

Profiles are imported and validated in chunks of at most ``CHUNK`` files, on both cores (a
``fork`` process pool: each chunk is independent, and the children inherit the vocabulary and
shapes instead of receiving them). A chunk writes its profile graphs as N-Quads and N-Triples
lines, and their source-line provenance graphs as N-Quads, to files in a scratch directory, and
hands back only what the whole dataset needs: findings, SHACL reports, a summary per profile,
the triples of the shared graphs (statistics, entities, links) and its option and rank counts.
So memory stays bounded by a chunk, whatever the number of profiles. The result is a set of
small named graphs (ontology, concepts, statistics, entities, aggregates, links), the files of
the profile graphs and the findings of import and validation. Writing the release from them is
release.py's job.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import PROV, RDF, RDFS
from tqdm import tqdm

from citykg.builder.aggregates import (
    AGGREGATES_GRAPH,
    OptionCounts,
    RankCounts,
    city_index,
    concept_options,
    count_options,
    count_ranks,
    option_counts,
    rank_counts,
)
from citykg.builder.importer import (
    ENTITIES_GRAPH,
    MAX_PROFILE_BYTES,
    STATISTICS_GRAPH,
    ProfileImport,
    Source,
    import_profile,
)
from citykg.builder.links import Links, parse_links
from citykg.builder.namespaces import CITYKG, GRAPH
from citykg.builder.rdf_input import InputError, read_rdf, to_oxigraph
from citykg.builder.validation import SourceLines, result_findings, validate_graph
from citykg.builder.vocabulary import Vocabulary
from citykg.contract.findings import Finding, Severity
from citykg.contract.iris import span_graph_name
from citykg.contract.project import Project

ONTOLOGY_GRAPH = GRAPH.ontology
CONCEPTS_GRAPH = GRAPH.concepts
LINKS_GRAPH = GRAPH.links
PROGRESS_FROM = 20
CHUNK = 1000  # profiles per import + validation run (pyshacl re-reads its shapes on every run)
MIN_CHUNK = 100  # below 2 x this, one chunk: a second process costs more than it saves
PROCESSES = min(2, os.cpu_count() or 1)
SCRATCH_PREFIX = ".assembly-"


@dataclass(frozen=True)
class ProfileSummary:
    """What the assembly keeps of an imported profile once its graph is written out."""

    source: Source
    graph_iri: URIRef
    city: URIRef
    city_name: str
    wave: str


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


@dataclass(frozen=True)
class _Context:
    """What every chunk needs; inherited by the pool's children, never sent to them."""

    project: Project
    vocabulary: Vocabulary
    links: Links
    concepts: Graph
    options: set[URIRef]
    shapes: Graph
    generated_at: datetime
    allow_synthetic: bool
    scratch: Path | None


@dataclass
class _Chunk:
    """What a chunk hands back: nothing that grows with the number of profiles in the dataset
    except its own summaries and the triples of the shared graphs."""

    index: int
    imports: list[tuple[ProfileSummary | None, list[Finding]]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    reports: list[Graph] = field(default_factory=list)
    statistics: list[tuple] = field(default_factory=list)
    entities: list[tuple] = field(default_factory=list)
    links: list[tuple] = field(default_factory=list)
    counts: OptionCounts = field(default_factory=Counter)
    ranks: RankCounts = field(default_factory=Counter)
    sizes: dict[str, int] = field(default_factory=dict)
    nquads: Path | None = None
    ntriples: Path | None = None


_CONTEXT: _Context | None = None


def generation_time(project: Project) -> datetime:
    """A reproducible build time: $SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/
    source-date-epoch/; a malformed value is an error), else the last commit, else the newest
    input."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        if not epoch.isdigit():
            message = f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}"
            raise InputError(Finding("SOURCE_DATE_EPOCH", None, Severity.ERROR, "setting", message))
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
    project: Project,
    profile_paths: Iterable[Path] | None = None,
    allow_synthetic: bool = False,
    write_graphs: bool = True,
) -> Assembly:
    """Import and validate every profile (or the given ones) with the project's vocabulary.

    With ``write_graphs`` the profile graphs are written to a scratch directory under the build
    directory, for ``write_release``; without it (``citykg validate``) they are only checked.
    """
    global _CONTEXT
    assembly = Assembly(generation_time(project))
    ontology = to_canonical_graph(read_rdf(project.ontology, project.relative(project.ontology)))
    assembly.graphs[ONTOLOGY_GRAPH] = ontology
    context = _context(project, assembly, allow_synthetic)
    assembly.graphs[CONCEPTS_GRAPH] = context.concepts
    _validate_static(assembly, context.concepts, project.relative(project.concepts))

    paths = list(project.profiles() if profile_paths is None else profile_paths)
    if write_graphs:
        project.var_dir.mkdir(parents=True, exist_ok=True)
        assembly.scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=project.var_dir))
    _CONTEXT = dataclasses.replace(context, scratch=assembly.scratch)
    try:
        chunks = _run_chunks(paths)
    except BaseException:
        assembly.discard()
        raise
    finally:
        _CONTEXT = None
    seen: dict[tuple[URIRef, str], str] = {}
    reported: set[tuple] = set()  # a city or country shared by profiles in several chunks
    statistics, entities, link_graph = Graph(), Graph(), Graph()
    counts: OptionCounts = Counter()
    ranks: RankCounts = Counter()
    for chunk in chunks:
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
        for finding in chunk.findings:
            said = (finding.focus, finding.path, finding.message)
            if finding.focus is None or said not in reported:
                assembly.findings.append(finding)
                reported.add(said)
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
        _validate_merged(assembly, statistics + context.concepts)
    if len(entities):
        assembly.graphs[ENTITIES_GRAPH] = entities
    aggregates = option_counts(counts) + rank_counts(ranks)
    assembly.graphs[AGGREGATES_GRAPH] = aggregates
    _validate_merged(assembly, aggregates + context.concepts)
    _describe_links(link_graph, project)
    assembly.graphs[LINKS_GRAPH] = link_graph
    profiles = ((p.city, p.city_name, p.wave) for p in assembly.profiles)
    assembly.cities = city_index(profiles, entities, link_graph)
    return assembly


def _context(project: Project, assembly: Assembly, allow_synthetic: bool) -> _Context:
    """What importing and validating profiles needs, read from the project (no scratch
    directory); the shapes and the link file's findings go to ``assembly``."""
    concepts = to_canonical_graph(read_rdf(project.concepts, project.relative(project.concepts)))
    assembly.shapes = read_rdf(project.shapes, project.relative(project.shapes))
    return _Context(
        project,
        Vocabulary(concepts),
        _read_links(project, assembly),
        concepts,
        concept_options(concepts),
        assembly.shapes,
        assembly.generated_at,
        allow_synthetic,
        None,
    )


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


def _run_chunks(paths: list[Path]) -> list[_Chunk]:
    """Every chunk of ``paths``, in order; on both cores when there is enough to share."""
    size = min(CHUNK, max(MIN_CHUNK, -(-len(paths) // PROCESSES)))
    work = [(i, paths[start : start + size]) for i, start in enumerate(range(0, len(paths), size))]
    bar = tqdm(
        total=len(paths),
        desc="profiles",
        unit="profile",
        disable=None if len(paths) >= PROGRESS_FROM else True,
    )
    chunks = []
    with bar:
        if len(work) < 2 or PROCESSES < 2:
            for item in work:
                chunks.append(_run_chunk(item))
                bar.update(len(item[1]))
        else:
            context = multiprocessing.get_context("fork")
            with context.Pool(PROCESSES, maxtasksperchild=1) as pool:
                for chunk in pool.imap(_run_chunk, work):
                    chunks.append(chunk)
                    bar.update(len(work[chunk.index][1]))
    return chunks


def _run_chunk(item: tuple[int, list[Path]]) -> _Chunk:
    """Import and validate one chunk of profiles; write their graphs when asked to."""
    index, paths = item
    context = _CONTEXT
    assert context is not None, "chunks run inside assemble()"
    chunk = _Chunk(index)
    imported: list[ProfileImport] = []
    for path in paths:
        result = _import_file(context, path)
        ok = result.ok and result.city is not None and result.wave is not None
        summary = (
            ProfileSummary(
                result.source, result.graph_iri, result.city, result.city_name or "", result.wave
            )
            if ok
            else None
        )
        chunk.imports.append((summary, result.findings))
        if ok:
            imported.append(result)
            chunk.counts.update(count_options(result.graph, context.options))
            chunk.ranks.update(count_ranks(result.graph))
            chunk.statistics += list(result.statistics)
            chunk.entities += list(result.entities)
            chunk.links += list(result.links)
    if imported:
        _validate_profiles(chunk, imported, context)
        if context.scratch is not None:
            _write_graphs(chunk, imported, context.scratch)
    return chunk


def _write_graphs(chunk: _Chunk, imported: list[ProfileImport], scratch: Path) -> None:
    """The chunk's profile graphs as N-Quads and (without graph names: the default graph)
    N-Triples lines; their source-line provenance graphs as N-Quads only."""
    chunk.nquads = scratch / f"chunk-{chunk.index:06d}.nq"
    chunk.ntriples = scratch / f"chunk-{chunk.index:06d}.nt"
    with open(chunk.nquads, "wb") as nquads, open(chunk.ntriples, "wb") as ntriples:
        for result in imported:
            triples = [
                ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))
                for s, p, o in result.graph
            ]
            write_lines(result.graph_iri, triples, nquads, ntriples)
            chunk.sizes[str(result.graph_iri)] = len(set(triples))
            ox.serialize(_provenance_quads(result), output=nquads, format=ox.RdfFormat.N_QUADS)


def write_lines(
    name: URIRef, triples: list[ox.Triple], nquads: BinaryIO, ntriples: BinaryIO
) -> None:
    """A graph as N-Quads lines (in graph ``name``) and as N-Triples lines, unsorted."""
    write_quads(name, triples, nquads)
    ox.serialize(triples, output=ntriples, format=ox.RdfFormat.N_TRIPLES)


def write_quads(name: URIRef, triples: Iterable[ox.Triple], nquads: BinaryIO) -> None:
    """A graph as N-Quads lines in graph ``name``, unsorted (a graph outside the default
    graph: no N-Triples lines)."""
    graph_name = ox.NamedNode(str(name))
    ox.serialize(
        (ox.Quad(t.subject, t.predicate, t.object, graph_name) for t in triples),
        output=nquads,
        format=ox.RdfFormat.N_QUADS,
    )


_TYPE = ox.NamedNode(str(RDF.type))
_SOURCE_LINES = ox.NamedNode(str(CITYKG.SourceLines))
_FIRST, _LAST = ox.NamedNode(str(CITYKG.firstLine)), ox.NamedNode(str(CITYKG.lastLine))
_DERIVED = ox.NamedNode(str(PROV.wasDerivedFrom))
_POSITIVE_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#positiveInteger")


def _provenance_quads(result: ProfileImport) -> list[ox.Quad]:
    """One graph per span of source lines: the facts read from it, and where it is."""
    source = ox.NamedNode(str(result.source.iri))
    quads = []
    for (first, last), triples in sorted(result.spans.items()):
        name = ox.NamedNode(span_graph_name(str(result.graph_iri), first, last))
        quads += (
            ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name) for s, p, o in triples
        )
        quads += (
            ox.Quad(name, _TYPE, _SOURCE_LINES, name),
            ox.Quad(name, _FIRST, ox.Literal(str(first), datatype=_POSITIVE_INTEGER), name),
            ox.Quad(name, _LAST, ox.Literal(str(last), datatype=_POSITIVE_INTEGER), name),
            ox.Quad(name, _DERIVED, source, name),
        )
    return quads


def import_file(project: Project, path: Path) -> ProfileImport:
    """One profile imported and validated with the project's vocabulary, links and shapes, its
    SHACL findings added to the fates of their lines (for ``citykg explain``)."""
    assembly = Assembly(generation_time(project))
    context = _context(project, assembly, allow_synthetic=True)
    result = _import_file(context, path)
    if result.ok:
        chunk = _Chunk(0)
        _validate_profiles(chunk, [result], context)
        for finding in chunk.findings:
            result.findings.append(finding)
            fate = result.fates.get(finding.line or 0)
            if fate is not None:
                fate.findings.append(finding)
    result.findings[:0] = assembly.findings
    return result


def _import_file(context: _Context, path: Path) -> ProfileImport:
    project = context.project
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
    return import_profile(
        data,
        source,
        context.vocabulary,
        context.links,
        context.generated_at,
        digest,
        context.allow_synthetic,
    )


def _validate_profiles(chunk: _Chunk, imported: list[ProfileImport], context: _Context) -> None:
    """One pyshacl run over the chunk's profiles (source-line provenance is not in their
    graphs); each result goes back to the profile whose graph holds its focus."""
    data, owner = Graph(), {}
    for result in imported:
        for triple in result.graph:
            data.add(triple)
            owner.setdefault(triple[0], result)
        for triple in result.entities:
            data.add(triple)
            owner.setdefault(triple[0], result)
        for triple in result.links:
            data.add(triple)
    data += context.concepts
    validation = validate_graph(data, context.shapes)
    chunk.reports.append(validation.report)
    by_profile: dict[int, list] = {}
    for r in validation.results:
        by_profile.setdefault(id(owner.get(r.focus)), []).append(r)
    profiles = {id(result): result for result in imported}
    for key, results in by_profile.items():
        result = profiles.get(key)
        if result is None:
            chunk.findings.extend(result_findings(results, "data/profiles"))
        else:
            lines = SourceLines((s, p, o, n) for (s, p, o), n in result.source_lines())
            chunk.findings.extend(result_findings(results, result.source.path, lines))


def _validate_static(assembly: Assembly, concepts: Graph, shown: str) -> None:
    validation = validate_graph(concepts, assembly.shapes)
    assembly.reports.append(validation.report)
    assembly.findings.extend(result_findings(validation.results, shown))


def _validate_merged(assembly: Assembly, data: Graph) -> None:
    """Checks only the union can make (profiles quoting different survey figures)."""
    validation = validate_graph(data, assembly.shapes)
    assembly.reports.append(validation.report)
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
