"""The query workers' memory allocator: mimalloc preloaded when the machine has it."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from citykg.cli import main
from citykg.serve import allocator, config

from support.app import app_for
from support.processes import install_debian_package
from support.project import ROOT

IN_USE = [sys.executable, "-c", "from citykg.serve import allocator; print(allocator.in_use())"]


def mimalloc() -> str:
    """Debian's mimalloc, installed with apt-get when missing and the tests run as root (CI)."""
    found = allocator.library(allocator.AUTO)
    if found != "libmimalloc.so.2":
        install_debian_package("libmimalloc2.0")
        found = allocator.library(allocator.AUTO)
    if found != "libmimalloc.so.2":
        pytest.skip("Debian's mimalloc is not installed (apt-get install libmimalloc2.0)")
    return found


def allocators(app) -> dict[str, int]:
    """The allocators /health reports for the idle query workers, once they are all idle."""
    deadline = time.monotonic() + 30
    while True:
        body = app.test_client().get("/health").get_json()
        if body["query_workers"].get("busy") == 0 or time.monotonic() > deadline:
            return body["query_worker_allocators"]
        time.sleep(0.2)


def test_workers_run_with_mimalloc_when_installed(release, stores):
    mimalloc()
    with app_for(release, stores, QUERY_WORKERS=2) as app:
        assert allocators(app) == {"mimalloc": 2}
        rows = app.test_client().get(
            "/sparql",
            query_string={"query": "SELECT ?n WHERE { ?c <https://schema.org/name> ?n }"},
            headers={"Accept": "text/csv"},
        )
        assert "Leipzig" in rows.get_data(as_text=True).splitlines()
    assert "LD_PRELOAD" not in os.environ or "mimalloc" not in os.environ["LD_PRELOAD"]


def test_auto_without_a_library_says_how_to_get_one(release, stores, monkeypatch, caplog):
    monkeypatch.setattr(allocator, "PREFERRED", ("no-such-malloc",))
    warnings = caplog.at_level(logging.WARNING, logger="citykg")
    with warnings, app_for(release, stores, QUERY_WORKERS=1) as app:
        assert allocators(app) == {"system": 1}
    assert "apt-get install libmimalloc2.0" in caplog.text


def test_system_allocator_when_asked(release, stores, caplog):
    warnings = caplog.at_level(logging.WARNING, logger="citykg")
    with warnings, app_for(release, stores, QUERY_WORKERS=1, ALLOCATOR="system") as app:
        assert allocators(app) == {"system": 1}
    assert "libmimalloc" not in caplog.text


def test_a_library_given_by_path(release, stores):
    mimalloc()
    path = next(
        str(p)
        for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib")
        for p in sorted(Path(d).glob("libmimalloc.so*"))
    )
    with app_for(release, stores, QUERY_WORKERS=1, ALLOCATOR=path) as app:
        assert allocators(app) == {"mimalloc": 1}


def test_the_preloading_environment_reaches_the_child_only(monkeypatch):
    library = mimalloc()
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    env = allocator.environment(library)
    child = subprocess.run(IN_USE, capture_output=True, text=True, check=True, env=env)
    assert child.stdout.strip() == "mimalloc"
    assert "LD_PRELOAD" not in os.environ and allocator.in_use() == "system"
    monkeypatch.setenv("LD_PRELOAD", "libc.so.6")
    assert allocator.environment(library)["LD_PRELOAD"] == f"{library} libc.so.6"
    assert allocator.environment(None)["LD_PRELOAD"] == "libc.so.6"


def test_a_bad_setting_is_refused_with_its_name(release, monkeypatch, capsys):
    with pytest.raises(ValueError, match="CITYKG_ALLOCATOR must be auto, system or the path"):
        config.load({"CITYKG_ALLOCATOR": "/nowhere/libnothing.so"})
    monkeypatch.setenv("CITYKG_ALLOCATOR", "tcmalloc")
    var_dir = str(release.parent.parent)
    assert main(["serve", "--project", str(ROOT), "--var-dir", var_dir]) == 2
    assert "CITYKG_ALLOCATOR must be auto, system or the path" in capsys.readouterr().err
