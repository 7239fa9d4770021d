"""Replicas behind a real load balancer: two ``citykg serve`` web nodes over one remote store (an
Oxigraph server), nginx (the Debian package) balancing over them with the configuration
docs/operations.md gives, all on 127.0.0.1.

The nodes hold no state of their own: each has the release directories (here copies, as on
separate machines) and follows the marker ``citykg publish`` writes last into the store. Checked:
the conformance checks pass through the balancer; a release published into the store is served
by both nodes; killing one node under a steady load fails at most the requests it had in flight,
and nginx moves on to the other. The tests run in this order (the last kills a node); every
loop stops at a deadline."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from rdflib import Dataset, Graph, Namespace

from citykg.cli import main
from citykg.contract.iris import PUBLISHED_GRAPH

from support.conformance import LINKED_DATA, PROTOCOL, SITE, Endpoint, Resource, Site
from support.link_format import by_rel, parse_links
from support.load import SteadyLoad
from support.nginx import UPSTREAM_HEADER, balancer
from support.processes import citykg_serve, descendants, free_port, running
from support.releases import MAYOR, NEW_MAYOR, OLD_MAYOR, mayor, two_releases

pytestmark = pytest.mark.system

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
CITY = Resource("city", "/id/city/leipzig-deu", "https://w3id.org/citykg/id/city/leipzig-deu")
POLL_S = 1.0  # CITYKG_RELEASE_POLL of the nodes
SWITCH_BOUND_S = 20.0
CLIENTS = 4
LOAD_BEFORE_S, LOAD_AFTER_S = 2.0, 3.0


@dataclass(frozen=True)
class Cluster:
    """The store (its base URL), the projects, the nodes and the balancer in front of them."""

    store: str
    build: Path  # the project the releases are built in and published from
    nodes: Path  # what every node has: var/releases/{id}/ copied, var/current
    first: Path
    second: Path
    replicas: list[tuple[str, int]]  # each node's base URL and the pid of its citykg serve
    balancer: str


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A read-write Oxigraph server on 127.0.0.1; its base URL."""
    port = free_port()
    exe = str(Path(sys.executable).parent / "oxigraph")
    location = tmp_path_factory.mktemp("oxigraph") / "db"
    base = f"http://127.0.0.1:{port}"
    command = [exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    with running(command, f"{base}/query?query=ASK%7B%7D"):
        yield base


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, oxigraph: str) -> Iterator[Cluster]:
    """Two releases built; the first copied to the nodes' releases directory and published into
    the store; two nodes over the store and nginx in front of them, running."""
    build = tmp_path_factory.mktemp("build")
    first, second = two_releases(build)
    nodes = tmp_path_factory.mktemp("nodes")
    shutil.copytree(first, nodes / "var" / "releases" / first.name)
    (nodes / "var" / "current").symlink_to(Path("releases") / first.name)
    publish = ["publish", "--project", str(nodes), "--graph-store", f"{oxigraph}/store"]
    assert main([*publish, "--replace"]) == 0
    env = {"CITYKG_STORE_URL": f"{oxigraph}/query", "CITYKG_RELEASE_POLL": str(POLL_S)}
    release = nodes / "var" / "releases" / first.name
    with contextlib.ExitStack() as stack:
        replicas = []
        for _ in range(2):
            base, server = citykg_serve(release, env, project=nodes)
            replicas.append((base, stack.enter_context(server).pid))
        upstreams = [base.removeprefix("http://") for base, _ in replicas]
        front = stack.enter_context(balancer(tmp_path_factory.mktemp("nginx"), upstreams))
        yield Cluster(oxigraph, build, nodes, first, second, replicas, front)


@pytest.fixture(scope="module")
def balanced_endpoint(cluster: Cluster) -> Endpoint:
    """The query endpoint, through nginx."""
    return Endpoint(f"{cluster.balancer}/sparql")


@pytest.fixture(scope="module")
def balanced_site(cluster: Cluster) -> Site:
    """The site, through nginx, as a linked-data client sees it."""
    return Site(cluster.balancer)


def test_requests_are_balanced_over_both_nodes(cluster: Cluster) -> None:
    """nginx sends requests to each node; each answers from the published release."""
    session = requests.Session()
    answered = set()
    for _ in range(8):
        response = session.get(f"{cluster.balancer}/health", timeout=10)
        assert response.status_code == 200
        answered.add(response.headers[UPSTREAM_HEADER])
    assert answered == {base.removeprefix("http://") for base, _ in cluster.replicas}
    assert mayor(session, cluster.balancer) == (200, cluster.first.name, OLD_MAYOR)


@pytest.mark.parametrize("check", PROTOCOL.values(), ids=PROTOCOL.keys())
def test_protocol_through_the_balancer(balanced_endpoint: Endpoint, check) -> None:
    """The SPARQL 1.1 Protocol checks (test_protocol_conformance.py), through nginx."""
    check(balanced_endpoint)


@pytest.mark.parametrize("check", LINKED_DATA.values(), ids=LINKED_DATA.keys())
def test_linked_data_through_the_balancer(balanced_site: Site, check) -> None:
    """The linked-data checks of a city (test_linked_data_conformance.py), through nginx."""
    check(balanced_site, CITY)


@pytest.mark.parametrize("check", SITE.values(), ids=SITE.keys())
def test_site_through_the_balancer(balanced_site: Site, check) -> None:
    check(balanced_site)


def test_links_through_the_balancer_are_https(cluster: Cluster) -> None:
    """nginx terminates TLS and forwards the scheme and the host: the links the nodes write
    lead back to the balancer over https (fragment controls, Memento links, the service
    description's endpoint)."""
    base = cluster.balancer
    assert base.startswith("https://")
    session = requests.Session()
    fragment = session.get(f"{base}/fragments", headers={"Accept": "application/trig"}, timeout=10)
    controls = Dataset().parse(data=fragment.content, format="trig")
    templates = {str(q[2]) for q in controls.quads((None, HYDRA.template, None, None))}
    assert templates == {f"{base}/fragments{{?subject,predicate,object}}"}
    city = session.get(f"{base}{CITY.path}", headers={"Accept": "text/turtle"}, timeout=10)
    timemaps = by_rel(parse_links(city.headers["Link"]), "timemap")
    assert [link.target for link in timemaps] == [f"{base}/timemap{CITY.path}"]
    described = session.get(f"{base}/sparql", headers={"Accept": "text/turtle"}, timeout=10)
    endpoints = Graph().parse(data=described.text, format="turtle").objects(None, SD.endpoint)
    assert {str(e) for e in endpoints} == {f"{base}/sparql"}


def _releases_answering(cluster: Cluster, session: requests.Session) -> list[tuple[str, str]]:
    """The release and mayor each node answers with, asked directly."""
    return [mayor(session, base)[1:] for base, _ in cluster.replicas]


def _put_marker(cluster: Cluster, body: str | None) -> None:
    """Replace the store's marker graph with ``body`` (N-Triples), or delete it (None)."""
    url = f"{cluster.store}/store"
    params = {"graph": PUBLISHED_GRAPH}
    if body is None:
        response = requests.delete(url, params=params, timeout=10)
    else:
        headers = {"Content-Type": "application/n-triples"}
        response = requests.put(url, params=params, data=body, headers=headers, timeout=10)
    assert response.ok, response.text


def test_a_published_release_is_served_by_every_node(cluster: Cluster, capsys) -> None:
    """The second release, copied beside the first on the nodes and published into the store
    with --replace: both nodes serve it within a few polls, asked directly and through nginx.
    Then a marker naming a release the nodes do not have, and no marker at all: they keep it."""
    session = requests.Session()
    first, second = cluster.first.name, cluster.second.name
    assert _releases_answering(cluster, session) == [(first, OLD_MAYOR)] * 2
    shutil.copytree(cluster.second, cluster.nodes / "var" / "releases" / second)
    started = time.monotonic()
    publish = ["publish", "--project", str(cluster.build), "--graph-store"]
    assert main([*publish, f"{cluster.store}/store", "--replace"]) == 0
    published = time.monotonic()
    switched: dict[str, float] = {}
    while time.monotonic() < published + SWITCH_BOUND_S and len(switched) < 2:
        for base, _ in cluster.replicas:
            if base not in switched and mayor(session, base)[1] == second:
                switched[base] = time.monotonic()
        time.sleep(0.1)
    assert _releases_answering(cluster, session) == [(second, NEW_MAYOR)] * 2
    through = {mayor(session, cluster.balancer) for _ in range(6)}
    assert through == {(200, second, NEW_MAYOR)}

    elsewhere = "https://w3id.org/citykg/releases/0000000000000000/"
    _put_marker(
        cluster,
        f"<https://w3id.org/citykg/dataset> <http://www.w3.org/ns/dcat#hasCurrentVersion> "
        f"<{elsewhere}> .\n",
    )
    time.sleep(3 * POLL_S)
    assert _releases_answering(cluster, session) == [(second, NEW_MAYOR)] * 2
    _put_marker(cluster, None)
    time.sleep(3 * POLL_S)
    assert _releases_answering(cluster, session) == [(second, NEW_MAYOR)] * 2
    with capsys.disabled():
        latency = ", ".join(f"{t - published:.1f} s" for t in sorted(switched.values()))
        print(
            f"\nreplicas: publish --replace took {published - started:.1f} s; the nodes "
            f"served the new release {latency} after it ended"
        )


@dataclass(frozen=True)
class Seen:
    """One request of the steady load: when it was sent and answered, whether it was answered
    whole and well, and the nodes nginx tried for it."""

    sent: float
    received: float
    ok: bool
    upstream: str


def _ask(session: requests.Session, base: str, turn: int) -> tuple[bool, str]:
    """One request of the steady load, by turn the mayor's query or the city's page: whether
    it was answered whole and well, and the nodes nginx tried for it."""
    if turn % 2:
        response = session.get(
            f"{base}/sparql",
            params={"query": MAYOR},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        ok = response.ok and len(response.json()["results"]["bindings"]) == 1
    else:
        response = session.get(f"{base}{CITY.path}", headers={"Accept": "text/html"}, timeout=30)
        ok = response.ok and response.text.rstrip().endswith("</html>")
    return ok, response.headers.get(UPSTREAM_HEADER, "")


def _ask_safely(session: requests.Session, base: str, turn: int) -> tuple[bool, str]:
    """:func:`_ask`, a request that failed on the way counted as failed."""
    try:
        return _ask(session, base, turn)
    except (requests.RequestException, ValueError):
        return False, ""


def test_killing_a_node_fails_at_most_its_requests_in_flight(cluster: Cluster, capsys) -> None:
    """A steady load through nginx; one node killed (SIGKILL, its web process too): failed
    requests are no more than those in flight at the kill, and every request sent after it is
    answered, by the other node. Runs last: the node stays dead."""
    load = SteadyLoad(
        lambda session, turn: _ask_safely(session, cluster.balancer, turn),
        lambda sent, received, answer: Seen(sent, received, *answer),
        CLIENTS,
    )
    seen = load.seen
    victim, pid = cluster.replicas[0]
    survivor = cluster.replicas[1][0].removeprefix("http://")
    load.start()
    time.sleep(LOAD_BEFORE_S)
    processes = [pid, *descendants(pid)]
    kill_started = time.monotonic()
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process, signal.SIGKILL)
    killed_at = time.monotonic()
    time.sleep(LOAD_AFTER_S)
    load.stop()

    with pytest.raises(requests.ConnectionError):
        requests.get(f"{victim}/health", timeout=5)
    before = [s for s in seen if s.received < kill_started]
    in_flight = [s for s in seen if s.sent < killed_at and s.received > kill_started]
    after = [s for s in seen if s.sent > killed_at]
    failed = [s for s in seen if not s.ok]
    assert before and all(s.ok for s in before)
    assert {s.upstream for s in before} == {
        base.removeprefix("http://") for base, _ in cluster.replicas
    }
    assert len(failed) <= len(in_flight), (failed, in_flight)
    assert after and all(s.ok for s in after)
    assert {s.upstream.rpartition(", ")[2] for s in after} == {survivor}
    retried = [s for s in seen if ", " in s.upstream]
    with capsys.disabled():
        print(
            f"\nreplicas: {len(seen)} requests, {len(in_flight)} in flight at the kill, "
            f"{len(failed)} failed, {len(retried)} retried on the other node by nginx, "
            f"{len(after)} sent after the kill all answered"
        )
