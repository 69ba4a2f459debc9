"""PHASE rules: claims of a closed phase, and waivers."""

from __future__ import annotations

import datetime as dt

import pytest

from mkdocs_handshake.rules.engine import EngineConfig, run_rules
from mkdocs_handshake.findings.finding import Severity
from mkdocs_handshake.model.basics import BoardColumn, Loc, Status
from mkdocs_handshake.model.records import BoardEntry
from mkdocs_handshake.model.governance import Waiver
from mkdocs_handshake.rules import REGISTRY
from mkdocs_handshake.rules.context import RuleContext
from tests.rules.builders import board_entry, make_model, make_packet

BOARD = "docs/TASK_BOARD.md"
AS_OF = dt.date(2026, 12, 1)
CLAIM = ("1", Loc(BOARD, 5, 1), "**Status:** READY TO CLOSE")


def run(rule_id: str, model, **options):  # type: ignore[no-untyped-def]
    rule = REGISTRY[rule_id]
    return list(rule.check(rule, RuleContext(model, as_of=AS_OF, options=options)))


def validated(wp: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return make_packet(wp, status=Status.VALIDATED, reports=[("PASS", "2026-11-20")], **kwargs)  # type: ignore[arg-type]


def test_phase_001_fires_on_claim_when_a_critical_wp_is_not_validated() -> None:
    model = make_model(
        [validated("WP-1-A"), make_packet("WP-1-B", status=Status.IN_PROGRESS)],
        board=[board_entry("WP-1-A", BoardColumn.DONE, 8), board_entry("WP-1-B", BoardColumn.IN_PROGRESS, 9)],
        phase_claims=(CLAIM,),
    )
    findings = run("PHASE-001", model)
    assert len(findings) == 1
    finding = findings[0]
    assert finding.loc == Loc(BOARD, 5, 1)
    assert finding.excerpt == "**Status:** READY TO CLOSE"
    assert finding.subject == "Phase 1"
    assert finding.severity is Severity.ERROR
    assert "only 1 of 2 phase-critical WPs are VALIDATED (not: WP-1-B)" in finding.message


def test_phase_001_fires_on_blocked_board_entry_claimed_in_board_text() -> None:
    entry = BoardEntry("WP-1-A", BoardColumn.DONE, "Done", (), "[WP-1-A] VALIDATED; Phase 1 closed", Loc(BOARD, 8, 3))
    model = make_model(
        [validated("WP-1-A"), make_packet("WP-1-C", status=Status.BLOCKED)],
        board=[entry, board_entry("WP-1-C", BoardColumn.BLOCKED, 12)],
    )
    findings = run("PHASE-001", model)
    assert [(f.loc, f.excerpt) for f in findings] == [(Loc(BOARD, 8, 3), "Phase 1 closed")]
    assert "no unresolved blockers fails (WP-1-C)" in findings[0].message


def test_phase_001_silent_without_claim_even_if_phase_is_not_ready() -> None:
    model = make_model([make_packet("WP-1-B", status=Status.IN_PROGRESS)])
    assert run("PHASE-001", model) == []


def test_phase_001_silent_when_claimed_phase_has_no_failing_must() -> None:
    # Unknown MUSTs (spec regression, ...) are shown on the page, not reported as errors.
    model = make_model([validated("WP-1-A"), validated("WP-1-B", depends_on=["WP-1-A"])], phase_claims=(CLAIM,))
    assert run("PHASE-001", model) == []


def test_phase_001_silent_for_claim_about_another_phase() -> None:
    model = make_model(
        [make_packet("WP-1-B", status=Status.IN_PROGRESS), validated("WP-2-A")],
        phase_claims=(("2", Loc(BOARD, 30, 1), "Phase 2 READY TO CLOSE"),),
    )
    assert run("PHASE-001", model) == []


def test_phase_001_silent_for_denials_in_packet_text() -> None:
    packet = make_packet("WP-1-B", status=Status.IN_PROGRESS)
    headings = packet.headings + (("Phase 1 is not ready to close", 2, Loc(packet.file, 95)),)
    model = make_model([packet.__class__(**{**packet.__dict__, "headings": headings})])
    assert run("PHASE-001", model) == []


def waiver(approved: str = "2026-11-01", expires: str = "2027-01-01", target: str = "WP-1-A") -> Waiver:
    return Waiver("PKT-005", target, "legacy placeholder", approved, expires)


def test_phase_002_reports_waiver_without_approval_date() -> None:
    findings = run("PHASE-002", make_model([validated("WP-1-A")]), waivers=(waiver(approved=""),))
    assert len(findings) == 1
    finding = findings[0]
    assert finding.loc == Loc("mkdocs.yml", 1)
    assert finding.subject == "WP-1-A" and finding.excerpt == "WP-1-A"
    assert "no approval date" in finding.message


def test_phase_002_reports_expired_date_at_configured_config_file() -> None:
    findings = run(
        "PHASE-002", make_model([validated("WP-1-A")]), waivers=(waiver(expires="2026-11-30"),), config_file="site/mkdocs.yml"
    )
    assert [(f.loc, f.excerpt) for f in findings] == [(Loc("site/mkdocs.yml", 1), "2026-11-30")]
    assert "expired on 2026-11-30" in findings[0].message


def test_phase_002_reports_waiver_past_a_phase_claimed_closed() -> None:
    model = make_model([validated("WP-1-A")], phase_claims=(CLAIM,))
    findings = run("PHASE-002", model, waivers=(waiver(expires="Phase 1"), waiver(expires="", target="WP-1-B")))
    assert [f.excerpt for f in findings] == ["Phase 1", "WP-1-B"]
    assert "Phase 1 is claimed closed" in findings[0].message


def test_phase_002_silent_for_current_waivers_and_without_waivers() -> None:
    model = make_model([validated("WP-1-A")])
    assert run("PHASE-002", model, waivers=(waiver(), waiver(expires="Phase 1"), waiver(expires=""))) == []
    assert run("PHASE-002", model) == []


def test_engine_passes_configured_waivers_to_phase_002() -> None:
    # PHASE-001 is the waived rule here because it is certainly registered.
    unapproved = Waiver("PHASE-001", "WP-1-A", "legacy", "", "")
    config = EngineConfig(waivers=(unapproved,), as_of=AS_OF)
    findings = [f for f in run_rules(make_model([validated("WP-1-A")]), config) if f.rule == "PHASE-002"]
    assert [f.subject for f in findings] == ["WP-1-A"]


@pytest.mark.parametrize(
    ("approved", "expires", "value", "said"),
    [
        ("2026-11-01", "2025-13-01", "2025-13-01", "expiry '2025-13-01' is neither a date"),
        ("2026-11-01", "whenever", "whenever", "expiry 'whenever' is neither a date"),
        ("2026-11-01", "2026-02-30", "2026-02-30", "expiry '2026-02-30' is neither a date"),
        ("2025-01-01 NOT APPROVED", "2027-01-01", "2025-01-01 NOT APPROVED", "approval '2025-01-01 NOT APPROVED' is not a date"),
        ("2026-12-02", "2027-01-01", "2026-12-02", "approval date 2026-12-02 is after the build date 2026-12-01"),
    ],
    ids=["month-13", "word", "february-30", "date-and-words", "approved-after-as-of"],
)
def test_phase_002_reports_a_waiver_date_that_is_not_a_date_and_the_waiver_excuses_nothing(
    approved: str, expires: str, value: str, said: str
) -> None:
    model = make_model([make_packet("WP-1-A", status=Status.IN_PROGRESS)], phase_claims=(CLAIM,))
    bad = Waiver("PHASE-001", "Phase 1", "legacy", approved, expires)
    findings = run("PHASE-002", model, waivers=(bad,))
    assert [(f.excerpt, f.severity) for f in findings] == [(value, Severity.ERROR)]
    assert said in findings[0].message and "does not excuse" in findings[0].message
    # The finding the waiver names stays an unwaived error.
    all_findings = run_rules(model, EngineConfig(waivers=(bad,), as_of=AS_OF))
    phase_001 = [f for f in all_findings if f.rule == "PHASE-001"]
    assert phase_001 and not any(f.waived for f in phase_001)
    good = Waiver("PHASE-001", "Phase 1", "legacy", "2026-11-01", "2027-01-01")
    assert all(f.waived for f in run_rules(model, EngineConfig(waivers=(good,), as_of=AS_OF)) if f.rule == "PHASE-001")


def test_phase_002_a_waiver_is_current_through_its_expiry_day_and_expired_the_day_after() -> None:
    model = make_model([validated("WP-1-A")])
    last_day = AS_OF.isoformat()
    day_before = (AS_OF - dt.timedelta(days=1)).isoformat()
    assert run("PHASE-002", model, waivers=(waiver(expires=last_day),)) == []
    findings = run("PHASE-002", model, waivers=(waiver(expires=day_before),))
    assert [f.excerpt for f in findings] == [day_before] and f"expired on {day_before}" in findings[0].message


def test_phase_002_a_waiver_approved_on_the_build_day_counts_and_one_approved_the_day_after_does_not() -> None:
    model = make_model([validated("WP-1-A")])
    assert run("PHASE-002", model, waivers=(waiver(approved=AS_OF.isoformat()),)) == []
    tomorrow = (AS_OF + dt.timedelta(days=1)).isoformat()
    findings = run("PHASE-002", model, waivers=(waiver(approved=tomorrow),))
    assert [f.excerpt for f in findings] == [tomorrow] and "after the build date" in findings[0].message
