"""The survey's sentences as profiles print them: a pattern for each kind of sentence citykg
reads, and the survey-wide figure that may open one ("Along with 50% of cities surveyed, …")."""

from __future__ import annotations

import re

# A survey-wide figure opening a sentence: "Along with 50% of cities surveyed, ...", "Similar
# to 61% of participating cities in the 2020 survey, ...", "Like more than half of all cities
# surveyed, ...". The cities it counts are named in up to two words before "cities" and
# anything after it up to the comma (which may name a wave: "in the 2020 survey", "in 2020").
_FIGURE = (
    r"^(?P<relation>Along with|Like|Similar to|Unlike|As with)\s+"
    r"(?P<share>(?:more than|over) half|half|\d{1,3}(?:\.\d+)?\s?%)\s+of\s+"
    r"(?P<cities>(?:[A-Za-z-]+\s+){0,2}cities\b[^,]*)"
    r",\s*(?P<rest>.+)$"
)
FIGURE = re.compile(_FIGURE, re.IGNORECASE)
_FIGURE_OPENING = re.compile(
    r"^(?:Along with|Like|Similar to|Unlike|As with)\b.*(?:\d\s?%|\bhalf\b)", re.IGNORECASE
)


def figure_like(text: str) -> bool:
    """Whether a sentence opens like a survey-wide figure: a relation and a share before its
    first comma (looked for in that opening only: linear in the sentence's length)."""
    opening, comma, _ = text.partition(",")
    return bool(comma) and _FIGURE_OPENING.match(opening) is not None


# Sentence kind -> pattern, matched on one sentence (after any survey figure is split off).
# Sentences must end with their full stop: a sentence cut short by a truncated file is not read.
SENTENCES: dict[str, re.Pattern[str]] = {
    key: re.compile(pattern, re.IGNORECASE)
    for key, pattern in [
        ("strategy", r"^.+? (?P<neg>does not have|has) an explicit innovation strategy\.$"),
        ("approach", r"^.+? approaches innovation capacity (?P<how>.+?)\.$"),
        ("placement", r"^.+?['’]s? innovation work (?:is|sits) (?P<where>.+?)\.$"),
        ("no-team", r"^.+? (?P<where>does not have a dedicated (?:innovation )?team)(?P<more>.*)$"),
        (
            "dedicated-funding",
            r"^.+? (?P<neg>does not have|has) dedicated funding to support innovation capacity\.$",
        ),
        (
            "staff-training",
            r"^.+?['’]s? funding for innovation capacity (?P<neg>is not|is also|is) directed "
            r"towards training staff and building capacity\*?\.$",
        ),
        (
            "partnerships",
            r"^.+? has developed partnerships to promote innovation capacity with (?P<with>.+?)\.$",
        ),
        (
            "data-partnerships",
            r"^To improve data use, the city has also developed data partnerships with "
            r"(?P<with>.+?)(?: to collect and analy[sz]e data)?\.$",
        ),
        ("option-footnote", r"^\*\s*[\"“].+[\"”] is not an option in the \d{4} survey"),
    ]
}


# The kinds whose pattern ends with the full stop: a part without one cannot be of them.
ENDS_WITH_FULL_STOP = {
    key for key, pattern in SENTENCES.items() if pattern.pattern.endswith(r"\.$")
}
