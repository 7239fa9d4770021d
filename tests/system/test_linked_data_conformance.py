"""The linked-data checks of tests/support/conformance against ``citykg serve`` running as a
real process on the embedded store: every check for each kind of resource, and the checks of
the site as a whole (VoID, dumps); one test per check."""

from __future__ import annotations

import pytest

from support.conformance import LINKED_DATA, SITE, Resource, Site

BASE_IRI = "https://w3id.org/citykg"
RESOURCES = [
    Resource(name, path, BASE_IRI + iri)
    for name, path, iri in (
        ("city", "/id/city/leipzig-deu", "/id/city/leipzig-deu"),
        ("profile", "/id/profile/leipzig-deu/2020", "/id/profile/leipzig-deu/2020"),
        ("concept", "/id/concept/policy-area/health", "/id/concept/policy-area/health"),
        ("scheme", "/id/concept/policy-area", "/id/concept/policy-area"),
        ("ontology-term", "/ontology", "/ontology#Mayor"),
    )
]


@pytest.fixture(scope="module")
def site(served):
    """The served release, as a linked-data client sees it."""
    return Site(served)


@pytest.mark.parametrize(
    ("resource", "check"),
    [
        pytest.param(resource, check, id=f"{resource.name}-{name}")
        for resource in RESOURCES
        for name, check in LINKED_DATA.items()
    ],
)
def test_resource(site, resource, check):
    check(site, resource)


@pytest.mark.parametrize("check", SITE.values(), ids=SITE.keys())
def test_site(site, check):
    check(site)
