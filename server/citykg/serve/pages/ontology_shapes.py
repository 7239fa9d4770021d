"""The SHACL shapes of a release (its ``shapes.ttl``) as the ontology's page shows them: each
node shape with its targets, its property constraints summarised (path, count, values,
severity, message) and the messages of its SPARQL constraints.

- SHACL: https://www.w3.org/TR/shacl/ (§2.1.3 targets, §2.3 property shapes, §4 core
  constraint components, §5 SPARQL-based constraints)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from citykg.contract.iris import PREFIXES, SH
from citykg.serve.pages.graph_index import GraphIndex, Term, anchor, ref

TARGETS = {
    SH.targetClass: "instances of",
    SH.targetSubjectsOf: "subjects of",
    SH.targetObjectsOf: "objects of",
    SH.targetNode: "the node",
}
LOGICAL = {SH["or"]: "one of (sh:or)", SH.xone: "exactly one of (sh:xone)", SH["and"]: "sh:and"}
NODE_KINDS = {
    SH.IRI: "an IRI",
    SH.Literal: "a literal",
    SH.BlankNode: "a blank node",
    SH.BlankNodeOrIRI: "an IRI or a blank node",
    SH.IRIOrLiteral: "an IRI or a literal",
    SH.BlankNodeOrLiteral: "a blank node or a literal",
}
PLACEHOLDER = re.compile(r"\{[?$]\w+\}")


@dataclass(frozen=True)
class Constraint:
    """One property constraint of a node shape, summarised for a table row."""

    shape: str  # the node shape's id on the page
    shape_label: str
    path: dict | None  # a ref, or None for a path expression
    count: str
    values: list[dict]  # phrases: ``words`` with ``refs`` (values)
    severity: str
    message: str | None
    within: str | None  # the logical constraint (sh:or, sh:xone) it is part of


def shapes(triples: list[ox.Triple], on_page: dict[str, str]) -> list[dict]:
    """Every node shape (typed sh:NodeShape, or with a target), by id: ``id``, ``label``,
    ``iri``, ``targets`` (kind, ref), ``severity``, ``constraints``, ``sparql`` (messages)."""
    graph = GraphIndex(triples)
    declared = set(graph.typed(SH.NodeShape))
    nodes = {
        s
        for s in graph.subjects()
        if isinstance(s, ox.NamedNode)
        and (s in declared or any(graph.objects(s, t) for t in TARGETS))
    }
    out = []
    for shape in sorted(nodes, key=lambda s: anchor(s.value)):
        out.append(
            {
                "id": "shape-" + anchor(shape.value),
                "iri": shape.value,
                "label": _label(graph, shape),
                "ref": ref(shape),
                "targets": [
                    (kind, ref(t, on_page))
                    for predicate, kind in TARGETS.items()
                    for t in graph.objects(shape, predicate)
                ],
                "severity": _severity(graph, shape),
                "constraints": _constraints(graph, shape, on_page),
                "sparql": sorted(_sparql(graph, c) for c in graph.objects(shape, SH.sparql)),
            }
        )
    return out


def _constraints(graph: GraphIndex, shape: Term, on_page: dict[str, str]) -> list[Constraint]:
    """The property shapes of ``shape`` (sh:property) and those in its logical constraints."""
    members = [(p, None) for p in graph.objects(shape, SH.property)]
    for predicate, within in LOGICAL.items():
        for head in graph.objects(shape, predicate):
            members += [(m, within) for m in graph.items(head) if graph.objects(m, SH.path)]
    found = [_constraint(graph, shape, m, within, on_page) for m, within in members]
    return sorted(found, key=lambda c: (c.within or "", c.path["text"] if c.path else "", c.count))


def _constraint(
    graph: GraphIndex, shape: Term, node: Term, within: str | None, on_page: dict[str, str]
) -> Constraint:
    path = next(iter(graph.objects(node, SH.path)), None)
    values = [
        *(
            {"words": "of datatype", "refs": [ref(d, on_page)]}
            for d in graph.objects(node, SH.datatype)
        ),
        *(
            {"words": "instance of", "refs": [ref(c, on_page)]}
            for c in graph.objects(node, SH["class"])
        ),
        *({"words": NODE_KINDS.get(k, k), "refs": []} for k in graph.values(node, SH.nodeKind)),
        *(
            {"words": "one of", "refs": [ref(item, on_page) for item in graph.items(head)]}
            for head in graph.objects(node, SH["in"])
        ),
    ]
    low, high = graph.value(node, SH.minInclusive), graph.value(node, SH.maxInclusive)
    if low is not None or high is not None:
        values.append({"words": _range(low, high), "refs": []})
    if (length := graph.value(node, SH.minLength)) is not None:
        plural = "" if length == "1" else "s"
        values.append({"words": f"at least {length} character{plural}", "refs": []})
    for pattern in graph.values(node, SH.pattern):
        code = {"text": pattern, "href": None, "iri": None, "code": True}
        values.append({"words": "matching", "refs": [code]})
    if graph.value(node, SH.uniqueLang) == "true":
        values.append({"words": "one per language", "refs": []})
    return Constraint(
        shape="shape-" + anchor(shape.value),
        shape_label=_label(graph, shape),
        path=ref(path, on_page) if isinstance(path, ox.NamedNode) else None,
        count=_count(graph.value(node, SH.minCount), graph.value(node, SH.maxCount)),
        values=values,
        severity=_severity(graph, node),
        message=graph.value(node, SH.message),
        within=within,
    )


def _sparql(graph: GraphIndex, constraint: Term) -> str:
    """What a SPARQL constraint checks: its message, or its comment where the message is only
    a placeholder its query fills in (``{?message}``)."""
    message = graph.value(constraint, SH.message)
    if message and not PLACEHOLDER.fullmatch(message):
        return message
    comment = graph.value(constraint, PREFIXES["rdfs"] + "comment")
    return comment or "A SPARQL constraint whose query words its messages."


def _label(graph: GraphIndex, shape: Term) -> str:
    return graph.value(shape, PREFIXES["rdfs"] + "label") or anchor(shape.value)


def _count(low: str | None, high: str | None) -> str:
    """A cardinality in words: ``exactly 1``, ``at least 1``, ``at most 7``, ``none``, ``any``."""
    if high == "0":
        return "none"
    if low is not None and low == high:
        return f"exactly {low}"
    if low not in (None, "0") and high is not None:
        return f"{low} to {high}"
    if low not in (None, "0"):
        return f"at least {low}"
    return f"at most {high}" if high is not None else "any"


def _range(low: str | None, high: str | None) -> str:
    if low is not None and high is not None:
        return f"from {low} to {high}"
    return f"at least {low}" if low is not None else f"at most {high}"


def _severity(graph: GraphIndex, node: Term) -> str:
    """The declared severity's local name; a shape without one reports violations."""
    severity = graph.value(node, SH.severity)
    return anchor(severity) if severity else "Violation"


def applying(
    node_shapes: list[dict],
) -> tuple[dict[str, list[dict]], dict[str, list[Constraint]]]:
    """Which shapes apply to which term: for a class or property IRI, the node shapes targeting
    it (as refs to their sections), and for a property IRI, the constraints on it as a path."""
    targeted: dict[str, list[dict]] = {}
    for shape in node_shapes:
        for _, target in shape["targets"]:
            if target["iri"]:
                link = {"text": shape["label"], "href": "#" + shape["id"], "iri": shape["iri"]}
                targeted.setdefault(target["iri"], []).append(link)
    constrained: dict[str, list[Constraint]] = {}
    for shape in node_shapes:
        for c in shape["constraints"]:
            if c.path and c.path["iri"]:
                constrained.setdefault(c.path["iri"], []).append(c)
    return targeted, constrained
