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
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from ..findings.baseline import Baseline, apply as apply_baseline
from ..findings.duplicates import fold_duplicates
from .gates import defer_later_gates
from ..load.git_history import History, board_entered, clause_in_force, profile_history
from .dep import BOARD_ENTERED
from ..findings.finding import Finding, Severity
from ..model.governance import GovernanceModel, Waiver
from ..findings.config import ConfigError, EngineConfig
from ..model.basics import Lifecycle
from ..analysis.waivers import waiver_state
from ..protocol.profiles import Profile
from . import REGISTRY
from .context import PacketMemo, RuleContext, profile_of
from .remedy import EDIT_FINDINGS, RULE_ID as REMEDY_RULE, signed_state


def waiver_applies(waiver: Waiver, as_of: dt.date) -> bool:
    """A waiver counts only when :func:`~mkdocs_handshake.analysis.waivers.waiver_state` finds it
    active: a real approval date not after ``as_of``, and an expiry that is
    a real date not passed, a phase, or nothing. A value that is not a date
    excuses nothing (PHASE-002 reports it).

    Whether an expiry phase is closed is judged by the PHASE-002 rule
    against the phase gate; here only dates can expire a waiver."""
    return waiver_state(waiver, as_of, ()).state == "active"


def _waiver_for(finding: Finding, waivers: Iterable[Waiver], as_of: dt.date) -> Waiver | None:
    for waiver in waivers:
        if waiver.rule != finding.rule or not waiver_applies(waiver, as_of):
            continue
        target = waiver.target.strip()
        if target in (finding.subject, finding.loc.file) or finding.loc.file.endswith("/" + target):
            return waiver
    return None


@dataclass(frozen=True)
class RulePlan:
    """Whether a rule runs on this repository, and why (or why not)."""

    rule: str
    applied: bool
    reason: str
    clause: str = ""
    scope: str = "all"


def check_profile(profile: Profile) -> None:
    """A profile may only name rules that exist: a typo would silently
    switch a rule off."""
    named = set(profile.rules) | {rule for pair in profile.duplicates for rule in (pair.keep, pair.fold)} | set(profile.rule_roles)
    unknown = sorted(named - set(REGISTRY))
    if unknown:
        raise ConfigError(f"profile {profile.source}: unknown rule id(s) {', '.join(unknown)}")


def rule_plan(model: GovernanceModel, config: EngineConfig | None = None) -> tuple[RulePlan, ...]:
    """Every registered rule with whether it applies: a rule runs when the
    profile in force lists it, the ``rules`` option does not switch it off,
    and the repository's protocol text still holds the clause it rests on."""
    severities = config.severities if config else {}
    history = config.history if config else False
    profile = profile_of(model)
    check_profile(profile)
    plan = []
    for rule_id in sorted(REGISTRY):
        use = profile.rules.get(rule_id)
        if use is None:
            plan.append(RulePlan(rule_id, False, f"not part of the protocol profile {profile.id}"))
            continue
        scope = "all" if history else use.scope
        if severities.get(rule_id) == "off":
            plan.append(RulePlan(rule_id, False, "switched off by the 'rules' option", use.clause, scope))
            continue
        missing = [phrase for phrase in use.evidence if model.protocol and phrase in model.protocol.missing_phrases]
        if use.evidence and len(missing) == len(use.evidence):
            files = ", ".join(model.protocol.protocol_files) if model.protocol else ""
            said = " or ".join(f"'{phrase}'" for phrase in missing)
            plan.append(RulePlan(rule_id, False, f"its clause is gone: the protocol text ({files}) no longer says {said}", use.clause, scope))
            continue
        reason = f"{use.clause} ({profile.id})"
        if use.evidence:
            reason += _clause_date(model, profile, use)
        plan.append(RulePlan(rule_id, True, reason, use.clause, scope))
    return tuple(plan)


def _clause_date(model: GovernanceModel, profile: Profile, use: object) -> str:
    """When the rule's clause entered the protocol, as git says, or why
    that is unknown: packets created before it are not judged by it."""
    history, why = clause_history(model, profile)
    phrases = getattr(use, "evidence", ())
    if history is None:
        return f"; clause date unknown ({why}), so every packet is judged by it"
    dates = [history.first_said[phrase] for phrase in phrases if phrase in history.first_said]
    if not dates:
        return "; clause date unknown (git history does not show its evidence phrase being written), so every packet is judged by it"
    retro = " (retroactive: older packets too)" if getattr(use, "retroactive", False) else "; packets created before then are not judged by it"
    return f"; in the protocol since {min(dates).isoformat()} (git){retro}"


def _history_subjects(model: GovernanceModel) -> frozenset[str]:
    """Subjects (WP ids and packet files) that name only packets which are
    not active: findings on them by an ``active``-scope rule are history."""
    active: set[str] = set()
    history: set[str] = set()
    for packet in model.packets:
        target = active if packet.lifecycle is Lifecycle.ACTIVE else history
        target.update((packet.id, packet.file))
    return frozenset(history - active)


def run_rules(model: GovernanceModel, config: EngineConfig, memo: PacketMemo | None = None) -> list[Finding]:
    """Every applicable rule's findings, configured, waived and baselined,
    sorted. With a ``memo``, per-packet rules judge again only the packets
    it has no findings for, and what rules read in one packet's text is
    read again only in the packets that changed (see :class:`PacketMemo`)."""
    config.validate(REGISTRY)
    plans = rule_plan(model, config)
    entered, _why = board_entered(Path(model.root), model.board.file) if model.board is not None else ({}, "")
    context = RuleContext(
        model, as_of=config.as_of, options={**config.options, "waivers": tuple(config.waivers), BOARD_ENTERED: entered}, history=config.history, packet_memo=memo,
        in_force=frozenset(plan.rule for plan in plans if plan.applied),
    )
    history = _history_subjects(model)
    assert context.profile is not None
    dated = _clause_filter(model, context.profile)
    findings: list[Finding] = []
    remedy_plan: RulePlan | None = None
    for plan in plans:
        if not plan.applied:
            continue
        if plan.rule == REMEDY_RULE:
            remedy_plan = plan
            continue
        found = REGISTRY[plan.rule].check(REGISTRY[plan.rule], context)
        findings.extend(_configured(plan, (finding for finding in found if dated(plan.rule, finding)), history, config))
    findings = defer_later_gates(findings, model.packets, context.profile.gate_roles, context.profile.rule_roles)
    findings = fold_duplicates(findings, context.profile.duplicates)
    if remedy_plan is not None and not config.history:
        findings = _fold_locked(remedy_plan, plans, findings, context, history, config)
    findings = sorted(set(findings), key=Finding.sort_key)
    if config.baseline is not None:
        findings = apply_baseline(findings, config.baseline)
    return findings


def clause_history(model: GovernanceModel, profile: Profile) -> tuple[History | None, str]:
    """The repository's git history as far as the profile's clauses need
    it (see :func:`mkdocs_handshake.load.git_history.profile_history`);
    None, with the reason, outside git."""
    return profile_history(model, profile)


def _clause_filter(model: GovernanceModel, profile: Profile) -> Callable[[str, Finding], bool]:
    """``keep(rule, finding)``: False for a finding on a packet that git
    shows was created before the rule's clause entered the protocol (and
    the profile does not mark the clause retroactive). Outside git every
    finding is kept: the dates are unknown, and judging is as before."""
    history, _why = clause_history(model, profile)
    if history is None:
        return lambda rule, finding: True
    packets = {packet.file: packet for packet in model.packets}
    by_id = {packet.id: packet for packet in model.packets}

    def keep(rule: str, finding: Finding) -> bool:
        use = profile.rules.get(rule)
        if use is None or not use.evidence:
            return True
        packet = packets.get(finding.loc.file) or by_id.get(finding.subject)
        if packet is None:
            return True
        return clause_in_force(history, packet.file, use.evidence, use.retroactive).applies

    return keep


def _configured(plan: RulePlan, found: Iterable[Finding], history: frozenset[str], config: EngineConfig) -> Iterator[Finding]:
    """A rule's findings with the run's configuration applied: history
    left out for ``active``-scope rules, severity overrides, waivers."""
    configured = config.severities.get(plan.rule)
    for finding in found:
        if plan.scope == "active" and finding.subject in history:
            continue
        if configured:
            finding = replace(finding, severity=Severity(configured))
        waiver = _waiver_for(finding, config.waivers, config.as_of)
        if waiver:
            finding = replace(finding, waived=True, waiver_reason=waiver.reason)
        yield finding


def _fold_locked(
    remedy_plan: RulePlan, plans: Sequence[RulePlan], findings: list[Finding], context: RuleContext, history: frozenset[str], config: EngineConfig
) -> list[Finding]:
    """Run REMEDY-001 on the findings of the rules whose fix is an edit of
    a packet (profile ``scope: active``), and put its findings in place of
    those it folds: a locked packet gets one action, not one edit per
    defect (see :mod:`.rules.remedy`). Not in an audit of history, which
    asks for every defect on its own."""
    edit_rules = {plan.rule for plan in plans if plan.applied and plan.scope == "active"}
    edit = tuple(finding for finding in findings if finding.rule in edit_rules)
    if not edit:
        return findings
    folding = replace(context, options={**context.options, EDIT_FINDINGS: edit})
    rule = REGISTRY[remedy_plan.rule]
    remedies = list(_configured(remedy_plan, rule.check(rule, folding), history, config))
    folded = {part for remedy in remedies for part in remedy.parts}
    assert context.profile is not None
    quiet = signed_state(edit, context.model, context.profile, edit_rules)
    return [finding for finding in findings if finding not in folded and finding not in quiet] + remedies


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
