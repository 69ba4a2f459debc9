"""The workflow gates of rules/workflow.py and SIG-007, on packets written as
markdown (the 2026-02 template's layout) and parsed as the loader does."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from mkdocs_handshake.findings.finding import Finding
from mkdocs_handshake.model.records import Board, BoardEntry, GateEvent, Registry, RegistryRow
from mkdocs_handshake.model.basics import BoardColumn, Lifecycle, Loc
from mkdocs_handshake.parse.packets import parse_packet
from mkdocs_handshake.parse.refinement import parse_refinement
from mkdocs_handshake.parse.text_facts import text_facts
from mkdocs_handshake.protocol.profiles import load_profile
from mkdocs_handshake.rules import REGISTRY
from mkdocs_handshake.rules.context import RuleContext
from mkdocs_handshake.repository.source import decode
from tests.rules.builders import make_model

NEW = load_profile("handshake-2026-02")
OLD = load_profile("handshake-2025-12")
BOARD = "docs/TASK_BOARD.md"
GATES = "docs/ORCHESTRATOR_GATES.json"

MANIFEST = """## VALIDATION
- **Target File**: `path/to/file`
- **Start**: <line>
- **End**: <line>
- **Line Delta**: <adds - dels>
- **Pre-SHA1**: `<hash>`
- **Post-SHA1**: `<hash>`
- **Gates Passed**:
  - [ ] anchors_present
  - [ ] window_matches_plan
  - [ ] rails_untouched_outside_window
  - [ ] filename_canonical_and_openable
  - [ ] pre_sha1_captured
  - [ ] post_sha1_captured
  - [ ] line_delta_equals_expected
  - [ ] all_links_resolvable
  - [ ] manifest_written_and_path_returned
  - [ ] current_file_matches_preimage
"""


def packet_text(wp: str, *, status: str = "Ready for Dev", signature: str = "anna181120260900", extra_meta: str = "",
                body: str | None = None, manifest: str = MANIFEST) -> str:
    base = wp.rsplit("-v", 1)[0] if "-v" in wp else wp
    sections = body if body is not None else "## LINEAGE_AUDIT (ALL VERSIONS) [CX-580E]\n- N/A\n\n## BOOTSTRAP\n- FILES_TO_OPEN:\n  - docs/START_HERE.md\n\n## SKELETON\n- Proposed interfaces:\n"
    return (
        f"# Task Packet: {wp}\n\n## METADATA\n- TASK_ID: {wp}\n- WP_ID: {wp}\n- BASE_WP_ID: {base}\n"
        f"- **Status:** {status}\n- RISK_TIER: LOW\n- USER_SIGNATURE: {signature}\n- PACKET_FORMAT_VERSION: 2026-02-01\n"
        f"- SPEC_BASELINE: Spec_v01.00.md\n- SPEC_TARGET: docs/SPEC_CURRENT.md\n{extra_meta}\n"
        f"{sections}\n{manifest}"
    )


def packet(wp: str, text: str, lifecycle: Lifecycle = Lifecycle.ACTIVE):
    src = decode(text.encode("utf-8"), f"docs/task_packets/{wp}.md")
    parsed, _ = parse_packet(src)
    return replace(parsed, lifecycle=lifecycle), text_facts(src, (NEW.approval_marker,))


def model_of(*packets, **extra):
    found = [item for item in packets]
    return make_model([p for p, _ in found], text_facts={p.file: facts for p, facts in found}, **extra)


def run(rule_id: str, model, profile=NEW, history: bool = False) -> list[Finding]:
    rule = REGISTRY[rule_id]
    return list(rule.check(rule, RuleContext(model, as_of=dt.date(2026, 11, 20), profile=profile, history=history)))


# --------------------------------------------------------------------------
# PKT-015 phase gate
# --------------------------------------------------------------------------


def test_pkt_015_work_started_without_skeleton():
    text = packet_text("WP-1-A", status="In Progress", body="## BOOTSTRAP\n- FILES_TO_OPEN:\n  - x\n")
    findings = run("PKT-015", model_of(packet("WP-1-A", text)))
    assert [(f.loc.line, f.excerpt) for f in findings] == [(7, "In Progress")]
    assert "no '## SKELETON' section" in findings[0].message


def test_pkt_015_ready_for_dev_has_not_started():
    text = packet_text("WP-1-A", body="## BOOTSTRAP\n- FILES_TO_OPEN:\n  - x\n")
    assert run("PKT-015", model_of(packet("WP-1-A", text))) == []


def test_pkt_015_sections_out_of_template_order():
    swapped = packet_text("WP-1-A", status="In Progress", body="## SKELETON\n- x\n\n## BOOTSTRAP\n- y\n")
    findings = run("PKT-015", model_of(packet("WP-1-A", swapped)))
    assert [(f.excerpt, f.loc.line) for f in findings] == [("SKELETON", 14)]
    assert "comes before '## BOOTSTRAP' (line 17)" in findings[0].message


def test_pkt_015_a_recorded_approval_means_work_began():
    approved = packet_text("WP-1-B", body="## SKELETON APPROVED\n\n## BOOTSTRAP (Coder Work Plan)\n- y\n")
    findings = run("PKT-015", model_of(packet("WP-1-B", approved)))
    assert [(f.excerpt, f.loc.line) for f in findings] == [("SKELETON APPROVED", 14)]
    assert "records 'SKELETON APPROVED' (line 14) but has no '## SKELETON' section" in findings[0].message
    # where the approval stands in the file is no finding: a position is not a time
    early = packet_text("WP-1-B", body="SKELETON APPROVED\n\n## BOOTSTRAP\n- y\n\n## SKELETON\n- x\n")
    assert run("PKT-015", model_of(packet("WP-1-B", early))) == []


def test_pkt_015_an_approval_quoted_in_code_is_no_marker():
    quoted = packet_text("WP-1-B", body="```\nSKELETON APPROVED\n```\n\n## BOOTSTRAP\n- y\n")
    assert run("PKT-015", model_of(packet("WP-1-B", quoted))) == []


# --------------------------------------------------------------------------
# PKT-016 ASCII, PKT-017 manifest, PKT-018 lineage, PKT-019 spec reference
# --------------------------------------------------------------------------


def test_pkt_016_one_finding_per_packet_with_the_first_line():
    text = packet_text("WP-1-A", extra_meta="- What: A \u2192 B\n- Why: see \u00a72.1\n")
    findings = run("PKT-016", model_of(packet("WP-1-A", text)))
    assert len(findings) == 1
    assert findings[0].loc.line == 13 and "U+2192" in findings[0].message and "1 more line: 14" in findings[0].message
    assert run("PKT-016", model_of(packet("WP-1-A", text)), profile=OLD) == []  # the 2025-12 protocol had no such rule


def test_pkt_017_names_missing_fields_and_gates_once():
    broken = MANIFEST.replace("- **Pre-SHA1**: `<hash>`\n", "").replace("  - [ ] all_links_resolvable\n", "")
    findings = run("PKT-017", model_of(packet("WP-1-A", packet_text("WP-1-A", manifest=broken))))
    assert len(findings) == 1
    assert "no Pre-SHA1" in findings[0].message and "lacks all_links_resolvable" in findings[0].message
    assert findings[0].excerpt == "VALIDATION"
    assert run("PKT-017", model_of(packet("WP-1-A", packet_text("WP-1-A")))) == []


def test_pkt_017_section_missing_is_pkt_003s():
    assert run("PKT-017", model_of(packet("WP-1-A", packet_text("WP-1-A", manifest="")))) == []
    # the Validator's report is another section, not the manifest's
    report = "## VALIDATION REPORT - WP-1-A\nVerdict: PASS\n"
    assert run("PKT-017", model_of(packet("WP-1-A", packet_text("WP-1-A", manifest=report)))) == []


def test_pkt_018_revision_needs_lineage_and_its_base():
    text = packet_text("WP-1-A-v2", body="## BOOTSTRAP\n- x\n").replace("BASE_WP_ID: WP-1-A", "BASE_WP_ID: WP-1-B")
    findings = run("PKT-018", model_of(packet("WP-1-A-v2", text)))
    assert len(findings) == 1
    assert "no '## LINEAGE_AUDIT (ALL VERSIONS)' section" in findings[0].message and "not WP-1-A" in findings[0].message
    assert findings[0].loc.line == 6
    assert run("PKT-018", model_of(packet("WP-1-A-v2", packet_text("WP-1-A-v2")))) == []
    plain = packet_text("WP-1-A", body="## BOOTSTRAP\n- x\n")
    assert run("PKT-018", model_of(packet("WP-1-A", plain))) == []  # not a revision


def test_pkt_019_baseline_and_target_or_spec_current():
    only_baseline = packet_text("WP-1-A").replace("- SPEC_TARGET: docs/SPEC_CURRENT.md\n", "")
    findings = run("PKT-019", model_of(packet("WP-1-A", only_baseline)))
    assert len(findings) == 1 and "SPEC_TARGET is missing" in findings[0].message
    legacy = only_baseline.replace("- SPEC_BASELINE: Spec_v01.00.md\n", "- SPEC_CURRENT: Spec_v01.00.md\n")
    assert run("PKT-019", model_of(packet("WP-1-A", legacy))) == []


# --------------------------------------------------------------------------
# PKT-020 refinement, PKT-021 claim
# --------------------------------------------------------------------------


def refinement(wp: str, *, status: str = "APPROVED", signature: str = "anna181120260900"):
    text = f"## TECHNICAL_REFINEMENT\n- WP_ID: {wp}\n- USER_REVIEW_STATUS: {status}\n- USER_SIGNATURE: {signature}\n"
    return parse_refinement(decode(text.encode("utf-8"), f"docs/refinements/{wp}.md"))


def test_pkt_020_missing_unapproved_or_other_signature():
    item = packet("WP-1-A", packet_text("WP-1-A"))
    assert "has no refinement file docs/refinements/WP-1-A.md" in run("PKT-020", model_of(item))[0].message
    pending = run("PKT-020", model_of(item, refinements={"WP-1-A": refinement("WP-1-A", status="PENDING")}))
    assert len(pending) == 1 and "USER_REVIEW_STATUS is PENDING" in pending[0].message and pending[0].loc.line == 3
    other = run("PKT-020", model_of(item, refinements={"WP-1-A": refinement("WP-1-A", signature="anna181120260901")}))
    assert "signed anna181120260901 but the packet is locked with anna181120260900" in other[0].message
    assert run("PKT-020", model_of(item, refinements={"WP-1-A": refinement("WP-1-A")})) == []


def test_pkt_020_judges_active_packets_only():
    item = packet("WP-1-A", packet_text("WP-1-A"), Lifecycle.CLOSED)
    assert run("PKT-020", model_of(item)) == []
    assert len(run("PKT-020", model_of(item), history=True)) == 1


def test_pkt_021_claim_fields_when_in_progress():
    claim = "- CODER_MODEL: <unclaimed>\n- CODER_REASONING_STRENGTH: SOMEWHAT\n"
    findings = run("PKT-021", model_of(packet("WP-1-A", packet_text("WP-1-A", status="In Progress", extra_meta=claim))))
    assert len(findings) == 1
    assert "CODER_MODEL is <unclaimed>" in findings[0].message and "'SOMEWHAT' is not one of" in findings[0].message
    good = "- CODER_MODEL: model-x\n- CODER_REASONING_STRENGTH: EXTRA_HIGH\n"
    assert run("PKT-021", model_of(packet("WP-1-A", packet_text("WP-1-A", status="In Progress", extra_meta=good)))) == []
    assert run("PKT-021", model_of(packet("WP-1-A", packet_text("WP-1-A", extra_meta=claim)))) == []  # not started


# --------------------------------------------------------------------------
# BOARD-007 sections and entries, BOARD-008 stubs, BOARD-009 registry
# --------------------------------------------------------------------------


def board(entries, headings=("Ready for Dev", "In Progress", "Done", "Blocked", "Superseded (Archive)")):
    columns = tuple((name, BoardColumn.OTHER, Loc(BOARD, 10 * index + 1)) for index, name in enumerate(headings))
    return Board(BOARD, tuple(entries), columns)


def entry(wp: str, heading: str, line: int, *tags: str) -> BoardEntry:
    return BoardEntry(wp, BoardColumn.OTHER, heading, tuple(tags), f"**[{wp}]** - " + " ".join(f"[{tag}]" for tag in tags), Loc(BOARD, line, 5))


def test_board_007_fixed_sections_and_done_verdicts():
    entries = [entry("WP-1-A", "Done", 22, "VALIDATED"), entry("WP-1-B", "Done", 23, "OUTDATED ONLY"), entry("WP-1-C", "Done", 24)]
    model = make_model([], **{"board": None})
    model = replace(model, board=board(entries, headings=("Ready for Dev", "In Progress", "Done", "Superseded (Archive)")))
    findings = run("BOARD-007", model)
    assert [(f.loc.line, f.subject) for f in findings] == [(1, BOARD), (24, "WP-1-C")]
    assert "no '## Blocked' section" in findings[0].message and "VALIDATED / FAIL / OUTDATED_ONLY" in findings[1].message


def test_board_008_stub_handed_off_and_stub_outside_the_folder():
    stub_packet = replace(packet("WP-1-S", packet_text("WP-1-S"))[0], lifecycle=Lifecycle.STUB, lifecycle_reason="tagged STUB")
    model = make_model([stub_packet], stub_files=("docs/task_packets/stubs/WP-1-T.md",))
    model = replace(model, board=board([entry("WP-1-T", "Ready for Dev", 3)]))
    findings = run("BOARD-008", model)
    assert sorted(f.subject for f in findings) == ["WP-1-S", "WP-1-T"]


def test_board_009_registry_rows():
    first, second = packet("WP-1-A", packet_text("WP-1-A")), packet("WP-1-A-v2", packet_text("WP-1-A-v2"))
    missing = run("BOARD-009", model_of(first, second, registry=Registry("docs/WP_TRACEABILITY_REGISTRY.md", ())))
    assert len(missing) == 1 and "no row" in missing[0].message
    row = RegistryRow("WP-1-A", "WP-1-A-v2", "docs/task_packets/stubs/WP-1-A-v2.md", Loc("docs/WP_TRACEABILITY_REGISTRY.md", 40, 3))
    stale = run("BOARD-009", model_of(first, second, registry=Registry("docs/WP_TRACEABILITY_REGISTRY.md", (row,))))
    assert len(stale) == 1 and "still points to the stub" in stale[0].message and stale[0].loc.line == 40
    good = replace(row, active_file="docs/task_packets/WP-1-A-v2.md")
    assert run("BOARD-009", model_of(first, second, registry=Registry("docs/WP_TRACEABILITY_REGISTRY.md", (good,)))) == []
    one = run("BOARD-009", model_of(first, registry=Registry("docs/WP_TRACEABILITY_REGISTRY.md", ())))
    assert one == []  # one packet: nothing to choose between


# --------------------------------------------------------------------------
# SIG-007 gate order
# --------------------------------------------------------------------------


def event(wp: str, kind: str, when: str, line: int, token: str = "", signature: str = "") -> GateEvent:
    return GateEvent(wp, kind, "", when, token, Loc(GATES, line, 5), signature, head=f'{{"wpId": "{wp}", "type": "{kind}"}}')


def test_sig_007_prepare_needs_a_signature_and_a_new_turn():
    events = [
        event("WP-1-A", "REFINEMENT", "2026-11-18T09:00:00Z", 3),
        event("WP-1-A", "PREPARE", "2026-11-18T09:10:00Z", 9),
        event("WP-1-B", "REFINEMENT", "2026-11-18T09:00:00Z", 15),
        event("WP-1-B", "SIGNATURE", "2026-11-18T09:00:04Z", 21, signature="anna181120260900"),
        event("WP-1-C", "REFINEMENT", "2026-11-18T09:00:00Z", 27),
        event("WP-1-C", "SIGNATURE", "2026-11-18T09:05:00Z", 33, signature="anna181120260905"),
        event("WP-1-C", "PREPARE", "2026-11-18T09:06:00Z", 39),
    ]
    findings = run("SIG-007", make_model([], gate_events=events))
    assert [(f.subject, f.loc.line) for f in findings] == [("WP-1-A", 9), ("WP-1-B", 21)]
    assert "prepare for WP-1-A" in findings[0].message and "no signature recorded before it" in findings[0].message
    assert "4.0 s after its refinement" in findings[1].message
    assert run("SIG-007", make_model([], gate_events=events), profile=OLD)[0].subject == "WP-1-B"  # no PREPARE step in 2025-12


def test_sig_007_active_signed_packet_whose_chain_stops_short():
    events = [
        event("WP-1-A", "REFINEMENT", "2026-11-18T09:00:00Z", 3),
        event("WP-1-A", "SIGNATURE", "2026-11-18T09:05:00Z", 9, signature="anna181120260905"),
    ]
    signed = packet("WP-1-A", packet_text("WP-1-A", signature="anna181120260905"))
    findings = run("SIG-007", model_of(signed, gate_events=events))
    assert len(findings) == 1 and "has no PREPARE" in findings[0].message and findings[0].loc.file.endswith("WP-1-A.md")
    unsigned = packet("WP-1-A", packet_text("WP-1-A", signature="<pending>"))
    assert run("SIG-007", model_of(unsigned, gate_events=events)) == []  # PKT-014 reports the missing lock
