"""Compiler-style lines (``path:line:col: severity RULE-ID message``, then the
excerpt indented), which editors and terminals turn into jumps."""

from __future__ import annotations

from .base import Report


def render_text(report: Report) -> str:
    lines: list[str] = []
    for finding in report.findings:
        if not report.counts(finding):
            continue
        lines.append(f"{report.path(finding)}:{finding.loc.line}:{finding.loc.column}: {finding.severity.value} {finding.rule} {finding.message}")
        lines.extend(f"    {part}" for part in finding.excerpt.splitlines() if part.strip())
        # A remedy finding's defects, each a jump of its own ("- " keeps
        # them from reading as findings).
        lines.extend(f"    - {report.path(part)}:{part.loc.line}: {part.rule} {part.message}{' (known debt)' if part.baselined else ''}" for part in finding.parts)
    lines.append(report.summary_line())
    for entry in report.stale:
        lines.append(f"stale baseline entry: {entry.describe()}")
    if report.stale:
        lines.append(f"{len(report.stale)} stale baseline entr{'y' if len(report.stale) == 1 else 'ies'}: rewrite the file with --write-baseline to drop them")
    return "\n".join(lines) + "\n"
