"""The shared black-box checkers against ``citykg serve`` running as a real process."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from support.project import ROOT

CHECKERS = ROOT.parent / "shared" / "conformance"
BASE_IRI = "https://w3id.org/citykg"
# In the 200 + Vary: Accept style there is no 303 whose target could be checked.
NOT_APPLICABLE = {"ld-303-target"}

pytestmark = pytest.mark.skipif(not CHECKERS.is_dir(), reason=f"{CHECKERS} not found")


def run(script: str, args: list[str], tmp_path) -> dict:
    out = tmp_path / "result.json"
    proc = subprocess.run(
        [sys.executable, str(CHECKERS / script), *args, "--json", str(out), "--timeout", "30"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert out.exists(), proc.stdout + proc.stderr
    return json.loads(out.read_text())


def test_sparql_protocol_checks_all_pass(served, tmp_path):
    report = run("check_endpoint.py", ["--endpoint", f"{served}/sparql"], tmp_path)
    failed = [r for r in report["results"] if r["result"] != "pass"]
    assert failed == [], failed
    assert report["summary"]["line"] == "endpoint: 63/63 passed, 0 failed, 0 skipped"


def test_sparql_protocol_strict_dataset(served, tmp_path):
    report = run(
        "check_endpoint.py",
        ["--endpoint", f"{served}/sparql", "--strict-dataset", "--only", "dataset"],
        tmp_path,
    )
    assert report["summary"]["failed"] == 0 and report["summary"]["skipped"] == 0


@pytest.mark.parametrize(
    ("resource", "iri"),
    [
        ("/id/city/leipzig-deu", f"{BASE_IRI}/id/city/leipzig-deu"),
        ("/id/concept/policy-area/health", f"{BASE_IRI}/id/concept/policy-area/health"),
        ("/ontology", f"{BASE_IRI}/ontology#Mayor"),
    ],
    ids=["city", "concept", "ontology-term"],
)
def test_linked_data_checks_pass(served, tmp_path, resource, iri):
    report = run(
        "check_linked_data.py",
        ["--base", served, "--resource", resource, "--iri", iri, "--endpoint", "/sparql"],
        tmp_path,
    )
    results = {r["id"]: r for r in report["results"]}
    failed = [r for r in results.values() if r["result"] == "fail"]
    skipped = {r["id"] for r in results.values() if r["result"] == "skip"}
    assert failed == [], failed
    assert skipped <= NOT_APPLICABLE, skipped
    assert results["dump-contains-resource"]["result"] == "pass"
