"""The one Jinja environment of a process: the app's, and the one documents render with.

Documents also render in query worker processes, without Flask, so the environment is made
here and Flask is given it (:func:`citykg.serve.application.create_app`). Templates autoescape
and receive the ``href`` filter and the release; Flask's template globals (``url_for``,
``config``...) are not there, since worker processes have no app.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from citykg.contract.iris import DEFAULT_BASE
from citykg.serve.links import safe_href
from citykg.serve.store import ReleaseInfo

TEMPLATES = Path(__file__).parent / "templates"


class Environment(jinja2.Environment):
    """Templates over plain dicts (what :mod:`citykg.serve.pages` returns): ``row.label`` looks
    the key up first, where Jinja would first try, and fail, an attribute lookup (a third of a
    city page's rendering time went to those failures)."""

    def getattr(self, obj: object, attribute: str) -> object:
        """``obj[attribute]`` for a dict holding that key, else Jinja's lookup."""
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def environment(release: ReleaseInfo | None = None) -> Environment:
    """The environment of the templates in ``serve/templates`` for ``release`` (the app's has
    none: each page is given the release of its request)."""
    env = Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        auto_reload=False,
    )
    env.filters["href"] = lambda iri: safe_href(iri, DEFAULT_BASE)
    if release is not None:
        env.globals["release"] = release
    return env
