"""The memory allocator of the query workers.

Oxigraph allocates and frees a small buffer for almost every term it touches while evaluating a
query; with glibc's malloc that is a fifth to a third of a query's time (measured: the benchmark
mix in one process, 150 and 1000 cities, mimalloc -20 to -30 %, jemalloc -15 %). So the query
workers, which are fresh Python processes, start with mimalloc (else jemalloc) preloaded when
the machine has it (Debian/Ubuntu: ``apt-get install libmimalloc2.0``), and with the system's
malloc otherwise. The setting ``CITYKG_ALLOCATOR`` says ``auto`` (that), ``system`` (never
preload) or names the library file to preload.
"""

from __future__ import annotations

import ctypes.util
import os
from pathlib import Path

AUTO, SYSTEM = "auto", "system"
PREFERRED = ("mimalloc", "jemalloc")  # libraries ``auto`` looks for, best first
ADVICE = (
    "citykg: the query workers use the system's malloc; with mimalloc installed "
    "(apt-get install libmimalloc2.0) queries take 10-30 % less CPU"
)


def check(setting: str) -> None:
    """Raise ValueError unless ``setting`` is ``auto``, ``system`` or an existing file."""
    if setting not in (AUTO, SYSTEM) and not Path(setting).is_file():
        raise ValueError(
            f"CITYKG_ALLOCATOR must be {AUTO}, {SYSTEM} or the path of a malloc library "
            f"(such as libmimalloc.so.2), not {setting!r}"
        )


def library(setting: str) -> str | None:
    """The library the query workers preload for ``setting``; None: the system's malloc."""
    if setting == SYSTEM:
        return None
    if setting != AUTO:
        return setting
    return next(filter(None, map(ctypes.util.find_library, PREFERRED)), None)


def environment(name: str | None) -> dict[str, str]:
    """The environment of this process for a child process that starts with ``name``
    preloaded (``LD_PRELOAD``; None: as it is)."""
    env = dict(os.environ)
    if name is not None:
        before = env.get("LD_PRELOAD")
        env["LD_PRELOAD"] = f"{name} {before}" if before else name
    return env


def in_use() -> str:
    """The allocator this process runs with: the name of the preloaded library that is loaded
    (``mimalloc`` for ``libmimalloc.so.2``), else ``system``."""
    try:
        maps = Path("/proc/self/maps").read_text().splitlines()
        mapped = {Path(line.split()[-1]).name for line in maps if "/" in line}
    except OSError:
        return SYSTEM
    for entry in os.environ.get("LD_PRELOAD", "").replace(":", " ").split():
        name = Path(entry).resolve().name if "/" in entry else entry
        if any(file.startswith(name) for file in mapped):
            return name.removeprefix("lib").partition(".so")[0]
    return SYSTEM
