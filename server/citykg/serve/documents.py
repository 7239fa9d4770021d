"""The documents of release resources rendered to bytes: RDF formats and HTML pages.

Nothing here touches Flask's request state, so a document renders wherever the store is: in a
query worker on the embedded default (pages then render on every core, bounded by the query
time limit and stopped with their worker like a query), in the web process for a remote store.
The web process negotiates the format, caches the bytes per release and adds the headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import jinja2
import pyoxigraph as ox

from citykg.contract.formats import BY_NAME, DOCUMENT, HTML, Format
from citykg.contract.iris import DEFAULT_BASE, GRAPH, ONTOLOGY_IRI, PREFIXES, is_line_graph
from citykg.serve import pages
from citykg.serve.describe import document
from citykg.serve.links import link_for, safe_href
from citykg.serve.negotiation import serialize_graph
from citykg.serve.store import ReleaseInfo, Store

OFFERS = (*DOCUMENT, HTML)
TEMPLATES = Path(__file__).parent / "templates"
SHAPES_IRI = DEFAULT_BASE + "shapes"
DATASET_IRI = DEFAULT_BASE + "dataset"
CITY_PAGE = re.compile(r"^id/(?:city/[^/]+|profile/[^/]+/[^/]+)$")
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
ACCESS_PREDICATES = {
    VOID + "sparqlEndpoint",
    VOID + "dataDump",
    DCAT + "downloadURL",
    DCAT + "accessURL",
    DCAT + "endpointURL",
}


@dataclass(frozen=True)
class DocumentJob:
    """The document about ``iri`` (served at ``path``) in the format named ``format``, as seen
    from ``host_url`` (the dataset description names this deployment's endpoint and dumps)."""

    iri: str
    path: str
    format: str
    host_url: str
    gzip: bool = False


class DocumentMissing(LookupError):
    """Nothing is published at the IRI."""


def alternates(path: str, fmt: Format) -> list[tuple[str, Format]]:
    """The other representations of the document at ``path``: (URL, format)."""
    return [(f"{path}.{f.extension}", f) for f in OFFERS if f is not fmt]


def configure(env: jinja2.Environment, release: ReleaseInfo) -> None:
    """What every template of the site may use: the ``href`` filter and the release."""
    env.filters["href"] = lambda iri: safe_href(iri, DEFAULT_BASE)
    env.globals["release"] = release


class _DataEnvironment(jinja2.Environment):
    """Templates over plain dicts (what :mod:`pages` returns): ``row.label`` looks the key up
    first, where Jinja would first try, and fail, an attribute lookup (a third of a city page's
    rendering time went to those failures)."""

    def getattr(self, obj: object, attribute: str) -> object:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


class Documents:
    """Renders the documents of one release from whichever store holds it."""

    def __init__(self, release: ReleaseInfo, vocabulary: pages.Vocabulary | None = None) -> None:
        self.release = release
        self._vocabulary = vocabulary
        self._env = _DataEnvironment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=jinja2.select_autoescape(["html"]),
        )
        configure(self._env, release)

    def render(self, store: Store, job: DocumentJob) -> bytes:
        """The document's bytes (not gzipped); DocumentMissing when nothing is published."""
        fmt = BY_NAME[job.format]
        if fmt is HTML and CITY_PAGE.match(job.path.lstrip("/")):
            if next(store.triples(subject=job.iri), None) is None:
                raise DocumentMissing(job.iri)
            return self._city_page(store, job, alternates(job.path, fmt)).encode()
        triples = self._triples(store, job.iri, job.host_url)
        if not triples:
            raise DocumentMissing(job.iri)
        if fmt is HTML:
            return self._html(store, job, triples, alternates(job.path, fmt)).encode()
        return serialize_graph(triples, fmt, PREFIXES)

    def _triples(self, store: Store, iri: str, host_url: str) -> list[ox.Triple]:
        """The document about ``iri`` as triples (empty: nothing is published there)."""
        if iri == SHAPES_IRI:
            return self._shapes
        triples = document(store, iri)
        return _localise(triples, host_url) if iri == DATASET_IRI else triples

    @cached_property
    def _shapes(self) -> list[ox.Triple]:
        path = self.release.path / "shapes.ttl"
        if not path.exists():
            return []
        return sorted(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE), key=str)

    def _page(self, template: str, title: str | None, **context: object) -> str:
        return self._env.get_template(template).render(title=title or context["iri"], **context)

    def _city_page(self, store: Store, job: DocumentJob, alts: list) -> str:
        """A city's profiles (newest first), or one profile, as the profile reads."""
        if self._vocabulary is None:
            self._vocabulary = pages.vocabulary(store)
        iri = job.iri
        profiles = pages.city_profiles(store, iri) if job.path.startswith("/id/city/") else [iri]
        data = [pages.profile(store, p, self.release, self._vocabulary) for p in profiles]
        return self._page(
            "city.html",
            title=data[0]["name"] if data else iri,
            profiles=data,
            query_link=pages.query_link,
            iri=iri,
            path=job.path,
            alternates=alts,
        )

    def _html(self, store: Store, job: DocumentJob, triples: list[ox.Triple], alts: list) -> str:
        iri, path = job.iri, job.path
        common = {"iri": iri, "path": path, "alternates": alts}
        local = path.lstrip("/")
        if local.startswith("id/concept/"):
            if len(local.split("/")) == 3:
                data = pages.scheme(store, iri)
                return self._page("scheme.html", scheme=data, title=data.get("label"), **common)
            data = pages.concept(store, iri)
            return self._page("concept.html", concept=data, title=data.get("label"), **common)
        if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_IRI + "/"):  # or a version IRI
            data = pages.ontology(store, str(GRAPH.ontology))
            return self._page("ontology.html", ontology=data, title="Ontology", **common)
        rows = _rows(triples, iri)
        return self._page("resource.html", rows=rows, title=_label(triples, iri) or iri, **common)


def _localise(triples: list[ox.Triple], host_url: str) -> list[ox.Triple]:
    """Access URLs (endpoint, dumps) of this deployment instead of their canonical IRIs."""
    out = []
    for t in triples:
        o = t.object
        if (
            t.predicate.value in ACCESS_PREDICATES
            and isinstance(o, ox.NamedNode)
            and o.value.startswith(DEFAULT_BASE)
        ):
            o = ox.NamedNode(host_url + o.value[len(DEFAULT_BASE) :])
        out.append(ox.Triple(t.subject, t.predicate, o))
    return sorted(out, key=str)


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
    whole = iri.endswith(("/shapes", "/dataset")) or is_line_graph(iri)
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
        if t.subject.value == iri and t.predicate.value.endswith(
            ("#prefLabel", "/name", "#label", "/title")
        ):
            return t.object.value
    return None
