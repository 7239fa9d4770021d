"""Server settings: defaults, then ``CITYKG_*`` environment variables, then a test mapping.

Every setting is listed in SETTINGS with its default and meaning; docs/serving.md documents
each one (a test checks that). Only this module reads settings from the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from citykg.contract.iris import WIKIDATA_SPARQL
from citykg.contract.project import Project
from citykg.serve import allocator, proxies
from citykg.serve.remote_store import DIALECTS

SETTINGS: dict[str, tuple[Any, str]] = {
    "CITYKG_PROJECT": (None, "project directory (default: the current directory)"),
    "CITYKG_RELEASE": (None, "release directory to serve (default: PROJECT/var/current)"),
    "CITYKG_RELEASE_POLL": (
        1.0,
        "seconds between looks for a new release, served without a restart (0: never): where "
        "CITYKG_RELEASE points, when it is a symbolic link (var/current); with a remote store, "
        "the release citykg publish last put in it (its directory beside the served one)",
    ),
    "CITYKG_QUERYABLE_RELEASES": (
        3,
        "how many of the newest kept releases (and the current one) answer "
        "/releases/{id}/sparql and serve mementos; older ones keep their dumps and description",
    ),
    "CITYKG_STORE_DIR": (None, "where Oxigraph stores live (default: PROJECT/var/stores)"),
    "CITYKG_STORE_URL": (None, "query endpoint of a remote SPARQL 1.1 store to serve from"),
    "CITYKG_STORE_UNION_PARAMETER": (
        None,
        "query-string parameter asking the remote store for a union default graph (not for a "
        "store loaded by citykg publish, whose default graph is the data)",
    ),
    "CITYKG_STORE_DIALECT": (
        "standard",
        "how the remote store reads a query's dataset: standard (the SPARQL 1.1 Protocol), or "
        "virtuoso (its default graph is the union of all graphs: each query names the "
        "release's graphs)",
    ),
    "CITYKG_STORE_MAX_BYTES": (
        64 * 2**20,
        "bytes of a remote store's answer read at most; past it the result is cut and flagged, "
        "as at CITYKG_MAX_ROWS",
    ),
    "CITYKG_QUERY_TIMEOUT": (
        10.0,
        "wall-clock limit of a query in seconds (a request may ask less)",
    ),
    "CITYKG_QUERY_TIMEOUT_MAX": (60.0, "the most a request may ask for with timeout="),
    "CITYKG_MAX_ROWS": (10000, "result rows (or triples) sent at most; more are cut and flagged"),
    "CITYKG_QUERY_WORKERS": (4, "query worker processes of each server process"),
    "CITYKG_QUEUE_WAIT": (5.0, "seconds a query waits for a free worker before a 503"),
    "CITYKG_MEMORY_STORE_MAX_MB": (
        2048,
        "query workers hold releases up to this size (N-Quads, MB) in memory; larger: on disk",
    ),
    "CITYKG_RESPONSE_CACHE": (256, "query answers kept per server process (0: no cache)"),
    "CITYKG_DOCUMENT_CACHE": (
        512,
        "rendered linked-data documents and pages kept per server process (0: no cache)",
    ),
    "CITYKG_MAX_QUERY_BYTES": (65536, "longest query accepted, in bytes"),
    "CITYKG_MAX_QUERY_DEPTH": (64, "deepest nesting of groups, brackets and parentheses"),
    "CITYKG_ALLOCATOR": (
        "auto",
        "malloc of the query workers: auto (mimalloc, else jemalloc, when installed), system, "
        "or a library path",
    ),
    "CITYKG_CLIENT_QUERIES": (2, "queries one client may run at once (0: no limit)"),
    "CITYKG_CLIENT_QUEUE": (
        4,
        "queries of one client that may wait (up to CITYKG_QUEUE_WAIT) for one of its running "
        "queries to end; more get 429",
    ),
    "CITYKG_CLIENT_QUERY_SECONDS": (
        60.0,
        "seconds of query time one client may use in any minute (0: no limit)",
    ),
    "CITYKG_TRUSTED_PROXIES": (
        "127.0.0.1 ::1",
        "reverse proxies (addresses or networks, space-separated) whose X-Forwarded-For names "
        "the client and X-Forwarded-Proto the scheme of its links",
    ),
    "CITYKG_SERVICE_ALLOWLIST": (
        WIKIDATA_SPARQL,
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
    values["CITYKG_STORE_DIR"] = Path(values["CITYKG_STORE_DIR"] or project.stores)
    for key, (default, _) in SETTINGS.items():
        if isinstance(default, int | float) and not isinstance(values[key], int | float):
            try:
                values[key] = type(default)(values[key])
            except ValueError:
                raise ValueError(f"{key} must be a number, not {values[key]!r}") from None
    for key, least in (("CITYKG_QUERYABLE_RELEASES", 1), ("CITYKG_RELEASE_POLL", 0)):
        if values[key] < least:
            raise ValueError(f"{key} must be {least} or more, not {values[key]!r}")
    allocator.check(values["CITYKG_ALLOCATOR"])
    if values["CITYKG_STORE_DIALECT"] not in DIALECTS:
        raise ValueError(
            f"CITYKG_STORE_DIALECT must be one of {', '.join(DIALECTS)}, "
            f"not {values['CITYKG_STORE_DIALECT']!r}"
        )
    for key in ("CITYKG_SERVICE_ALLOWLIST", "CITYKG_TRUSTED_PROXIES"):
        listed = values[key] or ()
        values[key] = tuple(listed.split() if isinstance(listed, str) else listed)
    values["CITYKG_TRUSTED_PROXIES"] = proxies.networks(values["CITYKG_TRUSTED_PROXIES"])
    return values
