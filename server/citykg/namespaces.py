"""Every namespace and IRI pattern citykg uses, declared once.

Identifiers follow ../DESIGN: things live under ``{base}id/...``, the ontology at
``{base}ontology#Term``, the shapes at ``{base}shapes#Shape``, named graphs under ``{base}graph/``.
"""

import pyoxigraph as ox
from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, QB, RDF, RDFS, SKOS, VOID, XSD

DEFAULT_BASE = "https://w3id.org/citykg/"

CITYKG = Namespace(DEFAULT_BASE + "ontology#")
SHAPES = Namespace(DEFAULT_BASE + "shapes#")
ID = Namespace(DEFAULT_BASE + "id/")
GRAPH = Namespace(DEFAULT_BASE + "graph/")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
VANN = Namespace("http://purl.org/vocab/vann/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")

ONTOLOGY_IRI = DEFAULT_BASE + "ontology"
DATASET_IRI = DEFAULT_BASE + "dataset"
SPARQL_ENDPOINT_IRI = DEFAULT_BASE + "sparql"
REPORT_GRAPH = GRAPH["validation-report"]  # a release's SHACL validation report, N-Quads only
REPORT_IRI = DEFAULT_BASE + "id/validation-report"  # its sh:ValidationReport
WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"

PREFIXES: dict[str, str] = {
    "citykg": str(CITYKG),
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "dqv": str(DQV),
    "org": str(ORG),
    "owl": str(OWL),
    "prov": str(PROV),
    "qb": str(QB),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "sh": str(SH),
    "skos": str(SKOS),
    "spdx": str(SPDX),
    "void": str(VOID),
    "wd": str(WD),
    "xsd": str(XSD),
}


PROFILE_GRAPHS = f"{GRAPH}profile/"
_LINES = "/line/"


def span_graph_name(graph: str, first: int, last: int) -> str:
    """The provenance graph of the facts a profile graph read from lines ``first``-``last``:
    ``{graph}/line/{first}`` or ``{graph}/line/{first}-{last}``."""
    return f"{graph}{_LINES}{first}" if first == last else f"{graph}{_LINES}{first}-{last}"


def is_line_graph(name: str) -> bool:
    """Whether ``name`` is a provenance graph of source lines (see :func:`span_graph_name`):
    outside the served default graph, and not listed in ``graphs.json``."""
    return name.startswith(PROFILE_GRAPHS) and _LINES in name


def concept_scheme(scheme: str) -> str:
    """IRI of the concept scheme with slug ``scheme``."""
    return f"{ID}concept/{scheme}"


def concept(scheme: str, slug: str) -> str:
    """IRI of concept ``slug`` in scheme ``scheme``."""
    return f"{ID}concept/{scheme}/{slug}"


def is_iri(value: str) -> bool:
    """Whether ``value`` is an absolute IRI (RFC 3987), as strictly as the store checks it."""
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True
