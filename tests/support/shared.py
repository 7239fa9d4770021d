"""What a test run builds once for all its xdist workers: the first worker that asks builds it,
under a file lock, in the run's own temporary directory; the others wait for it and read it."""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], Path]) -> Path:
    """What ``build`` returns for a fresh directory, built by the run's first worker to ask for
    ``name`` (a worker after a failed build tries again in another directory)."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's directory, above each worker's own
    with open(base / f"{name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = base / f"{name}.built"
        if done.exists():
            return Path(done.read_text(encoding="utf-8"))
        result = build(Path(tempfile.mkdtemp(prefix=f"{name}-", dir=base)))
        done.write_text(str(result), encoding="utf-8")
        return result
