"""Every finding, grouped by rule family, one sortable table per family.

The REMEDY family comes first: one row per locked packet, the one action
the protocol allows (a new revision) with the defects it must fix listed
under it, so the page groups many defects by the remedy they answer to.

The tables are plain HTML with a ``data-sort`` key on the cells whose text
does not sort naturally (severity, ``file:line``); the shipped script sorts
on a header click, and without it each table reads in file order. Waived
findings stay in the table, greyed, with the reason they were excused;
known debt (findings the baseline file records) stays too, greyed and
counted in its own column, and baseline entries that match nothing any more
are listed at the end so the file can shrink.
"""

from __future__ import annotations

from typing import Callable

from ..findings.baseline import Stale
from ..findings.finding import Finding, Severity
from .context import RenderContext
from .escape import html_text, md_text
from .common import (
    admonition,
    FAMILY_TITLES,
    count_by,
    family_anchor,
    family_key,
    html_parts,
    html_wp_link,
    join_blocks,
    link_section_refs,
    rule_family,
)

_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.OFF: 2}


def findings_by_family(findings: tuple[Finding, ...]) -> dict[str, list[Finding]]:
    """Family -> findings in file order, families in rule-document order."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(rule_family(finding.rule), []).append(finding)
    return {
        family: sorted(groups[family], key=lambda f: (f.sort_key(), f.severity.value, f.excerpt))
        for family in sorted(groups, key=family_key)
    }


def render_findings_page(ctx: RenderContext) -> str:
    page = ctx.page_path("findings.md")
    groups = findings_by_family(ctx.findings)
    blocks = ["# Findings"]
    stale = tuple(ctx.options.get("stale_baseline", ()) or ())  # type: ignore[arg-type]
    if not groups:
        blocks.append(admonition("success", "No findings", f"Every governance rule passes (as of {ctx.as_of.isoformat()})."))
        blocks.extend(_stale_section(stale))
        blocks.extend(_protocol_blocks(ctx))
        return join_blocks(blocks)
    debt = sum(1 for finding in ctx.findings if finding.baselined)
    blocks.append(
        f"{len(ctx.findings)} finding(s) as of {ctx.as_of.isoformat()}. "
        "Click a column header to sort a table; waived findings are greyed and show why they were excused."
        + (f" {debt} finding(s) are known debt, recorded in the baseline file: greyed, listed, not failing the build." if debt else "")
    )
    blocks.append(_summary_table(groups, with_debt=bool(debt)))
    titles = _rule_titles()
    for family, findings in groups.items():
        title = FAMILY_TITLES.get(family, "")
        heading = f"{family}: {title}" if title else family
        blocks.append(f"## {md_text(heading)} {{#{family_anchor(family)}}}")
        blocks.append(_table(ctx, page, findings, titles))
    blocks.extend(_stale_section(stale))
    blocks.extend(_protocol_blocks(ctx))
    return join_blocks(blocks)


def _protocol_blocks(ctx: RenderContext) -> list[str]:
    """Which protocol the repository was judged by, which packets are
    history, and which rules did not run and why: a reader must be able to
    tell "no finding" from "not checked"."""
    info = ctx.model.protocol
    if info is None:
        return []
    blocks = ["## Protocol in force {#protocol}"]
    where = f" (packet template {md_text(info.template_file)})" if info.template_file else ""
    blocks.append(f"Judged by the profile **{md_text(info.profile)}**{where}: {md_text(info.reason)}.")
    lifecycles = count_by(packet.lifecycle.value for packet in ctx.model.packets)
    if lifecycles:
        rows = ["| Lifecycle | Packets |", "|---|---|"]
        rows.extend(f"| {md_text(name)} | {lifecycles[name]} |" for name in ("active", "closed", "superseded", "stub", "legacy") if name in lifecycles)
        blocks.append(
            "Rules whose fix is an edit of the packet judge active packets only: signed packets are immutable, "
            "so closed, superseded and legacy packets keep only the board, signature and audit-log checks."
        )
        blocks.append("\n".join(rows))
    skipped = [entry for entry in ctx.rule_plan if not entry.applied]
    if skipped:
        rows = ["| Rule | Not applied because |", "|---|---|"]
        rows.extend(f"| {md_text(entry.rule)} | {md_text(entry.reason)} |" for entry in skipped)
        blocks.append("### Rules not applied {#rules-not-applied}")
        blocks.append("\n".join(rows))
    return blocks


def _summary_table(groups: dict[str, list[Finding]], *, with_debt: bool = False) -> str:
    """Errors and warnings count what fails the build; the "Known debt"
    column appears only when a baseline is in use."""
    debt_head, debt_rule = (" Known debt |", "---|") if with_debt else ("", "")
    lines = [f"| Family | Errors | Warnings |{debt_head} Waived |", f"|---|---|---|{debt_rule}---|"]
    for family, findings in groups.items():
        active = [f for f in findings if not f.waived and not f.baselined]
        severities = count_by(f.severity.value for f in active)
        debt = f" {sum(1 for f in findings if f.baselined)} |" if with_debt else ""
        lines.append(
            f"| [{md_text(family)}](#{family_anchor(family)}) | {severities.get('error', 0)} | "
            f"{severities.get('warning', 0)} |{debt} {sum(1 for f in findings if f.waived)} |"
        )
    return "\n".join(lines)


def _stale_section(stale: tuple[Stale, ...]) -> list[str]:
    if not stale:
        return []
    lines = ["| Rule | Subject | Excerpt | Occurrences gone | Message |", "|---|---|---|---|---|"]
    for entry in stale:
        lines.append(
            f"| {md_text(entry.entry.rule)} | {md_text(entry.entry.subject or entry.entry.file)} | "
            f"{md_text(entry.entry.excerpt)} | {entry.count} of {entry.entry.count} | {md_text(entry.messages[0] or '-')} |"
        )
    return [
        "## Stale baseline entries {#stale-baseline}",
        f"{len(stale)} baseline entr{'y' if len(stale) == 1 else 'ies'} match no finding any more: the debt was paid. "
        "Rewrite the baseline file (`mkdocs-handshake check --write-baseline FILE`) to drop them.",
        "\n".join(lines),
    ]


def _rule_titles() -> dict[str, str]:
    """Rule id -> title from the registry, shown as a tooltip on the rule id."""
    from ..rules import REGISTRY

    return {rule_id: rule.title for rule_id, rule in REGISTRY.items()}


def _table(ctx: RenderContext, page: str, findings: list[Finding], titles: dict[str, str]) -> str:
    header = "".join(f"<th>{name}</th>" for name in ("Severity", "Rule", "Where", "Subject", "Message", "Excerpt"))
    lines = [f'<table class="hs-table hs-sortable"><thead><tr>{header}</tr></thead><tbody>']
    lines.extend(_row(ctx, page, finding, titles.get) for finding in findings)
    lines.append("</tbody></table>")
    return "\n".join(lines)


def _row(ctx: RenderContext, page: str, finding: Finding, title_of: Callable[[str], str | None]) -> str:
    severity = finding.severity.value
    rank = _SEVERITY_RANK.get(finding.severity, 3) + (10 if finding.waived else 5 if finding.baselined else 0)
    if finding.waived:
        severity_cell = f'<span class="hs-badge hs-sev-waived">waived</span> <span class="hs-meta">({html_text(severity)})</span>'
    elif finding.baselined:
        severity_cell = f'<span class="hs-badge hs-sev-waived">known debt</span> <span class="hs-meta">({html_text(severity)})</span>'
    else:
        severity_cell = f'<span class="hs-badge hs-sev-{html_text(severity)}">{html_text(severity)}</span>'
    rule_title = title_of(finding.rule)
    rule_attr = f' title="{html_text(rule_title)}"' if rule_title else ""
    where_key = f"{finding.loc.file}:{finding.loc.line:08d}:{finding.loc.column:05d}"
    message = link_section_refs(html_text(finding.message), page, ctx)
    if finding.waived:
        reason = finding.waiver_reason or "(no reason given)"
        message += f'<br><span class="hs-meta">Waived: {html_text(reason)}</span>'
    message += html_parts(ctx, page, finding)
    excerpt = f"<code>{html_text(finding.excerpt)}</code>" if finding.excerpt else ""
    css = ' class="hs-waived"' if finding.waived or finding.baselined else ""
    cells = [
        f'<td data-sort="{rank}">{severity_cell}</td>',
        f"<td{rule_attr}>{html_text(finding.rule)}</td>",
        f'<td data-sort="{html_text(where_key)}"><code>{html_text(str(finding.loc))}</code></td>',
        f"<td>{_subject(ctx, page, finding.subject)}</td>",
        f"<td>{message}</td>",
        f"<td>{excerpt}</td>",
    ]
    return f"<tr{css}>{''.join(cells)}</tr>"


def _subject(ctx: RenderContext, page: str, subject: str) -> str:
    """A WP subject links to its packet page; a section number to the spec."""
    if subject in ctx.packets_by_id:
        return html_wp_link(ctx, page, subject)
    if subject in ctx.sections_by_number:
        return link_section_refs(html_text(f"§{subject}"), page, ctx)
    return html_text(subject)
