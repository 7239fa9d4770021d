"""The zygote as the web process sees it (:class:`Zygote`), and the workers it forks
(:class:`Forked`); the zygote's own side is in :mod:`.process`."""

from __future__ import annotations

import contextlib
import logging
import os
import select
import signal
import subprocess
import threading
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle

from citykg.serve.engine.process import FORK, READY

SPAWN_TIMEOUT_S = 60.0  # the longest a new worker may take to start or be forked
LOG = logging.getLogger("citykg.engine")


class Zygote:
    """The process that loads the release into memory and forks the workers that share it."""

    def __init__(self, process: subprocess.Popen, conn: Connection) -> None:
        self.process, self.conn = process, conn
        self.loaded = False  # True from its READY until it fails to fork or is closed
        self.closed = False
        self._lock = threading.Lock()  # one FORK asked and answered at a time

    def wait_loaded(self) -> bool:
        """Wait (minutes for a large release) until the zygote has the release in memory: True;
        False when it failed or was closed first."""
        try:
            said = self.conn.recv()
        except (EOFError, OSError):
            said = None
        with self._lock:
            self.loaded = said == READY and not self.closed
            if not self.loaded:
                self.conn.close()
        return self.loaded

    def fork(self) -> tuple[Forked, Connection]:
        """A new worker and this process's end of its pipe; RuntimeError (from then on) when
        the zygote does not answer."""
        with self._lock:
            if not self.loaded:
                raise RuntimeError("no zygote to fork a query worker")
            try:
                self.conn.send(FORK)
                if not self.conn.poll(SPAWN_TIMEOUT_S):
                    raise EOFError
                pid = self.conn.recv()
                conn = Connection(recv_handle(self.conn))
            except (EOFError, OSError):
                self.loaded = False
                LOG.error("the zygote stopped; new query workers read the disk store")
                raise RuntimeError("the zygote did not fork a query worker") from None
        try:
            return Forked(pid), conn
        except OSError:  # it is gone already
            conn.close()
            raise RuntimeError("a forked query worker ended at once") from None

    def close(self) -> None:
        """Stop the zygote: at once while it loads; else once its last worker has ended (its
        workers stop with it)."""
        with self._lock:
            self.closed = True
            if self.loaded:
                self.loaded = False
                self.conn.close()
            else:  # loading (its pipe is closed by wait_loaded), failed or broken
                self.process.kill()
        threading.Thread(target=self.process.wait, daemon=True).start()


class Forked:
    """A worker the zygote forked: not a child of this process, so it is signalled and waited
    for through a pidfd, which cannot name another process once the zygote has reaped it."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._fd = os.pidfd_open(pid)

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            signal.pidfd_send_signal(self._fd, signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> None:
        """Until the worker has ended (subprocess.TimeoutExpired past ``timeout`` seconds)."""
        ended = select.poll()
        ended.register(self._fd, select.POLLIN)
        if not ended.poll(None if timeout is None else timeout * 1000):
            raise subprocess.TimeoutExpired(f"query worker {self.pid}", timeout or 0)
        os.close(self._fd)
