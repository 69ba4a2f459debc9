"""The overview page: current spec, status counts, findings per family, gate verdict."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.model.basics import Loc, Status
from mkdocs_handshake.render import context as render_context
from mkdocs_handshake.render.phase_gate_page import render_phase_gate_page
from mkdocs_handshake.render.overview import render_overview
from tests.render.test_site import context, sample_model, to_html, visible_text
from tests.rules.builders import make_packet


def _packets() -> list:
    return [
        make_packet("WP-1-A", status=Status.READY_FOR_DEV),
        make_packet("WP-1-B", status=Status.READY_FOR_DEV),
        make_packet("WP-1-C", status=Status.VALIDATED),
        make_packet("WP-1-D", status=Status.BLOCKED),
    ]


def test_overview_names_the_current_spec_and_its_version() -> None:
    text = visible_text(render_overview(context()))
    assert "File Spec_v01.00.md" in text
    assert "Version 01.00" in text
    assert "Named by docs/SPEC_CURRENT.md" in text
    assert "Sections 9 numbered (8 Main Body) Requirements" in text


def test_overview_counts_packets_by_status() -> None:
    page = render_overview(context(sample_model(_packets(), done_mappings={}), findings=()))
    assert '| <span class="hs-badge hs-status hs-status-ready-for-dev">Ready-for-Dev</span> | 2 |' in page
    assert '| <span class="hs-badge hs-status hs-status-validated">VALIDATED</span> | 1 |' in page
    assert '| <span class="hs-badge hs-status hs-status-blocked">Blocked</span> | 1 |' in page
    assert "| **Total** | 4 |" in page
    assert "hs-status-done\">Done</span> |" not in page


def test_overview_counts_errors_warnings_and_waivers_per_family_in_rule_order() -> None:
    findings = (
        Finding("PKT-004", Severity.ERROR, "x", Loc("a.md", 1)),
        Finding("PKT-008", Severity.WARNING, "x", Loc("a.md", 2)),
        Finding("PKT-009", Severity.ERROR, "x", Loc("a.md", 3), waived=True, waiver_reason="ok"),
        Finding("PARSE-002", Severity.WARNING, "x", Loc("b.md", 1)),
    )
    page = render_overview(context(findings=findings))
    parse_row = "| [PARSE](findings/#family-parse) | 0 | 1 | 0 |"
    pkt_row = "| [PKT](findings/#family-pkt) | 1 | 1 | 1 |"
    assert parse_row in page and pkt_row in page
    assert page.index(parse_row) < page.index(pkt_row)
    assert "| **Total** | 1 | 2 | 1 |" in page


def test_overview_links_every_page_and_lists_packets() -> None:
    html = to_html(render_overview(context()))
    for target in ("traceability/", "findings/", "packets/WP-1-Base/", "packets/WP-1-Ledger/", "spec/2/", "spec/9/"):
        assert f'href="{target}' in html, target
    assert "1 error(s), 0 warning(s)" in html  # WP-1-Ledger: the waived SIG-003 of WP-1-Base does not count


@dataclass(frozen=True)
class _Criterion:
    title: str


@dataclass(frozen=True)
class _Gate:
    phase: str
    verdict: str
    share: tuple[int, int]
    failed_musts: tuple[_Criterion, ...]


def test_overview_shows_one_verdict_per_phase(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[object, ...]] = []

    def evaluate(model: object, findings: object, as_of: object, graph: object, **_: object) -> tuple[_Gate, ...]:
        calls.append((model, findings, as_of, graph))
        return (
            _Gate("0", "READY", (3, 3), ()),
            _Gate("1", "NOT READY", (1, 4), (_Criterion("All phase-critical WPs VALIDATED"), _Criterion("No <Blocked> WP"))),
        )

    monkeypatch.setattr(render_context, "evaluate_phase_gate", evaluate)
    ctx = context()
    page = render_overview(ctx)
    assert "| 0 | **READY** | 3 of 3 | none |" in page
    assert "| 1 | **NOT READY** | 1 of 4 | All phase-critical WPs VALIDATED; No &lt;Blocked&gt; WP |" in page
    assert calls == [(ctx.model, ctx.findings, ctx.as_of, ctx.graph)]


def test_overview_links_the_phase_gate_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_context, "evaluate_phase_gate", lambda *args, **kwargs: ())
    page = render_overview(context())
    assert "No phase found in the packets or on the board." in page
    assert "Criteria and evidence: [phase gate](phase-gate/)." in page
    assert "- [Phase gate](phase-gate/)" in page




def test_overview_and_phase_gate_report_share_one_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    real = render_context.evaluate_phase_gate
    calls: list[object] = []

    def spy(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(render_context, "evaluate_phase_gate", spy)
    ctx = context()
    overview_page = render_overview(ctx)
    report = render_phase_gate_page(ctx)
    assert len(calls) == 1
    verdict = ctx.phase_gates[0].verdict
    assert verdict in overview_page and verdict in report
