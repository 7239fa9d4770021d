"""Where a line of a profile splits into sentences: at a full stop before a capital, never
after an initial or an abbreviation."""

from __future__ import annotations

import pytest

from citykg.builder.sentence_bounds import split_sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One. Two? Three!", ["One.", "Two?", "Three!"]),
        ('It has one. "Quoted" next.', ["It has one.", '"Quoted" next.']),
        ("The U.S. Census Bureau, D.C. Water.", ["The U.S. Census Bureau, D.C. Water."]),
        ("Led by Dr. Smith in St. Louis. Next.", ["Led by Dr. Smith in St. Louis.", "Next."]),
        ("Mayor John F. Kennedy spoke. Then.", ["Mayor John F. Kennedy spoke.", "Then."]),
        ("Acme Inc. builds. Then.", ["Acme Inc. builds.", "Then."]),
        ("version 2.0 is out. Yes.", ["version 2.0 is out.", "Yes."]),
        ("no capital. after", ["no capital. after"]),
    ],
)
def test_sentences(text, sentences):
    assert split_sentences(text) == sentences
