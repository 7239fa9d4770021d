"""The stores a release is read from, behind one small interface (:class:`Store`), and the
release itself (:class:`ReleaseInfo`).

:class:`EmbeddedStore` is the default: an on-disk Oxigraph store (pyoxigraph) made once per release
and opened read-only, so a restart opens it in about a second, several processes can share it,
and nothing a request sends can change the data.

What a store holds (:func:`load_release`): every named graph of ``citykg.nq`` (the data graphs,
the provenance graphs of the source lines, the validation report), the VoID as the graph
``graph/dataset``, and a real default graph holding only the data: the triples of the dump
``citykg.nt.gz`` (the RDF merge of the data graphs) and of the VoID. A query without a protocol
dataset reads that default graph; ``GRAPH ?g`` reaches every named graph.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import gzip
import itertools
import json
import logging
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from citykg.contract.iris import GRAPH
from citykg.contract.layout import DEFAULT_GRAPH_FILE, FINDINGS_FILE, NQUADS_FILE, VOID_FILE

DATASET_GRAPH_NODE = ox.NamedNode(str(GRAPH.dataset))
# What an on-disk store directory holds, written into its COMPLETE marker once loaded. A store
# whose marker says anything else (format 1, an empty marker: every graph only named, read as a
# union default graph) is loaded again.
STORE_FORMAT = b"citykg store 2: named graphs citykg.nq, default graph citykg.nt.gz + void.ttl\n"
COMPLETE = ".complete"
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
LOG = logging.getLogger("citykg.store")

# A query that may name a graph: it runs on the store holding every graph.
_NAMES_GRAPHS = re.compile(r"\b(?:GRAPH|FROM)\b", re.IGNORECASE)


def pattern_query(
    subject: str | None = None,
    predicate: str | None = None,
    obj: ox.NamedNode | ox.Literal | None = None,
    graph: str | None = None,
    same: Sequence[tuple[str, str]] = (),
) -> str:
    """``SELECT DISTINCT ?s ?p ?o``: the triples matching a pattern (None: any term) in the
    default graph, or in ``graph``, with the positions paired in ``same`` (``("s", "o")``)
    holding one term. ValueError for a subject, predicate or graph that is not an IRI."""
    terms = {
        "s": str(ox.NamedNode(subject)) if subject else None,
        "p": str(ox.NamedNode(predicate)) if predicate else None,
        "o": str(obj) if obj is not None else None,
    }
    pattern = " ".join(t or f"?{k}" for k, t in terms.items())
    if graph:
        pattern = f"GRAPH {ox.NamedNode(graph)} {{ {pattern} }}"
    binds = " ".join(f"BIND ({t} AS ?{k})" for k, t in terms.items() if t)
    binds += "".join(f" FILTER (sameTerm(?{a}, ?{b}))" for a, b in same)
    return f"SELECT DISTINCT ?s ?p ?o WHERE {{ {pattern} . {binds} }}"


class ReleaseMissing(FileNotFoundError):
    """There is no release to serve."""


@dataclass(frozen=True)
class ReleaseInfo:
    """What the server knows of the release it serves."""

    path: Path
    id: str
    modified: datetime
    findings: tuple[dict, ...]

    @classmethod
    def read(cls, path: Path) -> ReleaseInfo:
        """Read a release directory (``var/current`` or one under ``var/releases``)."""
        path = path.resolve()
        nquads = path / NQUADS_FILE
        if not nquads.is_file():
            raise ReleaseMissing(f"no release at {path} (run `citykg build`)")
        modified = datetime.fromtimestamp(int(nquads.stat().st_mtime), UTC)
        findings_file = path / FINDINGS_FILE
        findings = json.loads(findings_file.read_text()) if findings_file.exists() else []
        return cls(path, path.name, modified, tuple(findings))


@functools.lru_cache(maxsize=8)
def release_json(release: Path, name: str) -> Any:
    """A JSON file the build wrote into ``release`` (``CITIES``, ``GRAPHS``), read once per
    process; None for a release built before the file existed."""
    path = release / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


class Store(Protocol):
    """A SPARQL 1.1 query engine holding one release."""

    location: str  # where the data is read from: "memory", "disk" or "remote"

    def query(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run a query. Without a protocol dataset (both None) the default graph is the store's
        default graph (the data) and ``GRAPH`` reaches every named graph; with one, the default
        graph is the merge of ``default_graphs`` and the named graphs are ``named_graphs``, each
        empty when not given (SPARQL 1.1 Protocol §2.1.4).

        Raises SyntaxError for a query that does not parse.
        """
        ...

    def triples(
        self,
        subject: str | None = None,
        predicate: str | None = None,
        obj: ox.NamedNode | ox.Literal | None = None,
        graph: str | None = None,
        limit: int | None = None,
    ) -> Iterator[ox.Triple]:
        """Triples matching a pattern in the default graph, each once (or in ``graph`` only);
        the first ``limit`` of them when given (the store stops there)."""
        ...

    def named_graphs(self) -> list[str]:
        """The names of the graphs."""
        ...

    def has_graph(self, name: str) -> bool:
        """Whether a graph of that name holds any triple."""
        ...


class GraphNames:
    """The names of a store's graphs for ``in`` tests, each looked up when asked: a release
    has a graph per profile, and reading 100 000 names took a second of every start."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._store.has_graph(name)


class EmbeddedStore:
    """pyoxigraph on disk, read-only (``path`` set), or in memory.

    An in-memory store may come with a second store holding the default graph alone (``data``):
    queries that name no graph (no ``GRAPH``, ``FROM``, protocol dataset) and default-graph
    triple patterns read it. Oxigraph's indexes hold every graph, so a default-graph lookup in
    the full store also steps over the named-graph copies of the same triples (each data triple
    is in a data graph and a provenance graph too): the query mix needed 1.4 times the time.
    """

    def __init__(
        self,
        store: ox.Store,
        path: Path | None = None,
        data: ox.Store | None = None,
        functions: Mapping[ox.NamedNode, Callable] | None = None,
    ):
        self._store = store
        self._data = data
        self.path = path
        self.location = "disk" if path else "memory"
        self.functions = functions  # SPARQL extension functions, by IRI

    def _for(self, sparql: str) -> ox.Store:
        """The store to run ``sparql`` on: the default graph's own, unless it may name a graph
        (the words GRAPH or FROM anywhere, even in a string or comment, choose the full store,
        which answers every query the same way)."""
        if self._data is None or _NAMES_GRAPHS.search(sparql):
            return self._store
        return self._data

    @classmethod
    def for_release(cls, release: ReleaseInfo, store_dir: Path) -> EmbeddedStore:
        """Open the store of ``release``, loading it first if this release has none yet."""
        path = store_dir / release.id
        if not _loaded(path):
            _load(release, store_dir, path)
        return cls(ox.Store.read_only(str(path)), path)

    def query(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """See :meth:`Store.query`."""
        if default_graphs is None and named_graphs is None:
            return self._for(sparql).query(sparql, custom_functions=self.functions)
        # An empty list is an empty default graph (only None would mean the store's own).
        return self._store.query(
            sparql,
            default_graph=[ox.NamedNode(g) for g in default_graphs or []],
            named_graphs=[ox.NamedNode(g) for g in named_graphs or []],
            custom_functions=self.functions,
        )

    def triples(
        self,
        subject: str | None = None,
        predicate: str | None = None,
        obj: ox.NamedNode | ox.Literal | None = None,
        graph: str | None = None,
        limit: int | None = None,
    ) -> Iterator[ox.Triple]:
        """See :meth:`Store.triples`."""
        s = ox.NamedNode(subject) if subject else None
        p = ox.NamedNode(predicate) if predicate else None
        store = self._store if graph or self._data is None else self._data
        g = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        for q in itertools.islice(store.quads_for_pattern(s, p, obj, g), limit):
            yield q.triple

    def named_graphs(self) -> list[str]:
        """See :meth:`Store.named_graphs`."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def has_graph(self, name: str) -> bool:
        """See :meth:`Store.has_graph`."""
        try:
            graph = ox.NamedNode(name)
        except ValueError:
            return False
        return self._store.contains_named_graph(graph)


def load_release(store: ox.Store, release: Path) -> None:
    """Bulk-load a release into ``store``: its named graphs (``citykg.nq``), its default graph
    (the dump ``citykg.nt.gz``, streamed through gzip) and its VoID, both as the dataset graph and
    into the default graph."""
    store.bulk_load(path=str(release / NQUADS_FILE), format=ox.RdfFormat.N_QUADS)
    load_default_graph(store, release)
    if (release / VOID_FILE).exists():
        store.bulk_load(
            path=str(release / VOID_FILE), format=ox.RdfFormat.TURTLE, to_graph=DATASET_GRAPH_NODE
        )


def load_default_graph(store: ox.Store, release: Path) -> None:
    """Bulk-load a release's default graph into ``store``: the dump ``citykg.nt.gz`` (streamed
    through gzip) and the VoID."""
    dump = release / DEFAULT_GRAPH_FILE
    if not dump.is_file():
        raise ReleaseMissing(
            f"{release} has no {DEFAULT_GRAPH_FILE} (its default graph): build it again"
        )
    with gzip.open(dump, "rb") as triples:
        store.bulk_load(triples, ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    if (release / VOID_FILE).exists():
        store.bulk_load(path=str(release / VOID_FILE), format=ox.RdfFormat.TURTLE)


def load_in_memory(release: Path, lock: Path) -> EmbeddedStore | None:
    """The release loaded into an in-memory store (about 7 times faster to read than the disk
    store), or None if that failed. Processes take turns (a file lock on ``lock``), so loading
    never takes both cores from the requests being answered meanwhile."""
    try:
        with open(lock, "a") as turn:
            fcntl.flock(turn, fcntl.LOCK_EX)
            memory, data = ox.Store(), ox.Store()
            load_release(memory, release)
            load_default_graph(data, release)
    except OSError as exc:
        LOG.warning("staying on the disk store: %s", exc)
        return None
    return EmbeddedStore(memory, data=data)


def _loaded(path: Path) -> bool:
    """Whether ``path`` holds a store of this format, completely loaded."""
    with contextlib.suppress(OSError):
        return (path / COMPLETE).read_bytes() == STORE_FORMAT
    return False


def _load(release: ReleaseInfo, store_dir: Path, path: Path) -> None:
    """Bulk-load a release into a fresh directory, then move it into place atomically, in place
    of a store of another format there (moved aside, then deleted). Processes take turns (a file
    lock beside the store): the one that comes second finds the store loaded."""
    store_dir.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.load-lock", "a") as turn:
        fcntl.flock(turn, fcntl.LOCK_EX)
        if _loaded(path):
            return
        staging = Path(tempfile.mkdtemp(prefix=".loading-", dir=store_dir))
        try:
            store = ox.Store(str(staging / "db"))
            load_release(store, release.path)
            store.optimize()
            store.flush()
            del store
            (staging / "db" / COMPLETE).write_bytes(STORE_FORMAT)
            if path.exists():
                LOG.warning("replacing the store at %s, loaded by an older citykg", path)
                path.rename(staging / "stale")
            (staging / "db").rename(path)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
