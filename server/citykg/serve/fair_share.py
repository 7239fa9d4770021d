"""A fair share of the query workers for every client of a public endpoint.

Each client may run at most ``concurrent`` queries at once and use at most ``seconds`` of query
time in any minute (the time its queries take to answer, those still running included). A few
more of its queries (``queue``) may wait a short while (``wait_s``) for one of its own to end,
as federation engines such as Comunica send several at once (nginx's ``limit_req`` burst works
so). Beyond that a query is refused before it reaches a worker, with 429 Too Many Requests and
``Retry-After`` (RFC 6585 §4, RFC 9110 §10.2.3), as the Wikidata Query Service does. So one
script sending heavy queries as fast as it can holds a bounded share of the workers and everyone
else's queries keep answering.

A client is what :func:`citykg.serve.proxies.client_of` names: its address, or behind a trusted
reverse proxy the address the proxy forwarded for; IPv6 clients per /64 network. The counts
live in one server process: N web processes or nodes allow a client N times as much.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

WINDOW_S = 60.0
SWEEP_EVERY = 1024  # admissions between two sweeps of the clients with nothing left to count


class LimitReached(Exception):
    """A client is over one of its limits: ``reason`` (``concurrency`` or ``budget``) and the
    whole seconds after which to try again."""

    def __init__(self, reason: str, retry_after: int, message: str) -> None:
        super().__init__(message)
        self.reason, self.retry_after = reason, retry_after


@dataclass
class _Usage:
    running: list[float] = field(default_factory=list)  # start times of running queries
    waiting: int = 0  # queries waiting for one of the running ones to end
    finished: deque[tuple[float, float]] = field(default_factory=deque)  # (end, seconds)

    def spent(self, now: float) -> float:
        """Query seconds used in the last WINDOW_S seconds, running queries included."""
        while self.finished and self.finished[0][0] <= now - WINDOW_S:
            self.finished.popleft()
        return sum(s for _, s in self.finished) + sum(now - start for start in self.running)

    def free_after(self, now: float, budget: float) -> float:
        """Seconds until the usage falls below ``budget`` as finished queries leave the window
        (a full window if the running ones alone use it)."""
        left = self.spent(now)
        for end, seconds in self.finished:
            left -= seconds
            if left < budget:
                return end + WINDOW_S - now
        return WINDOW_S


class FairShare:
    """The limits of every client of one server process; thread-safe. A limit of 0 is none."""

    def __init__(
        self,
        concurrent: int,
        seconds: float,
        queue: int = 0,
        wait_s: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.concurrent, self.seconds, self.queue, self.wait_s = concurrent, seconds, queue, wait_s
        self._clock = clock
        self._lock = threading.Condition()
        self._clients: dict[str, _Usage] = {}
        self._admitted = 0

    @contextlib.contextmanager
    def admit(self, client: str) -> Iterator[None]:
        """Run the body as one query of ``client``, or raise LimitReached before it."""
        with self._lock:
            now = self._clock()
            usage = self._clients.setdefault(client, _Usage())
            if self.seconds and usage.spent(now) >= self.seconds:
                wait = math.ceil(usage.free_after(now, self.seconds))
                raise LimitReached(
                    "budget",
                    max(1, wait),
                    f"this client used its {self.seconds:g} s of query time for the last minute; "
                    f"try again in {max(1, wait)} s",
                )
            if self.concurrent and len(usage.running) >= self.concurrent:
                self._wait_for_a_place(usage)
                now = self._clock()
            usage.running.append(now)
            self._admitted += 1
            if self._admitted % SWEEP_EVERY == 0:
                self._sweep(now)
        try:
            yield
        finally:
            with self._lock:
                end = self._clock()
                usage.running.remove(now)
                usage.finished.append((end, end - now))
                self._lock.notify_all()

    def _wait_for_a_place(self, usage: _Usage) -> None:
        """Wait (the lock held by the caller, released while waiting) until one of the client's
        running queries ends, or raise LimitReached when its queue is full or the wait is over."""
        if usage.waiting < self.queue:
            usage.waiting += 1
            try:
                deadline = time.monotonic() + self.wait_s
                while len(usage.running) >= self.concurrent:
                    left = deadline - time.monotonic()
                    if left <= 0 or not self._lock.wait(left):
                        break
            finally:
                usage.waiting -= 1
            if len(usage.running) < self.concurrent:
                return
        running = f"{self.concurrent} {'query' if self.concurrent == 1 else 'queries'}"
        raise LimitReached(
            "concurrency",
            1,
            f"this client already runs {running}, the most one client may run at once, and "
            f"{usage.waiting} more wait; send the next when one has answered",
        )

    def clients(self) -> int:
        """How many clients have something counted."""
        with self._lock:
            self._sweep(self._clock())
            return len(self._clients)

    def _sweep(self, now: float) -> None:
        """Forget clients with no query running or waiting and nothing in the window."""
        idle = [
            c
            for c, u in self._clients.items()
            if not u.running and not u.waiting and not u.spent(now)
        ]
        for client in idle:
            del self._clients[client]
