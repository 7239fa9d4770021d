"""How an RDF term is shown on a page: local links for our IRIs, outbound links only for http(s)."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class Link:
    """A term for a template: the text to show, and an href where one is safe."""

    text: str
    href: str | None = None
    iri: str | None = None
    note: str | None = None


def local_path(iri: str, base: str) -> str | None:
    """The path this server answers ``iri`` at, if it is one of ours."""
    if iri.startswith(base):
        return "/" + iri[len(base) :]
    return None


def safe_href(iri: str, base: str) -> str | None:
    """A local path for our IRIs, the IRI itself for other http(s) IRIs, else nothing."""
    local = local_path(iri, base)
    if local is not None:
        return local
    return iri if iri.startswith(("http://", "https://")) else None


def link_for(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, base: str) -> Link:
    """A term as a Link: IRIs linked, literals with their language or datatype as a note."""
    if isinstance(term, ox.NamedNode):
        return Link(term.value, safe_href(term.value, base), term.value)
    if isinstance(term, ox.Literal):
        note = term.language or (
            None
            if term.datatype.value.endswith("#string")
            else term.datatype.value.rsplit("#", 1)[-1]
        )
        return Link(term.value, note=note)
    return Link(str(term))
