"""One defect, one finding: fold a rule's finding into another rule's
finding on the same thing.

Some defects answer to two clauses: an anchor into the Roadmap that also
cites an old spec version (ANCHOR-003 and ANCHOR-006), a placeholder where
the signature goes (PKT-005 names the placeholder, PKT-014 the empty lock).
One edit fixes both, so the second finding is named in the first's details
instead of standing on its own. Which rules pair up, and how their findings
are matched, is the profile's ``duplicates`` list (data, per era).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from ..model.ids import variant_base
from .finding import Finding
from ..protocol.profiles import Duplicate


def _key(finding: Finding, same: str) -> tuple[object, ...]:
    if same == "place":
        return (finding.loc.file, finding.loc.line, finding.loc.column)
    if same == "family":
        # the same WP's work, whichever file each rule stands in: a base id
        # and its -vN revision are one subject
        return (variant_base(finding.subject),)
    return (finding.loc.file, finding.subject, finding.excerpt.strip())


def fold_duplicates(findings: Sequence[Finding], duplicates: Sequence[Duplicate]) -> list[Finding]:
    """``findings`` with each finding of a ``fold`` rule that matches a
    finding of its ``keep`` rule removed, and named in that finding's
    details ("also RULE: message"). Waived findings are left alone: a
    waiver excuses one rule's finding, not the other's."""
    result = list(findings)
    for pair in duplicates:
        keepers: dict[tuple[object, ...], int] = {}
        for index, finding in enumerate(result):
            if finding.rule == pair.keep and not finding.waived:
                keepers.setdefault(_key(finding, pair.same), index)
        if not keepers:
            continue
        dropped: set[int] = set()
        for index, finding in enumerate(result):
            if finding.rule != pair.fold or finding.waived:
                continue
            target = keepers.get(_key(finding, pair.same))
            if target is None:
                continue
            kept = result[target]
            note = f"also {finding.rule} ({finding.loc.file}:{finding.loc.line}): {finding.message}"
            result[target] = replace(kept, details=(*kept.details, note))
            dropped.add(index)
        result = [finding for index, finding in enumerate(result) if index not in dropped]
    return result
