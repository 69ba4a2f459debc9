"""REMEDY-001: a packet the protocol forbids editing gets one finding that
names the new revision, not one edit per defect."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from mkdocs_handshake.findings.baseline import apply, from_findings, new_findings
from mkdocs_handshake.rules.engine import EngineConfig, run_rules
from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.model.basics import BoardColumn, Lifecycle, Loc
from mkdocs_handshake.model.packet import Packet
from mkdocs_handshake.model.governance import Waiver
from mkdocs_handshake.protocol.profiles import ProfileError, Remedy, load_profile
from mkdocs_handshake.rules.remedy import fold, lock_of, next_variant, signed_state
from tests.rules.builders import audit_row, board_entry, make_model, make_packet, occurrence

AS_OF = dt.date(2026, 11, 20)
SIGNED = "ilja181120261000"
WP = "WP-1-Ledger"


def defective(wp: str = WP, **kwargs: object) -> Packet:
    """A packet with two defects an edit would fix: no ROLLBACK_HINT
    (PKT-004) and a HIGH risk tier with no reason (PKT-007)."""
    base = make_packet(wp, **kwargs)  # type: ignore[arg-type]
    fields = {name: value for name, value in base.fields.items() if name != "ROLLBACK_HINT"}
    fields["RISK_TIER"] = (occurrence(wp, "RISK_TIER", "HIGH", 26),)
    fields["HARDENED_INVARIANTS"] = (occurrence(wp, "HARDENED_INVARIANTS", "", 28, item_texts=["balances never go negative"]),)
    return replace(base, fields=fields)


def check(*packets: Packet, **config: object) -> list[Finding]:
    rows = [audit_row(packet.signature, 5 + index, when="2026-11-18 10:00") for index, packet in enumerate(packets) if packet.signature]
    return run_rules(make_model(packets, audit_rows=rows), EngineConfig(as_of=AS_OF, **config))  # type: ignore[arg-type]


def edits(findings: list[Finding], wp: str = WP) -> list[str]:
    return sorted(f.rule for f in findings if f.subject == wp and f.rule in ("PKT-004", "PKT-007"))


def test_an_unlocked_packet_is_asked_for_each_edit() -> None:
    findings = check(defective())
    assert edits(findings) == ["PKT-004", "PKT-007"]
    assert not [f for f in findings if f.rule == "REMEDY-001"]


def test_a_signed_packet_gets_one_finding_naming_the_next_revision() -> None:
    findings = check(defective(signature=SIGNED))
    assert edits(findings) == []
    (remedy,) = [f for f in findings if f.rule == "REMEDY-001"]
    assert (remedy.subject, remedy.excerpt, remedy.loc.line, remedy.severity) == (WP, SIGNED, 82, Severity.ERROR)
    assert "WP-1-Ledger-v2" in remedy.message and "do not edit WP-1-Ledger" in remedy.message
    assert "Orchestrator" in remedy.message
    # The defects stay whole, for the page of whoever writes the revision.
    assert sorted(part.rule for part in remedy.parts) == ["PKT-004", "PKT-007"]
    assert all(line.startswith(f"{WP and 'docs/task_packets/WP-1-Ledger.md'}:") for line in remedy.details)
    assert remedy.to_json()["parts"][0]["rule"] in ("PKT-004", "PKT-007")


def test_a_failed_validation_locks_an_unsigned_packet() -> None:
    findings = check(defective(reports=[("FAIL", "2026-11-19")]))
    (remedy,) = [f for f in findings if f.rule == "REMEDY-001"]
    assert "validated FAIL" in remedy.message and remedy.excerpt == "FAIL" and remedy.loc.line == 91
    assert edits(findings) == []


def test_a_signature_the_audit_marks_invalid_locks_nothing() -> None:
    packet = defective(signature=SIGNED)
    model = make_model([packet], audit_rows=[audit_row(SIGNED, 5, when="2026-11-18 10:00", invalid=True)])
    findings = run_rules(model, EngineConfig(as_of=AS_OF))
    assert edits(findings) == ["PKT-004", "PKT-007"]
    assert not [f for f in findings if f.rule == "REMEDY-001"]


def test_a_lock_that_is_not_a_signature_still_locks_and_is_named() -> None:
    profile = load_profile("handshake-2025-12")
    lock = lock_of(defective(signature="ilja"), profile.remedy)
    assert lock is not None and "'ilja', which is not a valid signature" in lock.how


def test_an_existing_revision_carries_the_finding() -> None:
    stub = "docs/task_packets/stubs/WP-1-Ledger-v2.md"
    model = make_model([defective(signature=SIGNED)], audit_rows=[audit_row(SIGNED, 5, when="2026-11-18 10:00")], stub_files=(stub,))
    (remedy,) = [f for f in run_rules(model, EngineConfig(as_of=AS_OF)) if f.rule == "REMEDY-001"]
    assert (remedy.subject, remedy.loc.file) == ("WP-1-Ledger-v2", stub)
    assert "make WP-1-Ledger-v2 fix the 2 defects" in remedy.message


def test_a_closed_revision_leaves_only_the_board_to_fix() -> None:
    later = replace(make_packet("WP-1-Ledger-v2", signature="ilja191120261000"), lifecycle=Lifecycle.CLOSED)
    model = make_model([defective(signature=SIGNED), later])
    variant = next_variant(model.packets[0], model)
    assert (variant.id, variant.done) == ("WP-1-Ledger-v2", "closed")
    _, (remedy,) = fold("REMEDY-001", run_rules(model, EngineConfig(as_of=AS_OF, history=True)), model, load_profile("handshake-2025-12"), {"PKT-004", "PKT-007"})
    assert remedy.severity is Severity.WARNING and "record WP-1-Ledger as superseded" in remedy.message


def test_the_next_revision_skips_numbers_taken() -> None:
    model = make_model([make_packet("WP-1-Ledger-v3"), replace(make_packet("WP-1-Ledger-v2"), lifecycle=Lifecycle.SUPERSEDED)])
    assert next_variant(model.packets[0], model).id == "WP-1-Ledger-v4"


def test_an_audit_of_history_keeps_every_defect() -> None:
    findings = check(defective(signature=SIGNED), history=True)
    assert edits(findings) == ["PKT-004", "PKT-007"]
    assert not [f for f in findings if f.rule == "REMEDY-001"]


def test_a_waived_defect_is_not_folded() -> None:
    waiver = Waiver("PKT-004", WP, "rollback is a redeploy", "2026-11-18", "")
    findings = check(defective(signature=SIGNED), waivers=(waiver,))
    waived = [f for f in findings if f.rule == "PKT-004"]
    assert len(waived) == 1 and waived[0].waived
    (remedy,) = [f for f in findings if f.rule == "REMEDY-001"]
    assert [part.rule for part in remedy.parts] == ["PKT-007"]


def test_switched_off_the_defects_are_reported_one_by_one() -> None:
    findings = check(defective(signature=SIGNED), severities={"REMEDY-001": "off"})
    assert edits(findings) == ["PKT-004", "PKT-007"]


def test_the_dependency_state_stays_apart() -> None:
    """DEP findings ask for the workflow's own moves (the board, STATUS),
    not an edit of the packet's contract: the profile keeps them apart."""
    blocker = make_packet("WP-1-Base", status_raw="In Progress")
    locked = replace(defective(signature=SIGNED, depends_on=["WP-1-Base"]))
    board = [board_entry("WP-1-Base", BoardColumn.IN_PROGRESS, 5), board_entry(WP, BoardColumn.READY_FOR_DEV, 9)]
    rows = [audit_row(SIGNED, 5, when="2026-11-18 10:00")]
    findings = run_rules(make_model([blocker, locked], board=board, audit_rows=rows), EngineConfig(as_of=AS_OF))
    dep = [f for f in findings if f.rule.startswith("DEP-") and f.subject == WP]
    assert dep, "the fixture must give a DEP finding on the locked packet"
    (remedy,) = [f for f in findings if f.rule == "REMEDY-001"]
    assert not [part for part in remedy.parts if part.rule.startswith("DEP-")]


def test_a_profile_that_freezes_nothing_folds_nothing() -> None:
    model = make_model([defective(signature=SIGNED)])
    findings = run_rules(model, EngineConfig(as_of=AS_OF, history=True))
    profile = replace(load_profile("handshake-2025-12"), remedy=Remedy())
    kept, remedies = fold("REMEDY-001", findings, model, profile, {"PKT-004", "PKT-007"})
    assert (kept, remedies) == (findings, [])


def test_the_baseline_records_the_defects_so_a_new_one_is_new() -> None:
    before = check(defective(signature=SIGNED))
    baseline = from_findings(before)
    # The baseline holds the defects, by their own rules' fingerprints.
    assert sorted(entry.rule for entry in baseline.entries if entry.subject == WP and entry.rule.startswith("PKT")) == ["PKT-004", "PKT-007"]
    assert apply(before, baseline) == [replace(f, baselined=True, parts=tuple(replace(p, baselined=True) for p in f.parts)) for f in before]
    # A third defect: the packet's one finding is new again, and only the
    # new part is not known debt.
    worse = defective(signature=SIGNED)
    plan = "just cargo-clean\ncargo test\njust ai-review"
    worse = replace(worse, fields={**worse.fields, "TEST_PLAN": (occurrence(WP, "TEST_PLAN", "", 27, code=plan),)})
    after = check(worse)
    (remedy,) = [f for f in apply(after, baseline) if f.rule == "REMEDY-001"]
    assert not remedy.baselined
    assert [part.baselined for part in remedy.parts].count(False) == 1
    assert [f.rule for f in new_findings(after, baseline) if f.subject == WP] == ["REMEDY-001"]


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("remedy: {locked_by: [stamp], action: x}", "'stamp' is not one of signature, verdict"),
        ("remedy: {locked_by: [signature]}", "remedy.action: needed"),
        ("remedy: {locked_by: [signature], action: 'make {later}'}", "only {wp}, {next}, {stubs} and {registry}"),
    ],
)
def test_a_bad_remedy_block_is_named(tmp_path, block: str, message: str) -> None:
    (tmp_path / "p.yaml").write_text(f"id: mine\n{block}\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=message.replace("{", r"\{").replace("}", r"\}").replace("(", r"\(")):
        load_profile("p.yaml", str(tmp_path))


def test_each_shipped_era_says_its_own_remedy() -> None:
    december, february = load_profile("handshake-2025-12"), load_profile("handshake-2026-02")
    assert december.remedy.locked_by == february.remedy.locked_by == ("signature", "verdict")
    assert "variant packet {next}" in december.remedy.action
    assert "stub" in february.remedy.action and "{next}" in february.remedy.action


def test_the_june_remedy_names_the_places_read_and_asks_no_revision_for_signed_state() -> None:
    """ORCH "Spec enrichment alone does not force -v2": a defect that only
    records the state the packet was signed in (here PKT-007 stands in for
    an anchor pinned to the signed bundle) is listed, not counted; the
    stub folder and registry are the ones read, not February's."""
    from mkdocs_handshake.model.records import Registry

    june = load_profile("handshake-2026-06")
    assert "docs/" not in june.remedy.action and {"ANCHOR-006", "ANCHOR-008"} <= set(june.remedy.no_revision)
    model = make_model([defective(signature=SIGNED)], stub_files=(".GOV/task_packets/stubs/WP-1-Other-v1.md",),
                       registry=Registry(".GOV/roles_shared/records/wp_traceability_registry.json", ()))
    findings = run_rules(model, EngineConfig(as_of=AS_OF, history=True))
    profile = replace(june, remedy=replace(june.remedy, no_revision=("PKT-007",)))
    kept, (remedy,) = fold("REMEDY-001", [f for f in findings if f.rule in ("PKT-004", "PKT-007")], model, profile, {"PKT-004", "PKT-007"})
    assert "a stub in .GOV/task_packets/stubs, recorded in .GOV/roles_shared/records/wp_traceability_registry.json" in remedy.message
    assert "1 defect (PKT-004) listed; 1 more (PKT-007)" in remedy.message and "call for no revision" in remedy.message
    # nothing but signed state: no revision is asked for, and no edit of
    # the signed packet either
    only_pins = replace(june, remedy=replace(june.remedy, no_revision=("PKT-004", "PKT-007")))
    pins = [f for f in findings if f.rule in ("PKT-004", "PKT-007")]
    kept, remedies = fold("REMEDY-001", pins, model, only_pins, {"PKT-004", "PKT-007"})
    assert remedies == [] and kept == []
    assert signed_state(pins, model, only_pins, {"PKT-004", "PKT-007"}) == frozenset(pins)
