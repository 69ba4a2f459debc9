"""What the parser variants of the 2026-02 corpus change in the rules.

The packets are parsed from text shaped like the corpus (invented ids), so
each test checks the whole path: form as written -> model -> finding.
"""

from __future__ import annotations

import datetime as dt

from mkdocs_handshake.findings.finding import Finding
from mkdocs_handshake.model.basics import BoardColumn
from mkdocs_handshake.model.packet import Packet
from mkdocs_handshake.parse.packets import parse_packet
from mkdocs_handshake.parse.signatures import find_signature_uses
from mkdocs_handshake.rules import REGISTRY
from mkdocs_handshake.rules.context import RuleContext
from mkdocs_handshake.repository.source import decode
from tests.rules.builders import audit_row, board_entry, make_model


def run(rule_id: str, model) -> list[Finding]:
    rule = REGISTRY[rule_id]
    return list(rule.check(rule, RuleContext(model, as_of=dt.date(2031, 2, 3))))


def packet(wp: str, body: str, file_id: str | None = None) -> Packet:
    path = f"docs/task_packets/{file_id or wp}.md"
    parsed, _ = parse_packet(decode(f"# Task Packet: {wp}\n\n## METADATA\n- TASK_ID: {wp}\n{body}".encode("utf-8"), path))
    return parsed


def test_blocks_in_a_dependencies_section_makes_no_cycle() -> None:
    # The runtime packet depends on Base and blocks Gates; Gates depends on
    # the runtime. Read right, that is a chain, not a cycle, and both sides agree.
    runtime = packet(
        "WP-7-Runtime-v2",
        "- **Status:** Ready for Dev\n\n### Dependencies\n"
        "- **Depends on:** WP-7-Base (VALIDATED)\n- **Blocks:** WP-7-Gates\n",
    )
    gates = packet("WP-7-Gates", "- **Status:** Ready for Dev\n- **Depends on:** WP-7-Runtime-v2\n")
    base = packet("WP-7-Base", "- **Status:** VALIDATED\n- **Blocks:** WP-7-Runtime-v2\n")
    model = make_model([runtime, gates, base])
    assert run("DEP-002", model) == []
    assert run("DEP-004", model) == []


def test_a_dependency_on_a_declared_id_resolves() -> None:
    # the file is named by date, its TASK_ID is the -v2 id others depend on
    store = packet("WP-7-Store-v2", "- **Status:** VALIDATED\n- **Blocks:** WP-7-Recorder\n", file_id="WP-7-Store-20310101")
    recorder = packet("WP-7-Recorder", "- **Status:** Ready for Dev\n- **Dependencies**: Depends on `WP-7-Store-v2` (Completed).\n")
    model = make_model([store, recorder], board=[board_entry("WP-7-Store-v2", BoardColumn.DONE, 20)])
    assert store.id == "WP-7-Store-20310101" and store.declared_id == "WP-7-Store-v2"
    assert run("DEP-001", model) == []
    assert run("DEP-004", model) == []
    # the board entry written with the declared id is the packet's entry
    assert [f.excerpt for f in run("BOARD-001", model)] == ["WP-7-Recorder"]
    # the mismatch itself stays PKT-001's finding
    assert [f.excerpt for f in run("PKT-001", model)] == ["WP-7-Store-v2"]


def test_done_packet_with_a_pass_under_validation_reports_satisfies_board_004() -> None:
    shipped = packet(
        "WP-7-Shipped",
        "- **Status:** Done\n\n## VALIDATION_REPORTS\n- (Validator appends official audits and verdicts here.)\n\n"
        "### 2031-02-01 Validator Report (PASS)\n\nVerdict: PASS\n",
    )
    outdated = packet("WP-7-Old", "- **Status:** Done\n\n## VALIDATION_REPORTS\nVALIDATION REPORT - WP-7-Old\nVERDICT: OUTDATED_ONLY\n")
    empty = packet("WP-7-Empty", "- **Status:** Done\n\n## VALIDATION_REPORTS\n- (Validator appends official audits and verdicts here.)\n")
    board = [board_entry(p.id, BoardColumn.DONE, 30 + i) for i, p in enumerate((shipped, outdated, empty))]
    findings = run("BOARD-004", make_model([shipped, outdated, empty], board=board))
    assert [f.excerpt for f in findings] == ["WP-7-Empty"]


def test_user_signature_locks_the_packet_and_feeds_the_sig_rules() -> None:
    body = "- **Status:** In Progress\n- USER_SIGNATURE: ann0102203109\n- PACKET_FORMAT_VERSION: 2031-02-01\n"
    locked = packet("WP-7-Locked", body)
    pending = packet("WP-7-Pending", "- **Status:** In Progress\n- **USER_SIGNATURE:** <pending>\n")
    uses = find_signature_uses(decode(f"# Task Packet: WP-7-Locked\n\n## METADATA\n- TASK_ID: WP-7-Locked\n{body}".encode(), locked.file), locked.id)
    model = make_model([locked, pending], uses=uses, audit_rows=[audit_row("ann010220310900", 5)])
    assert [(f.excerpt, "USER_SIGNATURE" in f.message) for f in run("PKT-014", model)] == [("<pending>", True)]
    # the 10-digit lock is judged like any lock: wrong format, and not audited
    [wrong_format] = run("SIG-001", model)
    assert wrong_format.excerpt == "ann0102203109" and "10 digits after the username" in wrong_format.message
    assert [f.excerpt for f in run("SIG-003", model)] == ["ann0102203109"]


def test_risk_tier_written_in_a_heading_is_read() -> None:
    risky = packet("WP-7-Risky", "- **Status:** Ready for Dev\n\n## Quality Gate\n\n### RISK_TIER: HIGH\n**Justification**: security.\n")
    occurrence = risky.field("RISK_TIER")
    assert occurrence is not None and occurrence.value == "HIGH"
    assert not any("RISK_TIER" in f.message for f in run("PKT-004", make_model([risky])))


# --------------------------------------------------------------------------
# Anchors without §
# --------------------------------------------------------------------------


def _anchor_spec():
    from tests.rules.builders import make_section, make_spec

    return make_spec(
        [
            make_section("2.3", title="Storage", has_subsections=True, line=10),
            make_section("2.3.15", title="Work Tracking", has_subsections=True, line=20),
            make_section("2.3.15.3", title="Mechanical Operations", requirements=["Ops MUST be logged."], line=30),
            make_section("2.3.15.4", title="Integration Points", requirements=["Sync MUST be two-way."], line=40),
            make_section("2.7.5", title="Validation Gates", requirements=["Gates MUST run."], line=50),
        ],
        version="03.123",
    )


def _anchor_findings(body: str) -> list[tuple[str, str]]:
    model = make_model([packet("WP-7-Anchored", "- **Status:** Ready for Dev\n" + body)], spec=_anchor_spec())
    rules = [f"ANCHOR-00{n}" for n in range(1, 8)]
    return [(f.rule, f.excerpt) for rule_id in rules for f in run(rule_id, model)]


def test_anchor_after_the_current_spec_file_is_judged_like_a_marked_one() -> None:
    body = "- SPEC_ANCHOR:\n  - Demo_Master_Spec_v03.123.md 2.3.15 (Work Tracking)\n  - Demo_Master_Spec_v03.123.md 2.3.15.3 (Mechanical Operations)\n"
    # the broad parent is ANCHOR-004's; no ANCHOR-001 "prose" for either line
    assert _anchor_findings(body) == [("ANCHOR-004", "2.3.15 (Work Tracking)")]


def test_anchor_into_an_older_spec_one_finding_per_packet_and_version() -> None:
    body = "- SPEC_ANCHOR: Demo_Master_Spec_v03.113.md 2.3.15.3, 2.3.15.4; 2.3.99 (Gone)\n"
    model = make_model([packet("WP-7-Anchored", "- **Status:** Ready for Dev\n" + body)], spec=_anchor_spec())
    [pinned] = run("ANCHOR-006", model)
    assert pinned.excerpt == "2.3.15.3" and "§2.3.15.3, §2.3.15.4" in pinned.message and "v03.113" in pinned.message
    [missing] = run("ANCHOR-002", model)
    # the renumbering hint names the older spec the anchor was written against
    assert missing.excerpt == "2.3.99 (Gone)" and "Demo_Master_Spec_v03.113.md" in missing.message


def test_file_line_citation_is_reported_as_no_section_number() -> None:
    body = "- SPEC_ANCHOR:\n  - Demo_Master_Spec_v03.113.md:35290 Supply-chain engines\n"
    model = make_model([packet("WP-7-Anchored", "- **Status:** Ready for Dev\n" + body)], spec=_anchor_spec())
    [finding] = run("ANCHOR-001", model)
    assert finding.excerpt == "Demo_Master_Spec_v03.113.md:35290 Supply-chain engines"
    assert "without a Main Body section number" in finding.message
    assert run("ANCHOR-006", model) == []  # one finding for the one problem


def test_ascii_damaged_sign_is_read_and_named() -> None:
    model = make_model([packet("WP-7-Anchored", "- **Status:** Ready for Dev\n- SPEC_ANCHOR: A2.7.9 (Validation Gates)\n")], spec=_anchor_spec())
    [finding] = run("ANCHOR-002", model)
    assert finding.excerpt == "A2.7.9 (Validation Gates)" and "'A2.7.9'" in finding.message and "PARSE-002" not in finding.message
