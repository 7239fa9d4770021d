"""Writing a release: N-Quads of the whole dataset, gzip dumps with SHA-256 sums, VoID + DCAT.

Output is byte-identical for identical input: quads and triples are written sorted, gzip headers
carry no time or name, and the only time stamp is the assembly's reproducible generation time.
A release is written to a fresh directory under ``var/releases/`` and published by atomically
replacing the ``var/current`` symbolic link, so a failed or killed build never touches the last
good release.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, VOID, XSD

from citykg.builder.assemble import (
    LINKS_GRAPH,
    SCRATCH_PREFIX,
    Assembly,
    write_lines,
    write_quads,
)
from citykg.builder.namespaces import CITYKG, DQV, GRAPH, ORG, SCHEMA, SPDX
from citykg.builder.rdf_input import to_oxigraph
from citykg.builder.report import REPORT_GRAPH, report_iri, validation_report
from citykg.contract import layout
from citykg.contract.findings import findings_json
from citykg.contract.iris import (
    DATASET_IRI,
    DEFAULT_BASE,
    ONTOLOGY_IRI,
    PREFIXES,
    SPARQL_ENDPOINT_IRI,
    WIKIDATA_SPARQL,
)

IANA = "https://www.iana.org/assignments/media-types/"
TPF_SPEC = "https://linkeddatafragments.org/specification/triple-pattern-fragments/"
KEEP_RELEASES = 2
SORT_MEMORY = "25%"  # of physical memory for sort(1)'s buffer; beyond it, it merges temp files
STALE_STAGING_S = 3600


@dataclass(frozen=True)
class Release:
    """A written release: its directory, headline figures, and the seconds its steps took
    (``sort``: ordering and deduplicating quads and triples; ``dumps``: the gzipped dumps and
    the checksums)."""

    path: Path
    quads: int
    triples: int
    seconds: dict[str, float]


def write_release(assembly: Assembly, var_dir: Path, base: str = DEFAULT_BASE) -> Release:
    """Write the release and make it current. Raises OSError (e.g. disk full) untouched.

    The quads and triples are sorted and made unique by ``sort`` (C locale: byte order, which is
    code point order for UTF-8) from the assembly's files, so memory stays bounded whatever the
    size of the dataset; the dumps are written from the sorted files. The validation report is
    a named graph of the N-Quads only: the N-Triples (the default graph) are the data.
    """
    releases = var_dir / layout.RELEASES_DIR
    releases.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=releases))
    try:
        report = validation_report(
            assembly.reports, assembly.findings, assembly.shapes, assembly.generated_at, base
        )
        shared_nq, shared_nt = staging / "shared.nq", staging / "shared.nt"
        graph_sizes = _write_shared(assembly, shared_nq, shared_nt, {REPORT_GRAPH: report.graph})
        nt = staging / layout.DEFAULT_GRAPH.removesuffix(".gz")
        started = time.monotonic()
        quads = _sort_unique([shared_nq, *assembly.nquads], staging / layout.NQUADS)
        _fsync(staging / layout.NQUADS)
        for done in (shared_nq, *assembly.nquads):  # one sort at a time, inputs dropped after it:
            done.unlink()  # at 100 000 profiles each side is 13 GB of lines
        triples = _sort_unique([shared_nt, *assembly.ntriples], nt)
        sorted_at = time.monotonic()
        shared_nt.unlink()
        assembly.discard()
        sums: dict[str, str] = {layout.NQUADS: _sha256_file(staging / layout.NQUADS)}
        sizes: dict[str, int] = {}

        def write_dump(dump: layout.Dump) -> None:
            source = staging / (layout.NQUADS if dump.quads else nt.name)
            with open(staging / dump.name, "wb") as raw:
                with gzip.GzipFile(
                    filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6
                ) as out:
                    if dump.format.rdf == ox.RdfFormat.TURTLE:
                        parsed = ox.parse(path=str(source), format=ox.RdfFormat.N_TRIPLES)
                        ox.serialize(parsed, output=out, format=dump.format.rdf, prefixes=PREFIXES)
                    else:
                        with open(source, "rb") as lines:
                            shutil.copyfileobj(lines, out, 1 << 20)
                raw.flush()
                os.fsync(raw.fileno())
            sums[dump.name] = _sha256_file(staging / dump.name)
            sizes[dump.name] = (staging / dump.name).stat().st_size

        with ThreadPoolExecutor(max_workers=2) as pool:  # zlib works outside the GIL
            list(pool.map(write_dump, layout.DUMPS))
        seconds = {"sort": sorted_at - started, "dumps": time.monotonic() - sorted_at}
        nt.unlink()
        named = Counts(quads, len(report.graph))
        void = void_description(assembly, triples, sums, sizes, base, named)
        _write(staging / layout.VOID, serialize_sorted(void, ox.RdfFormat.TURTLE))
        graph_sizes[str(GRAPH.dataset)] = len(void)  # the server loads it as this graph
        _write(staging / layout.GRAPHS, json.dumps(sorted(graph_sizes.items())).encode())
        _write(staging / layout.FINDINGS, findings_json(assembly.findings, report.nodes).encode())
        cities = json.dumps(assembly.cities, ensure_ascii=False, separators=(",", ":"))
        _write(staging / layout.CITIES, cities.encode())
        shapes = serialize_sorted(to_canonical_graph(assembly.shapes), ox.RdfFormat.TURTLE)
        _write(staging / layout.SHAPES, shapes)
        for name in (layout.VOID, layout.SHAPES):
            sums[name] = _sha256_file(staging / name)
        lines = "".join(f"{digest}  {name}\n" for name, digest in sorted(sums.items()))
        _write(staging / layout.SUMS, lines.encode())
        final = releases / sums[layout.NQUADS][:16]
        if final.exists():
            _refresh(final, staging)
        else:
            os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        assembly.discard()
        raise
    _point_current(var_dir, final)
    _prune(releases, keep={final.name})
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
            triples = [
                ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph
            ]
            write_lines(name, triples, quads_out, triples_out)
            sizes[str(name)] = len(graph)
        for name, graph in quads_only.items():
            triples = (
                ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph
            )
            write_quads(name, triples, quads_out)
            sizes[str(name)] = len(graph)
    return sizes


def _sort_unique(inputs: list[Path], output: Path) -> int:
    """Sort the lines of ``inputs`` into ``output`` without repeats; the number of lines."""
    env = {**os.environ, "LC_ALL": "C"}
    command = ["sort", "-u", "-S", SORT_MEMORY, "-T", str(output.parent), "-o", str(output)]
    done = subprocess.run(
        [*command, *map(str, inputs)], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise OSError(errno.EIO, f"sort failed: {done.stderr.strip()[:300]}")
    with open(output, "rb") as lines:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: lines.read(1 << 20), b""))


@dataclass(frozen=True)
class Counts:
    """What the release holds beyond its default graph: the lines of its N-Quads (every named
    graph) and the triples of the validation report graph."""

    quads: int
    report: int


def void_description(
    assembly: Assembly,
    triples: int,
    sums: dict[str, str],
    sizes: dict[str, int],
    base: str,
    named: Counts | None = None,
) -> Graph:
    """VoID + DCAT 3 description of the dataset, its dumps, endpoint and Wikidata linkset, and
    (with ``named``) of the named graphs the endpoint serves and the validation report.

    ``<dataset>`` is the data: its ``void:triples`` counts the default graph (the N-Triples dump).
    The validation report graph is the dataset's DQV quality metadata, a ``void:Dataset`` with
    its own count. ``<dataset/named-graphs>`` is every named graph the endpoint serves (those of
    the N-Quads and this description, served as ``graph/dataset``): its ``void:triples`` is the
    sum of their sizes, which is what counting over ``GRAPH ?g`` gives.
    """
    g = Graph()
    dataset, wikidata = URIRef(DATASET_IRI), URIRef(f"{base}dataset/wikidata")
    linkset = URIRef(f"{base}dataset/linkset/wikidata")
    service = URIRef(f"{base}dataset/service/sparql")
    tpf = URIRef(f"{base}dataset/service/fragments")
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal("citykg: city innovation capacity profiles", lang="en")))
    g.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "The city profiles of the OECD/Bloomberg Philanthropies Survey on Innovation "
                "Capacity in Cities (waves 2018 and 2020) as linked data, one named graph per "
                "profile.",
                lang="en",
            ),
        )
    )
    g.add((dataset, DCTERMS.source, URIRef("https://www.cities-innovation-oecd.com/")))
    g.add(
        (
            dataset,
            DCTERMS.modified,
            Literal(assembly.generated_at.date().isoformat(), datatype=XSD.date),
        )
    )
    g.add((dataset, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI)))
    g.add((dataset, DCTERMS.conformsTo, URIRef(f"{base}shapes")))  # a release has no violation
    g.add((dataset, VOID.uriSpace, Literal(base)))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(SPARQL_ENDPOINT_IRI)))
    g.add((dataset, VOID.triples, Literal(triples, datatype=XSD.integer)))
    g.add((dataset, VOID.subset, linkset))
    g.add((dataset, DCAT.landingPage, URIRef(base)))
    g.add((dataset, DCAT.accessService, service))
    for vocab in (
        str(SCHEMA),
        str(ORG),
        "http://www.w3.org/2004/02/skos/core#",
        "http://purl.org/linked-data/cube#",
        "http://www.w3.org/ns/prov#",
        str(CITYKG),
    ):
        g.add((dataset, VOID.vocabulary, URIRef(vocab)))
    for city in sorted({p.city for p in assembly.profiles if p.city is not None})[:5]:
        g.add((dataset, VOID.exampleResource, city))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, URIRef(SPARQL_ENDPOINT_IRI)))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((dataset, DCAT.accessService, tpf))
    g.add((tpf, RDF.type, DCAT.DataService))
    g.add((tpf, DCAT.endpointURL, URIRef(f"{base}fragments")))
    g.add((tpf, DCAT.servesDataset, dataset))
    g.add((tpf, DCTERMS.conformsTo, URIRef(TPF_SPEC)))
    issued = Literal(assembly.generated_at.isoformat(), datatype=XSD.dateTime)
    for dump in layout.DUMPS:
        url = URIRef(f"{base}dumps/{dump.name}")
        dist = URIRef(f"{base}dataset/distribution/{dump.name.replace('.', '-')}")
        checksum = URIRef(f"{dist}/checksum")
        g.add((dataset, VOID.dataDump, url))
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.mediaType, URIRef(IANA + dump.format.media_type)))
        g.add((dist, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
        g.add((dist, DCAT.byteSize, Literal(sizes[dump.name], datatype=XSD.nonNegativeInteger)))
        g.add((dist, DCTERMS.issued, issued))
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(sums[dump.name], datatype=XSD.hexBinary)))
    links = assembly.graphs.get(LINKS_GRAPH, Graph())
    g.add((linkset, RDF.type, VOID.Linkset))
    g.add((linkset, VOID.linkPredicate, OWL.sameAs))
    g.add((linkset, VOID.subjectsTarget, dataset))
    g.add((linkset, VOID.objectsTarget, wikidata))
    g.add(
        (
            linkset,
            VOID.triples,
            Literal(len(set(links.triples((None, OWL.sameAs, None)))), datatype=XSD.integer),
        )
    )
    g.add((wikidata, RDF.type, VOID.Dataset))
    g.add((wikidata, DCTERMS.title, Literal("Wikidata", lang="en")))
    g.add((wikidata, FOAF.homepage, URIRef("https://www.wikidata.org/")))
    g.add((wikidata, VOID.sparqlEndpoint, URIRef(WIKIDATA_SPARQL)))
    g.add((wikidata, VOID.uriSpace, Literal("http://www.wikidata.org/entity/")))
    if named is not None:
        _describe_named_graphs(g, dataset, named, base)
    return g


def _describe_named_graphs(g: Graph, dataset: URIRef, named: Counts, base: str) -> None:
    """The validation report as the dataset's quality metadata (W3C DQV), and every named graph
    the endpoint serves as one VoID dataset; its count, added last, includes this description."""
    report, graphs = REPORT_GRAPH, URIRef(f"{base}dataset/named-graphs")
    g.add((dataset, DQV.hasQualityMetadata, report))
    g.add((report, RDF.type, DQV.QualityMetadata))
    g.add((report, RDF.type, VOID.Dataset))
    title = "citykg: the SHACL validation report of the release"
    g.add((report, DCTERMS.title, Literal(title, lang="en")))
    g.add((report, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/shacl/")))
    g.add((report, VOID.rootResource, report_iri(base)))
    g.add((report, VOID.sparqlEndpoint, URIRef(SPARQL_ENDPOINT_IRI)))
    g.add((report, VOID.triples, Literal(named.report, datatype=XSD.integer)))
    g.add((dataset, DCTERMS.isPartOf, graphs))
    g.add((graphs, RDF.type, VOID.Dataset))
    g.add((graphs, DCTERMS.title, Literal("citykg: every named graph", lang="en")))
    description = (
        "Every named graph of the SPARQL endpoint: the data graphs (one per profile, and the "
        "shared ones), whose merge with this description is the default graph; the provenance "
        "graphs of the source lines; the validation report; and this description "
        "(graph/dataset). void:triples is the sum of their sizes: a triple stated in two "
        "graphs counts twice, as counting over GRAPH ?g does."
    )
    g.add((graphs, DCTERMS.description, Literal(description, lang="en")))
    g.add((graphs, VOID.subset, dataset))
    g.add((graphs, VOID.subset, report))
    g.add((graphs, VOID.sparqlEndpoint, URIRef(SPARQL_ENDPOINT_IRI)))
    g.add((graphs, VOID.dataDump, URIRef(f"{base}dumps/{layout.DUMPS[0].name}")))
    total = named.quads + len(g) + 1  # this triple is one of the description's
    g.add((graphs, VOID.triples, Literal(total, datatype=XSD.integer)))


def serialize_sorted(graph: Graph, syntax: ox.RdfFormat) -> bytes:
    """Serialise an rdflib graph deterministically (sorted triples) with our prefixes."""
    prefixes = PREFIXES if syntax in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    triples = sorted(
        (ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph), key=str
    )
    return ox.serialize(triples, format=syntax, prefixes=prefixes)


def _refresh(release: Path, staging: Path) -> None:
    """Bring a release of the same data up to date with a new build of it: files it lacks (say
    ``cities.json``, written by a newer citykg) or that differ are moved in, one atomic rename
    each, so a server reading the release meanwhile sees either file whole."""
    old_sums, new_sums = _listed_sums(release), _listed_sums(staging)
    for new in staging.iterdir():
        old = release / new.name
        if new.name in new_sums:  # large files: compared by their listed sums
            same = old.exists() and old_sums.get(new.name) == new_sums[new.name]
        else:
            same = old.exists() and old.read_bytes() == new.read_bytes()
        if not same:
            os.replace(new, old)
    shutil.rmtree(staging)


def _listed_sums(release: Path) -> dict[str, str]:
    sums = release / layout.SUMS
    if not sums.exists():
        return {}
    return {
        name: digest
        for digest, _, name in (line.partition("  ") for line in sums.read_text().splitlines())
    }


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


def _point_current(var_dir: Path, release: Path) -> None:
    """Atomically make ``var/current`` point at ``release``."""
    link = var_dir / layout.CURRENT
    tmp = var_dir / f".current-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(release.relative_to(var_dir))
    os.replace(tmp, link)


def _prune(releases: Path, keep: set[str]) -> None:
    """Keep the newest few releases (the current one always); drop older ones, stale staging
    and the scratch files of assemblies whose build was killed."""
    for scratch in releases.parent.glob(f"{SCRATCH_PREFIX}*"):
        if time.time() - scratch.stat().st_mtime > STALE_STAGING_S:
            shutil.rmtree(scratch, ignore_errors=True)
    candidates = sorted(releases.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    kept = 0
    for path in candidates:
        if path.name in keep:
            continue
        if path.name.startswith(".staging-"):
            if time.time() - path.stat().st_mtime > STALE_STAGING_S:
                shutil.rmtree(path, ignore_errors=True)
        elif kept >= KEEP_RELEASES - 1:
            shutil.rmtree(path, ignore_errors=True)
        else:
            kept += 1
