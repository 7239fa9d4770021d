"""Putting a release into a remote SPARQL store with the SPARQL 1.1 Graph Store Protocol
(https://www.w3.org/TR/sparql11-http-rdf-update/): ``citykg publish``.

A ``PUT ...?default`` of the default graph, one ``PUT ...?graph=`` per data graph, and the
source-line graphs (some 70 for a real profile) as N-Quads in a few ``POST``s to the graph-store
URL itself, without ``?graph=``, which adds quads to the dataset: **the store must accept that**
(Oxigraph server and Fuseki do; the Graph Store Protocol itself only knows single graphs). Those
POSTs add to what a source-line graph of the same name holds already, so publish a new release
into an empty store, or with ``replace=True`` (``citykg publish --replace``): the first of them is
then a ``PUT`` to the graph-store URL, which replaces the store's whole dataset (Oxigraph server
does so), so that the store holds this release and nothing else.

Last, once the store holds the whole release, publish writes the marker the web nodes read
(:func:`published_release`): the graph ``graph/published`` holding
``<dataset> dcat:hasCurrentVersion <releases/{id}/>``. Every ``citykg serve`` over the store asks
for it every ``CITYKG_RELEASE_POLL`` seconds and moves to the release it names
(:mod:`citykg.serve.editions`). With ``replace`` the marker is gone from the start of the
publish to its end: the nodes keep the release they serve meanwhile.
"""

from __future__ import annotations

import gzip
import itertools
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from citykg.contract.iris import (
    DATASET_IRI,
    HAS_CURRENT_VERSION,
    PUBLISHED_GRAPH,
    is_line_graph,
    release_id_of,
)
from citykg.contract.iris import release as release_iri
from citykg.contract.layout import DEFAULT_GRAPH_FILE, NQUADS_FILE, VOID_FILE
from citykg.serve.remote_store import RemoteStore
from citykg.serve.store import DATASET_GRAPH_NODE
from citykg.serve.store_http import USER_AGENT, RemoteStoreError

NT = ox.RdfFormat.N_TRIPLES
LINE_BATCH = 1_000_000  # source-line quads per request (about 150 MB of N-Quads)


@dataclass(frozen=True)
class Published:
    """What :func:`publish` sent: the number of named graphs put one by one (the data graphs, the
    report, the VoID's), and the quads of the source-line graphs and the requests they took."""

    graphs: int
    line_quads: int
    line_requests: int


def publish(
    release: Path, graph_store_url: str, timeout_s: float = 300.0, replace: bool = False
) -> Published:
    """Put a release into a store with the Graph Store Protocol (see the module's docstring).

    The default graph and each data graph are replaced whole (``PUT``); the source-line graphs
    are added (``POST``), in requests of at most LINE_BATCH quads; with ``replace`` the first of
    those is a ``PUT`` replacing the store's whole dataset, so it is sent first. The marker
    naming the release goes last.
    """
    nquads, dump = release / NQUADS_FILE, release / DEFAULT_GRAPH_FILE
    if not dump.is_file():
        raise RemoteStoreError(f"{dump} is missing: the release has no default graph to put")
    batches = _line_batches(nquads)
    first = next(batches, b"" if replace else None)
    line_quads, line_requests = 0, 0
    if first is not None:
        method = "PUT" if replace else "POST"
        _send(graph_store_url, first, "application/n-quads", method, "the dataset", timeout_s)
        line_quads, line_requests = first.count(b"\n"), 1
    void = release / VOID_FILE
    void_triples = (
        ox.serialize(ox.parse(path=str(void), format=ox.RdfFormat.TURTLE), format=NT)
        if void.exists()
        else b""
    )
    _send(
        _with(graph_store_url, "default"),
        _default_graph(dump, void_triples),
        "application/n-triples",
        "PUT",
        "the default graph",
        timeout_s,
    )
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        name = quad.graph_name.value
        if not is_line_graph(name):
            graphs[name].append(quad.triple)
    if void_triples:
        graphs[DATASET_GRAPH_NODE.value] = list(ox.parse(void_triples, format=NT))
    for name, triples in sorted(graphs.items()):
        url = _with(graph_store_url, urllib.parse.urlencode({"graph": name}))
        body = ox.serialize(triples, format=NT)
        _send(url, body, "application/n-triples", "PUT", f"graph {name}", timeout_s)
    for batch in batches:
        _send(graph_store_url, batch, "application/n-quads", "POST", "the dataset", timeout_s)
        line_quads, line_requests = line_quads + batch.count(b"\n"), line_requests + 1
    marker = _with(graph_store_url, urllib.parse.urlencode({"graph": PUBLISHED_GRAPH}))
    _send(marker, _marker(release.name), "application/n-triples", "PUT", "the marker", timeout_s)
    return Published(len(graphs), line_quads, line_requests)


def _marker(release_id: str) -> bytes:
    """The marker's one triple: the dataset's current version is release ``release_id``."""
    version = ox.Triple(
        ox.NamedNode(DATASET_IRI),
        ox.NamedNode(HAS_CURRENT_VERSION),
        ox.NamedNode(release_iri(release_id)),
    )
    return ox.serialize([version], format=NT)


def published_release(store: RemoteStore) -> str | None:
    """The id of the release the store's marker names (see the module's docstring); None when
    it has no marker, or one naming no release. Raises what :meth:`RemoteStore.query` raises."""
    rows = store.query(
        f"SELECT ?v WHERE {{ GRAPH <{PUBLISHED_GRAPH}> {{ <{DATASET_IRI}> <{HAS_CURRENT_VERSION}> "
        "?v } } LIMIT 1",
        [],
        None,
    )
    version = next((row["v"] for row in rows), None)
    return release_id_of(version.value) if isinstance(version, ox.NamedNode) else None


def _line_batches(nquads: Path) -> Iterator[bytes]:
    """The quads of the source-line graphs as N-Quads (one quad a line), LINE_BATCH at most each
    time: the file is read again for them, so that they are never all in memory."""
    quads = (
        q
        for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        if is_line_graph(q.graph_name.value)
    )
    while batch := list(itertools.islice(quads, LINE_BATCH)):
        yield ox.serialize(batch, format=ox.RdfFormat.N_QUADS)


def _default_graph(dump: Path, void: bytes) -> Iterator[bytes]:
    """The default graph as N-Triples, streamed (a chunked request body): the dump, decompressed
    a block at a time, then the VoID."""
    with gzip.open(dump, "rb") as triples:
        while block := triples.read(1 << 20):
            yield block
    yield b"\n" + void


def _with(url: str, query: str) -> str:
    return url + ("&" if "?" in url else "?") + query


def _send(
    url: str,
    body: bytes | Iterator[bytes],
    content_type: str,
    method: str,
    what: str,
    timeout_s: float,
) -> None:
    """Send ``body`` with ``method``; RemoteStoreError naming ``what`` unless the store answers
    2xx."""
    request = urllib.request.Request(
        url,
        data=body,
        method=method,
        headers={"Accept": "*/*", "Content-Type": content_type, "User-Agent": USER_AGENT},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            status, answer = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, answer = exc.code, exc.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise RemoteStoreError(f"could not reach {url.split('?')[0]}: {exc}") from None
    if status >= 300:
        raise RemoteStoreError(
            f"{method} of {what} answered HTTP {status}: {answer.decode(errors='replace')[:300]}"
        )
