"""Reading an HTML page as a tree of elements, with the standard library's parser only, so that
a test asserts on what a browser builds (elements, attributes, text) rather than on how the
markup happens to be spelled.

The tree is strict where the templates are: every element but a void one must be closed by its
own end tag, so a stray or missing end tag fails the test instead of being silently repaired.
Text and attribute values are read with character references decoded, as a browser shows them.

- HTML syntax: https://html.spec.whatwg.org/multipage/syntax.html (§13.1.2 Elements, with the void
  elements; §13.1.2.3 Attributes)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser

# the elements that never have content or an end tag
VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)


@dataclass(eq=False)
class Element:
    """One element: its tag, its attributes (a bare attribute has the value ``""``) and its
    content, text and child elements in document order."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    content: list[Element | str] = field(default_factory=list)

    def __repr__(self) -> str:
        attrs = "".join(f' {k}="{v}"' for k, v in self.attrs.items())
        return f"<{self.tag}{attrs}>"

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    @property
    def children(self) -> list[Element]:
        return [c for c in self.content if isinstance(c, Element)]

    def iter(self) -> Iterator[Element]:
        """This element and every element inside it, in document order."""
        stack: list[Element] = [self]
        while stack:
            element = stack.pop()
            yield element
            stack.extend(c for c in reversed(element.content) if isinstance(c, Element))

    def find_all(
        self, tag: str | None = None, class_: str | None = None, **attrs: str
    ) -> list[Element]:
        """The elements inside this one (itself included) with that tag, that class among
        their classes and those attribute values; ``**{"data-rank": "1"}`` for other names."""
        wanted = attrs.items()
        return [
            e
            for e in self.iter()
            if (tag is None or e.tag == tag)
            and (class_ is None or class_ in e.attrs.get("class", "").split())
            and all(e.attrs.get(k) == v for k, v in wanted)
        ]

    def one(self, tag: str | None = None, class_: str | None = None, **attrs: str) -> Element:
        """The single element that ``find_all`` finds; fails when there is none or several."""
        found = self.find_all(tag, class_, **attrs)
        assert len(found) == 1, f"{len(found)} elements {tag} {class_ or ''} {attrs} in {self}"
        return found[0]

    def by_id(self, id: str) -> Element:
        """The element with that id, which must be the only one with it."""
        found = self._ids.get(id, [])
        assert len(found) == 1, f"{len(found)} elements with id {id!r} in {self}"
        return found[0]

    @cached_property
    def _ids(self) -> dict[str, list[Element]]:
        """The elements inside (itself included) by id, read once: a parsed tree is not
        changed."""
        ids: dict[str, list[Element]] = {}
        for e in self.iter():
            if "id" in e.attrs:
                ids.setdefault(e.attrs["id"], []).append(e)
        return ids

    @property
    def text(self) -> str:
        """The text inside, as it stands (the DOM's ``textContent``)."""
        return "".join(c if isinstance(c, str) else c.text for c in self.content)

    @property
    def words(self) -> str:
        """The text inside with each element starting a new word and every run of white space
        made one space: list items and table cells do not run together."""
        parts = [c if isinstance(c, str) else f" {c.words}" for c in self.content]
        return " ".join("".join(parts).split())

    @property
    def hrefs(self) -> list[str]:
        """The targets of the ``<a href>`` elements inside, in document order."""
        return [a.attrs["href"] for a in self.find_all("a") if "href" in a.attrs]

    @property
    def rows(self) -> list[list[Element]]:
        """The cells (``th`` and ``td``) of each ``tr`` inside, row by row."""
        return [[c for c in tr.children if c.tag in ("th", "td")] for tr in self.find_all("tr")]

    @property
    def definitions(self) -> dict[str, list[str]]:
        """For a ``<dl>``: the words of each term (``dt``) with those of its descriptions."""
        terms: dict[str, list[str]] = {}
        term = None
        for item in self.children:
            if item.tag == "dt":
                term = item.words
                terms.setdefault(term, [])
            elif item.tag == "dd":
                assert term is not None, f"{item} before any <dt> in {self}"
                terms[term].append(item.words)
        return terms

    @property
    def alternates(self) -> list[tuple[str, str]]:
        """The ``<link rel="alternate">`` elements of the page's head, as (href, type)."""
        head = self.one("head")
        return [
            (link.attrs.get("href", ""), link.attrs.get("type", ""))
            for link in head.find_all("link")
            if "alternate" in link.attrs.get("rel", "").lower().split()
        ]

    def mentions(self, needle: str) -> bool:
        """Whether ``needle`` occurs in the text or in any attribute value inside, decoded."""
        return needle in self.text or any(
            needle in value for e in self.iter() for value in e.attrs.values()
        )


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.document = Element("#document")
        self.open = [self.document]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.open[-1].content.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open[-1].content.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        line, column = self.getpos()
        if tag in VOID:
            raise AssertionError(f"</{tag}> at {line}:{column}: {tag} is a void element")
        if self.open[-1].tag != tag:
            raise AssertionError(f"</{tag}> at {line}:{column} closes {self.open[-1]}")
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.open[-1].content.append(data)


def parse_html(markup: str | bytes) -> Element:
    """An HTML document (bytes are UTF-8) as the tree of its elements, under a ``#document``
    element; fails on an element left open or closed by another's end tag."""
    builder = _TreeBuilder()
    builder.feed(markup.decode("utf-8") if isinstance(markup, bytes) else markup)
    builder.close()
    assert builder.open == [builder.document], f"elements left open: {builder.open[1:]}"
    return builder.document
