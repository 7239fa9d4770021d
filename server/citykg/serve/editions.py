"""The releases the server answers from, and the move to a new one without a restart.

An :class:`Edition` is one release opened for serving: its record, its engine and the Jinja
environment its documents render with. :class:`Editions` holds the current one and, for
``/releases/{id}/sparql`` and the mementos of older releases, the other queryable releases (the
``CITYKG_QUERYABLE_RELEASES`` newest kept ones), each opened on first use on its disk store with
one query worker.

Each request pins the edition it starts on (:mod:`citykg.serve.pinning`), so it is answered
from one release from start to end, and every response names that release. When the served
path is a symbolic link (``var/current``, which each good build swaps), a thread looks every
``CITYKG_RELEASE_POLL`` seconds where it points; a new release is opened (its store loaded, its
workers started) while the old one serves, then becomes current at once. The old edition is
closed when the last request that pinned it ends, and the memory it held is given back.

Over a remote store the store decides instead: the thread asks it every
``CITYKG_RELEASE_POLL`` seconds for the release ``citykg publish`` named last
(:mod:`citykg.serve.store_following`) and moves, the same way, to that release's directory
beside the one served. So every node over one store follows it, with no state of its own; a
store without that marker (loaded some other way) is not followed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2

from citykg.contract.layout import NQUADS_FILE
from citykg.contract.release_records import kept_releases
from citykg.serve import templating
from citykg.serve.engine import open_engine
from citykg.serve.engine.base import Engine
from citykg.serve.errors import HttpError
from citykg.serve.store import ReleaseInfo
from citykg.serve.store_following import StoreFollower

RETRY_AFTER_FAILURE_S = 30.0  # a release that failed to open is tried again after this long
ARCHIVE_SETTINGS = {"CITYKG_QUERY_WORKERS": 1, "CITYKG_MEMORY_STORE_MAX_MB": 0}
LOG = logging.getLogger("citykg.editions")


class Edition:
    """One release opened for serving. Counted while requests use it; once retired, closed
    when the last of them ends."""

    def __init__(self, release: ReleaseInfo, engine: Engine, env: jinja2.Environment) -> None:
        self.release, self.engine, self.env = release, engine, env
        self._users = 0
        self._retired = False
        self._lock = threading.Lock()

    @classmethod
    def open(cls, settings: Mapping[str, Any], path: Path) -> Edition:
        """The release at ``path`` with its engine started (its store loaded if need be)."""
        release = ReleaseInfo.read(path)
        env = templating.environment(release)
        return cls(release, open_engine(settings, release, env), env)

    def enter(self) -> None:
        """A request starts on this edition."""
        with self._lock:
            self._users += 1

    def leave(self) -> None:
        """A request that entered has ended."""
        with self._lock:
            self._users -= 1
            close = self._retired and self._users == 0
        if close:
            self._close()

    def retire(self) -> None:
        """No new request starts here; close once the running ones end."""
        with self._lock:
            self._retired = True
            close = self._users == 0
        if close:
            self._close()

    def _close(self) -> None:
        """Stop the engine and give its memory back, off the request thread whose end let it
        go (stopping workers and collecting take a while)."""
        threading.Thread(target=self._stop, daemon=True).start()

    def _stop(self) -> None:
        self.engine.close()
        _give_back_memory()
        LOG.info("release %s closed", self.release.id)


class Editions:
    """The current edition, the other queryable releases, and the watch on the served link."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self._settings = settings
        self._served = Path(settings["CITYKG_RELEASE"])
        self._lock = threading.Lock()
        self._current = Edition.open(settings, self._served)
        self._archive: dict[str, Edition] = {}
        self._opening = threading.Lock()  # one release opened at a time
        self._failed: dict[Path, float] = {}
        self._kept_at: tuple[object, list[Path]] = (None, [])
        self._stopped = threading.Event()

    @property
    def current(self) -> Edition:
        """The edition new requests start on."""
        return self._current

    def enter_current(self) -> Edition:
        """The current edition, entered (see :meth:`Edition.enter`)."""
        with self._lock:
            edition = self._current
            edition.enter()
        return edition

    def enter(self, release_id: str) -> Edition:
        """The edition of the kept release ``release_id``, entered; HttpError 404 when no such
        release is kept, 410 when it is kept but not queryable here, 503 when it cannot be
        opened."""
        edition = self._enter_open(release_id)
        if edition is not None:
            return edition
        with self._opening:  # one release opened at a time; requests on open ones go on
            edition = self._enter_open(release_id)  # opened meanwhile (or made current)
            if edition is not None:
                return edition
            edition = self._open_archived(self._queryable(release_id))
            with self._lock:
                self._archive[release_id] = edition
                edition.enter()
        return edition

    def _enter_open(self, release_id: str) -> Edition | None:
        """The edition of ``release_id`` entered, if it is open and still kept; else None."""
        with self._lock:
            if release_id == self._current.release.id:
                self._current.enter()
                return self._current
            edition = self._archive.get(release_id)
            if edition is None:
                return None
            if (edition.release.path / NQUADS_FILE).is_file():
                edition.enter()
                return edition
            del self._archive[release_id]  # pruned since it was opened
        edition.retire()
        return None

    def _open_archived(self, path: Path) -> Edition:
        """An older release opened on its disk store with one worker; HttpError 503 when it
        cannot be (logged; tried again after RETRY_AFTER_FAILURE_S)."""
        failed_at = self._failed.get(path)
        if failed_at is None or time.monotonic() - failed_at >= RETRY_AFTER_FAILURE_S:
            try:
                return Edition.open({**self._settings, **ARCHIVE_SETTINGS}, path)
            except Exception:  # any failure leaves the other releases served
                LOG.exception("release at %s could not be opened", path)
                self._failed[path] = time.monotonic()
        raise HttpError(503, f"release {path.name} cannot be opened here; see the server's log")

    def queryable(self) -> list[str]:
        """The ids of the releases answering queries here, newest first."""
        if self._remote():
            return [self._current.release.id]
        newest = self.kept()[: self._settings["CITYKG_QUERYABLE_RELEASES"]]
        ids = [p.name for p in newest]
        return ids if self._current.release.id in ids else [self._current.release.id, *ids]

    def kept(self) -> list[Path]:
        """The kept releases, newest first, read again when a release is added or pruned (the
        directory's modification time moves)."""
        releases = self._current.release.path.parent
        stamp = (releases, releases.stat().st_mtime_ns)
        if self._kept_at[0] != stamp:
            self._kept_at = (stamp, kept_releases(releases))
        return self._kept_at[1]

    def _queryable(self, release_id: str) -> Path:
        kept = {p.name: p for p in self.kept()}
        if release_id not in kept:
            raise HttpError(404, f"no release {release_id[:40]!r} is kept here; see /releases/")
        if release_id not in self.queryable():
            raise HttpError(
                410,
                f"release {release_id} is kept for its dumps and description "
                f"(/releases/{release_id}/) but no longer answers queries here: only the "
                f"{self._settings['CITYKG_QUERYABLE_RELEASES']} newest releases do"
                + (" (with a remote store: only the release it holds)" if self._remote() else ""),
            )
        return kept[release_id]

    def _remote(self) -> bool:
        return bool(self._settings["CITYKG_STORE_URL"])

    def refresh(self) -> bool:
        """Serve the release the served link points at now, if it is another one; whether the
        current edition changed. A release that fails to open is logged and not served."""
        try:
            target = self._served.resolve(strict=True)
        except OSError:
            return False
        return self.switch_to(target)

    def switch_to(self, target: Path) -> bool:
        """Make the release at ``target`` current, if it is another one (see :meth:`refresh`)."""
        if target == self._current.release.path:
            return False
        failed_at = self._failed.get(target)
        if failed_at is not None and time.monotonic() - failed_at < RETRY_AFTER_FAILURE_S:
            return False
        with self._opening:
            try:
                edition = Edition.open(self._settings, target)
            except Exception:  # any failure keeps the release being served
                LOG.exception(
                    "release at %s could not be opened; still serving %s",
                    target,
                    self._current.release.id,
                )
                self._failed[target] = time.monotonic()
                return False
            if self._stopped.is_set():  # closed while this one opened
                edition.retire()
                return False
            keep = set(self.queryable()) - {edition.release.id}
            with self._lock:
                old, self._current = self._current, edition
                stale = [e for i, e in self._archive.items() if i not in keep]
                self._archive = {i: e for i, e in self._archive.items() if i in keep}
        LOG.info("now serving release %s (was %s)", edition.release.id, old.release.id)
        for retired in (old, *stale):
            retired.retire()
        return True

    def follow(self) -> None:
        """When polling is on, watch in a thread: over a remote store, the release its marker
        names (the first look at once: a node started on an older release moves now); else
        the served link, when it is a symbolic link."""
        poll = self._settings["CITYKG_RELEASE_POLL"]
        if poll <= 0:
            return
        if self._remote():
            look: Callable[[], bool] = StoreFollower(self, self._settings).look
        elif self._served.is_symlink():
            look = self.refresh
        else:
            return
        threading.Thread(target=self._watch, args=(look, poll), daemon=True).start()

    def _watch(self, look: Callable[[], bool], poll_s: float) -> None:
        look()
        while not self._stopped.wait(poll_s):
            look()

    def close(self) -> None:
        """Stop watching and close every edition."""
        self._stopped.set()
        with self._lock:
            editions = [self._current, *self._archive.values()]
            self._archive = {}
        for edition in editions:
            edition.retire()


def _give_back_memory() -> None:
    """Free what the closed editions held and return it to the system (glibc keeps freed
    memory in its arenas until asked)."""
    gc.collect()
    libc = ctypes.util.find_library("c")
    if libc:
        trim = getattr(ctypes.CDLL(libc), "malloc_trim", None)
        if trim is not None:
            trim(0)
