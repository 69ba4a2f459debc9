"""PHASE rules: the phase closure gate and waivers (protocol Part 6.4, 6.5).

Both rules read the gate evaluated by :mod:`mkdocs_handshake.analysis.phase_gate`, the
same data the phase-gate page shows, so the build and the page agree.
"""

from __future__ import annotations

from typing import Iterator

from ..findings.finding import Finding
from ..model.basics import Loc
from ..model.governance import Waiver
from ..analysis.phase_basics import PhaseGate
from ..analysis.phase_claims import collect_phase_claims
from ..analysis.phase_gate import evaluate_phase_gate
from ..analysis.waivers import waiver_state
from .base import Rule, rule
from .context import RuleContext


def _failure_summary(gate: PhaseGate) -> str:
    """The failed MUST criteria with the WPs behind them, shortest form."""
    parts: list[str] = []
    for criterion in gate.failed_musts:
        wps = sorted({e.wp for e in criterion.evidence if e.wp and not e.rule and not e.text.startswith("VALIDATED")})
        shown = ", ".join(wps[:5]) + (f" and {len(wps) - 5} more" if len(wps) > 5 else "")
        if criterion.id == "validated":
            done, total = gate.share
            parts.append(f"only {done} of {total} phase-critical WPs are VALIDATED (not: {shown})")
        else:
            parts.append(f"{criterion.title.split(' (')[0].lower()} fails ({shown})" if shown else criterion.title.lower())
    return "; ".join(parts)


@rule("PHASE-001", "error", "A phase claimed closed meets every MUST criterion")
def phase_claim_meets_gate(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 6.5 [CX-609B]: "A phase is ready to close ONLY when ALL criteria
    below are met" — all phase-critical WPs VALIDATED (validator verdict
    PASS), no unresolved blockers (nothing Blocked, every dependency
    VALIDATED). A statement anywhere (task board, packet) that a phase is
    closed or READY TO CLOSE is checked against the MUST criteria the files
    can show; criteria the files cannot show (spec regression, supply chain,
    git trail) are reported on the phase-gate page, not as errors here."""
    claims = collect_phase_claims(ctx.model, ctx.scan_packet)
    if not claims:
        return
    for gate in evaluate_phase_gate(ctx.model, (), ctx.as_of, ctx.graph, claims, claimed_only=True, scan=ctx.scan_packet):
        if not gate.claims or not gate.failed_musts:
            continue
        summary = _failure_summary(gate)
        for claim in gate.claims:
            yield rule.finding(
                f"Phase {gate.phase} is claimed closed or ready to close, but MUST criteria of the phase gate fail: "
                f"{summary}; Part 6.5 allows closing only when every MUST criterion is met",
                claim.loc,
                claim.text,
                f"Phase {gate.phase}",
            )


def _waiver_loc(ctx: RuleContext) -> Loc:
    """Waivers live in mkdocs.yml, which the model does not parse: point at
    the config file (``options["config_file"]`` when the plugin passes it)."""
    return Loc(str(ctx.options.get("config_file") or "mkdocs.yml"), 1)


@rule("PHASE-002", "error", "A waiver has an approval date and has not expired")
def waiver_approved_and_current(rule: Rule, ctx: RuleContext) -> Iterator[Finding]:
    """Part 1 (Waiver Audit Trail): "All waivers logged with approval date;
    expire at phase boundary"; VALIDATOR_PROTOCOL [CX-573F]: expired waivers
    at a phase boundary must be revalidated or removed. A configured waiver
    without an approval date, past its expiry date, or whose phase (its
    expiry, or its target WP's phase when no expiry is given) is claimed
    closed or ready to close no longer excuses anything. Dates are read
    strictly: an approval or expiry that is not a real ``YYYY-MM-DD`` date
    (and, for the expiry, not a phase) or an approval dated after ``as_of``
    makes the waiver invalid; it excuses nothing."""
    waivers = tuple(w for w in ctx.options.get("waivers", ()) or () if isinstance(w, Waiver))  # type: ignore[union-attr]
    if not waivers:
        return
    closed = {claim.phase for claim in collect_phase_claims(ctx.model, ctx.scan_packet)}
    loc = _waiver_loc(ctx)
    for waiver in waivers:
        state = waiver_state(waiver, ctx.as_of, closed)
        label = f"waiver for {waiver.rule} on {waiver.target}"
        if state.state == "unapproved":
            yield rule.finding(
                f"The {label} has {state.reason}; the protocol requires every waiver to be logged with its approval date "
                "(set `approved: YYYY-MM-DD`), until then it does not excuse the finding",
                loc,
                waiver.approved or waiver.target,
                waiver.target,
            )
        elif state.state == "invalid":
            yield rule.finding(
                f"The {label} is invalid: {state.reason}; it does not excuse the finding until the date is corrected",
                loc,
                state.value or waiver.target,
                waiver.target,
            )
        elif state.state == "expired":
            yield rule.finding(
                f"The {label} {state.reason}; waivers expire at the phase boundary: revalidate it with a new expiry or remove it",
                loc,
                waiver.expires or waiver.target,
                waiver.target,
            )
