"""HTTP clients that come from their own loopback address (127.0.0.2, 127.0.0.3, ...), so that
a server on 127.0.0.1 sees them as different clients, as it would see strangers on the web."""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter


class _FromAddress(HTTPAdapter):
    def __init__(self, address: str) -> None:
        self._address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        kwargs["source_address"] = (self._address, 0)
        super().init_poolmanager(*args, **kwargs)


def client_from(address: str) -> requests.Session:
    """A session whose connections leave from ``address`` (any 127.x.y.z on Linux)."""
    session = requests.Session()
    session.mount("http://", _FromAddress(address))
    return session
