"""``citykg build`` while ``citykg serve`` runs: the server moves to the new release under a
steady load, with no failed request, no answer mixing releases, and its memory back to one
release's level afterwards; a build that fails is never served.

A real ``citykg serve`` of a throw-away project: Leipzig and SYNTHETIC synthetic cities, so that
a release takes room in memory; the second build gives Leipzig another mayor, so every answer
shows which release it came from. Every loop stops at a deadline."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from citykg.builder.assemble import assemble
from citykg.builder.release import write_release
from citykg.builder.synthetic import write_project
from citykg.contract.project import Project

from support.load import SteadyLoad
from support.processes import citykg_serve, descendants, query_workers, rss_kib
from support.project import ROOT, leipzig_text, make_project
from support.releases import NEW_MAYOR, OLD_MAYOR, mayor

DOCUMENTS = {
    1: ("/id/city/leipzig-deu", "text/html"),
    2: ("/id/profile/leipzig-deu/2020", "text/turtle"),
}
SYNTHETIC = 300
CLIENTS = 4
SWITCH_BOUND_S = 60.0  # "within seconds"; generous for a shared 2-core machine
SETTLE_S = 3.0


@dataclass(frozen=True)
class Seen:
    """One answer: when it was sent and received, its status, release and the mayor it
    names."""

    sent: float
    received: float
    status: int
    release: str
    mayor: str


def ask(session: requests.Session, base: str, kind: int) -> tuple[int, str, str]:
    """One request of the steady load (a query, the city page or the profile's Turtle, by
    turn); its status, release header and the mayor it names."""
    if kind == 0:
        return mayor(session, base)
    path, accept = DOCUMENTS[kind]
    response = session.get(f"{base}{path}", headers={"Accept": accept}, timeout=30)
    named = ",".join(m for m in (OLD_MAYOR, NEW_MAYOR) if m in response.text)
    return response.status_code, response.headers.get("Citykg-Release", ""), named


def build(root: Path) -> tuple[int, str]:
    out = subprocess.run(
        [sys.executable, "-m", "citykg", "build", "--synthetic", "--project", str(root)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return out.returncode, out.stdout + out.stderr


def memory(server: subprocess.Popen) -> tuple[int, int]:
    """Query workers and the resident memory (KiB) of the server and everything it started."""
    return len(query_workers(server.pid)), rss_kib([server.pid, *descendants(server.pid)])


def test_a_build_is_served_without_restart_under_load(tmp_path: Path, capsys) -> None:
    project = write_project(tmp_path, SYNTHETIC, Project.at(ROOT))
    (project.profiles_dir / "leipzig-deu-2020.txt").write_text(leipzig_text(), encoding="utf-8")
    first = write_release(assemble(project, allow_synthetic=True), project.var_dir).path
    base, running = citykg_serve(first, project=tmp_path)
    load = SteadyLoad(
        lambda session, turn: ask(session, base, turn % 3),
        lambda sent, received, answer: Seen(sent, received, *answer),
        CLIENTS,
    )
    seen = load.seen
    with running as server:
        for kind in range(3):
            ask(requests.Session(), base, kind)  # warm: every worker has its copy loaded
        time.sleep(SETTLE_S)
        workers_before, rss_before = memory(server)
        load.start()
        time.sleep(2.0)
        profile = project.profiles_dir / "leipzig-deu-2020.txt"
        profile.write_text(leipzig_text().replace(OLD_MAYOR, NEW_MAYOR), encoding="utf-8")
        status, output = build(tmp_path)
        built_at = time.monotonic()
        assert status == 0, output
        second = re.search(r"releases/([0-9a-f]{16})", output)[1]
        deadline = built_at + SWITCH_BOUND_S
        while time.monotonic() < deadline and not any(s.release == second for s in seen[-8:]):
            time.sleep(0.1)
        time.sleep(2.0)  # more load on the new release
        load.stop()
        switched = min(s.received for s in seen if s.release == second)
        time.sleep(SETTLE_S)
        workers_after, rss_after = memory(server)

        (tmp_path / "data" / "profiles" / "empty-2018.txt").write_text("")
        failed, failed_output = build(tmp_path)
        time.sleep(3.0)  # more than the server's poll interval
        still = ask(requests.Session(), base, 0)

    mayors = {first.name: OLD_MAYOR, second: NEW_MAYOR}
    assert seen and {s.status for s in seen} == {200}
    mixed = [s for s in seen if s.mayor != mayors[s.release]]
    assert not mixed, mixed[:5]
    assert any(s.release == first.name for s in seen) and any(s.release == second for s in seen)
    assert all(s.release == second for s in seen if s.sent > switched), "went back to the old"
    assert workers_after == workers_before
    assert rss_after < rss_before * 1.25 + 20_000, (rss_before, rss_after)
    assert failed == 1 and "build stopped" in failed_output
    assert still == (200, second, NEW_MAYOR)
    with capsys.disabled():
        print(
            f"\nrelease switch: {len(seen)} requests, all 200; the new release answered "
            f"{switched - built_at:.1f} s after the build ended; query workers {workers_before} "
            f"-> {workers_after}; server RSS {rss_before / 1024:.0f} -> {rss_after / 1024:.0f} MiB"
        )


def test_a_hangup_signal_serves_the_new_release_when_polling_is_off(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"leipzig-deu-2020.txt": leipzig_text()})
    first = write_release(assemble(project), project.var_dir).path
    base, running = citykg_serve(first, {"CITYKG_RELEASE_POLL": "0"}, project=tmp_path)
    with running as server:
        profile = project.profiles_dir / "leipzig-deu-2020.txt"
        profile.write_text(leipzig_text().replace(OLD_MAYOR, NEW_MAYOR), encoding="utf-8")
        status, output = build(tmp_path)
        assert status == 0, output
        time.sleep(2.0)  # were it polling, it would have moved by now
        assert ask(requests.Session(), base, 0) == (200, first.name, OLD_MAYOR)
        server.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + SWITCH_BOUND_S
        answer = None
        while time.monotonic() < deadline:
            answer = ask(requests.Session(), base, 0)
            if answer[1] != first.name:
                break
            time.sleep(0.2)
        assert answer is not None and answer[0] == 200 and answer[2] == NEW_MAYOR
        assert answer[1] == project.release.resolve().name
