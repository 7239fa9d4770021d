"""Dereferenceable IRIs: every IRI minted under the base answers with its document.

"Cool URIs for the Semantic Web" (https://www.w3.org/TR/cooluris/) style chosen here: the thing's
IRI answers **200 with ``Vary: Accept``** and a ``Content-Location`` naming the format-specific
document URL (``.ttl .jsonld .rdf .nt .html``), which answers the same bytes without negotiation.
A request on any host maps onto the canonical IRI (``/id/city/x`` -> ``{base}id/city/x``), so every
IRI dereferences on localhost too.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from citykg.namespaces import ONTOLOGY_IRI, PREFIXES, is_iri
from citykg.serve import pages
from citykg.serve.describe import document
from citykg.serve.encoding import gzipped
from citykg.serve.formats import DOCUMENT, HTML, Format, serialize_graph
from citykg.serve.http import (
    HttpError,
    accepts_gzip,
    choose,
    mark_gzipped,
    represent,
    shorten,
)
from citykg.serve.links import link_for

bp = Blueprint("resources", __name__)

OFFERS = (*DOCUMENT, HTML)
EXTENSIONS = {f.extension: f for f in OFFERS}
SHAPES_IRI_PATH = "shapes"
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


@bp.route("/id/<path:_rest>", methods=["GET"])
@bp.route("/graph/<path:_rest>", methods=["GET"])
@bp.route("/source/<path:_rest>", methods=["GET"])
@bp.route("/ontology", methods=["GET"])
@bp.route("/ontology.<ext>", methods=["GET"])
@bp.route("/dataset", methods=["GET"])
@bp.route("/dataset.<ext>", methods=["GET"])
@bp.route("/shapes", methods=["GET"])
@bp.route("/shapes.<ext>", methods=["GET"])
def resource(_rest: str = "", ext: str | None = None) -> Response:
    """The document about the IRI this path stands for, in the negotiated or named format."""
    path, fmt = split_extension(request.path)
    base = current_app.config["base_iri"]
    iri = base + path.lstrip("/")
    if not is_iri(iri):
        raise HttpError(404, f"nothing is published at {shorten(iri)}")
    return respond_document(iri, path, fmt)


@bp.route("/.well-known/void", methods=["GET"])
def void() -> Response:
    """The VoID + DCAT description of the dataset (VoID §6.2, RFC 8615)."""
    base = current_app.config["base_iri"]
    return respond_document(base + "dataset", "/dataset", None, content_location=False)


def split_extension(path: str) -> tuple[str, Format | None]:
    """``/id/city/x.ttl`` -> (``/id/city/x``, Turtle); a path without a known extension as is."""
    stem, dot, ext = path.rpartition(".")
    if dot and "/" not in ext and ext in EXTENSIONS:
        return stem, EXTENSIONS[ext]
    return path, None


def respond_document(
    iri: str, path: str, fmt: Format | None, content_location: bool = True
) -> Response:
    """Serve the document about ``iri`` (404 if there is none): negotiated when ``fmt`` is None,
    else in ``fmt`` without negotiation. Rendered documents are cached per release, gzipped
    for clients that accept it."""
    negotiated = fmt is None
    try:
        fmt = fmt or choose(OFFERS)
    except HttpError:
        if not _document(iri):
            raise HttpError(404, f"nothing is published at {shorten(iri)}") from None
        raise
    alternates = [(f"{path}.{f.extension}", f) for f in OFFERS if f is not fmt]
    cache = current_app.config["document_cache"]
    gzip = accepts_gzip(request)
    key = (current_app.config["release"].id, request.host_url, iri, path, fmt.name, gzip)
    cached = cache.get(key)
    if cached is None:
        triples = _document(iri)
        if not triples:
            raise HttpError(404, f"nothing is published at {shorten(iri)}")
        if fmt is HTML:
            body = _html(iri, path, triples, alternates).encode()
        else:
            body = serialize_graph(triples, fmt, PREFIXES)
        coded = gzipped(body) if gzip else None
        cached = (body, False) if coded is None else (coded, True)
        cache.put(key, cached, len(cached[0]))
    body, is_gzipped = cached
    location = f"{path}.{fmt.extension}" if negotiated and content_location else None
    response = represent(
        body, fmt, negotiated=negotiated, alternates=alternates, content_location=location
    )
    return mark_gzipped(response) if is_gzipped else response


def _document(iri: str) -> list[ox.Triple]:
    base = current_app.config["base_iri"]
    if iri == base + SHAPES_IRI_PATH:
        return current_app.config["shapes"]
    triples = document(current_app.config["store"], iri)
    return _localise(triples, base) if iri == base + "dataset" else triples


def _localise(triples: list[ox.Triple], base: str) -> list[ox.Triple]:
    """Access URLs (endpoint, dumps) of this deployment instead of their canonical IRIs."""
    here = request.host_url
    out = []
    for t in triples:
        o = t.object
        if (
            t.predicate.value in ACCESS_PREDICATES
            and isinstance(o, ox.NamedNode)
            and o.value.startswith(base)
        ):
            o = ox.NamedNode(here + o.value[len(base) :])
        out.append(ox.Triple(t.subject, t.predicate, o))
    return sorted(out, key=str)


def _html(iri: str, path: str, triples: list[ox.Triple], alternates: list) -> str:
    store, base = current_app.config["store"], current_app.config["base_iri"]
    release = current_app.config["release"]
    common = {"iri": iri, "path": path, "alternates": alternates}
    local = path.lstrip("/")
    if CITY_PAGE.match(local):
        is_city = local.startswith("id/city/")
        profiles = pages.city_profiles(store, iri) if is_city else [iri]
        vocab = current_app.config["page_vocabulary"]
        data = [pages.profile(store, p, release, vocab) for p in profiles]
        return render_template(
            "city.html",
            profiles=data,
            query_link=pages.query_link,
            title=data[0]["name"] if data else iri,
            **common,
        )
    if local.startswith("id/concept/"):
        parts = local.split("/")
        if len(parts) == 3:
            data = pages.scheme(store, iri)
            return render_template(
                "scheme.html", scheme=data, title=data.get("label", iri), **common
            )
        data = pages.concept(store, iri)
        return render_template("concept.html", concept=data, title=data.get("label", iri), **common)
    if iri == ONTOLOGY_IRI:
        data = pages.ontology(store, str(current_app.config["ontology_graph"]))
        return render_template("ontology.html", ontology=data, title="Ontology", **common)
    return render_template(
        "resource.html", rows=_rows(triples, iri, base), title=_label(triples, iri) or iri, **common
    )


def _rows(triples: list[ox.Triple], iri: str, base: str) -> dict[str, list]:
    """A document as rows for the generic page: the resource, its parts, what points at it."""
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
    whole = iri.endswith(("/shapes", "/dataset"))
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
