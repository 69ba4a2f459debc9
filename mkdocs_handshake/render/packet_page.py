"""One page per work packet: a view of the packet, not a copy of it.

The page answers what a reviewer asks of a packet: what is its state, what
does it change, which spec requirement does each DONE_MEANS item prove, what
must finish first and what waits on it, who locked it, did validation pass,
and what is wrong with it (each finding with ``file:line`` and the exact
text). It ends with the packet's source path, which stays the authority.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from ..findings.finding import Finding, Severity
from ..model.packet import DoneMapping, FieldOccurrence, ListItem, Packet, ProjectionSync
from ..model.basics import Lifecycle
from ..analysis.traceability import done_entries
from .context import RenderContext
from .packet_protocol import render_packet_protocol
from .microtask_dag import microtask_drawing
from .escape import html_text, md_code, md_text
from .common import (
    admonition,
    done_mappings_for,
    fenced_code,
    html_loc,
    html_parts,
    html_section_link,
    html_wp_link,
    join_blocks,
    link_section_refs,
    md_section_link,
    md_wp_link,
    requirement_anchor,
    status_badge,
)


def render_packet_page(ctx: RenderContext, packet: Packet) -> str:
    page = ctx.packet_page(packet.id)
    blocks: list[str] = [f"# {md_text(packet.id)}"]
    if packet.lifecycle is not Lifecycle.ACTIVE:
        blocks.append(admonition(
            "note", f"History: {html_text(packet.lifecycle.value)}",
            f"{md_text(packet.lifecycle_reason or packet.lifecycle.value)}. Signed packets are immutable, so rules that "
            "would ask for an edit of this packet do not judge it; board, signature and audit-log checks still do.",
        ))
    blocks.append(_summary(ctx, page, packet))
    blocks.extend(["## Protocol {#protocol}", render_packet_protocol(ctx, packet)])
    blocks.extend(_duplicates(ctx, packet))
    blocks.extend(_scope(ctx, page, packet))
    blocks.extend(_done_means(ctx, page, packet))
    if not _has_contract(packet):  # the contract era keeps no TEST_PLAN in the packet
        blocks.extend(_test_plan(packet))
    blocks.extend(_dependencies(ctx, page, packet))
    blocks.extend(_contract_fields(packet))
    blocks.extend(_acceptance(packet))
    blocks.extend(_micro_tasks(ctx, packet))
    blocks.extend(_signature(ctx, packet))
    blocks.extend(_validation(packet))
    blocks.extend(_findings(ctx, page, packet))
    blocks.extend(_files(packet))
    if not packet.files:
        blocks.append(f"Source: {md_code(packet.file)}")
    return join_blocks(blocks)


def _has_contract(packet: Packet) -> bool:
    return any(item.authority == "contract" for item in packet.files)


#: What each authority means to a reader of the page.
_AUTHORITY_TEXT = {
    "contract": "the packet (primary machine-readable contract)",
    "projection": "generated projection of the contract; not the authority",
    "markdown": "the packet (markdown)",
    "secondary": "a contract that does not claim authority",
    "legacy": "flat file from before folder packets; history, not read as the packet",
}


def _sync_text(item: ProjectionSync) -> str:
    """Whether a generated projection still matches its contract (PKT-025)."""
    if not item.found:
        return "missing"
    if item.in_sync:
        return "in sync"
    why = [text for flag, text in (
        (not item.header, "no generated header"),
        (item.body_drift, "changed since generated"),
        (item.source_drift, "contract changed since"),
        (item.header_drift, "header disagrees with the contract"),
    ) if flag]
    return "out of sync: " + ", ".join(why)


def _files(packet: Packet) -> list[str]:
    """Every file of a folder packet and what it is worth; a generated
    projection says whether it still matches its contract."""
    if not packet.files:
        return []
    sync = {item.path: item for item in packet.projections}
    lines = ["| File | Authority |", "|---|---|"]
    for item in packet.files:
        text = _AUTHORITY_TEXT.get(item.authority, item.authority)
        if item.path in sync:
            text += f" ({_sync_text(sync[item.path])} with {PurePosixPath(sync[item.path].contract).name})"
        lines.append(f"| {md_text(item.path)} | {md_text(text)} |")
    blocks = ["## Files", _wrapped("hs-packet-files", "\n".join(lines))]
    others = [item for item in packet.projections if item.path not in {file.path for file in packet.files}]
    if others:
        stale = [PurePosixPath(item.path).name for item in others if not item.in_sync]
        said = f"{len(others) - len(stale)} of {len(others)} other generated projections are in sync with their contracts"
        if stale:
            said += "; out of sync: " + ", ".join(stale[:5]) + (f" and {len(stale) - 5} more" if len(stale) > 5 else "")
        blocks.append(md_text(said) + ".")
    return blocks


def _contract_fields(packet: Packet) -> list[str]:
    """The contract's fields as the profile's field map reads them, with the
    JSON key each comes from."""
    if not _has_contract(packet):
        return []
    lines = ["| Field | Key | Value |", "|---|---|---|"]
    for name in sorted(packet.fields):
        occurrence = packet.fields[name][-1]
        value = occurrence.value or "; ".join(item.text for item in occurrence.items)
        lines.append(f"| {md_text(name)} | {md_text(occurrence.raw_name)} (line {occurrence.loc.line}) | {md_text(value) if value else '*(empty)*'} |")
    return ["## Contract fields", _wrapped("hs-packet-contract", "\n".join(lines))]


def _acceptance(packet: Packet) -> list[str]:
    """The contract's acceptance matrix: each closure requirement with its
    status, what resolves it and the ids it cites (PKT-026 judges it at a
    PASS)."""
    if not packet.acceptance_rows:
        return []
    lines = ["| Row | Required | Status | Evidence or reason | Cites |", "|---|---|---|---|---|"]
    for row in packet.acceptance_rows:
        backing = row.evidence or row.reason
        lines.append(
            f"| {md_text(row.id)} (line {row.loc.line}) | {'yes' if row.required else 'no'} | {md_text(row.status) or '*(none)*'} | "
            f"{md_text(backing) or '*(none)*'} | {md_text(', '.join(row.cites)) or '-'} |"
        )
    return [f"## Acceptance matrix ({len(packet.acceptance_rows)})", _wrapped("hs-packet-acceptance", "\n".join(lines))]


def _micro_tasks(ctx: RenderContext, packet: Packet) -> list[str]:
    """The packet's micro-tasks as one section of its page (a large packet
    has hundreds: no page of their own): their dependency drawing
    (:mod:`.microtask_dag`), then the table, which stays whatever ``dot`` does."""
    if not packet.micro_tasks:
        return []
    lines = ["| Micro-task | Status | Depends on | Title |", "|---|---|---|---|"]
    for task in packet.micro_tasks:
        depends = ", ".join(ref.wp for ref in task.depends_on)
        lines.append(f"| {md_text(task.id)} | {md_text(task.status) or '*(none)*'} | {md_text(depends) or '-'} | {md_text(task.title)} |")
    return [f"## Micro-tasks ({len(packet.micro_tasks)})", *microtask_drawing(ctx, packet), _wrapped("hs-packet-microtasks", "\n".join(lines))]


def render_packet_header(ctx: RenderContext, packet: Packet, page: str) -> str:
    """The governance view of a packet whose own file is a docs page, shown
    above that page's text instead of on a second, generated page: state,
    risk, neighbours, signature, the protocol it is judged by, findings and
    the DONE_MEANS mapping. It has no headings of its own, so the page's
    table of contents stays the packet's. ``page`` is the packet's path relative to docs_dir."""
    blocks: list[str] = [_header_table(ctx, page, packet), "<p><strong>Protocol</strong></p>", render_packet_protocol(ctx, packet)]
    blocks.extend(_duplicates(ctx, packet))
    done = _done_means(ctx, page, packet)
    blocks.append("<p><strong>DONE_MEANS and the requirements they map to</strong></p>")
    blocks.extend(done[1:])
    findings = _findings(ctx, page, packet)
    blocks.append("<p><strong>Findings</strong></p>")
    blocks.extend(findings[1:])
    body = join_blocks(blocks)
    # Out of the search index (Material honours the attribute): the header
    # repeats what the governance pages say, and indexing it on every
    # packet page cost more than rendering it.
    return f'<div class="hs-packet-annotation" data-search-exclude>\n\n{body}\n</div>\n'


def kept_packet_header(ctx: RenderContext, packet: Packet, page: str) -> str:
    """:func:`render_packet_header`, kept in ``ctx.memo`` when the context
    has :class:`~.context.HeaderInputs`: under the digest of the packet's
    own inputs, the findings on it and :attr:`~.context.RenderContext.header_site_key`.
    That is all the header reads; a new input of the header must be added
    to one of them."""
    return ctx.kept_for_packet(
        "packet_header", packet, lambda: render_packet_header(ctx, packet, page),
        also=lambda: "\0".join((ctx.header_site_key, page, repr(packet_findings(ctx, packet)), render_packet_protocol(ctx, packet))),
    )


def lifecycle_badge(packet: Packet) -> str:
    title = f' title="{html_text(packet.lifecycle_reason)}"' if packet.lifecycle_reason else ""
    value = packet.lifecycle.value
    return f'<span class="hs-badge hs-lifecycle-{value}"{title}>{html_text(value)}</span>'


def _header_table(ctx: RenderContext, page: str, packet: Packet) -> str:
    """The packet's state, risk, anchors, neighbours and signature as one
    HTML table. Written as HTML, not markdown: the header is converted once
    per packet page, and a markdown table with links in every cell cost
    several times more to convert than to write."""
    rows = [("Status", status_badge(packet.status, packet.status_raw) + (f" <code>{html_text(packet.status_raw)}</code>" if packet.status_raw else ""))]
    reason = f" {html_text(packet.lifecycle_reason)}" if packet.lifecycle_reason else ""
    rows.append(("Lifecycle", lifecycle_badge(packet) + reason))
    risk = packet.field("RISK_TIER")
    rows.append(("Risk tier", _html(ctx, page, risk.value) if risk and risk.value else "(not given)"))
    if packet.spec_anchors:
        anchors = []
        for anchor in packet.spec_anchors:
            if anchor.number:
                pinned = f" (pinned {html_text(anchor.pinned_version)})" if anchor.pinned_version else ""
                anchors.append(html_section_link(ctx, page, anchor.number) + pinned)
            else:
                anchors.append(f"<code>{html_text(anchor.raw)}</code>")
        rows.append(("Spec anchor", ", ".join(anchors)))
    if packet.phase:
        rows.append(("Phase", html_text(packet.phase)))
    upstream, downstream = ctx.dependencies.get(packet.id, ((), ()))
    rows.append(("Depends on", ", ".join(_html_wp_with_status(ctx, page, wp) for wp in upstream) or "nothing"))
    rows.append(("Blocks", ", ".join(_html_wp_with_status(ctx, page, wp) for wp in downstream) or "nothing"))
    rows.append(("Signature", _signature_cell(ctx, packet)))
    body = "".join(f"<tr><td>{label}</td><td>{value}</td></tr>" for label, value in rows)
    return f'<div class="hs-packet-meta"><table><thead><tr><th>Field</th><th>Value</th></tr></thead><tbody>{body}</tbody></table></div>'


def _html_wp_with_status(ctx: RenderContext, page: str, wp: str) -> str:
    other = ctx.packets_by_id.get(wp)
    link = html_wp_link(ctx, page, wp)
    return f"{link} {status_badge(other.status, other.status_raw)}" if other else link


def _signature_cell(ctx: RenderContext, packet: Packet) -> str:
    """Signature and its audit row(s), on one table row (HTML)."""
    if not packet.signature:
        return "not locked: no user signature recorded"
    signature = f"<code>{html_text(packet.signature)}</code>"
    rows = ctx.audit_rows_by_signature.get(packet.signature, ())
    if not rows:
        return f'{signature} <span class="hs-flag hs-sev-error">No row in the signature audit log.</span>'
    audit = "; ".join(
        f"{html_text(row.used_by)}, {html_text(row.datetime)}, {html_text(row.purpose)} {html_loc(row.loc)}"
        + (' <span class="hs-flag hs-sev-error">INVALID</span>' if row.invalid else "")
        for row in rows
    )
    return f"{signature}: audit row {audit}"


def _text(ctx: RenderContext, page: str, text: str) -> str:
    """Governance prose for a markdown paragraph or cell, with § links."""
    return link_section_refs(md_text(text), page, ctx)


def _summary(ctx: RenderContext, page: str, packet: Packet) -> str:
    rows = [
        ("Title", _text(ctx, page, packet.title) if packet.title else "(none)"),
        ("Status", status_badge(packet.status, packet.status_raw) + (f" {md_code(packet.status_raw)}" if packet.status_raw else "")),
        ("Lifecycle", f"{md_text(packet.lifecycle.value)}" + (f": {_text(ctx, page, packet.lifecycle_reason)}" if packet.lifecycle_reason else "")),
    ]
    risk = packet.field("RISK_TIER")
    rows.append(("Risk tier", _text(ctx, page, risk.value) if risk and risk.value else "(not given)"))
    if packet.spec_anchors:
        anchors = []
        for anchor in packet.spec_anchors:
            if anchor.number:
                anchors.append(md_section_link(ctx, page, anchor.number) + (f" (pinned {md_text(anchor.pinned_version)})" if anchor.pinned_version else ""))
            else:
                anchors.append(md_code(anchor.raw))
        rows.append(("Spec anchor", ", ".join(anchors)))
    if packet.phase:
        rows.append(("Phase", md_text(packet.phase)))
    if packet.date:
        rows.append(("Date", md_text(packet.date)))
    lines = ["| Field | Value |", "|---|---|"]
    lines.extend(f"| {label} | {value} |" for label, value in rows)
    return _wrapped("hs-packet-meta", "\n".join(lines))


def _wrapped(css: str, table: str) -> str:
    """A markdown table inside a classed ``<div>`` so the
    stylesheet can size its columns: Material gives every header cell of a
    plain table a 5rem minimum, far too wide for a "#" column."""
    return f'<div class="{css}">\n\n{table}\n\n</div>'


def _duplicates(ctx: RenderContext, packet: Packet) -> list[str]:
    others = sorted(other.file for other in ctx.packets_with_id.get(packet.id, ()) if other is not packet)
    if not others:
        return []
    listed = ", ".join(md_code(file) for file in others)
    return [admonition("failure", "Duplicate packet id", f"This id is also used by {listed}; this page shows {md_code(packet.file)}.")]


def _item_lines(ctx: RenderContext, page: str, items: tuple[ListItem, ...], depth: int = 0, *, code: bool = False) -> list[str]:
    lines: list[str] = []
    for item in items:
        text = md_code(item.text) if code else _text(ctx, page, item.text)
        lines.append(f"{'    ' * depth}- {text}")
        lines.extend(_item_lines(ctx, page, item.children, depth + 1, code=code))
    return lines


def _field_body(ctx: RenderContext, page: str, occurrence: FieldOccurrence | None, *, code: bool = False) -> str:
    """The value of a field as the packet gives it: inline value, list, or both."""
    if occurrence is None:
        return "*(missing)*"
    parts: list[str] = []
    if occurrence.value:
        parts.append(md_code(occurrence.value) if code else _text(ctx, page, occurrence.value))
    if occurrence.items:
        parts.append("\n".join(_item_lines(ctx, page, occurrence.items, code=code)))
    if occurrence.code:
        parts.append(fenced_code(occurrence.code))
    return "\n\n".join(parts) if parts else "*(empty)*"


def _scope(ctx: RenderContext, page: str, packet: Packet) -> list[str]:
    blocks = ["## Scope"]
    for name, label, code in (
        ("What", "What", False),
        ("Why", "Why", False),
        ("IN_SCOPE_PATHS", "In scope", True),
        ("OUT_OF_SCOPE", "Out of scope", False),
    ):
        blocks.append(f"**{label}**")
        blocks.append(_field_body(ctx, page, packet.field(name), code=code))
    return blocks


def _done_means(ctx: RenderContext, page: str, packet: Packet) -> list[str]:
    """One row per DONE_MEANS item (every block, sub-items of a group header
    as items): the requirement it proves, the signal that decided and the
    terms that matched, so a reviewer can check the mapping, not trust it."""
    blocks = ["## DONE_MEANS"]
    entries = done_entries(packet)
    if not entries:
        blocks.append("*(no DONE_MEANS items)*")
        return blocks
    by_item: dict[tuple[object, str], list[DoneMapping]] = {}
    for mapping in done_mappings_for(ctx, packet):
        by_item.setdefault((mapping.item.loc, mapping.item.text), []).append(mapping)
    lines = ["| # | Item | Requirement | Signal | Evidence |", "|---|---|---|---|---|"]
    for index, (item, header) in enumerate(entries, start=1):
        mappings = by_item.get((item.loc, item.text), [])
        text = _text(ctx, page, item.text)
        if header:
            text = f"*{_text(ctx, page, header)}* {text}"
        requirement = "<br>".join(_requirement_cell(ctx, page, m) for m in mappings) or "-"
        signal = "<br>".join(dict.fromkeys(_signal_cell(m) for m in mappings)) or _signal_cell(None)
        evidence = "<br>".join(_evidence_cell(m) for m in mappings) or "-"
        lines.append(f"| {index} | {text} | {requirement} | {signal} | {evidence} |")
    blocks.append(_wrapped("hs-done-table", "\n".join(lines)))
    return blocks


_SIGNALS = {
    "citation": "cited",
    "identifier": "shared identifier",
    "lexical": "by wording",
    "ranked": "best of the anchor",
    "semantic": "by meaning",
    "verification": "verification step",
}


def _signal_cell(mapping: DoneMapping | None) -> str:
    if mapping is None or mapping.kind == "unmapped":
        return '<span class="hs-flag hs-unmapped">UNMAPPED</span>'
    return md_text(_SIGNALS.get(mapping.kind, mapping.kind))


def _requirement_cell(ctx: RenderContext, page: str, mapping: DoneMapping) -> str:
    if mapping.kind == "verification" or not mapping.section:
        return "-"
    target = md_section_link(ctx, page, mapping.section)
    if mapping.kind == "unmapped":
        return target if mapping.section else "-"
    if mapping.requirement_index and mapping.section in ctx.sections_by_number:
        link = ctx.href(page, ctx.spec_page(mapping.section), requirement_anchor(mapping.section, mapping.requirement_index))
        target += f", [requirement {mapping.requirement_index}]({link})"
    elif mapping.requirement_index:
        target += f", requirement {mapping.requirement_index}"
    else:
        target += " (the section as a whole)"
    text = f": {md_text(mapping.requirement_text)}" if mapping.requirement_text else ""
    return target + text


def _evidence_cell(mapping: DoneMapping) -> str:
    """The matched terms and the score against its bar; for an unmapped
    item, the nearest requirement that was tried; for a ranked one, the
    runner-up it is ahead of."""
    terms = ", ".join(md_code(term) for term in mapping.terms[:8])
    if mapping.kind == "verification":
        return "-"
    if mapping.kind == "unmapped":
        if mapping.nearest_section:
            nearest = f"nearest §{md_text(mapping.nearest_section)} requirement {mapping.nearest_index}, score {mapping.nearest_score:.2f} < {mapping.threshold:.2f}"
            return nearest + (f"; shared {terms}" if terms else "")
        return terms or "-"
    if mapping.via == "group":
        return f"{terms}: subsections cited together, which elaborate this requirement of §{md_text(mapping.section)}"
    score = f"score {mapping.score:.2f}" + (f" (bar {mapping.threshold:.2f})" if mapping.threshold < 1 else "")
    if mapping.via == "list":
        return f"{terms}: several items of one list named together, the list as a whole scores {mapping.score:.2f} (bar {mapping.threshold:.2f}); this is the item that fits best"
    if mapping.kind in ("ranked", "semantic"):
        score += (
            f"; runner-up §{md_text(mapping.nearest_section)} requirement {mapping.nearest_index}, score {mapping.nearest_score:.2f}"
            if mapping.nearest_section
            else "; no other requirement shares a term"
        )
    return f"{terms}; {score}" if terms else score


def _test_plan(packet: Packet) -> list[str]:
    occurrence = packet.field("TEST_PLAN")
    if occurrence is None:
        return ["## TEST_PLAN", "*(missing)*"]
    text = occurrence.code or "\n".join([occurrence.value, *(item.text for item in occurrence.items)]).strip()
    return ["## TEST_PLAN", fenced_code(text) if text else "*(empty)*"]


def _dependencies(ctx: RenderContext, page: str, packet: Packet) -> list[str]:
    """Upstream and downstream packets from the dependency graph, which joins
    what this packet says with what the others say about it."""
    upstream, downstream = ctx.dependencies.get(packet.id, ((), ()))
    blocks = ["## Dependencies"]
    blocks.append("**Depends on:** " + (", ".join(_wp_with_status(ctx, page, wp) for wp in upstream) or "nothing"))
    blocks.append("**Blocks:** " + (", ".join(_wp_with_status(ctx, page, wp) for wp in downstream) or "nothing"))
    return blocks


def _wp_with_status(ctx: RenderContext, page: str, wp: str) -> str:
    other = ctx.packets_by_id.get(wp)
    link = md_wp_link(ctx, page, wp)
    return f"{link} {status_badge(other.status, other.status_raw)}" if other else link


def _signature(ctx: RenderContext, packet: Packet) -> list[str]:
    blocks = ["## Signature"]
    if not packet.signature:
        blocks.append("Not locked: no user signature recorded.")
        return blocks
    where = f" ({md_code(str(packet.signature_loc))})" if packet.signature_loc else ""
    blocks.append(f"User Signature Locked: {md_code(packet.signature)}{where}")
    rows = ctx.audit_rows_by_signature.get(packet.signature, ())
    if not rows:
        blocks.append('<span class="hs-flag hs-sev-error">No row in the signature audit log.</span>')
        return blocks
    lines = ["| Used by | Date/time | Purpose | Spec version | Notes | Audit row |", "|---|---|---|---|---|---|"]
    for row in rows:
        notes = md_text(row.notes) + (' <span class="hs-flag hs-sev-error">INVALID</span>' if row.invalid else "")
        lines.append(
            f"| {md_text(row.used_by)} | {md_text(row.datetime)} | {md_text(row.purpose)} | "
            f"{md_text(row.spec_version)} | {notes} | {html_loc(row.loc)} |"
        )
    blocks.append(_wrapped("hs-audit-table", "\n".join(lines)))
    return blocks


def _validation(packet: Packet) -> list[str]:
    blocks = ["## Validation"]
    if not packet.validation_reports:
        blocks.append("No validation report.")
        return blocks
    lines = ["| Report | Verdict | Date | Where |", "|---|---|---|---|"]
    for report in packet.validation_reports:
        verdict = report.verdict or "(none written)"
        css = {"PASS": "hs-status-validated", "FAIL": "hs-status-failed"}.get(report.verdict, "hs-status-unknown")
        where = report.verdict_loc or report.loc
        lines.append(
            f'| {md_text(report.heading)} | <span class="hs-badge {css}">{md_text(verdict)}</span> | '
            f"{md_text(report.date) or '-'} | {html_loc(where)} |"
        )
    blocks.append("\n".join(lines))
    return blocks


def packet_findings(ctx: RenderContext, packet: Packet) -> list[Finding]:
    """Findings about this packet: those whose subject is its id, and those
    located in its file (a parse issue may carry no subject)."""
    seen: dict[tuple[object, ...], Finding] = {}
    for finding in (*ctx.findings_by_subject.get(packet.id, ()), *ctx.findings_by_file.get(packet.file, ())):
        seen.setdefault((finding.sort_key(), finding.severity.value, finding.excerpt, finding.waived, finding.baselined), finding)
    return sorted(seen.values(), key=lambda f: (f.sort_key(), f.severity.value, f.excerpt))


def _findings(ctx: RenderContext, page: str, packet: Packet) -> list[str]:
    findings = packet_findings(ctx, packet)
    blocks = ["## Findings"]
    if not findings:
        blocks.append(admonition("success", "No findings", "Every rule passes for this packet."))
        return blocks
    link = ctx.href(page, ctx.page_path("findings.md"))
    groups = group_findings(findings)
    blocks.append(f"{len(findings)} finding(s) under {len(groups)} rule(s); all findings are on the [findings page]({link}).")
    blocks.extend(_finding_group(ctx, page, group) for group in groups)
    return blocks


def group_findings(findings: list[Finding]) -> list[tuple[Finding, ...]]:
    """Findings of one rule, severity and waived state together, in the
    order of their first finding: a packet with ten PARSE-002 findings gets
    one block with ten rows, not ten boxes repeating the message."""
    groups: dict[tuple[str, str, bool, bool], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.rule, finding.severity.value, finding.waived, finding.baselined), []).append(finding)
    return [tuple(group) for group in groups.values()]


def _finding_group(ctx: RenderContext, page: str, group: tuple[Finding, ...]) -> str:
    """One collapsible admonition per rule (HTML ``<details>``: the site has
    no pymdownx.details for ``???``); errors start open. The message is
    written once when every finding shares it, else per row.

    Written as HTML, not markdown: findings are most of a packet page's
    weight on a real repo, and an HTML block passes through the converter
    untouched (0.35 s less for the reference corpus' packet pages)."""
    first = group[0]
    if first.waived or first.baselined:
        kind = "note"
    elif first.severity is Severity.ERROR:
        kind = "failure"
    else:
        kind = "warning"
    label = "waived " + first.severity.value if first.waived else "known debt, " + first.severity.value if first.baselined else first.severity.value
    count = f"{len(group)} finding" + ("s" if len(group) != 1 else "")
    opened = " open" if kind == "failure" else ""
    summary = html_text(f"{first.rule} ({label}): {count}")
    if len(group) == 1:
        return _details(kind, opened, summary, _single_finding(ctx, page, first))
    shared = len({finding.message for finding in group}) == 1
    header = ["Where"] + ([] if shared else ["Message"]) + ["Excerpt"] + (["Waived because"] if first.waived else [])
    rows = []
    for finding in group:
        cells = [html_loc(finding.loc)]
        if not shared:
            cells.append(_html(ctx, page, finding.message))
        cells.append(_code(finding.excerpt))
        if first.waived:
            cells.append(_html(ctx, page, finding.waiver_reason) if finding.waiver_reason else "(no reason given)")
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    table = (
        "<table><thead><tr>" + "".join(f"<th>{name}</th>" for name in header) + "</tr></thead><tbody>"
        + "".join(rows) + "</tbody></table>"
    )
    body = ([f"<p>{_html(ctx, page, first.message)}</p>"] if shared else []) + [table]
    return _details(kind, opened, summary, "\n".join(body))


def _single_finding(ctx: RenderContext, page: str, finding: Finding) -> str:
    """A lone finding needs no table: message, then where and the excerpt."""
    where = html_loc(finding.loc) + (f" {_code(finding.excerpt)}" if finding.excerpt else "")
    parts = [f"<p>{_html(ctx, page, finding.message)}</p>", f"<p>{where}</p>"]
    if finding.parts:
        parts.append(html_parts(ctx, page, finding, folded=False))
    if finding.waived:
        reason = _html(ctx, page, finding.waiver_reason) if finding.waiver_reason else "(no reason given)"
        parts.append(f"<p>Waived: {reason}</p>")
    return "\n".join(parts)


def _html(ctx: RenderContext, page: str, text: str) -> str:
    """Governance prose for raw HTML, with § links."""
    return link_section_refs(html_text(" ".join(text.split())), page, ctx)


def _code(text: str) -> str:
    return f"<code>{html_text(' '.join(text.split()))}</code>" if text else ""


def _details(kind: str, opened: str, summary: str, inner: str) -> str:
    """No blank line inside: the block stays one HTML block."""
    return f'<details class="{kind} hs-findings"{opened}>\n<summary>{summary}</summary>\n{inner}\n</details>'
