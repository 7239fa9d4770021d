"""Server settings: defaults, then ``CITYKG_*`` environment variables, then a test mapping.

Every setting is listed in SETTINGS with its default and meaning; the README documents each one
(a test checks that). Only this module reads the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from citykg.project import Project

SETTINGS: dict[str, tuple[Any, str]] = {
    "CITYKG_PROJECT": (None, "project directory (default: the current directory)"),
    "CITYKG_RELEASE": (None, "release directory to serve (default: PROJECT/build/current)"),
    "CITYKG_STORE_DIR": (None, "where Oxigraph stores live (default: PROJECT/build/stores)"),
    "CITYKG_SERVICE_ALLOWLIST": (
        "https://query.wikidata.org/sparql",
        "SPARQL endpoints a query may call with SERVICE (space-separated IRIs)",
    ),
}


def load(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The settings in force: defaults < environment < ``overrides``, with values parsed."""
    values = {key: default for key, (default, _) in SETTINGS.items()}
    values.update({key: os.environ[key] for key in SETTINGS if os.environ.get(key)})
    values.update(overrides or {})
    project = Project.at(values["CITYKG_PROJECT"])
    values["CITYKG_RELEASE"] = Path(values["CITYKG_RELEASE"] or project.release)
    values["CITYKG_STORE_DIR"] = Path(values["CITYKG_STORE_DIR"] or project.build_dir / "stores")
    allow = values["CITYKG_SERVICE_ALLOWLIST"] or ()
    values["CITYKG_SERVICE_ALLOWLIST"] = tuple(allow.split() if isinstance(allow, str) else allow)
    return values
