"""The validation report of a release as linked data: the named graph ``graph/validation-report``.

One ``sh:ValidationReport`` (``id/validation-report``, SHACL §3.6) with ``sh:conforms`` and a
``sh:result`` for every SHACL result of the build, each with ``sh:focusNode``, ``sh:resultPath``,
``sh:value``, ``sh:resultSeverity``, ``sh:resultMessage``, ``sh:sourceShape`` and
``sh:sourceConstraintComponent`` as SHACL gives them, and where it was found: the source file
(``prov:wasDerivedFrom`` the file's ``source/`` IRI, as a profile graph names it) and line
(``citykg:sourceLine``), taken from the build's finding for that result. The build's other
findings (the importer's: an unknown option, a missing section, a flattened chart; the link
file's) are not SHACL results, which must name a shape and a constraint component: they are
``citykg:Finding``s of the report (``citykg:finding``) with severity, message,
``citykg:findingCode``, file and line, and focus node and path where the build names them.

The graph is the same bytes whatever order the chunks ran in: every node is named by a hash of its
description (``id/validation-report/result/{hash}``, ``.../finding/{hash}``), so a result that
several chunks report (a city shared by their profiles) is one node, and it has no blank nodes: a
property shape that is a blank node in the shapes file appears under an IRI of the report
(``id/validation-report/shape/{hash}``) with its description copied and the node shape that
names it, so the report says what each result's shape asks without the shapes file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD
from rdflib.term import Node

from citykg import __version__
from citykg.builder.namespaces import CITYKG, REPORT_GRAPH, SH
from citykg.builder.validation import read_result, result_findings
from citykg.contract import iris
from citykg.contract.findings import Finding, Severity

__all__ = ["REPORT_GRAPH", "VALIDATION_REPORT", "ValidationReport", "validation_report"]
SEVERITIES = {Severity.ERROR: SH.Violation, Severity.WARNING: SH.Warning, Severity.INFO: SH.Info}
_MAX_DEPTH = 16  # blank nodes nested deeper in the shapes than this are not copied


VALIDATION_REPORT = URIRef(iris.REPORT_IRI)  # a release's sh:ValidationReport


@dataclass
class ValidationReport:
    """The report graph, and for each finding of the build the IRI of its node there."""

    graph: Graph
    nodes: dict[Finding, str] = field(default_factory=dict)


def validation_report(
    reports: Iterable[Graph],
    findings: Iterable[Finding],
    shapes: Graph,
) -> ValidationReport:
    """The report graph of a build: its SHACL report graphs (pyshacl's, one per validation run)
    joined with its findings, which know the file and line of each result. It states no time:
    what it says follows from the data, the shapes and citykg's version, and the release it
    belongs to has the one time stamp (its issue time)."""
    findings = sorted(set(findings), key=_order)
    report = VALIDATION_REPORT
    out = ValidationReport(Graph())
    g = out.graph
    by_key: dict[tuple, list[Finding]] = {}
    for f in findings:
        if f.code == "shacl":
            by_key.setdefault((f.focus, f.path, f.message), []).append(f)
    copies = _ShapeCopies(shapes, f"{report}/shape/", g)
    conforms, placed = True, set()
    for run in reports:
        for root in run.subjects(RDF.type, SH.ValidationReport):
            stated = run.value(root, SH.conforms)
            conforms = conforms and (stated is None or bool(stated.toPython()))
        for node in run.subjects(RDF.type, SH.ValidationResult):
            result = read_result(run, node)
            [shown] = result_findings([result], "")
            matches = by_key.get((shown.focus, shown.path, shown.message), [])
            finding = matches[0] if matches else None
            conforms = conforms and result.severity is not Severity.ERROR
            description = _result(run, node, copies)
            if description is None:
                continue
            if finding is not None:
                description += _location(finding)
            iri = _name(f"{report}/result/", description)
            if iri not in placed:
                placed.add(iri)
                g.add((report, SH.result, iri))
                g += _rename(description, iri)
            for match in matches:  # the same finding for two results: the first IRI
                out.nodes[match] = min(out.nodes.get(match, str(iri)), str(iri))
    for f in findings:
        conforms = conforms and f.severity is not Severity.ERROR
        if f in out.nodes:
            continue
        description = _finding(f)
        iri = _name(f"{report}/finding/", description)
        g.add((report, CITYKG.finding, iri))
        g += _rename(description, iri)
        out.nodes[f] = str(iri)
    activity = URIRef(f"{report}/validation")
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(conforms)))
    g.add((report, PROV.wasGeneratedBy, activity))
    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, PROV.used, URIRef(iris.SHAPES_IRI)))
    g.add((activity, PROV.wasAssociatedWith, URIRef(iris.software(__version__))))
    return out


Description = list[tuple[Node, Node]]  # the (predicate, object) pairs of one node


def _result(run: Graph, node: Node, copies: _ShapeCopies) -> Description | None:
    """A result of a pyshacl report graph as (predicate, object) pairs, blank nodes replaced;
    None for a result whose focus node or shape cannot be named without one."""
    focus = run.value(node, SH.focusNode)
    shape = copies.term(run.value(node, SH.sourceShape))
    component = run.value(node, SH.sourceConstraintComponent)
    if isinstance(focus, BNode) or focus is None or shape is None or component is None:
        return None
    out: Description = [
        (RDF.type, SH.ValidationResult),
        (SH.focusNode, focus),
        (SH.sourceShape, shape),
        (SH.sourceConstraintComponent, component),
    ]
    out += [(SH.resultSeverity, o) for o in run.objects(node, SH.resultSeverity)]
    out += [(SH.resultMessage, o) for o in run.objects(node, SH.resultMessage)]
    for predicate in (SH.resultPath, SH.value):
        term = copies.term(run.value(node, predicate))
        if term is not None:
            out.append((predicate, term))
    return out


def _location(finding: Finding) -> Description:
    out: Description = [(PROV.wasDerivedFrom, URIRef(iris.source(finding.file)))]
    if finding.line:
        out.append((CITYKG.sourceLine, Literal(finding.line, datatype=XSD.positiveInteger)))
    return out


def _finding(finding: Finding) -> Description:
    """A finding of the build that is no SHACL result of the report."""
    out: Description = [
        (RDF.type, CITYKG.Finding),
        (SH.resultSeverity, SEVERITIES[finding.severity]),
        (SH.resultMessage, Literal(finding.message, lang="en")),
        (CITYKG.findingCode, Literal(finding.code)),
    ]
    for predicate, value in ((SH.focusNode, finding.focus), (SH.resultPath, finding.path)):
        if value and iris.is_iri(value):
            out.append((predicate, URIRef(value)))
    return out + _location(finding)


def _order(f: Finding) -> tuple:
    return (f.file, f.line or 0, f.code, f.message, f.focus or "", f.path or "", f.severity)


def _name(prefix: str, description: Description) -> URIRef:
    """An IRI made from a hash of what a node says: the same description, the same IRI."""
    return URIRef(prefix + _digest(f"{p.n3()} {o.n3()}" for p, o in description))


def _digest(parts: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:16]


def _rename(description: Description, iri: URIRef) -> list[tuple[Node, Node, Node]]:
    return [(iri, p, o) for p, o in description]


class _ShapeCopies:
    """Blank nodes of the shapes graph under IRIs of the report, their descriptions copied."""

    def __init__(self, shapes: Graph, prefix: str, out: Graph) -> None:
        self._shapes, self._prefix, self._out = shapes, prefix, out
        self._keys: dict[BNode, str] = {}
        self._copied: set[URIRef] = set()

    def term(self, node: Node | None) -> Node | None:
        """``node`` as the report names it: an IRI or literal as it is, a blank node of the
        shapes under its IRI (None for any other blank node, or none at all)."""
        if not isinstance(node, BNode):
            return node
        if (node, None, None) not in self._shapes:
            return None
        named = sorted(
            f"{s.n3()} {p.n3()}"
            for s, p in self._shapes.subject_predicates(node)
            if not isinstance(s, BNode)
        )
        return self._copy(node, "\n".join(named), 0)

    def _copy(self, node: BNode, context: str, depth: int) -> URIRef:
        iri = URIRef(self._prefix + _digest([context, self._key(node, 0)]))
        if iri in self._copied:
            return iri
        self._copied.add(iri)
        for s, p in self._shapes.subject_predicates(node):
            if isinstance(s, URIRef):
                self._out.add((s, p, iri))
        for p, o in self._shapes.predicate_objects(node):
            if isinstance(o, BNode):
                if depth >= _MAX_DEPTH:
                    continue
                o = self._copy(o, f"{iri} {p.n3()}", depth + 1)
            self._out.add((iri, p, o))
        return iri

    def _key(self, node: BNode, depth: int) -> str:
        """What ``node`` says, blank nodes within it spelt out: equal for equal descriptions
        whatever the blank node labels of the parse."""
        if node not in self._keys:
            parts = sorted(
                f"{p.n3()} "
                + (
                    (self._key(o, depth + 1) if depth < _MAX_DEPTH else "[]")
                    if isinstance(o, BNode)
                    else o.n3()
                )
                for p, o in self._shapes.predicate_objects(node)
            )
            self._keys[node] = "[" + "; ".join(parts) + "]"
        return self._keys[node]
