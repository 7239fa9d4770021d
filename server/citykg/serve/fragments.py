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
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlencode

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


POSITIONS = ("subject", "predicate", "object")
IRI_QUERY_SAFE = "/?:@!$&'()*+,;=%~-._"  # what a query string keeps as it is (RFC 3987)
_VARIABLE = re.compile(r"^\?\w+$")


@dataclass(frozen=True)
class Selector:
    """A triple pattern: a term for each constant position, a name for each named variable."""

    terms: dict[str, ox.NamedNode | ox.Literal | None]
    variables: dict[str, str]

    @classmethod
    def of(cls, args: Mapping[str, str]) -> Selector:
        """The pattern of a query string (HttpError 400 for a term that does not parse)."""
        terms = {key: _term(args.get(key), key) for key in POSITIONS}
        named = {key: args[key] for key in POSITIONS if _VARIABLE.match(args.get(key) or "")}
        return cls(terms, named)

    @property
    def impossible(self) -> bool:
        """Whether no triple can match: a literal as subject or predicate."""
        return any(isinstance(self.terms[key], ox.Literal) for key in ("subject", "predicate"))

    def same(self) -> list[tuple[str, str]]:
        """Positions holding the same named variable, as pattern variable pairs (``s``, ``o``)."""
        keys = list(self.variables)
        return [
            (a[0], b[0])
            for i, a in enumerate(keys)
            for b in keys[i + 1 :]
            if self.variables[a] == self.variables[b]
        ]

    def params(self) -> list[tuple[str, str]]:
        """The query parameters that select this fragment."""
        out = []
        for key in POSITIONS:
            term = self.terms[key]
            if term is not None:
                out.append((key, _explicit(term)))
            elif key in self.variables:
                out.append((key, self.variables[key]))
        return out


@dataclass(frozen=True)
class Found:
    """One page of a fragment, the number of matches (an estimate past COUNT_LIMIT) and
    whether another page follows."""

    triples: list[ox.Triple]
    total: int
    more: bool


@bp.route("/fragments", methods=["GET"])
def fragment() -> Response:
    """One page of the fragment that the triple pattern in the query string selects. An empty
    page, or a pattern that can match nothing (a literal as subject), is an empty fragment with
    its controls, answered 200 (docs/decisions/0006-empty-fragments-answer-200.md)."""
    page = _page(request.args.get("page"))
    fmt = choose(OFFERS)
    start = (page - 1) * PAGE_SIZE
    selector = Selector.of(request.args)
    if selector.impossible:
        found = Found([], 0, False)
    else:
        found = services().engine.read(lambda store: matches(store, selector, start))
    url = _requested_url()
    links = _links(selector, page, found)
    if fmt is HTML:
        base = DEFAULT_BASE
        body = render_template(
            "fragments.html",
            title="Triple pattern fragment",
            iri=None,
            alternates=[],
            pattern={k: (_explicit(v) if v else "") for k, v in selector.terms.items()},
            rows=[
                [link_for(t.subject, base), link_for(t.predicate, base), link_for(t.object, base)]
                for t in found.triples
            ],
            total=found.total,
            page=page,
            next=links.get("next"),
            previous=links.get("previous"),
        )
        return represent(body.encode(), HTML)
    controls = _controls(url, _url(selector, 1) if page > 1 else url, found, links)
    return represent(_body(found.triples, controls, url, fmt), fmt)


def matches(store: Store, selector: Selector, start: int) -> Found:
    """The page of the fragment that begins at match ``start``. The store pages and counts
    (up to COUNT_LIMIT): only the page and the number leave it."""
    s, p, o = (selector.terms[key] for key in POSITIONS)
    select = pattern_query(s.value if s else None, p.value if p else None, o, same=selector.same())
    rows = store.query(f"{select} OFFSET {start} LIMIT {PAGE_SIZE + 1}")
    page = [ox.Triple(row["s"], row["p"], row["o"]) for row in rows]
    more = len(page) > PAGE_SIZE
    if start == 0 and not more:
        return Found(page, len(page), False)
    [counted] = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {select} LIMIT {COUNT_LIMIT} }}")
    total = int(counted["n"].value)
    if total >= COUNT_LIMIT:  # counted no further: at least as far as this page reaches
        total = max(total, start + len(page))
    return Found(page[:PAGE_SIZE], total, more)


def _requested_url() -> str:
    """The URL the client asked for, as it asked (the specification's page URL), with the
    bytes an IRI cannot hold (``|``, ``^``, a space…) percent-encoded."""
    return _fragments_url(quote(request.query_string, safe=IRI_QUERY_SAFE))


def _links(selector: Selector, page: int, found: Found) -> dict[str, str]:
    """The first, previous and next pages that hold triples (none that would be empty)."""
    links = {"first": _url(selector, 1)}
    if page > 1 and (page - 2) * PAGE_SIZE < found.total:
        links["previous"] = _url(selector, page - 1)
    if found.more:
        links["next"] = _url(selector, page + 1)
    return links


def _body(triples: list[ox.Triple], controls: list[ox.Triple], url: str, fmt: Format) -> bytes:
    if not fmt.rdf.supports_datasets:
        return serialize_graph([*triples, *controls], fmt)
    metadata = ox.NamedNode(f"{url}#metadata")
    quads = [ox.Quad(*t, ox.DefaultGraph()) for t in triples]
    quads += [ox.Quad(*t, metadata) for t in controls]
    quads.append(ox.Quad(metadata, ox.NamedNode(FOAF_PRIMARY_TOPIC), ox.NamedNode(url), metadata))
    return serialize_graph(quads, fmt, {"hydra": HYDRA, "void": VOID})


def _controls(url: str, fragment_url: str, found: Found, links: dict[str, str]) -> list[ox.Triple]:
    """The Hydra hypermedia controls and VoID metadata of the page at ``url``: the count is
    said of the fragment, which holds the page as a subset."""
    root = _fragments_url("")
    dataset, view, fragment = (
        ox.NamedNode(f"{root}#dataset"),
        ox.NamedNode(url),
        ox.NamedNode(fragment_url),
    )
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
        ox.Triple(fragment, iri(VOID + "triples"), _integer(found.total)),
        ox.Triple(fragment, iri(HYDRA + "totalItems"), _integer(found.total)),
        ox.Triple(view, iri(RDF + "type"), iri(HYDRA + "PartialCollectionView")),
        ox.Triple(view, iri(HYDRA + "itemsPerPage"), _integer(PAGE_SIZE)),
    ]
    if view != fragment:
        out.append(ox.Triple(fragment, iri(VOID + "subset"), view))
    for name, prop in (("subject", "subject"), ("predicate", "predicate"), ("object", "object")):
        mapping = ox.NamedNode(f"{root}#{name}")
        out += [
            ox.Triple(search, iri(HYDRA + "mapping"), mapping),
            ox.Triple(mapping, iri(HYDRA + "variable"), ox.Literal(name)),
            ox.Triple(mapping, iri(HYDRA + "property"), iri(RDF + prop)),
        ]
    out += [ox.Triple(view, iri(HYDRA + rel), iri(target)) for rel, target in links.items()]
    return out


def _url(selector: Selector, page: int) -> str:
    params = selector.params() + ([("page", str(page))] if page > 1 else [])
    return _fragments_url(urlencode(params))


def _fragments_url(query: str) -> str:
    """The URL of /fragments on this deployment with ``query``."""
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
    """A pattern position in the ExplicitRepresentation; empty or a variable means any (a
    literal may stand anywhere: as subject or predicate it matches nothing)."""
    if value is None or value == "" or value.startswith(("?", "_:")):
        return None
    if len(value) > 10_000:
        raise HttpError(400, f"{key} is too long")
    literal = _LITERAL.match(value)
    try:
        if literal:
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
