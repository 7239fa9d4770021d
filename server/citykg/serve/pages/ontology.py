"""The data of the ontology's documentation page: its header and its terms by kind."""

from __future__ import annotations

from citykg.contract.iris import PREFIXES, VANN
from citykg.serve.pages.select import select
from citykg.serve.store import Store

OWL = PREFIXES["owl"]
KINDS = {
    OWL + "Class": "Classes",
    OWL + "ObjectProperty": "Object properties",
    OWL + "DatatypeProperty": "Datatype properties",
}


def ontology(store: Store, graph: str) -> dict:
    """The ontology's header and its terms by kind, for its documentation page."""
    header = select(
        store,
        f"""
        PREFIX vann: <{VANN}>
        SELECT ?title ?description ?version ?versionIRI ?license ?prefix ?namespace WHERE {{
          ?o a owl:Ontology ; dcterms:title ?title ; dcterms:description ?description ;
             owl:versionInfo ?version ; owl:versionIRI ?versionIRI ; dcterms:license ?license ;
             vann:preferredNamespacePrefix ?prefix ; vann:preferredNamespaceUri ?namespace }}""",
        graph,
    )
    terms = select(
        store,
        """
        SELECT ?term ?kind ?label ?definition
               (GROUP_CONCAT(DISTINCT STR(?d); separator=" ") AS ?domain)
               (GROUP_CONCAT(DISTINCT STR(?r); separator=" ") AS ?range)
               (GROUP_CONCAT(DISTINCT STR(?sup); separator=" ") AS ?super) WHERE {
          ?term rdfs:isDefinedBy ?o ; a ?kind ; rdfs:label ?label ; skos:definition ?definition .
          ?o a owl:Ontology .
          OPTIONAL { ?term rdfs:domain ?d } OPTIONAL { ?term rdfs:range ?r }
          OPTIONAL { ?term rdfs:subClassOf ?sup }
        } GROUP BY ?term ?kind ?label ?definition ORDER BY ?label""",
        graph,
    )
    by_term: dict[str, dict] = {}
    for t in terms:
        entry = by_term.setdefault(
            t["term"], {**t, "name": t["term"].rsplit("#", 1)[-1], "kinds": set()}
        )
        entry["kinds"].add(t["kind"])
    sections: dict[str, list[dict]] = {title: [] for title in [*KINDS.values(), "Individuals"]}
    for entry in by_term.values():
        title = next((KINDS[k] for k in KINDS if k in entry["kinds"]), "Individuals")
        sections[title].append(entry)
    return {
        "header": header[0] if header else {},
        "sections": [{"title": k, "terms": v} for k, v in sections.items() if v],
    }
