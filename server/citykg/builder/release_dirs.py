"""Release directories on disk: a staged release moved into place, made current by atomically
replacing the ``var/current`` symbolic link, and old releases and stale scratch pruned. A failed
or killed build never touches the last good release."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from citykg.builder.assemble import SCRATCH_PREFIX
from citykg.contract import layout

STAGING_PREFIX = ".staging-"
KEEP_RELEASES = 2
STALE_STAGING_S = 3600


def install(staging: Path, final: Path) -> None:
    """Move the staged release to ``final``, or, when a release of the same data is there
    already, bring it up to date: files it lacks (say ``cities.json``, written by a newer
    citykg) or that differ are moved in, one atomic rename each, so a server reading the
    release meanwhile sees either file whole."""
    if not final.exists():
        os.rename(staging, final)
        return
    old_sums, new_sums = _listed_sums(final), _listed_sums(staging)
    for new in staging.iterdir():
        old = final / new.name
        if new.name in new_sums:  # large files: compared by their listed sums
            same = old.exists() and old_sums.get(new.name) == new_sums[new.name]
        else:
            same = old.exists() and old.read_bytes() == new.read_bytes()
        if not same:
            os.replace(new, old)
    shutil.rmtree(staging)


def _listed_sums(release: Path) -> dict[str, str]:
    sums = release / layout.SUMS_FILE
    if not sums.exists():
        return {}
    return {
        name: digest
        for digest, _, name in (line.partition("  ") for line in sums.read_text().splitlines())
    }


def point_current(var_dir: Path, release: Path) -> None:
    """Atomically make ``var/current`` point at ``release``."""
    link = var_dir / layout.CURRENT
    tmp = var_dir / f".current-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(release.relative_to(var_dir))
    os.replace(tmp, link)


def prune(releases: Path, keep: set[str]) -> None:
    """Keep the newest few releases (the current one always); drop older ones, stale staging
    and the scratch files of assemblies whose build was killed."""
    for scratch in releases.parent.glob(f"{SCRATCH_PREFIX}*"):
        if time.time() - scratch.stat().st_mtime > STALE_STAGING_S:
            shutil.rmtree(scratch, ignore_errors=True)
    candidates = sorted(releases.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    kept = 0
    for path in candidates:
        if path.name in keep:
            continue
        if path.name.startswith(STAGING_PREFIX):
            if time.time() - path.stat().st_mtime > STALE_STAGING_S:
                shutil.rmtree(path, ignore_errors=True)
        elif kept >= KEEP_RELEASES - 1:
            shutil.rmtree(path, ignore_errors=True)
        else:
            kept += 1
