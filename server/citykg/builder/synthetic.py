"""Synthetic profiles for scale tests: N profile texts shaped like the real ones, deterministic.

Every file starts with ``# synthetic: true``; the importer refuses such a profile in a release
build unless the build is asked for synthetic data (``citykg build --synthetic``), so synthetic
cities are never mixed into the published release. A synthetic project is written to its own
directory with a copy of the ontology, concepts and shapes and its own link file.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from rdflib.namespace import SKOS

from citykg.builder.concept_schemes import ConceptSchemes
from citykg.builder.rdf_input import read_rdf
from citykg.contract.project import Project
from citykg.contract.survey import SCHEMES

COUNTRIES = [
    ("Germany", "DEU", "Q183"),
    ("Greece", "GRC", "Q41"),
    ("Portugal", "PRT", ""),
    ("Spain", "ESP", ""),
    ("Sweden", "SWE", ""),
    ("United States", "USA", ""),
]
FIRST_NAMES = ["Ana", "Ben", "Chloé", "Dario", "Eva", "Farid", "Greta", "Hugo", "Ines", "Jonas"]
LAST_NAMES = ["Almeida", "Berg", "Costa", "Dimitriou", "Engel", "Fischer", "García", "Holm"]


def labels(schemes: ConceptSchemes, scheme: str) -> list[str]:
    """The preferred labels of a scheme, in notation order where there is one."""
    graph = schemes.graph
    concepts = schemes.scheme(scheme).pref_label

    def order(c) -> tuple:  # noqa: ANN001
        notation = graph.value(c, SKOS.notation)
        return (int(notation) if notation and str(notation).isdigit() else 999, concepts[c])

    return [concepts[c] for c in sorted(concepts, key=order)]


def profile_text(index: int, schemes: ConceptSchemes, rng: random.Random) -> tuple[str, str, str]:
    """One synthetic profile: (file text, city name, country name)."""
    country, _, _ = COUNTRIES[index % len(COUNTRIES)]
    city = f"Synthcity {index:06d}"
    wave = rng.choice(["2018", "2020"])

    def pick(scheme: str, low: int, high: int) -> list[str]:
        options = labels(schemes, scheme)
        return rng.sample(options, rng.randint(low, min(high, len(options))))

    def person() -> str:
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"

    areas = labels(schemes, SCHEMES["sufficient-data"])[:18]
    sufficient = rng.sample(areas, rng.randint(5, 17))
    insufficient = [a for a in areas if a not in sufficient][: rng.randint(1, 4)]
    roles = pick(SCHEMES["roles"], 1, 5)
    activities = labels(schemes, SCHEMES["activities"])
    rng.shuffle(activities)
    funded = [
        a
        for a in pick(SCHEMES["funded-activities"], 1, 3)
        if a not in ("Launching or sustaining a project", "Training staff and building capacity")
    ]
    lines = [
        "# synthetic: true",
        f"# survey-wave: {wave}",
        city,
        "",
        country,
        "",
        "Mayor",
        "",
        person(),
        "",
        "Population",
        "",
        f"{rng.randint(20_000, 9_000_000):,} ({rng.randint(2015, 2020)})",
        "",
        "Lead Innovation Officer",
        "",
        person(),
        "",
        "Innovation is helping to:",
        *[f"  • {x}" for x in pick(SCHEMES["benefits"], 1, 4)],
        "",
        "Critical success factors:",
        *[f"  • {x}" for x in pick(SCHEMES["success-factors"], 1, 5)],
        "",
        f"Spotlight on innovation in {city}",
        "",
        f"Launched in {rng.randint(2005, 2020)}, the programme “{city} Lab” brings residents, "
        "officials and researchers together to test new services before the city adopts them.",
        "",
        "Vision and approach to innovation capacity",
        "",
        f"Along with 50% of cities surveyed, {city} "
        f"{rng.choice(['has', 'does not have'])} an explicit innovation strategy. Similar to more "
        f"than half of cities surveyed, {city} approaches innovation capacity both from a "
        "holistic/macro level, as well as in specific policy areas.",
        "",
        f"Policy areas that {city} is focused on",
        "",
        *pick(SCHEMES["policy-areas"], 1, 4),
        "Policy areas by number of cities",
        "",
        f"{city} utilizes {len(roles)} different innovation skills or roles",
        "",
        *roles,
        "Innovation roles by number of cities",
        "",
        f"{city}’s innovation work is sprinkled throughout the municipal administration.",
        "",
        f"Terms {city} most associates with innovation",
        "",
        *pick(SCHEMES["terms"], 1, 3),
        "",
        f"{city}'s most common innovation activities",
        "",
        activities[0],
        "",
        *[
            x
            for rank, a in enumerate(activities, 1)
            for x in (f"  {rank}. {rank}", "", f"    {a}", "")
        ],
        "How is innovation funded here?",
        "",
        f"Like 81% of cities surveyed, {city} has dedicated funding to support innovation "
        "capacity.",
        "",
        "Top sources of funding",
        "",
        "Municipal budget",
        "",
        "Activities being funded",
        "",
        *funded,
        "",
        "How is innovation measured?",
        "",
        f"{city} has developed partnerships to promote innovation capacity with "
        f"{' and '.join(pick('partnership-type', 1, 2))}.",
        "",
        "Data availability by policy area",
        "",
        str(len(sufficient)),
        str(len(insufficient)),
        "",
        "Sufficient data",
        "",
        *sufficient,
        "",
        "Insufficient data",
        "",
        *insufficient,
    ]
    return "\n".join(lines) + "\n", city, country


def write_project(root: Path, count: int, source: Project, seed: int = 1) -> Project:
    """A project at ``root`` with ``count`` synthetic profiles and the source's ontology,
    concept schemes and shapes."""
    root.mkdir(parents=True, exist_ok=True)
    for folder in ("ontology", "shapes"):
        shutil.copytree(source.root / folder, root / folder, dirs_exist_ok=True)
    profiles = root / "data" / "profiles"
    profiles.mkdir(parents=True, exist_ok=True)
    schemes = ConceptSchemes(read_rdf(source.concepts, source.relative(source.concepts)))
    rng = random.Random(seed)
    rows = ["kind,name,country,iso3,wikidata,note"]
    rows += [f"country,{name},,{iso3},{qid}," for name, iso3, qid in COUNTRIES]
    for index in range(1, count + 1):
        text, city, country = profile_text(index, schemes, rng)
        (profiles / f"synth-{index:06d}.txt").write_text(text, encoding="utf-8")
        rows.append(f"city,{city},{country},,Q{1_000_000 + 37 * index},synthetic")
    (root / "data" / "wikidata-links.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return Project.at(root)
