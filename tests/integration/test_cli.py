"""The citykg command as a publisher uses it: validate reports, clear errors for bad files."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from citykg.builder.namespaces import SH
from citykg.cli import main

from support.processes import free_port
from support.project import ROOT, leipzig_text, make_project


def test_validate_all_profiles(capsys):
    assert main(["validate", "--project", str(ROOT)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "1 file: 0 error(s), 1 warning(s), 1 info(s)"
    assert any(
        line.startswith("data/profiles/leipzig-deu-2020.txt:176: warning [shacl]") for line in out
    )


def test_validate_turtle_report(capsys):
    assert main(["validate", "--project", str(ROOT), "--format", "turtle"]) == 0
    report = Graph().parse(data=capsys.readouterr().out, format="turtle")
    [node] = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(True)
    severities = [report.value(r, SH.resultSeverity) for r in report.objects(node, SH.result)]
    assert severities == [SH.Warning]


def test_validate_one_broken_profile(tmp_path, capsys):
    project = make_project(tmp_path, {"x.txt": leipzig_text().replace("4. 4", "3. 3")})
    assert (
        main(["validate", "--project", str(project.root), str(project.profiles_dir / "x.txt")]) == 1
    )
    out = capsys.readouterr().out
    assert "data/profiles/x.txt:" in out and "error [shacl]" in out
    assert "Two activities share rank 3." in out


def test_validate_missing_file(tmp_path, capsys):
    assert main(["validate", "--project", str(ROOT), str(tmp_path / "nope.txt")]) == 1
    assert "nope.txt: no such file" in capsys.readouterr().err


def test_broken_ontology_is_named_with_its_line(tmp_path, capsys):
    project = make_project(tmp_path, {"x.txt": leipzig_text()})
    with open(project.concepts, "a", encoding="utf-8") as f:
        f.write("\nthis is not turtle .\n")
    assert main(["build", "--project", str(project.root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("citykg: ontology/citykg-concepts.ttl:")
    assert "error [syntax]" in err and "Traceback" not in err
    assert not (project.var_dir / "current").exists()


def test_validate_refuses_json_ld_and_rdf_xml(tmp_path, capsys):
    for name in ("remote-context.jsonld", "entities.rdf"):
        path = tmp_path / name
        path.write_text('{"@context": "http://127.0.0.1:9/context.jsonld"}')
        assert main(["validate", "--project", str(ROOT), str(path)]) == 1
        assert "not a profile or a supported RDF file" in capsys.readouterr().err


def test_serve_refuses_a_bad_setting_with_its_name(release, monkeypatch, capsys):
    monkeypatch.setenv("CITYKG_QUERY_WORKERS", "four")
    var_dir = str(release.parent.parent)
    assert main(["serve", "--project", str(ROOT), "--var-dir", var_dir]) == 2
    assert "CITYKG_QUERY_WORKERS must be a number, not 'four'" in capsys.readouterr().err
    monkeypatch.setenv("CITYKG_QUERY_WORKERS", "4")
    monkeypatch.setenv("CITYKG_QUERYABLE_RELEASES", "0")
    assert main(["serve", "--project", str(ROOT), "--var-dir", var_dir]) == 2
    assert "CITYKG_QUERYABLE_RELEASES must be 1 or more, not 0" in capsys.readouterr().err


@pytest.mark.system  # runs citykg as a process
def test_serve_that_cannot_start_says_why_in_one_line(release):
    """A remote store nobody answers at: the web process cannot start; no stack trace."""
    env = {**os.environ, "CITYKG_STORE_URL": f"http://127.0.0.1:{free_port()}/sparql"}
    command = [sys.executable, "-m", "citykg", "serve", "--project", str(ROOT)]
    command += ["--var-dir", str(release.parent.parent), "--port", str(free_port())]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "citykg: cannot serve: could not reach http://127.0.0.1:" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_explain_prints_what_became_of_every_line(capsys):
    profile = ROOT / "data" / "profiles" / "leipzig-deu-2020.txt"
    assert main(["explain", "--project", str(ROOT), str(profile)]) == 0
    out = capsys.readouterr().out
    blocks: dict[str, list[str]] = {}
    for line in out.splitlines():
        if line[:5].strip().isdigit():
            current = blocks.setdefault(line[7:], [])
        elif line.startswith("         "):
            current.append(line.strip())
    p, figure = "<id/profile/leipzig-deu/2020>", "<id/profile/leipzig-deu/2020/population>"
    assert blocks["600,000 (2019)"] == [
        f"fact     {p} citykg:population {figure}",
        f'fact     {figure} citykg:populationCount "600000"^^xsd:integer',
        f'fact     {figure} citykg:referenceYear "2019"^^xsd:gYear',
    ]
    assert blocks["Mayor"] == ["layout   heading of the mayor section"]
    assert blocks["47 cities"][0].startswith("info     [ambiguous-chart]")
    assert any(x.startswith("warning  [shacl]") for x in blocks["Health"])
    assert "UNACCOUNTED" not in out
    numbered = [x for x in out.splitlines() if x[:5].strip().isdigit()]
    assert len(numbered) == sum(1 for x in leipzig_text().splitlines() if x.strip())


def test_explain_a_missing_file(capsys):
    assert main(["explain", "--project", str(ROOT), "no-such.txt"]) == 1
    assert "no-such.txt: no such file" in capsys.readouterr().err


@pytest.mark.system  # runs citykg as a process
def test_a_malformed_source_date_epoch_stops_the_build(tmp_path, monkeypatch, capsys):
    """Reproducible-builds spec: a malformed SOURCE_DATE_EPOCH is an error, not ignored."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1.7e9")
    assert main(["build", "-q", "--project", str(ROOT), "--var-dir", str(tmp_path)]) == 1
    assert "SOURCE_DATE_EPOCH must be whole seconds since 1970, not '1.7e9'" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "current").exists()


def test_build_dir_is_a_deprecated_alias_of_var_dir(tmp_path, capsys):
    """``--build-dir`` still chooses where releases go, and says it is deprecated."""
    project = make_project(tmp_path / "p", {"leipzig-deu-2020.txt": leipzig_text()})
    old = tmp_path / "old-build-dir"
    assert main(["build", "-q", "--project", str(project.root), "--build-dir", str(old)]) == 0
    assert "--build-dir is deprecated; use --var-dir" in capsys.readouterr().err
    assert (old / "current" / "citykg.nq").is_file()
    assert not project.var_dir.exists()


def test_releases_go_to_var_by_default(tmp_path):
    project = make_project(tmp_path / "p", {"leipzig-deu-2020.txt": leipzig_text()})
    assert main(["build", "-q", "--project", str(project.root)]) == 0
    assert (project.root / "var" / "current").resolve().parent == project.root / "var" / "releases"
    assert not (project.root / "build").exists()


def test_serve_refuses_a_port_another_server_listens_on(release, capsys):
    """Granian would share the port with a listener that allows it (SO_REUSEPORT) and split
    the requests between the two servers; citykg says so and does not start."""
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        var_dir = str(release.parent.parent)
        command = ["serve", "--project", str(ROOT), "--var-dir", var_dir, "--port", str(port)]
        assert main(command) == 1
    err = capsys.readouterr().err
    assert f"cannot serve on 127.0.0.1:{port}: something listens there already" in err
