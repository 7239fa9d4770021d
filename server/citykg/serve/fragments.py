"""Triple Pattern Fragments (https://linkeddatafragments.org/specification/triple-pattern-fragments/)
at ``/fragments``: the triples matching ``?subject=&predicate=&object=`` in the default graph
(the data: the merge of the data graphs and the VoID, each triple once; the provenance graphs of
the source lines and the validation report are named graphs, reached with SPARQL), 100 a page,
with Hydra controls (search template, paging, count) so that TPF clients such as Comunica can
query citykg without SPARQL.

Terms in the parameters use the ``hydra:ExplicitRepresentation``: an IRI as is, a literal as
``"text"``, ``"text"@lang`` or ``"text"^^datatype``. Data triples are in the default graph; the
controls are in the graph ``<fragment URL#metadata>``, as the reference server writes them.

The store cuts each page (``OFFSET``/``LIMIT``) and counts the matches (up to COUNT_LIMIT), so
only one page and one number leave it, over a remote store too. Pages are cut from the on-disk
store (or the remote store), never from a process's in-memory copy: its order is the same in
every process and replica serving the release, and does not change when a process switches to
its in-memory copy, so a client paging through a fragment sees every triple once.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request

from citykg.contract.formats import BY_NAME, HTML, Format
from citykg.contract.iris import DEFAULT_BASE, PREFIXES
from citykg.serve.errors import HttpError
from citykg.serve.http import choose, represent
from citykg.serve.links import link_for
from citykg.serve.negotiation import serialize_graph
from citykg.serve.services import services
from citykg.serve.store import Store, pattern_query

bp = Blueprint("fragments", __name__)

PAGE_SIZE = 100
MAX_PAGE = 100_000
COUNT_LIMIT = 100_000
HYDRA = "http://www.w3.org/ns/hydra/core#"
FOAF_PRIMARY_TOPIC = "http://xmlns.com/foaf/0.1/primaryTopic"
VOID, RDF, XSD = PREFIXES["void"], PREFIXES["rdf"], PREFIXES["xsd"]
OFFERS = (*(BY_NAME[n] for n in ("trig", "nquads", "turtle", "ntriples", "jsonld")), HTML)
_LITERAL = re.compile(r'^"(?P<value>.*)"(?:@(?P<lang>[A-Za-z0-9-]+)|\^\^(?P<dt>\S+))?$', re.S)


@bp.route("/fragments", methods=["GET"])
def fragment() -> Response:
    """One page of the fragment that the triple pattern in the query string selects."""
    pattern = {key: _term(request.args.get(key), key) for key in ("subject", "predicate", "object")}
    page = _page(request.args.get("page"))
    fmt = choose(OFFERS)
    start = (page - 1) * PAGE_SIZE
    triples, total = services().engine.read(lambda store: matches(store, pattern, start))
    url = _url(pattern, page)
    controls = _controls(url, pattern, page, total, len(triples))
    if fmt is HTML:
        base = DEFAULT_BASE
        body = render_template(
            "fragments.html",
            title="Triple pattern fragment",
            iri=None,
            alternates=[],
            pattern={k: (_explicit(v) if v else "") for k, v in pattern.items()},
            rows=[
                [link_for(t.subject, base), link_for(t.predicate, base), link_for(t.object, base)]
                for t in triples
            ],
            total=total,
            page=page,
            next=_url(pattern, page + 1) if start + PAGE_SIZE < total else None,
            previous=_url(pattern, page - 1) if page > 1 else None,
        )
        return represent(body.encode(), HTML)
    return represent(_body(triples, controls, url, fmt), fmt)


def matches(store: Store, pattern: dict, start: int) -> tuple[list[ox.Triple], int]:
    """The page of the fragment that begins at match ``start``, and the number of matches (at
    most COUNT_LIMIT, unless the page lies beyond). The store pages and counts: only the page
    and the count leave it."""
    s, p, o = pattern["subject"], pattern["predicate"], pattern["object"]
    select = pattern_query(s.value if s else None, p.value if p else None, o)
    rows = store.query(f"{select} OFFSET {start} LIMIT {PAGE_SIZE + 1}")
    page = [ox.Triple(row["s"], row["p"], row["o"]) for row in rows]
    if start == 0 and len(page) <= PAGE_SIZE:
        return page, len(page)
    [counted] = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {select} LIMIT {COUNT_LIMIT} }}")
    return page[:PAGE_SIZE], max(int(counted["n"].value), start + len(page))


def _body(triples: list[ox.Triple], controls: list[ox.Triple], url: str, fmt: Format) -> bytes:
    if not fmt.rdf.supports_datasets:
        return serialize_graph([*triples, *controls], fmt)
    metadata = ox.NamedNode(f"{url}#metadata")
    quads = [ox.Quad(*t, ox.DefaultGraph()) for t in triples]
    quads += [ox.Quad(*t, metadata) for t in controls]
    quads.append(ox.Quad(metadata, ox.NamedNode(FOAF_PRIMARY_TOPIC), ox.NamedNode(url), metadata))
    return serialize_graph(quads, fmt, {"hydra": HYDRA, "void": VOID})


def _controls(url: str, pattern: dict, page: int, total: int, count: int) -> list[ox.Triple]:
    """The Hydra hypermedia controls and VoID metadata of one page."""
    root = request.host_url + "fragments"
    dataset, fragment = ox.NamedNode(f"{root}#dataset"), ox.NamedNode(url)
    search = ox.NamedNode(f"{root}#search")

    def iri(x: str) -> ox.NamedNode:
        return ox.NamedNode(x)

    out = [
        ox.Triple(dataset, iri(RDF + "type"), iri(VOID + "Dataset")),
        ox.Triple(dataset, iri(RDF + "type"), iri(HYDRA + "Collection")),
        ox.Triple(dataset, iri(VOID + "subset"), fragment),
        ox.Triple(dataset, iri(HYDRA + "search"), search),
        ox.Triple(
            search, iri(HYDRA + "template"), ox.Literal(root + "{?subject,predicate,object}")
        ),
        ox.Triple(
            search, iri(HYDRA + "variableRepresentation"), iri(HYDRA + "ExplicitRepresentation")
        ),
        ox.Triple(fragment, iri(RDF + "type"), iri(HYDRA + "PartialCollectionView")),
        ox.Triple(fragment, iri(VOID + "triples"), _integer(total)),
        ox.Triple(fragment, iri(HYDRA + "totalItems"), _integer(total)),
        ox.Triple(fragment, iri(HYDRA + "itemsPerPage"), _integer(PAGE_SIZE)),
        ox.Triple(fragment, iri(HYDRA + "first"), iri(_url(pattern, 1))),
    ]
    for name, prop in (("subject", "subject"), ("predicate", "predicate"), ("object", "object")):
        mapping = ox.NamedNode(f"{root}#{name}")
        out += [
            ox.Triple(search, iri(HYDRA + "mapping"), mapping),
            ox.Triple(mapping, iri(HYDRA + "variable"), ox.Literal(name)),
            ox.Triple(mapping, iri(HYDRA + "property"), iri(RDF + prop)),
        ]
    if page > 1:
        out.append(ox.Triple(fragment, iri(HYDRA + "previous"), iri(_url(pattern, page - 1))))
    if (page - 1) * PAGE_SIZE + count < total:
        out.append(ox.Triple(fragment, iri(HYDRA + "next"), iri(_url(pattern, page + 1))))
    return out


def _url(pattern: dict, page: int) -> str:
    params = {k: _explicit(v) for k, v in pattern.items() if v is not None}
    if page > 1:
        params["page"] = str(page)
    query = urlencode(params)
    return request.host_url + "fragments" + (f"?{query}" if query else "")


def _explicit(term: ox.NamedNode | ox.Literal) -> str:
    if isinstance(term, ox.NamedNode):
        return term.value
    if term.language:
        return f'"{term.value}"@{term.language}'
    if term.datatype.value != XSD + "string":
        return f'"{term.value}"^^{term.datatype.value}'
    return f'"{term.value}"'


def _term(value: str | None, key: str) -> ox.NamedNode | ox.Literal | None:
    """A pattern position in the ExplicitRepresentation; empty or a variable means any."""
    if value is None or value == "" or value.startswith(("?", "_:")):
        return None
    if len(value) > 10_000:
        raise HttpError(400, f"{key} is too long")
    literal = _LITERAL.match(value)
    try:
        if literal and key == "object":
            if literal.group("lang"):
                return ox.Literal(literal.group("value"), language=literal.group("lang"))
            if literal.group("dt"):
                datatype = literal.group("dt").strip("<>")
                return ox.Literal(literal.group("value"), datatype=ox.NamedNode(datatype))
            return ox.Literal(literal.group("value"))
        return ox.NamedNode(value.strip("<>"))
    except ValueError:
        raise HttpError(400, f"{key} is neither an IRI nor a literal: {value[:100]!r}") from None


def _page(value: str | None) -> int:
    if value is None:
        return 1
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise HttpError(400, f"page must be a number from 1 to {MAX_PAGE}")
    return int(value)


def _integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))
