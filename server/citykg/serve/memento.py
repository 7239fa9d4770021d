"""Memento (RFC 7089, https://www.rfc-editor.org/rfc/rfc7089) for every dereferenceable IRI.

Pattern 1.1 of §4.1.1 (URI-R = URI-G, 302-style negotiation): each route of
:mod:`citykg.serve.resources` (``/id/…``, ``/graph/…``, ``/source/…``, ``/ontology``,
``/dataset``, ``/shapes``, ``/ontology/{version}``, each also with an extension) is the original
resource and its own TimeGate. Asked with ``Accept-Datetime`` (§2.1.1, an HTTP-date) it answers
302 to the memento of the release that was current then; every answer it gives carries
``Vary: Accept-Datetime``, and a 200 links to itself (``original timegate``) and to its TimeMap.

The mementos are the documents of the queryable releases (``CITYKG_QUERYABLE_RELEASES``, see
:mod:`citykg.serve.editions`) in which the resource exists, at ``/releases/{id}{path}``, dated
(``Memento-Datetime``) by the release's issue time; ``/timemap{path}`` lists them in
``application/link-format`` (§5.1.1, RFC 6690). Older kept releases keep their dumps only.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from flask import Blueprint, Response, current_app, redirect, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import http_date, parse_date

from citykg.contract.iris import SHAPES_IRI
from citykg.contract.layout import SHAPES_FILE
from citykg.contract.release_records import issued
from citykg.serve import resources
from citykg.serve.describe import published
from citykg.serve.editions import Edition
from citykg.serve.errors import HttpError, shorten
from citykg.serve.pinning import pin
from citykg.serve.services import services

bp = Blueprint("memento", __name__)

LINK_FORMAT = "application/link-format"
TIMEGATES = {
    f"{resources.bp.name}.{view.__name__}"
    for view in (resources.resource, resources.ontology_version)
}
MEMENTO_MAX_AGE = 86400  # a memento's body never changes
NEGOTIATED_MAX_AGE = 300  # the TimeGate's answers and the TimeMaps change with a new release


@dataclass(frozen=True)
class Memento:
    """The document of a resource in one release, dated by the release's issue time."""

    release_id: str
    datetime: datetime


@bp.before_app_request
def _negotiate() -> Response | None:
    """Datetime negotiation (§4.1.1): a TimeGate asked with ``Accept-Datetime`` redirects to
    the memento of the release current then (the first memento for a datetime before it)."""
    asked = request.headers.get("Accept-Datetime")
    if asked is None or request.endpoint not in TIMEGATES or request.method not in ("GET", "HEAD"):
        return None
    when = parse_date(asked)
    if when is None:
        message = "Accept-Datetime is no HTTP date such as 'Thu, 01 Jan 2026 00:00:00 GMT'"
        raise HttpError(400, f"{message} (RFC 7089 §2.1.1): {shorten(asked, 100)!r}")
    found = _existing(request.path)
    chosen = [m for m in found if m.datetime <= when][-1:] or found[:1]
    response = redirect(_memento_url(chosen[0], request.path), 302)
    response.headers["Link"] = ", ".join(_links(request.path, found))
    response.cache_control.public = True
    response.cache_control.max_age = NEGOTIATED_MAX_AGE
    return response


@bp.after_app_request
def _label(response: Response) -> Response:
    """Every answer of a TimeGate varies with ``Accept-Datetime``; the original resource links
    to itself as original and TimeGate, and to its TimeMap (§4.1.1)."""
    if request.endpoint in TIMEGATES:
        response.vary.add("Accept-Datetime")
        if response.status_code == 200:
            _add_links(response, _links(request.path))
    return response


@bp.route("/releases/<release_id>/<path:path>", methods=["GET"])
def memento(release_id: str, path: str) -> Response:
    """The memento of the IRI at ``/{path}`` in the release ``release_id``: its document as
    that release has it, negotiated or named by extension as the IRI's own (404 when the
    release has none, 410 for a release kept but no longer queryable)."""
    original = "/" + path
    if not dereferenceable(original):
        raise HttpError(
            404,
            f"no release file named {path[:100]!r}, nor the memento of an IRI at "
            f"/releases/{release_id[:40]}/{path[:100]}; see /releases/{release_id[:40]}/",
        )
    iri, stem, fmt = resources.document_at(original)
    pin(services().editions, release_id)
    response = resources.respond_document(iri, f"/releases/{release_id}{stem}", fmt)
    return _as_memento(response, release_id, original)


@bp.route("/timemap/<path:path>", methods=["GET"])
def timemap(path: str) -> Response:
    """The TimeMap of the IRI at ``/{path}`` (§5.1.1): the original resource and TimeGate, the
    TimeMap itself, and every memento with its datetime, oldest first."""
    original = "/" + path
    if not dereferenceable(original):
        raise HttpError(404, f"/{shorten(path)} is no dereferenceable IRI: it has no TimeMap")
    found = _existing(original)
    span = {"from": _date(found[0]), "until": _date(found[-1])}
    head = [
        _link(_url(original), "original timegate"),
        _link(_url("/timemap" + original), "self", type=LINK_FORMAT, **span),
    ]
    listed = (
        _link(_memento_url(m, original), _rels(i, len(found)), datetime=_date(m))
        for i, m in enumerate(found)
    )
    response = Response(",".join(itertools.chain(head, listed)), mimetype=LINK_FORMAT)
    response.cache_control.public = True
    response.cache_control.max_age = NEGOTIATED_MAX_AGE
    response.add_etag()
    return response


def _as_memento(response: Response, release_id: str, original: str) -> Response:
    """Label ``response`` as the memento of ``original`` in the release ``release_id``: its
    ``Memento-Datetime``, its links (original and TimeGate, TimeMap, first and last memento)
    and a long lifetime. Unchanged when that release has no memento of it."""
    found = mementos(resources.document_at(original)[0])
    this = next((m for m in found if m.release_id == release_id), None)
    if this is None:
        return response
    pin(services().editions, release_id)  # the response names the memento's release
    response.headers["Memento-Datetime"] = _date(this)
    _add_links(response, _links(original, found))
    response.cache_control.public = True
    response.cache_control.max_age = MEMENTO_MAX_AGE
    return response


def label_file(response: Response, release_id: str, name: str) -> Response:
    """A release file whose name is also the path of a document (``shapes.ttl``) is that
    document's memento too: the same graph, in the file's own bytes."""
    if dereferenceable("/" + name):
        return _as_memento(response, release_id, "/" + name)
    return response


def dereferenceable(path: str) -> bool:
    """Whether ``path`` is one a TimeGate answers at (the route of a dereferenceable IRI)."""
    try:
        endpoint, _ = current_app.url_map.bind("").match(path, method="GET")
    except HTTPException:
        return False
    return endpoint in TIMEGATES


def mementos(iri: str) -> list[Memento]:
    """The mementos of ``iri``: one for each queryable release whose data has its document,
    oldest first."""
    editions = services().editions
    found = []
    for release_id in editions.queryable():
        try:
            edition = editions.enter(release_id)
        except HttpError:  # a release that cannot be opened has no memento
            continue
        try:
            if _has(edition, iri):
                found.append(Memento(release_id, issued(edition.release.path)))
        finally:
            edition.leave()
    return sorted(found, key=lambda m: m.datetime)


def _existing(original: str) -> list[Memento]:
    """The mementos of the IRI at the path ``original``; HttpError 404 when there is none."""
    iri = resources.document_at(original)[0]
    found = mementos(iri)
    if not found:
        message = f"nothing is published at {shorten(iri)} in any release that has mementos here"
        raise HttpError(404, message)
    return found


def _has(edition: Edition, iri: str) -> bool:
    if iri == SHAPES_IRI:  # read from the release's file, not its store
        return (edition.release.path / SHAPES_FILE).is_file()
    return edition.engine.read(lambda store: published(store, iri))


def _links(original: str, found: Sequence[Memento] = ()) -> list[str]:
    """The Link header values of a TimeGate or memento of ``original``: original and TimeGate,
    TimeMap, and (given the mementos) the first and the last memento."""
    ends = [*found[:1], *found[1:][-1:]]
    return [
        _link(_url(original), "original timegate", sep="; "),
        _link(_url("/timemap" + original), "timemap", sep="; ", type=LINK_FORMAT),
        *(
            _link(_memento_url(m, original), _rels(i, len(ends)), sep="; ", datetime=_date(m))
            for i, m in enumerate(ends)
        ),
    ]


def _rels(index: int, count: int) -> str:
    """The relation types of the memento at ``index`` of ``count``, oldest first."""
    ends = ("first",) * (index == 0) + ("last",) * (index == count - 1)
    return " ".join((*ends, "memento"))


def _link(url: str, rel: str, sep: str = ";", **params: str) -> str:
    """One link-value: RFC 6690 syntax (no whitespace) by default, RFC 8288 with ``sep="; "``."""
    return f'<{url}>{sep}rel="{rel}"' + "".join(f'{sep}{k}="{v}"' for k, v in params.items())


def _add_links(response: Response, links: list[str]) -> None:
    existing = response.headers.get("Link")
    response.headers["Link"] = ", ".join([existing, *links] if existing else links)


def _url(path: str) -> str:
    """The URL of ``path`` on the host the request reached (what RFC 3986 allows in a path
    segment kept as it is)."""
    return request.host_url + quote(path.lstrip("/"), safe="/:@!$&'()*+,;=~")


def _memento_url(found: Memento, original: str) -> str:
    return _url(f"/releases/{found.release_id}{original}")


def _date(found: Memento) -> str:
    return http_date(found.datetime)
