"""The data of the ontology's page, laid out as vocabularies are documented (LODE, pyLODE,
Widoco): the ontology's metadata; its terms by kind (classes, object, datatype and annotation
properties, named individuals), each with its definition, hierarchy, domains and ranges, the
properties it is used with, the SHACL shapes that apply and, for a class, an example from the
data; the SKOS concept schemes with their concepts; the shapes.

A term's section has the term's fragment as its id, so its IRI (``{base}ontology#Term``) leads
to it on the page; links between terms stay on the page.
"""

from __future__ import annotations

import pyoxigraph as ox

from citykg.contract.iris import CITYKG, CONCEPTS_GRAPH, ONTOLOGY_IRI, PREFIXES, VANN
from citykg.serve.pages.graph_index import GraphIndex, Term, anchor, curie, ref
from citykg.serve.pages.ontology_examples import examples
from citykg.serve.pages.ontology_shapes import applying, shapes
from citykg.serve.pages.select import by_notation
from citykg.serve.store import Store

OWL, RDF, RDFS, SKOS = (PREFIXES[p] for p in ("owl", "rdf", "rdfs", "skos"))
DCTERMS = PREFIXES["dcterms"]
QB = PREFIXES["qb"]
# (section id, heading, the type of the terms it lists); a term of none is an individual
KINDS = (
    ("classes", "Classes", OWL + "Class"),
    ("object-properties", "Object properties", OWL + "ObjectProperty"),
    ("datatype-properties", "Datatype properties", OWL + "DatatypeProperty"),
    ("annotation-properties", "Annotation properties", OWL + "AnnotationProperty"),
)
INDIVIDUALS = ("individuals", "Named individuals")
# the ontology's metadata, in the order shown (title and description are the page's heading)
METADATA = (
    (OWL + "versionInfo", "Version"),
    (OWL + "versionIRI", "Version IRI"),
    (OWL + "priorVersion", "Prior version"),
    (DCTERMS + "created", "Created"),
    (DCTERMS + "modified", "Modified"),
    (DCTERMS + "issued", "Issued"),
    (DCTERMS + "creator", "Creators"),
    (DCTERMS + "contributor", "Contributors"),
    (DCTERMS + "publisher", "Publisher"),
    (DCTERMS + "license", "License"),
    (DCTERMS + "rights", "Rights"),
    (DCTERMS + "source", "Source"),
    (RDFS + "seeAlso", "See also"),
)
# a term's statements shown as facts: (predicate, heading, heading of the inverse direction)
FACTS = (
    (RDFS + "subClassOf", "Subclass of", "Subclasses"),
    (RDFS + "subPropertyOf", "Subproperty of", "Subproperties"),
    (RDFS + "domain", "Domain", "Properties with this domain"),
    (RDFS + "range", "Range", "Properties with this range"),
    (OWL + "inverseOf", "Inverse of", "Inverse of"),
)
DEFINITIONS = (SKOS + "definition", RDFS + "comment")
SHOWN = {RDF + "type", RDFS + "label", RDFS + "isDefinedBy", *DEFINITIONS} | {f[0] for f in FACTS}


def ontology(store: Store, graph: str, shape_triples: list[ox.Triple]) -> dict:
    """The page's data: ``iri``, ``title``, ``description``, ``metadata`` (heading, refs),
    ``namespace`` and ``prefix``, ``sections`` (id, title, terms), ``schemes``, ``shapes``."""
    index = GraphIndex(store.triples(graph=graph))
    found = index.typed(OWL + "Ontology")
    onto = found[0] if found else ox.NamedNode(ONTOLOGY_IRI)
    terms = [
        s
        for s in index.subjects()
        if isinstance(s, ox.NamedNode)
        and s != onto
        and (s.value.startswith(CITYKG) or onto in index.objects(s, RDFS + "isDefinedBy"))
    ]
    on_page = {t.value: anchor(t.value) for t in terms}
    node_shapes = shapes(shape_triples, on_page)
    targeted, constrained = applying(node_shapes)
    kinds = {t: _kind(index, t) for t in terms}
    classes = [t.value for t in terms if kinds[t] == "classes"]
    found_examples = examples(store, classes)
    sections = []
    for section_id, title in [(k[0], k[1]) for k in KINDS] + [INDIVIDUALS]:
        listed = [
            {
                **_term(index, t, on_page),
                "shapes": targeted.get(t.value, []),
                "constraints": constrained.get(t.value, []),
                "example": found_examples.get(t.value),
                "is_class": section_id == "classes",
            }
            for t in terms
            if kinds[t] == section_id
        ]
        if listed:
            listed.sort(key=lambda term: (term["name"].lower(), term["name"]))
            sections.append({"id": section_id, "title": title, "terms": listed})
    return {
        "iri": onto.value,
        "title": index.value(onto, DCTERMS + "title") or curie(onto.value),
        "description": index.value(onto, DCTERMS + "description"),
        "metadata": [
            (heading, [_metadata_ref(p, o) for o in index.objects(onto, p)])
            for p, heading in METADATA
            if index.objects(onto, p)
        ],
        "prefix": index.value(onto, VANN.preferredNamespacePrefix),
        "namespace": index.value(onto, VANN.preferredNamespaceUri),
        "sections": sections,
        "schemes": _schemes(store, index, on_page),
        "shapes": node_shapes,
    }


def _kind(index: GraphIndex, term: Term) -> str:
    """The id of the section listing ``term``: that of its first kind, else individuals."""
    types = set(index.values(term, RDF + "type"))
    return next((k[0] for k in KINDS if k[2] in types), INDIVIDUALS[0])


def _term(index: GraphIndex, term: Term, on_page: dict[str, str]) -> dict:
    """One term: ``iri``, ``name`` (its id), ``curie``, ``label``, ``definitions``, ``comments``,
    ``types`` (besides its kind), ``facts`` (heading, refs) and ``other`` (predicate, refs)."""
    kinds = {k[2] for k in KINDS}
    facts = []
    for predicate, heading, inverse in FACTS:
        objects, subjects = index.objects(term, predicate), index.referrers(term, predicate)
        if predicate == OWL + "inverseOf":  # said of either property
            objects, subjects = sorted({*objects, *subjects}, key=str), []
        if objects:
            facts.append((heading, [ref(o, on_page) for o in objects]))
        if subjects:
            facts.append((inverse, [ref(s, on_page) for s in subjects]))
    other = [
        (ref(ox.NamedNode(p), on_page), [ref(o, on_page) for o in sorted(objects, key=str)])
        for p, objects in sorted(index.predicates(term).items())
        if p not in SHOWN
    ]
    return {
        "iri": term.value,
        "name": anchor(term.value),
        "curie": curie(term.value),
        "label": index.value(term, RDFS + "label") or anchor(term.value),
        "definitions": index.values(term, DEFINITIONS[0]),
        "comments": index.values(term, DEFINITIONS[1]),
        "types": [
            ref(t, on_page) for t in index.objects(term, RDF + "type") if t.value not in kinds
        ],
        "facts": facts,
        "other": other,
    }


def _metadata_ref(predicate: str, obj: Term) -> dict:
    """A metadata value; a prior version is not served here, so it is shown unlinked."""
    shown = ref(obj)
    return {**shown, "href": None} if predicate == OWL + "priorVersion" else shown


def _schemes(store: Store, ontology: GraphIndex, on_page: dict[str, str]) -> list[dict]:
    """The concept schemes, by label: ``id``, ``iri``, ``label``, ``definition``, ``note``,
    ``code_list_of`` (properties taking it as their qb:codeList), ``concepts`` (``iri``,
    ``label``, ``notation``, ``definition``)."""
    index = GraphIndex(store.triples(graph=str(CONCEPTS_GRAPH)))
    out = []
    for scheme in index.typed(SKOS + "ConceptScheme"):
        concepts = [
            {
                "iri": c.value,
                "label": index.value(c, SKOS + "prefLabel") or anchor(c.value),
                "notation": index.value(c, SKOS + "notation") or "",
                "definition": index.value(c, SKOS + "definition")
                or index.value(c, SKOS + "scopeNote"),
            }
            for c in index.referrers(scheme, SKOS + "inScheme")
        ]
        out.append(
            {
                "id": "scheme-" + anchor(scheme.value),
                "iri": scheme.value,
                "label": index.value(scheme, SKOS + "prefLabel") or anchor(scheme.value),
                "definition": index.value(scheme, SKOS + "definition"),
                "note": index.value(scheme, SKOS + "editorialNote"),
                "code_list_of": [
                    ref(p, on_page) for p in ontology.referrers(scheme, QB + "codeList")
                ],
                "concepts": sorted(concepts, key=by_notation),
            }
        )
    return sorted(out, key=lambda s: s["label"].lower())
