"""Sorting large line files with ``sort(1)``: by byte (the C locale, code point order for UTF-8),
in bounded memory (beyond its buffer it merges temporary files beside the output)."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

SORT_MEMORY = "25%"  # of physical memory for sort(1)'s buffer


def sort_lines(inputs: list[Path], output: Path, unique: bool = False) -> None:
    """Sort the lines of ``inputs`` into ``output`` (``unique``: without repeats). Raises
    OSError when sort fails (e.g. a full disk)."""
    command = ["sort", *(["-u"] if unique else []), "-S", SORT_MEMORY, "-T", str(output.parent)]
    done = subprocess.run(
        [*command, "-o", str(output), *map(str, inputs)],
        env={**os.environ, "LC_ALL": "C"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise OSError(errno.EIO, f"sort failed: {done.stderr.strip()[:300]}")
