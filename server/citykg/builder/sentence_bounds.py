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
    r"(?:[A-Za-z]\.)+|(?:St|Dr|Mr|Mrs|Ms|Prof|Inc|Ltd|Co|Corp|Jr|Sr|No|Mt|Dept|Univ|Gov|Govt|Ave"
    r"|vs)\."
)
_LONGEST_ABBREVIATION = 12  # characters looked back at from a full stop


def sentence_ends(text: str) -> list[int]:
    """Where the sentences of ``text`` end (just past their full stop), save the last: at a
    full stop, question or exclamation mark followed by a space and a capital, unless the
    word it ends is an abbreviation ("the U.S. Census Bureau", "St. Louis")."""
    return [
        m.start() + 1 for m in _SENTENCE_END.finditer(text) if not _abbreviation(text, m.start())
    ]


def _abbreviation(text: str, stop: int) -> bool:
    """Whether the word that the full stop at ``stop`` ends is an abbreviation. Only a few
    characters are looked at, so that a line of any length is split in linear time."""
    start = max(0, stop - _LONGEST_ABBREVIATION)
    words = text[start : stop + 1].split()
    if not words or (len(words) == 1 and start > 0 and not text[start - 1].isspace()):
        return False  # a word longer than any abbreviation
    return bool(_ABBREVIATION.fullmatch(words[-1].lstrip('(“"')))


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, in order."""
    bounds = [0, *sentence_ends(text), len(text)]
    parts = (text[a:b].strip() for a, b in itertools.pairwise(bounds))
    return [part for part in parts if part]
