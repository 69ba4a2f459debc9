"""Running the rules: model in, sorted findings out.

Configuration is applied here and nowhere else: per-rule severity overrides
(``rules: {ID: error|warning|off}``) and waivers. A waived finding is kept,
marked ``waived``, so the report still shows what was excused and why.
A finding the baseline records is kept too, marked ``baselined`` (known
debt); waivers are applied first, so a waived finding is never debt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Sequence

from .baseline import Baseline, apply as apply_baseline
from .findings import Finding, Severity
from .model import GovernanceModel, Waiver
from .rules import REGISTRY
from .rules.context import RuleContext


class ConfigError(ValueError):
    """Configuration that cannot be honoured (unknown rule id, bad severity)."""


@dataclass(frozen=True)
class EngineConfig:
    severities: Mapping[str, str] = field(default_factory=dict)
    waivers: Sequence[Waiver] = ()
    as_of: dt.date = field(default_factory=dt.date.today)
    options: Mapping[str, object] = field(default_factory=dict)
    baseline: Baseline | None = None

    def validate(self) -> None:
        for rule_id, severity in self.severities.items():
            if rule_id not in REGISTRY:
                raise ConfigError(f"rules: unknown rule id {rule_id!r} (known: {', '.join(sorted(REGISTRY))})")
            if severity not in ("error", "warning", "off"):
                raise ConfigError(f"rules: {rule_id}: severity must be error, warning or off, not {severity!r}")
        for waiver in self.waivers:
            if waiver.rule not in REGISTRY:
                raise ConfigError(f"waivers: unknown rule id {waiver.rule!r}")


def waiver_applies(waiver: Waiver, as_of: dt.date) -> bool:
    """A waiver counts only with an approval date and before its expiry date.

    An expiry written as a phase ("Phase 1") is judged by the PHASE-002 rule
    against the phase gate; here only dates can expire a waiver."""
    if not _parse_date(waiver.approved):
        return False
    expires = _parse_date(waiver.expires)
    return not (expires and expires < as_of)


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text).strip()[:10])
    except ValueError:
        return None


def _waiver_for(finding: Finding, waivers: Iterable[Waiver], as_of: dt.date) -> Waiver | None:
    for waiver in waivers:
        if waiver.rule != finding.rule or not waiver_applies(waiver, as_of):
            continue
        target = waiver.target.strip()
        if target in (finding.subject, finding.loc.file) or finding.loc.file.endswith("/" + target):
            return waiver
    return None


def run_rules(model: GovernanceModel, config: EngineConfig | None = None) -> list[Finding]:
    config = config or EngineConfig()
    config.validate()
    context = RuleContext(model, as_of=config.as_of, options={**config.options, "waivers": tuple(config.waivers)})
    findings: list[Finding] = []
    for rule_id in sorted(REGISTRY):
        rule = REGISTRY[rule_id]
        configured = config.severities.get(rule_id)
        if configured == "off":
            continue
        for finding in rule.check(rule, context):
            if configured:
                finding = replace(finding, severity=Severity(configured))
            waiver = _waiver_for(finding, config.waivers, config.as_of)
            if waiver:
                finding = replace(finding, waived=True, waiver_reason=waiver.reason)
            findings.append(finding)
    findings = sorted(set(findings), key=Finding.sort_key)
    if config.baseline is not None:
        findings = apply_baseline(findings, config.baseline)
    return findings


def summarize(findings: Sequence[Finding]) -> dict[str, object]:
    """Counts of what fails a build (``error``, ``warning``, ``by_rule``) and
    of what does not: ``waived`` and ``baselined`` (known debt)."""
    counted = [finding for finding in findings if not finding.waived and not finding.baselined]
    by_rule: dict[str, int] = {}
    for finding in counted:
        by_rule[finding.rule] = by_rule.get(finding.rule, 0) + 1
    return {
        "error": sum(1 for finding in counted if finding.severity is Severity.ERROR),
        "warning": sum(1 for finding in counted if finding.severity is Severity.WARNING),
        "waived": sum(1 for finding in findings if finding.waived),
        "baselined": sum(1 for finding in findings if finding.baselined),
        "by_rule": dict(sorted(by_rule.items())),
    }
