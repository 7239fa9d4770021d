"""A steady load for system tests: a few client threads, each asking again and again until
stopped, every answer recorded with the times it was sent and received."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

import requests

A = TypeVar("A")  # what one request gave
R = TypeVar("R")  # its record


class SteadyLoad(Generic[A, R]):
    """``clients`` threads; thread ``i`` asks ``ask(session, turn)`` with turn ``i``, ``i + 1``…
    until :meth:`stop`; ``seen`` holds ``record(sent, received, answer)`` of every request."""

    def __init__(
        self,
        ask: Callable[[requests.Session, int], A],
        record: Callable[[float, float, A], R],
        clients: int,
    ) -> None:
        self.seen: list[R] = []
        self._ask, self._record = ask, record
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(clients)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop asking; wait for the requests under way (60 s at most)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _run(self, turn: int) -> None:
        session = requests.Session()
        while not self._stop.is_set():
            sent = time.monotonic()
            answer = self._ask(session, turn)
            with self._lock:
                self.seen.append(self._record(sent, time.monotonic(), answer))
            turn += 1
