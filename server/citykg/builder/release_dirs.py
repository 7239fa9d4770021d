"""Release directories on disk: a staged release moved into place, made current by atomically
replacing the ``var/current`` symbolic link; its record (``release.json``: when it was issued,
which release it revises); stale staging and scratch pruned after every build, releases only
when asked (``citykg prune --keep N``), so that a release someone cited stays until the
publisher retires it. A failed or killed build never touches the last good release."""

from __future__ import annotations

import json
import os
import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path

from citykg import __version__
from citykg.builder.assemble import SCRATCH_PREFIX
from citykg.contract import layout
from citykg.contract.release_records import kept_releases, read_record, read_sums

STAGING_PREFIX = ".staging-"
STALE_STAGING_S = 3600


def install(staging: Path, final: Path) -> None:
    """Move the staged release to ``final``, or, when a release of the same data is there
    already, bring it up to date: files it lacks (say ``cities.json``, written by a newer
    citykg) or that differ are moved in, one atomic rename each, so a server reading the
    release meanwhile sees either file whole."""
    if not final.exists():
        os.rename(staging, final)
        return
    old_sums, new_sums = read_sums(final), read_sums(staging)
    for new in staging.iterdir():
        old = final / new.name
        if new.name in new_sums:  # large files: compared by their listed sums
            same = old.exists() and old_sums.get(new.name) == new_sums[new.name]
        else:
            same = old.exists() and old.read_bytes() == new.read_bytes()
        if not same:
            os.replace(new, old)
    shutil.rmtree(staging)


def point_current(var_dir: Path, release: Path) -> None:
    """Atomically make ``var/current`` point at ``release``."""
    link = var_dir / layout.CURRENT
    tmp = var_dir / f".current-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(release.relative_to(var_dir))
    os.replace(tmp, link)


def release_record(var_dir: Path, release_id: str, built: datetime) -> dict:
    """``release.json`` of the release ``release_id``: its id, issue time, citykg's version and
    the release it revises. A new release was issued at ``built``, or a second after the
    release it revises when that is not earlier (two builds of one commit: releases are ordered
    by issue time), and revises the current one; a release of the same data built before keeps
    what its record says (issued then, revising what it revised then), whichever release is
    current now."""
    current = var_dir / layout.CURRENT
    revises = current.resolve().name if current.exists() else None
    issued = built.isoformat()
    if revises is not None:
        previous = read_record(var_dir / layout.RELEASES_DIR / revises).get("issued")
        if _is_time(previous) and datetime.fromisoformat(previous) >= built:
            issued = (datetime.fromisoformat(previous) + timedelta(seconds=1)).isoformat()
    before = read_record(var_dir / layout.RELEASES_DIR / release_id)
    if before.get("id") == release_id and _is_time(before.get("issued")):
        issued, revises = before["issued"], before.get("revises")
    return {
        "citykg": __version__,
        "id": release_id,
        "issued": issued,
        "revises": revises if revises != release_id else None,
    }


def record_json(record: dict) -> bytes:
    """The bytes of a ``release.json``."""
    return (json.dumps(record, indent=1, sort_keys=True) + "\n").encode()


def _is_time(value: object) -> bool:
    """Whether ``value`` is an ISO 8601 date-time."""
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def prune_stale(releases: Path) -> None:
    """Drop stale staging directories and the scratch files of assemblies whose build was
    killed (an hour old: a build running meanwhile is not touched)."""
    now = time.time()
    for scratch in releases.parent.glob(f"{SCRATCH_PREFIX}*"):
        if now - scratch.stat().st_mtime > STALE_STAGING_S:
            shutil.rmtree(scratch, ignore_errors=True)
    for staging in releases.glob(f"{STAGING_PREFIX}*"):
        if now - staging.stat().st_mtime > STALE_STAGING_S:
            shutil.rmtree(staging, ignore_errors=True)


def prune_releases(var_dir: Path, stores: Path, keep: int) -> list[str]:
    """Remove all but the ``keep`` newest releases (never the current one) and their on-disk
    stores; the ids removed."""
    current = (var_dir / layout.CURRENT).resolve()
    removed = []
    for release in kept_releases(var_dir / layout.RELEASES_DIR)[keep:]:
        if release.resolve() == current:
            continue
        shutil.rmtree(release)
        for store in stores.glob(f"{release.name}*"):
            if store.is_dir():
                shutil.rmtree(store, ignore_errors=True)
            else:
                store.unlink(missing_ok=True)
        removed.append(release.name)
    return removed
