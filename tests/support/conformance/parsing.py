"""Reading what a server sent back, independently of the server's own serialisers: the four
SPARQL 1.1 query results formats into rdflib terms, RDF documents into rdflib graphs, HTML pages
into what a check needs.

- JSON: https://www.w3.org/TR/sparql11-results-json/ (§3: head.vars, results.bindings, boolean)
- XML: https://www.w3.org/TR/rdf-sparql-XMLres/ (§2: head/variable, results/result/binding)
- CSV and TSV: https://www.w3.org/TR/sparql11-results-csv-tsv/ (CSV: lexical values only, so a
  CSV row is plain strings; TSV: terms in Turtle/N-Triples syntax)
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser

import rdflib
from rdflib.term import BNode, Literal, Node, URIRef
from rdflib.util import from_n3

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
RESULTS = (JSON, XML, CSV, TSV)
# RDF media types and the name of rdflib's parser for each: the syntaxes of one graph, then
# those of a dataset (a graph read from them is the merge of all its graphs)
GRAPHS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
DATASETS = {"application/n-quads": "nquads", "application/trig": "trig"}
ANY_RDF = (*GRAPHS, *DATASETS)
SRX = "{http://www.w3.org/2005/sparql-results#}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class Results:
    """A parsed results document: a SELECT's variables and rows, or an ASK's boolean."""

    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Node]] = field(default_factory=list)
    boolean: bool | None = None


def media_type(content_type: str | None) -> str:
    """The media type of a Content-Type value, lower case and without parameters."""
    return (content_type or "").split(";")[0].strip().lower()


def parse_results(kind: str, body: bytes) -> Results:
    """A results document of media type ``kind``; CSV cells become plain literals."""
    parsers = {JSON: from_json, XML: from_xml, CSV: from_csv, TSV: from_tsv}
    if kind not in parsers:
        raise AssertionError(f"{kind!r} is not a SPARQL results format")
    return parsers[kind](body)


def from_json(body: bytes) -> Results:
    document = json.loads(body.decode("utf-8"))
    if "boolean" in document:
        assert isinstance(document["boolean"], bool), document
        return Results(boolean=document["boolean"])
    variables = document["head"]["vars"]
    rows = [
        {name: _json_term(term) for name, term in binding.items()}
        for binding in document["results"]["bindings"]
    ]
    return Results(variables, rows)


def _json_term(term: dict) -> Node:
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in term:
            return Literal(value, lang=term["xml:lang"])
        return Literal(value, datatype=term.get("datatype"))
    raise AssertionError(f"unknown term type {kind!r}")


def from_xml(body: bytes) -> Results:
    root = ET.fromstring(body)
    assert root.tag == f"{SRX}sparql", root.tag
    boolean = root.find(f"{SRX}boolean")
    if boolean is not None:
        assert boolean.text in ("true", "false"), boolean.text
        return Results(boolean=boolean.text == "true")
    variables = [v.attrib["name"] for v in root.iterfind(f"{SRX}head/{SRX}variable")]
    rows = []
    for result in root.iterfind(f"{SRX}results/{SRX}result"):
        row = {}
        for binding in result.iterfind(f"{SRX}binding"):
            (element,) = list(binding)
            row[binding.attrib["name"]] = _xml_term(element)
        rows.append(row)
    return Results(variables, rows)


def _xml_term(element: ET.Element) -> Node:
    text = element.text or ""
    if element.tag == f"{SRX}uri":
        return URIRef(text)
    if element.tag == f"{SRX}bnode":
        return BNode(text)
    if element.tag == f"{SRX}literal":
        if XML_LANG in element.attrib:
            return Literal(text, lang=element.attrib[XML_LANG])
        return Literal(text, datatype=element.attrib.get("datatype"))
    raise AssertionError(f"unknown term element {element.tag}")


def from_csv(body: bytes) -> Results:
    """CSV: a header of variable names, then lexical values; an empty cell is unbound."""
    header, *lines = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    rows = [
        {v: Literal(cell) for v, cell in zip(header, line, strict=True) if cell} for line in lines
    ]
    return Results(header, rows)


def from_tsv(body: bytes) -> Results:
    """TSV: a header of ``?name`` fields, then terms in Turtle syntax; an empty field is unbound."""
    header, *lines = body.decode("utf-8").removesuffix("\n").split("\n")
    fields = header.rstrip("\r").split("\t") if header else []
    assert all(f.startswith("?") for f in fields), f"TSV header {header!r}"
    names = [f[1:] for f in fields]
    rows = []
    for line in lines:
        cells = line.rstrip("\r").split("\t")
        assert len(cells) == len(names), f"TSV row {line!r}"
        rows.append({v: from_n3(cell) for v, cell in zip(names, cells, strict=True) if cell})
    return Results(names, rows)


def lexical(rows: list[dict[str, Node]]) -> list[dict[str, Literal]]:
    """Rows as CSV carries them: every term by its lexical form (an IRI by the IRI)."""
    return [{name: Literal(str(term)) for name, term in row.items()} for row in rows]


def parse_graph(kind: str, body: bytes, base: str | None = None) -> rdflib.Graph:
    """An RDF document of media type ``kind`` (of a dataset: the merge of its graphs)."""
    if kind in GRAPHS:
        return rdflib.Graph().parse(data=body, format=GRAPHS[kind], publicID=base)
    if kind in DATASETS:
        dataset = rdflib.Dataset().parse(data=body, format=DATASETS[kind], publicID=base)
        graph = rdflib.Graph()
        for s, p, o, _ in dataset.quads():
            graph.add((s, p, o))
        return graph
    raise AssertionError(f"{kind!r} is not an RDF format")


class Page(HTMLParser):
    """What the checks read from an HTML page: its root element, title, text, the targets of its
    ``<a href>`` and its ``<link rel="alternate">`` elements (href, type)."""

    def __init__(self, body: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root: str | None = None
        self.title = ""
        self.text: list[str] = []
        self.anchors: list[str] = []
        self.alternates: list[tuple[str, str]] = []
        self._in_title = False
        self.feed(body)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.root = self.root or tag
        values = {k: v or "" for k, v in attrs}
        if tag == "title":
            self._in_title = True
        if tag == "a" and "href" in values:
            self.anchors.append(values["href"])
        if tag == "link" and "alternate" in values.get("rel", "").split():
            self.alternates.append((values.get("href", ""), values.get("type", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        self.text.append(data)

    @property
    def words(self) -> str:
        """The page's text with runs of white space made one space."""
        return " ".join(" ".join(self.text).split())
