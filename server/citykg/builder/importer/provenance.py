"""PROV-O for a profile graph: derived from its source file (and its SHA-256) by this importer,
with how its survey wave was decided and what the publisher's metadata lines say. No time: the
same source gives the same graph in every build, so a graph changes between releases only when
what it says does (the release's issue time is in its record)."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from citykg import __version__
from citykg.builder.importer.context import Context
from citykg.builder.importer.wave import Wave
from citykg.builder.namespaces import CITYKG, SCHEMA
from citykg.contract import iris
from citykg.contract.findings import Severity

SOFTWARE = URIRef(iris.software(__version__))


def provenance(ctx: Context, graph_iri: URIRef, wave: Wave, sha256: str) -> None:
    """The graph's derivation, the wave's basis and the metadata lines."""
    record, src = ctx.record, ctx.source.iri
    activity = URIRef(f"{graph_iri}/import")
    record.structure(graph_iri, RDF.type, PROV.Entity)
    record.structure(graph_iri, PROV.wasDerivedFrom, src)
    record.structure(graph_iri, PROV.wasGeneratedBy, activity)
    record.structure(activity, RDF.type, PROV.Activity)
    record.structure(activity, PROV.used, src)
    record.structure(activity, PROV.wasAssociatedWith, SOFTWARE)
    software = ctx.entities
    software.add((SOFTWARE, RDF.type, PROV.SoftwareAgent))
    software.add((SOFTWARE, RDFS.label, Literal(f"citykg importer {__version__}")))
    software.add((SOFTWARE, SCHEMA.softwareVersion, Literal(__version__)))
    record.structure(src, RDF.type, PROV.Entity)
    record.structure(src, CITYKG.sha256, Literal(sha256))
    record.structure(src, RDFS.label, Literal(ctx.source.path))
    basis = ctx.schemes.concept("wave-basis", wave.basis)
    record.fact(activity, CITYKG.waveBasis, basis, wave.line)
    note = ctx.profile.wave_note
    if note is not None and ctx.cut is not note.line:
        record.text(ctx.profile_iri, CITYKG.snapshotNote, note.line.text, note.line, lang="en")
    metadata = ctx.profile.metadata
    if "wave-basis" in metadata:
        line = metadata["wave-basis"]
        record.text(activity, CITYKG.waveBasisNote, line.text, line)
    if "retrieved" in metadata:
        line = metadata["retrieved"]
        record.text(src, CITYKG.retrievedOn, line.text, line)
    url = metadata.get("source")
    if url is not None and re.match(r"^https?://\S+$", url.text):
        record.fact(src, PROV.hadPrimarySource, URIRef(url.text), url)
    elif url is not None:
        record.skip(
            url,
            Severity.WARNING,
            "metadata",
            f"source {url.text[:80]!r} is not an http(s) URL; not recorded",
        )
