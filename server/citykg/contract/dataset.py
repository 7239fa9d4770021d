"""What the dataset says of itself: its title, description and source, written into every
release's VoID by the build and cited by the release pages."""

from __future__ import annotations

TITLE = "citykg: city innovation capacity profiles"
DESCRIPTION = (
    "The city profiles of the OECD/Bloomberg Philanthropies Survey on Innovation Capacity in "
    "Cities (waves 2018 and 2020) as linked data, one named graph per profile."
)
SOURCE = "https://www.cities-innovation-oecd.com/"
