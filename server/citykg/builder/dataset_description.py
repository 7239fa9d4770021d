"""The VoID + DCAT 3 description of a release (``void.ttl``): the dataset, its dumps, SPARQL and
Triple Pattern Fragments services, Wikidata linkset, validation report (W3C DQV quality
metadata) and named graphs (https://www.w3.org/TR/void/, https://www.w3.org/TR/vocab-dcat-3/).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, VOID, XSD, Namespace

from citykg.builder.assemble import LINKS_GRAPH, Assembly
from citykg.builder.namespaces import CITYKG, DQV, ORG, SCHEMA, SPDX
from citykg.builder.report import REPORT_GRAPH, VALIDATION_REPORT
from citykg.contract import dataset as described
from citykg.contract import iris, layout
from citykg.contract.formats import CSV_TABLE, CSVW_METADATA, GZIP, IANA_MEDIA_TYPES

TPF_SPEC = "https://linkeddatafragments.org/specification/triple-pattern-fragments/"
CSVW_SPEC = "https://www.w3.org/TR/tabular-data-model/"  # CSV on the Web: the tabular data model
CSVW_METADATA_SPEC = "https://www.w3.org/TR/tabular-metadata/"
WDRS = Namespace("http://www.w3.org/2007/05/powder-s#")  # describedby, the Link relation's IRI


@dataclass(frozen=True)
class NamedGraphCounts:
    """What the release holds beyond its default graph: the lines of its N-Quads (every named
    graph) and the triples of the validation report graph."""

    quads: int
    report: int


def void_description(
    assembly: Assembly,
    issued: datetime,
    triples: int,
    sums: dict[str, str],
    sizes: dict[str, int],
    named: NamedGraphCounts | None = None,
) -> Graph:
    """VoID + DCAT 3 description of the dataset, its dumps (issued at ``issued``, the release's
    issue time), endpoint and Wikidata linkset, and (with ``named``) of the named graphs the
    endpoint serves and the validation report.

    ``<dataset>`` is the data: its ``void:triples`` counts the default graph (the N-Triples dump).
    The validation report graph is the dataset's DQV quality metadata, a ``void:Dataset`` with
    its own count. ``<dataset/named-graphs>`` is every named graph the endpoint serves (those of
    the N-Quads and this description, served as ``graph/dataset``): its ``void:triples`` is the
    sum of their sizes, which is what counting over ``GRAPH ?g`` gives.
    """
    g = Graph()
    dataset, wikidata = URIRef(iris.DATASET_IRI), URIRef(iris.WIKIDATA_DATASET)
    linkset = URIRef(iris.WIKIDATA_LINKSET)
    service = URIRef(iris.SPARQL_SERVICE)
    tpf = URIRef(iris.FRAGMENTS_SERVICE)
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal(described.TITLE, lang="en")))
    g.add((dataset, DCTERMS.description, Literal(described.DESCRIPTION, lang="en")))
    g.add((dataset, DCTERMS.source, URIRef(described.SOURCE)))
    g.add(
        (
            dataset,
            DCTERMS.modified,
            Literal(issued.date().isoformat(), datatype=XSD.date),
        )
    )
    g.add((dataset, DCTERMS.conformsTo, URIRef(iris.ONTOLOGY_IRI)))
    g.add((dataset, DCTERMS.conformsTo, URIRef(iris.SHAPES_IRI)))  # a release has no violation
    g.add((dataset, VOID.uriSpace, Literal(iris.DEFAULT_BASE)))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(iris.SPARQL_ENDPOINT_IRI)))
    g.add((dataset, VOID.triples, Literal(triples, datatype=XSD.integer)))
    g.add((dataset, VOID.subset, linkset))
    g.add((dataset, DCAT.landingPage, URIRef(iris.DEFAULT_BASE)))
    g.add((dataset, DCAT.accessService, service))
    for vocab in (
        str(SCHEMA),
        str(ORG),
        iris.PREFIXES["skos"],
        iris.PREFIXES["qb"],
        iris.PREFIXES["prov"],
        str(CITYKG),
    ):
        g.add((dataset, VOID.vocabulary, URIRef(vocab)))
    for city in sorted({p.city for p in assembly.profiles if p.city is not None})[:5]:
        g.add((dataset, VOID.exampleResource, city))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, URIRef(iris.SPARQL_ENDPOINT_IRI)))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((dataset, DCAT.accessService, tpf))
    g.add((tpf, RDF.type, DCAT.DataService))
    g.add((tpf, DCAT.endpointURL, URIRef(iris.FRAGMENTS_IRI)))
    g.add((tpf, DCAT.servesDataset, dataset))
    g.add((tpf, DCTERMS.conformsTo, URIRef(TPF_SPEC)))
    issued_at = Literal(issued.isoformat(), datatype=XSD.dateTime)
    for dump in layout.DUMPS:
        dist = _distribution(g, dataset, dump.name, dump.format.media_type, issued_at, sums, sizes)
        g.add((dataset, VOID.dataDump, URIRef(iris.dump(dump.name))))
        g.add((dist, DCAT.compressFormat, URIRef(IANA_MEDIA_TYPES + GZIP)))
    for name in (layout.TABLE_METADATA_FILE, *layout.TABLE_FILES):
        if name in sums:  # not RDF dumps: no void:dataDump
            _describe_table_file(g, dataset, name, issued_at, sums, sizes)
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
    g.add((wikidata, VOID.sparqlEndpoint, URIRef(iris.WIKIDATA_SPARQL)))
    g.add((wikidata, VOID.uriSpace, Literal(iris.WD)))
    if named is not None:
        _describe_named_graphs(g, dataset, named)
    return g


def _distribution(
    g: Graph,
    dataset: URIRef,
    name: str,
    media_type: str,
    issued: Literal,
    sums: dict[str, str],
    sizes: dict[str, int],
) -> URIRef:
    """The DCAT distribution of release file ``name``: its URL, media type, size, issue time
    and SHA-256."""
    url, dist = URIRef(iris.dump(name)), URIRef(iris.distribution(name))
    checksum = URIRef(f"{dist}/checksum")
    g.add((dataset, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.accessURL, url))
    g.add((dist, DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + media_type)))
    g.add((dist, DCAT.byteSize, Literal(sizes[name], datatype=XSD.nonNegativeInteger)))
    g.add((dist, DCTERMS.issued, issued))
    g.add((dist, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(sums[name], datatype=XSD.hexBinary)))
    return dist


def _describe_table_file(
    g: Graph,
    dataset: URIRef,
    name: str,
    issued: Literal,
    sums: dict[str, str],
    sizes: dict[str, int],
) -> None:
    """A CSV table (conforming to the CSVW tabular data model and ``wdrs:describedby`` its
    metadata, as its Link header says) or the CSVW metadata file, as a distribution."""
    if name == layout.TABLE_METADATA_FILE:
        dist = _distribution(g, dataset, name, CSVW_METADATA.media_type, issued, sums, sizes)
        g.add((dist, DCTERMS.conformsTo, URIRef(CSVW_METADATA_SPEC)))
        return
    dist = _distribution(g, dataset, name, CSV_TABLE.media_type, issued, sums, sizes)
    g.add((dist, DCTERMS.conformsTo, URIRef(CSVW_SPEC)))
    g.add((dist, WDRS.describedby, URIRef(iris.dump(layout.TABLE_METADATA_FILE))))


def _describe_named_graphs(g: Graph, dataset: URIRef, named: NamedGraphCounts) -> None:
    """The validation report as the dataset's quality metadata (W3C DQV), and every named graph
    the endpoint serves as one VoID dataset; its count, added last, includes this description."""
    report, graphs = REPORT_GRAPH, URIRef(iris.NAMED_GRAPHS_DATASET)
    g.add((dataset, DQV.hasQualityMetadata, report))
    g.add((report, RDF.type, DQV.QualityMetadata))
    g.add((report, RDF.type, VOID.Dataset))
    title = "citykg: the SHACL validation report of the release"
    g.add((report, DCTERMS.title, Literal(title, lang="en")))
    g.add((report, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/shacl/")))
    g.add((report, VOID.rootResource, VALIDATION_REPORT))
    g.add((report, VOID.sparqlEndpoint, URIRef(iris.SPARQL_ENDPOINT_IRI)))
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
    g.add((graphs, VOID.sparqlEndpoint, URIRef(iris.SPARQL_ENDPOINT_IRI)))
    g.add((graphs, VOID.dataDump, URIRef(iris.dump(layout.DUMPS[0].name))))
    total = named.quads + len(g) + 1  # this triple is one of the description's
    g.add((graphs, VOID.triples, Literal(total, datatype=XSD.integer)))
