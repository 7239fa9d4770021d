"""The architecture holds: the import contracts of pyproject.toml (two wings that meet only at a
release on disk, a neutral layer that imports neither rdflib nor Flask), one name per class, and
modules small enough to read."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from support.project import ROOT

PACKAGE = ROOT / "server" / "citykg"
LONGEST_MODULE = 320  # lines; "about 300", with room for a docstring


def lint_imports(*extra_path: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` with the project's contracts; ``extra_path`` first on its sys.path."""
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    path = os.pathsep.join(str(p) for p in (*extra_path, ROOT / "server"))
    env = {**os.environ, "PYTHONPATH": path}
    return subprocess.run(
        [exe, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_import_contracts_are_kept():
    done = lint_imports()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "3 kept, 0 broken" in done.stdout


def test_import_contracts_catch_a_broken_rule(tmp_path):
    """A copy of the package whose serve wing imports the build wing breaks a contract."""
    copy = tmp_path / "citykg"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    site = copy / "serve" / "__init__.py"
    site.write_text(site.read_text() + "\nfrom citykg.builder import assemble  # noqa\n")
    done = lint_imports(tmp_path)
    assert done.returncode != 0
    assert "citykg.serve -> citykg.builder" in done.stdout


def classes() -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                found[node.name].append(path.relative_to(PACKAGE).as_posix())
    return found


def test_no_two_classes_share_a_name():
    shared = {name: where for name, where in classes().items() if len(where) > 1}
    assert shared == {}


def test_no_module_is_too_long_to_read():
    long = {
        path.relative_to(PACKAGE).as_posix(): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST_MODULE
    }
    assert long == {}


def loaded_by(module: str) -> set[str]:
    """The top-level packages a fresh interpreter has loaded after importing ``module``."""
    code = (
        f"import sys, {module}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    )
    out = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return set(out.stdout.split())


def test_query_workers_and_the_cli_load_only_what_they_use():
    """A query worker loads neither Flask nor the build wing; the CLI loads a command's code only
    when the command runs (query workers of ``citykg serve`` once re-imported it)."""
    heavy = {"flask", "werkzeug", "rdflib", "pyshacl", "granian"}
    assert not heavy & loaded_by("citykg.serve.engine.process")
    assert not heavy & loaded_by("citykg.cli")
    assert {"flask", "werkzeug"} <= loaded_by("citykg.serve.application")
