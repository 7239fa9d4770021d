"""SHACL validation (https://www.w3.org/TR/shacl/) with pyshacl and our own shapes graph.

pyshacl always receives the shapes graph from shapes/ explicitly, so SHACL-SPARQL found in data is
never executed. Each validation result becomes a :class:`Finding`; its line is looked up in the
triples the importer read from each line (see citykg.builder.importer), by focus node, path and
value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from pyshacl import validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from citykg.builder.namespaces import SH
from citykg.builder.rdf_input import to_oxigraph, to_rdflib
from citykg.contract.findings import Finding, Severity

_SEVERITY = {SH.Violation: Severity.ERROR, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}
_TARGETS = {  # the target predicates of SHACL §2.1.3, each as a SPARQL pattern binding ?this
    SH.targetClass: "?this a {}",
    SH.targetNode: "VALUES ?this {{ {} }}",
    SH.targetSubjectsOf: "?this {} []",
    SH.targetObjectsOf: "[] {} ?this",
}


@dataclass(frozen=True)
class ShaclResult:
    """One sh:ValidationResult, flattened."""

    severity: Severity
    focus: Node
    path: Node | None
    value: Node | None
    message: str
    shape: Node | None


@dataclass
class Validation:
    """A validation run: whether the data conforms (no violations), the report and its results."""

    conforms: bool
    report: Graph
    results: list[ShaclResult]


@dataclass(frozen=True)
class SparqlConstraint:
    """A sh:SPARQLConstraint with what evaluating it needs."""

    shape: Node
    targets: tuple[str, ...]  # SPARQL patterns binding ?this to the shape's target nodes
    severity: Severity
    message: str
    query: str


@dataclass(frozen=True)
class Shapes:
    """A shapes graph, and its parts as :func:`validate_graph` runs them (see
    :func:`split_shapes`), split once for every validation of a build."""

    graph: Graph
    core: Graph
    constraints: tuple[SparqlConstraint, ...]

    @classmethod
    def of(cls, graph: Graph) -> Shapes:
        """``graph`` made ready for validation."""
        core, constraints = split_shapes(graph)
        return cls(graph, core, tuple(constraints))


def validate_graph(data: Graph, shapes: Shapes) -> Validation:
    """Validate ``data`` against ``shapes``; warnings and infos do not break conformance.

    Core constraints run in pyshacl. SHACL-SPARQL constraints (SHACL §5) run here instead, each
    once over the whole data graph in pyoxigraph with ``$this`` left unbound and joined with the
    shape's targets: that is what pre-binding ``$this`` to every target node computes, but
    pyshacl re-parses the query for every focus node (36 ms each, 70 000 parses at 10 000
    profiles). Property shapes nested in a node shape with targets reach pyshacl as property
    shapes with those targets (see :func:`split_shapes`).
    """
    conforms, report, _ = validate(
        data,
        shacl_graph=shapes.core,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
        advanced=False,
    )
    results = [read_result(report, node) for node in report.subjects(RDF.type, SH.ValidationResult)]
    sparql_results = evaluate_sparql(data, shapes.constraints)
    _add_to_report(report, sparql_results)
    results += sparql_results
    conforms = bool(conforms) and all(r.severity is not Severity.ERROR for r in sparql_results)
    return Validation(conforms, report, results)


def read_result(report: Graph, node: Node) -> ShaclResult:
    """The sh:ValidationResult ``node`` of a report graph, flattened."""
    messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
    return ShaclResult(
        severity=_SEVERITY.get(report.value(node, SH.resultSeverity), Severity.ERROR),
        focus=report.value(node, SH.focusNode),
        path=report.value(node, SH.resultPath),
        value=report.value(node, SH.value),
        message="; ".join(messages) or "constraint not met",
        shape=report.value(node, SH.sourceShape),
    )


def split_shapes(shapes: Graph) -> tuple[Graph, list[SparqlConstraint]]:
    """The shapes for pyshacl, and the sh:sparql constraints, which are taken out of them.

    In the shapes for pyshacl, a property shape that a node shape with targets names with
    ``sh:property`` carries those targets itself instead (SHACL §2.1: the same focus nodes are
    validated against the same property shape, with the same results). pyshacl validates a nested
    property shape once per focus node and one with targets once for all of them: at 1000
    profiles 25 000 shape runs become about 100, and validation takes a fifth less time.
    """
    core, constraints = Graph(), []
    for triple in shapes:
        if triple[1] != SH.sparql:
            core.add(triple)
    for node, prop in list(core.subject_objects(SH.property)):
        targets = [(p, t) for p in _TARGETS for t in core.objects(node, p)]
        if targets and not core.value(node, SH.deactivated):
            core.remove((node, SH.property, prop))
            for p, t in targets:
                core.add((prop, p, t))
    for shape, constraint in shapes.subject_objects(SH.sparql):
        prefixes = "".join(
            f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
            for source in shapes.objects(constraint, SH.prefixes)
            for d in shapes.objects(source, SH.declare)
        )
        select = str(shapes.value(constraint, SH.select)).replace("$this", "?this")
        constraints.append(
            SparqlConstraint(
                shape=shape,
                targets=_target_patterns(shapes, shape),
                severity=_SEVERITY.get(shapes.value(shape, SH.severity), Severity.ERROR),
                message=str(shapes.value(constraint, SH.message) or "SPARQL constraint not met"),
                query=prefixes + select,
            )
        )
    return core, constraints


def _target_patterns(shapes: Graph, shape: Node) -> tuple[str, ...]:
    """SPARQL patterns binding ``?this`` to the focus nodes of each target of ``shape``."""
    return tuple(
        pattern.format(target.n3())
        for predicate, pattern in _TARGETS.items()
        for target in shapes.objects(shape, predicate)
    )


def evaluate_sparql(data: Graph, constraints: Sequence[SparqlConstraint]) -> list[ShaclResult]:
    """Every constraint over every target node of ``data`` at once."""
    if not constraints:
        return []
    store = ox.Store()
    store.extend(
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), ox.DefaultGraph())
        for s, p, o in data
    )
    results = []
    for c in constraints:
        head, _, body = c.query.partition("SELECT")
        union = " UNION ".join(f"{{ {t} }}" for t in c.targets)
        targets = f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}" if union else "{}"
        query = f"{head}SELECT * WHERE {{ {targets} {{ SELECT{body} }} }}"
        solutions = store.query(query)
        variables = solutions.variables
        for row in solutions:
            values = {v.value: to_rdflib(row[v]) for v in variables if row[v] is not None}
            message = re.sub(
                r"\{[?$](\w+)\}", lambda m, found=values: str(found.get(m.group(1), "")), c.message
            )
            results.append(
                ShaclResult(
                    c.severity,
                    values["this"],
                    values.get("path"),
                    values.get("value", values["this"]),
                    message,
                    c.shape,
                )
            )
    return results


def _add_to_report(report: Graph, results: list[ShaclResult]) -> None:
    """Add SPARQL constraint results to a pyshacl report graph, as SHACL §3.6 describes them."""
    root = next(report.subjects(RDF.type, SH.ValidationReport), None)
    for r in results:
        node = BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.focusNode, r.focus))
        report.add((node, SH.resultSeverity, {v: k for k, v in _SEVERITY.items()}[r.severity]))
        report.add((node, SH.resultMessage, Literal(r.message)))
        report.add((node, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        report.add((node, SH.sourceShape, r.shape))
        if r.path is not None:
            report.add((node, SH.resultPath, r.path))
        if r.value is not None:
            report.add((node, SH.value, r.value))
    if any(r.severity is Severity.ERROR for r in results):
        report.set((root, SH.conforms, Literal(False)))


def merge_reports(reports: list[Graph]) -> Graph:
    """One sh:ValidationReport holding the results of several validation runs."""
    merged, node = Graph(), URIRef("urn:citykg:validation-report")
    merged.bind("sh", SH)
    conforms = True
    for report in reports:
        for old in list(report.subjects(RDF.type, SH.ValidationReport)):
            conforms = conforms and bool(report.value(old, SH.conforms).toPython())
            for result in report.objects(old, SH.result):
                merged.add((node, SH.result, result))
        merged += (
            (s, p, o)
            for s, p, o in report
            if p not in (SH.conforms, SH.result)
            and not (p == RDF.type and o == SH.ValidationReport)
        )
    merged.add((node, RDF.type, SH.ValidationReport))
    merged.add((node, SH.conforms, Literal(conforms)))
    return merged


class SourceLines:
    """Where each triple of a profile was read: (subject, predicate, object, line) records."""

    def __init__(self, source_lines: Iterable[tuple[Node, Node, Node, int]]) -> None:
        self._by_triple: dict[tuple[Node, Node, Node], int] = {}
        self._by_pair: dict[tuple[Node, Node], int] = {}
        self._by_subject: dict[Node, int] = {}
        for s, p, o, line in source_lines:
            for index, key in (
                (self._by_triple, (s, p, o)),
                (self._by_pair, (s, p)),
                (self._by_subject, s),
            ):
                index[key] = min(index.get(key, line), line)

    def line(self, focus: Node, path: Node | None, value: Node | None) -> int | None:
        """The source line of the triple a result is about, as near as the statements tell."""
        return (
            self._by_triple.get((focus, path, value))
            or self._by_pair.get((focus, path))
            or self._by_subject.get(focus)
        )


def result_findings(
    results: list[ShaclResult], file: str, lines: SourceLines | None = None
) -> list[Finding]:
    """SHACL results as findings on ``file``, each with its source line where known."""
    findings = []
    for r in results:
        line = lines.line(r.focus, r.path, r.value) if lines else None
        message = r.message
        shown = r.value if r.value != r.focus else None
        if isinstance(shown, URIRef | Literal) and str(shown) not in message:
            message = f"{message} (value: {r.value})"
        findings.append(
            Finding(
                file,
                line,
                r.severity,
                "shacl",
                message,
                focus=str(r.focus),
                path=str(r.path) if r.path is not None else None,
            )
        )
    return findings
