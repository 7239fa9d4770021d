"""Content negotiation over the formats of :mod:`citykg.contract.formats`.

Negotiation follows RFC 9110 §12.5.1 (https://www.rfc-editor.org/rfc/rfc9110#section-12.5.1):
each offered format takes the quality of the most specific media range that matches it
(``type/subtype;params`` > ``type/subtype`` > ``type/*`` > ``*/*``); ``q=0`` means "not
acceptable"; ties go to the server's order of preference.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from citykg.contract.formats import Format

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_RANGE = re.compile(rf"^\s*({_TOKEN}|\*)/({_TOKEN}|\*)\s*((?:;[^;]*)*)$")
_QVALUE = re.compile(r"^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$")
MAX_ACCEPT_RANGES = 64


class NegotiationError(ValueError):
    """An Accept header that cannot be parsed."""


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header."""

    type: str
    subtype: str
    params: tuple[tuple[str, str], ...]
    q: float

    def specificity(self, media_type: str) -> int:
        """How specifically this range matches ``media_type`` (-1: it does not)."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0 if self.subtype == "*" else -1
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        if self.subtype != sub:
            return -1
        return 3 if self.params else 2


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header; an absent or empty one accepts anything (``*/*``).

    Ranges that are not ``type/subtype`` (such as a bare ``*``, sent by some clients) are read
    as ``*/*``; a range with an invalid q-value is ignored, as is one beyond the first 64.
    """
    if header is None or not header.strip():
        return [MediaRange("*", "*", (), 1.0)]
    ranges = []
    for part in header.split(",")[:MAX_ACCEPT_RANGES]:
        part = part.strip()
        if not part:
            continue
        if part == "*" or part.startswith("*;"):
            part = "*/*" + part[1:]
        match = _RANGE.match(part)
        if not match:
            continue
        q, params = 1.0, []
        for param in filter(None, (p.strip() for p in match.group(3).split(";"))):
            key, _, value = param.partition("=")
            key, value = key.strip().lower(), value.strip().strip('"')
            if key == "q":
                if not _QVALUE.match(value):
                    q = -1.0
                    break
                q = float(value)
                break  # parameters after q are accept-extensions
            params.append((key, value))
        if q >= 0:
            kind, sub = match.group(1).lower(), match.group(2).lower()
            ranges.append(MediaRange(kind, sub, tuple(p for p in params if p[0] != "charset"), q))
    if not ranges:
        raise NegotiationError("the Accept header names no media type")
    return ranges


def quality(ranges: list[MediaRange], fmt: Format) -> float:
    """The quality the client gives ``fmt``: that of the most specific range matching it.

    Aliases (``application/json`` for JSON-LD...) count only when named exactly, so that
    ``text/*`` does not pick SPARQL XML results through their ``text/xml`` alias.
    """
    best, best_q = -1, 0.0
    for media_type in fmt.media_types():
        for r in ranges:
            s = r.specificity(media_type)
            if media_type != fmt.media_type and s < 2:
                continue
            if s > best or (s == best and s >= 0 and r.q > best_q):
                best, best_q = s, r.q
    return best_q if best >= 0 else 0.0


@functools.lru_cache(maxsize=256)
def negotiate(header: str | None, offers: tuple[Format, ...]) -> Format | None:
    """The offered format the client prefers, or None when none is acceptable (406).

    Remembered per header and offers: clients send the same few Accept headers again and again.
    """
    ranges = parse_accept(header)
    scored = [(quality(ranges, f), -i, f) for i, f in enumerate(offers)]
    q, _, fmt = max(scored, key=lambda t: (t[0], t[1]))
    return fmt if q > 0 else None


def by_request_name(value: str, offers: tuple[Format, ...]) -> Format | None:
    """The format a ``format=`` parameter names (short name, extension or media type)."""
    value = value.strip().lower()
    for fmt in offers:
        if value in (fmt.name, fmt.extension, *fmt.media_types()):
            return fmt
    return None


def serialize_graph(
    statements: Iterable[ox.Triple | ox.Quad], fmt: Format, prefixes: dict[str, str] | None = None
) -> bytes:
    """Triples or quads in ``fmt``. Triples sent as TriG/N-Quads go to the default graph; quads
    sent as a triple syntax lose their graph name. Prefixes are used where the syntax has them."""
    if fmt.rdf.supports_datasets:
        items = [
            s if isinstance(s, ox.Quad) else ox.Quad(*s, ox.DefaultGraph()) for s in statements
        ]
    else:
        items = [s.triple if isinstance(s, ox.Quad) else s for s in statements]
    with_prefixes = fmt.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)
    return ox.serialize(items, format=fmt.rdf, prefixes=prefixes if with_prefixes else None)
