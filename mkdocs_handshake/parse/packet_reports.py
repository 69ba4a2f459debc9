"""The validation reports appended to a task packet, with their verdicts.

A report starts at a heading or a line that names a validation, validator
or audit report and runs to the next report or the end of its section; its
verdict is read from its labels or, failing those, its title (see the
reading decisions in :mod:`.packets`). The phase gate and the SIG rules
judge a packet by its latest report.
"""

from __future__ import annotations

import re
from typing import Sequence

from ..model.basics import Loc
from ..model.packet import ValidationReport
from ..model.verdicts import VERDICT_WORDS, normalise_verdict
from .packet_labels import REPORT_HEADING, label_key
from .packet_markdown import HeadingInfo, PacketContext

ISO_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")
_VERDICT_KEYS = frozenset({"verdict", "validation verdict", "validator verdict", "final verdict", "overall verdict"})
_VERDICT_FALLBACK_KEYS = frozenset({"status", "result", "outcome"})
_HEADING_VERDICT = re.compile(r"(?<![A-Za-z_])(PASS|FAIL|OUTDATED_ONLY)(?![A-Za-z_])")


def validation_reports(ctx: PacketContext, headings: list[HeadingInfo]) -> tuple[ValidationReport, ...]:
    """Every validation report with its verdict (module docstring)."""
    starts: list[tuple[int, str, Loc, int | None]] = []  # (line, title, loc, heading level)
    for info in headings:
        if REPORT_HEADING.search(label_key(info.text)):
            starts.append((info.loc.line, info.text, info.loc, info.level))
    for text, loc in ctx.report_lines:
        starts.append((loc.line, text.replace("**", "").strip(), loc, None))
    starts.sort(key=lambda start: start[0])
    reports: list[ValidationReport] = []
    for position, (line, title, loc, level) in enumerate(starts):
        if level is None:  # a line report ends with the section that holds it
            enclosing = [info for info in headings if info.loc.line < line]
            level = enclosing[-1].level if enclosing else 0
        natural_end = next(
            (info.loc.line for info in headings if info.loc.line > line and info.level <= level),
            len(ctx.lines) + 1,
        )
        next_start = starts[position + 1][0] if position + 1 < len(starts) else len(ctx.lines) + 1
        end_line = min(natural_end, next_start)
        body = sorted(
            ((key, value, at) for key, value, at in ctx.labels if line < at.line < end_line),
            key=lambda label: (label[2].line, label[2].column),
        )
        verdict, verdict_loc = _verdict(body, title, loc)
        if not verdict and next_start < natural_end:
            continue  # a container ("## VALIDATION_REPORTS") of the reports that follow
        date_match = ISO_DATE.search(title)
        date = date_match.group(1) if date_match else ""
        if not date:
            for key, value, _ in body:
                found = ISO_DATE.search(value) if key == "date" else None
                if found:
                    date = found.group(1)
                    break
        reports.append(ValidationReport(title, loc, verdict, verdict_loc, date))
    return tuple(reports)


def _verdict(body: Sequence[tuple[str, str, Loc]], title: str, loc: Loc) -> tuple[str, Loc | None]:
    """A report's verdict: its first Verdict label, else a Status / Result
    label holding a verdict word, else a verdict word in its title."""
    for key, value, at in body:
        if key in _VERDICT_KEYS:
            word = normalise_verdict(value)
            return (word or value.strip()), at
    for key, value, at in body:
        if key in _VERDICT_FALLBACK_KEYS and normalise_verdict(value) in VERDICT_WORDS:
            return normalise_verdict(value), at
    match = _HEADING_VERDICT.search(title)
    if match:
        column = loc.column + max(title.find(match.group(1)), 0)
        return match.group(1), Loc(loc.file, loc.line, column)
    return "", None
