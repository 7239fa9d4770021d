"""A citykg app in-process, with its query workers stopped afterwards."""

from __future__ import annotations

import contextlib
from pathlib import Path


@contextlib.contextmanager
def app_for(release: Path, store_dir: Path, **settings: object):
    """An app serving ``release`` with ``settings`` (CITYKG_ names without the prefix); its query
    workers are stopped afterwards."""
    from citykg.serve import create_app
    from citykg.serve.services import services

    app = create_app(
        {
            "CITYKG_RELEASE": str(release),
            "CITYKG_STORE_DIR": str(store_dir),
            **{f"CITYKG_{k}": v for k, v in settings.items()},
        }
    )
    try:
        yield app
    finally:
        services(app).editions.close()
