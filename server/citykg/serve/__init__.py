"""The serve wing: a Flask app publishing one release. Never imports the build wing.

``create_app(config)`` reads settings (see config.py), opens the release's store and registers
the blueprints: ``sparql`` (/sparql, /query), ``resources`` (dereferenceable IRIs, VoID) and
``site`` (index, dumps). The app keeps no state between requests beyond the read-only store, so
several processes can serve one release behind a load balancer.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Flask

from citykg.namespaces import DEFAULT_BASE, GRAPH
from citykg.serve import config, http, observability, pages
from citykg.serve.cache import AnswerCache
from citykg.serve.executor import QueryExecutor, RemoteExecutor, memory_lock
from citykg.serve.links import safe_href
from citykg.serve.remote import RemoteStore
from citykg.serve.store import EmbeddedStore, GraphNames, ReleaseInfo, load_in_memory


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """The citykg web app for the release named by the settings."""
    app = Flask(__name__)
    settings = config.load(overrides)
    app.config.update(settings)
    release = ReleaseInfo.read(settings["CITYKG_RELEASE"])
    if settings["CITYKG_STORE_URL"]:
        union = settings["CITYKG_STORE_UNION_PARAMETER"]
        store = RemoteStore(settings["CITYKG_STORE_URL"], union)
        executor = RemoteExecutor(settings["CITYKG_STORE_URL"], union)
        vocabulary = pages.vocabulary(store)
        in_memory = False
    else:
        store = EmbeddedStore.for_release(release, settings["CITYKG_STORE_DIR"])
        nquads = release.path / "citykg.nq"
        in_memory = nquads.stat().st_size <= settings["CITYKG_MEMORY_STORE_MAX_MB"] * 2**20
        with ThreadPoolExecutor(1) as pool:  # read the labels while the query workers start
            labels = pool.submit(pages.vocabulary, store)
            executor = QueryExecutor(
                store.path,
                settings["CITYKG_QUERY_WORKERS"],
                settings["CITYKG_QUEUE_WAIT"],
                release.path if in_memory else None,
            )
            vocabulary = labels.result()
    app.config.update(
        answer_cache=AnswerCache(settings["CITYKG_RESPONSE_CACHE"]),
        document_cache=AnswerCache(settings["CITYKG_DOCUMENT_CACHE"]),
        release=release,
        store=store,
        executor=executor,
        graphs=GraphNames(store),
        page_vocabulary=vocabulary,
        shapes=_shapes(release),
        base_iri=DEFAULT_BASE,
        ontology_graph=GRAPH.ontology,
        MAX_CONTENT_LENGTH=2 * settings["CITYKG_MAX_QUERY_BYTES"],
    )
    if in_memory:
        args = (app, release.path, memory_lock(store.path))
        threading.Thread(target=_pages_from_memory, args=args, daemon=True).start()
    app.jinja_env.filters["href"] = lambda iri: safe_href(iri, DEFAULT_BASE)
    app.jinja_env.globals["release"] = release
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


def _shapes(release: ReleaseInfo) -> list[ox.Triple]:
    path = release.path / "shapes.ttl"
    if not path.exists():
        return []
    return sorted(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE), key=str)
