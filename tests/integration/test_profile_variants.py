"""The page-template variants of real profiles, each as a test profile of our own: the wave
note (own line, glued to a list, absent from a page cut before its place, contradicted by
metadata), spotlight forms, roles and placement as prose, survey figures in their sentence
shapes, unknown options, pages cut mid-word. Every line of every profile is accounted for."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from citykg.builder.assemble import assemble
from citykg.builder.concept_schemes import ConceptSchemes
from citykg.builder.importer import Outcome, Source, import_profile
from citykg.builder.namespaces import CITYKG, ID, SCHEMA
from citykg.builder.release import write_release
from citykg.builder.synthetic import write_project
from citykg.builder.wikidata_links import parse_links
from citykg.contract.project import Project

from support.app import app_for
from support.html import parse_html
from support.project import LEIPZIG, ROOT, make_project

FIXTURES = ROOT / "tests" / "fixtures" / "profiles"
CONCEPT = f"{ID}concept/"
SAFETY_NET = "line not understood: "


@pytest.fixture(scope="module")
def run():
    vocabulary = ConceptSchemes(Graph().parse(ROOT / "ontology" / "citykg-concepts.ttl"))
    links = parse_links((ROOT / "data" / "wikidata-links.csv").read_text(), "links.csv")[0]

    def run(path: Path):
        data = path.read_bytes()
        source = Source.from_path(f"data/profiles/{path.name}")
        sha = hashlib.sha256(data).hexdigest()
        return import_profile(data, source, vocabulary, links, sha)

    return run


def codes(result) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in result.findings:
        out.setdefault(f.code, []).append(f)
    return out


def line_of(path: Path, start: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, x in enumerate(lines, 1) if x.strip().startswith(start))


def values(result, subject: URIRef, prop: URIRef) -> set:
    return {
        o.toPython() if isinstance(o, Literal) else str(o)
        for o in result.graph.objects(subject, prop)
    }


def wave_of(result) -> str:
    [wave] = result.graph.objects(
        URIRef(f"{ID}profile/{result.graph_iri.split('/profile/')[1]}"), CITYKG.surveyWave
    )
    return str(wave).rsplit("/", 1)[-1]


@pytest.mark.parametrize("path", [LEIPZIG, *sorted(FIXTURES.glob("*.txt"))], ids=lambda p: p.name)
def test_every_line_is_accounted_for(run, path):
    """Each non-empty line ends in a fact, kept text, a layout role or a finding saying why it
    is not recorded; never recorded and reported as not recorded at once."""
    result = run(path)
    if not result.ok:  # nothing recorded; what no finding or layout explains, the error does
        [error, *_] = [f for f in result.findings if f.severity == "error"]
        assert not [f for f in result.fates.values() if f.triples], path.name
        assert all(f.findings or f.layout for f in result.fates.values()), path.name
        assert any(f.findings == [error] for f in result.fates.values()), path.name
    assert result.unaccounted() == []
    assert [n for n, fate in result.fates.items() if fate.conflicting] == []
    assert not [f for f in result.findings if f.message.startswith(SAFETY_NET)]
    for fate in result.fates.values():
        if Outcome.FINDING in fate.outcomes:
            assert fate.findings, fate.line


def test_note_on_its_own_line_decides_2018(run):
    path = FIXTURES / "note-own-line-2018.txt"
    result = run(path)
    p = URIRef(f"{ID}profile/westerhaven-deu/2018")
    assert result.wave == "2018" and result.graph_iri.endswith("/westerhaven-deu/2018")
    # The note ends the spotlight and is not part of its description.
    [description] = values(result, URIRef(f"{p}/spotlight"), SCHEMA.description)
    assert "Note:" not in description and description.endswith("schools and parks.")
    [note] = values(result, p, CITYKG.snapshotNote)
    assert "produced in 2019" in note
    activity = URIRef(f"{result.graph_iri}/import")
    assert values(result, activity, CITYKG.waveBasis) == {f"{CONCEPT}wave-basis/snapshot-note"}
    note_line = line_of(path, "Note: The City")
    assert (p, CITYKG.surveyWave, URIRef(f"{CONCEPT}survey-wave/2018")) in result.spans[
        (note_line, note_line)
    ]
    assert "wave-inferred" not in codes(result)


def test_negative_strategy_and_specific_approach_with_figures(run):
    result = run(FIXTURES / "note-own-line-2018.txt")
    p = URIRef(f"{ID}profile/westerhaven-deu/2018")
    assert values(result, p, CITYKG.hasExplicitStrategy) == {False}
    assert values(result, p, CITYKG.approach) == {f"{CONCEPT}approach/specific-policy-areas"}
    shares = {
        str(s).split("/statistics/")[1]: o.toPython()
        for s, o in result.statistics.subject_objects(CITYKG.shareOfCities)
    }
    assert shares == {
        "no-explicit-strategy/both-waves": Decimal("0.5"),
        "specific-policy-areas-approach/both-waves": Decimal("0.24"),
    }
    assert "figure-unused" not in codes(result)


def test_roles_as_prose_are_kept_as_the_roles_answer(run):
    path = FIXTURES / "note-own-line-2018.txt"
    result = run(path)
    p = URIRef(f"{ID}profile/westerhaven-deu/2018")
    roles = values(result, p, CITYKG.rolesStatement)
    assert len(roles) == 2 and any(
        r.startswith("Westerhaven does not have a dedicated team") for r in roles
    )
    assert values(result, p, CITYKG.placement) == {f"{CONCEPT}placement/no-dedicated-team"}
    assert values(result, p, CITYKG.innovationRole) == set()
    assert not values(result, p, CITYKG.placementStatement)
    assert "not-understood" not in codes(result)


def test_unknown_option_kept_as_text(run):
    path = FIXTURES / "note-own-line-2018.txt"
    result = run(path)
    p = URIRef(f"{ID}profile/westerhaven-deu/2018")
    answers = {
        str(result.graph.value(a, CITYKG.answerText)): result.graph.value(a, CITYKG.answerTo)
        for a in result.graph.objects(p, CITYKG.unlistedAnswer)
    }
    assert answers == {
        "Leadership from City Manager": CITYKG.criticalSuccessFactor,
        "Experimentation": CITYKG.associatedTerm,
    }
    unknown = codes(result)["unknown-option"]
    assert {f.line for f in unknown} == {
        line_of(path, "• Leadership from City Manager"),
        line_of(path, "Experimentation"),
    }
    assert "did you mean 'Leadership from Mayor'" in unknown[0].message
    assert values(result, p, CITYKG.criticalSuccessFactor) == {
        f"{CONCEPT}success-factor/engagement-with-partners"
    }


def test_note_glued_to_a_spotlight_list(run):
    path = FIXTURES / "note-glued-list-2018.txt"
    result = run(path)
    p = URIRef(f"{ID}profile/eastbrook-usa/2018")
    assert result.wave == "2018"
    names = {
        result.graph.value(s, SCHEMA.name).toPython(): str(s).rsplit("/", 1)[-1]
        for s in result.graph.objects(p, CITYKG.spotlight)
    }
    assert names == {
        "Neighbourhood Tool Library": "1",
        "Open Budget Explorer": "2",
        "Summer Youth Coders": "3",
    }
    assert values(result, p, CITYKG.spotlightStatement) == {
        "Eastbrook has launched several innovative initiatives including:"
    }
    [note] = values(result, p, CITYKG.snapshotNote)
    assert note.startswith("Note: The City Innovation Snapshot") and "produced in 2018" in note


def test_placement_prose_after_the_roles_chart(run):
    result = run(FIXTURES / "note-glued-list-2018.txt")
    p = URIRef(f"{ID}profile/eastbrook-usa/2018")
    [placement] = values(result, p, CITYKG.placementStatement)
    assert placement.startswith("Situated in the Mayor’s office") and "4 staff" in placement
    assert not values(result, p, CITYKG.rolesStatement)
    assert len(values(result, p, CITYKG.innovationRole)) == 2
    assert "not-understood" not in codes(result)


def test_more_than_half_figure(run):
    result = run(FIXTURES / "note-glued-list-2018.txt")
    obs = URIRef(f"{ID}statistics/holistic-and-specific-approach/both-waves")
    assert result.statistics.value(obs, CITYKG.shareQualifier) == URIRef(
        f"{CONCEPT}share-qualifier/more-than"
    )


def test_page_cut_mid_word_keeps_what_stands_before(run):
    path = FIXTURES / "note-glued-list-2018.txt"
    result = run(path)
    last = line_of(path, "Eastbrook's most common innovation activi")
    [cut] = codes(result)["cut"]
    assert cut.line == last
    [missing] = codes(result)["missing-section"]
    assert "activities" in missing.message and missing.line == last
    assert result.fates[last].outcomes == {Outcome.FINDING}
    p = URIRef(f"{ID}profile/eastbrook-usa/2018")
    assert values(result, p, CITYKG.associatedTerm) == {
        f"{CONCEPT}innovation-term/data-analytics",
        f"{CONCEPT}innovation-term/human-centered-design",
    }


def test_page_cut_before_the_note_needs_metadata(run, tmp_path):
    path = FIXTURES / "cut-before-note.txt"
    result = run(path)
    assert not result.ok
    [error] = codes(result)["wave"]
    assert error.severity == "error" and "# survey-wave:" in error.message
    # With the metadata line the same page imports, and its cut sentence is left out.
    text = "# survey-wave: 2018\n" + path.read_text(encoding="utf-8")
    (tmp_path / path.name).write_text(text, encoding="utf-8")
    again = run(tmp_path / path.name)
    assert again.ok and again.wave == "2018"
    [description] = values(
        again, URIRef(f"{ID}profile/southmere-esp/2018/spotlight"), SCHEMA.description
    )
    assert description.endswith("public spaces.") and "six mon" not in description
    assert [f.code for f in codes(again)["cut"]] == ["cut"]


def test_metadata_contradicting_the_note_is_an_error(run):
    path = FIXTURES / "stated-wave-contradicts-note.txt"
    result = run(path)
    assert not result.ok
    [error] = codes(result)["wave"]
    assert error.line == 1 and str(line_of(path, "Note:")) in error.message


def test_wave_2020_inferred_only_past_the_place_of_the_note(run):
    path = FIXTURES / "placement-prose-no-caption-2020.txt"
    result = run(path)
    assert result.wave == "2020"
    [inferred] = codes(result)["wave-inferred"]
    assert inferred.line == line_of(path, "Vision and approach")
    activity = URIRef(f"{result.graph_iri}/import")
    assert values(result, activity, CITYKG.waveBasis) == {f"{CONCEPT}wave-basis/inferred"}


def test_placement_prose_under_the_roles_list_without_a_chart(run):
    result = run(FIXTURES / "placement-prose-no-caption-2020.txt")
    p = URIRef(f"{ID}profile/riverton-prt/2020")
    [placement] = values(result, p, CITYKG.placementStatement)
    assert placement.startswith("Riverton’s innovation lab sits in the Department")
    assert not values(result, p, CITYKG.rolesStatement)
    assert values(result, p, CITYKG.statedRoleCount) == {4}
    assert len(values(result, p, CITYKG.innovationRole)) == 2


def test_figure_of_one_wave_and_a_negative_answer(run):
    result = run(FIXTURES / "placement-prose-no-caption-2020.txt")
    p = URIRef(f"{ID}profile/riverton-prt/2020")
    assert values(result, p, CITYKG.fundsStaffTraining) == {False}
    obs = URIRef(f"{ID}statistics/no-staff-training-funding/2020")
    assert result.statistics.value(obs, CITYKG.shareOfCities).toPython() == Decimal("0.61")
    assert result.statistics.value(obs, RDF.type) is not None


def test_unknown_partner_kept_as_text(run):
    result = run(FIXTURES / "placement-prose-no-caption-2020.txt")
    p = URIRef(f"{ID}profile/riverton-prt/2020")
    assert values(result, p, CITYKG.partnership) == {
        f"{CONCEPT}partnership-type/other-public-agencies"
    }
    [unlisted] = result.graph.objects(p, CITYKG.unlistedAnswer)
    assert str(result.graph.value(unlisted, CITYKG.answerText)) == "local foundations"


def test_every_line_of_synthetic_profiles_is_accounted_for(tmp_path):
    """The synthetic profiles use every answer list and every sentence shape."""
    vocabulary = ConceptSchemes(Graph().parse(ROOT / "ontology" / "citykg-concepts.ttl"))
    project = write_project(tmp_path / "synth", 30, Project.at(ROOT), seed=3)
    links = parse_links(project.links.read_text(encoding="utf-8"), "links.csv")[0]
    for path in project.profiles():
        data = path.read_bytes()
        source = Source.from_path(f"data/profiles/{path.name}")
        result = import_profile(data, source, vocabulary, links, "x", allow_synthetic=True)
        assert result.ok, [f.format() for f in result.findings]
        assert result.unaccounted() == [], path.name
        assert [n for n, fate in result.fates.items() if fate.conflicting] == [], path.name


def _sections(page: bytes) -> dict[str, str]:
    """The words of a page's ``<section class=…>`` elements by their first class, those of one
    class run together in page order."""
    sections: dict[str, list[str]] = {}
    for section in parse_html(page).find_all("section"):
        sections.setdefault(section.classes[0], []).append(section.words)
    return {name: " ".join(words) for name, words in sections.items()}


@pytest.fixture(scope="module")
def variant_pages(tmp_path_factory):
    """The city pages of a release built from Leipzig and the variant profiles."""
    root = tmp_path_factory.mktemp("variants")
    profiles = {p.name: p.read_text(encoding="utf-8") for p in FIXTURES.glob("*-20[12][08].txt")}
    project = make_project(root, {LEIPZIG.name: LEIPZIG.read_text(encoding="utf-8"), **profiles})
    assembly = assemble(project)
    assert not assembly.errors, [f.format() for f in assembly.errors]
    release = write_release(assembly, project.var_dir).path
    pages = {}
    with app_for(release, root / "stores") as app:
        client = app.test_client()
        for city in ("eastbrook-usa", "westerhaven-deu", "riverton-prt", "leipzig-deu"):
            page = client.get(f"/id/city/{city}", headers={"Accept": "text/html"})
            assert page.status_code == 200, city
            pages[city] = _sections(page.data)
    return pages


def test_city_pages_show_what_the_variants_say(variant_pages):
    east, west, river = (
        variant_pages[c] for c in ("eastbrook-usa", "westerhaven-deu", "riverton-prt")
    )
    assert (
        "Neighbourhood Tool Library Open Budget Explorer Summer Youth Coders" in east["spotlight"]
    )
    assert "Note:" not in east["spotlight"]
    assert east["placement"].endswith("In addition, the budget office leads the data work.")
    unlisted = "Leadership from City Manager (as printed; not an option of the survey's list)"
    assert unlisted in west["answers"]
    assert "does not have a dedicated team" in west["placement"]
    assert west["roles"].startswith("Innovation skills and roles Westerhaven does not have")
    assert "Riverton’s innovation lab sits" in river["placement"]
    assert (
        "about 24% of cities" in west["statistics"] and "(both survey waves)" in west["statistics"]
    )
    leipzig = variant_pages["leipzig-deu"]
    assert "sprinkled throughout the municipal administration" in leipzig["placement"]
    assert "more than 50% of cities" in leipzig["statistics"]


@pytest.mark.parametrize("path", [LEIPZIG, *sorted(FIXTURES.glob("*.txt"))], ids=lambda p: p.name)
def test_every_line_is_accounted_for_wherever_the_page_stops(run, path, tmp_path):
    """A page cut at the end or in the middle (mid-word) of any of its lines: each line still
    ends in a fact, kept text, layout or a finding, and none is both recorded and skipped."""
    text = path.read_text(encoding="utf-8")
    ends = [i for i, c in enumerate(text) if c == "\n"] + [len(text)]
    starts = [0, *(i + 1 for i in ends[:-1])]
    cuts = {(a + b) // 2 for a, b in zip(starts, ends, strict=True) if b - a > 1} | set(ends)
    cut_file = tmp_path / path.name
    for cut in sorted(cuts):
        cut_file.write_text(text[:cut], encoding="utf-8")
        result = run(cut_file)
        where = f"cut at {cut}: {text[max(0, cut - 30) : cut]!r}"
        assert result.unaccounted() == [], where
        assert [n for n, f in result.fates.items() if f.conflicting] == [], where
        # The safety net (a finding for a line no rule handled) is never what accounts for it.
        assert not [f for f in result.findings if f.message.startswith(SAFETY_NET)], where


def test_odd_lines_each_end_where_they_should(run):
    """Repeated metadata and headings, prose among the sentences, an "Unlike" figure, a
    spotlight paragraph ending in a colon, short placement prose, a misspelt placement."""
    path = FIXTURES / "odd-lines-2020.txt"
    result = run(path)
    p = URIRef(f"{ID}profile/lakeside-deu/2020")
    found = codes(result)
    assert [f.line for f in found["metadata"]] == [3]
    assert [f.line for f in found["implausible"]] == [9, 9]
    # A paragraph that ends in a colon and names its initiative is not a list of initiatives.
    [spotlight] = result.graph.objects(p, CITYKG.spotlight)
    assert str(result.graph.value(spotlight, SCHEMA.name)) == "Smart Streets"
    description = (spotlight, SCHEMA.description, result.graph.value(spotlight, SCHEMA.description))
    assert description in result.spans[(12, 15)]
    assert sorted(f.line for f in found["not-understood"]) == [19, 37]
    # "Unlike 70% … does not have": 70% of cities have one.
    obs = URIRef(f"{ID}statistics/explicit-strategy/both-waves")
    assert result.statistics.value(obs, CITYKG.shareOfCities).toPython() == Decimal("0.7")
    # Sentences under a repeated heading are not recorded, as its finding says.
    assert values(result, p, CITYKG.hasExplicitStrategy) == {False}
    assert result.fates[24].outcomes == {Outcome.FINDING}
    assert values(result, p, CITYKG.placementStatement) == {
        "Led by the Mayor's office.",
        "Lakeside’s innovation work is sprinkeld throughout the municipal administration.",
    }
    assert values(result, p, CITYKG.innovationRole) == {f"{CONCEPT}innovation-role/project-manager"}
    assert not values(result, p, CITYKG.placement)
    [misspelt] = found["unknown-option"]
    assert misspelt.line == 37 and "did you mean 'sprinkled throughout" in misspelt.message


def test_placement_prose_naming_sectors_and_advisors(run):
    result = run(FIXTURES / "placement-sectors-2018.txt")
    p = URIRef(f"{ID}profile/northbay-grc/2018")
    assert result.wave == "2018"
    [placement] = values(result, p, CITYKG.placementStatement)
    assert placement.startswith("Northbay spreads its innovation capacity across many sectors")
    assert placement.endswith("hires external advisors to run its innovation programmes.")
    assert not values(result, p, CITYKG.placement)
    assert values(result, p, CITYKG.innovationRole) == {
        f"{CONCEPT}innovation-role/project-manager",
        f"{CONCEPT}innovation-role/community-engagement-staff",
    }
    assert "not-understood" not in codes(result) and "unknown-option" not in codes(result)


@pytest.mark.parametrize("path", [LEIPZIG, *sorted(FIXTURES.glob("*.txt"))], ids=lambda p: p.name)
def test_the_fragment_a_page_stops_in_is_never_recorded(run, path, tmp_path):
    """A page cut in the middle of any line (after its first one or two characters, halfway,
    one or two before its end): the fragment
    after its last whole sentence is not an answer, a name or a figure: no literal of the
    profile, its entities or its figures is that text, and a finding (``cut``, or why the line
    is not read at all) names the line, unless it only gives the page its shape (a gloss). Only
    a page too short to name its city and country fails."""
    text = path.read_text(encoding="utf-8")
    ends = [i for i, c in enumerate(text) if c == "\n"] + [len(text)]
    starts = [0, *(i + 1 for i in ends[:-1])]
    cut_file = tmp_path / path.name
    for start, end in zip(starts, ends, strict=True):
        line = text[start:end]
        if not line.strip() or line.startswith("#"):
            continue
        for cut in sorted({start + 1, start + 2, (start + end) // 2, end - 2, end - 1}):
            if not start < cut < end or not text[start:cut].strip():
                continue
            cut_file.write_text(text[:cut], encoding="utf-8")
            result = run(cut_file)
            where = f"cut at {cut}: {text[max(0, cut - 40) : cut]!r}"
            fragment = re.split(r"(?<=[.!?])\s+", text[start:cut].strip())[-1]
            recorded = {
                str(o)
                for graph in (result.graph, result.entities, result.statistics)
                for o in graph.objects()
                if isinstance(o, Literal) and o.datatype is None
            }
            assert fragment not in recorded, where
            fate = result.fates.get(text[:cut].count("\n") + 1)
            if result.ok and fate.outcomes != {Outcome.LAYOUT}:
                assert fate.findings, where


def variant(tmp_path: Path, old: str, new: str) -> Path:
    """The Leipzig page with ``old`` (which it has once) replaced by ``new``."""
    text = LEIPZIG.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / LEIPZIG.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


LEIPZIG_PROFILE = URIRef(f"{ID}profile/leipzig-deu/2020")


def test_an_abbreviation_does_not_end_a_sentence(run, tmp_path):
    """ "the U.S. Census Bureau": the data partnership sentence stays whole, with its three
    partners."""
    result = run(variant(tmp_path, "the State’s Statistical Office", "the U.S. Census Bureau"))
    assert values(result, LEIPZIG_PROFILE, CITYKG.dataPartner) == {
        "U.S. Census Bureau",
        "National Labor Agency",
        "other environmental institutions",
    }
    [statement] = values(result, LEIPZIG_PROFILE, CITYKG.dataPartnershipsStatement)
    assert statement.endswith("to collect and analyze data.")
    assert "not-understood" not in codes(result)


STAFF_TRAINING_FIGURE = "Similar to 61% of participating cities in the 2020 survey"


@pytest.mark.parametrize(
    ("figure", "share", "qualifier", "coverage"),
    [
        ("Similar to 61% of responding cities in the 2020 survey", "0.61", "about", "2020"),
        ("Similar to 61% of cities surveyed in the 2020 survey", "0.61", "about", "2020"),
        ("Similar to 61% of cities that participated in the 2020 survey", "0.61", "about", "2020"),
        ("Similar to 61% of cities surveyed in 2020", "0.61", "about", "2020"),
        ("Similar to 61% of the participating cities", "0.61", "about", "both-waves"),
        ("Like 61% of all cities surveyed", "0.61", "about", "both-waves"),
        ("Like 61% of surveyed cities", "0.61", "about", "both-waves"),
        ("Like over half of cities surveyed", "0.5", "more-than", "both-waves"),
        ("Like more than half of all cities surveyed", "0.5", "more-than", "both-waves"),
        ("Like 61% of cities in the 2018 and 2020 surveys", "0.61", "about", "both-waves"),
    ],
)
def test_survey_figures_in_other_words(run, tmp_path, figure, share, qualifier, coverage):
    """Each wording of a survey-wide figure gives its observation; the rest of the sentence
    is still the city's answer."""
    result = run(variant(tmp_path, STAFF_TRAINING_FIGURE, figure))
    assert values(result, LEIPZIG_PROFILE, CITYKG.fundsStaffTraining) == {True}
    obs = URIRef(f"{ID}statistics/funds-staff-training/{coverage}")
    assert result.statistics.value(obs, CITYKG.shareOfCities).toPython() == Decimal(share)
    assert result.statistics.value(obs, CITYKG.shareQualifier) == URIRef(
        f"{CONCEPT}share-qualifier/{qualifier}"
    )
    assert "figure-not-understood" not in codes(result)


def test_a_figure_citykg_cannot_read_is_a_warning(run, tmp_path):
    result = run(variant(tmp_path, STAFF_TRAINING_FIGURE, "Similar to 61% of respondents"))
    assert values(result, LEIPZIG_PROFILE, CITYKG.fundsStaffTraining) == {True}
    assert not any("funds-staff-training" in str(s) for s in result.statistics.subjects())
    [warning] = codes(result)["figure-not-understood"]
    assert "Similar to 61% of respondents" in warning.message


def test_the_gloss_of_an_unlisted_answer_is_kept_on_it(run, tmp_path):
    """An unknown funding source printed as a real page prints one (label, label again, gloss):
    one unlisted answer, the repeated label its gloss's title, the gloss its scope note."""
    gloss = "This could include, for instance, grants from foundations or private donors."
    budget = "participatory budgeting / citizen-selected budgeting.\n"
    result = run(
        variant(tmp_path, budget, f"{budget}Philanthropic grants\nPhilanthropic grants\n{gloss}\n")
    )
    unlisted = list(result.graph.objects(LEIPZIG_PROFILE, CITYKG.unlistedAnswer))
    assert [str(result.graph.value(u, CITYKG.answerText)) for u in unlisted] == [
        "Philanthropic grants"
    ]
    assert [str(o) for o in result.graph.objects(unlisted[0], SKOS.scopeNote)] == [gloss]
    assert values(result, LEIPZIG_PROFILE, CITYKG.fundingSource) == {
        f"{CONCEPT}funding-source/municipal-budget"
    }
    assert "duplicate-answer" not in codes(result)


def test_the_placement_sentence_ends_roles_prose(run, tmp_path):
    """Roles as prose, then the fixed placement sentence: the sentence is the placement answer,
    not more roles prose."""
    roles = (
        "Leipzig utilizes 3 different innovation skills or roles\n\nProject manager\n"
        "Data scientist\nCommunication officer\nInnovation roles by number of cities\n"
    )
    prose = "Leipzig has no central innovation team. Each department names a coordinator."
    result = run(variant(tmp_path, roles, f"Innovation skills or roles\n\n{prose}\n"))
    assert values(result, LEIPZIG_PROFILE, CITYKG.rolesStatement) == {prose}
    assert values(result, LEIPZIG_PROFILE, CITYKG.placement) == {
        f"{CONCEPT}placement/sprinkled-throughout-administration"
    }
    [statement] = values(result, LEIPZIG_PROFILE, CITYKG.placementStatement)
    assert "sprinkled throughout the municipal administration" in statement
    assert "missing-section" not in codes(result)


def test_a_line_break_before_blank_looking_lines_ends_the_last_line(run, tmp_path):
    """A whole last answer followed by a line holding only a no-break space or a bullet is
    whole: the line break after it is there."""
    text = LEIPZIG.read_text(encoding="utf-8")
    cut = text[: text.index("Built environment") + len("Built environment")]
    for tail in ("\n\u00a0", "\n  •", "\n"):
        path = tmp_path / LEIPZIG.name
        path.write_text(cut + tail, encoding="utf-8")
        result = run(path)
        assert "cut" not in codes(result), repr(tail)
        assert f"{CONCEPT}policy-area/built-environment" in values(
            result, LEIPZIG_PROFILE, CITYKG.sufficientDataFor
        )


def test_a_long_spotlight_line_is_kept_whole(run, tmp_path):
    """A spotlight line of 800 KB that reads like the start of survey sentences is prose: it is
    kept, and read without the sentence patterns' backtracking."""
    long = "Leipzig approaches innovation capacity and " * 20_000
    result = run(variant(tmp_path, "LEGO building blocks", long))
    assert result.ok
    descriptions = [str(o) for o in result.graph.objects(None, SCHEMA.description)]
    assert any(long.strip() in d for d in descriptions)
