"""The SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/).

Answered at the endpoint URL for a GET without a query: endpoint, language, result formats,
features, and the default dataset: its default graph (the RDF merge of the data graphs and the
VoID, with its size) and its named graphs, each listed with its size, up to MAX_LISTED_GRAPHS:
the shared graphs first, then the profile graphs by name. The provenance graphs of the source
lines are named graphs too, but not listed (a comment says where they are). The sizes come from
the release (``graphs.json``, counted by the build: counting them in the store took over ten
minutes at 100 000 cities on disk; the default graph's from the VoID).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox
from flask import Response, current_app, render_template

from citykg.contract.formats import FORMATS, GRAPH_FORMATS, HTML, W3C_FORMATS, format_iri
from citykg.contract.iris import (
    CITYKG,
    DATASET_IRI,
    PREFIXES,
    PROFILE_GRAPHS,
    REPORT_GRAPH,
    is_line_graph,
)
from citykg.contract.layout import GRAPHS_FILE
from citykg.contract.layout import VOID_FILE as VOID_FILE
from citykg.serve.errors import HttpError
from citykg.serve.http import choose, represent
from citykg.serve.negotiation import by_request_name, serialize_graph
from citykg.serve.queryview import examples
from citykg.serve.search_index import SEARCH_FUNCTIONS
from citykg.serve.services import Services, services
from citykg.serve.store import Store, release_json

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = PREFIXES["void"]
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
RDFS_COMMENT = ox.NamedNode(PREFIXES["rdfs"] + "comment")
VOID_TRIPLES = ox.NamedNode(VOID + "triples")
MAX_LISTED_GRAPHS = 1000
ALLOWED_SERVICE = f"{CITYKG}allowedService"
CLIENT_QUERIES = ox.NamedNode(f"{CITYKG}concurrentQueriesPerClient")
CLIENT_SECONDS = ox.NamedNode(f"{CITYKG}querySecondsPerClientPerMinute")
WRITTEN_PREFIXES = {  # the prefixes the description is written with
    "sd": SD,
    "void": VOID,
    "formats": W3C_FORMATS,
    "citykg": str(CITYKG),
}


DEFAULT_GRAPH_NOTE = (
    "The default graph is the RDF merge of the data graphs (every named graph but the provenance "
    "graphs and the validation report: the profile graphs, the shared graphs and the dataset "
    "description), each triple once; the dump citykg.nt.gz holds it, void.ttl aside. Outside "
    "it, reached only with GRAPH: "
    "the provenance graphs of the source lines, one per line or span of lines of a profile, named "
    "{profile graph}/line/{N} or /line/{A}-{B}, each holding the triples read from those lines "
    "and its own description (a citykg:SourceLines with citykg:firstLine, citykg:lastLine and "
    "prov:wasDerivedFrom the source file); and the SHACL validation report, the graph <"
    + str(REPORT_GRAPH)
    + ">. Where a value came from: PREFIX citykg: <"
    + str(CITYKG)
    + "> PREFIX prov: <"
    + PREFIXES["prov"]
    + "> SELECT ?graph ?first ?last ?source WHERE "
    "{ GRAPH ?graph { <S> <P> <O> . ?graph citykg:firstLine ?first ; citykg:lastLine ?last ; "
    "prov:wasDerivedFrom ?source } }"
)


def description(
    endpoint: str,
    graphs: list[tuple[str, int]],
    services: tuple[str, ...],
    default_size: int | None = None,
    client_limits: tuple[int, float] = (0, 0.0),
    functions: Mapping[str, str] | None = None,
) -> list[ox.Triple]:
    """The service description of ``endpoint`` serving ``graphs`` (name, triple count; at most
    MAX_LISTED_GRAPHS listed, source-line graphs never) and a default graph of ``default_size``
    triples (None: not known), calling only ``services`` with SERVICE, allowing each client
    ``client_limits``: queries at once and query seconds per minute (0: no limit), and offering
    the extension ``functions`` (IRI: what it does)."""
    service = ox.NamedNode(f"{endpoint}#service")
    dataset = ox.NamedNode(f"{endpoint}#dataset")
    default = ox.NamedNode(f"{endpoint}#default-graph")

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    out = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("BasicFederatedQuery")),
        ox.Triple(
            service,
            sd("defaultEntailmentRegime"),
            ox.NamedNode("http://www.w3.org/ns/entailment/Simple"),
        ),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, ox.NamedNode(PREFIXES["dcterms"] + "source"), ox.NamedNode(DATASET_IRI)),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, sd("Graph")),
        ox.Triple(default, RDFS_COMMENT, ox.Literal(DEFAULT_GRAPH_NOTE, language="en")),
    ]
    if default_size is not None:
        out.append(
            ox.Triple(default, VOID_TRIPLES, ox.Literal(str(default_size), datatype=_INTEGER))
        )
    graphs = [g for g in graphs if not is_line_graph(g[0])]
    out += _client_limits(service, *client_limits)
    for allowed in services:
        out.append(ox.Triple(service, ox.NamedNode(ALLOWED_SERVICE), ox.NamedNode(allowed)))
    for function, note in (functions or {}).items():
        out += [
            ox.Triple(service, sd("extensionFunction"), ox.NamedNode(function)),
            ox.Triple(ox.NamedNode(function), RDF_TYPE, sd("Function")),
            ox.Triple(ox.NamedNode(function), RDFS_COMMENT, ox.Literal(note, language="en")),
        ]
    for fmt in FORMATS:
        iri = format_iri(fmt)
        if iri:
            out.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(iri)))
    shared = [g for g in graphs if not g[0].startswith(PROFILE_GRAPHS)]
    listed = shared + [g for g in graphs if g[0].startswith(PROFILE_GRAPHS)]
    if len(listed) > MAX_LISTED_GRAPHS:
        listed = listed[:MAX_LISTED_GRAPHS]
        note = (
            f"{len(listed)} of the {len(graphs)} named graphs are listed here (never the "
            "source-line graphs); SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } at the "
            "endpoint lists them all"
        )
        out.append(ox.Triple(dataset, RDFS_COMMENT, ox.Literal(note, language="en")))
    for index, (name, count) in enumerate(listed):
        node = ox.NamedNode(f"{endpoint}#named-graph-{index}")
        graph = ox.NamedNode(f"{endpoint}#graph-{index}")
        out += [
            ox.Triple(dataset, sd("namedGraph"), node),
            ox.Triple(node, RDF_TYPE, sd("NamedGraph")),
            ox.Triple(node, sd("name"), ox.NamedNode(name)),
            ox.Triple(node, sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, sd("Graph")),
            ox.Triple(graph, VOID_TRIPLES, ox.Literal(str(count), datatype=_INTEGER)),
        ]
    return out


def _client_limits(service: ox.NamedNode, queries: int, seconds: float) -> list[ox.Triple]:
    """The fair share of each client (see fair_share.py), as numbers and as a sentence."""
    if not queries and not seconds:
        return []
    said = []
    out = []
    if queries:
        said.append(f"at most {queries} {'query' if queries == 1 else 'queries'} at once")
        out.append(ox.Triple(service, CLIENT_QUERIES, ox.Literal(str(queries), datatype=_INTEGER)))
    if seconds:
        said.append(f"at most {seconds:g} s of query time in any minute")
        amount = ox.Literal(f"{seconds:.3f}".rstrip("0").rstrip("."), datatype=_DECIMAL)
        out.append(ox.Triple(service, CLIENT_SECONDS, amount))
    note = (
        f"Each client (its address; per /64 for IPv6) may run {' and '.join(said)}; beyond that "
        "(after a short wait for a place, for a few more queries at once) a query is answered "
        "429 Too Many Requests with Retry-After."
    )
    return [*out, ox.Triple(service, RDFS_COMMENT, ox.Literal(note, language="en"))]


def respond(endpoint: str, format_name: str | None) -> Response:
    """The service description in the negotiated RDF format, or the query page for browsers."""
    offers = (*GRAPH_FORMATS, HTML)
    fmt = by_request_name(format_name, offers) if format_name else choose(offers)
    if fmt is None:
        raise HttpError(400, "format must be one of: " + ", ".join(f.name for f in offers))
    if fmt is HTML:
        body = render_template(
            "query.html", query="", table=None, examples=examples(), downloads=[]
        )
        return represent(body.encode(), HTML)
    config = current_app.config
    allowed = config["CITYKG_SERVICE_ALLOWLIST"]
    limits = (config["CITYKG_CLIENT_QUERIES"], config["CITYKG_CLIENT_QUERY_SECONDS"])
    release = services().release.path
    sizes = release_json(release, GRAPHS_FILE)
    if sizes is None:
        sizes = _counted(services())
    functions = {} if config["CITYKG_STORE_URL"] else SEARCH_FUNCTIONS
    triples = description(endpoint, sizes, allowed, default_graph_size(release), limits, functions)
    body = serialize_graph(triples, fmt, WRITTEN_PREFIXES)
    return represent(body, fmt)


@functools.lru_cache(maxsize=8)
def default_graph_size(release: Path) -> int | None:
    """The triples in the default graph of ``release``: those of the dump (the VoID's
    ``void:triples`` of the dataset) and those of the VoID itself (disjoint from the data: they
    describe the dataset, its dumps and linksets, which no data graph does; tested). None for a
    release without a VoID. Read once per release and process."""
    path = release / VOID_FILE
    if not path.exists():
        return None
    void = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    dataset = ox.NamedNode(DATASET_IRI)
    data = [t.object.value for t in void if t.subject == dataset and t.predicate == VOID_TRIPLES]
    return int(data[0]) + len(set(void)) if data else None


_COUNTED: dict[str, list[tuple[str, int]]] = {}  # by release id


def _counted(served: Services) -> list[tuple[str, int]]:
    """Each named graph with its triple count, counted in the store once per release: for a
    release built before the build counted them (``graphs.json``)."""
    release = served.release.id
    if release not in _COUNTED:
        _COUNTED[release] = served.engine.read(_count_graphs)
    return _COUNTED[release]


def _count_graphs(store: Store) -> list[tuple[str, int]]:
    rows = store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
        default_graphs=[],
        named_graphs=[g for g in store.named_graphs() if not is_line_graph(g)],
    )
    return [(row["g"].value, int(row["n"].value)) for row in rows]


_INTEGER = ox.NamedNode(PREFIXES["xsd"] + "integer")
_DECIMAL = ox.NamedNode(PREFIXES["xsd"] + "decimal")
