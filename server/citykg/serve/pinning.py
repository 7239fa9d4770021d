"""Each request answered from one release: the edition it starts on is pinned for it (the
current one, or the release a ``/releases/{id}/…`` route asks for), let go when it ends, and
named on its response (``Citykg-Release``). See :mod:`citykg.serve.editions`."""

from __future__ import annotations

from flask import Flask, Response, g, has_request_context

from citykg.serve.editions import Edition, Editions
from citykg.serve.store import ReleaseInfo

RELEASE_HEADER = "Citykg-Release"


def pinned() -> Edition | None:
    """The edition the current request is answered from (None outside a request)."""
    return g.get("citykg_edition") if has_request_context() else None


def pin(editions: Editions, release_id: str) -> Edition:
    """Answer the rest of this request from the release ``release_id`` (see
    :meth:`Editions.enter`)."""
    edition = editions.enter(release_id)
    previous = g.get("citykg_edition")
    g.citykg_edition = edition
    if previous is not None:
        previous.leave()
    return edition


def of_release(response: Response, release_id: str) -> Response:
    """Name ``release_id`` as the release that answered (a file or page of that release,
    served whichever release is current)."""
    response.headers[RELEASE_HEADER] = release_id
    return response


def install(app: Flask, editions: Editions) -> None:
    """Pin every request to the current edition, name its release on the response, and let
    it go when the request ends."""

    @app.before_request
    def _pin() -> None:
        g.citykg_edition = editions.enter_current()

    @app.after_request
    def _name(response: Response) -> Response:
        edition = pinned() or editions.current
        response.headers.setdefault(RELEASE_HEADER, edition.release.id)
        return response

    @app.teardown_request
    def _unpin(_: BaseException | None) -> None:
        edition = g.pop("citykg_edition", None)
        if edition is not None:
            edition.leave()

    @app.context_processor
    def _release() -> dict[str, ReleaseInfo]:
        return {"release": (pinned() or editions.current).release}
