"""What a trusted reverse proxy tells citykg: the client (X-Forwarded-For) and its scheme
(X-Forwarded-Proto); what anyone else says is ignored."""

from __future__ import annotations

import pytest

from citykg.serve.proxies import client_of, forwarded_scheme, networks, scheme_of

TRUSTED = networks(["127.0.0.1", "10.1.0.0/16", "::1"])


def test_the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy():
    trusted = networks(["127.0.0.1", "10.1.0.0/16"])
    assert client_of("192.0.2.7", None, trusted) == "192.0.2.7"
    # An untrusted peer cannot choose whom it counts as.
    assert client_of("192.0.2.7", "198.51.100.1", trusted) == "192.0.2.7"
    assert client_of("127.0.0.1", "198.51.100.1", trusted) == "198.51.100.1"
    # Through two trusted proxies: the right-most untrusted address; what the client itself
    # put in front of it is not believed.
    assert client_of("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.1.2.3", trusted) == "198.51.100.1"
    # A malformed entry stops the walk at the last good address.
    assert client_of("127.0.0.1", "198.51.100.1, junk, 10.1.2.3", trusted) == "10.1.2.3"
    assert client_of("127.0.0.1", "", trusted) == "127.0.0.1"
    assert client_of("192.0.2.7", "198.51.100.1", networks(["none"])) == "192.0.2.7"


def test_ipv6_clients_count_per_64_network():
    assert client_of("2001:db8:1:2:aaaa::1", None, ()) == "2001:db8:1:2::/64"
    assert client_of("2001:db8:1:2:bbbb::9", None, ()) == "2001:db8:1:2::/64"
    assert client_of("::ffff:192.0.2.7", None, ()) == "192.0.2.7"
    assert client_of("[2001:db8::1]", None, ()) == "2001:db8::/64"


def test_a_bad_trusted_proxy_is_refused_by_name():
    with pytest.raises(ValueError, match=r"CITYKG_TRUSTED_PROXIES .* not 'proxy\.local'"):
        networks(["127.0.0.1", "proxy.local"])


@pytest.mark.parametrize(
    ("peer", "header", "scheme"),
    [
        ("127.0.0.1", "https", "https"),
        ("10.1.2.3", "http", "http"),
        ("::1", "HTTPS", "https"),
        ("::ffff:127.0.0.1", "https", "https"),
        # Anyone else cannot choose the scheme of the links it is sent.
        ("192.0.2.7", "https", None),
        (None, "https", None),
        ("127.0.0.1", None, None),
        ("127.0.0.1", "", None),
        # Only http and https; the value the nearest proxy set is the right-most one.
        ("127.0.0.1", "gopher", None),
        ("127.0.0.1", "https, http", "http"),
        ("127.0.0.1", "http , https ", "https"),
    ],
)
def test_the_scheme_is_the_trusted_proxys_word(peer, header, scheme):
    assert scheme_of(peer, header, TRUSTED) == scheme


def test_no_scheme_is_believed_when_no_proxy_is_trusted():
    assert scheme_of("127.0.0.1", "https", networks(["none"])) is None


def test_the_app_sees_the_forwarded_scheme_as_its_own():
    seen = []

    def app(environ, start_response):
        seen.append(environ["wsgi.url_scheme"])
        return []

    wrapped = forwarded_scheme(app, TRUSTED)
    for peer in ("127.0.0.1", "192.0.2.7"):
        forwarded = {"HTTP_X_FORWARDED_PROTO": "https", "wsgi.url_scheme": "http"}
        wrapped({"REMOTE_ADDR": peer, **forwarded}, lambda *_: None)
    assert seen == ["https", "http"]
