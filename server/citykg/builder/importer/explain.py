"""``citykg explain``: each source line of a profile with what became of it."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from citykg.builder.importer import ProfileImport
from citykg.builder.importer.writer import Outcome
from citykg.contract.iris import DEFAULT_BASE, PREFIXES

_WIDTH = 100


def explain(result: ProfileImport) -> str:
    """One block per non-empty source line: the line, then its triples, texts, findings or
    layout role. IRIs under the base are shown relative to it. Findings about no line in
    particular come last."""
    names = Graph().namespace_manager
    for prefix, iri in PREFIXES.items():
        names.bind(prefix, iri, override=True, replace=True)
    out, shown = [], set()
    for line in result.lines:
        out.append(f"{line.number:>5}  {_cut(line.text)}")
        fate = result.fates.get(line.number)
        if fate is None or not fate.outcomes:
            out.append("         UNACCOUNTED: nothing became of this line")
            continue
        if fate.layout:
            out.append(f"         layout   {fate.layout}")
        texts = set(fate.texts)
        for s, p, o in fate.triples:
            kind = "text" if str(o) in texts and Outcome.TEXT in fate.outcomes else "fact"
            out.append(f"         {kind:<8} {_n3(s, names)} {_n3(p, names)} {_n3(o, names)}")
        for finding in fate.findings:
            shown.add(id(finding))
            out.append(f"         {finding.severity.value:<8} [{finding.code}] {finding.message}")
    rest = [f for f in result.findings if id(f) not in shown]
    if rest:
        out.append("")
        out.append("About the whole profile:")
        out += [f"  {f.format()}" for f in rest]
    return "\n".join(out) + "\n"


def _n3(node: Node, names: NamespaceManager) -> str:
    """A term in Turtle, with IRIs under the base shown relative to it (``<id/city/x>``)."""
    if isinstance(node, URIRef) and node.startswith(DEFAULT_BASE) and "#" not in node:
        return _cut(f"<{node.removeprefix(DEFAULT_BASE)}>", 70)
    return _cut(node.n3(names), 70)


def _cut(text: str, width: int = _WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
