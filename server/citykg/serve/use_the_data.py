"""``/use``: how to use the data without writing a server of one's own: the dumps in rdflib and
pyoxigraph, the CSV tables in pandas and R, the endpoint from curl, Comunica and another SPARQL
engine's ``SERVICE``.

Each snippet is a file in ``snippets/`` written for a local ``citykg serve`` (DEFAULT_BASE); the
page shows it with this deployment's URL in its place, and a test runs every snippet the page
shows against a real server, so none of them goes stale.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

from flask import Blueprint, Response, render_template, request

from citykg.contract.formats import HTML
from citykg.serve.http import represent

bp = Blueprint("use_the_data", __name__)

DEFAULT_BASE = "http://127.0.0.1:5000"  # where the snippets expect `citykg serve`


@dataclass(frozen=True)
class Snippet:
    """One snippet: its file, its language (how it is run) and what it shows."""

    file: str
    language: str
    title: str
    about: str


SNIPPETS = (
    Snippet(
        "curl.sh",
        "sh",
        "From the command line: curl",
        "A query answered as CSV, and a city's description as Turtle by content negotiation.",
    ),
    Snippet(
        "rdflib_dump.py",
        "python",
        "The Turtle dump in rdflib",
        "The default graph (the data, without provenance) loaded into rdflib and queried there.",
    ),
    Snippet(
        "pyoxigraph_dump.py",
        "python",
        "The N-Quads dump in pyoxigraph",
        "Every named graph, with the provenance of each profile, loaded into pyoxigraph.",
    ),
    Snippet(
        "pandas_tables.py",
        "python",
        "The CSV tables in pandas",
        "The tables of every release (described by CSV on the Web metadata, csv-metadata.json), "
        "read with their types.",
    ),
    Snippet(
        "tables.R",
        "r",
        "The CSV tables in R",
        "The same tables with base R's read.csv, nothing to install.",
    ),
    Snippet(
        "service.rq",
        "sparql",
        "From another SPARQL engine: SERVICE",
        "A query written on the Wikidata side that calls citykg's endpoint for the cities.",
    ),
    Snippet(
        "comunica.sh",
        "sh",
        "Comunica over Triple Pattern Fragments",
        "Comunica reads only the fragments a query needs; add `sparql@…/sparql` to use the "
        "endpoint instead, or Wikidata as a second source.",
    ),
)


@functools.cache
def _written(file: str) -> str:
    """A snippet file as written, read once per process."""
    return resources.files(__package__).joinpath("snippets", file).read_text("utf-8")


def snippet_text(snippet: Snippet, base: str) -> str:
    """The snippet's text with ``base`` (this deployment's URL) in place of the local one."""
    return _written(snippet.file).replace(DEFAULT_BASE, base.rstrip("/"))


@bp.route("/use", methods=["GET"])
def use() -> Response:
    """The page: each way in, with its snippet."""
    shown = [(s, snippet_text(s, request.host_url)) for s in SNIPPETS]
    body = render_template("use.html", title="Use the data", snippets=shown)
    return represent(body.encode(), HTML, negotiated=False)
