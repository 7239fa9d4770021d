"""A Memento client from PyPI (``memento-client``, the Memento team's own) finds, through a real
``citykg serve``, the memento of the release that was current at a datetime, and what it fetches
from there is that release's.

The server serves the second of two releases (issued 2026-01-01 and 2026-01-02, with different
mayors of Leipzig). Each IRI is its own TimeGate (RFC 7089 §4.1.1). The library does not take an
original resource answering ``Vary: accept-datetime`` for a TimeGate it can use, and falls back
to its TimeGate base + the original's URI; that base is set empty here, so the TimeGate it asks
is the IRI itself. No request may leave the machine: every URL the client asks for is recorded,
and any connection or name lookup beyond the loopback fails the test."""

from __future__ import annotations

import ipaddress
import socket
from datetime import datetime

import pytest
import requests
from memento_client import MementoClient
from rdflib import Graph

from support.processes import citykg_serve
from support.releases import NEW_MAYOR, OLD_MAYOR, two_releases

PROFILE = "/id/profile/leipzig-deu/2020.ttl"
FIRST, SECOND = datetime(2026, 1, 1), datetime(2026, 1, 2)  # the issue times, in UTC


def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail on a name lookup or a connection to anything but the loopback."""
    lookup, connect = socket.getaddrinfo, socket.socket.connect

    def guarded_lookup(host, *args, **kwargs):
        assert host in ("127.0.0.1", "localhost"), f"the client looked up {host}"
        return lookup(host, *args, **kwargs)

    def guarded_connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            assert ipaddress.ip_address(address[0]).is_loopback, f"connection to {address}"
        return connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", guarded_lookup)
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


def mayors(body: bytes) -> set[str]:
    graph = Graph().parse(data=body, format="turtle")
    return {str(name) for name in graph.objects() if str(name) in (OLD_MAYOR, NEW_MAYOR)}


@pytest.fixture(scope="module")
def served_releases(tmp_path_factory: pytest.TempPathFactory):
    """``citykg serve`` of the second of two releases; its base URL and the releases."""
    root = tmp_path_factory.mktemp("project")
    releases = two_releases(root)
    base, server = citykg_serve(releases[1], project=root)
    with server:
        yield base, releases


@pytest.mark.parametrize(
    ("when", "current"),
    [
        (datetime(2025, 6, 1), 0),  # before the first release: the first memento
        (datetime(2026, 1, 1, 12), 0),
        (datetime(2026, 1, 2, 12), 1),
        (datetime(2030, 1, 1), 1),
    ],
)
def test_the_client_finds_the_memento_current_then(
    served_releases, monkeypatch: pytest.MonkeyPatch, when: datetime, current: int
) -> None:
    base, releases = served_releases
    asked: list[str] = []
    session = requests.Session()
    session.hooks["response"].append(lambda response, **_: asked.append(response.url))
    loopback_only(monkeypatch)
    client = MementoClient(timegate_uri="", session=session)
    info = client.get_memento_info(base + PROFILE, when)
    closest = info["mementos"]["closest"]
    fetched = session.get(closest["uri"][0], timeout=30)
    release = releases[current]
    assert info["original_uri"] == info["timegate_uri"] == base + PROFILE
    assert closest["uri"] == [f"{base}/releases/{release.name}{PROFILE}"]
    assert closest["datetime"] == (FIRST, SECOND)[current]
    assert closest["http_status_code"] == 200
    assert info["mementos"]["first"] == {
        "uri": [f"{base}/releases/{releases[0].name}{PROFILE}"],
        "datetime": FIRST,
    }
    assert info["mementos"]["last"] == {
        "uri": [f"{base}/releases/{releases[1].name}{PROFILE}"],
        "datetime": SECOND,
    }
    assert fetched.status_code == 200
    assert fetched.headers["Citykg-Release"] == release.name
    assert mayors(fetched.content) == {(OLD_MAYOR, NEW_MAYOR)[current]}
    assert asked and all(url.startswith(base + "/") for url in asked), asked
