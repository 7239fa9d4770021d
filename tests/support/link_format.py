"""Reading links as a client does: an HTTP ``Link`` header (RFC 8288 §3, whitespace allowed
around the separators) or a CoRE Link Format document (RFC 6690 §2, none allowed), such as a
Memento TimeMap (RFC 7089 §5.1.1).

A value that is not of the grammar fails the test instead of being skipped over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
QUOTED = r'"(?:[^"\\]|\\.)*"'


@dataclass(frozen=True)
class Link:
    """One link: its target and its parameters (values unquoted, names lower-cased)."""

    target: str
    params: dict[str, str]

    @property
    def rels(self) -> set[str]:
        """Its relation types."""
        return set(self.params.get("rel", "").split())


def parse_links(text: str, strict: bool = False) -> list[Link]:
    """The links of a ``Link`` header, or of a link-format document when ``strict``."""
    ws = "" if strict else r"[ \t]*"
    target = re.compile(rf"{ws}<([^<>\s]*)>")
    param = re.compile(rf"{ws};{ws}({TOKEN})(?:{ws}={ws}({TOKEN}|{QUOTED}))?")
    comma = re.compile(rf"{ws},")
    links, at = [], 0
    while True:
        found = target.match(text, at)
        assert found, f"no link target at {text[at : at + 40]!r}"
        params, at = {}, found.end()
        while matched := param.match(text, at):
            name, value = matched.group(1).lower(), matched.group(2) or ""
            if value.startswith('"'):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            params.setdefault(name, value)  # the first of a repeated parameter counts
            at = matched.end()
        links.append(Link(found.group(1), params))
        separator = comma.match(text, at)
        if separator is None:
            break
        at = separator.end()
    assert re.fullmatch(ws, text[at:]), f"not a link at {text[at : at + 40]!r}"
    return links


def by_rel(links: list[Link], rel: str) -> list[Link]:
    """The links that have ``rel`` among their relation types."""
    return [link for link in links if rel in link.rels]
