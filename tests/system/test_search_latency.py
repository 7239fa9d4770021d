"""The search latency script (tests/bench/search_latency.py) works on a clean clone: a tiny run
at 30 synthetic cities. Figures are not judged (speed is measured by running the script); the
script itself fails when a search's first result is not the page it must be."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / "bench" / "search_latency.py"


def test_search_latency_is_measured_for_every_search(tmp_path):
    out = tmp_path / "figures.json"
    command = [sys.executable, str(SCRIPT), "30", "--rounds", "3", "--workdir", str(tmp_path)]
    done = subprocess.run(
        [*command, "--out", str(out)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(out.read_text())
    assert figures["count"] == 30 and figures["documents"] > 30 * 3 and figures["index_mb"] > 0
    names = {"city name", "person", "spotlight + city", "answer option", "common word"}
    names |= {"every city (prefix)", "phrase", "no match"}
    assert set(figures["in_process_ms"]) == set(figures["http_ms"]) == names
    assert figures["http_ms"]["every city (prefix)"]["total"] == 30
    assert figures["http_ms"]["no match"]["total"] == 0
    for name in names:
        for fmt in ("json", "html"):
            measured = figures["http_ms"][name][fmt]
            assert 0 < measured["p50"] <= measured["p99"], (name, fmt)
    assert 0 < figures["sparql_function_ms"]["p50"] <= figures["sparql_function_ms"]["p99"]
