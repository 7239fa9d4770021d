"""Importer: one profile's bytes in, its RDF graph, provenance and findings (file:line) out.
A pure function.

The profile graph holds only data. Every fact is also remembered with the span of source lines
it was read from (``ProfileImport.spans``); the release writes each span as a provenance graph
of its own (:func:`citykg.contract.iris.span_graph_name`), outside the served default graph.
Survey-wide figures quoted by the profile go to the statistics graph as RDF Data Cube
observations; cities, countries, people and posts go to the entities graph, described once for
all profiles.

Modules, by section family: ``header`` (city, posts, population), ``wave``, ``answers`` (answer
lists, roles, placement, partnerships), ``spotlight``, ``activities`` (ranked and funded
activities, data counts), ``sentences`` (survey sentences and their figures), ``provenance``,
``completeness`` (a page cut off, missing sections); ``writer`` records facts, text, findings
and the fate of every line; ``explain`` prints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from citykg.builder.concept_schemes import ConceptSchemes
from citykg.builder.importer import activities, answers, completeness, header, sentences
from citykg.builder.importer.context import Context, Source, slug
from citykg.builder.importer.provenance import SOFTWARE, provenance
from citykg.builder.importer.spotlight import spotlight
from citykg.builder.importer.wave import decide_wave
from citykg.builder.importer.writer import LineFate, Outcome, Record, Triple
from citykg.builder.namespaces import CITYKG
from citykg.builder.profile_text import (
    Line,
    decode_lines,
    split_profile,
)
from citykg.builder.wikidata_links import WikidataLinks
from citykg.contract import iris, survey
from citykg.contract.findings import Finding, Severity

__all__ = [
    "ENTITIES_GRAPH",
    "MAX_PROFILE_BYTES",
    "SOFTWARE",
    "STATISTICS_GRAPH",
    "LineFate",
    "Outcome",
    "ProfileImport",
    "Source",
    "import_profile",
]

STATISTICS_GRAPH = URIRef(iris.STATISTICS_GRAPH)
# Cities, countries, people, posts and the importer are described once here, not in each profile.
ENTITIES_GRAPH = URIRef(iris.ENTITIES_GRAPH)
MAX_PROFILE_BYTES = 1_000_000  # a real profile is about 12 KB


@dataclass
class ProfileImport:
    """What the importer made of one profile: its graphs, the source-line span of every fact,
    the fate of every line, and the findings."""

    source: Source
    findings: list[Finding] = field(default_factory=list)
    graph_iri: URIRef | None = None
    graph: Graph = field(default_factory=Graph)
    statistics: Graph = field(default_factory=Graph)
    entities: Graph = field(default_factory=Graph)
    links: Graph = field(default_factory=Graph)
    spans: dict[tuple[int, int], list[Triple]] = field(default_factory=dict)
    fates: dict[int, LineFate] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)
    city: URIRef | None = None
    city_name: str | None = None
    wave: str | None = None

    @property
    def ok(self) -> bool:
        """Whether a profile graph was made."""
        return self.graph_iri is not None

    def source_lines(self) -> list[tuple[Triple, int]]:
        """Each fact with the first line of the span it was read from."""
        return [(t, first) for (first, _), triples in self.spans.items() for t in triples]

    def unaccounted(self) -> list[Line]:
        """Lines that ended in nothing (a defect of the importer, never of the profile)."""
        return [x for x in self.lines if not self.fates.get(x.number, LineFate(x)).outcomes]


def import_profile(
    data: bytes,
    source: Source,
    schemes: ConceptSchemes,
    links: WikidataLinks,
    sha256: str,
    allow_synthetic: bool = False,
) -> ProfileImport:
    """Turn one profile into RDF. Never raises on bad input: problems become findings.

    A profile marked ``# synthetic: true`` is refused unless ``allow_synthetic``.
    """
    result = ProfileImport(source)
    lines, findings = decode_lines(data, source.path)
    result.findings.extend(findings)
    result.lines = lines
    if any(f.severity is Severity.ERROR for f in findings):
        return result
    if not lines:
        msg = "file is empty" if not data.strip() else "file has no readable text"
        result.findings.append(Finding(source.path, 1, Severity.ERROR, "empty", msg))
        return result
    profile, split_findings = split_profile(lines, source.path)
    profile.last_line_ended = data.count(b"\n") >= profile.last_line  # a break follows it
    record = Record(source.path)
    ctx = Context(profile, source, schemes, links, record)
    _account_split(ctx, split_findings)
    synthetic = profile.metadata.get("synthetic")
    if synthetic is not None and not allow_synthetic:
        msg = (
            "synthetic profile: never part of a release (build synthetic projects with --synthetic)"
        )
        record.note(synthetic, Severity.ERROR, "synthetic", msg)
    else:
        _run(ctx, result, sha256)
    _account_the_rest(ctx, lines, [*split_findings, *record.findings])
    result.findings.extend(split_findings)
    result.findings.extend(record.findings)
    result.graph, result.spans, result.fates = record.graph, record.spans, record.fates
    result.statistics, result.entities, result.links = ctx.statistics, ctx.entities, ctx.link_graph
    return result


def _account_split(ctx: Context, findings: list[Finding]) -> None:
    """The lines cutting the profile already decided about: layout, and lines it refused."""
    for line, what in ctx.profile.layout:
        ctx.record.layout(line, what)
    by_number = {x.number: x for x, _ in ctx.profile.layout}
    by_number.update({x.number: x for x in ctx.profile.metadata.values()})
    for finding in findings:
        line = by_number.get(finding.line or 0) if finding.code != "encoding" else None
        if line is None and finding.line is not None and finding.code == "metadata":
            line = Line(finding.line, "")
        if line is not None:
            fate = ctx.record.fate(line)
            fate.outcomes.add(Outcome.FINDING)
            fate.findings.append(finding)
    for section in ctx.profile.repeated:
        if section.lines:
            ctx.record.skip_all(
                section.lines,
                Severity.WARNING,
                "duplicate-section",
                f"lines under the repeated heading at line {section.heading.number}; not recorded",
            )


def _account_the_rest(ctx: Context, lines: list[Line], findings: list[Finding]) -> None:
    """Lines nothing became of: after an error, the error is why; otherwise a finding each (so
    no line is ever lost in silence, even one the importer's rules miss)."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
    for line in lines:
        fate = ctx.record.fate(line)
        if fate.outcomes:
            continue
        if errors:
            fate.outcomes.add(Outcome.FINDING)
            fate.findings.append(errors[0])
        else:
            ctx.record.skip(
                line,
                Severity.WARNING,
                "not-understood",
                f"line not understood: {line.text[:80]!r}; not recorded",
            )


def _run(ctx: Context, result: ProfileImport, sha256: str) -> None:
    """Import the profile, section by section."""
    completeness.find_cut(ctx)
    found = header.header(ctx)
    if found is None:
        return
    wave = decide_wave(ctx)
    if wave is None:
        return
    city_line, country_line = found
    country = ctx.links.country(country_line.text)
    code = country[0].lower() if country else slug(country_line.text)
    city_slug = f"{slug(city_line.text)}-{code}"
    ctx.profile_iri = p = URIRef(iris.profile(city_slug, wave.year))
    graph_iri = URIRef(iris.profile_graph(city_slug, wave.year))
    city = header.city(ctx, city_line, country_line, city_slug, code)
    result.graph_iri, result.city, result.wave = graph_iri, city, wave.year
    result.city_name = city_line.text
    record = ctx.record
    record.structure(p, RDF.type, CITYKG.InnovationProfile)
    record.structure(p, CITYKG.city, city)
    record.structure(p, RDFS.label, Literal(f"{city_line.text}, {wave.year} survey", lang="en"))
    record.structure(p, PROV.wasDerivedFrom, ctx.source.iri)
    record.fact(p, CITYKG.surveyWave, ctx.schemes.concept("survey-wave", wave.year), wave.line)
    synthetic = ctx.profile.metadata.get("synthetic")
    if synthetic is not None:
        record.fact(p, CITYKG.synthetic, Literal(True), synthetic)
    provenance(ctx, graph_iri, wave, sha256)
    header.posts(ctx, city, city_slug)
    header.population(ctx)
    for key, prop in answers.LIST_SECTIONS.items():
        if key in ctx.profile.sections:
            answers.options(ctx, ctx.profile.sections[key], survey.SCHEMES[key], prop)
    spotlight(ctx)
    answers.roles(ctx)
    answers.placement_prose(ctx)
    activities.activities(ctx)
    activities.funded_activities(ctx)
    activities.data_counts(ctx)
    for found_sentence in ctx.profile.sentences:
        sentences.sentence(ctx, found_sentence)
    for line in ctx.profile.stray:
        record.skip(
            line,
            Severity.WARNING,
            "not-understood",
            f"line not understood outside any section: {line.text[:80]!r}; not recorded",
        )
    for key in survey.SENTENCE_SECTIONS:
        for line in ctx.profile.sections[key].lines if key in ctx.profile.sections else []:
            record.skip(
                line,
                Severity.WARNING,
                "not-understood",
                f"not a sentence citykg reads: {line.text[:80]!r}; not recorded",
            )
    for line in ctx.profile.more_notes:
        record.skip(
            line, Severity.WARNING, "wave", "a second snapshot note on the page; not recorded"
        )
    completeness.missing_sections(ctx)
