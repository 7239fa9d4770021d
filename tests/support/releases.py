"""Two releases of a throw-away project, the second with another mayor of Leipzig: for the
tests of what is served across releases (the switch, per-release endpoints, mementos)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests

from citykg.builder.assemble import assemble
from citykg.builder.release import write_release

from support.project import PREFIXES, leipzig_text, make_project

OLD_MAYOR, NEW_MAYOR = "Burkhard Jung", "Someone Else"
MAYOR = (
    PREFIXES
    + """SELECT ?name WHERE {
  <https://w3id.org/citykg/id/profile/leipzig-deu/2020> citykg:statesHolding ?holding .
  ?holding citykg:post/org:role citykg:Mayor ; citykg:holder/schema:name ?name }"""
)
FIRST_ISSUED, SECOND_ISSUED = "1767225600", "1767312000"  # 2026-01-01 and 2026-01-02, UTC


def two_releases(root: Path) -> tuple[Path, Path]:
    """Build, in a project at ``root``, the first release (the real mayor, issued 2026-01-01)
    and the second (another mayor, issued 2026-01-02); their directories."""
    project = make_project(root, {"leipzig-deu-2020.txt": leipzig_text()})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", FIRST_ISSUED)
        first = write_release(assemble(project), project.var_dir).path
        edited = leipzig_text().replace(OLD_MAYOR, NEW_MAYOR)
        project.profiles()[0].write_text(edited, encoding="utf-8")
        patch.setenv("SOURCE_DATE_EPOCH", SECOND_ISSUED)
        second = write_release(assemble(project), project.var_dir).path
    return first, second


def point(link: Path, release: Path) -> None:
    """Move the symbolic link ``link`` to ``release`` atomically, as a build does."""
    staging = link.with_name(link.name + ".new")
    staging.symlink_to(release)
    os.replace(staging, link)


def mayor(session: requests.Session, base: str) -> tuple[int, str, str]:
    """The mayor of Leipzig as the endpoint at ``base`` answers: the status, the release header
    and the names (comma-separated)."""
    response = session.get(
        f"{base}/sparql",
        params={"query": MAYOR},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    rows = response.json()["results"]["bindings"] if response.ok else []
    named = ",".join(row["name"]["value"] for row in rows)
    return response.status_code, response.headers.get("Citykg-Release", ""), named
