"""Importing and validating profiles in chunks, on both cores.

Profiles are imported and validated in chunks of at most ``CHUNK`` files, in a ``fork`` process
pool: each chunk is independent, and the children inherit the build inputs (concept schemes,
links, shapes) instead of receiving them. A chunk writes its profile graphs as N-Quads and
N-Triples lines, and their source-line provenance graphs as N-Quads, to files in a scratch
directory, and hands back only what the whole dataset needs (:class:`Chunk`). So memory stays
bounded by a chunk, whatever the number of profiles.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF
from tqdm import tqdm

from citykg.builder.aggregates import OptionCounts, RankCounts, count_options, count_ranks
from citykg.builder.build_inputs import BuildInputs, import_path
from citykg.builder.importer import ProfileImport, Source
from citykg.builder.namespaces import CITYKG
from citykg.builder.rdf_input import to_oxigraph
from citykg.builder.rdf_output import oxigraph_triples, write_lines
from citykg.builder.validation import SourceLines, result_findings, validate_graph
from citykg.contract.findings import Finding
from citykg.contract.iris import PREFIXES, span_graph_name

PROGRESS_FROM = 20
CHUNK = 1000  # profiles per import + validation run (pyshacl re-reads its shapes on every run)
MIN_CHUNK = 100  # below 2 x this, one chunk: a second process costs more than it saves
PROCESSES = min(2, os.cpu_count() or 1)


@dataclass(frozen=True)
class ProfileSummary:
    """What the assembly keeps of an imported profile once its graph is written out."""

    source: Source
    graph_iri: URIRef
    city: URIRef
    city_name: str
    wave: str


@dataclass(frozen=True)
class Quote:
    """A survey-wide figure's value (or share qualifier) as one profile quotes it: the triple
    of the statistics graph, and the file and line it was read from."""

    triple: tuple
    file: str
    line: int


QUOTED = (CITYKG.shareOfCities, CITYKG.shareQualifier)


@dataclass
class Chunk:
    """What a chunk hands back: nothing that grows with the number of profiles in the dataset
    except its own summaries and the triples of the shared graphs. ``nquads`` and ``ntriples``
    are its files of profile graph lines, when it was asked to write them."""

    index: int
    imports: list[tuple[ProfileSummary | None, list[Finding]]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    reports: list[Graph] = field(default_factory=list)
    statistics: list[tuple] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    entities: list[tuple] = field(default_factory=list)
    links: list[tuple] = field(default_factory=list)
    counts: OptionCounts = field(default_factory=Counter)
    ranks: RankCounts = field(default_factory=Counter)
    sizes: dict[str, int] = field(default_factory=dict)
    nquads: Path | None = None
    ntriples: Path | None = None


# What every chunk of the running build reads: its inputs and scratch directory (None: write
# nothing). Set by run_chunks, inherited by the pool's children, never sent to them.
_RUNNING: tuple[BuildInputs, Path | None] | None = None


def run_chunks(inputs: BuildInputs, paths: list[Path], scratch: Path | None) -> list[Chunk]:
    """Every chunk of ``paths``, in order; on both cores when there is enough to share. With a
    ``scratch`` directory, the profile graphs are written there."""
    global _RUNNING
    size = min(CHUNK, max(MIN_CHUNK, -(-len(paths) // PROCESSES)))
    work = [(i, paths[start : start + size]) for i, start in enumerate(range(0, len(paths), size))]
    bar = tqdm(
        total=len(paths),
        desc="profiles",
        unit="profile",
        disable=None if len(paths) >= PROGRESS_FROM else True,
    )
    chunks = []
    _RUNNING = (inputs, scratch)
    try:
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
    finally:
        _RUNNING = None
    return chunks


def _run_chunk(item: tuple[int, list[Path]]) -> Chunk:
    """Import and validate one chunk of profiles; write their graphs when asked to."""
    index, paths = item
    assert _RUNNING is not None, "chunks run inside run_chunks()"
    inputs, scratch = _RUNNING
    chunk = Chunk(index)
    imported: list[ProfileImport] = []
    for path in paths:
        result = import_path(inputs, path)
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
            chunk.counts.update(count_options(result.graph, inputs.options))
            chunk.ranks.update(count_ranks(result.graph))
            chunk.statistics += list(result.statistics)
            chunk.quotes += [
                Quote(t, result.source.path, n) for t, n in result.source_lines() if t[1] in QUOTED
            ]
            chunk.entities += list(result.entities)
            chunk.links += list(result.links)
    if imported:
        report, findings = validate_profiles(imported, inputs)
        chunk.reports.append(report)
        chunk.findings.extend(findings)
        if scratch is not None:
            _write_graphs(chunk, imported, scratch)
    return chunk


def validate_profiles(
    imported: list[ProfileImport], inputs: BuildInputs
) -> tuple[Graph, list[Finding]]:
    """One pyshacl run over imported profiles (source-line provenance is not in their graphs):
    its report, and its results as findings, each on the profile whose graph holds its focus."""
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
    data += inputs.concepts
    validation = validate_graph(data, inputs.shapes)
    by_profile: dict[int, list] = {}
    for r in validation.results:
        by_profile.setdefault(id(owner.get(r.focus)), []).append(r)
    profiles = {id(result): result for result in imported}
    findings = []
    for key, results in by_profile.items():
        result = profiles.get(key)
        if result is None:
            findings.extend(result_findings(results, "data/profiles"))
        else:
            lines = SourceLines((s, p, o, n) for (s, p, o), n in result.source_lines())
            findings.extend(result_findings(results, result.source.path, lines))
    return validation.report, findings


def _write_graphs(chunk: Chunk, imported: list[ProfileImport], scratch: Path) -> None:
    """The chunk's profile graphs as N-Quads and (without graph names: the default graph)
    N-Triples lines; their source-line provenance graphs as N-Quads only."""
    chunk.nquads = scratch / f"chunk-{chunk.index:06d}.nq"
    chunk.ntriples = scratch / f"chunk-{chunk.index:06d}.nt"
    with open(chunk.nquads, "wb") as nquads, open(chunk.ntriples, "wb") as ntriples:
        for result in imported:
            triples = oxigraph_triples(result.graph)
            write_lines(result.graph_iri, triples, nquads, ntriples)
            chunk.sizes[str(result.graph_iri)] = len(set(triples))
            ox.serialize(_provenance_quads(result), output=nquads, format=ox.RdfFormat.N_QUADS)


_TYPE = ox.NamedNode(str(RDF.type))
_SOURCE_LINES = ox.NamedNode(str(CITYKG.SourceLines))
_FIRST, _LAST = ox.NamedNode(str(CITYKG.firstLine)), ox.NamedNode(str(CITYKG.lastLine))
_DERIVED = ox.NamedNode(str(PROV.wasDerivedFrom))
_POSITIVE_INTEGER = ox.NamedNode(PREFIXES["xsd"] + "positiveInteger")


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
