"""Fixtures: a release built from the real project, the app serving it, real server processes
(citykg serve, Oxigraph server as a Wikidata stand-in, a canary listener). A test's tier is its
folder (unit, integration, system); a test that uses a real server process is a system test
wherever it stands, and so is one that runs citykg as a process (marked ``system`` in place)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from citykg.builder.assemble import assemble
from citykg.builder.release import write_release
from citykg.builder.synthetic import write_project
from citykg.cli import main
from citykg.contract.project import Project

from support.app import app_for
from support.processes import Canary, citykg_serve, oxigraph_server
from support.project import LEIPZIG, ROOT, Sparql, leipzig_text, load_as_served, make_project
from support.shared import built_once

TIERS = ("unit", "integration", "system")
SYSTEM_FIXTURES = {"served", "wikidata"}
FAST_TIERS = "not system"


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """``pytest -m "not system"``, the unit and integration tiers, runs on every core (xdist's
    ``-n auto``, a worker taking the next test as it frees) unless ``-n`` says otherwise; the
    whole suite runs in one process, so that the system tier's processes and benchmarks do not
    share the machine with other tests. (An xdist worker, which has ``workerinput``, runs its
    tests itself.)"""
    fast = " ".join(config.option.markexpr.split()) == FAST_TIERS
    if fast and config.option.numprocesses is None and not hasattr(config, "workerinput"):
        config.option.numprocesses = "auto"
        config.option.dist = "worksteal"


def pytest_configure() -> None:
    """Collect garbage less often: session fixtures keep large graphs alive, and Python's default
    thresholds rescan them many times a second while the builds allocate (about a sixth of the
    suite's CPU time)."""
    gc.set_threshold(50_000, 50, 100)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its tier: its folder's, or ``system`` when it uses a server process."""
    for item in items:
        tier = next((t for t in TIERS if t in item.path.parts), None)
        if tier != "system" and SYSTEM_FIXTURES & set(getattr(item, "fixturenames", ())):
            tier = "system"
        if tier:
            item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release built from the real project into a temporary var directory, after an earlier
    build, stamped 2026-01-01, of a copy with another mayor of Leipzig (so the release revises
    another and has changes: that edit). Built once per run."""

    def build(root: Path) -> Path:
        project = Project.at(ROOT, root / "var")
        profiles = {path.name: path.read_bytes() for path in project.profiles()}
        profiles[LEIPZIG.name] = leipzig_text().replace("Burkhard Jung", "Someone Else")
        edited = make_project(root / "edited", profiles)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SOURCE_DATE_EPOCH", "1767225600")
            write_release(assemble(Project.at(edited.root, project.var_dir)), project.var_dir)
        assembly = assemble(project)
        assert not assembly.errors, [f.format() for f in assembly.errors]
        return write_release(assembly, project.var_dir).path

    return built_once(tmp_path_factory, "release", build)


@pytest.fixture(scope="session")
def synthetic_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release of 40 synthetic profiles, in both survey waves (``citykg build --synthetic``),
    built once per run."""

    def build(root: Path) -> Path:
        project = write_project(root, 40, Project.at(ROOT))
        assert main(["build", "--synthetic", "-q", "--project", str(project.root)]) == 0
        return (project.var_dir / "current").resolve()

    return built_once(tmp_path_factory, "synthetic", build)


@pytest.fixture(scope="session")
def sparql(release: Path) -> Sparql:
    """The release loaded into an in-memory Oxigraph store."""
    return Sparql(load_as_served(release))


@pytest.fixture(scope="session")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store directory the apps of a run share (across xdist workers too), as the server
    processes of one machine share CITYKG_STORE_DIR: each release is loaded into it once."""
    return built_once(tmp_path_factory, "stores", lambda root: root)


@pytest.fixture(scope="session")
def app(release: Path, stores: Path):
    """The Flask app serving the test release."""
    with app_for(release, stores) as served_app:
        yield served_app


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture(scope="session")
def served(release: Path):
    """``citykg serve`` as a real process on 127.0.0.1, serving the test release; its base URL."""
    base, server = citykg_serve(release)
    with server:
        yield base


@pytest.fixture(scope="session")
def wikidata(tmp_path_factory: pytest.TempPathFactory):
    """The Wikidata stand-in: Oxigraph server with a small Wikidata-shaped graph; its query URL."""
    url, server = oxigraph_server(
        tmp_path_factory.mktemp("wikidata") / "db",
        [ROOT / "tests" / "fixtures" / "federation" / "wikidata-standin.ttl"],
    )
    with server:
        yield url


@pytest.fixture
def canary():
    """A listener that must receive nothing."""
    listener = Canary()
    yield listener
    listener.close()
