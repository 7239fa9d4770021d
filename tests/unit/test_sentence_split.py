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


def test_a_very_long_line_splits_whole():
    """A hostile 900 KB line of 90 000 sentences (tests/integration/test_hostile_inputs.py
    builds one, under a time limit), and a word longer than any abbreviation."""
    text = "It grows. " * 90_000
    assert len(split_sentences(text)) == 90_000
    assert split_sentences("a" * 100_000 + ". Next") == ["a" * 100_000 + ".", "Next"]
