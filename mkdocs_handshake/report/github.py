"""GitHub Actions workflow commands: ``::error file=…,line=…,col=…,title=…::message``
puts each finding on its line in the pull request's diff.

Known debt and waived findings get no annotation (GitHub shows only the
first few of each kind per step, and old debt would push new findings out).
"""

from __future__ import annotations

from ..findings.finding import Severity
from .base import Report


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report) -> str:
    lines: list[str] = []
    for finding in report.findings:
        if not report.counts(finding):
            continue
        command = "error" if finding.severity is Severity.ERROR else "warning"
        properties = ",".join(
            f"{name}={_property(value)}"
            for name, value in (
                ("file", report.path(finding)),
                ("line", str(finding.loc.line)),
                ("col", str(finding.loc.column)),
                ("title", f"{finding.rule} {finding.subject}".strip()),
            )
        )
        message = finding.message + (f"\n{finding.excerpt}" if finding.excerpt else "")
        lines.append(f"::{command} {properties}::{_data(message)}")
    for entry in report.stale:
        lines.append(f"::notice title={_property('stale baseline entry')}::{_data(entry.describe())}")
    lines.append(report.summary_line())
    return "\n".join(lines) + "\n"
