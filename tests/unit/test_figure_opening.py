"""What reads like a survey-wide figure citykg cannot read: a relation and a share before the
first comma; looked for in that opening only (a 1 MB sentence is read in linear time)."""

from __future__ import annotations

import pytest

from citykg.builder.survey_sentences import figure_like


@pytest.mark.parametrize(
    ("text", "like"),
    [
        ("Similar to 61% of respondents, Leipzig funds training.", True),
        ("Like half the region, Leipzig funds training.", True),
        ("Like many cities, Leipzig funds training.", False),
        ("Leipzig, like 61% of cities, funds training.", False),
        ("Like 61% of cities funds training.", False),  # no comma: no opening to read
        ("Like 5% of x " * 80_000, False),
        ("Like 5% of x " * 80_000 + ", the rest.", True),
    ],
    ids=["share", "half", "no-share", "not-opening", "no-comma", "huge", "huge-with-comma"],
)
def test_figure_like(text, like):
    assert figure_like(text) is like
