"""The site around the data: the index of cities and the dump downloads (``/dumps/``)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, render_template, request, send_file

from citykg.contract.formats import BY_EXTENSION, CSV_TABLE, CSVW_METADATA, GZIP, HTML, TEXT
from citykg.contract.layout import (
    CITIES_FILE,
    DUMPS,
    NQUADS_FILE,
    SUMS_FILE,
    TABLE_FILES,
    TABLE_METADATA_FILE,
    VOID_FILE,
)
from citykg.contract.release_records import read_sums
from citykg.serve import conditional
from citykg.serve.errors import HttpError, shorten
from citykg.serve.http import represent
from citykg.serve.pages import index as index_page
from citykg.serve.services import services
from citykg.serve.store import release_json

bp = Blueprint("site", __name__)

# The files of a release published under /dumps/, with their media types (Werkzeug adds the
# charset of text/* types).
DUMP_FILES = {
    **{dump.name: GZIP for dump in DUMPS},
    NQUADS_FILE: BY_EXTENSION["nq"].media_type,
    VOID_FILE: BY_EXTENSION["ttl"].media_type,
    SUMS_FILE: TEXT.media_type,
    **{name: CSV_TABLE.media_type for name in TABLE_FILES},
    TABLE_METADATA_FILE: CSVW_METADATA.media_type,
}
# A table names its CSVW metadata with a Link header (W3C tabular data model, section 5.2).
DESCRIBED_BY = f'<{TABLE_METADATA_FILE}>; rel="describedby"; type="{CSVW_METADATA.media_type}"'
CITIES_PER_PAGE = 500


@bp.route("/", methods=["GET"])
def index() -> Response:
    """The index: a page of the cities (``?page=N``, CITIES_PER_PAGE by name), the concept
    schemes and ways in."""
    cities = _cities()
    last = max(1, -(-len(cities) // CITIES_PER_PAGE))
    number = _page_number(request.args.get("page"), last)
    start = (number - 1) * CITIES_PER_PAGE
    body = render_template(
        "index.html",
        title="Cities" if number == 1 else f"Cities, page {number}",
        cities=cities[start : start + CITIES_PER_PAGE],
        total=len(cities),
        first=start + 1,
        page=number,
        last=last,
        schemes=services().engine.read(index_page.schemes),
        countries=index_page.countries(cities) if number == 1 else None,
    )
    return represent(body.encode(), HTML, negotiated=False)


@bp.route("/dumps/", methods=["GET"])
def dumps() -> Response:
    """A listing of the dump files with sizes and SHA-256 sums."""
    body = render_template("dumps.html", title="Dumps", dumps=_dumps())
    return represent(body.encode(), HTML, negotiated=False)


@bp.route("/dumps/<name>", methods=["GET"])
def dump(name: str) -> Response:
    """One dump file, with Content-Length, Range and conditional requests."""
    if name not in DUMP_FILES:
        raise HttpError(404, f"no dump named {name[:100]!r}; see /dumps/")
    path = services().release.path / name
    if not path.is_file():
        raise HttpError(404, f"{name} is not in this release")
    return send_release_file(path, DUMP_FILES[name], max_age=300)


def send_release_file(path: Path, media_type: str, max_age: int) -> Response:
    """A file of a release, with Content-Length, Range and conditional requests; gzipped ones
    as downloads; a CSV table with its header row announced and its metadata linked."""
    response = send_file(
        path,
        mimetype=media_type,
        conditional=False,
        etag=True,
        as_attachment=path.name.endswith(".gz"),
        download_name=path.name,
        max_age=max_age,
    )
    response = conditional.apply(request, response, path.stat().st_size)
    response.headers["Accept-Ranges"] = "bytes"
    if path.name in TABLE_FILES:
        response.headers["Content-Type"] = f"{CSV_TABLE.content_type}; header=present"
        response.headers["Link"] = DESCRIBED_BY
    return response


def _cities() -> list[dict]:
    """The release's city list, sorted at build time (queried live for an older release)."""
    listed = release_json(services().release.path, CITIES_FILE)
    return services().engine.read(index_page.cities) if listed is None else listed


def _page_number(asked: str | None, last: int) -> int:
    if asked is None:
        return 1
    number = int(asked) if asked.isascii() and asked.isdigit() and len(asked) < 10 else 0
    if not 1 <= number <= last:
        raise HttpError(404, f"no page {shorten(asked)} of the city list: pages 1 to {last}")
    return number


def _dumps() -> list[dict]:
    return release_files(services().release.path, DUMP_FILES)


def release_files(release: Path, offered: dict[str, str]) -> list[dict]:
    """The ``offered`` files (name -> media type) that ``release`` has: name, size, SHA-256
    (as its SHA256SUMS lists it, else None) and media type."""
    sums = read_sums(release)
    return [
        {
            "name": name,
            "size": (release / name).stat().st_size,
            "sha256": sums.get(name),
            "type": media_type,
        }
        for name, media_type in offered.items()
        if (release / name).is_file()
    ]
