"""The findings page: one sortable table per rule family, waived findings explained."""

from __future__ import annotations

import re

import pytest

from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.model.basics import Loc
from mkdocs_handshake.render.findings_page import findings_by_family, render_findings_page
from tests.render.test_site import context, parse_html, to_html, visible_text


def _family_sections(html: str) -> dict[str, str]:
    """H2 id -> the HTML up to the next H2."""
    parts = re.split(r'(<h2 id="[^"]+">)', html)
    return {re.search(r'id="([^"]+)"', parts[i]).group(1): parts[i + 1] for i in range(1, len(parts), 2)}  # type: ignore[union-attr]


def test_findings_are_grouped_under_one_heading_per_family_in_rule_order() -> None:
    html = to_html(render_findings_page(context()))
    headings = re.findall(r'<h2 id="([^"]+)">([^<]+)</h2>', html)
    assert headings == [
        ("family-parse", "PARSE: The documents can be read"),
        ("family-pkt", "PKT: Every packet is complete"),
        ("family-sig", "SIG: Signatures"),
        ("family-dep", "DEP: Dependencies and blockers"),
    ]
    sections = _family_sections(html)
    assert "PKT-004" in sections["family-pkt"] and "DEP-005" not in sections["family-pkt"]
    assert sections["family-dep"].count("<tr") == 2  # header + one finding


def test_each_family_table_is_sortable_and_keyed_for_sorting() -> None:
    html = to_html(render_findings_page(context()))
    tables = re.findall(r'<table class="([^"]+)">', html)
    assert tables == ["hs-table hs-sortable"] * 4
    assert '<td data-sort="docs/task_packets/WP-1-Ledger.md:00000012:00003"><code>docs/task_packets/WP-1-Ledger.md:12</code></td>' in html
    assert '<td data-sort="0"><span class="hs-badge hs-sev-error">error</span></td>' in html


def test_rows_are_in_file_order_within_a_family() -> None:
    findings = (
        Finding("PKT-008", Severity.WARNING, "later", Loc("docs/task_packets/WP-1-B.md", 40)),
        Finding("PKT-004", Severity.ERROR, "earlier", Loc("docs/task_packets/WP-1-B.md", 4)),
        Finding("PKT-001", Severity.ERROR, "other file", Loc("docs/task_packets/WP-1-A.md", 90)),
    )
    assert [f.message for f in findings_by_family(findings)["PKT"]] == ["other file", "earlier", "later"]


def test_subject_links_to_the_packet_page_only_when_it_is_a_packet() -> None:
    html = to_html(render_findings_page(context()))
    assert '<td><a href="../packets/WP-1-Ledger/">WP-1-Ledger</a></td>' in html
    # A section subject links to the spec page instead.
    assert '<td><a class="hs-secref" href="../spec/3/#sec-3-4">§3.4</a></td>' in html
    unknown = Finding("BOARD-001", Severity.ERROR, "Board names a ghost", Loc("docs/TASK_BOARD.md", 9), "WP-9-Ghost", "WP-9-Ghost")
    ghost = to_html(render_findings_page(context(findings=(unknown,))))
    assert "<td>WP-9-Ghost</td>" in ghost and "packets/WP-9-Ghost" not in ghost


def test_message_and_excerpt_are_escaped_and_section_refs_linked() -> None:
    html = to_html(render_findings_page(context()))
    assert "Field missing: &lt;script&gt;alert(1)&lt;/script&gt; see <a class=\"hs-secref\" href=\"../spec/2/#sec-2-1-1\">§2.1.1</a>" in html
    assert "<td><code>- RISK_MAP:</code></td>" in html
    assert "<script" not in html


def test_waived_findings_show_their_reason_and_count_separately() -> None:
    page = render_findings_page(context())
    html = to_html(page)
    waived_row = next(row for row in re.findall(r"<tr[^>]*>.*?</tr>", html) if "SIG-003" in row)
    assert waived_row.startswith('<tr class="hs-waived">')
    assert '<span class="hs-badge hs-sev-waived">waived</span> <span class="hs-meta">(error)</span>' in waived_row
    assert "Waived: Approved in the weekly review" in waived_row
    assert "| [SIG](#family-sig) | 0 | 0 | 1 |" in page
    assert "| [PKT](#family-pkt) | 1 | 0 | 0 |" in page


def test_the_page_reads_without_script_as_plain_tables() -> None:
    html = to_html(render_findings_page(context()))
    collector = parse_html(html)
    assert not [tag for tag, _ in collector.tags if tag == "script"]
    headers = re.findall(r'<table class="hs-table hs-sortable"><thead><tr>(.*?)</tr></thead>', html)
    assert headers == ["<th>Severity</th><th>Rule</th><th>Where</th><th>Subject</th><th>Message</th><th>Excerpt</th>"] * 4
    assert "4 finding(s) as of 2026-11-20." in "".join(collector.text)


def test_no_findings_gives_a_success_note() -> None:
    text = visible_text(render_findings_page(context(findings=())))
    assert text == "Findings No findings Every governance rule passes (as of 2026-11-20)."


def test_rule_titles_from_the_registry_become_tooltips(monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs_handshake.rules import REGISTRY
    from mkdocs_handshake.rules.base import Rule

    def check(rule: Rule, ctx: object) -> list[Finding]:
        """Test rule."""
        return []

    monkeypatch.setitem(REGISTRY, "ZZZ-001", Rule("ZZZ-001", Severity.WARNING, 'Titles "quoted" & <bold>', check))
    finding = Finding("ZZZ-001", Severity.WARNING, "x", Loc("a.md", 1))
    html = to_html(render_findings_page(context(findings=(finding,))))
    assert '<td title="Titles &quot;quoted&quot; &amp; &lt;bold&gt;">ZZZ-001</td>' in html
    assert '<h2 id="family-zzz">ZZZ</h2>' in html


def test_the_page_says_which_protocol_judged_the_repo_and_which_rules_did_not_run() -> None:
    from dataclasses import replace

    from mkdocs_handshake.rules.engine import RulePlan
    from mkdocs_handshake.model.basics import Lifecycle
    from mkdocs_handshake.model.records import ProtocolInfo
    from tests.render.test_site import sample_model

    model = sample_model()
    model = replace(
        model,
        packets=(replace(model.packets[0], lifecycle=Lifecycle.SUPERSEDED), *model.packets[1:]),
        protocol=ProtocolInfo("handshake-2026-02", "handshake-2026-02", "docs/templates/T.md stamps PACKET_FORMAT_VERSION 2026-02-01", template_file="docs/templates/T.md"),
    )
    plan = (
        RulePlan("PKT-001", True, "applied"),
        RulePlan("PKT-010", False, "its clause is gone: the protocol text no longer says 'just post-work'"),
    )
    html = to_html(render_findings_page(context(model, rule_plan=plan)))
    text = visible_text(html)
    assert "Judged by the profile handshake-2026-02" in text and "stamps PACKET_FORMAT_VERSION 2026-02-01" in text
    assert "superseded" in text
    section = html.split('id="rules-not-applied"')[1]
    assert "PKT-010" in section and "just post-work" in section and "PKT-001" not in section
