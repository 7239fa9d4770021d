"""A remote SPARQL 1.1 store over HTTP (Oxigraph server, Fuseki, Virtuoso, QLever, GraphDB...).

Queries go to its query endpoint (SPARQL 1.1 Protocol, URL-encoded POST); results come back as
SPARQL JSON or XML, or as N-Triples or Turtle, and are parsed with pyoxigraph, so the rest of the
server handles them exactly as the embedded store's.

Every exchange with the store is bounded in time and size (:mod:`citykg.serve.store_http`,
which also names what can go wrong). :meth:`RemoteStore.streamed` hands the answer to its reader
while it arrives, so a result is never held whole: the reader stops at its row cap and the
connection is closed.

The store must hold the release as the embedded store does: a real default graph holding the
data (the dump ``citykg.nt.gz``, the RDF merge of the data graphs, and the VoID), and every named
graph of ``citykg.nq`` plus the VoID as ``graph/dataset``; :mod:`citykg.serve.publishing` puts it
there. A store loaded otherwise, whose default graph is empty, may offer a union default graph
per query: ``union_parameter`` names the query-string parameter asking for it (Oxigraph server:
``union-default-graph``); that union then holds the provenance graphs and the report too.
"""

from __future__ import annotations

import contextlib
import copy
import io
import time
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from citykg.contract.iris import GRAPH, PUBLISHED_GRAPH, REPORT_GRAPH, is_iri, is_line_graph
from citykg.serve import guard
from citykg.serve.protocol import query_form
from citykg.serve.store import pattern_query
from citykg.serve.store_http import Exchange, StoreMalformed

DEFAULT_TIMEOUT_S = 60.0  # an exchange with no deadline of its own (health, listings)
DEFAULT_MAX_BYTES = 64 * 2**20
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
Result = ox.QuerySolutions | ox.QueryBoolean | Iterator[ox.Triple]
DIALECTS = ("standard", "virtuoso")
DEFAULT_PRAGMA, NAMED_PRAGMA = "DEFINE input:default-graph-uri", "DEFINE input:named-graph-uri"
NO_GRAPH = "urn:x-citykg:no-graph"  # named so that a dataset holds no named graph on Virtuoso


class RemoteStore:
    """The :class:`citykg.serve.store.Store` interface over a SPARQL endpoint. With
    ``deadline`` (a :func:`time.monotonic` value) every exchange ends by then; without, each
    exchange has DEFAULT_TIMEOUT_S.

    In the ``virtuoso`` dialect (a store whose default graph is the union of all its graphs, the
    provenance graphs among them): a query that names no dataset gets ``dataset``, Virtuoso's
    pragmas naming the release's dataset (:func:`virtuoso_dataset`); a dataset of default
    graphs only gets an empty set of named graphs, as the protocol says (Virtuoso would take
    all); an ASK is sent as ``SELECT *`` and true when a solution comes back (Virtuoso answers
    ASK with a result set, true for some false ones)."""

    def __init__(
        self,
        query_url: str,
        union_parameter: str | None = None,
        deadline: float | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        dialect: str = "standard",
        dataset: VirtuosoDataset | None = None,
    ) -> None:
        self.query_url = query_url
        self.union_parameter = union_parameter
        self.dialect = dialect
        self.dataset = dataset or VirtuosoDataset()  # virtuoso: the release's graphs
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.location = "remote"

    def until(self, deadline: float) -> RemoteStore:
        """This store with every exchange ending by ``deadline``."""
        bounded = copy.copy(self)
        bounded.deadline = deadline
        return bounded

    def query(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> Result:
        """See :meth:`citykg.serve.store.Store.query`: the whole answer read (AnswerTooLarge
        past ``max_bytes``) and checked, then handed on."""
        sent, ask = self._sent(sparql)
        with self._exchange(sent, default_graphs, named_graphs) as answer:
            body = answer.read()
        try:
            result = _parse(answer, body)
            if isinstance(result, ox.QueryBoolean):
                return result
            rows = list(result)
        except SyntaxError as exc:
            raise answer.unreadable(exc) from None
        if ask:
            return _boolean(bool(rows))
        if isinstance(result, ox.QuerySolutions):
            return _parse(answer, body)  # read again: solutions are read once
        return iter(rows)

    @contextlib.contextmanager
    def streamed(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> Iterator[Result]:
        """The answer to ``sparql``, parsed while it arrives; reading it may raise StoreTimeout,
        AnswerTooLarge or StoreMalformed. The connection closes when the block ends."""
        sent, ask = self._sent(sparql)
        with self._exchange(sent, default_graphs, named_graphs) as answer:
            try:
                result = _parse(answer, io.BufferedReader(answer, 65536))
                yield _boolean(next(iter(result), None) is not None) if ask else result
            except SyntaxError as exc:  # raised by the parser while the block read the answer
                raise answer.unreadable(exc) from None

    def _sent(self, sparql: str) -> tuple[str, bool]:
        """The query as sent to the store, and whether it is an ASK sent as SELECT."""
        if self.dialect != "virtuoso" or query_form(sparql) != "ASK":
            return sparql, False
        sent = guard.ask_as_select(sparql)
        return sent, sent != sparql

    def _exchange(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
    ) -> Exchange:
        if default_graphs or named_graphs:
            sparql = guard.without_dataset_clauses(sparql)  # the protocol's dataset wins
            if self.dialect == "virtuoso" and not named_graphs:
                named_graphs = [NO_GRAPH]
        elif self.dialect == "virtuoso" and not guard.inspect(sparql).from_graphs:
            sparql = self._virtuoso_dataset(sparql) + sparql
        params: list[tuple[str, str]] = [("query", sparql)]
        params += [("default-graph-uri", g) for g in default_graphs or []]
        params += [("named-graph-uri", g) for g in named_graphs or []]
        url = self.query_url
        if default_graphs is None and named_graphs is None and self.union_parameter:
            url += ("&" if "?" in url else "?") + urllib.parse.quote(self.union_parameter)
        graph = query_form(sparql) in ("CONSTRUCT", "DESCRIBE")
        accept = f"{GRAPH_ACCEPT}, {RESULTS_ACCEPT};q=0.8" if graph else RESULTS_ACCEPT
        deadline = self.deadline or time.monotonic() + DEFAULT_TIMEOUT_S
        body = urllib.parse.urlencode(params).encode()
        return Exchange(url, body, accept, deadline, self.max_bytes)

    def _virtuoso_dataset(self, sparql: str) -> str:
        """The pragmas of ``dataset`` a query needs: the default graphs; the named graphs only
        when it names a graph by its IRI (Virtuoso then matches ``GRAPH ?g`` in the named
        graphs given, and finds ``GRAPH <iri>`` only there): those it names, or all of them
        when it also has a ``GRAPH ?g``. Each pragma costs Virtuoso time: at 150 cities
        (9 000 graphs) a query naming them all takes some 80 ms more."""
        try:
            named, variable = guard.graph_targets(sparql)
        except guard.QueryRefused:  # the store will say what is wrong with it
            named, variable = [], True
        if not named:
            return self.dataset.default
        if variable:
            return self.dataset.default + self.dataset.named
        return self.dataset.default + _pragmas(NAMED_PRAGMA, dict.fromkeys(named))

    def triples(
        self,
        subject: str | None = None,
        predicate: str | None = None,
        obj: ox.NamedNode | ox.Literal | None = None,
        graph: str | None = None,
        limit: int | None = None,
    ) -> Iterator[ox.Triple]:
        """See :meth:`citykg.serve.store.Store.triples`."""
        select = pattern_query(subject, predicate, obj, graph)
        for row in self.query(select + (f" LIMIT {limit}" if limit is not None else "")):
            yield ox.Triple(row["s"], row["p"], row["o"])

    def named_graphs(self) -> list[str]:
        """See :meth:`citykg.serve.store.Store.named_graphs`."""
        rows = self.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", [], None)
        return sorted(row["g"].value for row in rows)

    def has_graph(self, name: str) -> bool:
        """See :meth:`citykg.serve.store.Store.has_graph`."""
        if not is_iri(name):
            return False
        return bool(self.query(f"ASK {{ GRAPH <{name}> {{ ?s ?p ?o }} }}", [], None))


def _parse(answer: Exchange, source: bytes | io.BufferedReader) -> Result:
    """The answer in ``source`` (read lazily when a stream) in the syntax the Content-Type of
    ``answer`` names; a syntax error raises SyntaxError, now or while it is read."""
    media_type = answer.content_type.split(";")[0].strip().lower()
    results = ox.QueryResultsFormat.from_media_type(media_type)
    if results is not None:
        return ox.parse_query_results(source, format=results)
    graph = ox.RdfFormat.N_TRIPLES if media_type == "text/plain" else None
    graph = graph or ox.RdfFormat.from_media_type(media_type)
    if graph is None:
        raise StoreMalformed(f"{answer.base} answered {media_type or 'no media type'}")
    return (quad.triple for quad in ox.parse(source, format=graph))


@dataclass(frozen=True)
class VirtuosoDataset:
    """Virtuoso's pragmas naming the release's graphs: ``default`` the default graphs, ``named``
    the named ones (see :func:`virtuoso_dataset`)."""

    default: str = ""
    named: str = ""


def virtuoso_dataset(store: RemoteStore) -> VirtuosoDataset:
    """Virtuoso's pragmas giving a query the release's dataset, read from the store once per
    release: as default graphs, the graphs whose merge is the release's default graph (the data
    graphs and ``graph/dataset``: every graph but the source-line graphs, the validation report
    and the publish marker; they share no triple, so no row comes twice); as named graphs, all
    of the release's graphs (given a default graph and no named one, Virtuoso matches
    ``GRAPH ?g`` in every graph but ``GRAPH <iri>`` in none). Some 70 bytes a graph."""
    rows = store.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    named = sorted(g for row in rows if (g := row["g"].value).startswith(GRAPH))
    default = [
        g for g in named if not is_line_graph(g) and g not in (REPORT_GRAPH, PUBLISHED_GRAPH)
    ]
    return VirtuosoDataset(_pragmas(DEFAULT_PRAGMA, default), _pragmas(NAMED_PRAGMA, named))


def _pragmas(pragma: str, graphs: Iterable[str]) -> str:
    """``pragma`` for each of ``graphs``, a line each."""
    return "".join(f"{pragma} <{g}>\n" for g in graphs)


def _boolean(value: bool) -> ox.QueryBoolean:
    """An ASK answer."""
    body = b'{"head":{},"boolean":%s}' % (b"true" if value else b"false")
    return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
