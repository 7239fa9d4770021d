"""The record of each release (``release.json``: id, issue time, citykg's version, the release it
revises; :func:`issued` reads its time), its checksums (``SHA256SUMS``) and the releases kept on
disk, newest first: read by the release writer, ``citykg prune``, ``citykg diff`` and the server's
release pages alike."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from citykg.contract import layout


def read_record(release: Path) -> dict:
    """The ``release.json`` of a release directory ({} for a release written before it)."""
    try:
        return json.loads((release / layout.RELEASE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def issued(release: Path) -> datetime:
    """When ``release`` was issued (its ``release.json``; for a release written before its
    record, when its N-Quads were written), in UTC to the second."""
    try:
        when = datetime.fromisoformat(read_record(release)["issued"])
    except (KeyError, TypeError, ValueError):
        when = datetime.fromtimestamp(int((release / layout.NQUADS_FILE).stat().st_mtime), UTC)
    return when.astimezone(UTC).replace(microsecond=0)


def read_sums(release: Path) -> dict[str, str]:
    """File name -> SHA-256 as the release's ``SHA256SUMS`` lists them ({} without one)."""
    try:
        text = (release / layout.SUMS_FILE).read_text(encoding="utf-8")
    except OSError:
        return {}
    return {
        name: digest for digest, _, name in (line.partition("  ") for line in text.splitlines())
    }


def kept_releases(releases: Path) -> list[Path]:
    """The release directories under ``releases``, newest first (by issue time, then by the
    time they were written)."""
    found = [p for p in releases.iterdir() if p.is_dir() and (p / layout.NQUADS_FILE).exists()]
    return sorted(
        found,
        key=lambda p: (read_record(p).get("issued", ""), (p / layout.NQUADS_FILE).stat().st_mtime),
        reverse=True,
    )
