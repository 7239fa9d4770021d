"""nginx (the Debian package) as a load balancer in front of citykg web nodes, for system tests:
the configuration docs/operations.md gives (its ``nginx`` example, with the test's nodes, port
and a self-signed certificate for 127.0.0.1 made by ``openssl``), run in the foreground on
127.0.0.1 as the user running the tests, with its pid, logs and temporary files in a directory
of the test's. While it runs, ``requests`` trusts the certificate (``REQUESTS_CA_BUNDLE``)."""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.processes import debian_program, free_port, running
from support.project import ROOT

SBIN = "/usr/sbin/nginx"  # where Debian puts it (not on a user's PATH)
OPERATIONS = ROOT / "docs" / "operations.md"
UPSTREAM_HEADER = "X-Upstream"  # the node (or nodes, comma-separated, when retried) that answered

MAIN = """daemon off;
{user}worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
{site}}}
"""


def documented_site() -> str:
    """The ``nginx`` example of docs/operations.md: the upstream of the nodes and the server."""
    blocks = re.findall(
        r"^```nginx\n(.*?)^```", OPERATIONS.read_text(encoding="utf-8"), re.S | re.M
    )
    assert len(blocks) == 1, "one nginx example expected in docs/operations.md"
    return blocks[0]


def _once(pattern: str, replacement: str, text: str) -> str:
    changed, count = re.subn(pattern, lambda _: replacement, text, flags=re.M)
    assert count == 1, f"{pattern!r} expected once in the nginx example of docs/operations.md"
    return changed


def certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, made in ``directory``."""
    program = debian_program("openssl")
    cert, key = directory / "site.pem", directory / "site.key"
    request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
    names = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(
        [program, *request, *names, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def config(directory: Path, port: int, upstreams: list[str], cert: Path, key: Path) -> str:
    """The documented configuration, listening on 127.0.0.1:``port`` with ``cert`` and ``key``
    and balancing over ``upstreams`` (host:port each), naming the nodes tried in
    UPSTREAM_HEADER, its files in ``directory``. Run by root, its worker runs as root too, so
    that it may enter the test's private temporary directories."""
    site = documented_site()
    options = re.search(r"^ *server \S+:\d+([^;\n]*);$", site, re.M)[1]
    servers = "".join(f"    server {u}{options};\n" for u in upstreams)
    site = _once(r"(?:^ *server \S+:\d+[^;\n]*;\n)+", servers, site)
    site = _once(r"listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;", site)
    site = _once(r"ssl_certificate \S+;", f"ssl_certificate {cert};", site)
    site = _once(r"ssl_certificate_key \S+;", f"ssl_certificate_key {key};", site)
    tried = f"add_header {UPSTREAM_HEADER} $upstream_addr always;\n        proxy_pass"
    site = _once(r"proxy_pass(?= http://citykg;)", tried, site)
    user = f"user {pwd.getpwuid(0).pw_name};\n" if os.geteuid() == 0 else ""
    return MAIN.format(user=user, dir=directory, site=site)


@contextlib.contextmanager
def balancer(directory: Path, upstreams: list[str]) -> Iterator[str]:
    """nginx balancing over ``upstreams`` (host:port each), from ready (``/health`` through it
    answers 200) to stopped; its ``https`` base URL."""
    program = debian_program("nginx", path=SBIN)
    port = free_port()
    cert, key = certificate(directory)
    path = directory / "nginx.conf"
    path.write_text(config(directory, port, upstreams, cert, key), encoding="utf-8")
    command = [program, "-p", f"{directory}/", "-c", str(path), "-e", str(directory / "error.log")]
    base = f"https://127.0.0.1:{port}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REQUESTS_CA_BUNDLE", str(cert))
        with running(command, f"{base}/health"):
            yield base
