"""The dump downloads of /dumps/: each file with one plain media type."""

from __future__ import annotations

import pytest
from werkzeug.http import parse_options_header

EXPECTED = {
    "citykg.nq.gz": ("application/gzip", {}),
    "citykg.nt.gz": ("application/gzip", {}),
    "citykg.ttl.gz": ("application/gzip", {}),
    "citykg.nq": ("application/n-quads", {}),
    "void.ttl": ("text/turtle", {"charset": "utf-8"}),
    "SHA256SUMS": ("text/plain", {"charset": "utf-8"}),
}


@pytest.mark.parametrize("name", EXPECTED)
def test_each_dump_has_one_media_type_and_at_most_one_charset(client, name):
    response = client.get(f"/dumps/{name}")
    assert response.status_code == 200
    header = response.headers["Content-Type"]
    assert header.lower().count("charset") == len(EXPECTED[name][1]), header
    assert parse_options_header(header) == EXPECTED[name]
