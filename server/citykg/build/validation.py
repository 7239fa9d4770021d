"""SHACL validation (https://www.w3.org/TR/shacl/) with pyshacl and our own shapes graph.

pyshacl always receives the shapes graph from shapes/ explicitly, so SHACL-SPARQL found in data is
never executed. Each validation result becomes a :class:`Finding`; its line is looked up in the
profile's reified source statements (``citykg:sourceLine``) by focus node, path and value.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from citykg.findings import Finding, Severity
from citykg.namespaces import CITYKG, SH

_SEVERITY = {SH.Violation: Severity.ERROR, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}


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


def validate_graph(data: Graph, shapes: Graph) -> Validation:
    """Validate ``data`` against ``shapes``; warnings and infos do not break conformance."""
    conforms, report, _ = validate(
        data,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
        advanced=False,
    )
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        results.append(
            ShaclResult(
                severity=_SEVERITY.get(report.value(node, SH.resultSeverity), Severity.ERROR),
                focus=report.value(node, SH.focusNode),
                path=report.value(node, SH.resultPath),
                value=report.value(node, SH.value),
                message="; ".join(messages) or "constraint not met",
                shape=report.value(node, SH.sourceShape),
            )
        )
    return Validation(bool(conforms), report, results)


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
        merged += ((s, p, o) for s, p, o in report if p not in (SH.conforms, SH.result)
                   and not (p == RDF.type and o == SH.ValidationReport))
    merged.add((node, RDF.type, SH.ValidationReport))
    merged.add((node, SH.conforms, Literal(conforms)))
    return merged


class SourceLines:
    """Where each triple of a profile graph was read, from its reified statements."""

    def __init__(self, graph: Graph) -> None:
        self._by_triple: dict[tuple[Node, Node, Node], int] = {}
        self._by_pair: dict[tuple[Node, Node], int] = {}
        self._by_subject: dict[Node, int] = {}
        for st, number in graph.subject_objects(CITYKG.sourceLine):
            s, p, o = (graph.value(st, x) for x in (RDF.subject, RDF.predicate, RDF.object))
            line = int(number) if isinstance(number, Literal) else 0
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
