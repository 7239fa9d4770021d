"""Findings: what the importer and the validator say about a source, with file and line."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How serious a finding is. Errors stop a build; warnings and infos are reported."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Finding:
    """One thing worth telling the publisher about a source file."""

    file: str
    line: int | None
    severity: Severity
    code: str
    message: str
    focus: str | None = None
    path: str | None = None

    def location(self) -> str:
        """``file:line`` (or just ``file`` when the line is unknown)."""
        return f"{self.file}:{self.line}" if self.line else self.file

    def format(self) -> str:
        """One human-readable line: location, severity, code, focus node and path, message."""
        where = " ".join(f"<{x}>" for x in (self.focus, self.path) if x)
        where = f" {where}" if where else ""
        return f"{self.location()}: {self.severity.value} [{self.code}]{where}: {self.message}"


class InputError(Exception):
    """A source file the build or validator cannot use at all (missing, too large, not valid):
    the one finding that says why."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.format())
        self.finding = finding


def count_errors(findings: list[Finding]) -> int:
    """How many findings are errors."""
    return sum(1 for f in findings if f.severity is Severity.ERROR)


def findings_json(findings: list[Finding], report: Mapping[Finding, str] | None = None) -> str:
    """The findings as a JSON array, sorted, for the release and for tools; with ``report``
    (each finding's node in the release's validation report graph) each row names its node as
    ``report``."""
    report = report or {}
    rows = [
        asdict(f) | {"severity": f.severity.value} | ({"report": report[f]} if f in report else {})
        for f in sorted(findings, key=_sort_key)
    ]
    return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"


def _sort_key(f: Finding) -> tuple:
    return (f.file, f.line or 0, f.code, f.message, f.focus or "", f.path or "")
