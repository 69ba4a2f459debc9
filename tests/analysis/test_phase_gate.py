"""Phase-gate evaluation (Part 6.5) on hand-built models, and the scanners the
loader uses to find phase claims and the board's phase-gate checklist."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.model.basics import BoardColumn, Loc, Status
from mkdocs_handshake.model.records import BoardEntry
from mkdocs_handshake.model.governance import Waiver
from mkdocs_handshake.analysis.phase_basics import FAIL, NOT_READY, PASS, READY, UNKNOWN
from mkdocs_handshake.analysis.phase_gate import evaluate_phase_gate
from mkdocs_handshake.analysis.phase_claims import find_phase_checklist, find_phase_claims
from mkdocs_handshake.analysis.waivers import waiver_state
from mkdocs_handshake.repository.source import decode
from tests.rules.builders import board_entry, make_model, make_packet, occurrence

BOARD = "docs/TASK_BOARD.md"
AS_OF = dt.date(2026, 12, 1)


def validated(wp: str, **kwargs: object) -> object:
    return make_packet(wp, status=Status.VALIDATED, reports=[("PASS", "2026-11-20")], **kwargs)  # type: ignore[arg-type]


def gate_entry(wp: str, line: int, phase: str = "1") -> BoardEntry:
    return BoardEntry(wp, BoardColumn.PHASE_GATE, f"🚨 PHASE {phase} CLOSURE GATES (BLOCKING)", (), f"[{wp}]", Loc(BOARD, line, 5))


TICKED = (
    ("1", Loc(BOARD, 20, 3), "Spec regression check PASS (just validator-spec-regression)", True),
    ("1", Loc(BOARD, 21, 3), "Supply chain clean (cargo deny + npm audit)", True),
    ("1", Loc(BOARD, 22, 3), "All commits properly tracked", True),
)


def only(gates: tuple, phase: str = "1"):  # type: ignore[no-untyped-def]
    found = [gate for gate in gates if gate.phase == phase]
    assert len(found) == 1
    return found[0]


def test_ready_phase_when_every_must_passes_with_attested_checklist() -> None:
    model = make_model(
        [validated("WP-1-A"), validated("WP-1-B", depends_on=["WP-1-A"])],
        board=[gate_entry("WP-1-A", 5), gate_entry("WP-1-B", 6)],
        phase_checklist=TICKED,
    )
    gate = only(evaluate_phase_gate(model, (), AS_OF))
    assert gate.critical == ("WP-1-A", "WP-1-B") and gate.critical_source == "board"
    assert gate.share == (2, 2)
    assert [c.state for c in gate.musts] == [PASS] * 5
    assert gate.criterion("spec-regression").attested  # type: ignore[union-attr]
    assert gate.criterion("spec-regression").evidence[0].loc == Loc(BOARD, 20, 3)  # type: ignore[union-attr]
    assert gate.verdict == READY


def test_unknown_musts_keep_the_phase_not_ready_and_say_what_would_settle_them() -> None:
    model = make_model([validated("WP-1-A")], board=[gate_entry("WP-1-A", 5)])
    gate = only(evaluate_phase_gate(model, (), AS_OF))
    assert gate.criterion("validated").state == PASS  # type: ignore[union-attr]
    unknown = {c.id for c in gate.unknown_musts}
    assert unknown == {"spec-regression", "supply-chain", "git-trail"}
    assert "just validator-spec-regression" in gate.criterion("spec-regression").needed  # type: ignore[union-attr]
    assert gate.verdict == NOT_READY and not gate.failed_musts


def test_unticked_checklist_item_stays_unknown_and_is_cited() -> None:
    items = (("1", Loc(BOARD, 20, 3), "Spec regression check PASS", False),)
    model = make_model([validated("WP-1-A")], phase_checklist=items)
    criterion = only(evaluate_phase_gate(model, (), AS_OF)).criterion("spec-regression")
    assert criterion.state == UNKNOWN  # type: ignore[union-attr]
    assert criterion.evidence[0].loc == Loc(BOARD, 20, 3)  # type: ignore[union-attr]
    assert "not ticked" in criterion.evidence[0].text  # type: ignore[union-attr]


def test_done_without_pass_verdict_is_not_validated() -> None:
    model = make_model(
        [validated("WP-1-A"), make_packet("WP-1-B", status=Status.DONE), make_packet("WP-1-C", status=Status.DONE, reports=[("FAIL", "2026-11-01")])],
        board=[gate_entry("WP-1-A", 5), gate_entry("WP-1-B", 6), gate_entry("WP-1-C", 7), gate_entry("WP-1-Missing", 8)],
    )
    gate = only(evaluate_phase_gate(model, (), AS_OF))
    criterion = gate.criterion("validated")
    assert criterion.state == FAIL  # type: ignore[union-attr]
    assert gate.share == (1, 4)
    texts = {e.wp: e.text for e in criterion.evidence}  # type: ignore[union-attr]
    assert "STATUS done, no validation report with a verdict" in texts["WP-1-B"]
    assert "latest validator verdict FAIL" in texts["WP-1-C"]
    assert "no packet exists" in texts["WP-1-Missing"]
    assert gate.verdict == NOT_READY


def test_without_board_gate_all_live_packets_of_the_phase_are_critical() -> None:
    model = make_model(
        [validated("WP-1-A"), make_packet("WP-1-Old", status=Status.SUPERSEDED), make_packet("WP-2-Next")],
        board=[board_entry("WP-1-A", BoardColumn.DONE, 4)],
    )
    gates = evaluate_phase_gate(model, (), AS_OF)
    assert [g.phase for g in gates] == ["1", "2"]
    assert gates[0].critical == ("WP-1-A",) and gates[0].critical_source == "packets"
    assert gates[1].critical == ("WP-2-Next",)


def test_blocked_board_entry_and_unvalidated_dependency_fail_the_blocker_criterion() -> None:
    model = make_model(
        [validated("WP-1-A", depends_on=["WP-1-Dep"]), make_packet("WP-1-Dep", status=Status.IN_PROGRESS), make_packet("WP-1-C", status=Status.BLOCKED)],
        board=[board_entry("WP-1-C", BoardColumn.BLOCKED, 12)],
    )
    finding = Finding("DEP-003", Severity.ERROR, "blocker not validated", Loc("docs/task_packets/WP-1-A.md", 77, 17), "WP-1-Dep", "WP-1-A")
    criterion = only(evaluate_phase_gate(model, (finding,), AS_OF)).criterion("blockers")
    assert criterion.state == FAIL  # type: ignore[union-attr]
    facts = [(e.wp, e.text, e.loc) for e in criterion.evidence]  # type: ignore[union-attr]
    assert ("WP-1-C", "stands in the board's Blocked column", Loc(BOARD, 12, 5)) in facts
    assert ("WP-1-A", "depends on WP-1-Dep, which is not VALIDATED", Loc("docs/task_packets/WP-1-A.md", 77, 17)) in facts
    assert any(e.rule == "DEP-003" for e in criterion.evidence)  # type: ignore[union-attr]


def test_dependency_on_superseded_packet_is_satisfied_by_its_validated_variant() -> None:
    model = make_model(
        [
            make_packet("WP-1-Store", status=Status.SUPERSEDED),
            validated("WP-1-Store-v2"),
            validated("WP-1-App", depends_on=["WP-1-Store"]),
        ]
    )
    gate = only(evaluate_phase_gate(model, (), AS_OF))
    assert gate.criterion("blockers").state == PASS  # type: ignore[union-attr]
    assert "WP-1-Store" not in gate.critical


def test_deferred_work_note_fails_the_should_criterion_only() -> None:
    notes = {"OUT_OF_SCOPE": (occurrence("WP-1-A", "OUT_OF_SCOPE", "", 21, item_texts=["UI polish deferred to Phase 2", "Billing", "Search"]),)}
    model = make_model([validated("WP-1-A", fields=notes)], phase_checklist=TICKED)
    gate = only(evaluate_phase_gate(model, (), AS_OF))
    criterion = gate.criterion("deferred-work")
    assert criterion.state == FAIL and criterion.strength == "SHOULD"  # type: ignore[union-attr]
    assert criterion.evidence[0].loc == Loc("docs/task_packets/WP-1-A.md", 22, 3)  # type: ignore[union-attr]
    assert gate.verdict == READY  # SHOULD criteria do not block closing


SOURCE = """# Board

## 🚨 PHASE 1 CLOSURE GATES (BLOCKING)

**Status:** READY TO CLOSE ✅

1. ✅ WP-1-A [VALIDATED]

Phase closure criteria:
- [x] Spec regression check PASS (just validator-spec-regression)
- [ ] Supply chain clean (cargo deny + npm audit)

Phase 1 cannot close until every item below is validated.
Phase 2 is not ready to close. Once Phase 4 is closed we start.
Status of work: Phase 3: CLOSED.

```
→ Phase 5 READY TO CLOSE ✅
```

## Done
- Status: closed
- [x] Coverage report attached
"""


def test_find_phase_claims_reads_statements_and_skips_denials_conditions_and_fences() -> None:
    claims = find_phase_claims(decode(SOURCE.encode(), BOARD))
    assert claims == [
        ("1", Loc(BOARD, 5, 1), "**Status:** READY TO CLOSE ✅"),
        ("3", Loc(BOARD, 15, 17), "Phase 3: CLOSED"),
    ]


def test_find_phase_checklist_reads_ticks_under_a_phase_heading_only() -> None:
    items = find_phase_checklist(decode(SOURCE.encode(), BOARD))
    assert items == [
        ("1", Loc(BOARD, 10, 3), "Spec regression check PASS (just validator-spec-regression)", True),
        ("1", Loc(BOARD, 11, 3), "Supply chain clean (cargo deny + npm audit)", False),
    ]


def test_claims_in_model_text_are_found_without_the_loader() -> None:
    model = make_model([validated("WP-1-A")], board=[BoardEntry("WP-1-A", BoardColumn.DONE, "Done", (), "[WP-1-A] Phase 1 closed", Loc(BOARD, 9, 3))])
    gate = only(evaluate_phase_gate(model, (), AS_OF))
    assert [(c.loc, c.text) for c in gate.claims] == [(Loc(BOARD, 9, 3), "Phase 1 closed")]


def test_waiver_state_dates_and_phase_boundaries() -> None:
    def waiver(approved: str, expires: str, target: str = "WP-1-A") -> Waiver:
        return Waiver("PKT-005", target, "legacy", approved, expires)

    assert waiver_state(waiver("", "2027-01-01"), AS_OF, ()).state == "unapproved"
    soon = waiver_state(waiver("soon", "2027-01-01"), AS_OF, ())
    assert (soon.state, soon.reason) == ("invalid", "approval 'soon' is not a date (YYYY-MM-DD, a day that exists)")
    assert waiver_state(waiver("2026-10-01", "2026-11-30"), AS_OF, ()).state == "expired"
    assert waiver_state(waiver("2026-10-01", "2026-12-01"), AS_OF, ()).state == "active"
    assert waiver_state(waiver("2026-10-01", "end of Phase 1"), AS_OF, {"1"}).state == "expired"
    assert waiver_state(waiver("2026-10-01", "Phase 2"), AS_OF, {"1"}).state == "active"
    implicit = waiver_state(waiver("2026-10-01", ""), AS_OF, {"1"})
    assert implicit.state == "expired" and implicit.expiry_phase == "1"


@pytest.mark.corpus
def test_corpus_phase_1_is_not_ready_and_its_board_sentence_is_no_claim(corpus_root: Path) -> None:
    from mkdocs_handshake.repository.layout import Layout
    from mkdocs_handshake.load.assemble import load_repo
    from mkdocs_handshake.repository.source import read_source

    # "Phase 1 cannot close until every item below is validated." is a condition, not a claim.
    assert find_phase_claims(read_source(corpus_root, "docs/TASK_BOARD.md")) == []
    gates = evaluate_phase_gate(load_repo(Layout(root=corpus_root)), (), dt.date(2025, 12, 27))
    gate = only(gates)
    assert gate.verdict == NOT_READY
    assert gate.criterion("validated").state == FAIL  # type: ignore[union-attr]
    done, total = gate.share
    assert 0 < done < total
    assert "WP-1-Workflow-Engine-v2" not in gate.critical  # archived as superseded on the board
