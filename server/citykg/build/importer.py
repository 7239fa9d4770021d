"""Importer: one profile's bytes in, its RDF graph and findings (file:line) out. A pure function.

Every value read from the text is written twice: as the triple itself, and as an
``rdf:Statement`` reifying it with ``citykg:sourceLine`` (the 1-based line of the source file),
in the profile's own named graph. The statements are kept as a list (``source_lines``) and
written out as triples with the release: five triples each, five sixths of a profile graph,
that neither validation nor the aggregates read. Survey-wide figures quoted by the profile
("Along with 50% of cities surveyed") go to the statistics graph as RDF Data Cube observations,
never onto the city; their source line is recorded the same way, in the profile graph.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, QB, RDF, RDFS, XSD
from rdflib.term import Node

from citykg import __version__
from citykg.build.links import Links
from citykg.build.profile_text import (
    HEADINGS,
    Line,
    ProfileText,
    Section,
    Sentence,
    decode_lines,
    split_profile,
)
from citykg.build.vocabulary import Scheme, Vocabulary, normalise
from citykg.findings import Finding, Severity
from citykg.namespaces import CITYKG, DEFAULT_BASE, GRAPH, ID, ORG, SCHEMA

SOFTWARE = URIRef(f"{ID}software/citykg/{__version__}")
STATISTICS = URIRef(f"{ID}statistics")
STATISTICS_GRAPH = GRAPH.statistics
# Cities, countries, people and the importer are described once here, not in each profile: the union
# default graph of Oxigraph keeps duplicates, so repeated descriptions would multiply join rows.
ENTITIES_GRAPH = GRAPH.entities
MAX_PROFILE_BYTES = 1_000_000  # a real profile is about 12 KB

# Section key -> (concept scheme, property) for the plain list sections.
LIST_SECTIONS = {
    "benefits": ("benefit", CITYKG.innovationHelpsTo),
    "success-factors": ("success-factor", CITYKG.criticalSuccessFactor),
    "policy-areas": ("policy-area", CITYKG.focusPolicyArea),
    "terms": ("innovation-term", CITYKG.associatedTerm),
    "funding-sources": ("funding-source", CITYKG.fundingSource),
    "sufficient-data": ("policy-area", CITYKG.sufficientDataFor),
    "insufficient-data": ("policy-area", CITYKG.insufficientDataFor),
}
# Sections a complete profile has, and the sentences that stand for a section.
EXPECTED = [
    key
    for key in HEADINGS
    if key not in ("vision", "measurement", "sufficient-data", "insufficient-data")
]
EXPECTED_SENTENCES = ["strategy", "approach", "dedicated-funding", "partnerships"]

_POPULATION = re.compile(r"^(?P<count>-?[\d][\d,.\s]*)\s*\((?P<year>\d{4})\)$")
_LAUNCH = re.compile(r"\b(?:Launched|Started|Created|Established) in (?P<year>\d{4})\b", re.I)
_QUOTED = re.compile(r"[“\"](?P<name>[^”\"]{2,200})[”\"]")
_CHART_COUNT = re.compile(r"^\d+ cities$", re.IGNORECASE)
_RANK = re.compile(r"^(?P<a>\d+)\.(?:\s*(?P<b>\d+))?$")


@dataclass(frozen=True)
class Source:
    """Where a profile comes from: the path shown in findings and its IRI."""

    path: str
    iri: URIRef

    @classmethod
    def from_path(cls, path: str, base: str = DEFAULT_BASE) -> Source:
        """A source named by its path relative to the project (``data/profiles/x.txt``)."""
        relative = quote(path.removeprefix("data/"), safe="/-._~")
        return cls(path, URIRef(f"{base}source/{relative}"))


@dataclass(frozen=True)
class SourceLine:
    """A triple read from the text, the line it was read from and its statement's IRI."""

    statement: URIRef
    subject: URIRef
    predicate: URIRef
    object: Node
    line: int


@dataclass
class ProfileImport:
    """What the importer made of one profile."""

    source: Source
    findings: list[Finding] = field(default_factory=list)
    graph_iri: URIRef | None = None
    graph: Graph = field(default_factory=Graph)
    statistics: Graph = field(default_factory=Graph)
    entities: Graph = field(default_factory=Graph)
    links: Graph = field(default_factory=Graph)
    source_lines: list[SourceLine] = field(default_factory=list)
    city: URIRef | None = None
    city_name: str | None = None
    wave: str | None = None

    @property
    def ok(self) -> bool:
        """Whether a profile graph was made."""
        return self.graph_iri is not None


def import_profile(
    data: bytes,
    source: Source,
    vocabulary: Vocabulary,
    links: Links,
    generated_at: datetime,
    sha256: str,
    allow_synthetic: bool = False,
) -> ProfileImport:
    """Turn one profile into RDF. Never raises on bad input: problems become findings.

    A profile marked ``# synthetic: true`` is refused unless ``allow_synthetic``.
    """
    result = ProfileImport(source)
    lines, findings = decode_lines(data, source.path)
    result.findings.extend(findings)
    if not lines:
        msg = "file is empty" if not data.strip() else "file has no readable text"
        result.findings.append(Finding(source.path, 1, Severity.ERROR, "empty", msg))
        return result
    profile, findings = split_profile(lines, source.path)
    result.findings.extend(findings)
    synthetic = profile.metadata.get("synthetic")
    if synthetic is not None and not allow_synthetic:
        msg = (
            "synthetic profile: never part of a release (build synthetic projects with --synthetic)"
        )
        result.findings.append(
            Finding(source.path, synthetic.number, Severity.ERROR, "synthetic", msg)
        )
        return result
    _Importer(profile, result, vocabulary, links).run(generated_at, sha256)
    return result


class _Importer:
    """The state of one import: the graphs being written and the findings."""

    def __init__(
        self, profile: ProfileText, result: ProfileImport, vocabulary: Vocabulary, links: Links
    ) -> None:
        self.profile = profile
        self.result = result
        self.vocabulary = vocabulary
        self.links = links
        self.file = result.source.path
        self.statements = 0
        self.profile_iri = URIRef(ID)

    # -- writing ---------------------------------------------------------------------------

    def emit(
        self, s: URIRef, p: URIRef, o: URIRef | Literal, line: Line, into: Graph | None = None
    ) -> None:
        """Add a triple read from ``line`` (to the profile graph, or to ``into``: a graph shared
        by all profiles) and its reified source line (always in the profile graph)."""
        (self.result.graph if into is None else into).add((s, p, o))
        self.statements += 1
        st = URIRef(f"{self.profile_iri}/statement/{self.statements}")
        self.result.source_lines.append(SourceLine(st, s, p, o, line.number))

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        """Add a structural triple (a type, a link between minted nodes)."""
        self.result.graph.add((s, p, o))

    def finding(self, line: int | None, severity: Severity, code: str, message: str) -> None:
        """Record a finding about this file."""
        self.result.findings.append(Finding(self.file, line, severity, code, message))

    # -- the whole profile -----------------------------------------------------------------

    def run(self, generated_at: datetime, sha256: str) -> None:
        """Import the profile, section by section."""
        header = self.header()
        if header is None:
            return
        city_line, country_line = header
        wave, wave_line = self.wave()
        country = self.links.country(country_line.text)
        code = country[0].lower() if country else _slug(country_line.text)
        slug = f"{_slug(city_line.text)}-{code}"
        self.profile_iri = URIRef(f"{ID}profile/{slug}/{wave}")
        city = self.city(city_line, country_line, slug, code)
        graph_iri = URIRef(f"{GRAPH}profile/{slug}/{wave}")
        self.result.graph_iri, self.result.city, self.result.wave = graph_iri, city, wave
        self.result.city_name = city_line.text
        p = self.profile_iri
        self.add(p, RDF.type, CITYKG.InnovationProfile)
        self.add(p, CITYKG.city, city)
        self.add(p, RDFS.label, Literal(f"{city_line.text}, {wave} survey", lang="en"))
        self.add(p, PROV.wasDerivedFrom, self.result.source.iri)
        self.emit(p, CITYKG.surveyWave, self.vocabulary.concept("survey-wave", wave), wave_line)
        synthetic = self.profile.metadata.get("synthetic")
        if synthetic is not None:
            self.emit(p, CITYKG.synthetic, Literal(True), synthetic)
        self.provenance(graph_iri, generated_at, sha256)
        self.posts(city, slug)
        self.population()
        for key, (scheme, prop) in LIST_SECTIONS.items():
            if key in self.profile.sections:
                self.options(self.profile.sections[key], scheme, prop)
        self.spotlight()
        self.roles()
        self.activities()
        self.funded_activities()
        self.data_counts()
        for sentence in self.profile.sentences:
            self.sentence(sentence)
        for line in self.profile.stray:
            self.finding(
                line.number,
                Severity.WARNING,
                "not-understood",
                f"line not understood outside any section: {line.text[:80]!r}; ignored",
            )
        self.missing_sections()

    def header(self) -> tuple[Line, Line] | None:
        """City and country: the first two lines before any heading."""
        preamble = self.profile.preamble
        if not preamble:
            first = min((s.heading.number for s in self.profile.sections.values()), default=1)
            self.finding(
                first, Severity.ERROR, "no-city", "profile does not start with a city name"
            )
            return None
        if len(preamble) < 2:
            self.finding(
                preamble[0].number,
                Severity.ERROR,
                "no-country",
                f"no country line after the city name {preamble[0].text!r}",
            )
            return None
        for extra in preamble[2:]:
            self.finding(
                extra.number,
                Severity.WARNING,
                "not-understood",
                f"line not understood in the header: {extra.text[:80]!r}; ignored",
            )
        return preamble[0], preamble[1]

    def wave(self) -> tuple[str, Line]:
        """The survey wave and the line it was read from (metadata, else the 2018 note)."""
        stated = self.profile.metadata.get("survey-wave")
        if stated and stated.text in ("2018", "2020"):
            return stated.text, stated
        if stated:
            self.finding(
                stated.number,
                Severity.ERROR,
                "wave",
                f"survey-wave must be 2018 or 2020, not {stated.text!r}",
            )
        note = next((s.line for s in self.profile.sentences if s.key == "wave-2018-note"), None)
        wave = "2018" if note else "2020"
        reason = "the 2018 snapshot note is present" if note else "there is no 2018 snapshot note"
        self.finding(
            stated.number if stated else 1,
            Severity.WARNING,
            "wave-inferred",
            f"no survey-wave metadata; wave {wave} inferred because {reason}",
        )
        return wave, note or self.profile.preamble[0]

    def city(self, city_line: Line, country_line: Line, slug: str, code: str) -> URIRef:
        """Mint the city and its country, with their Wikidata links from the link file."""
        name, country_name = city_line.text, country_line.text
        country = self.links.country(country_name)
        if country is None:
            self.finding(
                country_line.number,
                Severity.WARNING,
                "unlinked-country",
                f"country {country_name!r} is not in {self.links.file}; "
                f"its identifier uses {code!r} instead of an ISO code",
            )
            country_link = None
        else:
            country_link = country[1]
        city, country_iri = URIRef(f"{ID}city/{slug}"), URIRef(f"{ID}country/{code}")
        entities = self.result.entities
        entities.add((city, RDF.type, SCHEMA.City))
        self.emit(city, SCHEMA.name, Literal(name), city_line, entities)
        self.emit(city, SCHEMA.containedInPlace, country_iri, country_line, entities)
        entities.add((country_iri, RDF.type, SCHEMA.Country))
        self.emit(country_iri, SCHEMA.name, Literal(country_name), country_line, entities)
        city_link = self.links.city(name, country_name)
        if city_link is None or city_link.wikidata is None:
            why = "has no QID yet" if city_link else f"is not in {self.links.file}"
            self.finding(
                city_line.number,
                Severity.WARNING,
                "unlinked-city",
                f"city {name!r} ({country_name}) {why}; no Wikidata link",
            )
        for iri, link in ((city, city_link), (country_iri, country_link)):
            if link is not None and link.wikidata is not None:
                self.result.links.add((iri, OWL.sameAs, URIRef(link.wikidata)))
        return city

    def provenance(self, graph_iri: URIRef, generated_at: datetime, sha256: str) -> None:
        """PROV-O: the graph was derived from its source file by this importer, at this time."""
        src, activity = self.result.source.iri, URIRef(f"{graph_iri}/import")
        self.add(graph_iri, RDF.type, PROV.Entity)
        self.add(graph_iri, PROV.wasDerivedFrom, src)
        self.add(graph_iri, PROV.wasGeneratedBy, activity)
        stamp = Literal(generated_at.isoformat(), datatype=XSD.dateTime)
        self.add(graph_iri, PROV.generatedAtTime, stamp)
        self.add(activity, RDF.type, PROV.Activity)
        self.add(activity, PROV.used, src)
        self.add(activity, PROV.wasAssociatedWith, SOFTWARE)
        self.add(activity, PROV.endedAtTime, stamp)
        software = self.result.entities
        software.add((SOFTWARE, RDF.type, PROV.SoftwareAgent))
        software.add((SOFTWARE, RDFS.label, Literal(f"citykg importer {__version__}")))
        software.add((SOFTWARE, SCHEMA.softwareVersion, Literal(__version__)))
        self.add(src, RDF.type, PROV.Entity)
        self.add(src, CITYKG.sha256, Literal(sha256))
        self.add(src, RDFS.label, Literal(self.result.source.path))
        url = self.profile.metadata.get("source")
        if url and re.match(r"^https?://\S+$", url.text):
            self.emit(src, PROV.hadPrimarySource, URIRef(url.text), url)

    # -- header values ---------------------------------------------------------------------

    def single_value(self, key: str) -> Line | None:
        """The one line under a header label such as Mayor; findings if absent or extra."""
        section = self.profile.sections.get(key)
        if section is None:
            return None
        if not section.lines:
            self.finding(
                section.heading.number,
                Severity.WARNING,
                "empty-section",
                f"{section.heading.text!r} has no value",
            )
            return None
        for extra in section.lines[1:]:
            self.finding(
                extra.number,
                Severity.WARNING,
                "not-understood",
                f"extra line under {section.heading.text!r}: {extra.text[:80]!r}; ignored",
            )
        return section.lines[0]

    def posts(self, city: URIRef, slug: str) -> None:
        """The mayor and lead innovation officer as ORG posts held by persons."""
        administration = URIRef(f"{city}/administration")
        for key, role, name in (
            ("mayor", CITYKG.Mayor, "mayor"),
            ("officer", CITYKG.LeadInnovationOfficer, "lead-innovation-officer"),
        ):
            line = self.single_value(key)
            if line is None:
                continue
            post = URIRef(f"{self.profile_iri}/post/{name}")
            person = URIRef(f"{ID}person/{slug}-{_slug(line.text)}")
            self.add(city, CITYKG.administration, administration)
            self.add(administration, RDF.type, ORG.Organization)
            self.add(administration, ORG.hasPost, post)
            self.add(post, RDF.type, ORG.Post)
            self.add(post, ORG.postIn, administration)
            self.add(post, ORG.role, role)
            self.emit(self.profile_iri, CITYKG.hasPost, post, line)
            self.emit(post, ORG.heldBy, person, line)
            self.result.entities.add((person, RDF.type, SCHEMA.Person))
            self.emit(person, SCHEMA.name, Literal(line.text), line, self.result.entities)
            self.emit(person, ORG.holds, post, line)

    def population(self) -> None:
        """Population with the year it refers to, e.g. ``600,000 (2019)``."""
        line = self.single_value("population")
        if line is None:
            return
        match = _POPULATION.match(line.text)
        digits = re.sub(r"[,.\s]", "", match.group("count")) if match else ""
        if not match or not re.fullmatch(r"-?\d+", digits):
            self.finding(
                line.number,
                Severity.ERROR,
                "population",
                f"population {line.text!r} is not 'number (year)'; not recorded",
            )
            return
        node = URIRef(f"{self.profile_iri}/population")
        self.add(node, RDF.type, CITYKG.PopulationFigure)
        self.emit(self.profile_iri, CITYKG.population, node, line)
        self.emit(node, CITYKG.populationCount, Literal(int(digits)), line)
        self.emit(
            node, CITYKG.referenceYear, Literal(match.group("year"), datatype=XSD.gYear), line
        )

    # -- answer lists ----------------------------------------------------------------------

    def option(
        self, scheme_slug: str, line: Line, where: str, text: str | None = None
    ) -> URIRef | None:
        """The concept ``text`` (default: the whole line) names; a finding (with a suggestion)
        when it names none."""
        text = line.text if text is None else text
        scheme = self.vocabulary.scheme(scheme_slug)
        concept = scheme.match(text)
        if concept is None:
            hint = scheme.suggest(text)
            hint = f"; did you mean {hint!r}?" if hint else ""
            self.finding(
                line.number,
                Severity.WARNING,
                "unknown-option",
                f"{text[:80]!r} is not an option of {where} "
                f"(scheme {scheme.iri}){hint} Not recorded",
            )
        return concept

    def options(self, section: Section, scheme_slug: str, prop: URIRef) -> None:
        """A list section: each line one option of the scheme."""
        scheme = self.vocabulary.scheme(scheme_slug)
        seen: dict[URIRef, Line] = {}
        for index, line in enumerate(section.lines):
            if scheme.is_scope_note(line.text) or self._tooltip_title(section, index, scheme):
                continue
            concept = self.option(scheme_slug, line, repr(section.heading.text))
            if concept is None:
                continue
            if concept in seen:
                self.finding(
                    line.number,
                    Severity.WARNING,
                    "duplicate-answer",
                    f"{line.text!r} repeats line {seen[concept].number}; counted once",
                )
                continue
            seen[concept] = line
            self.emit(self.profile_iri, prop, concept, line)

    @staticmethod
    def _tooltip_title(section: Section, index: int, scheme: Scheme) -> bool:
        """A repeated label directly followed by its gloss is a tooltip title (DOMAIN.md §0)."""
        lines = section.lines
        return (
            0 < index < len(lines) - 1
            and normalise(lines[index].text) == normalise(lines[index - 1].text)
            and scheme.is_scope_note(lines[index + 1].text)
        )

    def roles(self) -> None:
        """Innovation roles: the stated count and the listed roles, or free text."""
        section = self.profile.sections.get("roles")
        if section is None:
            return
        count = int(section.match.group("count"))
        self.emit(self.profile_iri, CITYKG.statedRoleCount, Literal(count), section.heading)
        scheme = self.vocabulary.scheme("innovation-role")
        listed = []
        for line in section.lines:
            if scheme.match(line.text) is None and len(line.text.split()) > 6:
                self.emit(self.profile_iri, CITYKG.rolesStatement, Literal(line.text), line)
            else:
                listed.append(line)
        self.options(
            Section(section.key, section.heading, section.match, listed),
            "innovation-role",
            CITYKG.innovationRole,
        )

    def spotlight(self) -> None:
        """The spotlight initiative: name (the quoted title), launch year, description."""
        section = self.profile.sections.get("spotlight")
        if section is None:
            return
        if not section.lines:
            self.finding(
                section.heading.number, Severity.WARNING, "empty-section", "spotlight has no text"
            )
            return
        node = URIRef(f"{self.profile_iri}/spotlight")
        self.add(node, RDF.type, CITYKG.SpotlightInitiative)
        first = section.lines[0]
        self.emit(self.profile_iri, CITYKG.spotlight, node, first)
        text = " ".join(line.text for line in section.lines)
        self.emit(node, SCHEMA.description, Literal(text, lang="en"), first)
        name = _QUOTED.search(text)
        if name:
            self.emit(node, SCHEMA.name, Literal(name.group("name").strip(), lang="en"), first)
        else:
            self.finding(
                first.number,
                Severity.INFO,
                "spotlight-name",
                "no quoted initiative name in the spotlight; name not recorded",
            )
        launch = _LAUNCH.search(text)
        if launch:
            self.emit(
                node, CITYKG.launchYear, Literal(launch.group("year"), datatype=XSD.gYear), first
            )

    def activities(self) -> None:
        """The highlighted top activity and the seven ranked activities."""
        section = self.profile.sections.get("activities")
        if section is None:
            return
        scheme = self.vocabulary.scheme("innovation-activity")
        rank: tuple[int, Line] | None = None
        position = 0
        for line in section.lines:
            match = _RANK.match(line.text)
            if match:
                if rank is not None:
                    self.finding(
                        rank[1].number,
                        Severity.WARNING,
                        "rank-without-activity",
                        f"rank {rank[0]} is not followed by an activity",
                    )
                a, b = match.group("a"), match.group("b")
                if b is not None and a != b:
                    self.finding(
                        line.number,
                        Severity.WARNING,
                        "rank-mismatch",
                        f"rank line {line.text!r} gives two numbers; using {b}",
                    )
                rank = (int(b or a), line)
                continue
            if scheme.is_scope_note(line.text) or line.text.lower().startswith("e.g."):
                continue
            concept = self.option("innovation-activity", line, "the innovation activities")
            if rank is None:
                if position == 0 and concept is not None:
                    self.emit(self.profile_iri, CITYKG.topActivity, concept, line)
                continue
            position += 1
            if concept is not None:
                node = URIRef(f"{self.profile_iri}/activity/{position}")
                self.add(node, RDF.type, CITYKG.RankedActivity)
                self.emit(self.profile_iri, CITYKG.rankedActivity, node, rank[1])
                self.emit(node, CITYKG.rank, Literal(rank[0]), rank[1])
                self.emit(node, CITYKG.activity, concept, line)
            rank = None
        if rank is not None:
            self.finding(
                rank[1].number,
                Severity.WARNING,
                "rank-without-activity",
                f"rank {rank[0]} is not followed by an activity",
            )

    def funded_activities(self) -> None:
        """The city's own funded activities; the flattened chart after them is not a fact."""
        section = self.profile.sections.get("funded-activities")
        if section is None:
            return
        chart = next((i for i, x in enumerate(section.lines) if _CHART_COUNT.match(x.text)), None)
        own = section.lines if chart is None else section.lines[:chart]
        self.options(
            Section(section.key, section.heading, section.match, own),
            "funded-activity",
            CITYKG.fundedActivity,
        )
        if chart is None:
            return
        scheme = self.vocabulary.scheme("funded-activity")
        rest = section.lines[chart:]
        end = next(
            (
                i
                for i, x in enumerate(rest)
                if not _CHART_COUNT.match(x.text) and scheme.match(x.text) is None
            ),
            len(rest),
        )
        first, last = rest[0].number, rest[end - 1].number
        self.finding(
            first,
            Severity.INFO,
            "ambiguous-chart",
            f"the funded-activity chart (lines {first}-{last}) is flattened: each count "
            "can belong to the label before or after it, so its counts are not recorded",
        )
        for line in rest[end:]:
            self.finding(
                line.number,
                Severity.WARNING,
                "not-understood",
                f"line not understood after the funded-activity chart: {line.text[:80]!r}",
            )

    def data_counts(self) -> None:
        """The two numbers printed under 'Data availability by policy area'."""
        section = self.profile.sections.get("data-availability")
        if section is None:
            return
        numbers = [x for x in section.lines if x.text.isdigit()]
        for line in section.lines:
            if not line.text.isdigit():
                self.finding(
                    line.number,
                    Severity.WARNING,
                    "not-understood",
                    f"line not understood under data availability: {line.text[:80]!r}",
                )
        props = (CITYKG.statedSufficientDataCount, CITYKG.statedInsufficientDataCount)
        for prop, line in zip(props, numbers, strict=False):
            self.emit(self.profile_iri, prop, Literal(int(line.text)), line)
        if len(numbers) != 2:
            self.finding(
                section.heading.number,
                Severity.WARNING,
                "data-counts",
                f"expected two counts (sufficient, insufficient), found {len(numbers)}",
            )

    # -- sentences -------------------------------------------------------------------------

    def sentence(self, sentence: Sentence) -> None:
        """A survey sentence: the city's answer, and the survey-wide figure that opened it."""
        p, line, match = self.profile_iri, sentence.line, sentence.match
        negative = "not" in (match.groupdict().get("neg") or "")
        indicator = None
        if sentence.key == "strategy":
            self.emit(p, CITYKG.hasExplicitStrategy, Literal(not negative), line)
            indicator = "no-explicit-strategy" if negative else "explicit-strategy"
        elif sentence.key == "dedicated-funding":
            self.emit(p, CITYKG.hasDedicatedFunding, Literal(not negative), line)
            indicator = "no-dedicated-funding" if negative else "dedicated-funding"
        elif sentence.key == "staff-training":
            if not negative:
                training = self.vocabulary.concept(
                    "funded-activity", "training-staff-and-building-capacity"
                )
                self.emit(p, CITYKG.fundedActivity, training, line)
            indicator = "no-staff-training-funding" if negative else "funds-staff-training"
        elif sentence.key == "approach":
            indicator = self.approach(match.group("how"), line)
        elif sentence.key in ("placement", "no-team"):
            self.placement(match.group("where"), line)
        elif sentence.key == "partnerships":
            self.partnerships(match.group("with"), line)
        elif sentence.key == "unknown":
            self.finding(
                line.number,
                Severity.WARNING,
                "not-understood",
                f"sentence not understood: {match.group(0)[:80]!r}; ignored",
            )
        elif sentence.key == "data-partnerships":
            self.emit(p, CITYKG.dataPartnershipsStatement, Literal(line.text), line)
            for partner in _split_list(match.group("with")):
                self.emit(p, CITYKG.dataPartner, Literal(re.sub(r"^the ", "", partner)), line)
        if sentence.figure is not None:
            if indicator is None:
                self.finding(
                    line.number,
                    Severity.INFO,
                    "figure-unused",
                    "survey-wide figure in a sentence citykg does not model; not recorded",
                )
            else:
                self.statistic(indicator, sentence.figure, line)

    def approach(self, how: str, line: Line) -> str | None:
        """Holistic, specific policy areas, or both."""
        text = how.lower()
        holistic, specific = "holistic" in text, "specific" in text
        slug = {
            (True, True): "holistic-and-specific",
            (True, False): "holistic",
            (False, True): "specific-policy-areas",
        }.get((holistic, specific))
        if slug is None:
            self.finding(
                line.number,
                Severity.WARNING,
                "unknown-option",
                f"approach {how!r} is neither holistic nor specific; not recorded",
            )
            return None
        self.emit(
            self.profile_iri, CITYKG.approach, self.vocabulary.concept("approach", slug), line
        )
        return "holistic-and-specific-approach" if slug == "holistic-and-specific" else None

    def placement(self, where: str, line: Line) -> None:
        """Where innovation work sits: the sentence verbatim, and its concept if it names one."""
        self.emit(self.profile_iri, CITYKG.placementStatement, Literal(line.text), line)
        concept = self.vocabulary.scheme("placement").match(where)
        if concept is not None:
            self.emit(self.profile_iri, CITYKG.placement, concept, line)

    def partnerships(self, partners: str, line: Line) -> None:
        """Kinds of partner named in the partnership sentence."""
        for partner in _split_list(partners):
            concept = self.option("partnership-type", line, "the partnership types", partner)
            if concept is not None:
                self.emit(self.profile_iri, CITYKG.partnership, concept, line)

    def statistic(self, indicator: str, figure: re.Match[str], line: Line) -> None:
        """A survey-wide figure as a Data Cube observation in the statistics graph."""
        share_text = figure.group("share").lower().replace(" ", "")
        share = Decimal("0.5") if "half" in share_text else Decimal(share_text.rstrip("%")) / 100
        wave = figure.group("wave") or "combined"
        if wave not in ("2018", "2020", "combined"):
            self.finding(
                line.number,
                Severity.WARNING,
                "wave",
                f"survey wave {wave} is unknown; figure not recorded",
            )
            return
        obs = URIRef(f"{STATISTICS}/{indicator}/{wave}")
        stats = self.result.statistics
        stats.add((STATISTICS, RDF.type, QB.DataSet))
        stats.add((STATISTICS, QB.structure, CITYKG.SurveyStatisticsStructure))
        stats.add(
            (
                STATISTICS,
                RDFS.label,
                Literal("Survey-wide figures quoted in the profiles", lang="en"),
            )
        )
        stats.add((obs, RDF.type, QB.Observation))
        stats.add((obs, QB.dataSet, STATISTICS))
        stats.add((obs, CITYKG.indicator, self.vocabulary.concept("survey-indicator", indicator)))
        stats.add((obs, CITYKG.surveyWave, self.vocabulary.concept("survey-wave", wave)))
        stats.add((obs, PROV.wasDerivedFrom, self.result.source.iri))
        self.emit(
            obs,
            CITYKG.shareOfCities,
            Literal(share.normalize(), datatype=XSD.decimal),
            line,
            into=stats,
        )
        if share_text.startswith("morethan"):
            more = self.vocabulary.concept("share-qualifier", "more-than")
            self.emit(obs, CITYKG.shareQualifier, more, line, into=stats)

    # -- completeness ----------------------------------------------------------------------

    def missing_sections(self) -> None:
        """A finding for each section or sentence a complete profile has and this one lacks."""
        seen = set(self.profile.sections) | {s.key for s in self.profile.sentences}
        if "no-team" in seen:
            seen.add("placement")
        for key in [*EXPECTED, *EXPECTED_SENTENCES, "placement"]:
            if key not in seen:
                self.finding(
                    self.profile.last_line,
                    Severity.WARNING,
                    "missing-section",
                    f"no {key.replace('-', ' ')} section or sentence "
                    f"(file ends at line {self.profile.last_line})",
                )


def _slug(text: str) -> str:
    """Lower-case ASCII slug of a name: ``Hörning`` -> ``horning``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "unnamed"


def _split_list(text: str) -> list[str]:
    """``a, b and c`` -> ``[a, b, c]`` (a name with "and" inside the last item is split too)."""
    *head, last = text.split(",")
    parts = [*head, *last.rsplit(" and ", 1)]
    return [re.sub(r"^and\s+", "", p.strip()) for p in parts if p.strip()]
