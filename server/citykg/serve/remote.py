"""A remote SPARQL 1.1 store over HTTP (Oxigraph server, Fuseki, Virtuoso, QLever, GraphDB...).

Queries go to its query endpoint (SPARQL 1.1 Protocol, URL-encoded POST); results come back as
SPARQL JSON or N-Triples and are parsed with pyoxigraph, so the rest of the server handles them
exactly as the embedded store's. A release is published into it with the SPARQL 1.1 Graph Store
Protocol, one ``PUT`` per named graph (https://www.w3.org/TR/sparql11-http-rdf-update/).

The default graph must be the union of the named graphs, as in the embedded store: set the store
up that way (Fuseki ``tdb2:unionDefaultGraph true``; Virtuoso and GraphDB query all graphs by
default) or name the parameter that asks for it per query (Oxigraph server:
``union-default-graph``).
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from citykg import __version__
from citykg.namespaces import is_iri
from citykg.serve.protocol import query_form

USER_AGENT = f"citykg/{__version__}"


class RemoteStoreError(OSError):
    """The remote store could not be reached or refused a request."""


class RemoteStore:
    """The :class:`citykg.serve.store.Store` interface over a SPARQL endpoint."""

    def __init__(
        self, query_url: str, union_parameter: str | None = None, timeout_s: float = 60.0
    ) -> None:
        self.query_url = query_url
        self.union_parameter = union_parameter
        self.timeout_s = timeout_s
        self.location = "remote"

    def query(
        self,
        sparql: str,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | Iterator[ox.Triple]:
        """See :meth:`citykg.serve.store.Store.query`."""
        params: list[tuple[str, str]] = [("query", sparql)]
        params += [("default-graph-uri", g) for g in default_graphs or []]
        params += [("named-graph-uri", g) for g in named_graphs or []]
        url = self.query_url
        if default_graphs is None and named_graphs is None and self.union_parameter:
            url += ("&" if "?" in url else "?") + urllib.parse.quote(self.union_parameter)
        graph = query_form(sparql) in ("CONSTRUCT", "DESCRIBE")
        accept = "application/n-triples" if graph else "application/sparql-results+json"
        status, body = _request(
            url,
            urllib.parse.urlencode(params).encode(),
            accept,
            self.timeout_s,
            "application/x-www-form-urlencoded",
            "POST",
        )
        if status == 400:
            raise SyntaxError(body.decode(errors="replace")[:500])
        if status >= 300:
            raise RemoteStoreError(
                f"the store answered HTTP {status}: {body.decode(errors='replace')[:300]}"
            )
        if graph:
            return iter(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)

    def triples(
        self,
        subject: str | None = None,
        predicate: str | None = None,
        obj: ox.NamedNode | ox.Literal | None = None,
        graph: str | None = None,
    ) -> Iterator[ox.Triple]:
        """See :meth:`citykg.serve.store.Store.triples`."""
        terms = {
            "s": f"<{subject}>" if subject else None,
            "p": f"<{predicate}>" if predicate else None,
            "o": str(obj) if obj is not None else None,
        }
        pattern = " ".join(t or f"?{k}" for k, t in terms.items())
        if graph:
            pattern = f"GRAPH <{graph}> {{ {pattern} }}"
        binds = " ".join(f"BIND ({t} AS ?{k})" for k, t in terms.items() if t)
        result = self.query(f"SELECT DISTINCT ?s ?p ?o WHERE {{ {pattern} . {binds} }}")
        for row in result:
            yield ox.Triple(row["s"], row["p"], row["o"])

    def named_graphs(self) -> list[str]:
        """See :meth:`citykg.serve.store.Store.named_graphs`."""
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", [], None)
        return sorted(row["g"].value for row in rows)

    def has_graph(self, name: str) -> bool:
        """See :meth:`citykg.serve.store.Store.has_graph`."""
        if not is_iri(name):
            return False
        return bool(self.query(f"ASK {{ GRAPH <{name}> {{ ?s ?p ?o }} }}", [], None))


def publish(release: Path, graph_store_url: str, timeout_s: float = 300.0) -> int:
    """Put every named graph of a release into a store with the Graph Store Protocol.

    Each graph is replaced whole (``PUT``); returns the number of graphs sent.
    """
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in ox.parse(path=str(release / "citykg.nq"), format=ox.RdfFormat.N_QUADS):
        graphs[quad.graph_name.value].append(quad.triple)
    void = release / "void.ttl"
    if void.exists():
        graphs["https://w3id.org/citykg/graph/dataset"] = list(
            ox.parse(path=str(void), format=ox.RdfFormat.TURTLE)
        )
    for name, triples in sorted(graphs.items()):
        url = (
            graph_store_url
            + ("&" if "?" in graph_store_url else "?")
            + urllib.parse.urlencode({"graph": name})
        )
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        status, answer = _request(url, body, "*/*", timeout_s, "application/n-triples", "PUT")
        if status >= 300:
            raise RemoteStoreError(
                f"PUT of graph {name} answered HTTP {status}: "
                f"{answer.decode(errors='replace')[:300]}"
            )
    return len(graphs)


def _request(
    url: str, data: bytes, accept: str, timeout_s: float, content_type: str, method: str
) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Accept": accept, "Content-Type": content_type, "User-Agent": USER_AGENT},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise RemoteStoreError(f"could not reach {url.split('?')[0]}: {exc}") from None
