"""The protocol a packet is judged by, shown on the packet's own page.

A finding, or its absence, means little to the person who opens a packet
without knowing which rules judged it: the protocol changes every few
weeks, and a packet is judged by the clauses in force when it was written
(see :func:`mkdocs_handshake.load.git_history.clause_in_force`), by the
checks of the gates it has reached, and, once it is locked, only through a
new revision. This block says all of that for one packet: its era, when it
was written, which rules in force do not judge it and why, and how its
defects are remedied.
"""

from __future__ import annotations

from ..load.git_history import clause_in_force
from ..model.basics import Lifecycle
from ..model.packet import Packet
from ..rules.gates import gate_reached
from ..rules.remedy import remedy_of
from .context import RenderContext
from .escape import html_text


def protocol_items(ctx: RenderContext, packet: Packet) -> list[str]:
    """The block's lines as HTML list items, every value escaped."""
    judging = ctx.judging
    profile = judging.profile
    info = ctx.model.protocol
    era = packet.era or (info.profile if info else profile.id)
    items = [f"Era: <strong>{html_text(era)}</strong>" + (f": {html_text(info.reason)}" if info and info.reason else "")]
    items.append(_written(ctx, packet))
    order = profile.gate_roles
    if order:
        reached = gate_reached(packet, order)
        later = order[reached + 1:]
        roles = " and ".join(f"{role}'s" for role in later)
        after = f"; the {html_text(roles)} checks are warnings until it gets there" if later else ""
        items.append(f"Gate reached: {html_text(order[reached])} (of {html_text(' → '.join(order))}){after}")
    applied = [plan for plan in ctx.rule_plan if plan.applied]
    history_only = packet.lifecycle is not Lifecycle.ACTIVE
    edit_rules = {plan.rule for plan in applied if plan.scope == "active"} if history_only else set()
    skipped: list[str] = []
    if edit_rules:
        skipped.append(
            f"{len(edit_rules)} rules whose fix is an edit of the packet ({html_text(', '.join(sorted(edit_rules)))}): "
            f"it is {html_text(packet.lifecycle.value)}, and signed history is not edited"
        )
    not_yet: set[str] = set()
    for plan in applied:
        use = profile.rules.get(plan.rule)
        if plan.rule in edit_rules or use is None or not use.evidence:
            continue
        check = clause_in_force(judging.history, packet.file, use.evidence, use.retroactive)
        if not check.applies:
            not_yet.add(plan.rule)
            skipped.append(f"{html_text(plan.rule)}: {html_text(check.why)}")
    if skipped:
        items.append("Not judged by: " + "; ".join(skipped))
    judged = len(applied) - len(edit_rules) - len(not_yet)
    items.append(f"Judged by {judged} of the {len(applied)} rules in force; the rules that do not run at all, and why, are on the findings page")
    items.append(_remedy(ctx, packet))
    return items


def render_packet_protocol(ctx: RenderContext, packet: Packet) -> str:
    """The block as one HTML list (no headings, so it also fits the header
    shown above a packet that is a docs page)."""
    body = "".join(f"<li>{item}</li>" for item in protocol_items(ctx, packet))
    return f'<div class="hs-packet-protocol"><ul>{body}</ul></div>'


def _written(ctx: RenderContext, packet: Packet) -> str:
    history = ctx.judging.history
    if history is None:
        return f"Written: date unknown ({html_text(ctx.judging.why)}); every clause in force judges it"
    created = history.created.get(packet.file)
    if created is None:
        return f"Written: date unknown (git history at {html_text(history.head[:12])} does not show {html_text(packet.file)} being added); every clause in force judges it"
    return f"Written: {created.isoformat()} (the commit that added {html_text(packet.file)})"


def _remedy(ctx: RenderContext, packet: Packet) -> str:
    remedy = ctx.judging.profile.remedy
    found = remedy_of(packet, ctx.model, remedy, ctx.judging.invalid, ctx.judging.revisions)
    if found is None:
        if not remedy.locked_by:
            return "Remedy: the protocol locks no packet, so each defect is fixed in the packet itself"
        return "Remedy: not locked, so each defect is fixed by editing the packet"
    lock, action = found
    who = f"{html_text(remedy.role)}: " if remedy.role else ""
    clause = f" ({html_text(remedy.clause)})" if remedy.clause else ""
    return (
        f"Remedy: {html_text(lock.how)} ({html_text(lock.loc.file)}:{lock.loc.line}), so it is not edited; "
        f"{who}{html_text(action)}{clause}"
    )
