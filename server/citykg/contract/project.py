"""A citykg project on disk: where the ontology, shapes, source data, releases and stores live.

The project directory is the one given with ``--project``, else ``$CITYKG_PROJECT``, else the
current directory. Releases and stores go to its ``var/`` (see :mod:`citykg.contract.layout`),
or to the directory given with ``--var-dir``. Nothing else in citykg reads the environment for
paths.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from citykg.contract import layout


@dataclass(frozen=True)
class Project:
    """Paths of one project. ``var_dir`` holds releases and stores and is never committed."""

    root: Path
    var_dir: Path

    @classmethod
    def at(cls, root: str | Path | None = None, var_dir: str | Path | None = None) -> Project:
        """The project at ``root`` (default: $CITYKG_PROJECT or the current directory)."""
        base = Path(root or os.environ.get("CITYKG_PROJECT") or ".").resolve()
        return cls(base, Path(var_dir).resolve() if var_dir else base / layout.VAR_DIR)

    @property
    def ontology(self) -> Path:
        """The OWL ontology."""
        return self.root / "ontology" / "citykg.ttl"

    @property
    def concepts(self) -> Path:
        """The SKOS concept schemes (the survey's answer lists)."""
        return self.root / "ontology" / "citykg-concepts.ttl"

    @property
    def shapes(self) -> Path:
        """The SHACL shapes."""
        return self.root / "shapes" / "citykg-shapes.ttl"

    @property
    def links(self) -> Path:
        """The curated Wikidata link file."""
        return self.root / "data" / "wikidata-links.csv"

    @property
    def profiles_dir(self) -> Path:
        """Where the source profiles are."""
        return self.root / "data" / "profiles"

    def profiles(self) -> list[Path]:
        """Every source profile, in a stable order."""
        return sorted(self.profiles_dir.glob("*.txt"))

    @property
    def releases(self) -> Path:
        """Where releases are written, one directory each."""
        return self.var_dir / layout.RELEASES_DIR

    @property
    def release(self) -> Path:
        """The current release (a symbolic link swapped atomically by each good build)."""
        return self.var_dir / layout.CURRENT

    @property
    def stores(self) -> Path:
        """Where the server keeps the on-disk stores it loads releases into."""
        return self.var_dir / layout.STORES_DIR

    def relative(self, path: Path) -> str:
        """``path`` as shown in findings: relative to the project root when inside it."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def inputs(self) -> list[Path]:
        """Every file a build reads."""
        return [self.ontology, self.concepts, self.shapes, self.links, *self.profiles()]
