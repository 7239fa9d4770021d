"""The query guard: what a query may make the server fetch, decided before the engine sees it.

pyoxigraph performs ``SERVICE`` calls itself (``SILENT`` ones too) and cannot be told not to, and
other engines dereference ``FROM`` IRIs (``file:`` ones included). So every query is tokenised
here (SPARQL 1.1 Query §19 grammar terminals: strings, IRIs, prefixed names, variables, comments)
and refused with a clear message when it names

* a ``SERVICE`` whose IRI is not on the allow-list, or a variable ``SERVICE``;
* a ``FROM`` / ``FROM NAMED`` graph that is not one of the dataset's named graphs;
* anything but a query after its prologue: an update sent as a query, or an engine's own
  pragma (Virtuoso runs ``DEFINE sql:...`` and updates it is given rights for).

``LOAD`` and every other update are refused by the protocol layer (the endpoint is read-only).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Container, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin

_COMMENT = r"\#[^\n]*"
_STRING = r"""\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'"""
_IRI = r"""<[^<>"{}|^`\\\x00-\x20]*>"""
_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>{_COMMENT})
  | (?P<string>{_STRING})
  | (?P<iri>{_IRI})
  | (?P<var>[?$][A-Za-z0-9_\u00b7-\U000effff]+)
  | (?P<pname>(?:[A-Za-z\u00c0-\U000effff][\w.\-\u00b7-\U000effff]*)?
              :(?:[\w\-:%.\\\u00b7-\U000effff]*))
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


_OPAQUE = re.compile(  # strings, IRIs and comments: where brackets and keywords mean nothing
    f"{_COMMENT}|{_STRING}|{_IRI}", re.VERBOSE | re.DOTALL
)
_BRACKET = re.compile(r"[{}()\[\]]")
_FETCHES = re.compile(r"SERVICE|FROM", re.IGNORECASE)
_FIRST_WORD = re.compile(  # on the blanked text: the prologue's IRIs are blank already
    r"\s*(?:(?:PREFIX\s+[^\s:]*:|BASE)\s*)*([A-Za-z]*)", re.IGNORECASE
)
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


class QueryRefused(ValueError):
    """A query the server will not run; the message says why."""


@dataclass
class QueryFacts:
    """What the guard read from a query."""

    services: list[str] = field(default_factory=list)
    from_graphs: list[str] = field(default_factory=list)
    depth: int = 0
    form: str = ""  # the first word after the prologue, upper-cased


def inspect(query: str) -> QueryFacts:
    """Read the SERVICE and FROM targets of a query (variables come back as ``?name``).

    Most queries name neither: for them, blanking strings, IRIs and comments and counting
    brackets is all it takes (a fifth of the time of tokenising the whole query).
    """
    bare = _OPAQUE.sub(" ", query)
    first = _FIRST_WORD.match(bare)
    facts = QueryFacts(depth=_depth(bare), form=first.group(1).upper() if first else "")
    if not _FETCHES.search(bare):
        return facts
    for keyword, target in _targets(query, ("SERVICE", "FROM")):
        (facts.services if keyword == "SERVICE" else facts.from_graphs).append(target)
    return facts


def check(
    query: str, allowed_services: Collection[str], graphs: Container[str], max_depth: int = 64
) -> QueryFacts:
    """Refuse a query that would make the server fetch anything it must not, or that nests
    groups deeper than ``max_depth`` (engines crash or recurse without bound on those)."""
    facts = inspect(query)
    if facts.form not in FORMS:
        raise QueryRefused(
            "not a SPARQL query: after its PREFIX and BASE declarations a query begins with "
            f"SELECT, ASK, CONSTRUCT or DESCRIBE, not {facts.form or 'nothing'!r} (updates are "
            "not accepted here)"
        )
    if facts.depth > max_depth:
        raise QueryRefused(
            f"the query nests {facts.depth} levels of groups, brackets or "
            f"parentheses; at most {max_depth} are accepted"
        )
    for service in facts.services:
        if service.startswith("?"):
            raise QueryRefused(
                f"SERVICE {service}: a variable SERVICE is not allowed; the allow-list is "
                f"{_names(allowed_services)}"
            )
        if service not in allowed_services:
            raise QueryRefused(
                f"SERVICE <{service}> is not on this server's allow-list "
                f"({_names(allowed_services)})"
            )
    for graph in facts.from_graphs:
        if graph not in graphs:
            raise QueryRefused(
                f"FROM <{graph}> is not a graph of this dataset; the server fetches "
                "nothing (list the graphs with SELECT DISTINCT ?g { GRAPH ?g {} })"
            )
    return facts


def ask_as_select(query: str) -> str:
    """An ASK query as ``SELECT *`` over the same pattern (a solution exists: true), for a store
    whose ASK is not to be trusted; any other query unchanged."""
    blank = _OPAQUE.sub(lambda m: " " * len(m.group()), query)
    first = _FIRST_WORD.match(blank)
    if first is None or first.group(1).upper() != "ASK":
        return query
    return query[: first.start(1)] + "SELECT *" + query[first.end(1) :]


def graph_targets(query: str) -> tuple[list[str], bool]:
    """The graphs a query names in ``GRAPH <iri>`` patterns, and whether it has a
    ``GRAPH ?var`` pattern too; QueryRefused when a ``GRAPH`` is followed by neither."""
    if "GRAPH" not in _OPAQUE.sub(" ", query).upper():
        return [], False
    targets = [target for _, target in _targets(query, ("GRAPH",))]
    named = [target for target in targets if not target.startswith("?")]
    return named, len(named) < len(targets)


def _targets(query: str, keywords: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """Each of ``keywords`` in the query with what follows it (past ``SILENT`` or ``NAMED``):
    an IRI resolved against the query's prologue, or a variable as ``?name``."""
    prefixes: dict[str, str] = {}
    base = ""
    tokens = [
        (m.lastgroup, m.group())
        for m in _TOKEN.finditer(query)
        if m.lastgroup not in ("ws", "comment")
    ]
    index = 0
    while index < len(tokens):
        kind, text = tokens[index]
        word = text.upper() if kind == "word" else ""
        if word == "PREFIX" and index + 2 < len(tokens):
            name, iri = tokens[index + 1][1], tokens[index + 2][1]
            prefixes[name.rstrip(":")] = _resolve(iri[1:-1], base)
            index += 3
            continue
        if word == "BASE" and index + 1 < len(tokens) and tokens[index + 1][0] == "iri":
            base = _resolve(tokens[index + 1][1][1:-1], base)
            index += 2
            continue
        if word in keywords:
            target = index + 1
            if target < len(tokens) and tokens[target][1].upper() in ("SILENT", "NAMED"):
                target += 1
            if target < len(tokens):
                yield word, _term(tokens[target], prefixes, base)
            index = target + 1
            continue
        index += 1


def without_dataset_clauses(query: str) -> str:
    """``query`` with its ``FROM`` and ``FROM NAMED`` clauses blanked: what a store must run
    when the request names the dataset itself (the protocol's dataset takes precedence, SPARQL
    1.1 Protocol §2.1.4; some stores merge the two instead)."""
    if not _FETCHES.search(_OPAQUE.sub(" ", query)):
        return query
    tokens = [m for m in _TOKEN.finditer(query) if m.lastgroup not in ("ws", "comment")]
    cut: list[tuple[int, int]] = []
    index = 0
    while index < len(tokens):
        if tokens[index].lastgroup == "word" and tokens[index].group().upper() == "FROM":
            end = index + 1
            if end < len(tokens) and tokens[end].group().upper() == "NAMED":
                end += 1
            cut.append((tokens[index].start(), tokens[min(end, len(tokens) - 1)].end()))
            index = end + 1
            continue
        index += 1
    for start, end in reversed(cut):
        query = query[:start] + " " + query[end:]
    return query


def _depth(bare: str) -> int:
    depth = deepest = 0
    for bracket in _BRACKET.findall(bare):
        if bracket in "{([":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _term(token: tuple[str | None, str], prefixes: dict[str, str], base: str) -> str:
    kind, text = token
    if kind == "iri":
        return _resolve(text[1:-1], base)
    if kind == "pname":
        prefix, _, local = text.partition(":")
        if prefix not in prefixes:
            raise QueryRefused(f"prefix {prefix!r} is not declared")
        return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    if kind == "var":
        return "?" + text[1:]
    raise QueryRefused(
        f"expected an IRI or a variable after SERVICE, FROM or GRAPH, found {text[:40]!r}"
    )


def _resolve(iri: str, base: str) -> str:
    return urljoin(base, iri) if base and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri) else iri


def _names(iris: Collection[str]) -> str:
    return ", ".join(f"<{i}>" for i in sorted(iris)) or "none"
