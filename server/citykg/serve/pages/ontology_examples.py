"""The examples of the ontology's page: for each class, one instance from the data of the
dataset's example city (its ``void:exampleResource``; Leipzig in the published release) with a
few of its statements as Turtle.

The city's data is what its profiles are and point at (two steps away at most) and what was
derived from the same source files (source line spans, build findings); each class's example is
the least IRI among its instances there, so a page shows the same example every time.
"""

from __future__ import annotations

import pyoxigraph as ox

from citykg.contract.iris import DEFAULT_BASE, PREFIXES
from citykg.serve.links import safe_href
from citykg.serve.pages.graph_index import NAMES, curie
from citykg.serve.pages.select import select
from citykg.serve.store import Store

STATEMENTS_SHOWN = 6  # of an example: its type first, then one per predicate
TYPE = PREFIXES["rdf"] + "type"
# literal datatypes Turtle writes without naming them
PLAIN = {PREFIXES["xsd"] + t for t in ("string", "integer", "decimal", "boolean", "double")} | {
    PREFIXES["rdf"] + "langString"
}


def examples(store: Store, classes: list[str]) -> dict[str, dict]:
    """For each class of ``classes`` with an instance in the example city's data: ``iri``,
    ``href``, ``city`` (its name), ``turtle`` (some statements), ``shown`` and ``total``."""
    city = select(
        store,
        """SELECT (MIN(STR(?city)) AS ?iri) WHERE {
             ?dataset void:exampleResource ?city . ?profile citykg:city ?city }""",
    )
    if not classes or not city or "iri" not in city[0]:
        return {}
    iri = city[0]["iri"]
    names = select(store, f"SELECT ?name WHERE {{ <{iri}> schema:name ?name }} LIMIT 1")
    wanted = set(classes)
    typed: dict[str, list[str]] = {}
    for row in _typed(store, _city_data(store, iri)):
        if row["class"] in wanted:
            typed.setdefault(row["class"], []).append(row["s"])
    instances = {cls: min(found) for cls, found in typed.items()}
    statements = _statements(store, sorted(set(instances.values())))
    out = {}
    for cls, instance in instances.items():
        found = statements.get(instance, [])
        shown = _sample(found)
        out[cls] = {
            "iri": instance,
            "href": safe_href(instance, DEFAULT_BASE),
            "city": names[0]["name"] if names else iri,
            "turtle": _turtle(shown),
            "shown": len(shown),
            "total": len(found),
        }
    return out


def _city_data(store: Store, city: str) -> list[str]:
    """The IRIs of the city's data: its profiles, what they point at (two steps at most), and
    what was derived from their source files."""
    rows = select(
        store,
        f"""SELECT DISTINCT ?s WHERE {{
          {{ ?s citykg:city <{city}> }}
          UNION {{ ?profile citykg:city <{city}> ; ?p ?s }}
          UNION {{ ?profile citykg:city <{city}> ; ?p ?o . ?o ?q ?s }}
          UNION {{ ?profile citykg:city <{city}> ; prov:wasDerivedFrom ?source .
                   GRAPH ?g {{ ?s prov:wasDerivedFrom ?source }} }}
          FILTER (isIRI(?s)) }}""",
    )
    return [row["s"] for row in rows]


def _typed(store: Store, iris: list[str]) -> list[dict[str, str]]:
    """(``s``, ``class``) for each type of each of ``iris``, in any graph. Asked apart from
    :func:`_city_data`: joined in one query, the engine read every typed node of the release
    (0.8 s at 5 000 cities, against 20 ms)."""
    if not iris:
        return []
    values = " ".join(f"<{i}>" for i in iris)
    return select(
        store,
        f"""SELECT DISTINCT ?s ?class WHERE {{
          VALUES ?s {{ {values} }} GRAPH ?g {{ ?s a ?class }} }}""",
    )


def _statements(store: Store, iris: list[str]) -> dict[str, list[ox.Triple]]:
    """The statements about each of ``iris`` in any graph, each once: types first, then by
    predicate and object."""
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in iris)
    result = store.query(
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    found: dict[str, list[ox.Triple]] = {}
    for s, p, o in result:
        found.setdefault(s.value, []).append(ox.Triple(s, p, o))
    for triples in found.values():
        triples.sort(key=lambda t: (t.predicate.value != TYPE, str(t.predicate), str(t.object)))
    return found


def _sample(triples: list[ox.Triple]) -> list[ox.Triple]:
    """At most STATEMENTS_SHOWN of ``triples``, one per predicate (the first), in their order."""
    seen: set[str] = set()
    sample = []
    for t in triples:
        if t.predicate.value not in seen and len(sample) < STATEMENTS_SHOWN:
            seen.add(t.predicate.value)
            sample.append(t)
    return sample


def _turtle(triples: list[ox.Triple]) -> str:
    """``triples`` as Turtle with the prefixes they use, indented with spaces."""
    iris = {t.predicate.value for t in triples if t.predicate.value != TYPE}  # written "a"
    for t in triples:
        if isinstance(t.object, ox.NamedNode):
            iris.add(t.object.value)
        elif isinstance(t.object, ox.Literal) and t.object.datatype.value not in PLAIN:
            iris.add(t.object.datatype.value)
    used = {curie(i).split(":", 1)[0] for i in iris if curie(i) != i}
    prefixes = {name: NAMES[name] for name in sorted(used)}
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode()
    return text.replace("\t", "    ")
