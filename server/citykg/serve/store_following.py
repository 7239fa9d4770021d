"""Following the release a remote store holds: the web nodes over one store stay stateless.

``citykg publish`` writes, last, a marker into the store naming the release it put there
(:func:`citykg.serve.publishing.published_release` reads it). Every ``CITYKG_RELEASE_POLL``
seconds each node asks the store for it and, when it names another release, serves that release
from its directory beside the one served (every node has the release directories, copied or on a
shared mount), through the same switch as a new ``var/current``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from citykg.contract.layout import NQUADS_FILE
from citykg.serve.publishing import published_release
from citykg.serve.remote_store import RemoteStore

if TYPE_CHECKING:
    from citykg.serve.editions import Editions

MARKER_TIMEOUT_S = 5.0  # the most a look at a remote store's marker waits for its answer
LOG = logging.getLogger("citykg.editions")


class StoreFollower:
    """Moves ``editions`` to the release the remote store of ``settings`` names."""

    def __init__(self, editions: Editions, settings: Mapping[str, Any]) -> None:
        self._editions = editions
        self._settings = settings
        self._told: set[str] = set()  # problems with the store's marker, each logged once

    def look(self) -> bool:
        """:meth:`follow`, the store given MARKER_TIMEOUT_S to answer."""
        store = RemoteStore(
            self._settings["CITYKG_STORE_URL"],
            self._settings["CITYKG_STORE_UNION_PARAMETER"],
            deadline=time.monotonic() + MARKER_TIMEOUT_S,
            dialect=self._settings["CITYKG_STORE_DIALECT"],
        )
        return self.follow(store)

    def follow(self, store: RemoteStore) -> bool:
        """Serve the release the remote store's marker names, if it is another one; whether the
        current edition changed. No marker: nothing changes. A store that cannot answer, or
        naming a release this node does not have beside the one served, is logged (once) and
        the current release kept."""
        try:
            named = published_release(store)
        except Exception as exc:  # any failure keeps the release being served
            self._tell(
                "unreachable",
                logging.WARNING,
                "cannot ask %s which release it holds: %s",
                store.query_url,
                exc,
            )
            return False
        self._told.discard("unreachable")
        if named is None or named == self._editions.current.release.id:
            return False
        target = self._editions.current.release.path.parent / named
        if not (target / NQUADS_FILE).is_file():
            self._tell(
                f"missing {named}",
                logging.ERROR,
                "the store holds release %s, which is not at %s; still serving %s",
                named,
                target,
                self._editions.current.release.id,
            )
            return False
        return self._editions.switch_to(target)

    def _tell(self, key: str, level: int, message: str, *args: object) -> None:
        """Log ``message`` unless it was told under ``key`` already."""
        if key not in self._told:
            self._told.add(key)
            LOG.log(level, message, *args)
