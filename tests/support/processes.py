"""Real processes for system tests: citykg commands, citykg serve, Oxigraph server, a canary
listener, Debian packages installed when the tests run as root."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.project import ROOT


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def install_debian_package(package: str) -> None:
    """``apt-get install package`` when the tests run as root where apt-get is (as in CI);
    otherwise nothing (the caller skips with the instruction)."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", package]):
        subprocess.run(command, env=env, capture_output=True, timeout=900, check=False)


def debian_program(name: str, package: str | None = None, path: str | None = None) -> str:
    """The program ``name`` (or at ``path``, where Debian puts it off a user's PATH), installed
    from Debian's ``package`` (default: named alike) when missing and the tests run as root;
    else the test is skipped with the instruction."""

    def find() -> str | None:
        return shutil.which(name) or (path if path and Path(path).exists() else None)

    found = find()
    if found is None:
        install_debian_package(package or name)
        found = find()
    if found is None:
        pytest.skip(f"{name} is not installed (apt-get install {package or name})")
    return found


def npm_tool(package: str, prefix: Path, installed: Path) -> Path:
    """``installed`` (a file of ``package``), installed from the npm registry into ``prefix``
    (git-ignored under build/test-tools) the first time; skips the test without npm."""
    if not installed.exists():
        if shutil.which("npm") is None:
            pytest.skip("npm is not installed")
        prefix.mkdir(parents=True, exist_ok=True)
        command = ["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund"]
        subprocess.run(
            [*command, "--loglevel=error", package], check=True, capture_output=True, timeout=600
        )
    return installed


def citykg_cli(*args: str) -> tuple[int, str]:
    """``python -m citykg ARGS`` as a real process (reproducible time stamp): status, output."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
    out = subprocess.run(
        [sys.executable, "-m", "citykg", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    return out.returncode, out.stdout + out.stderr


@contextlib.contextmanager
def running(command: list[str], ready_url: str, env: dict[str, str] | None = None):
    """Start a server, wait until ``ready_url`` answers 2xx (60 s at most), stop it after.

    Its output goes to a temporary file: a pipe nobody reads fills up after 64 KB of access log
    and then blocks the server."""
    import tempfile

    import requests

    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
        deadline = time.monotonic() + 60
        try:
            while True:
                try:
                    if requests.get(ready_url, timeout=2).ok:
                        break
                except (requests.ConnectionError, requests.Timeout):
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    process.wait(timeout=10)
                    log.seek(0)
                    output = log.read().decode(errors="replace")
                    pytest.fail(f"{command[0]} did not start: {output[-2000:]}")
                time.sleep(0.2)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def citykg_serve(release: Path, env: dict[str, str] | None = None, project: Path = ROOT):
    """``citykg serve`` of ``release`` (its ``var/current``, which it follows) in ``project``
    as a real process; its base URL and the context that runs it."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "citykg",
        "serve",
        "--project",
        str(project),
        "--var-dir",
        str(release.parent.parent),
        "--port",
        str(port),
    ]
    base = f"http://127.0.0.1:{port}"
    return base, running(command, f"{base}/sparql?query=ASK%7B%7D", env)


@pytest.fixture(scope="session")
def served(release: Path):
    """``citykg serve`` as a real process on 127.0.0.1, serving the test release; its base URL."""
    base, server = citykg_serve(release)
    with server:
        yield base


def oxigraph_server(location: Path, files: list[Path], *options: str):
    """Oxigraph server (PyPI ``oxigraph``), read-only on 127.0.0.1, with ``options`` (such as
    ``--timeout-s 1``): (query URL, context)."""
    exe = str(Path(sys.executable).parent / "oxigraph")
    subprocess.run(
        [exe, "load", "--location", str(location), *(a for f in files for a in ("--file", str(f)))],
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    command = [exe, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    command += options
    url = f"http://127.0.0.1:{port}/query"
    return url, running(command, f"{url}?query=ASK%7B%7D")


class Canary:
    """A TCP listener on 127.0.0.1 that records every connection it receives."""

    def __init__(self) -> None:
        import socket
        import threading

        self.hits: list[bytes] = []
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.hits.append(conn.recv(65536))
                except OSError:
                    self.hits.append(b"")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()


def descendants(pid: int) -> list[int]:
    """The processes below ``pid`` (children, their children...), read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def query_workers(pid: int) -> list[int]:
    """The query worker processes below ``pid``: those started as workers and those a zygote
    forked, which keep its command line (the zygote itself, whose parent is no worker, answers
    no query)."""
    marked = {}
    for child in descendants(pid):
        with contextlib.suppress(OSError):
            argv = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            if any(b"citykg.serve.engine.process" in arg for arg in argv):
                stat = Path(f"/proc/{child}/stat").read_text()
                marked[child] = (b"zygote" in argv, int(stat.rsplit(")", 1)[1].split()[1]))
    return [p for p, (zygote, parent) in marked.items() if not zygote or parent in marked]


def rss_kib(pids: list[int]) -> int:
    """The resident memory of ``pids`` together, in KiB (processes gone meanwhile count 0)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total
