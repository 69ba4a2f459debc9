"""Known debt (findings the baseline records) on the generated pages: counted
apart from what fails the build, shown greyed, and stale entries listed with
their text escaped."""

from __future__ import annotations

from dataclasses import replace

from mkdocs_handshake.findings.baseline import Entry, Stale
from mkdocs_handshake.render.findings_page import render_findings_page
from mkdocs_handshake.render.overview import render_overview
from mkdocs_handshake.render.packet_page import render_packet_page
from tests.render.test_site import context, sample_findings, sample_model, to_html, visible_text


def _with_debt():
    findings = sample_findings()
    first_error = next(index for index, f in enumerate(findings) if f.severity.value == "error" and not f.waived)
    marked = tuple(replace(f, baselined=True) if index == first_error else f for index, f in enumerate(findings))
    return marked, marked[first_error]


def test_the_findings_page_counts_known_debt_apart_and_greys_it() -> None:
    findings, debt = _with_debt()
    plain = to_html(render_findings_page(context(findings=sample_findings())))
    html = to_html(render_findings_page(context(findings=findings)))
    assert "Known debt" not in plain
    assert "<th>Known debt</th>" in html
    assert html.count(">known debt</span>") == 1
    assert "1 finding(s) are known debt" in visible_text(html)


def test_stale_entries_are_listed_and_escaped() -> None:
    entry = Entry("0" * 32, "PKT-001", "WP-1-<script>", "docs/x.md", "<b>old</b>", ("TASK_ID <differs>",))
    html = to_html(render_findings_page(context(findings=(), options={"stale_baseline": (Stale(entry, entry.messages),)})))
    assert 'id="stale-baseline"' in html
    assert "<script>" not in html and "<b>old</b>" not in html
    text = visible_text(html)
    assert "WP-1-<script>" in text and "TASK_ID <differs>" in text and "1 of 1" in text


def test_the_overview_gets_a_known_debt_column_only_with_a_baseline() -> None:
    findings, _debt = _with_debt()
    assert "Known debt" not in to_html(render_overview(context(findings=sample_findings())))
    html = to_html(render_overview(context(findings=findings)))
    assert "<th>Known debt</th>" in html


def test_the_packet_page_labels_known_debt() -> None:
    findings, debt = _with_debt()
    model = sample_model()
    packet = next(p for p in model.packets if p.id == debt.subject or p.file == debt.loc.file)
    html = to_html(render_packet_page(context(model=model, findings=findings), packet))
    assert f"{debt.rule} (known debt, error)" in visible_text(html)
