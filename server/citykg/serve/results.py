"""SELECT/ASK results written row by row, so that a row cap can stop them.

Formats: SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/), XML
(https://www.w3.org/TR/rdf-sparql-XMLres/), CSV and TSV
(https://www.w3.org/TR/sparql11-results-csv-tsv/). When the cap cuts a result, JSON and XML say so
in their ``head`` with a ``link`` to ``citykg:TruncatedResult``; CSV and TSV have no place for it,
so the HTTP header (set by the caller) is the signal there. An ASK answer in CSV or TSV (which the
recommendation leaves undefined) is the bare word ``true`` or ``false``, as Oxigraph writes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

TRUNCATED = "https://w3id.org/citykg/ontology#TruncatedResult"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def capped(rows: Iterable, cap: int) -> tuple[list, bool]:
    """The first ``cap`` rows, and whether there were more."""
    out = []
    for row in rows:
        if len(out) == cap:
            return out, True
        out.append(row)
    return out, False


def write(
    name: str, variables: list[str] | None, rows: list, boolean: bool | None, truncated: bool
) -> bytes:
    """Serialise a result (``boolean`` set for ASK) in the format called ``name``."""
    return _WRITERS[name](variables or [], rows, boolean, truncated).encode()


def _json(variables: list[str], rows: list, boolean: bool | None, truncated: bool) -> str:
    head: dict = {"vars": variables} if boolean is None else {}
    if truncated:
        head["link"] = [TRUNCATED]
    if boolean is not None:
        return json.dumps({"head": head, "boolean": boolean})
    bindings = [
        {v: _json_term(row[i]) for i, v in enumerate(variables) if row[i] is not None}
        for row in rows
    ]
    return json.dumps({"head": head, "results": {"bindings": bindings}}, ensure_ascii=False)


def _json_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _xml(variables: list[str], rows: list, boolean: bool | None, truncated: bool) -> str:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
    ]
    parts += [f"<variable name={quoteattr(v)}/>" for v in variables]
    if truncated:
        parts.append(f"<link href={quoteattr(TRUNCATED)}/>")
    parts.append("</head>")
    if boolean is not None:
        parts.append(f"<boolean>{'true' if boolean else 'false'}</boolean></sparql>")
        return "".join(parts)
    parts.append("<results>")
    for row in rows:
        parts.append("<result>")
        for i, v in enumerate(variables):
            if row[i] is not None:
                parts.append(f"<binding name={quoteattr(v)}>{_xml_term(row[i])}</binding>")
        parts.append("</result>")
    parts.append("</results></sparql>")
    return "".join(parts)


def _xml_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
            )
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>"
        f"{_xml_term(term.predicate)}</predicate><object>{_xml_term(term.object)}</object></triple>"
    )


def _csv(variables: list[str], rows: list, boolean: bool | None, truncated: bool) -> str:
    if boolean is not None:
        return "true" if boolean else "false"
    lines = [",".join(_csv_field(v) for v in variables)]
    lines += [",".join("" if t is None else _csv_field(_csv_value(t)) for t in row) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def _csv_value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def _csv_field(text: str) -> str:
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _tsv(variables: list[str], rows: list, boolean: bool | None, truncated: bool) -> str:
    if boolean is not None:
        return "true" if boolean else "false"
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else _tsv_term(t) for t in row) for row in rows]
    return "\n".join(lines) + "\n"


def _tsv_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return str(term).replace("\t", "\\t")


_WRITERS = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}


def solution_rows(solutions: ox.QuerySolutions) -> tuple[list[str], Iterator[list]]:
    """The variables of a SELECT result and its rows as lists of terms (None for unbound)."""
    variables = solutions.variables
    return [v.value for v in variables], ([row[v] for v in variables] for row in solutions)
