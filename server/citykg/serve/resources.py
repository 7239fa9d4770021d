"""Dereferenceable IRIs: every IRI minted under the base answers with its document.

"Cool URIs for the Semantic Web" (https://www.w3.org/TR/cooluris/) style chosen here: the thing's
IRI answers **200 with ``Vary: Accept``** and a ``Content-Location`` naming the format-specific
document URL (``.ttl .jsonld .rdf .nt .html``), which answers the same bytes without negotiation.
A request on any host maps onto the canonical IRI (``/id/city/x`` -> ``{base}id/city/x``), so every
IRI dereferences on localhost too. Each of these routes is also a Memento TimeGate
(:mod:`citykg.serve.memento`).
"""

from __future__ import annotations

import contextlib

from flask import Blueprint, Response, current_app, request

from citykg.contract.formats import Format
from citykg.contract.iris import DATASET_IRI, DEFAULT_BASE, ONTOLOGY_IRI, is_iri
from citykg.serve.describe import ontology_versions
from citykg.serve.documents import OFFERS, alternates
from citykg.serve.engine.base import Answer, DocumentJob, NotFound, QueryTimeout
from citykg.serve.errors import HttpError, shorten
from citykg.serve.http import accepts_gzip, choose, mark_gzipped, represent
from citykg.serve.services import services

bp = Blueprint("resources", __name__)

EXTENSIONS = {f.extension: f for f in OFFERS}


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
    return respond_document(*document_at(request.path))


@bp.route("/ontology/<_version>", methods=["GET"])
def ontology_version(_version: str) -> Response:
    """A version IRI of the ontology (``owl:versionIRI``, ``/ontology/0.2.0``, also with an
    extension): the ontology's document while that version is the release's; else 404 naming
    the version that is."""
    path, fmt = split_extension(request.path)
    iri = DEFAULT_BASE + path.lstrip("/")
    if is_iri(iri):
        with contextlib.suppress(NotFound):
            return respond_document(iri, path, fmt)
    versions = services().engine.read(ontology_versions)
    version = shorten(path.rpartition("/")[2])
    current = f"the current one is {versions[0]}, also at " if versions else "see "
    message = f"no version {version} of the ontology is published here; {current}{ONTOLOGY_IRI}"
    raise HttpError(404, message)


@bp.route("/.well-known/void", methods=["GET"])
def void() -> Response:
    """The VoID + DCAT description of the dataset (VoID §6.2, RFC 8615)."""
    return respond_document(DATASET_IRI, "/dataset", None, content_location=False)


def document_at(path: str) -> tuple[str, str, Format | None]:
    """The IRI the path of a request stands for, the path of its document and the format its
    extension names (None: negotiated); HttpError 404 when it stands for no IRI."""
    stem, fmt = split_extension(path)
    iri = DEFAULT_BASE + stem.lstrip("/")
    if not is_iri(iri):
        raise HttpError(404, f"nothing is published at {shorten(iri)}")
    return iri, stem, fmt


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
        _render(iri, path, OFFERS[0], gzip=False)  # 404 rather than 406 when there is nothing
        raise
    answer = _render(iri, path, fmt, accepts_gzip(request))
    location = f"{path}.{fmt.extension}" if negotiated and content_location else None
    response = represent(
        answer.body,
        fmt,
        negotiated=negotiated,
        alternates=alternates(path, fmt),
        content_location=location,
    )
    return mark_gzipped(response) if answer.gzipped else response


def _render(iri: str, path: str, fmt: Format, gzip: bool) -> Answer:
    """The document, from the engine's cache or rendered by it (within the query time limit)."""
    job = DocumentJob(iri, path, fmt.name, request.host_url, gzip)
    limit = current_app.config["CITYKG_QUERY_TIMEOUT"]
    try:
        return services().engine.document(job, limit)
    except NotFound:
        raise NotFound(f"nothing is published at {shorten(iri)}") from None
    except QueryTimeout:
        message = f"the document took longer than {limit:g} s and was stopped"
        raise QueryTimeout(message) from None
