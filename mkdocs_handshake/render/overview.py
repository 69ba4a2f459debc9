"""The governance overview: the state of the repository on one screen.

Which spec is current, how many packets stand in each state, how many errors
and warnings each rule family raised, what the phase gate says, and a link
to every generated page. The phase gate is evaluated by
:mod:`mkdocs_handshake.analysis.phase_gate`, written separately; while it is absent
the overview says so instead of guessing a verdict.
"""

from __future__ import annotations

from ..model.basics import Lifecycle, Status
from ..model.packet import Packet
from ..model.spec import SpecBundle
from ..analysis.phase_basics import PhaseGate
from .context import RenderContext
from .escape import md_code, md_text
from .common import (
    chapters,
    count_by,
    family_anchor,
    family_key,
    join_blocks,
    md_wp_link,
    rule_family,
    sorted_packet_ids,
    status_badge,
    top_pages,
)


def render_overview(ctx: RenderContext) -> str:
    page = ctx.page_path("index.md")
    blocks = ["# Governance overview"]
    blocks.append(f"Report as of **{ctx.as_of.isoformat()}**.")
    blocks.extend(_spec(ctx))
    blocks.extend(_phase_gate(ctx, page))
    blocks.extend(_statuses(ctx))
    blocks.extend(_findings(ctx, page))
    blocks.extend(_pages(ctx, page))
    blocks.extend(_packets(ctx, page))
    return join_blocks(blocks)


def _spec(ctx: RenderContext) -> list[str]:
    blocks = ["## Current spec"]
    spec, pointer = ctx.model.spec, ctx.model.spec_pointer
    if spec is None:
        named = ", ".join(md_code(name) for name, _ in pointer.spec_names) if pointer else ""
        blocks.append("No Master Spec could be read" + (f" (SPEC_CURRENT names {named})." if named else "."))
        return blocks
    rows = [("File", md_code(spec.file)), ("Version", md_text(spec.version or "(none in the file name)"))]
    if spec.title:
        rows.append(("Title", md_text(spec.title)))
    if pointer is not None:
        rows.append(("Named by", md_code(pointer.file)))
    numbered = spec.numbered_sections()
    main_body = sum(1 for section in numbered if section.main_body)
    requirements = sum(len(section.requirements) for section in numbered)
    titled = len(spec.sections) - len(numbered)
    rows.append(("Sections", f"{len(numbered)} numbered ({main_body} Main Body)" + (f", {titled} headings without a number" if titled else "")))
    rows.append(("Requirements", str(requirements)))
    blocks.append("\n".join(["| | |", "|---|---|", *(f"| {label} | {value} |" for label, value in rows)]))
    if spec.bundle is not None:
        blocks.append(_modules(spec.bundle))
    return blocks


_INTEGRITY = {
    "match": "matches the manifest",
    "line-endings": "differs only in line endings",
    "mismatch": "differs from the manifest (SPEC-006)",
    "unknown": "not checked",
}


def _modules(bundle: SpecBundle) -> str:
    """The bundle's modules in manifest order: where each section's text
    lives, and whether the module is the one the manifest describes."""
    lines = ["| # | Module | spec_version | Numbered sections | Headings read | Manifest headings | Bytes |", "|---|---|---|---|---|---|---|"]
    for module in bundle.modules:
        if not module.present:
            lines.append(f"| {module.order} | {md_code(module.path)} | | | | | not in the checkout |")
            continue
        headings = str(module.heading_count) if module.heading_count >= 0 else ""
        lines.append(
            f"| {module.order} | {md_code(module.path)} | {md_text(module.declared_version or '(none)')} | {module.section_count} "
            f"| {module.headings_read} | {headings} | {md_text(_INTEGRITY[module.integrity()])} |"
        )
    return "\n".join(lines)


def gate_summary(gate: PhaseGate) -> tuple[str, str]:
    """(verdict, titles of the failing MUST criteria) of one phase gate."""
    return gate.verdict, "; ".join(criterion.title for criterion in gate.failed_musts)


def _phase_gate(ctx: RenderContext, page: str) -> list[str]:
    """One row per phase the evaluator knows (it returns one gate per phase)."""
    blocks = ["## Phase gate"]
    gates = ctx.phase_gates
    if not gates:
        blocks.append("No phase found in the packets or on the board.")
    else:
        lines = ["| Phase | Verdict | Phase-critical WPs VALIDATED | Failing MUST criteria |", "|---|---|---|---|"]
        for gate in gates:
            verdict, detail = gate_summary(gate)
            share_text = f"{gate.share[0]} of {gate.share[1]}"
            phase = gate.phase or "-"
            lines.append(f"| {md_text(phase)} | **{md_text(verdict)}** | {share_text} | {md_text(detail) or 'none'} |")
        blocks.append("\n".join(lines))
    blocks.append(f"Criteria and evidence: [phase gate]({ctx.href(page, ctx.page_path('phase-gate.md'))}).")
    return blocks


def _statuses(ctx: RenderContext) -> list[str]:
    counts = count_by(packet.status.value for packet in ctx.model.packets)
    lines = ["| Status | Packets |", "|---|---|"]
    for status in Status:
        if counts.get(status.value):
            lines.append(f"| {status_badge(status)} | {counts[status.value]} |")
    lines.append(f"| **Total** | {len(ctx.model.packets)} |")
    lifecycles = count_by(packet.lifecycle.value for packet in ctx.model.packets)
    history = ["| Lifecycle | Packets |", "|---|---|"]
    history.extend(f"| {md_text(item.value)} | {lifecycles[item.value]} |" for item in Lifecycle if lifecycles.get(item.value))
    return [
        "## Packets by status", "\n".join(lines),
        "## Packets by lifecycle",
        "Only active packets are still edited; closed, superseded and legacy packets are history "
        "and keep only the board, signature and audit-log checks.",
        "\n".join(history),
    ]


def lifecycle_text(packet: Packet) -> str:
    """A packet's lifecycle for a table cell; history in italics."""
    value = md_text(packet.lifecycle.value)
    return value if packet.lifecycle is Lifecycle.ACTIVE else f"*{value}*"


def _findings(ctx: RenderContext, page: str) -> list[str]:
    blocks = ["## Findings by rule family"]
    if not ctx.findings:
        blocks.append("No findings: every rule passes.")
        return blocks
    families = sorted({rule_family(f.rule) for f in ctx.findings}, key=family_key)
    findings_page = ctx.href(page, ctx.page_path("findings.md"))
    # Errors and warnings count what fails the build; known debt (in the
    # baseline file) gets its own column when a baseline is in use.
    with_debt = any(f.baselined for f in ctx.findings)
    keys = ["error", "warning"] + (["baselined"] if with_debt else []) + ["waived"]
    titles = {"error": "Errors", "warning": "Warnings", "baselined": "Known debt", "waived": "Waived"}
    lines = ["| Family | " + " | ".join(titles[key] for key in keys) + " |", "|---|" + "---|" * len(keys)]
    totals = {key: 0 for key in keys}
    for family in families:
        members = [f for f in ctx.findings if rule_family(f.rule) == family]
        counts = count_by("waived" if f.waived else "baselined" if f.baselined else f.severity.value for f in members)
        for key in totals:
            totals[key] += counts.get(key, 0)
        lines.append(
            f"| [{md_text(family)}]({findings_page}#{family_anchor(family)}) | " + " | ".join(str(counts.get(key, 0)) for key in keys) + " |"
        )
    lines.append("| **Total** | " + " | ".join(str(totals[key]) for key in keys) + " |")
    blocks.append("\n".join(lines))
    return blocks


def _pages(ctx: RenderContext, page: str) -> list[str]:
    lines = []
    for title, target in top_pages(ctx):
        if target != page:
            lines.append(f"- [{md_text(title)}]({ctx.href(page, target)})")
    spec_links = [
        f"[§{md_text(chapter)}]({ctx.href(page, ctx.page_path(f'spec/{chapter}.md'))})" for chapter in chapters(ctx)
    ]
    if spec_links:
        lines.append("- Spec chapters: " + ", ".join(spec_links))
    return ["## Pages", "\n".join(lines)]


def _packets(ctx: RenderContext, page: str) -> list[str]:
    if not ctx.packets_by_id:
        return ["## Packets", "No task packets found."]
    lines = ["| Packet | Lifecycle | Status | Title | Findings |", "|---|---|---|---|---|"]
    for wp in sorted_packet_ids(ctx):
        packet = ctx.packets_by_id[wp]
        findings = [f for f in ctx.findings_by_subject.get(wp, ()) if not f.waived]
        errors = sum(1 for f in findings if f.severity.value == "error")
        count = f"{errors} error(s), {len(findings) - errors} warning(s)" if findings else "none"
        lines.append(
            f"| {md_wp_link(ctx, page, wp)} | {lifecycle_text(packet)} | {status_badge(packet.status, packet.status_raw)} | {md_text(packet.title)} | {count} |"
        )
    return ["## Packets", "\n".join(lines)]

