"""Per-request limits checked before the engine sees a query: size and wall-clock time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from citykg.serve.errors import HttpError


def check_size(query: str, config: Mapping[str, Any]) -> None:
    """Refuse a query longer than CITYKG_MAX_QUERY_BYTES (413)."""
    size, limit = len(query.encode("utf-8")), config["CITYKG_MAX_QUERY_BYTES"]
    if size > limit:
        raise HttpError(413, f"the query is {size} bytes; at most {limit} are accepted")


def timeout(values: Sequence[str] | None, config: Mapping[str, Any]) -> float:
    """The wall-clock limit of a request: its ``timeout`` parameter (seconds) or the default,
    never more than CITYKG_QUERY_TIMEOUT_MAX."""
    default, maximum = config["CITYKG_QUERY_TIMEOUT"], config["CITYKG_QUERY_TIMEOUT_MAX"]
    if not values:
        return min(default, maximum)
    if len(values) > 1:
        raise HttpError(400, "at most one timeout parameter is allowed")
    try:
        asked = float(values[0])
    except ValueError:
        raise HttpError(400, "timeout must be a number of seconds") from None
    if not 0 < asked <= maximum:
        raise HttpError(400, f"timeout must be more than 0 and at most {maximum:g} seconds")
    return asked
