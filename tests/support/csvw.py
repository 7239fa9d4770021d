"""A CSV on the Web processor written for the tests, independent of the builder: it reads a
metadata document (https://www.w3.org/TR/tabular-metadata/), parses and validates each table's
cells (https://www.w3.org/TR/tabular-data-model/#parsing-cells) and converts the tables to RDF
in minimal mode (https://www.w3.org/TR/csv2rdf/#generating-rdf).

It implements what citykg's metadata uses, strictly: the default dialect, inherited properties
(``aboutUrl``, ``propertyUrl``, ``valueUrl``, ``datatype``, ``null``, ``default``, ``lang``,
``required``), virtual and suppressed columns, primary and foreign keys, RFC 6570 simple,
reserved and fragment expansion without modifiers, the datatypes of ``DATATYPES`` with
``format`` (strings), ``minimum`` and ``maximum``. Metadata using anything else (a
``separator``, a dialect, another datatype) is refused with ValueError, never half-converted.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin

import pyoxigraph as ox

from support.csvw_context import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
INHERITED = ("aboutUrl", "propertyUrl", "valueUrl", "datatype", "null", "default", "lang")
INHERITED += ("required", "separator", "ordered", "textDirection")
COLUMN_PROPERTIES = {"name", "titles", "virtual", "suppressOutput"}
# Lexical spaces (XML Schema 1.1 part 2) of the datatypes supported.
DATATYPES = {
    "integer": r"[+-]?[0-9]+",
    "nonNegativeInteger": r"\+?[0-9]+|-0+",
    "boolean": r"true|false|1|0",
    "gYear": r"-?([1-9][0-9]{3,}|0[0-9]{3})(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?",
    "string": r"(?s).*",
    "anyURI": r"(?s).*",
}
NUMERIC = {"integer", "nonNegativeInteger"}


@dataclass
class Column:
    """A column's annotations, its description merged with what it inherits."""

    number: int
    name: str
    titles: list[str]
    virtual: bool
    suppress: bool
    props: dict


@dataclass
class Table:
    """A table of the group: its URL, columns, keys, and after :func:`parse` its rows (each a
    list of parsed cells) and the errors found."""

    url: str
    columns: list[Column]
    primary_key: list[str]
    foreign_keys: list[dict]
    rows: list[list[Cell]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Cell:
    """A parsed cell: its string value, its value (None: null) as the canonical lexical form,
    and the datatype base."""

    string: str
    value: str | None
    base: str


def read_metadata(document: bytes, url: str) -> list[Table]:
    """The tables of a table group description (at ``url``), columns with inherited
    properties resolved."""
    group = json.loads(document)
    context = group.get("@context")
    if context != "http://www.w3.org/ns/csvw":
        raise ValueError(f"not a CSVW metadata document: @context {context!r}")
    if "dialect" in group or any("dialect" in t for t in group["tables"]):
        raise ValueError("dialect descriptions are not supported")
    tables = []
    for described in group["tables"]:
        schema = described["tableSchema"]
        _refuse(described, {"url", "tableSchema"})
        _refuse(schema, {"columns", "primaryKey", "foreignKeys"})
        columns = []
        for number, column in enumerate(schema["columns"], 1):
            _refuse(column, COLUMN_PROPERTIES)
            props = {
                key: next(o[key] for o in (column, schema, described, group) if key in o)
                for key in INHERITED
                if any(key in o for o in (column, schema, described, group))
            }
            if props.get("separator") is not None:
                raise ValueError("separator is not supported")
            titles = column.get("titles", [])
            titles = [titles] if isinstance(titles, str) else titles
            virtual, suppress = column.get("virtual", False), column.get("suppressOutput", False)
            columns.append(Column(number, column["name"], titles, virtual, suppress, props))
        key = schema.get("primaryKey", [])
        tables.append(
            Table(
                urljoin(url, described["url"]),
                columns,
                [key] if isinstance(key, str) else key,
                schema.get("foreignKeys", []),
            )
        )
    return tables


def _refuse(described: dict, allowed: set[str]) -> None:
    """Raise ValueError for a property this processor does not implement (common properties,
    prefixed names, are annotations and change nothing here)."""
    used = {k for k in described if ":" not in k} - allowed - set(INHERITED) - {"@id", "@type"}
    if used:
        raise ValueError(f"unsupported properties {sorted(used)}")


def parse(table: Table, text: str) -> None:
    """Parse the CSV ``text`` of ``table`` (default dialect: one header row, comma, double
    quote) into its rows, and record every error: a header that does not match the titles,
    a row of the wrong length, a cell invalid for its column."""
    records = list(csv.reader(io.StringIO(text, newline="")))
    real = [c for c in table.columns if not c.virtual]
    header, body = records[0], records[1:]
    for title, column in zip(header, real, strict=False):
        if column.titles and title not in column.titles:
            table.errors.append(f"header {title!r} is not a title of column {column.name}")
    if len(header) != len(real):
        table.errors.append(f"{len(header)} header cells for {len(real)} columns")
    for number, record in enumerate(body, 2):
        if len(record) != len(real):
            table.errors.append(f"row {number}: {len(record)} cells for {len(real)} columns")
            continue
        row = []
        for string, column in zip(record, real, strict=True):
            cell, error = parse_cell(string, column)
            row.append(cell)
            if error:
                table.errors.append(f"row {number}, column {column.name}: {error}")
        table.rows.append(row)


def parse_cell(string: str, column: Column) -> tuple[Cell, str | None]:
    """The cell value of ``string`` in ``column`` and the error, if any (Parsing Cells)."""
    datatype = column.props.get("datatype", "string")
    datatype = {"base": datatype} if isinstance(datatype, str) else datatype
    base = datatype.get("base", "string")
    if base not in DATATYPES:
        raise ValueError(f"datatype {base} is not supported")
    normalized = string
    if base not in ("string", "anyAtomicType"):
        normalized = " ".join(string.replace("\r", " ").replace("\n", " ").split())
    if normalized == "":
        normalized = column.props.get("default", "")
    nulls = column.props.get("null", "")
    if normalized in ([nulls] if isinstance(nulls, str) else nulls):
        error = "a required cell is empty" if column.props.get("required") else None
        return Cell(string, None, base), error
    if not re.fullmatch(DATATYPES[base], normalized):
        return Cell(string, normalized, "string"), f"{normalized!r} is no {base}"
    value = canonical(normalized, base)
    if base == "anyURI" and not _absolute_iri(value):
        return Cell(string, value, base), f"{value!r} is no absolute IRI"
    form = datatype.get("format")
    if form is not None and base == "string" and not re.search(form, value):
        return Cell(string, value, base), f"{value!r} does not match {form}"
    if base in NUMERIC:
        if "minimum" in datatype and int(value) < datatype["minimum"]:
            return Cell(string, value, base), f"{value} is below {datatype['minimum']}"
        if "maximum" in datatype and int(value) > datatype["maximum"]:
            return Cell(string, value, base), f"{value} is above {datatype['maximum']}"
    return Cell(string, value, base), None


def canonical(lexical: str, base: str) -> str:
    """The canonical representation of a valid lexical form."""
    if base in NUMERIC:
        return str(int(lexical))
    if base == "boolean":
        return "true" if lexical in ("true", "1") else "false"
    return lexical


def _absolute_iri(text: str) -> bool:
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def check_keys(tables: list[Table]) -> list[str]:
    """Primary keys unique, every foreign key resolving to exactly one referenced row."""
    errors = []
    by_url = {t.url: t for t in tables}
    for table in tables:
        if table.primary_key:
            keys = [_key(table, row, table.primary_key) for row in table.rows]
            if len(set(keys)) != len(keys):
                errors.append(f"{table.url}: primary key {table.primary_key} repeats")
        for foreign in table.foreign_keys:
            reference = foreign["reference"]
            target = by_url[urljoin(table.url, reference["resource"])]
            wanted = _names(reference["columnReference"])
            available = Counter(_key(target, row, wanted) for row in target.rows)
            for row in table.rows:
                key = _key(table, row, _names(foreign["columnReference"]))
                if available[key] != 1:
                    errors.append(f"{table.url}: {key} is not one row of {target.url}")
    return errors


def _names(reference: str | list[str]) -> list[str]:
    return [reference] if isinstance(reference, str) else reference


def _key(table: Table, row: list[Cell], names: list[str]) -> tuple:
    real = [c.name for c in table.columns if not c.virtual]
    return tuple(row[real.index(name)].value for name in names)


def to_rdf(table: Table) -> set[ox.Triple]:
    """The triples of the table in minimal mode (csv2rdf section 4)."""
    triples = set()
    real = [c for c in table.columns if not c.virtual]
    for number, row in enumerate(table.rows, 1):
        cells = dict(zip((c.name for c in real), row, strict=True))
        values = {name: cell.value for name, cell in cells.items()}
        default_subject = ox.BlankNode()
        for column in table.columns:
            if column.suppress:
                continue
            variables = {**values, "_row": str(number), "_sourceRow": str(number + 1)}
            variables |= {"_column": str(column.number), "_sourceColumn": str(column.number)}
            variables["_name"] = column.name
            about, prop, value_url = (
                _annotation(column, key, variables, table.url)
                for key in ("aboutUrl", "propertyUrl", "valueUrl")
            )
            subject = ox.NamedNode(about) if about else default_subject
            predicate = ox.NamedNode(prop or f"{table.url}#{quote(column.name)}")
            cell = cells.get(column.name)
            if value_url is not None and (column.virtual or cell.value is not None):
                triples.add(ox.Triple(subject, predicate, ox.NamedNode(value_url)))
            elif cell is not None and cell.value is not None:
                triples.add(ox.Triple(subject, predicate, _literal(cell, column)))
    return triples


def _annotation(column: Column, key: str, variables: dict, table_url: str) -> str | None:
    """A URI template property's annotation on a cell: the template expanded (RFC 6570), a
    prefixed name expanded with the CSVW context's prefixes, resolved against the table URL."""
    template = column.props.get(key)
    if template is None:
        return None
    expanded = expand(template, variables)
    prefix, _, rest = expanded.partition(":")
    if prefix in PREFIXES and not rest.startswith("//"):
        expanded = PREFIXES[prefix] + rest
    return urljoin(table_url, expanded)


def _literal(cell: Cell, column: Column) -> ox.Literal:
    """A cell value as a literal of its datatype (csv2rdf, Interpreting datatypes): the
    datatype's ``@id`` if it has one, else its base; a string with its language unless
    ``und``."""
    datatype = column.props.get("datatype", "string")
    lang = column.props.get("lang", "und")
    if cell.base == "string" and lang != "und":
        return ox.Literal(cell.value, language=lang)
    iri = datatype.get("@id") if isinstance(datatype, dict) else None
    return ox.Literal(cell.value, datatype=ox.NamedNode(iri or XSD + cell.base))


UNRESERVED = "-._~"
RESERVED = ":/?#[]@!$&'()*+,;="


def expand(template: str, variables: dict) -> str:
    """RFC 6570 expansion of ``{var}`` (simple), ``{+var}`` (reserved) and ``{#var}``
    (fragment), one or more comma-separated variables each, without modifiers; a variable
    that is None is undefined."""

    def expression(match: re.Match) -> str:
        operator, names = match.group(1), match.group(2).split(",")
        if any(not re.fullmatch(r"\w+(\.\w+)*", n, re.ASCII) for n in names):
            raise ValueError(f"unsupported URI template expression {match.group(0)}")
        safe = UNRESERVED + (RESERVED if operator in ("+", "#") else "")
        defined = [variables[n] for n in names if variables.get(n) is not None]
        if not defined:
            return ""
        text = ",".join(_encode(str(v), safe) for v in defined)
        return "#" + text if operator == "#" else text

    return re.sub(r"\{([+#]?)([^}]*)\}", expression, template)


def _encode(value: str, safe: str) -> str:
    """Percent-encode ``value`` except ``safe`` characters; in reserved expansion an existing
    pct-encoded triplet is kept."""
    if RESERVED in safe:
        parts = re.split(r"(%[0-9A-Fa-f]{2})", value)
        return "".join(p if i % 2 else quote(p, safe=safe) for i, p in enumerate(parts))
    return quote(value, safe=safe)
