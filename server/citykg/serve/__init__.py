"""The serve wing: a Flask app publishing one release. Never imports the build wing.

``create_app(config)`` reads settings (see config.py), opens the release's store and registers
the blueprints: ``sparql`` (/sparql, /query), ``resources`` (dereferenceable IRIs, VoID) and
``site`` (index, dumps). The app keeps no state between requests beyond the read-only store, so
several processes can serve one release behind a load balancer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from citykg.contract.iris import DEFAULT_BASE
from citykg.contract.layout import NQUADS
from citykg.serve import allocator, config, http, observability, pages
from citykg.serve.cache import AnswerCache
from citykg.serve.documents import Documents, configure
from citykg.serve.executor import QueryExecutor, RemoteExecutor, memory_lock
from citykg.serve.remote import RemoteStore
from citykg.serve.store import EmbeddedStore, GraphNames, ReleaseInfo, load_in_memory

LOG = logging.getLogger("citykg")


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """The citykg web app for the release named by the settings."""
    app = Flask(__name__)
    settings = config.load(overrides)
    app.config.update(settings)
    release = ReleaseInfo.read(settings["CITYKG_RELEASE"])
    if settings["CITYKG_STORE_URL"]:
        union = settings["CITYKG_STORE_UNION_PARAMETER"]
        store = RemoteStore(settings["CITYKG_STORE_URL"], union)
        documents = Documents(release, pages.vocabulary(store))
        executor = RemoteExecutor(settings["CITYKG_STORE_URL"], union, documents)
        in_memory = False
    else:
        documents = Documents(release)
        store = EmbeddedStore.for_release(release, settings["CITYKG_STORE_DIR"])
        nquads = release.path / NQUADS
        in_memory = nquads.stat().st_size <= settings["CITYKG_MEMORY_STORE_MAX_MB"] * 2**20
        preload = allocator.library(settings["CITYKG_ALLOCATOR"])
        if preload is None and settings["CITYKG_ALLOCATOR"] == allocator.AUTO:
            LOG.warning(allocator.ADVICE)
        executor = QueryExecutor(
            store.path,
            settings["CITYKG_QUERY_WORKERS"],
            settings["CITYKG_QUEUE_WAIT"],
            release.path,
            in_memory,
            preload,
        )
    app.config.update(
        answer_cache=AnswerCache(settings["CITYKG_RESPONSE_CACHE"]),
        document_cache=AnswerCache(settings["CITYKG_DOCUMENT_CACHE"]),
        release=release,
        store=store,
        fragment_store=store,
        executor=executor,
        documents=documents,
        graphs=GraphNames(store),
        base_iri=DEFAULT_BASE,
        MAX_CONTENT_LENGTH=2 * settings["CITYKG_MAX_QUERY_BYTES"],
    )
    if in_memory:
        args = (app, release.path, memory_lock(store.path))
        threading.Thread(target=_pages_from_memory, args=args, daemon=True).start()
    configure(app.jinja_env, release)
    http.install(app)
    observability.install(app)
    from citykg.serve import fragments, resources, site, sparql

    for blueprint in (sparql.bp, resources.bp, fragments.bp, site.bp, observability.bp):
        app.register_blueprint(blueprint)
    return app


def _pages_from_memory(app: Flask, release: Path, lock: Path) -> None:
    """Pages, documents and fragments read the release from memory once it is loaded there."""
    memory = load_in_memory(release, lock)
    if memory is not None:
        app.config["store"] = memory
