"""HTTP content coding: gzip for textual bodies, the same for every route and query worker."""

from __future__ import annotations

import gzip

GZIP_MIN_BYTES = 512
GZIP_LEVEL = 1  # a quarter of level 6's CPU for about 25 % more bytes: CPU is what runs out


def gzipped(data: bytes) -> bytes | None:
    """``data`` gzipped reproducibly (no time stamp, no name), or None when it is shorter than
    GZIP_MIN_BYTES (not worth a coding)."""
    if len(data) < GZIP_MIN_BYTES:
        return None
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
