"""Over a remote store citykg reads only what it serves: the store pages and counts a Triple
Pattern Fragment (one page and one number come back, never the whole match set), whether an
IRI is published takes one result, and a pattern read with a limit stops there. Against a store
that answers from the release itself and counts what it sends (tests/support/recording_store.py);
its fragments have the embedded store's counts and pages, and paging through one gives the
embedded store's triples (each store has an order of its own)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef

from citykg.serve.fragments import PAGE_SIZE
from citykg.serve.remote_store import RemoteStore
from citykg.serve.store import load_release

from support.app import app_for
from support.html import parse_html
from support.link_format import parse_links
from support.recording_store import RecordingStore

HYDRA = "http://www.w3.org/ns/hydra/core#"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
WAVE = "https://w3id.org/citykg/id/concept/survey-wave/2020"


@pytest.fixture(scope="module")
def recording(release):
    store = ox.Store()
    load_release(store, release)
    with RecordingStore(store) as stand_in:
        yield stand_in


@pytest.fixture(scope="module")
def remote(release, stores, recording):
    """A test client of the app over the recording store."""
    with app_for(release, stores, STORE_URL=recording.url) as app:
        yield app.test_client()


def fragment(client, **params) -> tuple[list[tuple], int, bool]:
    """A fragment page: its data triples (sorted), its count, and whether it has a
    next page."""
    response = client.get("/fragments", query_string=params, headers={"Accept": "application/trig"})
    assert response.status_code == 200, response.get_data(as_text=True)
    dataset = Dataset()
    dataset.parse(data=response.data, format="trig")
    data = [t for t in dataset.default_graph]
    controls = {(p, o) for _, p, o, g in dataset.quads() if g != dataset.default_graph.identifier}
    [total] = [int(o) for p, o in controls if p == URIRef(HYDRA + "totalItems")]
    return sorted(data), total, any(p == URIRef(HYDRA + "next") for p, _ in controls)


@pytest.mark.parametrize(
    "params",
    [{}, {"page": 2}, {"page": 40}, {"predicate": TYPE}, {"object": WAVE}, {"page": 10**5}],
    ids=["first", "second", "last", "predicate", "object", "beyond"],
)
def test_the_store_pages_and_counts_a_fragment(client, remote, recording, params):
    answered = recording.during(lambda: remote.get("/fragments", query_string=params))
    assert answered and all(a.results <= PAGE_SIZE + 1 for a in answered), answered
    data, total, more = fragment(remote, **params)
    embedded_data, embedded_total, embedded_more = fragment(client, **params)
    assert (len(data), total, more) == (len(embedded_data), embedded_total, embedded_more)


def every_page(client, **pattern) -> list[tuple]:
    """The triples of every page of a fragment, following its next links."""
    seen, page = [], 1
    while True:
        data, _, more = fragment(client, **pattern, page=page)
        seen += data
        if not more:
            return seen
        page += 1


def test_paging_through_the_remote_store_gives_every_triple_once(client, remote):
    seen = every_page(remote, predicate=TYPE)
    assert len(seen) > PAGE_SIZE
    assert len(seen) == len(set(seen)) == fragment(remote, predicate=TYPE)[1]
    assert set(seen) == set(every_page(client, predicate=TYPE))


def test_whether_an_iri_is_published_takes_one_result(remote, recording):
    response = None

    def timemap():
        nonlocal response
        response = remote.get(f"/timemap{WAVE.removeprefix('https://w3id.org/citykg')}")

    answered = recording.during(timemap)
    assert response.status_code == 200
    mementos = [link for link in parse_links(response.get_data(as_text=True), strict=True)]
    assert any("memento" in link.rels for link in mementos)
    assert answered and all(a.results <= 1 for a in answered), answered


def test_a_pattern_read_with_a_limit_stops_at_it(recording):
    store = RemoteStore(recording.url)
    wave = ox.NamedNode(WAVE)
    everything = list(store.triples(obj=wave))
    assert len(everything) > 3
    answered = recording.during(lambda: list(store.triples(obj=wave, limit=3)))
    assert [a.results for a in answered] == [3]
    assert list(store.triples(obj=wave, limit=3)) == everything[:3]


@pytest.mark.parametrize("accept", ["text/turtle", "text/html"])
def test_a_concept_many_profiles_name_takes_a_few_queries(client, remote, recording, accept):
    """The document of a concept that every profile points at: its parts and the labels of
    what it mentions are read in batches, not a query per mention; its page does not build
    the document at all. Either way the remote store's answer is the embedded one's."""
    path = WAVE.removeprefix("https://w3id.org/citykg")
    response = None

    def get():
        nonlocal response
        response = remote.get(path, headers={"Accept": accept})

    answered = recording.during(get)
    assert response.status_code == 200
    assert len(answered) <= 8, [a.query[:80] for a in answered]
    embedded = client.get(path, headers={"Accept": accept})
    if accept == "text/turtle":
        mentioned = Graph().parse(data=response.data, format="turtle")
        assert len(mentioned) > 20
        assert set(mentioned) == set(Graph().parse(data=embedded.data, format="turtle"))
    else:
        headings = [parse_html(r.data).one("h1").words for r in (response, embedded)]
        assert headings[0] == headings[1] != ""
