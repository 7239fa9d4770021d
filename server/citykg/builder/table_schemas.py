"""What the release's tables hold: for each CSV file its columns (name, CSVW datatype, meaning)
and how a cell maps onto the ontology (``aboutUrl``, ``propertyUrl``, ``valueUrl`` URI
templates, https://www.w3.org/TR/tabular-metadata/#uri-template-properties), and the SPARQL
query over the release's default graph that fills its rows.

Every mapping gives only triples the default graph holds: the standard conversion to RDF of
every table (https://www.w3.org/TR/csv2rdf/, minimal mode) is a subset of the release (tested).
Identifier columns whose cells would state nothing of their own are ``suppressOutput``; they
serve the templates of the other columns. IRI cells hold full IRIs, expanded with RFC 6570
reserved expansion (``{+profile}``) so they are kept as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from citykg.contract import iris, layout
from citykg.contract.iris import CITYKG, PREFIXES, SCHEMA

RDF_TYPE = PREFIXES["rdf"] + "type"
PREF_LABEL = PREFIXES["skos"] + "prefLabel"
SAME_AS = PREFIXES["owl"] + "sameAs"
QB = PREFIXES["qb"]
WAVE = iris.concept("survey-wave", "{wave}")  # a survey wave by its year
ANSWER_OPTIONS = iris.concept_scheme("answer-option")  # the code list of citykg:option
INTEGER, BOOLEAN, STRING, IRI = "integer", "boolean", "string", "anyURI"


@dataclass(frozen=True)
class CsvColumn:
    """One column: its name (the CSV header and the SPARQL variable), CSVW datatype and
    meaning, and the URI templates of the triple each cell gives (``about``: subject,
    ``property``, ``value``: an IRI object; none: the cell is the literal object)."""

    name: str
    datatype: str | dict
    description: str
    about: str | None = None
    property: str | None = None
    value: str | None = None
    required: bool = False
    suppress: bool = False
    lang: str | None = None
    virtual: bool = False


@dataclass(frozen=True)
class CsvTable:
    """One CSV file: its name, title, description, columns, primary key, the SELECT that gives
    its rows (one variable per column that is not virtual) and the column, if any, that names
    a profile of the profiles table (a foreign key)."""

    url: str
    title: str
    description: str
    columns: tuple[CsvColumn, ...]
    primary_key: tuple[str, ...]
    query: str
    profile_key: str | None = None


def _label(column: str, of: str, what: str) -> CsvColumn:
    return CsvColumn(column, STRING, f"The label of {what}.", f"{{+{of}}}", PREF_LABEL, lang="en")


def _link(
    column: str, about: str, prop: str, description: str, required: bool = False
) -> CsvColumn:
    """An IRI cell: the object of ``prop`` of ``about``."""
    return CsvColumn(column, IRI, description, about, prop, f"{{+{column}}}", required=required)


def _key(name: str, description: str) -> CsvColumn:
    """An identifier column: the IRI the templates of other columns build on."""
    return CsvColumn(name, IRI, description, required=True, suppress=True)


def _wave(about: str) -> CsvColumn:
    description = "The survey wave (2018 or 2020)."
    return CsvColumn("wave", INTEGER, description, about, CITYKG.surveyWave, WAVE, required=True)


def _virtual(name: str, about: str, prop: str, value: str) -> CsvColumn:
    return CsvColumn(name, IRI, "", about, prop, value, virtual=True)


PROFILE = "{+profile}"
PREFIXES_USED = iris.sparql_prefixes("citykg", "skos", "schema", "owl", "org", "qb")

PROFILES = CsvTable(
    layout.PROFILES_TABLE,
    "Profiles",
    "One row per profile (a city's answer in one survey wave): the city, its country and "
    "Wikidata item, the population stated, and the profile's single-valued answers.",
    (
        _key("profile", "The profile."),
        _link("city", PROFILE, CITYKG.city, "The city.", required=True),
        CsvColumn("city_name", STRING, "The city's name.", "{+city}", SCHEMA.name),
        _link("country", "{+city}", SCHEMA.containedInPlace, "The city's country."),
        CsvColumn("country_name", STRING, "The country's name.", "{+country}", SCHEMA.name),
        _wave(PROFILE),
        _link("wikidata", "{+city}", SAME_AS, "The city's Wikidata item (empty: not linked)."),
        CsvColumn(
            "population",
            {"base": INTEGER, "minimum": 1},
            "The population the profile states.",
            PROFILE + "/population",
            CITYKG.populationCount,
        ),
        CsvColumn(
            "population_year",
            "gYear",
            "The year the population is dated.",
            PROFILE + "/population",
            CITYKG.referenceYear,
        ),
        CsvColumn(
            "explicit_strategy",
            BOOLEAN,
            "Whether the city has an explicit innovation strategy.",
            PROFILE,
            CITYKG.hasExplicitStrategy,
        ),
        _link("approach", PROFILE, CITYKG.approach, "How the city approaches innovation."),
        _label("approach_label", "approach", "the approach"),
        CsvColumn(
            "dedicated_funding",
            BOOLEAN,
            "Whether the city has dedicated funding for innovation capacity.",
            PROFILE,
            CITYKG.hasDedicatedFunding,
        ),
        CsvColumn(
            "funds_staff_training",
            BOOLEAN,
            "Whether innovation funding goes to training staff (a 2020 option; empty: not stated).",
            PROFILE,
            CITYKG.fundsStaffTraining,
        ),
        _link("top_activity", PROFILE, CITYKG.topActivity, "The activity the profile highlights."),
        _label("top_activity_label", "top_activity", "the highlighted activity"),
        _link("mayor", PROFILE + "/holding/mayor", CITYKG.holder, "The mayor the profile names."),
        CsvColumn("mayor_name", STRING, "The mayor's name.", "{+mayor}", SCHEMA.name),
        _link(
            "lead_innovation_officer",
            PROFILE + "/holding/lead-innovation-officer",
            CITYKG.holder,
            "The lead innovation officer the profile names.",
        ),
        CsvColumn(
            "lead_innovation_officer_name",
            STRING,
            "The lead innovation officer's name.",
            "{+lead_innovation_officer}",
            SCHEMA.name,
        ),
        _virtual("type", PROFILE, RDF_TYPE, CITYKG.InnovationProfile),
    ),
    ("profile",),
    PREFIXES_USED
    + """
SELECT ?profile (MIN(?c) AS ?city) (MIN(?cn) AS ?city_name) (MIN(?k) AS ?country)
       (MIN(?kn) AS ?country_name) (MIN(?w) AS ?wave) (MIN(?wd) AS ?wikidata)
       (MIN(?n) AS ?population) (MIN(?y) AS ?population_year)
       (MIN(?s) AS ?explicit_strategy) (MIN(?a) AS ?approach) (MIN(?al) AS ?approach_label)
       (MIN(?f) AS ?dedicated_funding) (MIN(?t) AS ?funds_staff_training)
       (MIN(?ta) AS ?top_activity) (MIN(?tal) AS ?top_activity_label)
       (MIN(?m) AS ?mayor) (MIN(?mn) AS ?mayor_name)
       (MIN(?o) AS ?lead_innovation_officer) (MIN(?on) AS ?lead_innovation_officer_name)
WHERE {
  ?profile a citykg:InnovationProfile ; citykg:city ?c ; citykg:surveyWave/skos:notation ?w .
  OPTIONAL { ?c schema:name ?cn }
  OPTIONAL { ?c schema:containedInPlace ?k OPTIONAL { ?k schema:name ?kn } }
  OPTIONAL { ?c owl:sameAs ?wd }
  OPTIONAL { ?profile citykg:population ?figure .
             OPTIONAL { ?figure citykg:populationCount ?n }
             OPTIONAL { ?figure citykg:referenceYear ?y } }
  OPTIONAL { ?profile citykg:hasExplicitStrategy ?s }
  OPTIONAL { ?profile citykg:approach ?a OPTIONAL { ?a skos:prefLabel ?al
             FILTER(LANGMATCHES(LANG(?al), "en")) } }
  OPTIONAL { ?profile citykg:hasDedicatedFunding ?f }
  OPTIONAL { ?profile citykg:fundsStaffTraining ?t }
  OPTIONAL { ?profile citykg:topActivity ?ta OPTIONAL { ?ta skos:prefLabel ?tal
             FILTER(LANGMATCHES(LANG(?tal), "en")) } }
  OPTIONAL { ?profile citykg:statesHolding [ citykg:post/org:role citykg:Mayor ;
                                             citykg:holder ?m ]
             OPTIONAL { ?m schema:name ?mn } }
  OPTIONAL { ?profile citykg:statesHolding [ citykg:post/org:role citykg:LeadInnovationOfficer ;
                                             citykg:holder ?o ]
             OPTIONAL { ?o schema:name ?on } }
} GROUP BY ?profile ORDER BY ?profile""",
)

ANSWERS = CsvTable(
    layout.ANSWERS_TABLE,
    "Answers",
    "One row per answer option a profile chose: the property that states it and, for the "
    "seven ranked activities, the rank given (stated of the profile's ranked-activity node).",
    (
        _key("profile", "The profile."),
        _key("subject", "What the answer is stated of: the profile, or its ranked-activity node."),
        _key("property", "The property (the question) that states the answer."),
        CsvColumn(
            "option",
            IRI,
            "The answer option chosen.",
            "{+subject}",
            "{+property}",
            "{+option}",
            required=True,
        ),
        _label("option_label", "option", "the answer option"),
        CsvColumn(
            "rank",
            {"base": INTEGER, "minimum": 1, "maximum": 7},
            "The rank given to a ranked activity (empty for other answers).",
            "{+subject}",
            CITYKG.rank,
        ),
    ),
    ("subject", "property", "option"),
    PREFIXES_USED
    + f"""
SELECT DISTINCT ?profile ?subject ?property ?option ?option_label ?rank WHERE {{
  {{ ?profile a citykg:InnovationProfile BIND(?profile AS ?subject) }}
  UNION {{ ?profile a citykg:InnovationProfile ; citykg:rankedActivity ?subject }}
  ?subject ?property ?option .
  <{ANSWER_OPTIONS}> skos:member ?option .
  FILTER(!STRSTARTS(STR(?property), "{PREFIXES["rdf"]}")
         && !STRSTARTS(STR(?property), "{PREFIXES["skos"]}"))
  OPTIONAL {{ ?option skos:prefLabel ?option_label FILTER(LANGMATCHES(LANG(?option_label), "en")) }}
  OPTIONAL {{ ?subject citykg:rank ?rank }}
}} ORDER BY ?profile ?subject ?property ?option""",
    "profile",
)

OPTION_COUNTS = CsvTable(
    layout.OPTION_COUNTS_TABLE,
    "Option counts",
    "How many profiles of each survey wave chose each answer option through each property: "
    "the observations of the Data Cube data set id/option-counts.",
    (
        _key("observation", "The Data Cube observation."),
        _wave("{+observation}"),
        _link(
            "property",
            "{+observation}",
            CITYKG.countedProperty,
            "The property counted.",
            required=True,
        ),
        _link("option", "{+observation}", CITYKG.option, "The answer option.", required=True),
        _label("option_label", "option", "the answer option"),
        CsvColumn(
            "profiles",
            {"base": INTEGER, "minimum": 0},
            "The number of profiles of the wave that chose the option.",
            "{+observation}",
            CITYKG.profileCount,
            required=True,
        ),
        _virtual("type", "{+observation}", RDF_TYPE, QB + "Observation"),
        _virtual("data_set", "{+observation}", QB + "dataSet", iris.OPTION_COUNTS),
    ),
    ("observation",),
    PREFIXES_USED
    + f"""
SELECT DISTINCT ?observation ?wave ?property ?option ?option_label ?profiles WHERE {{
  ?observation qb:dataSet <{iris.OPTION_COUNTS}> ; citykg:surveyWave/skos:notation ?wave ;
    citykg:countedProperty ?property ; citykg:option ?option ; citykg:profileCount ?profiles .
  OPTIONAL {{ ?option skos:prefLabel ?option_label FILTER(LANGMATCHES(LANG(?option_label), "en")) }}
}} ORDER BY ?observation""",
)

DATA_AVAILABILITY = CsvTable(
    layout.DATA_AVAILABILITY_TABLE,
    "Data availability",
    "One row per profile, policy area and availability: the areas a profile says it has "
    "sufficient or insufficient data for (a profile can say both of one area).",
    (
        _key("profile", "The profile."),
        _wave(PROFILE),
        CsvColumn(
            "area",
            IRI,
            "The policy area.",
            PROFILE,
            CITYKG + "{availability}DataFor",
            "{+area}",
            required=True,
        ),
        _label("area_label", "area", "the policy area"),
        CsvColumn(
            "availability",
            {"base": STRING, "format": "^(sufficient|insufficient)$"},
            "sufficient or insufficient.",
            required=True,
            suppress=True,
        ),
    ),
    ("profile", "area", "availability"),
    PREFIXES_USED
    + """
SELECT DISTINCT ?profile ?wave ?area ?area_label ?availability WHERE {
  VALUES (?property ?availability) {
    (citykg:sufficientDataFor "sufficient") (citykg:insufficientDataFor "insufficient") }
  ?profile a citykg:InnovationProfile ; citykg:surveyWave/skos:notation ?wave ;
    ?property ?area .
  FILTER(isIRI(?area))
  OPTIONAL { ?area skos:prefLabel ?area_label FILTER(LANGMATCHES(LANG(?area_label), "en")) }
} ORDER BY ?profile ?area ?availability""",
    "profile",
)

TABLES = (PROFILES, ANSWERS, OPTION_COUNTS, DATA_AVAILABILITY)
