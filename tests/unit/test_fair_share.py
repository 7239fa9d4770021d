"""The fair share of each client: concurrent queries and query time per minute."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest

from citykg.serve.fair_share import FairShare, LimitReached


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def run(share: FairShare, clock: Clock, client: str, seconds: float) -> None:
    """One query of ``client`` taking ``seconds``."""
    with share.admit(client):
        clock.now += seconds


def test_a_client_runs_at_most_its_concurrent_queries():
    share = FairShare(concurrent=2, seconds=0)
    with contextlib.ExitStack() as running:
        running.enter_context(share.admit("a"))
        running.enter_context(share.admit("a"))
        with pytest.raises(LimitReached) as refused:
            running.enter_context(share.admit("a"))
        assert refused.value.reason == "concurrency" and refused.value.retry_after == 1
        assert "already runs 2 queries, the most one client may run at once, and 0 more wait" in (
            str(refused.value)
        )
        running.enter_context(share.admit("b"))  # another client is not held back
    with share.admit("a"):  # finished queries free their places
        pass


def test_a_client_uses_at_most_its_seconds_in_any_minute():
    clock = Clock()
    share = FairShare(concurrent=0, seconds=10, clock=clock)  # no queue: refused at once
    run(share, clock, "a", 4)  # ends at 1004
    clock.now += 20
    run(share, clock, "a", 6)  # ends at 1030: 10 s spent in the window
    with pytest.raises(LimitReached) as refused:
        run(share, clock, "a", 1)
    assert refused.value.reason == "budget"
    assert refused.value.retry_after == 34  # the first query leaves the window at 1064
    assert "used its 10 s of query time" in str(refused.value)
    run(share, clock, "b", 1)  # another client has its own budget
    clock.now = 1064  # the first query left the window: 6 s in it
    run(share, clock, "a", 3)  # admitted at 6 s; 9 s once it ends
    run(share, clock, "a", 1)  # admitted at 9 s; 10 s once it ends
    with pytest.raises(LimitReached):
        run(share, clock, "a", 1)


def test_running_queries_count_against_the_budget():
    clock = Clock()
    share = FairShare(concurrent=0, seconds=5, clock=clock)
    with share.admit("a"):
        clock.now += 6  # still running after 6 s
        with pytest.raises(LimitReached) as refused:
            run(share, clock, "a", 0)
        assert refused.value.retry_after == 60  # nothing finished leaves the window to free it


def test_no_limit_when_both_are_zero():
    clock = Clock()
    share = FairShare(concurrent=0, seconds=0, clock=clock)
    with contextlib.ExitStack() as running:
        for _ in range(50):
            running.enter_context(share.admit("a"))
    run(share, clock, "a", 1000)
    run(share, clock, "a", 1)


def test_clients_with_nothing_left_to_count_are_forgotten():
    clock = Clock()
    share = FairShare(concurrent=1, seconds=10, clock=clock)
    for n in range(100):
        run(share, clock, f"10.0.0.{n}", 0.5)
    assert share.clients() == 100
    clock.now += 61
    assert share.clients() == 0
    with share.admit("a"):
        clock.now += 120
        assert share.clients() == 1  # a running query is never forgotten


def test_a_few_more_wait_for_a_place_and_the_rest_are_refused():
    share = FairShare(concurrent=1, seconds=0, queue=1, wait_s=5)
    admitted = threading.Event()
    first = share.admit("a")
    first.__enter__()

    def second() -> None:
        with share.admit("a"):  # waits for the first to end
            admitted.set()

    waiting = threading.Thread(target=second)
    waiting.start()
    time.sleep(0.2)
    assert not admitted.is_set()
    with pytest.raises(LimitReached) as refused:  # the queue of one is full
        share.admit("a").__enter__()
    assert "and 1 more wait" in str(refused.value)
    first.__exit__(None, None, None)
    waiting.join(timeout=5)
    assert admitted.is_set()


def test_a_wait_ends_with_a_refusal():
    share = FairShare(concurrent=1, seconds=0, queue=2, wait_s=0.2)
    with share.admit("a"):
        started = time.monotonic()
        with pytest.raises(LimitReached):
            share.admit("a").__enter__()
        assert 0.2 <= time.monotonic() - started < 2
