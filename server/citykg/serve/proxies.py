"""What a trusted reverse proxy tells citykg about a request: the client it forwarded for
(``X-Forwarded-For``) and the scheme that client used (``X-Forwarded-Proto``).

Only a peer in CITYKG_TRUSTED_PROXIES is believed; anyone else's forwarding headers are
ignored, so a client can neither count as someone else under the fair share nor choose the
scheme of the links it is sent. Behind a proxy that terminates TLS, the scheme makes every
absolute link citykg writes (Triple Pattern Fragment controls, Memento ``Link`` headers, the
service and dataset descriptions, the examples of /use) an ``https`` one.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
SCHEMES = ("http", "https")
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Any]


def networks(setting: Iterable[str]) -> tuple[Network, ...]:
    """The trusted proxies of a setting (addresses or networks; ``none``: no proxy is trusted);
    ValueError naming a bad one."""
    found = []
    for item in (i for i in setting if i != "none"):
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(
                f"CITYKG_TRUSTED_PROXIES must list addresses or networks, not {item!r}"
            ) from None
    return tuple(found)


def client_of(remote: str | None, forwarded_for: str | None, trusted: tuple[Network, ...]) -> str:
    """The client a request counts for: its peer's address, or, when the peer is a trusted
    proxy, the right-most address in ``X-Forwarded-For`` that is not a trusted proxy. IPv6
    clients are named by their /64 network, the block one subscriber usually gets."""
    address = _address(remote)
    if address is None:
        return remote or "unknown"
    if forwarded_for and _trusted(address, trusted):
        for item in reversed(forwarded_for.split(",")):
            hop = _address(item.strip())
            if hop is None:
                break  # a malformed entry: believe no further
            address = hop
            if not _trusted(hop, trusted):
                break
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def scheme_of(
    remote: str | None, forwarded_proto: str | None, trusted: tuple[Network, ...]
) -> str | None:
    """The scheme a trusted proxy says its client used: the right-most ``X-Forwarded-Proto``
    value (the one the proxy next to citykg set), when it is ``http`` or ``https``; None when
    the peer is not trusted or says nothing usable."""
    address = _address(remote)
    if not forwarded_proto or address is None or not _trusted(address, trusted):
        return None
    scheme = forwarded_proto.rsplit(",", 1)[-1].strip().lower()
    return scheme if scheme in SCHEMES else None


def forwarded_scheme(app: WsgiApp, trusted: tuple[Network, ...]) -> WsgiApp:
    """``app`` seeing the scheme a trusted proxy forwarded as its own (``wsgi.url_scheme``), so
    that every URL built from the request has it."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        scheme = scheme_of(
            environ.get("REMOTE_ADDR"), environ.get("HTTP_X_FORWARDED_PROTO"), trusted
        )
        if scheme:
            environ["wsgi.url_scheme"] = scheme
        return app(environ, start_response)

    return wrapped


def _address(text: str | None) -> Address | None:
    if not text:
        return None
    try:
        address = ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: Address, trusted: tuple[Network, ...]) -> bool:
    return any(address in network for network in trusted if network.version == address.version)
