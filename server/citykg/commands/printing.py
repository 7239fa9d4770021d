"""Findings and their summary, as ``citykg build`` and ``citykg validate`` print them."""

from __future__ import annotations

from collections import Counter

from citykg.contract.findings import Finding, Severity


def print_findings(findings: list[Finding], quiet: bool) -> None:
    """Every finding (only errors when ``quiet``), one a line, by file and line."""
    for finding in sorted(findings, key=lambda f: (f.file, f.line or 0, f.code, f.message)):
        if not quiet or finding.severity is Severity.ERROR:
            print(finding.format())


def summary(count: int, findings: list[Finding], noun: str = "profile") -> str:
    """``3 profiles: 0 error(s), 2 warning(s), 1 info(s)``."""
    by = Counter(f.severity for f in findings)
    plural = "" if count == 1 else "s"
    return (
        f"{count} {noun}{plural}: {by[Severity.ERROR]} error(s), "
        f"{by[Severity.WARNING]} warning(s), {by[Severity.INFO]} info(s)"
    )
