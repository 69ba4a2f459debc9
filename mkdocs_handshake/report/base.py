"""The one input every output format takes."""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass

from ..findings.baseline import Stale
from ..rules.engine import RulePlan
from ..findings.finding import Finding, Severity
from ..model.governance import GovernanceModel

_FAILS = {
    "error": frozenset({Severity.ERROR}),
    "warning": frozenset({Severity.ERROR, Severity.WARNING}),
    "never": frozenset(),
}


@dataclass(frozen=True)
class Report:
    model: GovernanceModel
    #: The findings to report (after ``--changed-only``), sorted, including
    #: waived ones and known debt, which formats show as such.
    findings: tuple[Finding, ...]
    as_of: dt.date
    fail_on: str = "error"
    #: Path from the current folder to the governance root ("" when they are
    #: the same): CI annotations and editors open files from where the
    #: command ran, while findings name files relative to the root.
    path_prefix: str = ""
    #: The baseline file in use, as given; None without one.
    baseline: str | None = None
    stale: tuple[Stale, ...] = ()
    #: Which rules ran and why the others did not (engine.rule_plan).
    plan: tuple[RulePlan, ...] = ()

    def path(self, finding: Finding) -> str:
        return posixpath.join(self.path_prefix, finding.loc.file) if self.path_prefix else finding.loc.file

    @staticmethod
    def counts(finding: Finding) -> bool:
        """Whether the finding counts towards failing: not waived, not known debt."""
        return not finding.waived and not finding.baselined

    def fails(self, finding: Finding) -> bool:
        return self.counts(finding) and finding.severity in _FAILS[self.fail_on]

    @property
    def failing(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if self.fails(finding))

    def summary_line(self) -> str:
        errors = sum(1 for f in self.findings if self.counts(f) and f.severity is Severity.ERROR)
        warnings = sum(1 for f in self.findings if self.counts(f) and f.severity is Severity.WARNING)
        waived = sum(1 for f in self.findings if f.waived)
        line = f"governance: {errors} error(s), {warnings} warning(s), {waived} waived"
        if self.baseline is not None:
            debt = sum(1 for f in self.findings if f.baselined)
            line += f", {debt} known debt (baseline {self.baseline})"
        return line
