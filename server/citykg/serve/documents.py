"""The documents of release resources rendered to bytes: RDF formats and HTML pages.

Nothing here touches Flask's request state, so a document renders wherever the store is: in a
query worker on the embedded engine (pages then render on every core, bounded by the query time
limit and stopped with their worker like a query), in the web process for a remote store. The
HTML page of an IRI is chosen by its kind in one table, :data:`PAGES`: a data function over the
store and a template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import jinja2
import pyoxigraph as ox

from citykg.contract.formats import BY_NAME, DOCUMENT_FORMATS, HTML, Format
from citykg.contract.iris import (
    DATASET_IRI,
    DEFAULT_BASE,
    ONTOLOGY_GRAPH,
    ONTOLOGY_IRI,
    PREFIXES,
    SHAPES_IRI,
    id_kind,
    is_line_graph,
)
from citykg.contract.layout import GRAPHS_FILE, SHAPES_FILE, VOID_FILE
from citykg.serve.describe import document, published
from citykg.serve.engine.base import DocumentJob, NotFound
from citykg.serve.links import link_for
from citykg.serve.negotiation import serialize_graph
from citykg.serve.pages import concepts, ontology, profile
from citykg.serve.pages.select import query_link
from citykg.serve.store import ReleaseInfo, Store, release_json

OFFERS = (*DOCUMENT_FORMATS, HTML)
DUMPS_PREFIX = "dumps/"  # the dumps' path under the base; a release's own are releases/{id}/
ACCESS_PREDICATES = {
    PREFIXES["void"] + "sparqlEndpoint",
    PREFIXES["void"] + "dataDump",
    PREFIXES["dcat"] + "downloadURL",
    PREFIXES["dcat"] + "accessURL",
    PREFIXES["dcat"] + "endpointURL",
}
TITLES = ("#prefLabel", "/name", "#label", "/title")  # predicates a resource page's title is


def alternates(path: str, fmt: Format) -> list[tuple[str, Format]]:
    """The other representations of the document at ``path``: (URL, format)."""
    return [(f"{path}.{f.extension}", f) for f in OFFERS if f is not fmt]


def page_kind(iri: str) -> str:
    """Which page shows ``iri``: ``ontology`` (also its version IRIs), the kind of an IRI under
    ``id/`` (:func:`citykg.contract.iris.id_kind`), else ``resource``."""
    if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_IRI + "/"):
        return "ontology"
    return id_kind(iri) or "resource"


class Documents:
    """Renders the documents of one release from whichever store holds it, with ``env``."""

    def __init__(
        self,
        release: ReleaseInfo,
        env: jinja2.Environment,
        vocabulary: profile.Vocabulary | None = None,
    ) -> None:
        self.release = release
        self._env = env
        self._vocabulary = vocabulary

    def render(self, store: Store, job: DocumentJob) -> bytes:
        """The document's bytes (not gzipped); NotFound when nothing is published."""
        fmt = BY_NAME[job.format]
        if fmt is not HTML:
            return serialize_graph(self.triples(store, job), fmt, PREFIXES)
        page = PAGES.get(page_kind(job.iri), PAGES["resource"])
        context = page.data(self, store, job)
        title = context.pop("title") or job.iri
        return (
            self._env.get_template(page.template)
            .render(
                title=title,
                iri=job.iri,
                path=job.path,
                alternates=alternates(job.path, fmt),
                **context,
            )
            .encode()
        )

    def triples(self, store: Store, job: DocumentJob) -> list[ox.Triple]:
        """The document about the job's IRI as triples; NotFound when there are none."""
        if job.iri == SHAPES_IRI:
            triples = self._shapes
        elif job.iri == DATASET_IRI:
            triples = self._dataset or document(store, job.iri)
            triples = _localise(triples, job.host_url, _release_prefix(job.path))
        else:
            triples = document(store, job.iri, self._graph_sizes)
        if not triples:
            raise NotFound(job.iri)
        return triples

    def vocabulary(self, store: Store) -> profile.Vocabulary:
        """The release's labels and policy areas, read once."""
        if self._vocabulary is None:
            self._vocabulary = profile.vocabulary(store)
        return self._vocabulary

    @cached_property
    def _shapes(self) -> list[ox.Triple]:
        return _read_turtle(self.release.path / SHAPES_FILE)

    @cached_property
    def _graph_sizes(self) -> dict[str, int]:
        """Each named graph's triple count, as the build wrote them (none for an older release)."""
        return dict(release_json(self.release.path, GRAPHS_FILE) or [])

    @cached_property
    def _dataset(self) -> list[ox.Triple]:
        """The dataset description as the release wrote it: a store may answer a literal of a
        derived type (``dcat:byteSize`` is an ``xsd:nonNegativeInteger``) as its base type."""
        return _read_turtle(self.release.path / VOID_FILE)


def _read_turtle(path: Path) -> list[ox.Triple]:
    """The triples of a Turtle file of the release, sorted; none when it has no such file."""
    if not path.exists():
        return []
    return sorted(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE), key=str)


@dataclass(frozen=True)
class Page:
    """An HTML page kind: its data (the template's context, ``title`` included; NotFound when
    nothing is published) and its template."""

    data: Callable[[Documents, Store, DocumentJob], dict]
    template: str


def _profiles(documents: Documents, store: Store, job: DocumentJob) -> dict:
    """A city's profiles (newest first), or one profile, as the profile reads."""
    iri = job.iri
    if next(store.triples(subject=iri, limit=1), None) is None:
        raise NotFound(iri)
    vocab = documents.vocabulary(store)
    iris = profile.city_profiles(store, iri) if id_kind(iri) == "city" else [iri]
    data = [profile.profile(store, p, documents.release, vocab) for p in iris]
    return {"title": data[0]["name"] if data else iri, "profiles": data, "query_link": query_link}


def _scheme(documents: Documents, store: Store, job: DocumentJob) -> dict:
    _published(store, job.iri)
    data = concepts.scheme(store, job.iri)
    return {"title": data.get("label"), "scheme": data}


def _concept(documents: Documents, store: Store, job: DocumentJob) -> dict:
    _published(store, job.iri)
    data = concepts.concept(store, job.iri)
    return {"title": data.get("label"), "concept": data}


def _ontology(documents: Documents, store: Store, job: DocumentJob) -> dict:
    _published(store, job.iri)
    data = ontology.ontology(store, str(ONTOLOGY_GRAPH), documents._shapes)
    return {"title": data["title"], "ontology": data}


def _published(store: Store, iri: str) -> None:
    """NotFound unless something is published about ``iri`` (a page built from its own queries
    need not build the document first: over a remote store that is a query per mention)."""
    if not published(store, iri):
        raise NotFound(iri)


def _resource(documents: Documents, store: Store, job: DocumentJob) -> dict:
    triples = documents.triples(store, job)
    return {"title": _label(triples, job.iri), "rows": _rows(triples, job.iri)}


PAGES = {
    "city": Page(_profiles, "city.html"),
    "profile": Page(_profiles, "city.html"),
    "scheme": Page(_scheme, "scheme.html"),
    "concept": Page(_concept, "concept.html"),
    "ontology": Page(_ontology, "ontology.html"),
    "resource": Page(_resource, "resource.html"),
}


def _localise(triples: list[ox.Triple], host_url: str, release: str | None) -> list[ox.Triple]:
    """Access URLs (endpoint, dumps) of this deployment instead of their canonical IRIs; in the
    memento of release ``release`` (``releases/{id}/``), that release's endpoint and files."""
    out = []
    for t in triples:
        o = t.object
        if (
            t.predicate.value in ACCESS_PREDICATES
            and isinstance(o, ox.NamedNode)
            and o.value.startswith(DEFAULT_BASE)
        ):
            local = o.value[len(DEFAULT_BASE) :]
            if release and (local == "sparql" or local.startswith(DUMPS_PREFIX)):
                local = release + local.removeprefix(DUMPS_PREFIX)
            o = ox.NamedNode(host_url + local)
        out.append(ox.Triple(t.subject, t.predicate, o))
    return sorted(out, key=str)


def _release_prefix(path: str) -> str | None:
    """``releases/{id}/`` for the path of a memento (``/releases/{id}/dataset``), else None."""
    parts = path.split("/")
    return f"releases/{parts[2]}/" if len(parts) > 3 and parts[1] == "releases" else None


def _rows(triples: list[ox.Triple], iri: str) -> dict[str, list]:
    """A document as rows for the generic page: the resource, its parts, what points at it."""
    base = DEFAULT_BASE
    subject = ox.NamedNode(iri)
    out = [
        (link_for(t.predicate, base), link_for(t.object, base))
        for t in triples
        if t.subject == subject
    ]
    incoming = [
        (link_for(t.subject, base), link_for(t.predicate, base))
        for t in triples
        if t.object == subject
    ]
    whole = iri in (SHAPES_IRI, DATASET_IRI) or is_line_graph(iri)
    parts: dict[ox.NamedNode | ox.BlankNode, list] = {}
    for t in triples:
        own = isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(iri + "/")
        if t.subject != subject and (own or whole):
            parts.setdefault(t.subject, []).append(
                (link_for(t.predicate, base), link_for(t.object, base))
            )
    return {
        "out": out,
        "incoming": incoming,
        "parts": [(link_for(s, base), rows) for s, rows in parts.items()],
    }


def _label(triples: list[ox.Triple], iri: str) -> str | None:
    for t in triples:
        if t.subject.value == iri and t.predicate.value.endswith(TITLES):
            return t.object.value
    return None
