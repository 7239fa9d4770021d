"""What a JSON-LD processor needs to read CSVW metadata without fetching anything: the prefixes
of the CSVW initial context (https://www.w3.org/TR/tabular-metadata/#names-of-common-properties,
those of the RDFa initial context) and a stand-in for the context document at
``http://www.w3.org/ns/csvw``, written for the tests from the terms the metadata vocabulary
defines. It is not the W3C's file: term types are as the tests need them to see the metadata
as RDF (URI templates as ``csvw:uriTemplate`` literals, ``columns`` as a list)."""

from __future__ import annotations

W3 = "http://www.w3.org/"
PREFIXES = {
    "as": "https://www.w3.org/ns/activitystreams#",
    "cc": "http://creativecommons.org/ns#",
    "csvw": W3 + "ns/csvw#",
    "ctag": "http://commontag.org/ns#",
    "dc": "http://purl.org/dc/terms/",
    "dc11": "http://purl.org/dc/elements/1.1/",
    "dcat": W3 + "ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "dctypes": "http://purl.org/dc/dcmitype/",
    "dqv": W3 + "ns/dqv#",
    "duv": "https://www.w3.org/TR/vocab-duv#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "gr": "http://purl.org/goodrelations/v1#",
    "grddl": W3 + "2003/g/data-view#",
    "ical": W3 + "2002/12/cal/icaltzd#",
    "jsonld": W3 + "ns/json-ld#",
    "ldp": W3 + "ns/ldp#",
    "ma": W3 + "ns/ma-ont#",
    "oa": W3 + "ns/oa#",
    "odrl": W3 + "ns/odrl/2/",
    "og": "http://ogp.me/ns#",
    "org": W3 + "ns/org#",
    "owl": W3 + "2002/07/owl#",
    "prov": W3 + "ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "rdf": W3 + "1999/02/22-rdf-syntax-ns#",
    "rdfa": W3 + "ns/rdfa#",
    "rdfs": W3 + "2000/01/rdf-schema#",
    "rev": "http://purl.org/stuff/rev#",
    "rif": W3 + "2007/rif#",
    "rr": W3 + "ns/r2rml#",
    "schema": "http://schema.org/",
    "sd": W3 + "ns/sparql-service-description#",
    "sioc": "http://rdfs.org/sioc/ns#",
    "skos": W3 + "2004/02/skos/core#",
    "skosxl": W3 + "2008/05/skos-xl#",
    "v": "http://rdf.data-vocabulary.org/#",
    "vcard": W3 + "2006/vcard/ns#",
    "void": "http://rdfs.org/ns/void#",
    "wdr": W3 + "2007/05/powder#",
    "wrds": W3 + "2007/05/powder-s#",
    "xhv": W3 + "1999/xhtml/vocab#",
    "xml": W3 + "XML/1998/namespace",
    "xsd": W3 + "2001/XMLSchema#",
}
_PLAIN = "base commentPrefix decimalChar default delimiter encoding format groupChar lang name"
_PLAIN += " null pattern quoteChar separator"
_BOOLEAN = "doubleQuote header ordered required skipBlankRows skipInitialSpace suppressOutput"
_BOOLEAN += " trim virtual"
_COUNT = "headerRowCount length maxLength minLength skipColumns skipRows"
_NUMBER = "maximum maxExclusive maxInclusive minimum minExclusive minInclusive"
_TEMPLATE = "aboutUrl propertyUrl valueUrl"
_LINK = "dialect reference tableSchema"
_DATATYPES = "anyAtomicType anyURI base64Binary boolean byte date dateTime dateTimeStamp"
_DATATYPES += " dayTimeDuration decimal double duration float gDay gMonth gMonthDay gYear"
_DATATYPES += " gYearMonth hexBinary int integer language long Name NCName negativeInteger"
_DATATYPES += " nonNegativeInteger nonPositiveInteger normalizedString positiveInteger QName"
_DATATYPES += " short string time token unsignedByte unsignedInt unsignedLong unsignedShort"
_DATATYPES += " yearMonthDuration"


def _terms() -> dict:
    terms: dict = {}
    for names, definition in (
        (_PLAIN, {"@language": None}),
        (_BOOLEAN, {"@type": "xsd:boolean"}),
        (_COUNT, {"@type": "xsd:nonNegativeInteger"}),
        (_NUMBER, {"@type": "xsd:integer"}),
        (_TEMPLATE, {"@type": "csvw:uriTemplate"}),
        (_LINK, {"@type": "@id"}),
    ):
        terms |= {name: {"@id": f"csvw:{name}", **definition} for name in names.split()}
    terms |= {name: f"xsd:{name}" for name in _DATATYPES.split()}
    return terms | {
        "columns": {"@id": "csvw:column", "@type": "@id", "@container": "@list"},
        "columnReference": {"@id": "csvw:columnReference", "@container": "@list"},
        "datatype": {"@id": "csvw:datatype", "@type": "@vocab"},
        "foreignKeys": {"@id": "csvw:foreignKey"},
        "notes": {"@id": "csvw:note"},
        "primaryKey": {"@id": "csvw:primaryKey", "@language": None},
        "resource": {"@id": "csvw:resource", "@type": "xsd:anyURI"},
        "rowTitles": {"@id": "csvw:rowTitle", "@language": None},
        "tableDirection": {"@id": "csvw:tableDirection", "@type": "@vocab"},
        "tables": {"@id": "csvw:table", "@type": "@id", "@container": "@set"},
        "textDirection": {"@id": "csvw:textDirection", "@type": "@vocab"},
        "titles": {"@id": "csvw:title", "@container": "@language"},
        "transformations": {"@id": "csvw:transformations", "@type": "@id"},
        "url": {"@id": "csvw:url", "@type": "xsd:anyURI"},
        "json": "csvw:JSON",
        "number": "xsd:double",
        "any": "xsd:anyAtomicType",
        "binary": "xsd:base64Binary",
        "datetime": "xsd:dateTime",
        "xml": "rdf:XMLLiteral",
        "html": "rdf:HTML",
    }


CONTEXT = {**PREFIXES, **_terms()}
TERMS = frozenset(_terms())
