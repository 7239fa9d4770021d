"""A server the benchmarks start, wait for and stop: in its own process group, so that stopping
it also stops what it started (citykg's web process and query workers)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator

import requests

START_LIMIT_S = 900


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(url: str, **params: str) -> bool:
    """Whether ``url`` answers 2xx now."""
    try:
        return requests.get(url, params=params, timeout=2).ok
    except requests.RequestException:
        return False


@contextlib.contextmanager
def running(
    command: list, env: dict[str, str], ready: Callable[[], bool]
) -> Iterator[subprocess.Popen]:
    """``command`` started with ``env``, once ``ready()`` holds (RuntimeError when it exits or
    START_LIMIT_S pass first); stopped with its process group afterwards."""
    start = time.monotonic()
    process = subprocess.Popen(
        [str(c) for c in command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    try:
        while not ready():
            if process.poll() is not None or time.monotonic() - start > START_LIMIT_S:
                raise RuntimeError(f"{command[0]} did not start")
            time.sleep(0.1)
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
