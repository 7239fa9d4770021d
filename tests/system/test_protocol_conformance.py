"""The SPARQL 1.1 Protocol checks of tests/support/conformance against ``citykg serve`` running
as a real process on the embedded store: one test per check."""

from __future__ import annotations

import pytest

from support.conformance import PROTOCOL, Endpoint


@pytest.fixture(scope="module")
def endpoint(served):
    """The query endpoint of the served release."""
    return Endpoint(f"{served}/sparql")


@pytest.mark.parametrize("check", PROTOCOL.values(), ids=PROTOCOL.keys())
def test_protocol(endpoint, check):
    check(endpoint)
