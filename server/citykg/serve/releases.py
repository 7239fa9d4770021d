"""Every kept release, addressable: ``/releases/`` (a DCAT 3 ``dcat:DatasetSeries``),
``/releases/{id}/`` (one release: a ``dcat:Dataset`` with its version, issue date, the release
it revises, its files with checksums, and how to cite it) and ``/releases/{id}/{file}`` (its
dumps, sums and record). HTML for people, RDF by content negotiation.

The releases are the directories beside the served one (``var/releases/``), each with its
``release.json`` (see :mod:`citykg.contract.release_records`)."""

from __future__ import annotations

import functools
import gzip
import re
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request

from citykg.contract import dataset
from citykg.contract.formats import (
    BY_EXTENSION,
    BY_NAME,
    GRAPH_FORMATS,
    GZIP,
    HTML,
    IANA_MEDIA_TYPES,
)
from citykg.contract.iris import CITYKG, DATASET_IRI, PREFIXES, RELEASES, release
from citykg.contract.layout import (
    CHANGES_FILE,
    DUMPS,
    HISTORY_FILE,
    NQUADS_FILE,
    RELEASE_FILE,
    SEARCH_FILE,
    SHAPES_FILE,
    VOID_FILE,
)
from citykg.contract.release_records import issued as release_issued
from citykg.contract.release_records import read_record
from citykg.serve import memento
from citykg.serve.citation import Citable, script_json
from citykg.serve.errors import HttpError
from citykg.serve.http import accepts_gzip, choose, mark_gzipped, represent
from citykg.serve.negotiation import serialize_graph
from citykg.serve.pinning import of_release
from citykg.serve.services import services
from citykg.serve.site import DUMP_FILES, release_files, send_release_file

bp = Blueprint("releases", __name__)

RELEASE_ID = re.compile(r"[0-9a-f]{16}")
RELEASE_FILES = {
    **DUMP_FILES,
    SHAPES_FILE: BY_EXTENSION["ttl"].media_type,
    RELEASE_FILE: "application/json",
    CHANGES_FILE: "application/gzip",
    HISTORY_FILE: "text/tab-separated-values",
    SEARCH_FILE: "application/vnd.sqlite3",
}
# The gzipped files of a release and the media type of what they hold.
GZIPPED = {
    **{dump.name: dump.format.media_type for dump in DUMPS},
    CHANGES_FILE: BY_NAME["trig"].media_type,
}
DCAT, DCT, PROV = PREFIXES["dcat"], PREFIXES["dcterms"], PREFIXES["prov"]
WRITTEN_PREFIXES = {"dcat": DCAT, "dcterms": DCT, "prov": PROV, "xsd": PREFIXES["xsd"]}


@bp.route("/releases/", methods=["GET"])
def series() -> Response:
    """The kept releases, newest first."""
    fmt = choose((HTML, *GRAPH_FORMATS))
    kept = [_described(path) for path in services().editions.kept()]
    if fmt is HTML:
        body = render_template("releases.html", title="Releases", releases=kept)
        return represent(body.encode(), HTML)
    return represent(serialize_graph(_series_triples(kept), fmt, WRITTEN_PREFIXES), fmt)


@bp.route("/releases/<release_id>/", methods=["GET"])
def one(release_id: str) -> Response:
    """One release: its description, files and citation."""
    described = _described(_path(release_id))
    fmt = choose((HTML, *GRAPH_FORMATS))
    if fmt is HTML:
        cite = described["cite"]
        body = render_template(
            "release.html",
            title=f"Release {release_id}",
            shown=described,
            bibtex=cite.bibtex(),
            csl=script_json([cite.csl()]),
            jsonld=script_json(cite.schema_org()),
        )
        return represent(body.encode(), HTML)
    triples = _release_triples(described)
    return represent(serialize_graph(triples, fmt, WRITTEN_PREFIXES), fmt)


@bp.route("/releases/<release_id>/changes", methods=["GET"])
def changes(release_id: str) -> Response:
    """What changed since the release this one revises, as TriG (``changes.trig.gz``: an added
    and a removed graph per changed graph, see docs/releases.md), gzipped when accepted."""
    path = _path(release_id) / CHANGES_FILE
    if not path.is_file():
        raise HttpError(404, f"release {release_id} is the first kept here: nothing to compare")
    fmt = choose((BY_NAME["trig"], HTML))
    if fmt is HTML:
        body = render_template(
            "changes.html",
            title=f"Changes in release {release_id}",
            shown_id=release_id,
            revises=read_record(path.parent).get("revises"),
            changed=read_changes(path),
            shown_graphs=SHOWN_GRAPHS,
            shown_triples=SHOWN_TRIPLES,
        )
        response = represent(body.encode(), HTML)
        response.set_etag(f"{release_id}-changes-html")
        return of_release(response, release_id)
    zipped = accepts_gzip(request)
    body = path.read_bytes() if zipped else gzip.decompress(path.read_bytes())
    response = represent(body, fmt)
    response.set_etag(f"{release_id}-changes")
    if zipped:
        mark_gzipped(response)
    return of_release(response, release_id)


@bp.route("/releases/<release_id>/<name>", methods=["GET"])
def release_file(release_id: str, name: str) -> Response:
    """One file of a release (its dumps, sums, record and changes); any other name is the
    memento of an IRI (``/releases/{id}/ontology``, :mod:`citykg.serve.memento`)."""
    if name not in RELEASE_FILES:
        return memento.memento(release_id, name)
    path = _path(release_id) / name
    if not path.is_file():
        raise HttpError(404, f"{name} is not in release {release_id}")
    response = send_release_file(path, RELEASE_FILES[name], max_age=86400)  # it never changes
    return memento.label_file(of_release(response, release_id), release_id, name)


SHOWN_GRAPHS, SHOWN_TRIPLES = 50, 20  # on the HTML page of the changes; the TriG has them all
ADDED_TRIPLES, REMOVED_TRIPLES = (f"{CITYKG}{t}Triples" for t in ("added", "removed"))


@functools.lru_cache(maxsize=8)
def read_changes(path: Path) -> list[dict]:
    """The changed graphs of a ``changes.trig.gz``, in its order: each graph's IRI, its counts,
    and the first SHOWN_TRIPLES triples added and removed of the first SHOWN_GRAPHS graphs (in
    N-Triples syntax). Read in one streaming pass: the description comes first."""
    changed: dict[str, dict] = {}
    holder: dict[str, tuple[dict, str]] = {}  # added/removed graph -> (its change, "added"...)
    counts: dict[str, int] = {}
    triples = ox.NamedNode(PREFIXES["void"] + "triples")
    with gzip.open(path, "rb") as trig:
        for quad in ox.parse(trig, format=ox.RdfFormat.TRIG):
            graph, predicate = quad.graph_name.value, quad.predicate.value
            if predicate in (ADDED_TRIPLES, REMOVED_TRIPLES):
                name = quad.subject.value
                if name not in changed:
                    changed[name] = {
                        "graph": name,
                        "index": len(changed),
                        "added": [],
                        "removed": [],
                    }
                change = changed[name]
                kind = "added" if predicate == ADDED_TRIPLES else "removed"
                holder[quad.object.value] = (change, kind)
            elif quad.predicate == triples and quad.subject.value in holder:
                counts[quad.subject.value] = int(quad.object.value)
            elif graph in holder:
                change, kind = holder[graph]
                if change["index"] < SHOWN_GRAPHS and len(change[kind]) < SHOWN_TRIPLES:
                    change[kind].append(str(quad.triple))
    for name, (change, kind) in holder.items():
        change[f"{kind}_count"] = counts.get(name, 0)
    return list(changed.values())


def _path(release_id: str) -> Path:
    """The directory of a kept release, or 404."""
    path = services().release.path.parent / release_id
    if not RELEASE_ID.fullmatch(release_id) or not (path / NQUADS_FILE).is_file():
        raise HttpError(404, f"no release {release_id[:40]!r} is kept here; see /releases/")
    return path


def _described(path: Path) -> dict:
    """What the pages and the RDF say of one release."""
    record = read_record(path)
    issued = release_issued(path)
    url = release(path.name)
    files = release_files(path, RELEASE_FILES)
    nquads_sha256 = next((f["sha256"] for f in files if f["name"] == NQUADS_FILE), None)
    dumps = tuple((url + f["name"], f["type"], f["name"]) for f in files if f["name"] in DUMP_FILES)
    return {
        "id": path.name,
        "url": url,
        "issued": issued,
        "revises": record.get("revises"),
        "software": record.get("citykg"),
        "current": path.name == services().release.id,
        "queryable": path.name in services().editions.queryable(),
        "files": files,
        "cite": Citable(_title(path), path.name, issued, url, nquads_sha256, dumps),
    }


@functools.lru_cache(maxsize=256)
def _title(path: Path) -> str:
    """The dataset's title in the release's VoID (``dct:title``); read once per release, which
    never changes."""
    try:
        void = ox.parse(path=str(path / VOID_FILE), format=ox.RdfFormat.TURTLE)
        subject, title = ox.NamedNode(DATASET_IRI), ox.NamedNode(DCT + "title")
        found = [t.object.value for t in void if t.subject == subject and t.predicate == title]
    except (OSError, SyntaxError):
        found = []
    return found[0] if found else dataset.TITLE


def _series_triples(kept: list[dict]) -> list[ox.Triple]:
    series_iri = ox.NamedNode(RELEASES)
    out = [
        ox.Triple(series_iri, _a, ox.NamedNode(DCAT + "DatasetSeries")),
        ox.Triple(
            series_iri, ox.NamedNode(DCT + "title"), ox.Literal("citykg releases", language="en")
        ),
    ]
    if kept:
        out.append(ox.Triple(series_iri, ox.NamedNode(DCAT + "last"), ox.NamedNode(kept[0]["url"])))
        out.append(
            ox.Triple(series_iri, ox.NamedNode(DCAT + "first"), ox.NamedNode(kept[-1]["url"]))
        )
    for described in kept:
        out += _release_triples(described)
    return out


def _release_triples(described: dict) -> list[ox.Triple]:
    """A release as a DCAT 3 dataset in the series, with its distributions and checksums."""
    node = ox.NamedNode(described["url"])
    issued = ox.Literal(
        described["issued"].isoformat(), datatype=ox.NamedNode(PREFIXES["xsd"] + "dateTime")
    )
    out = [
        ox.Triple(node, _a, ox.NamedNode(DCAT + "Dataset")),
        ox.Triple(node, ox.NamedNode(DCAT + "inSeries"), ox.NamedNode(RELEASES)),
        ox.Triple(node, ox.NamedNode(DCAT + "version"), ox.Literal(described["id"])),
        ox.Triple(node, ox.NamedNode(DCT + "issued"), issued),
        ox.Triple(
            node, ox.NamedNode(DCT + "title"), ox.Literal(described["cite"].title, language="en")
        ),
        ox.Triple(node, ox.NamedNode(DCT + "isVersionOf"), ox.NamedNode(DATASET_IRI)),
    ]
    if described["revises"]:
        previous = ox.NamedNode(release(described["revises"]))
        out.append(ox.Triple(node, ox.NamedNode(PROV + "wasRevisionOf"), previous))
        out.append(ox.Triple(node, ox.NamedNode(DCAT + "prev"), previous))
    if described["current"]:
        out.append(
            ox.Triple(ox.NamedNode(DATASET_IRI), ox.NamedNode(DCAT + "hasCurrentVersion"), node)
        )
    if described["queryable"]:
        endpoint = ox.NamedNode(described["url"] + "sparql")
        out.append(ox.Triple(node, ox.NamedNode(PREFIXES["void"] + "sparqlEndpoint"), endpoint))
    for f in described["files"]:
        dist = ox.NamedNode(f"{described['url']}#{f['name']}")
        out += [
            ox.Triple(node, ox.NamedNode(DCAT + "distribution"), dist),
            ox.Triple(dist, _a, ox.NamedNode(DCAT + "Distribution")),
            ox.Triple(
                dist, ox.NamedNode(DCAT + "downloadURL"), ox.NamedNode(described["url"] + f["name"])
            ),
            ox.Triple(
                dist,
                ox.NamedNode(DCAT + "mediaType"),
                ox.NamedNode(IANA_MEDIA_TYPES + GZIPPED.get(f["name"], f["type"])),
            ),
            ox.Triple(
                dist,
                ox.NamedNode(DCAT + "byteSize"),
                ox.Literal(
                    str(f["size"]), datatype=ox.NamedNode(PREFIXES["xsd"] + "nonNegativeInteger")
                ),
            ),
        ]
        if f["name"] in GZIPPED:  # DCAT 3: the media type of the content, and how it is packed
            gzip_iri = ox.NamedNode(IANA_MEDIA_TYPES + GZIP)
            out.append(ox.Triple(dist, ox.NamedNode(DCAT + "compressFormat"), gzip_iri))
        if f["sha256"]:
            checksum = ox.NamedNode(f"{described['url']}#{f['name']}-sha256")
            spdx = PREFIXES["spdx"]
            out += [
                ox.Triple(dist, ox.NamedNode(spdx + "checksum"), checksum),
                ox.Triple(checksum, _a, ox.NamedNode(spdx + "Checksum")),
                ox.Triple(
                    checksum,
                    ox.NamedNode(spdx + "algorithm"),
                    ox.NamedNode(spdx + "checksumAlgorithm_sha256"),
                ),
                ox.Triple(
                    checksum,
                    ox.NamedNode(spdx + "checksumValue"),
                    ox.Literal(f["sha256"], datatype=ox.NamedNode(PREFIXES["xsd"] + "hexBinary")),
                ),
            ]
    return out


_a = ox.NamedNode(PREFIXES["rdf"] + "type")
