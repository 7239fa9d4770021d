"""The citykg web app.

``create_app(config)`` reads settings (see config.py), opens the release's engine (embedded or
remote, :mod:`citykg.serve.engine`) as the current edition (:mod:`citykg.serve.editions`, which
also moves to a new release without a restart), attaches it with the metrics and the fair
share of each client (:mod:`citykg.serve.services`), installs the HTTP steps (the scheme a
trusted proxy forwards, conditional requests and gzip, errors, logging, security headers) and
registers the blueprints: ``sparql`` (/sparql, /query), ``resources`` (dereferenceable IRIs,
VoID), ``memento`` (their TimeGates, mementos and TimeMaps), ``fragments`` (Triple Pattern
Fragments), ``site`` (index, dumps), ``releases`` (every kept release), ``search`` (/search),
``use_the_data`` (/use) and ``observability`` (/metrics, /health). The app keeps no state
between requests beyond the read-only releases, so several processes can serve one release
behind a load balancer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from citykg.serve import (
    config,
    editions,
    errors,
    http,
    observability,
    pinning,
    proxies,
    security_headers,
    templating,
)
from citykg.serve.fair_share import FairShare
from citykg.serve.metrics import Metrics
from citykg.serve.services import Services, attach


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """The citykg web app for the release named by the settings."""
    app = Flask(__name__)
    settings = config.load(overrides)
    app.config.update(settings, MAX_CONTENT_LENGTH=2 * settings["CITYKG_MAX_QUERY_BYTES"])
    app.wsgi_app = proxies.forwarded_scheme(app.wsgi_app, settings["CITYKG_TRUSTED_PROXIES"])
    served = editions.Editions(settings)
    app.jinja_env = templating.environment()
    share = FairShare(
        settings["CITYKG_CLIENT_QUERIES"],
        settings["CITYKG_CLIENT_QUERY_SECONDS"],
        settings["CITYKG_CLIENT_QUEUE"],
        settings["CITYKG_QUEUE_WAIT"],
    )
    attach(app, Services(served, Metrics(), share))
    pinning.install(app, served)
    http.install(app)
    errors.install(app)
    observability.install(app)
    security_headers.install(app)
    from citykg.serve import (
        fragments,
        memento,
        releases,
        resources,
        search,
        site,
        sparql,
        use_the_data,
    )

    blueprints = (
        sparql.bp,
        resources.bp,
        memento.bp,
        fragments.bp,
        site.bp,
        releases.bp,
        search.bp,
        use_the_data.bp,
        observability.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    served.follow()
    return app
