"""The release as tables, for people who do not write SPARQL: CSV files (RFC 4180, UTF-8, a
header row of column names) and one W3C CSV on the Web metadata document describing them all,
``csv-metadata.json`` (https://www.w3.org/TR/tabular-metadata/): columns, datatypes, and the
URI templates that map each cell onto the ontology (:mod:`citykg.builder.table_schemas`).

Each table is the answer to a SPARQL query over the release's default graph (its sorted
N-Triples, loaded into an in-memory Oxigraph store) in the SPARQL 1.1 CSV results format
(https://www.w3.org/TR/sparql11-results-csv-tsv/): IRIs in full, literals by their lexical
form, an unbound variable as an empty cell. Each query orders its rows by the table's primary
key, so the same data gives the same bytes. The store's memory grows with the data (about 60 MB
per 100 000 triples); an on-disk store kept it flat but took six times as long.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from citykg.builder.table_schemas import TABLES, CsvColumn, CsvTable
from citykg.contract import dataset, iris, layout

CSVW_CONTEXT = "http://www.w3.org/ns/csvw"
TABLE_GROUP = iris.DATASET_IRI + "/tables"


def write_tables(ntriples: Path, directory: Path) -> list[str]:
    """Write every table and the CSVW metadata into ``directory``, from the default graph as
    N-Triples; the names of the files written."""
    store = ox.Store()
    store.bulk_load(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES)
    for table in TABLES:
        store.query(table.query).serialize(directory / table.url, ox.QueryResultsFormat.CSV)
    (directory / layout.TABLE_METADATA_FILE).write_bytes(metadata_json())
    return [layout.TABLE_METADATA_FILE, *(table.url for table in TABLES)]


def metadata_json() -> bytes:
    """The CSVW metadata of every table, as a table group (the same bytes in every release of
    this version: it describes the tables, not their contents)."""
    group = {
        "@context": CSVW_CONTEXT,
        "@id": TABLE_GROUP,
        "dc:title": _english(f"{dataset.TITLE}: tables"),
        "dc:description": _english(
            "The release's data as CSV tables. Converting them to RDF (W3C csv2rdf, minimal "
            "mode) gives triples of the release's default graph."
        ),
        "dc:source": {"@id": iris.DATASET_IRI},
        "tables": [_table(table) for table in TABLES],
    }
    return (json.dumps(group, indent=2, ensure_ascii=False) + "\n").encode()


def _table(table: CsvTable) -> dict:
    schema: dict = {
        "columns": [_column(column) for column in table.columns],
        "primaryKey": list(table.primary_key),
    }
    if table.profile_key:
        reference = {"resource": layout.PROFILES_TABLE, "columnReference": "profile"}
        schema["foreignKeys"] = [{"columnReference": table.profile_key, "reference": reference}]
    return {
        "url": table.url,
        "dc:title": _english(table.title),
        "dc:description": _english(table.description),
        "tableSchema": schema,
    }


def _column(column: CsvColumn) -> dict:
    described: dict = {"name": column.name}
    if column.virtual:
        described["virtual"] = True
    else:
        described["titles"] = column.name
        described["dc:description"] = _english(column.description)
        described["datatype"] = column.datatype
    if column.required:
        described["required"] = True
    if column.lang:
        described["lang"] = column.lang
    if column.suppress:
        described["suppressOutput"] = True
    for key, template in (
        ("aboutUrl", column.about),
        ("propertyUrl", column.property),
        ("valueUrl", column.value),
    ):
        if template:
            described[key] = template
    return described


def _english(text: str) -> dict:
    return {"@value": text, "@language": "en"}
