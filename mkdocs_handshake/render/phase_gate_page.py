"""The phase-gate report: can each phase close? (protocol Part 6.4, Part 6.5)

Every MUST and SHOULD criterion of Part 6.5 is shown for every phase, with
its state and the evidence behind it, so a reader sees not just the verdict
but what to do next. States are plain text badges with CSS classes (no
reliance on the emoji extension), and the table is raw HTML with final URLs
(:meth:`RenderContext.href`) because MkDocs does not rewrite links inside
raw HTML.

The verdict follows :mod:`mkdocs_handshake.analysis.phase_gate`: READY TO CLOSE only
when every MUST criterion is PASS; an UNKNOWN MUST (a check the files cannot
show) keeps the phase NOT READY until someone records the evidence.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from ..model.basics import Loc
from ..model.governance import Waiver
from ..analysis.phase_basics import FAIL, PASS, UNKNOWN, Criterion, Evidence, PhaseGate
from ..analysis.phase_gate import is_validated, latest_verdict
from ..analysis.waivers import waiver_state
from .context import RenderContext
from .escape import html_text, md_code, md_text
from .common import admonition, family_anchor, html_loc, html_wp_link, join_blocks, rule_family, status_badge

PAGE = "phase-gate.md"

_STATE_CLASS = {PASS: "hs-status-validated", FAIL: "hs-status-failed", UNKNOWN: "hs-status-unknown"}
_STATE_WORD = {PASS: "PASS", FAIL: "FAIL", UNKNOWN: "UNKNOWN (not evidenced)"}


def state_badge(state: str, attested: bool = False) -> str:
    """A PASS/FAIL/UNKNOWN badge readable without any icon font."""
    word = _STATE_WORD.get(state, state) + (" (attested)" if attested else "")
    css = _STATE_CLASS.get(state, "hs-status-unknown")
    return f'<span class="hs-badge hs-gate-state hs-gate-{state.lower()} {css}">{html_text(word)}</span>'


def verdict_badge(gate: PhaseGate) -> str:
    css = "hs-status-validated" if gate.ready else "hs-status-failed"
    slug = "ready" if gate.ready else "not-ready"
    return f'<span class="hs-badge hs-gate-verdict hs-gate-{slug} {css}">{html_text(gate.verdict)}</span>'


#: A criterion shows up to this many evidence items inline; more go into a
#: collapsed ``<details>`` under a one-line summary.
EVIDENCE_INLINE = 3


def loc_code(loc: Loc) -> str:
    """``file:line`` as code: the file name, the full path on hover."""
    return html_loc(loc)


def _loc_text(loc: Loc | None) -> str:
    return f" {loc_code(loc)}" if loc is not None else ""


def _evidence_item(ctx: RenderContext, page: str, evidence: Evidence) -> str:
    parts: list[str] = []
    if evidence.wp:
        parts.append(html_wp_link(ctx, page, evidence.wp) + ":")
    text = evidence.text
    if evidence.rule:
        href = ctx.href(page, ctx.page_path("findings.md"), family_anchor(rule_family(evidence.rule)))
        rule_link = f'<a href="{html_text(href)}">{html_text(evidence.rule)}</a>'
        text = text[len(evidence.rule) + 1 :].strip() if text.startswith(evidence.rule + ":") else text
        parts.append(f"{rule_link}: {html_text(text)}")
    else:
        parts.append(html_text(text))
    return "<li>" + " ".join(parts) + _loc_text(evidence.loc) + "</li>"


def critical_anchor(gate: PhaseGate) -> str:
    """HTML id of the phase-critical WPs table of a phase."""
    return f"critical-wps-{re.sub(r'[^0-9a-z]+', '-', gate.phase.lower()).strip('-')}"


def _critical_summary(gate: PhaseGate, shown: Sequence[Evidence]) -> str:
    """One line instead of one evidence item per phase-critical WP: the WPs
    are listed, with state and evidence, in the table below the criteria."""
    done, total = gate.share
    missing = total - done
    counted = f"{missing} of {total} phase-critical WPs not VALIDATED" if missing else f"all {total} phase-critical WPs VALIDATED"
    link = f'<a href="#{critical_anchor(gate)}">phase-critical WPs table</a>'
    return f"<p><strong>{html_text(counted)}</strong>; each is listed in the {link} below.</p>" if shown else ""


def _evidence_list(items: Sequence[str], noun: str = "item") -> str:
    if len(items) <= EVIDENCE_INLINE:
        return f"<ul>{''.join(items)}</ul>" if items else ""
    return (
        f'<details class="hs-evidence"><summary>{len(items)} {noun}s</summary>'
        f"<ul>{''.join(items)}</ul></details>"
    )


def _evidence_cell(ctx: RenderContext, page: str, criterion: Criterion, gate: PhaseGate | None = None) -> str:
    summarised = gate is not None and criterion.id == "validated" and bool(gate.critical)
    critical = set(gate.critical) if gate is not None and summarised else set()
    per_wp = [evidence for evidence in criterion.evidence if evidence.wp in critical and not evidence.rule]
    rest = [evidence for evidence in criterion.evidence if evidence not in per_wp]
    cell = _critical_summary(gate, per_wp) if gate is not None and summarised else ""
    cell += _evidence_list([_evidence_item(ctx, page, evidence) for evidence in rest])
    if criterion.needed and criterion.state != PASS:
        label = "To satisfy" if criterion.state == UNKNOWN else "To fix"
        needed = re.sub(r"`([^`]+)`", r"<code>\1</code>", html_text(criterion.needed))
        cell += f'<p class="hs-meta"><strong>{label}:</strong> {needed}</p>'
    return cell


def criteria_table(ctx: RenderContext, page: str, gate: PhaseGate) -> str:
    """MUST criteria first, then SHOULD, each with state and evidence."""
    rows = []
    for criterion in (*gate.musts, *gate.shoulds):
        strength = criterion.strength.lower()
        rows.append(
            f'<tr class="hs-gate-row hs-gate-{criterion.state.lower()}" id="phase-{html_text(gate.phase.lower())}-{html_text(criterion.id)}">'
            f"<td>{html_text(criterion.title)}</td>"
            f'<td><span class="hs-strength-{strength}">{html_text(criterion.strength)}</span></td>'
            f"<td>{state_badge(criterion.state, criterion.attested)}</td>"
            f"<td>{_evidence_cell(ctx, page, criterion, gate)}</td></tr>"
        )
    return (
        '<table class="hs-table hs-gate">\n<thead><tr><th>Criterion</th><th>Strength</th><th>State</th>'
        "<th>Evidence</th></tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"
    )


#: The phase-critical WPs table is collapsed when it is longer than this.
CRITICAL_OPEN_ROWS = 12


def _critical_evidence(criterion: Criterion | None) -> dict[str, Evidence]:
    """The per-WP evidence of the "all VALIDATED" criterion, by WP id."""
    if criterion is None:
        return {}
    return {evidence.wp: evidence for evidence in criterion.evidence if evidence.wp and not evidence.rule}


def critical_table(ctx: RenderContext, page: str, gate: PhaseGate) -> str:
    """Every phase-critical WP with STATUS, verdict and where that is written;
    collapsed (not-VALIDATED count in the summary) when it is long."""
    evidence = _critical_evidence(gate.criterion("validated"))
    rows = []
    for wp in gate.critical:
        packet = ctx.packets_by_id.get(wp)
        where = evidence.get(wp)
        where_cell = loc_code(where.loc) if where is not None and where.loc is not None else "—"
        if packet is None:
            rows.append(
                f"<tr><td>{html_wp_link(ctx, page, wp)}</td><td>—</td><td>—</td><td>{state_badge(FAIL)}</td><td>{where_cell}</td></tr>"
            )
            continue
        verdict = latest_verdict(packet) or "none"
        state = PASS if is_validated(packet) else FAIL
        rows.append(
            f"<tr><td>{html_wp_link(ctx, page, wp)}</td><td>{status_badge(packet.status, packet.status_raw)}</td>"
            f"<td>{html_text(verdict)}</td><td>{state_badge(state)}</td><td>{where_cell}</td></tr>"
        )
    table = (
        '<table class="hs-table hs-sortable hs-gate-wps">\n<thead><tr><th>WP</th><th>STATUS</th>'
        "<th>Latest validator verdict</th><th>VALIDATED</th><th>Where</th></tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody>\n</table>"
    )
    done, total = gate.share
    opened = " open" if len(rows) <= CRITICAL_OPEN_ROWS else ""
    summary = f"{total - done} not VALIDATED, {done} VALIDATED: show all {total}"
    return (
        f'<details class="hs-critical" id="{critical_anchor(gate)}"{opened}><summary>{html_text(summary)}</summary>\n'
        f"{table}\n</details>"
    )


def _names(criteria: Iterable[Criterion]) -> str:
    return "; ".join(c.title for c in criteria)


def _verdict_block(gate: PhaseGate) -> str:
    """An admonition with the verdict; the badge keeps it readable when the
    theme has no admonition styles."""
    kind = "success" if gate.ready else "failure"
    body = [verdict_badge(gate)]
    if gate.failed_musts:
        body.append(f"**Failed MUST criteria:** {md_text(_names(gate.failed_musts))}.")
    if gate.unknown_musts:
        body.append(
            f"**MUST criteria not evidenced:** {md_text(_names(gate.unknown_musts))}. "
            "A MUST criterion counts only once it is shown to pass."
        )
    if gate.ready:
        body.append("Every MUST criterion passes; SHOULD criteria are recommendations, not blockers (Part 6.5).")
    return admonition(kind, f"Phase {html_text(gate.phase)}: {html_text(gate.verdict)}", "\n\n".join(body))


def _share_line(ctx: RenderContext, page: str, gate: PhaseGate) -> str:
    done, total = gate.share
    percent = f" ({round(100 * done / total)}%)" if total else ""
    if gate.critical_source == "board":
        where = "listed in the task board's phase-gate section"
        if gate.board_loc is not None:
            where += f" ({md_code(f'{gate.board_loc.file}:{gate.board_loc.line}')})"
    else:
        where = f"the board has no phase-gate list for Phase {md_text(gate.phase)}, so every packet of the phase that is not superseded counts"
    return f"**Phase-critical WPs VALIDATED: {done} of {total}{percent}** — {where}."


def _claims_block(gate: PhaseGate) -> str:
    if not gate.claims:
        return ""
    lines = [f"**Claims that Phase {md_text(gate.phase)} is closed or ready to close:**", ""]
    for claim in gate.claims:
        lines.append(f"- “{md_text(claim.text)}” at {md_code(f'{claim.loc.file}:{claim.loc.line}')}")
    if gate.failed_musts:
        lines.append("")
        lines.append("These claims contradict the failed MUST criteria below (PHASE-001).")
    return "\n".join(lines)


def _phase_blocks(ctx: RenderContext, page: str, gate: PhaseGate) -> list[str]:
    blocks = [f"## Phase {md_text(gate.phase)}", _verdict_block(gate), _share_line(ctx, page, gate), _claims_block(gate)]
    blocks.append(criteria_table(ctx, page, gate))
    if gate.critical:
        blocks.append(f"### Phase-critical WPs of Phase {md_text(gate.phase)}")
        blocks.append(critical_table(ctx, page, gate))
    return blocks


def _waivers(ctx: RenderContext) -> tuple[Waiver, ...]:
    return tuple(w for w in ctx.options.get("waivers", ()) or () if isinstance(w, Waiver))  # type: ignore[union-attr]


def waivers_block(ctx: RenderContext, gates: Sequence[PhaseGate]) -> str:
    """Configured waivers with whether they still count (PHASE-002)."""
    waivers = _waivers(ctx)
    if not waivers:
        return "No waivers are configured."
    closed = {gate.phase for gate in gates if gate.claims}
    css = {"active": "hs-status-validated", "expired": "hs-status-failed", "unapproved": "hs-status-failed", "invalid": "hs-status-failed"}
    rows = []
    for waiver in waivers:
        state = waiver_state(waiver, ctx.as_of, closed)
        rows.append(
            f"<tr><td><code>{html_text(waiver.rule)}</code></td><td>{html_text(waiver.target)}</td>"
            f"<td>{html_text(waiver.reason)}</td><td>{html_text(waiver.approved) or '—'}</td>"
            f"<td>{html_text(waiver.expires) or '—'}</td>"
            f'<td><span class="hs-badge {css[state.state]}">{html_text(state.state)}</span> {html_text(state.reason)}</td></tr>'
        )
    return (
        '<table class="hs-table hs-waivers">\n<thead><tr><th>Rule</th><th>Target</th><th>Reason</th><th>Approved</th>'
        "<th>Expires</th><th>State</th></tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"
    )


def render_phase_gate_page(ctx: RenderContext) -> str:
    """Markdown of the phase-gate report."""
    page = ctx.page_path(PAGE)
    gates = ctx.phase_gates
    intro = (
        f"Phase closure criteria of the Orchestrator Protocol, Part 6.5, evaluated as of {ctx.as_of.isoformat()}. "
        "A phase is READY TO CLOSE only when every MUST criterion is PASS. "
        "UNKNOWN means the governance files cannot show the check (spec regression run, supply chain audit, "
        "git history, coverage): record the result, for example by ticking the item in the task board's "
        "phase-gate checklist, and it is shown as an attested PASS."
    )
    blocks: list[str] = ["# Phase gate", intro]
    if not gates:
        blocks.append("No phase found: no packet names a phase and the task board has no phase-gate section.")
    for gate in gates:
        blocks.extend(_phase_blocks(ctx, page, gate))
    blocks.append("## Waivers")
    blocks.append(waivers_block(ctx, gates))
    return join_blocks(blocks)
