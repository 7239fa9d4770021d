"""One exchange with a remote store over HTTP, bounded in time and size; what can go wrong in it.

A deadline covers the whole exchange (connecting, sending, waiting for the answer, every byte of
the body): a watchdog shuts the connection at the deadline, so a store that sends slowly cannot
stretch it. At most ``max_bytes`` of an answer are read. What went wrong is told apart:
:class:`StoreTimeout` (the deadline passed, or the store stopped the query at its own limit),
:class:`StoreUnreachable`, :class:`StoreRejected` (the store calls the query bad),
:class:`StoreRefused` (any other error status) and :class:`StoreMalformed` (an answer that cannot
be read); :class:`AnswerTooLarge` past ``max_bytes``.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import re
import socket
import threading
import time
import urllib.parse

from citykg import __version__

USER_AGENT = f"citykg/{__version__}"
ERROR_BYTES = 4096  # of an error answer, read for its message
TAIL_BYTES = 512  # of a broken answer, searched for a timeout's words
TIMEOUT_WORDS = re.compile(
    rb"time[d ]?\s?out|S1T00|S1TAT|execution time|operation has been cancell?ed", re.IGNORECASE
)


class RemoteStoreError(OSError):
    """The remote store could not be reached or refused a request."""


class StoreTimeout(RemoteStoreError):
    """The exchange ran past its deadline, or the store stopped the query at its own limit."""


class StoreUnreachable(RemoteStoreError):
    """No connection to the store."""


class StoreRejected(RemoteStoreError):
    """The store answered 400: it calls the query bad."""


class StoreRefused(RemoteStoreError):
    """The store answered another error status."""


class StoreMalformed(RemoteStoreError):
    """The store's answer cannot be read (its media type, its syntax, or it broke off)."""


class AnswerTooLarge(RemoteStoreError):
    """The answer is longer than the bytes allowed; what was read before stays usable."""


class Exchange(io.RawIOBase):
    """One POST to the store, ended by ``deadline`` whatever the store does; as a readable
    stream, the body of a 2xx answer, at most ``max_bytes`` of it. Entering it sends the
    request and reads the status and headers (an error status raises)."""

    def __init__(self, url: str, body: bytes, accept: str, deadline: float, max_bytes: int):
        super().__init__()
        self.url, self.base = url, url.split("?")[0]
        self._body, self._accept = body, accept
        self.deadline, self._max_bytes = deadline, max_bytes
        self.read_bytes = 0
        self.tail = b""  # the last bytes read, for what a store writes into a broken answer
        self.expired = False
        self.content_type = ""
        self._connection: http.client.HTTPConnection | None = None
        self._socket: socket.socket | None = None
        self._response: http.client.HTTPResponse | None = None
        self._watchdog = threading.Timer(max(deadline - time.monotonic(), 0.0), self._expire)
        self._watchdog.daemon = True

    def __enter__(self) -> Exchange:
        remaining = self._remaining()
        parts = urllib.parse.urlsplit(self.url)
        https = parts.scheme == "https"
        connection_class = http.client.HTTPSConnection if https else http.client.HTTPConnection
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        self._connection = connection_class(parts.hostname or "", parts.port, timeout=remaining)
        self._watchdog.start()
        try:
            try:
                self._connection.connect()
            except OSError as exc:
                if self.expired or isinstance(exc, TimeoutError):
                    raise self._timeout() from None
                raise StoreUnreachable(f"could not reach {self.base}: {exc}") from None
            self._socket = self._connection.sock  # the response reads it once the request is sent
            headers = {
                "Accept": self._accept,
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": USER_AGENT,
            }
            try:
                self._connection.request("POST", path, self._body, headers)
                self._response = self._connection.getresponse()
            except (OSError, http.client.HTTPException) as exc:
                raise self._broken(exc) from None
            if self.expired:
                raise self._timeout()
            self.content_type = self._response.getheader("Content-Type") or ""
            status = self._response.status
            if status >= 300 or _partial(self._response):
                raise self._error(status)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End the exchange: stop the watchdog and hang up (what is unread is not drained)."""
        self._watchdog.cancel()
        self._hang_up()
        if self._response is not None:
            self._response.close()
        if self._connection is not None:
            self._connection.close()
        super().close()

    def readable(self) -> bool:
        """A body is read, never written."""
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        """Read the next bytes of the body within the deadline and the byte limit."""
        assert self._response is not None
        remaining = self._remaining()
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.settimeout(remaining)
        try:
            read = self._response.readinto(buffer)
        except (OSError, http.client.HTTPException) as exc:
            raise self._broken(exc) from None
        if self.expired:
            raise self._timeout()
        if read == 0 and buffer and self._response.length:  # ended short of its Content-Length
            raise StoreMalformed(f"the answer of {self.base} broke off")
        self.read_bytes += read
        self.tail = (self.tail + bytes(buffer[:read]))[-TAIL_BYTES:]
        if self.read_bytes > self._max_bytes:
            raise AnswerTooLarge(f"the store's answer is longer than {self._max_bytes} bytes")
        return read

    def unreadable(self, exc: SyntaxError) -> RemoteStoreError:
        """The error for an answer whose syntax broke: a timeout when its last bytes say so
        (Oxigraph server, past its ``--timeout-s``, ends a result it has begun with "The SPARQL
        operation has been cancelled"), else StoreMalformed."""
        if TIMEOUT_WORDS.search(self.tail):
            words = " ".join(self.tail.decode(errors="replace").split())[-120:]
            return StoreTimeout(f"{self.base} stopped the query at its own time limit: {words}")
        return StoreMalformed(f"the answer of {self.base} cannot be read: {exc}")

    def _remaining(self) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0 or self.expired:
            raise self._timeout()
        return remaining

    def _expire(self) -> None:
        """At the deadline: mark the exchange expired and shut its socket, which ends any read
        or write blocked on it."""
        self.expired = True
        self._hang_up()

    def _hang_up(self) -> None:
        """Shut the socket both ways: the store sees the end at once, and any read or write
        blocked on it returns."""
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)

    def _timeout(self) -> StoreTimeout:
        return StoreTimeout(
            f"the query ran past its time limit: {self.base} did not answer it whole in time"
        )

    def _broken(self, exc: BaseException) -> RemoteStoreError:
        """The error for a connection that failed after it was made."""
        if self.expired or isinstance(exc, TimeoutError) or time.monotonic() >= self.deadline:
            return self._timeout()
        return StoreMalformed(f"the answer of {self.base} broke off: {exc or type(exc).__name__}")

    def _error(self, status: int) -> RemoteStoreError:
        """The error an error status (or partial results) stands for, with the store's words."""
        assert self._response is not None
        try:
            text = self._response.read(ERROR_BYTES)
        except (OSError, http.client.HTTPException):
            text = b""
        words = " ".join(text.decode(errors="replace").split())[:300]
        if status < 300:  # partial results flagged in a header
            return StoreTimeout(f"{self.base} stopped the query at its own time limit")
        if status in (408, 504) or (status >= 500 and TIMEOUT_WORDS.search(text)):
            return StoreTimeout(f"{self.base} stopped the query at its own time limit: {words}")
        if status == 400:
            return StoreRejected(f"the store refused the query: {words}")
        return StoreRefused(f"{self.base} answered HTTP {status}: {words}")


def _partial(response: http.client.HTTPResponse) -> bool:
    """Whether a 2xx answer says it holds partial results cut by a time limit (Virtuoso's
    "anytime" answers carry ``X-SQL-State: S1TAT``)."""
    return (response.getheader("X-SQL-State") or "").upper().startswith("S1T")
