"""Conditional requests as RFC 9110 §13.2.2 orders them, on a document and on a dump file
(which also serves ranges): If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since."""

from __future__ import annotations

import pytest

DOCUMENT = ("/id/city/leipzig-deu", {"Accept": "text/turtle"})
DUMP = ("/dumps/citykg.nt.gz", {})
PAST = "Sat, 01 Jan 2000 00:00:00 GMT"
FUTURE = "Fri, 01 Jan 2100 00:00:00 GMT"


def ask(client, target, **headers):
    path, base = target
    return client.get(path, headers={**base, **headers})


@pytest.fixture(params=[DOCUMENT, DUMP], ids=["document", "dump"])
def target(request):
    return request.param


def test_if_match_star_or_the_etag_passes(client, target):
    whole = ask(client, target)
    etag = whole.headers["ETag"]
    for if_match in ("*", etag, f'"other", {etag}'):
        response = ask(client, target, **{"If-Match": if_match})
        assert response.status_code == 200 and response.data == whole.data, if_match


def test_if_match_another_etag_fails_without_the_body(client, target):
    response = ask(client, target, **{"If-Match": '"other"'})
    assert response.status_code == 412
    assert response.mimetype == "text/plain" and b"precondition failed" in response.data
    assert len(response.data) < 200


def test_if_match_is_a_strong_comparison(client, target):
    etag = ask(client, target).headers["ETag"]
    assert ask(client, target, **{"If-Match": f"W/{etag}"}).status_code == 412


def test_if_unmodified_since(client, target):
    assert ask(client, target, **{"If-Unmodified-Since": PAST}).status_code == 412
    assert ask(client, target, **{"If-Unmodified-Since": FUTURE}).status_code == 200
    # If-Match present: If-Unmodified-Since is not evaluated (§13.2.2 step 2).
    assert ask(client, target, **{"If-Match": "*", "If-Unmodified-Since": PAST}).status_code == 200
    assert ask(client, target, **{"If-Unmodified-Since": "not a date"}).status_code == 200


def test_if_none_match_and_if_modified_since(client, target):
    etag = ask(client, target).headers["ETag"]
    assert ask(client, target, **{"If-None-Match": etag}).status_code == 304
    assert ask(client, target, **{"If-None-Match": f"W/{etag}"}).status_code == 304  # weak
    assert ask(client, target, **{"If-None-Match": "*"}).status_code == 304
    assert ask(client, target, **{"If-Modified-Since": FUTURE}).status_code == 304
    # If-None-Match present: If-Modified-Since is not evaluated (§13.2.2 step 4).
    mixed = {"If-None-Match": '"other"', "If-Modified-Since": FUTURE}
    assert ask(client, target, **mixed).status_code == 200
    # A failed If-Match wins over a matching If-None-Match.
    assert ask(client, target, **{"If-Match": '"x"', "If-None-Match": etag}).status_code == 412


def test_a_range_of_a_dump_after_its_preconditions(client):
    whole = ask(client, DUMP).data
    part = ask(client, DUMP, Range="bytes=0-9", **{"If-Match": "*"})
    assert part.status_code == 206 and part.data == whole[:10]
    failed = ask(client, DUMP, Range="bytes=0-9", **{"If-Unmodified-Since": PAST})
    assert failed.status_code == 412


def test_a_failed_precondition_on_a_gzipped_answer_is_plain_text(client, target):
    """A 412 is a short plain-text message, never labelled gzip or a file download."""
    response = ask(client, target, **{"If-Match": '"other"', "Accept-Encoding": "gzip"})
    assert response.status_code == 412
    assert "Content-Encoding" not in response.headers
    assert "Content-Disposition" not in response.headers
    assert response.data.startswith(b"precondition failed")
