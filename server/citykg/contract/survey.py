"""The sections of a survey profile page, in page order: how each is headed, what kind of text it
holds, the answer list (concept scheme) of its options and the ontology property they are given
with. The importer reads pages by this table; the pages show answer lists by it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SurveySection:
    """One section of a profile page.

    ``kind``: ``header`` (a labelled value), ``list`` (options of ``scheme``, one a line),
    ``counted-list`` (a list whose heading says how many), ``charted-list`` (the city's options,
    then a chart of every city's), ``ranked`` (the ranked activities), ``prose`` (free text kept
    verbatim), ``statement`` (a free-text answer printed without a heading of its own),
    ``sentences`` (the survey's fixed sentences), ``group`` (a heading over other sections).
    ``heading`` is a regular expression matched case-insensitively against a whole line (None for
    a section printed without one); ``property`` the local name in the citykg ontology of the
    answers' property; ``required``: a complete page has the section."""

    key: str
    heading: str | None
    kind: str
    scheme: str | None = None
    property: str | None = None
    required: bool = True


SECTIONS: tuple[SurveySection, ...] = (
    SurveySection("mayor", r"^Mayor$", "header"),
    SurveySection("population", r"^Population$", "header"),
    SurveySection("officer", r"^Lead Innovation Officer$", "header"),
    SurveySection(
        "benefits", r"^Innovation is helping to:?$", "list", "benefit", "innovationHelpsTo"
    ),
    SurveySection(
        "success-factors",
        r"^Critical success factors:?$",
        "list",
        "success-factor",
        "criticalSuccessFactor",
    ),
    SurveySection("spotlight", r"^Spotlight on innovation in .+$", "prose"),
    SurveySection(
        "vision", r"^Vision and approach to innovation capacity$", "sentences", required=False
    ),
    SurveySection(
        "policy-areas",
        r"^Policy areas that .+ (?:is|are) focused on$",
        "list",
        "policy-area",
        "focusPolicyArea",
    ),
    SurveySection(
        "roles",
        r"^.+ utili[sz]es (?P<count>\d+) different innovation skills? or roles?$",
        "counted-list",
        "innovation-role",
        "innovationRole",
    ),
    SurveySection("roles-prose", r"^Innovation skills? or roles?$", "prose", required=False),
    # The placement answer follows the roles list (after its chart caption, if any).
    SurveySection("placement", None, "statement", required=False),
    SurveySection(
        "terms",
        r"^Terms .+ most associates? with innovation$",
        "list",
        "innovation-term",
        "associatedTerm",
    ),
    SurveySection(
        "activities",
        r"^.+['’]s? most common innovation activities$",
        "ranked",
        "innovation-activity",
        "rankedActivity",
    ),
    SurveySection("funding", r"^How is innovation funded here\??$", "sentences"),
    SurveySection(
        "funding-sources", r"^Top sources of funding$", "list", "funding-source", "fundingSource"
    ),
    SurveySection(
        "funded-activities",
        r"^Activities being funded$",
        "charted-list",
        "funded-activity",
        "fundedActivity",
    ),
    SurveySection("measurement", r"^How is innovation measured\??$", "sentences", required=False),
    SurveySection("data-availability", r"^Data availability by policy area$", "group"),
    SurveySection(
        "sufficient-data",
        r"^Sufficient data$",
        "list",
        "policy-area",
        "sufficientDataFor",
        required=False,
    ),
    SurveySection(
        "insufficient-data",
        r"^Insufficient data$",
        "list",
        "policy-area",
        "insufficientDataFor",
        required=False,
    ),
)
BY_KEY = {section.key: section for section in SECTIONS}
# Sections whose lines are options of an answer list, by key: the list's scheme slug.
SCHEMES = {s.key: s.scheme for s in SECTIONS if s.scheme}
# Sections that hold only survey sentences, no list.
SENTENCE_SECTIONS = tuple(s.key for s in SECTIONS if s.kind == "sentences")
# Sections whose lines are free text: never cut into survey sentences.
PROSE_SECTIONS = frozenset(s.key for s in SECTIONS if s.kind == "prose")
# Sections of free text, whose last line ends like a sentence on a page that is not cut.
FREE_TEXT_SECTIONS = frozenset(s.key for s in SECTIONS if s.kind in ("prose", "statement"))
# The header's single values: mayor, population, lead innovation officer.
HEADER_SECTIONS = frozenset(s.key for s in SECTIONS if s.kind == "header")
# Sections of numbers only (data availability: the sizes of its two lists).
NUMBER_SECTIONS = frozenset(s.key for s in SECTIONS if s.kind == "group")
# Plain list sections: each line one option, given with the section's property.
LIST_SECTIONS = {s.key: s.property for s in SECTIONS if s.kind == "list"}
