"""Where the sentences of a line of a profile end: at a full stop, question or exclamation
mark before a capital, but never after initials or an abbreviation ("the U.S. Census Bureau",
"St. Louis", "Dr. Smith")."""

from __future__ import annotations

import itertools
import re

# Where a sentence may end: a full stop, question or exclamation mark, space, a capital.
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z“\"])")
# A word that ends in a full stop without ending the sentence: initials and abbreviations
# written with dots ("U.S.", "D.C.", "e.g.", "F."), and titles and company forms.
_ABBREVIATION = re.compile(
    r"(?:^|\s|\()(?:(?:[A-Za-z]\.)+|(?:St|Dr|Mr|Mrs|Ms|Prof|Inc|Ltd|Co|Corp|Jr|Sr|No|Mt|Dept|"
    r"Univ|Gov|Govt|Ave|vs)\.)$"
)


def sentence_ends(text: str) -> list[int]:
    """Where the sentences of ``text`` end (just past their full stop), save the last: at a
    full stop, question or exclamation mark followed by a space and a capital, unless the
    word it ends is an abbreviation ("the U.S. Census Bureau", "St. Louis")."""
    return [
        m.start() + 1
        for m in _SENTENCE_END.finditer(text)
        if not _ABBREVIATION.search(text[: m.start() + 1])
    ]


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, in order."""
    bounds = [0, *sentence_ends(text), len(text)]
    parts = (text[a:b].strip() for a, b in itertools.pairwise(bounds))
    return [part for part in parts if part]
