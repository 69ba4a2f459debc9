"""The findings of a site build, written to the build's log: every finding
at the level its severity asks for, then the summary and the stale
baseline entries. The MkDocs plugin hands over its logger; nothing here
imports MkDocs."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Sequence

from ..findings.baseline import Stale, fingerprint
from ..findings.finding import Finding, Severity
from ..rules.engine import summarize


def log_findings(
    log: logging.Logger | logging.LoggerAdapter, findings: Sequence[Finding], previous: Counter[tuple[object, ...]] | None,
    baseline: str | None, stale: Sequence[Stale],
) -> Counter[tuple[object, ...]]:
    """Every finding, then the summary. A ``mkdocs serve`` rebuild logs
    only what is new since the session's previous build (``previous``,
    what the last call returned): the terminal is where an edit's effect
    is looked for, and repeating every finding (thousands on a large repo)
    would scroll it away. The findings page always lists them all.
    Returns what was logged, for the next rebuild to compare with."""
    now = Counter(log_key(finding) for finding in findings)
    counted: Counter[tuple[object, ...]] = Counter()
    new = 0
    for finding in findings:
        key = log_key(finding)
        counted[key] += 1
        if previous is not None and counted[key] <= previous[key]:
            continue
        new += 1
        if finding.waived:
            log.info("%s (waived: %s)", finding.log_line(), finding.waiver_reason)
        elif finding.baselined:
            log.debug("%s (known debt: in the baseline)", finding.log_line())
        elif finding.severity is Severity.ERROR:
            log.error(finding.log_line())
        else:
            log.warning(finding.log_line())
    summary = summarize(findings)
    level = logging.ERROR if summary["error"] else logging.WARNING if summary["warning"] else logging.INFO
    debt = f", {summary['baselined']} known debt (baseline {baseline})" if baseline else ""
    since = ""
    if previous is not None:
        fixed = sum((previous - now).values())
        since = f"; since the last build: {new} new (above), {fixed} gone, {len(findings) - new} unchanged (not repeated here; the findings page lists them)"
    log.log(level, "governance: %d error(s), %d warning(s), %d waived%s%s", summary["error"], summary["warning"], summary["waived"], debt, since)
    for entry in stale:
        log.info("governance: baseline entry no longer found: %s", entry.describe())
    if stale:
        log.info(
            "governance: %d stale baseline entr%s; `mkdocs-handshake check --write-baseline %s` rewrites the file without them",
            len(stale), "y" if len(stale) == 1 else "ies", baseline,
        )
    return now


def log_key(finding: Finding) -> tuple[object, ...]:
    """A finding's identity across serve rebuilds: the baseline's
    fingerprint (rule, subject, excerpt; an edit above it moves its line,
    not its identity) and how it is reported, so a finding that became an
    error or was waived is logged again. A finding that folds others
    (REMEDY-001) is also what it lists: a new defect logs it again."""
    return (fingerprint(finding), finding.severity.value, finding.waived, finding.baselined, *sorted(fingerprint(part) for part in finding.parts))
