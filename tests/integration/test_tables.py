"""The release's CSV tables and their CSVW metadata: valid JSON-LD, every cell valid for its
column, the CSV-to-RDF conversion (minimal mode, by the tests' own processor) a subset of the
release's default graph, the option counts equal to the Data Cube observations, the types
pandas reads, the files served with their Link header and listed as DCAT distributions."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from werkzeug.http import parse_options_header

from citykg.builder.tables import write_tables
from citykg.contract import iris, layout

from support import csvw
from support.csvw_context import CONTEXT, PREFIXES, TERMS
from support.link_format import parse_links
from support.project import ROOT

METADATA = layout.TABLE_METADATA_FILE
METADATA_URL = iris.dump(METADATA)
CSVW = Namespace(PREFIXES["csvw"])
CITYKG = iris.CITYKG
RELEASES = ("release", "synthetic_release")


def _tables(release: Path) -> list[csvw.Table]:
    tables = csvw.read_metadata((release / METADATA).read_bytes(), METADATA_URL)
    for table in tables:
        csvw.parse(table, (release / _name(table)).read_bytes().decode("utf-8"))
    return tables


def _name(table: csvw.Table) -> str:
    return table.url.rsplit("/", 1)[1]


def _rows(release: Path, name: str) -> list[dict[str, str]]:
    with open(release / name, encoding="utf-8", newline="") as table:
        return list(csv.DictReader(table))


def _load(url: str) -> dict:
    """The JSON-LD document loader of the tests: the CSVW context, and nothing from afar."""
    assert url == "http://www.w3.org/ns/csvw", url
    return {"contextUrl": None, "documentUrl": url, "document": {"@context": CONTEXT}}


def test_the_metadata_is_csvw_json_ld(release):
    metadata = json.loads((release / METADATA).read_bytes())

    def keys(value: object) -> set[str]:
        if isinstance(value, list):
            return set().union(*map(keys, value))
        if not isinstance(value, dict) or "@value" in value:
            return set()
        return set(value) | set().union(*map(keys, value.values()))

    used = keys(metadata) - {"@context", "@id"}
    assert {k for k in used if ":" not in k} <= TERMS
    assert {k.split(":")[0] for k in used if ":" in k} <= set(PREFIXES)
    quads = jsonld.to_rdf(
        metadata,
        {"documentLoader": lambda url, options=None: _load(url), "format": "application/n-quads"},
    )
    graph = Graph().parse(data=quads, format="nquads")
    group = URIRef(iris.DATASET_IRI + "/tables")
    tables = {str(graph.value(t, CSVW.url)): t for t in graph.objects(group, CSVW.table)}
    assert set(tables) == set(layout.TABLE_FILES)
    for name, table in tables.items():
        schema = graph.value(table, CSVW.tableSchema)
        columns = list(Collection(graph, graph.value(schema, CSVW.column)))
        names = [str(graph.value(c, CSVW.name)) for c in columns]
        header = (release / name).read_text(encoding="utf-8").splitlines()[0].split(",")
        virtual = [str(graph.value(c, CSVW.name)) for c in columns if graph.value(c, CSVW.virtual)]
        assert names == header + virtual
    assert (None, CSVW.aboutUrl, Literal("{+profile}", datatype=CSVW.uriTemplate)) in graph
    assert (None, CSVW.valueUrl, Literal("{+option}", datatype=CSVW.uriTemplate)) in graph


@pytest.mark.parametrize("which", RELEASES)
def test_every_cell_is_valid_for_its_column_and_the_keys_hold(request, which):
    tables = _tables(request.getfixturevalue(which))
    assert [_name(t) for t in tables] == list(layout.TABLE_FILES)
    for table in tables:
        assert table.rows and table.errors == [], (table.url, table.errors[:5])
    assert csvw.check_keys(tables) == []


@pytest.mark.parametrize("which", RELEASES)
def test_the_tables_as_rdf_are_triples_of_the_release(request, which):
    release = request.getfixturevalue(which)
    nt = gzip.decompress((release / layout.DEFAULT_GRAPH_FILE).read_bytes())
    graph = {quad.triple for quad in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)}
    for table in _tables(release):
        triples = csvw.to_rdf(table)
        outside = sorted(str(t) for t in triples - graph)
        assert not outside, (table.url, outside[:5])
        real = [c.name for c in table.columns if not c.virtual]
        for column in (c for c in table.columns if not c.suppress):
            alone = [replace(c, suppress=c is not column) for c in table.columns]
            stated = csvw.to_rdf(replace(table, columns=alone))
            filled = column.virtual or any(r[real.index(column.name)].value for r in table.rows)
            assert bool(stated) == filled, (table.url, column.name)  # each column says its part


def test_leipzig_in_the_tables(release):
    [leipzig] = _rows(release, layout.PROFILES_TABLE)
    assert leipzig["profile"] == iris.profile("leipzig-deu", 2020)
    expected = {
        "city_name": "Leipzig",
        "country_name": "Germany",
        "wave": "2020",
        "wikidata": "http://www.wikidata.org/entity/Q2079",
        "population": "600000",
        "population_year": "2019",
        "explicit_strategy": "true",
        "dedicated_funding": "true",
        "funds_staff_training": "true",
        "mayor_name": "Burkhard Jung",
        "lead_innovation_officer_name": "Ulrich Hörning",
    }
    assert {key: leipzig[key] for key in expected} == expected
    answers = _rows(release, layout.ANSWERS_TABLE)
    ranked = sorted((int(a["rank"]), a["option"]) for a in answers if a["rank"])
    assert [rank for rank, _ in ranked] == list(range(1, 8))
    assert ranked[0][1] == leipzig["top_activity"]
    assert {a["property"] for a in answers if a["rank"]} == {CITYKG.activity}
    health = iris.concept("policy-area", "health")
    availability = _rows(release, layout.DATA_AVAILABILITY_TABLE)
    assert sorted(r["availability"] for r in availability if r["area"] == health) == [
        "insufficient",
        "sufficient",
    ]


def test_option_counts_are_the_data_cube_observations(synthetic_release):
    store = ox.Store()
    store.bulk_load(path=str(synthetic_release / layout.NQUADS_FILE), format=ox.RdfFormat.N_QUADS)
    observed = {
        tuple(s[v].value for v in ("o", "wave", "property", "option", "n"))
        for s in store.query(f"""
        PREFIX citykg: <{CITYKG}> PREFIX qb: <{PREFIXES["qb"]}> PREFIX skos: <{PREFIXES["skos"]}>
        SELECT ?o ?wave ?property ?option ?n WHERE {{
          GRAPH <{iris.AGGREGATES_GRAPH}> {{ ?o qb:dataSet <{iris.OPTION_COUNTS}> ;
            citykg:surveyWave ?w ; citykg:countedProperty ?property ; citykg:option ?option ;
            citykg:profileCount ?n }}
          GRAPH <{iris.CONCEPTS_GRAPH}> {{ ?w skos:notation ?wave }} }}""")
    }
    fields = ("observation", "wave", "property", "option", "profiles")
    counts = _rows(synthetic_release, layout.OPTION_COUNTS_TABLE)
    assert {tuple(row[f] for f in fields) for row in counts} == observed
    assert len(counts) == len(observed) and {row["wave"] for row in counts} == {"2018", "2020"}
    waves = {p["profile"]: p["wave"] for p in _rows(synthetic_release, layout.PROFILES_TABLE)}
    answers = _rows(synthetic_release, layout.ANSWERS_TABLE)
    chosen = {(a["profile"], a["property"], a["option"]) for a in answers}
    answered = Counter((waves[profile], prop, option) for profile, prop, option in chosen)
    assert answered == {(r["wave"], r["property"], r["option"]): int(r["profiles"]) for r in counts}
    stated = Counter(
        (r["wave"], f"{CITYKG}{r['availability']}DataFor", r["area"])
        for r in _rows(synthetic_release, layout.DATA_AVAILABILITY_TABLE)
    )
    assert stated == {key: n for key, n in answered.items() if key[1].endswith("DataFor")}


@pytest.mark.parametrize("which", RELEASES)
def test_the_tables_open_in_pandas_with_their_types(request, which):
    import pandas as pd  # here: importing it takes half a second of every test run's start

    release = request.getfixturevalue(which)
    for table in _tables(release):
        plain = pd.read_csv(release / _name(table))
        nullable = pd.read_csv(release / _name(table), dtype_backend="numpy_nullable")
        assert list(plain.columns) == [c.name for c in table.columns if not c.virtual]
        for column in (c for c in table.columns if not c.virtual):
            values = plain[column.name]
            if values.isna().all():
                continue  # no cell to tell a type by
            datatype = column.props.get("datatype", "string")
            base = datatype["base"] if isinstance(datatype, dict) else datatype
            expected, expected_nullable = {
                "integer": ("int64", "Int64"),
                "gYear": ("int64", "Int64"),
                "boolean": ("bool", "boolean"),
            }.get(base, ("string", "string"))
            if not values.isna().any():
                found = "string" if pd.api.types.is_string_dtype(values) else str(values.dtype)
                assert found == expected, (table.url, column.name, values.dtype)
            assert str(nullable[column.name].dtype) == expected_nullable, column.name


def test_the_python_example_of_the_tables_document_runs(release, monkeypatch, capsys):
    [example] = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "tables.md").read_text(), re.S)
    monkeypatch.chdir(release)
    exec(compile(example, "docs/tables.md", "exec"), {})
    printed = capsys.readouterr().out
    assert printed.startswith("Leipzig 2020 600000 true\n")
    assert "Taking risks or testing new ideas" in printed


def test_the_tables_are_reproducible_from_the_default_graph(release, tmp_path):
    nt = tmp_path / "citykg.nt"
    nt.write_bytes(gzip.decompress((release / layout.DEFAULT_GRAPH_FILE).read_bytes()))
    for attempt in ("first", "second"):
        (tmp_path / attempt).mkdir()
        written = write_tables(nt, tmp_path / attempt)
        assert sorted(written) == sorted([METADATA, *layout.TABLE_FILES])
        for name in written:
            assert (tmp_path / attempt / name).read_bytes() == (release / name).read_bytes()


def _sums(client) -> dict[str, str]:
    lines = client.get("/dumps/SHA256SUMS").get_data(as_text=True).splitlines()
    return dict(line.split("  ")[::-1] for line in lines)


@pytest.mark.parametrize("name", layout.TABLE_FILES)
def test_a_served_table_links_its_metadata(client, release, name):
    sums = _sums(client)
    for path in (f"/dumps/{name}", f"/releases/{release.name}/{name}"):
        response = client.get(path)
        assert response.status_code == 200
        assert parse_options_header(response.headers["Content-Type"]) == (
            "text/csv",
            {"charset": "utf-8", "header": "present"},
        )
        assert response.data == (release / name).read_bytes()
        assert hashlib.sha256(response.data).hexdigest() == sums[name]
        [link] = parse_links(response.headers["Link"])
        assert link.rels == {"describedby"} and link.params["type"] == "application/csvm+json"
        url = urljoin("http://localhost" + path, link.target)
        assert url == urljoin("http://localhost" + path, METADATA)
        metadata = client.get(url.removeprefix("http://localhost"))
        assert metadata.status_code == 200 and metadata.mimetype == "application/csvm+json"
        assert hashlib.sha256(metadata.data).hexdigest() == sums[METADATA]
        described = {urljoin(url, t["url"]) for t in json.loads(metadata.data)["tables"]}
        assert "http://localhost" + path in described  # the metadata describes this table


def test_the_tables_are_dcat_distributions_of_the_dataset(client):
    dataset = Graph().parse(
        data=client.get("/dataset", headers={"Accept": "text/turtle"}).data, format="turtle"
    )
    sums = _sums(client)
    dcat, dct = Namespace(PREFIXES["dcat"]), Namespace(PREFIXES["dcterms"])
    spdx = Namespace(iris.SPDX)
    iana = "https://www.iana.org/assignments/media-types/"
    metadata_url = URIRef(METADATA_URL)
    found = {}
    for dist in dataset.objects(URIRef(iris.DATASET_IRI), dcat.distribution):
        url = dataset.value(dist, dcat.downloadURL)
        name = str(url).rsplit("/", 1)[1]
        if name in (METADATA, *layout.TABLE_FILES):
            checksum = dataset.value(dataset.value(dist, spdx.checksum), spdx.checksumValue)
            assert str(checksum) == sums[name]
            size = int(dataset.value(dist, dcat.byteSize))
            assert size == len(client.get(f"/dumps/{name}").data)
            found[name] = (
                str(dataset.value(dist, dcat.mediaType)).removeprefix(iana),
                str(dataset.value(dist, dct.conformsTo)),
                dataset.value(dist, URIRef(PREFIXES["wrds"] + "describedby")),
            )
    tables = "https://www.w3.org/TR/tabular-data-model/"
    assert found == {
        METADATA: ("application/csvm+json", "https://www.w3.org/TR/tabular-metadata/", None),
        **{name: ("text/csv", tables, metadata_url) for name in layout.TABLE_FILES},
    }
    dumps = set(dataset.objects(URIRef(iris.DATASET_IRI), URIRef(PREFIXES["void"] + "dataDump")))
    assert not {d for d in dumps if str(d).endswith((".csv", ".json"))}
