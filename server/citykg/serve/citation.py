"""How to cite a release: as text, BibTeX, CSL-JSON (what Zotero and pandoc read) and schema.org
``Dataset`` JSON-LD (what dataset search engines read from a page's head). A citation names
the title, publisher, release (its id is its version), issue date, the release's URL and the
SHA-256 of its N-Quads file, so that a reader can fetch exactly that data and check it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from citykg.contract import dataset

PUBLISHER = "citykg"


@dataclass(frozen=True)
class Citable:
    """What a citation of one release says."""

    title: str
    release_id: str
    issued: datetime
    url: str
    nquads_sha256: str | None
    dumps: tuple[tuple[str, str, str], ...]  # (download URL, media type, name)

    def text(self) -> str:
        """A reference in the author–date style."""
        checksum = f" SHA-256 of citykg.nq: {self.nquads_sha256}." if self.nquads_sha256 else ""
        return (
            f"{PUBLISHER} ({self.issued.year}). {self.title}. Release {self.release_id}, "
            f"issued {self.issued.date().isoformat()}. {self.url}.{checksum}"
        )

    def bibtex(self) -> str:
        """A BibTeX ``@misc`` entry (``@dataset`` is biblatex only)."""
        fields = {
            "title": "{" + _bibtex_text(self.title) + "}",
            "author": "{" + PUBLISHER + "}",
            "year": str(self.issued.year),
            "month": self.issued.strftime("%b").lower(),
            "version": "{" + self.release_id + "}",
            "howpublished": "{\\url{" + self.url + "}}",
            "note": "{Release "
            + self.release_id
            + ", issued "
            + self.issued.date().isoformat()
            + (f"; SHA-256 of citykg.nq: {self.nquads_sha256}" if self.nquads_sha256 else "")
            + "}",
        }
        body = ",\n".join(f"  {name} = {value}" for name, value in fields.items())
        return f"@misc{{citykg-{self.release_id},\n{body}\n}}\n"

    def csl(self) -> dict:
        """CSL-JSON (Citation Style Language), one item."""
        item = {
            "id": f"citykg-{self.release_id}",
            "type": "dataset",
            "title": self.title,
            "publisher": PUBLISHER,
            "version": self.release_id,
            "issued": {"date-parts": [[self.issued.year, self.issued.month, self.issued.day]]},
            "URL": self.url,
        }
        if self.nquads_sha256:
            item["note"] = f"SHA-256 of citykg.nq: {self.nquads_sha256}"
        return item

    def schema_org(self) -> dict:
        """A schema.org ``Dataset``."""
        return {
            "@context": "https://schema.org",
            "@type": "Dataset",
            "@id": self.url,
            "name": f"{self.title} (release {self.release_id})",
            "description": dataset.DESCRIPTION,
            "url": self.url,
            "version": self.release_id,
            "datePublished": self.issued.date().isoformat(),
            "publisher": {"@type": "Organization", "name": PUBLISHER},
            "isBasedOn": dataset.SOURCE,
            "distribution": [
                {"@type": "DataDownload", "name": name, "encodingFormat": kind, "contentUrl": url}
                for url, kind, name in self.dumps
            ],
        }


def script_json(value: dict) -> str:
    """JSON for a ``<script type="application/ld+json">`` data block: ``<``, ``>`` and ``&``
    escaped, so no text in it can end the element or open a comment."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_LATEX = {c: "\\" + c for c in "{}%&$#_"} | {"\\": "\\textbackslash{}", "^": "\\^{}", "~": "\\~{}"}


def _bibtex_text(text: str) -> str:
    """Text safe inside BibTeX braces: LaTeX's special characters escaped."""
    return "".join(_LATEX.get(char, char) for char in text)
