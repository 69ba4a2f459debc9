"""DONE-001..003: DONE_MEANS map 1:1 to the anchored requirements."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from mkdocs_handshake.rules.engine import EngineConfig, run_rules
from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.model.packet import DoneMapping, ListItem
from mkdocs_handshake.model.basics import Loc, Status
from mkdocs_handshake.rules import REGISTRY
from mkdocs_handshake.rules.context import RuleContext
from tests.rules.builders import make_model, make_packet, make_section, make_spec, occurrence
from tests.fixtures.repo import AS_OF

WP = "WP-1-Ledger"
FILE = f"docs/task_packets/{WP}.md"


def run(rule_id: str, model) -> list[Finding]:
    rule = REGISTRY[rule_id]
    return list(rule.check(rule, RuleContext(model, as_of=dt.date(2026, 11, 20))))


def done(texts: list[str], anchors=("2.1.1",), wp: str = WP):
    field = occurrence(wp, "DONE_MEANS", "", 33, item_texts=texts)
    return make_packet(wp, anchors=anchors, fields={"DONE_MEANS": (field,)})


def test_compliant_default_is_silent():
    model = make_model([make_packet(WP)])
    for rule_id in ("DONE-001", "DONE-002", "DONE-003"):
        assert run(rule_id, model) == [], rule_id


def test_done_001_reports_unmapped_item_at_its_line():
    model = make_model([done(["Reconciler compares balances (§2.1.1, requirement 1)", "Dashboard looks nice", "All tests pass"])])
    findings = run("DONE-001", model)
    assert [(f.loc, f.excerpt, f.subject, f.severity) for f in findings] == [
        (Loc(FILE, 35, 3), "Dashboard looks nice", WP, Severity.ERROR)
    ]
    assert "§2.1.1" in findings[0].message


def test_done_001_accepts_quotes_and_verification_items():
    model = make_model([done(["The reconciler compares balances", "Mismatches are logged", "Validator PASS", "post-work PASS"])])
    assert run("DONE-001", model) == []


def test_done_001_names_out_of_range_requirement():
    findings = run("DONE-001", make_model([done(["Balances compared (§2.1.1, requirement 7)", "All tests pass"])]))
    assert [(f.loc.line, f.excerpt) for f in findings] == [(34, "Balances compared (§2.1.1, requirement 7)")]
    assert "requirement 7" in findings[0].message and "has 2" in findings[0].message


def test_done_001_uses_stored_mappings_from_the_loader():
    packet = done(["anything at all"])
    item = packet.field("DONE_MEANS").items[0]
    stored = {WP: (DoneMapping(item, "verification"),)}
    assert run("DONE-001", make_model([packet], done_mappings=stored)) == []
    assert [f.loc.line for f in run("DONE-001", make_model([packet]))] == [34]


def test_done_002_reports_uncovered_must_with_requirement_text():
    model = make_model([done(["Mismatches are logged (§2.1.1, requirement 2)", "All tests pass"])])
    findings = run("DONE-002", model)
    assert [(f.loc, f.excerpt, f.subject) for f in findings] == [(Loc(FILE, 33, 3), "DONE_MEANS", WP)]
    assert '"The reconciler MUST compare balances."' in findings[0].message
    assert "requirement 1 of §2.1.1" in findings[0].message
    assert "Spec_v01.00.md:101" in findings[0].message
    assert findings[0].details == ('Spec_v01.00.md:101: requirement 1 of §2.1.1: "The reconciler MUST compare balances."',)


def test_done_002_reports_a_packets_uncovered_musts_once_and_skips_history():
    spec = make_spec([make_section("2.1.1", requirements=["Balances MUST match.", "Drift MUST be logged.", "Audits MUST be kept."])])
    current = done(["All tests pass"], wp="WP-1-Ledger-v2")
    older = done(["All tests pass"], wp="WP-1-Ledger")
    superseded = replace(done(["All tests pass"], wp="WP-1-Old"), status=Status.SUPERSEDED, status_raw="Superseded")
    [finding] = run("DONE-002", _classified(make_model([current, older, superseded], spec=spec)))
    assert finding.subject == "WP-1-Ledger-v2"
    assert finding.message.startswith("3 MUST requirements of the anchored sections are covered by no DONE_MEANS item: requirement 1 of §2.1.1")
    assert [detail.split(": ")[1] for detail in finding.details] == ["requirement 1 of §2.1.1", "requirement 2 of §2.1.1", "requirement 3 of §2.1.1"]


def test_done_002_ignores_should_and_section_level_citations_cover_nothing():
    spec = make_spec([make_section("2.1.1", requirements=["Balances MUST match.", "Drift SHOULD be logged.", "Audits MUST be kept."])])
    model = make_model([done(["Work per §2.1.1", "Balances match exactly (requirement 1)"])], spec=spec)
    assert [("Audits MUST be kept." in f.message, f.loc.line) for f in run("DONE-002", model)] == [(True, 33)]


def test_done_002_skips_unresolved_anchor_and_missing_done_means():
    unresolved = done(["Dashboard works"], anchors=("9.9.9",))
    no_done = make_packet("WP-1-Other")
    no_done = replace(no_done, fields={k: v for k, v in no_done.fields.items() if k != "DONE_MEANS"})
    assert run("DONE-002", make_model([unresolved, no_done])) == []


def test_done_003_warns_at_the_citation_column():
    packet = done(["Tokens counted per §9.1 rules", "Balances (§2.1.1, requirement 1)", "Logged (§2.1.1, requirement 2)"])
    findings = run("DONE-003", make_model([packet]))
    assert [(f.loc, f.excerpt, f.subject, f.severity) for f in findings] == [
        (Loc(FILE, 34, 3 + len("Tokens counted per ")), "§9.1", WP, Severity.WARNING)
    ]
    # What the matcher made of the item inside the anchors is in the message.
    assert "within the anchors it shares no term with any requirement" in findings[0].message
    assert "add §9.1 to SPEC_ANCHOR" in findings[0].message


def test_done_003_accepts_subsections_of_an_anchor():
    spec = make_spec([make_section("2.1.1", requirements=["The reconciler MUST compare balances."]), make_section("2.1.1.4", line=300)])
    packet = done(["Balances compared (§2.1.1.4)", "Balances compared (§2.1.1, requirement 1)"])
    assert run("DONE-003", make_model([packet], spec=spec)) == []


def test_value_only_done_means_is_one_item():
    field = occurrence(WP, "DONE_MEANS", "The build exits 0 with no TypeScript errors", 33)
    packet = make_packet(WP, fields={"DONE_MEANS": (field,)})
    assert run("DONE-001", make_model([packet])) == []
    assert [f.loc for f in run("DONE-002", make_model([packet]))] == [Loc(FILE, 33, 3)]


def test_item_with_children_maps_through_its_sub_items():
    child = ListItem("the reconciler compares balances", Loc(FILE, 35, 5), 1)
    parent = ListItem("Reconciliation:", Loc(FILE, 34, 3), 0, (child,))
    field = replace(occurrence(WP, "DONE_MEANS", "", 33), items=(parent, ListItem("All tests pass", Loc(FILE, 36, 3))))
    packet = make_packet(WP, fields={"DONE_MEANS": (field,)})
    assert run("DONE-001", make_model([packet])) == []


def test_done_002_leaves_roadmap_anchors_to_anchor_003():
    # A Roadmap MUST is no Done criterion (Part 5.2); the wrong anchor is
    # ANCHOR-003's single finding, not one DONE-002 per roadmap MUST.
    spec = make_spec([
        make_section("7.6.3", main_body=False, requirements=["Phase 1 MUST ship the editor.", "Phase 1 MUST ship sync."]),
        make_section("2.1.1", line=200, requirements=["The reconciler MUST compare balances.", "Audits MUST be kept."]),
    ])
    packet = done(["Balances compared (§2.1.1, requirement 1)", "All tests pass"], anchors=("7.6.3", "2.1.1"))
    findings = run("DONE-002", make_model([packet], spec=spec))
    assert [("Audits MUST be kept." in f.message, f.loc.line) for f in findings] == [(True, 33)]
    assert "§2.1.1" in findings[0].message


def test_done_001_quotes_the_item_as_written():
    packet = done(["Guard and Cache implemented."])
    parsed_item = replace(packet.field("DONE_MEANS").items[0], source="✅ `Guard` and `Cache` implemented.")
    stored = {WP: (DoneMapping(parsed_item, "unmapped"),)}
    [finding] = run("DONE-001", make_model([packet], done_mappings=stored))
    assert finding.excerpt == "✅ `Guard` and `Cache` implemented."


def test_done_003_column_counts_the_backticks_of_the_item_as_written():
    packet = done(["Poisoned state trap per §2.9.1."])
    item = packet.field("DONE_MEANS").items[0]
    written = "✅ `workflows.rs` implements the `Poisoned` state trap per §2.9.1."
    occurrence = replace(packet.field("DONE_MEANS"), items=(replace(item, text="✅ workflows.rs implements the Poisoned state trap per §2.9.1.", source=written),))
    packet = replace(packet, fields={**packet.fields, "DONE_MEANS": (occurrence,)})
    [finding] = run("DONE-003", make_model([packet]))
    assert finding.excerpt == "§2.9.1"
    assert finding.loc.column == item.loc.column + written.index("§2.9.1")


def test_done_001_says_when_the_anchor_has_nothing_to_map_to():
    """17 of the corpus' unmapped items sit in packets whose anchored sections
    state no requirement at all; the fix is the anchor, and the message says so."""
    spec = make_spec([make_section("2.6.7", title="Semantic catalog")])
    [finding] = run("DONE-001", make_model([done(["Catalog types and loader implemented."], anchors=("2.6.7",))], spec=spec))
    assert "the anchored sections state no MUST/SHOULD requirement" in finding.message
    assert "anchor the section whose requirements these items prove" in finding.message
    with_requirements = make_spec([make_section("2.6.7", requirements=["The loader MUST validate types."])])
    [other] = run("DONE-001", make_model([done(["Dashboard looks nice"], anchors=("2.6.7",))], spec=with_requirements))
    assert "maps to no requirement of SPEC_ANCHOR (§2.6.7)" in other.message


def test_done_001_reports_a_packets_unmapped_items_once_and_says_what_was_tried():
    spec = make_spec([make_section("2.1.1", requirements=["The reconciler MUST compare ledger balances nightly.", "Mismatches SHOULD be logged."])])
    packet = done(["Dashboard looks nice", "Balances compared (§2.1.1, requirement 1)", "Nightly export of invoices", "All tests pass"])
    [finding] = run("DONE-001", make_model([packet], spec=spec))
    assert finding.loc == Loc(FILE, 34, 3) and finding.excerpt == "Dashboard looks nice"
    assert finding.message.startswith("2 DONE_MEANS items of WP-1-Ledger map to no requirement of SPEC_ANCHOR (§2.1.1)")
    assert "'Dashboard looks nice'" in finding.message and "'Nightly export of invoices'" in finding.message
    # What was tried: the nearest requirement, its score and the bar it missed.
    assert "nearest requirement: §2.1.1 requirement 1, score 0." in finding.message and "below 0.50" in finding.message
    assert [detail.split(": ", 1)[0] for detail in finding.details] == [f"{FILE}:34", f"{FILE}:36"]
    assert finding.to_json()["details"] == list(finding.details)


def test_done_001_leaves_superseded_and_replaced_packets_alone():
    older = done(["Dashboard looks nice"], wp="WP-1-Ledger")
    newer = done(["All tests pass"], wp="WP-1-Ledger-v2")
    superseded = replace(done(["Dashboard looks nice"], wp="WP-1-Old"), status=Status.SUPERSEDED, status_raw="Superseded")
    assert run("DONE-001", _classified(make_model([older, newer, superseded]))) == []
    assert [f.subject for f in run("DONE-001", make_model([older]))] == ["WP-1-Ledger"]


def _classified(model):
    """The model with packet lifecycles as the loader sets them (no board
    here: STATUS and later revisions decide)."""
    from mkdocs_handshake.protocol.lifecycle import with_lifecycles
    from mkdocs_handshake.protocol.profiles import load_profile

    return with_lifecycles(model, load_profile("handshake-2025-12"))


def test_done_002_leaves_a_too_broad_anchor_to_anchor_004_while_that_rule_is_in_force():
    # §2.1 has numbered subsections: anchoring it whole is ANCHOR-004's
    # finding, and narrowing the anchor un-anchors §2.1's own MUSTs; listing
    # them as uncovered too would report one problem twice.
    spec = make_spec([
        make_section("2.1", has_subsections=True, requirements=["Every ledger MUST have an owner."]),
        make_section("2.1.1", line=200, requirements=["The reconciler MUST compare balances.", "Audits MUST be kept."]),
    ])
    packet = done(["Balances compared (§2.1.1, requirement 1)"], anchors=("2.1", "2.1.1"))
    model = make_model([packet], spec=spec)
    anchor_004 = REGISTRY["ANCHOR-004"]
    assert [f.excerpt for f in anchor_004.check(anchor_004, RuleContext(model, as_of=AS_OF))] == ["§2.1"]
    [finding] = run("DONE-002", model)
    assert "Audits MUST be kept." in finding.message and "owner" not in finding.message
    # With ANCHOR-004 switched off nothing else reports §2.1's MUST: DONE-002 does.
    switched_off = run_rules(model, EngineConfig(severities={"ANCHOR-004": "off"}, as_of=dt.date(2026, 11, 20)))
    [alone] = [f for f in switched_off if f.rule == "DONE-002"]
    assert "Every ledger MUST have an owner." in alone.message
    assert not any(f.rule == "ANCHOR-004" for f in switched_off)
