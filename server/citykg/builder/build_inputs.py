"""What a build reads from the project besides the profiles: its reproducible generation time
(:func:`generation_time`), the concept schemes, the Wikidata link file and the shapes
(:class:`BuildInputs`); and one profile file, read within its size limit and imported with
them."""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, URIRef

from citykg.builder.aggregates import concept_options
from citykg.builder.concept_schemes import ConceptSchemes
from citykg.builder.importer import MAX_PROFILE_BYTES, ProfileImport, Source, import_profile
from citykg.builder.rdf_input import read_rdf
from citykg.builder.rdf_output import canonical_graph
from citykg.builder.validation import Shapes
from citykg.builder.wikidata_links import WikidataLinks, parse_links
from citykg.contract.findings import Finding, InputError, Severity
from citykg.contract.project import Project


@dataclass(frozen=True)
class BuildInputs:
    """What importing and validating any profile needs; read once per build. ``options`` are the
    answer options the aggregates count."""

    project: Project
    schemes: ConceptSchemes
    links: WikidataLinks
    concepts: Graph
    options: set[URIRef]
    shapes: Shapes
    allow_synthetic: bool


def generation_time(project: Project) -> datetime:
    """A reproducible build time: $SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/
    source-date-epoch/; a malformed value is an error), else the last commit, else the newest
    input."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        if not epoch.isdigit():
            message = f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}"
            raise InputError(Finding("SOURCE_DATE_EPOCH", None, Severity.ERROR, "setting", message))
        return datetime.fromtimestamp(int(epoch), UTC)
    try:
        out = subprocess.run(
            ["git", "-C", str(project.root), "log", "-1", "--format=%ct"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if out.returncode == 0 and out.stdout.strip().isdigit():
            return datetime.fromtimestamp(int(out.stdout.strip()), UTC)
    except OSError:
        pass
    mtimes = [p.stat().st_mtime for p in project.inputs() if p.exists()]
    return datetime.fromtimestamp(int(max(mtimes, default=0)), UTC)


def read_inputs(project: Project, findings: list[Finding], allow_synthetic: bool) -> BuildInputs:
    """The project's concepts, shapes and link file; the link file's findings go to
    ``findings``. Raises InputError when an RDF file cannot be read."""
    concepts = canonical_graph(read_rdf(project.concepts, project.relative(project.concepts)))
    shapes = Shapes.of(read_rdf(project.shapes, project.relative(project.shapes)))
    return BuildInputs(
        project,
        ConceptSchemes(concepts),
        _read_links(project, findings),
        concepts,
        concept_options(concepts),
        shapes,
        allow_synthetic,
    )


def _read_links(project: Project, findings: list[Finding]) -> WikidataLinks:
    shown = project.relative(project.links)
    try:
        text = project.links.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = "no link file: the release has no Wikidata links"
        findings.append(Finding(shown, None, Severity.WARNING, "links", msg))
        return WikidataLinks(file=shown)
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"link file unreadable: {exc}"
        findings.append(Finding(shown, None, Severity.ERROR, "links", msg))
        return WikidataLinks(file=shown)
    links, link_findings = parse_links(text, shown)
    findings.extend(link_findings)
    return links


def import_path(inputs: BuildInputs, path: Path) -> ProfileImport:
    """The profile file at ``path`` imported; a file too large or unreadable is refused with a
    finding."""
    shown = inputs.project.relative(path)
    source = Source.from_path(shown)
    refused = ProfileImport(source)
    try:
        size = path.stat().st_size
        if size > MAX_PROFILE_BYTES:
            msg = f"{size} bytes; a profile may have at most {MAX_PROFILE_BYTES} bytes"
            refused.findings.append(Finding(shown, None, Severity.ERROR, "too-large", msg))
            return refused
        data = path.read_bytes()
    except OSError as exc:
        refused.findings.append(Finding(shown, None, Severity.ERROR, "unreadable", str(exc)))
        return refused
    digest = hashlib.sha256(data).hexdigest()
    return import_profile(
        data,
        source,
        inputs.schemes,
        inputs.links,
        digest,
        inputs.allow_synthetic,
    )
