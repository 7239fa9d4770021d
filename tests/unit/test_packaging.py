"""What an installed citykg holds: every file the code reads at run time (templates, styles,
examples, snippets) is named by the package data of pyproject.toml, so ``pip install .`` (not
only an editable install) ships it."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

from support.project import ROOT

SOURCE = ROOT / "server"


def globbed(path: str, pattern: str) -> bool:
    """Whether ``path`` matches ``pattern`` as a glob does: part by part (``*`` never crosses
    a ``/``)."""
    parts, globs = path.split("/"), pattern.split("/")
    return len(parts) == len(globs) and all(map(fnmatch, parts, globs))


def shipped_as_module(path: Path) -> bool:
    """Whether setuptools ships ``path`` as a module of a package (a .py file beside an
    ``__init__.py``)."""
    return path.suffix == ".py" and (path.parent / "__init__.py").exists()


def test_every_data_file_is_in_the_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]
    missing = []
    for path in (SOURCE / "citykg").rglob("*"):
        if not path.is_file() or "__pycache__" in path.parts or shipped_as_module(path):
            continue
        relative = path.relative_to(SOURCE)
        shipped = any(
            relative.is_relative_to(Path(*package.split(".")))
            and any(
                globbed(relative.relative_to(Path(*package.split("."))).as_posix(), glob)
                for glob in globs
            )
            for package, globs in patterns.items()
        )
        if not shipped:
            missing.append(relative.as_posix())
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"
