"""A small in-process LRU cache of query answers and rendered documents, keyed on the whole job.

The data never changes within a release and each engine serves one release, so an answer stays
right for the life of its engine. Only answers up to MAX_ENTRY_BYTES are kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

MAX_ENTRY_BYTES = 1 << 20


class AnswerCache:
    """Least-recently-used answers, at most ``size`` of them (0 turns the cache off)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> object | None:
        """The cached answer for ``key``, or None."""
        with self._lock:
            answer = self._entries.get(key)
            if answer is not None:
                self._entries.move_to_end(key)
            return answer

    def put(self, key: Hashable, answer: object, size_bytes: int) -> None:
        """Remember ``answer`` unless the cache is off or the answer is large."""
        if self.size <= 0 or size_bytes > MAX_ENTRY_BYTES:
            return
        with self._lock:
            self._entries[key] = answer
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every answer."""
        with self._lock:
            self._entries.clear()
