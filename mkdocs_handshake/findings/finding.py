"""Findings: what a rule reports, in the shape a person needs to fix it."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..model.basics import Loc


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


@dataclass(frozen=True)
class Finding:
    """One broken invariant, with the evidence that shows it.

    ``excerpt`` is the exact substring of the file that triggered the rule
    and ``loc.column`` where it starts, so an editor jump lands on it.
    ``subject`` is the WP id or section number the finding concerns.
    ``baselined`` marks known debt: recorded in the baseline file, so it is
    counted and listed but does not fail the build.
    """

    rule: str
    severity: Severity
    message: str
    loc: Loc
    excerpt: str = ""
    subject: str = ""
    waived: bool = False
    waiver_reason: str = ""
    baselined: bool = False
    # One line per part of a finding that groups several (the unmapped
    # DONE_MEANS items of one packet), each "file:line: what".
    details: tuple[str, ...] = ()
    # The findings a remedy finding (REMEDY-001) folds: the per-field
    # defects of a locked packet, kept whole for its page.
    parts: tuple["Finding", ...] = ()

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        return (self.loc.file, self.loc.line, self.loc.column, self.rule, self.subject, self.message)

    def log_line(self) -> str:
        return f"{self.loc.file}:{self.loc.line}: {self.rule} {self.message}"

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.loc.file,
            "line": self.loc.line,
            "column": self.loc.column,
            "excerpt": self.excerpt,
            "subject": self.subject,
        }
        if self.details:
            data["details"] = list(self.details)
        if self.parts:
            data["parts"] = [part.to_json() for part in self.parts]
        if self.waived:
            data["waived"] = True
            data["waiver_reason"] = self.waiver_reason
        if self.baselined:
            data["baselined"] = True
        return data
