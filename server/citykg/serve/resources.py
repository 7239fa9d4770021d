"""Dereferenceable IRIs: every IRI minted under the base answers with its document.

"Cool URIs for the Semantic Web" (https://www.w3.org/TR/cooluris/) style chosen here: the thing's
IRI answers **200 with ``Vary: Accept``** and a ``Content-Location`` naming the format-specific
document URL (``.ttl .jsonld .rdf .nt .html``), which answers the same bytes without negotiation.
A request on any host maps onto the canonical IRI (``/id/city/x`` -> ``{base}id/city/x``), so every
IRI dereferences on localhost too.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from citykg.contract.formats import Format
from citykg.contract.iris import ONTOLOGY_IRI, is_iri
from citykg.serve.describe import ontology_versions
from citykg.serve.documents import OFFERS, DocumentJob, alternates
from citykg.serve.executor import Answer, ExecutorError, run_here
from citykg.serve.http import HttpError, accepts_gzip, choose, mark_gzipped, represent, shorten

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
    path, fmt = split_extension(request.path)
    base = current_app.config["base_iri"]
    iri = base + path.lstrip("/")
    if not is_iri(iri):
        raise HttpError(404, f"nothing is published at {shorten(iri)}")
    return respond_document(iri, path, fmt)


@bp.route("/ontology/<_version>", methods=["GET"])
def ontology_version(_version: str) -> Response:
    """A version IRI of the ontology (``owl:versionIRI``, ``/ontology/0.1.0``, also with an
    extension): the ontology's document while that version is the release's; else 404 naming
    the version that is."""
    path, fmt = split_extension(request.path)
    iri = current_app.config["base_iri"] + path.lstrip("/")
    try:
        if not is_iri(iri):
            raise HttpError(404, "")
        return respond_document(iri, path, fmt)
    except HttpError as exc:
        if exc.status != 404:
            raise
        versions = ontology_versions(current_app.config["store"])
        version = shorten(path.rpartition("/")[2])
        current = f"the current one is {versions[0]}, also at " if versions else "see "
        message = f"no version {version} of the ontology is published here; {current}{ONTOLOGY_IRI}"
        raise HttpError(404, message) from None


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
        _render(iri, path, OFFERS[0], gzip=False)  # 404 rather than 406 when there is nothing
        raise
    cache = current_app.config["document_cache"]
    gzip = accepts_gzip(request)
    key = (current_app.config["release"].id, request.host_url, iri, path, fmt.name, gzip)
    cached = cache.get(key)
    if cached is None:
        answer = _render(iri, path, fmt, gzip)
        cached = (answer.body, answer.gzipped)
        cache.put(key, cached, len(answer.body))
    body, is_gzipped = cached
    location = f"{path}.{fmt.extension}" if negotiated and content_location else None
    response = represent(
        body,
        fmt,
        negotiated=negotiated,
        alternates=alternates(path, fmt),
        content_location=location,
    )
    return mark_gzipped(response) if is_gzipped else response


def _render(iri: str, path: str, fmt: Format, gzip: bool) -> Answer:
    """The document rendered by a query worker (by this process for a remote store, or when
    long queries hold every worker: pages stay up while the endpoint is saturated)."""
    config = current_app.config
    job = DocumentJob(iri, path, fmt.name, request.host_url, gzip)
    limit = config["CITYKG_QUERY_TIMEOUT"]
    try:
        try:
            return config["executor"].run(job, limit)
        except ExecutorError as exc:
            if not exc.busy:
                raise
            return run_here(config["store"], job, config["documents"])
    except ExecutorError as exc:
        if exc.status == 404:
            raise HttpError(404, f"nothing is published at {shorten(iri)}") from None
        if exc.timed_out:
            message = f"the document took longer than {limit:g} s and was stopped"
            raise HttpError(503, message) from None
        raise HttpError(exc.status, str(exc)) from None
