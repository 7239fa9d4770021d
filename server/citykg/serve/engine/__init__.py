"""The query engine behind one interface (:class:`.base.Engine`): embedded or remote."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2

from citykg.serve.engine.base import Engine
from citykg.serve.store import ReleaseInfo


def open_engine(
    settings: Mapping[str, Any], release: ReleaseInfo, env: jinja2.Environment
) -> Engine:
    """The engine the settings ask for: a remote store when ``CITYKG_STORE_URL`` is set, else
    the embedded one; ``env`` renders its documents in this process."""
    caches = {
        "answer_cache": settings["CITYKG_RESPONSE_CACHE"],
        "document_cache": settings["CITYKG_DOCUMENT_CACHE"],
    }
    if settings["CITYKG_STORE_URL"]:
        from citykg.serve.engine.remote import RemoteEngine

        return RemoteEngine(
            release,
            env,
            query_url=settings["CITYKG_STORE_URL"],
            union_parameter=settings["CITYKG_STORE_UNION_PARAMETER"],
            max_bytes=settings["CITYKG_STORE_MAX_BYTES"],
            dialect=settings["CITYKG_STORE_DIALECT"],
            **caches,
        )
    from citykg.serve.engine.embedded import EmbeddedEngine

    return EmbeddedEngine(
        release,
        env,
        store_dir=settings["CITYKG_STORE_DIR"],
        workers=settings["CITYKG_QUERY_WORKERS"],
        queue_wait_s=settings["CITYKG_QUEUE_WAIT"],
        memory_max_mb=settings["CITYKG_MEMORY_STORE_MAX_MB"],
        malloc=settings["CITYKG_ALLOCATOR"],
        **caches,
    )
