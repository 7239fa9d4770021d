"""Writing a release: N-Quads of the whole dataset, gzip dumps with SHA-256 sums, VoID + DCAT.

Output is byte-identical for identical input: quads and triples are written sorted, gzip headers
carry no time or name, and the N-Quads carry no time at all: the release's one time stamp, its
issue time (the assembly's reproducible generation time, or the issue time of the release of the
same data built before), is in its record and its VoID. A release is written to a fresh staging
directory under ``var/releases/`` and then published (:mod:`citykg.builder.release_dirs`).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from citykg.builder.assemble import Assembly
from citykg.builder.dataset_description import NamedGraphCounts, void_description
from citykg.builder.history import write_changes_and_history
from citykg.builder.rdf_output import oxigraph_triples, serialize_sorted, write_lines, write_quads
from citykg.builder.release_dirs import (
    STAGING_PREFIX,
    install,
    point_current,
    prune_stale,
    record_json,
    release_record,
)
from citykg.builder.report import REPORT_GRAPH, validation_report
from citykg.builder.search_index import write_search_index
from citykg.builder.sorting import sort_lines
from citykg.builder.tables import write_tables
from citykg.contract import layout
from citykg.contract.findings import findings_json
from citykg.contract.iris import DATASET_GRAPH, PREFIXES


@dataclass(frozen=True)
class Release:
    """A written release: its directory, headline figures, and the seconds its steps took
    (``sort``: ordering and deduplicating quads and triples; ``dumps``: the gzipped dumps and
    the checksums; ``search``: the search index; ``tables``: the CSV tables and their CSVW
    metadata; ``history``: what changed since the release before, and the history)."""

    path: Path
    quads: int
    triples: int
    seconds: dict[str, float]


def write_release(assembly: Assembly, var_dir: Path) -> Release:
    """Write the release and make it current. Raises OSError (e.g. disk full) untouched.

    The quads and triples are sorted and made unique by ``sort`` (C locale: byte order, which is
    code point order for UTF-8) from the assembly's files, so memory stays bounded whatever the
    size of the dataset; the dumps are written from the sorted files. The validation report is
    a named graph of the N-Quads only: the N-Triples (the default graph) are the data.
    """
    releases = var_dir / layout.RELEASES_DIR
    releases.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=releases))
    try:
        report = validation_report(assembly.reports, assembly.findings, assembly.shapes)
        shared_nq, shared_nt = staging / "shared.nq", staging / "shared.nt"
        graph_sizes = _write_shared(assembly, shared_nq, shared_nt, {REPORT_GRAPH: report.graph})
        nt = staging / layout.DEFAULT_GRAPH_FILE.removesuffix(".gz")
        started = time.monotonic()
        quads = _sort_unique([shared_nq, *assembly.nquads], staging / layout.NQUADS_FILE)
        _fsync(staging / layout.NQUADS_FILE)
        for done in (shared_nq, *assembly.nquads):  # one sort at a time, inputs dropped after it:
            done.unlink()  # at 100 000 profiles each side is 13 GB of lines
        triples = _sort_unique([shared_nt, *assembly.ntriples], nt)
        sorted_at = time.monotonic()
        shared_nt.unlink()
        assembly.discard()
        sums: dict[str, str] = {layout.NQUADS_FILE: _sha256_file(staging / layout.NQUADS_FILE)}
        release_id = sums[layout.NQUADS_FILE][:16]
        record = release_record(var_dir, release_id, assembly.generated_at)
        issued = datetime.fromisoformat(record["issued"])
        sizes: dict[str, int] = {}
        with ThreadPoolExecutor(max_workers=2) as pool:  # zlib works outside the GIL
            written = pool.map(lambda dump: _write_dump(staging, dump, nt), layout.DUMPS)
            for dump, (digest, size) in zip(layout.DUMPS, written, strict=True):
                sums[dump.name], sizes[dump.name] = digest, size
        seconds = {"sort": sorted_at - started, "dumps": time.monotonic() - sorted_at}
        search_from = time.monotonic()
        write_search_index(nt, staging / layout.SEARCH_FILE)
        seconds["search"] = time.monotonic() - search_from
        tables_from = time.monotonic()
        for name in write_tables(nt, staging):
            _fsync(staging / name)
            sums[name], sizes[name] = _sha256_file(staging / name), (staging / name).stat().st_size
        seconds["tables"] = time.monotonic() - tables_from
        nt.unlink()
        named = NamedGraphCounts(quads, len(report.graph))
        void = void_description(assembly, issued, triples, sums, sizes, named)
        _write(staging / layout.VOID_FILE, serialize_sorted(void, ox.RdfFormat.TURTLE))
        graph_sizes[DATASET_GRAPH] = len(void)  # the server loads it as this graph
        _write(staging / layout.GRAPHS_FILE, json.dumps(sorted(graph_sizes.items())).encode())
        _write(
            staging / layout.FINDINGS_FILE, findings_json(assembly.findings, report.nodes).encode()
        )
        cities = json.dumps(assembly.cities, ensure_ascii=False, separators=(",", ":"))
        _write(staging / layout.CITIES_FILE, cities.encode())
        shapes = serialize_sorted(assembly.shapes, ox.RdfFormat.TURTLE)
        _write(staging / layout.SHAPES_FILE, shapes)
        _write(staging / layout.RELEASE_FILE, record_json(record))
        history_from = time.monotonic()
        for name in write_changes_and_history(staging, releases, record):
            sums[name] = _sha256_file(staging / name)
        seconds["history"] = time.monotonic() - history_from
        for name in (layout.VOID_FILE, layout.SHAPES_FILE, layout.RELEASE_FILE, layout.SEARCH_FILE):
            sums[name] = _sha256_file(staging / name)
        lines = "".join(f"{digest}  {name}\n" for name, digest in sorted(sums.items()))
        _write(staging / layout.SUMS_FILE, lines.encode())
        final = releases / release_id
        install(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        assembly.discard()
        raise
    point_current(var_dir, final)
    prune_stale(releases)
    return Release(final, quads, triples, seconds)


def _write_shared(
    assembly: Assembly, nquads: Path, ntriples: Path, quads_only: dict[URIRef, Graph]
) -> dict[str, int]:
    """The shared graphs (ontology, concepts, statistics, entities, aggregates, links) as lines,
    and ``quads_only`` (the validation report) as N-Quads lines only, outside the default graph;
    the triples of every graph of the release, those of the profile graphs included."""
    sizes = dict(assembly.graph_sizes)
    with open(nquads, "wb") as quads_out, open(ntriples, "wb") as triples_out:
        for name, graph in assembly.graphs.items():
            write_lines(name, oxigraph_triples(graph), quads_out, triples_out)
            sizes[str(name)] = len(graph)
        for name, graph in quads_only.items():
            write_quads(name, oxigraph_triples(graph), quads_out)
            sizes[str(name)] = len(graph)
    return sizes


def _sort_unique(inputs: list[Path], output: Path) -> int:
    """Sort the lines of ``inputs`` into ``output`` without repeats; the number of lines."""
    sort_lines(inputs, output, unique=True)
    with open(output, "rb") as lines:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: lines.read(1 << 20), b""))


def _write_dump(staging: Path, dump: layout.Dump, ntriples: Path) -> tuple[str, int]:
    """One gzipped dump, from the sorted N-Quads or N-Triples: its SHA-256 and size."""
    source = staging / layout.NQUADS_FILE if dump.quads else ntriples
    path = staging / dump.name
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as out:
            if dump.format.rdf == ox.RdfFormat.TURTLE:
                parsed = ox.parse(path=str(source), format=ox.RdfFormat.N_TRIPLES)
                ox.serialize(parsed, output=out, format=dump.format.rdf, prefixes=PREFIXES)
            else:
                with open(source, "rb") as lines:
                    shutil.copyfileobj(lines, out, 1 << 20)
        raw.flush()
        os.fsync(raw.fileno())
    return _sha256_file(path), path.stat().st_size


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _fsync(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
