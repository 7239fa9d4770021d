"""The tests' own CSVW processor (tests/support/csvw.py) on the examples of the specifications,
so that a table converting into the release means something: it expands URI templates as RFC
6570 does, refuses what it does not implement, flags invalid cells and converts as csv2rdf's
minimal mode says."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from support import csvw

# RFC 6570, section 1.2 and 3.2: level 1 and 2 examples.
RFC_VARIABLES = {"var": "value", "hello": "Hello World!", "path": "/foo/bar", "empty": ""}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{var}", "value"),
        ("{hello}", "Hello%20World%21"),
        ("{+var}", "value"),
        ("{+hello}", "Hello%20World!"),
        ("{+path}/here", "/foo/bar/here"),
        ("here?ref={+path}", "here?ref=/foo/bar"),
        ("X{#var}", "X#value"),
        ("X{#hello}", "X#Hello%20World!"),
        ("{undefined}x", "x"),
        ("{empty}x", "x"),
        ("{var,hello}", "value,Hello%20World%21"),
    ],
)
def test_uri_templates_expand_as_rfc_6570_says(template, expected):
    assert csvw.expand(template, RFC_VARIABLES) == expected


def test_reserved_expansion_keeps_iris_and_percent_encodes_other_characters():
    iri = "https://w3id.org/citykg/id/profile/leipzig-deu/2020"
    assert csvw.expand("{+p}/population", {"p": iri}) == iri + "/population"
    simple = "https%3A%2F%2Fw3id.org%2Fcitykg%2Fid%2Fprofile%2Fleipzig-deu%2F2020"
    assert csvw.expand("{p}", {"p": iri}) == simple
    assert csvw.expand("{+p}", {"p": "a b%20c/ü"}) == "a%20b%20c/%C3%BC"


@pytest.mark.parametrize(
    "template", ["{.var}", "{/var}", "{?var}", "{;var}", "{var:3}", "{var*}", "{ünï}"]
)
def test_operators_and_modifiers_not_implemented_are_refused(template):
    with pytest.raises(ValueError):
        csvw.expand(template, RFC_VARIABLES)


def _group(columns: list[dict], **table) -> bytes:
    described = {"url": "t.csv", "tableSchema": {"columns": columns}, **table}
    return json.dumps({"@context": "http://www.w3.org/ns/csvw", "tables": [described]}).encode()


def _convert(metadata: bytes, text: str) -> tuple[csvw.Table, set[ox.Triple]]:
    [table] = csvw.read_metadata(metadata, "http://example.org/csv-metadata.json")
    csvw.parse(table, text)
    return table, csvw.to_rdf(table)


def test_the_tree_example_of_the_metadata_vocabulary():
    """Metadata Vocabulary, URI template properties: ``http://example.org/tree/{on_street}/
    {GID}``, with a null street still giving a URL; a prefixed name in a valueUrl expanded
    with the CSVW context (schema: is http://schema.org/ there)."""
    columns = [
        {"name": "GID", "titles": "GID", "datatype": "integer", "suppressOutput": True},
        {
            "name": "on_street",
            "titles": "On Street",
            "aboutUrl": "http://example.org/tree/{on_street}/{GID}",
            "propertyUrl": "schema:streetAddress",
        },
        {
            "name": "kind",
            "virtual": True,
            "aboutUrl": "http://example.org/tree/{on_street}/{GID}",
            "propertyUrl": "rdf:type",
            "valueUrl": "schema:Place",
        },
    ]
    table, triples = _convert(_group(columns), "GID,On Street\n01,ADDISON AV\n3,\n")
    assert table.errors == []
    tree1 = ox.NamedNode("http://example.org/tree/ADDISON%20AV/1")
    tree3 = ox.NamedNode("http://example.org/tree//3")
    place = ox.NamedNode("http://schema.org/Place")
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert triples == {
        ox.Triple(tree1, ox.NamedNode("http://schema.org/streetAddress"), ox.Literal("ADDISON AV")),
        ox.Triple(tree1, a, place),
        ox.Triple(tree3, a, place),
    }


def test_cells_are_typed_canonical_and_default_to_the_table_url_and_a_blank_node():
    columns = [
        {"name": "n", "titles": "n", "datatype": {"base": "integer", "minimum": 1}},
        {"name": "b", "titles": "b", "datatype": "boolean"},
        {"name": "s", "titles": "s", "lang": "en", "propertyUrl": "{#_name}"},
    ]
    table, triples = _convert(_group(columns), "n,b,s\n+7,1,Leipzig\n")
    assert table.errors == []
    [row] = table.rows
    assert [c.value for c in row] == ["7", "true", "Leipzig"]
    assert {t.subject for t in triples} == {next(iter(triples)).subject}
    assert isinstance(next(iter(triples)).subject, ox.BlankNode)
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert {(t.predicate.value, t.object) for t in triples} == {
        ("http://example.org/t.csv#n", ox.Literal("7", datatype=ox.NamedNode(xsd + "integer"))),
        ("http://example.org/t.csv#b", ox.Literal("true", datatype=ox.NamedNode(xsd + "boolean"))),
        ("http://example.org/t.csv#s", ox.Literal("Leipzig", language="en")),
    }


@pytest.mark.parametrize(
    ("datatype", "string", "error"),
    [
        ("integer", "1.0", "is no integer"),
        ("integer", "one", "is no integer"),
        ({"base": "integer", "minimum": 1}, "0", "is below 1"),
        ({"base": "integer", "maximum": 7}, "8", "is above 7"),
        ("boolean", "yes", "is no boolean"),
        ("gYear", "19", "is no gYear"),
        ("anyURI", "leipzig-deu", "is no absolute IRI"),
        ({"base": "string", "format": "^(a|b)$"}, "c", "does not match"),
    ],
)
def test_invalid_cells_are_errors(datatype, string, error):
    columns = [{"name": "x", "titles": "x", "datatype": datatype}]
    table, _ = _convert(_group(columns), f"x\n{string}\n")
    assert len(table.errors) == 1 and error in table.errors[0]


def test_required_cells_rows_and_headers_are_checked():
    columns = [{"name": "x", "titles": "x", "required": True}, {"name": "y", "titles": "y"}]
    table, _ = _convert(_group(columns), "x,z\n,1\n1\n")
    assert table.errors == [
        "header 'z' is not a title of column y",
        "row 2, column x: a required cell is empty",
        "row 3: 1 cells for 2 columns",
    ]


def test_keys_are_checked():
    columns = [{"name": "x", "titles": "x"}]
    metadata = _group(columns, **{"tableSchema": {"columns": columns, "primaryKey": "x"}})
    table, _ = _convert(metadata, "x\na\na\n")
    assert csvw.check_keys([table]) == ["http://example.org/t.csv: primary key ['x'] repeats"]


@pytest.mark.parametrize(
    "column",
    [
        {"name": "x", "separator": ";"},
        {"name": "x", "datatype": "date"},
        {"name": "x", "transformations": []},
    ],
)
def test_what_is_not_implemented_is_refused(column):
    with pytest.raises(ValueError):
        _convert(_group([column]), "x\n1\n")


def test_a_dialect_is_refused():
    with pytest.raises(ValueError):
        csvw.read_metadata(_group([{"name": "x"}], dialect={"delimiter": ";"}), "http://e/")


def test_a_foreign_key_must_name_one_row_of_the_referenced_table():
    parents = {"url": "p.csv", "tableSchema": {"columns": [{"name": "id", "titles": "id"}]}}
    child = {
        "url": "c.csv",
        "tableSchema": {
            "columns": [{"name": "parent", "titles": "parent"}],
            "foreignKeys": [
                {
                    "columnReference": "parent",
                    "reference": {"resource": "p.csv", "columnReference": "id"},
                }
            ],
        },
    }
    group = {"@context": "http://www.w3.org/ns/csvw", "tables": [parents, child]}
    tables = csvw.read_metadata(json.dumps(group).encode(), "http://example.org/m.json")
    csvw.parse(tables[0], "id\na\nb\nb\n")
    csvw.parse(tables[1], "parent\na\nb\nc\n")
    assert csvw.check_keys(tables) == [
        "http://example.org/c.csv: ('b',) is not one row of http://example.org/p.csv",
        "http://example.org/c.csv: ('c',) is not one row of http://example.org/p.csv",
    ]
