"""PKT rules: every task packet is complete, exact and locked.

The rules live in ``rules/pkt_*.py``, grouped by the clause they enforce;
the sections below follow their ids, so each group's tests stand together."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.model.packet import FieldOccurrence, ListItem, Packet
from mkdocs_handshake.model.basics import Loc, Status
from mkdocs_handshake.rules import REGISTRY
from mkdocs_handshake.rules.context import RuleContext
from mkdocs_handshake.rules.pkt_lists import vague_path
from mkdocs_handshake.rules.pkt_reading import entry_count
from tests.rules.builders import make_model, make_packet, occurrence, packet_file
from tests.fixtures.repo import AS_OF

SIGNED = "ilja181120261000"
PKT_RULES = [f"PKT-{n:03d}" for n in range(1, 15)]


def run(rule_id: str, *packets: Packet) -> list[Finding]:
    rule = REGISTRY[rule_id]
    return list(rule.check(rule, RuleContext(make_model(packets), as_of=AS_OF)))


def run_all(*packets: Packet) -> list[Finding]:
    return [finding for rule_id in PKT_RULES for finding in run(rule_id, *packets)]


def packet(wp: str = "WP-1-Ledger", **fields: FieldOccurrence | tuple[FieldOccurrence, ...] | None) -> Packet:
    """A compliant, signed packet with some fields replaced (None removes one)."""
    base = make_packet(wp, signature=SIGNED)
    all_fields = dict(base.fields)
    for name, value in fields.items():
        name = name.replace("__", " ")
        if value is None:
            all_fields.pop(name, None)
        else:
            all_fields[name] = value if isinstance(value, tuple) else (value,)
    return replace(base, fields=all_fields)


def test_compliant_packet_passes_every_pkt_rule() -> None:
    assert run_all(packet()) == []


# PKT-001 ------------------------------------------------------------------


def test_pkt_001_task_id_mismatch() -> None:
    wrong = occurrence("WP-1-Ledger", "TASK_ID", "WP-1-Ledgr", 4)
    [finding] = run("PKT-001", packet(TASK_ID=wrong))
    assert (finding.loc, finding.excerpt, finding.subject) == (Loc(packet_file("WP-1-Ledger"), 4, 3), "WP-1-Ledgr", "WP-1-Ledger")
    assert "WP-1-Ledgr" in finding.message and "WP-1-Ledger.md" in finding.message


def test_pkt_001_accepts_decorated_id_and_flags_bad_file_name() -> None:
    decorated = occurrence("WP-1-Ledger", "TASK_ID", "`WP-1-Ledger` (v1)", 4)
    assert run("PKT-001", packet(TASK_ID=decorated)) == []
    [finding] = run("PKT-001", replace(packet("WP-Ledger"), fields={}))
    assert "WP-{phase}-{name}.md" in finding.message


# PKT-002 ------------------------------------------------------------------


def test_pkt_002_duplicate_id_reported_on_second_packet() -> None:
    first = packet("WP-1-Ledger")
    second = replace(packet("WP-1-ledger"), file="docs/task_packets/WP-1-ledger.md")
    [finding] = run("PKT-002", first, second)
    assert finding.subject == "WP-1-ledger"
    assert packet_file("WP-1-Ledger") in finding.message
    assert run("PKT-002", first, packet("WP-1-Ledger-v2")) == []


# PKT-003 ------------------------------------------------------------------


def test_pkt_003_missing_sections_listed_once() -> None:
    base = packet()
    headings = tuple(h for h in base.headings if h[0] not in ("Notes", "Authority"))
    [finding] = run("PKT-003", replace(base, headings=headings))
    assert "Authority, Notes" in finding.message
    assert finding.loc == base.title_loc and finding.excerpt == base.title


def test_pkt_003_accepts_heading_variants_and_quality_gate_as_field_headings() -> None:
    base = packet()
    file = base.file
    variants = (("METADATA", 2), ("SCOPE", 2), ("BOOTSTRAP (Coder Work Plan) [BOOTSTRAP]", 2), ("AUTHORITY", 2), ("Notes & Assumptions", 2), ("RISK_TIER", 2))
    headings = tuple((text, level, Loc(file, 10 * index)) for index, (text, level) in enumerate(variants, 1))
    tier = replace(occurrence(base.id, "RISK_TIER", "MEDIUM - one module", 61), form="heading")
    assert run("PKT-003", replace(packet(RISK_TIER=tier), headings=headings)) == []
    # without the RISK_TIER heading the quality gate really is missing
    [finding] = run("PKT-003", replace(base, headings=headings[:-1]))
    assert "Quality Gate" in finding.message


# PKT-004 ------------------------------------------------------------------


def test_pkt_004_missing_and_empty_fields() -> None:
    empty_why = occurrence("WP-1-Ledger", "Why", "", 14)
    findings = run("PKT-004", packet(ROLLBACK_HINT=None, What=None, Why=empty_why))
    assert [(f.loc.line, f.excerpt) for f in findings] == [(14, "Why"), (1, "Task Packet: WP-1-Ledger")]
    assert "What, ROLLBACK_HINT" in findings[1].message


def test_pkt_004_wp_id_stands_in_for_task_id() -> None:
    assert run("PKT-004", packet(TASK_ID=None)) == []


# PKT-005 ------------------------------------------------------------------


def test_pkt_005_placeholders_with_exact_columns() -> None:
    what = occurrence("WP-1-Ledger", "What", "Add the job for {component} (TBD)", 13)
    rollback = replace(occurrence("WP-1-Ledger", "ROLLBACK_HINT", "", 38, code="# undo\ngit revert <commit-sha>\n"), code_loc=Loc(packet_file("WP-1-Ledger"), 40, 3))
    findings = run("PKT-005", replace(packet(What=what, ROLLBACK_HINT=rollback), status=Status.DONE, status_raw="Done"))
    assert [(f.loc.line, f.loc.column, f.excerpt) for f in findings] == [(13, 19, "{component}"), (13, 32, "TBD"), (41, 14, "<commit-sha>")]
    assert all(f.severity is Severity.ERROR and f.subject == "WP-1-Ledger" for f in findings)


@pytest.mark.parametrize("status", [Status.READY_FOR_DEV, Status.IN_PROGRESS, Status.BLOCKED])
def test_pkt_005_commit_slot_in_rollback_hint_is_due_only_once_the_work_is_done(status: Status) -> None:
    """The template's ``git revert <commit-sha>`` names a commit that does not
    exist before the work is done; other placeholders count at any status."""
    rollback = replace(occurrence("WP-1-Ledger", "ROLLBACK_HINT", "", 38, code="git revert <commit-sha>\ngit revert {commit}\n<pending>\n"), code_loc=Loc(packet_file("WP-1-Ledger"), 40, 3))
    findings = run("PKT-005", replace(packet(ROLLBACK_HINT=rollback), status=status))
    assert [f.excerpt for f in findings] == ["<pending>"]


def test_pkt_005_named_vague_value_as_whole_item() -> None:
    files = occurrence("WP-1-Ledger", "FILES_TO_OPEN", "", 41, item_texts=["docs/START_HERE.md", "docs/SPEC_CURRENT.md", "docs/ARCHITECTURE.md", "Some files", "src/a.rs"])
    [finding] = run("PKT-005", packet(FILES_TO_OPEN=files))
    assert (finding.loc.line, finding.excerpt) == (45, "Some files")


def test_pkt_005_ignores_code_braces_html_generics_status_and_signature() -> None:
    plan = "just cargo-clean\ncargo test -- --format '{name}'\necho ${HOME}\nfind . -exec rm {} \\;\njust ai-review\njust post-work WP-1-Ledger"
    test_plan = occurrence("WP-1-Ledger", "TEST_PLAN", "", 27, code=plan)
    why = occurrence("WP-1-Ledger", "Why", "Expose `Arc<dyn Database>` only<br>and keep {\"a\": 1} JSON", 14)
    lock = occurrence("WP-1-Ledger", "User Signature Locked", "<pending>", 80)
    status = occurrence("WP-1-Ledger", "STATUS", "TBD", 10)
    assert run("PKT-005", packet(TEST_PLAN=test_plan, Why=why, User__Signature__Locked=lock, STATUS=status)) == []


# PKT-006 ------------------------------------------------------------------


def test_pkt_006_draft_and_unknown_states() -> None:
    draft = replace(packet(), status=Status.DRAFT, status_raw="Draft")
    odd = replace(packet(), status=Status.UNKNOWN, status_raw="Waiting on review?")
    findings = run("PKT-006", draft, odd)
    assert [(f.loc, f.excerpt) for f in findings] == [(Loc(packet_file("WP-1-Ledger"), 10, 3), "Draft"), (Loc(packet_file("WP-1-Ledger"), 10, 3), "Waiting on review?")]
    assert "draft state" in findings[0].message and "not a protocol state" in findings[1].message


def test_pkt_006_accepts_recorded_states_and_leaves_missing_status_to_pkt_004() -> None:
    validated = replace(packet(), status=Status.VALIDATED, status_raw="HARD-VALIDATED (2026-11-20)")
    no_status = replace(packet(STATUS=None), status=Status.UNKNOWN, status_raw="", status_loc=None)
    assert run("PKT-006", validated, no_status) == []


# PKT-007 ------------------------------------------------------------------


def test_pkt_007_high_tier_needs_justification_invariants_and_ai_review() -> None:
    tier = occurrence("WP-1-Ledger", "RISK_TIER", "HIGH", 26)
    plan = occurrence("WP-1-Ledger", "TEST_PLAN", "", 27, code="just cargo-clean\njust post-work WP-1-Ledger")
    findings = run("PKT-007", packet(RISK_TIER=tier, TEST_PLAN=plan))
    assert [f.loc.line for f in findings] == [26, 26, 27]
    assert "no justification" in findings[0].message
    assert "HARDENED_INVARIANTS" in findings[1].message
    assert "just ai-review" in findings[2].message


def test_pkt_007_justification_as_item_and_low_without_review() -> None:
    tier = FieldOccurrence("RISK_TIER", "RISK_TIER", "HIGH", Loc(packet_file("WP-1-Ledger"), 26, 18), "list", (ListItem("Justification: touches storage", Loc(packet_file("WP-1-Ledger"), 27, 5)),))
    hardened = occurrence("WP-1-Ledger", "HARDENED_INVARIANTS", "", 30, item_texts=["No raw SQL outside storage/"])
    assert run("PKT-007", packet(RISK_TIER=tier, HARDENED_INVARIANTS=hardened)) == []
    low = occurrence("WP-1-Ledger", "RISK_TIER", "LOW (docs only)", 26)
    plan = occurrence("WP-1-Ledger", "TEST_PLAN", "", 27, code="just cargo-clean\njust post-work WP-1-Ledger")
    assert run("PKT-007", packet(RISK_TIER=low, TEST_PLAN=plan)) == []
    [bad] = run("PKT-007", packet(RISK_TIER=occurrence("WP-1-Ledger", "RISK_TIER", "CRITICAL", 26)))
    assert bad.excerpt == "CRITICAL"


# PKT-008 ------------------------------------------------------------------


def test_pkt_008_counts_with_severity_split() -> None:
    files = occurrence("WP-1-Ledger", "FILES_TO_OPEN", "", 41, item_texts=["docs/START_HERE.md", "docs/SPEC_CURRENT.md", "docs/ARCHITECTURE.md"])
    commands = occurrence("WP-1-Ledger", "RUN_COMMANDS", "", 60, code="# start\njust dev\n\ncargo test\n")
    findings = run("PKT-008", packet(FILES_TO_OPEN=files, RUN_COMMANDS=commands))
    # One packet, one edit: one finding at the first field, as grave as the
    # gravest count it lists.
    assert [(f.loc.line, f.severity) for f in findings] == [(41, Severity.ERROR)]
    assert "FILES_TO_OPEN lists 3 files (5-15 wanted)" in findings[0].message
    assert "RUN_COMMANDS lists 2 commands (3-6 wanted)" in findings[0].message
    [warning] = run("PKT-008", packet(RUN_COMMANDS=commands))
    assert warning.severity is Severity.WARNING


def test_pkt_008_inline_lists_and_multi_term_items_counted() -> None:
    terms = occurrence("WP-1-Ledger", "SEARCH_TERMS", '"a", "b; c", "d"', 48)
    assert entry_count("SEARCH_TERMS", terms) == 3
    risk = occurrence("WP-1-Ledger", "RISK_MAP", '"x -> y"; "z -> w"', 66)
    assert entry_count("RISK_MAP", risk) == 2
    items = occurrence("WP-1-Ledger", "SEARCH_TERMS", "", 48, item_texts=['"?1", "?2"', "plain"])
    assert entry_count("SEARCH_TERMS", items) == 3


# PKT-009 ------------------------------------------------------------------


def test_pkt_009_vague_scope_entries() -> None:
    paths = occurrence("WP-1-Ledger", "IN_SCOPE_PATHS", "", 15, item_texts=["src/", "src/backend", "Everything related to storage", "src/ledger/mod.rs (New)", "justfile", "src/ledger/"])
    findings = run("PKT-009", packet(IN_SCOPE_PATHS=paths))
    assert [(f.loc.line, f.excerpt) for f in findings] == [(16, "src/"), (17, "src/backend"), (18, "Everything related to storage")]


def test_vague_path_says_why_in_words_that_fit_the_entry() -> None:
    assert vague_path("backend") == "it is a word, not a file or folder path"
    assert vague_path("Logging of gate decisions to Flight Recorder.") == "it is prose, not a file or folder path"
    assert vague_path("src/") == "it names a whole area of the repository"


def test_vague_path_accepts_real_forms() -> None:
    for text in ("src/backend/handshake_core/migrations/", "migrations/*.sql", ".github/workflows/ci.yml", "docker-compose.test.yml", "app/src/lib/api.ts (Type definitions)"):
        assert vague_path(text) is None, text


# PKT-010 ------------------------------------------------------------------


def test_pkt_010_post_work_missing_wrong_id_and_order() -> None:
    missing = occurrence("WP-1-Ledger", "TEST_PLAN", "", 27, code="just cargo-clean\ncargo test\njust ai-review")
    [finding] = run("PKT-010", packet(TEST_PLAN=missing))
    assert finding.severity is Severity.ERROR and "just post-work WP-1-Ledger" in finding.message
    wrong = occurrence("WP-1-Ledger", "TEST_PLAN", "", 27, item_texts=["just cargo-clean", "just ai-review", "just post-work WP-1-Other", "just post-work WP-1-Ledger"])
    [finding] = run("PKT-010", packet(TEST_PLAN=wrong))
    assert (finding.loc.line, finding.loc.column, finding.excerpt) == (30, 3, "just post-work WP-1-Other")
    late = occurrence("WP-1-Ledger", "TEST_PLAN", "", 27, item_texts=["just ai-review", "just post-work WP-1-Ledger", "just cargo-clean"])
    [finding] = run("PKT-010", packet(TEST_PLAN=late))
    assert finding.severity is Severity.WARNING and "after" in finding.message and finding.loc.line == 29


# PKT-011 ------------------------------------------------------------------


def test_pkt_011_bootstrap_files_first() -> None:
    files = occurrence("WP-1-Ledger", "FILES_TO_OPEN", "", 41, item_texts=["docs/SPEC_CURRENT.md", "src/a.rs", "docs/START_HERE.md", "docs/ARCHITECTURE.md", "src/b.rs"])
    [finding] = run("PKT-011", packet(FILES_TO_OPEN=files))
    assert (finding.loc.line, finding.excerpt, finding.severity) == (43, "src/a.rs", Severity.WARNING)
    assert "docs/ARCHITECTURE.md" in finding.message
    reordered = occurrence("WP-1-Ledger", "FILES_TO_OPEN", "", 41, item_texts=["docs/ARCHITECTURE.md", "docs/START_HERE.md", "./docs/SPEC_CURRENT.md (current spec)", "src/a.rs", "src/b.rs"])
    assert run("PKT-011", packet(FILES_TO_OPEN=reordered)) == []


# PKT-012 ------------------------------------------------------------------


def test_pkt_012_risk_map_shape() -> None:
    risk = occurrence("WP-1-Ledger", "RISK_MAP", "", 66, item_texts=['"Drift -> Ledger"', "Clock skew → Scheduler", '"Lock contention"'])
    [finding] = run("PKT-012", packet(RISK_MAP=risk))
    assert (finding.loc.line, finding.excerpt) == (69, '"Lock contention"')


# PKT-013 ------------------------------------------------------------------


def test_pkt_013_vague_done_items() -> None:
    done = occurrence("WP-1-Ledger", "DONE_MEANS", "", 33, item_texts=["[ ] Tests pass.", "It works", "Feature works", "All tests pass", "cargo test passes"])
    findings = run("PKT-013", packet(DONE_MEANS=done))
    assert [(f.loc.line, f.excerpt) for f in findings] == [(34, "[ ] Tests pass."), (35, "It works")]
    assert [f.excerpt for f in run("PKT-005", packet(DONE_MEANS=done))] == ["Feature works"]


# PKT-014 ------------------------------------------------------------------


def test_pkt_014_unlocked_packets() -> None:
    file = packet_file("WP-1-Ledger")
    pending = replace(packet(), signature="<pending>", signature_loc=Loc(file, 82, 27))
    absent = replace(packet(), signature="", signature_loc=None)
    findings = run("PKT-014", pending, absent)
    assert [(f.loc, f.excerpt) for f in findings] == [(Loc(file, 82, 27), "<pending>"), (Loc(file, 1), "Task Packet: WP-1-Ledger")]
    draft = replace(packet(), status=Status.DRAFT, status_raw="Draft", signature="", signature_loc=None)
    assert run("PKT-014", draft) == []


CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "handshake-2025-12-27"


@pytest.mark.corpus
def test_pkt_008_real_workflow_engine_v3_counts() -> None:
    if not (CORPUS / "docs" / "task_packets").is_dir():
        pytest.skip("real corpus not found")
    from mkdocs_handshake.parse.packets import parse_packet
    from mkdocs_handshake.repository.source import decode

    relative = "docs/task_packets/WP-1-Workflow-Engine-v3.md"
    real, _ = parse_packet(decode((CORPUS / relative).read_bytes(), relative))
    [finding] = run("PKT-008", real)
    assert "FILES_TO_OPEN lists 3 files" in finding.message
    assert "SEARCH_TERMS lists 3 search terms" in finding.message
    assert finding.severity is Severity.ERROR
    assert finding.loc.file == relative


def _written(body: str, wp: str = "WP-1-Ledger") -> Packet:
    """A packet parsed from text: fields the way the parser reads them."""
    from mkdocs_handshake.parse.packets import parse_packet
    from mkdocs_handshake.repository.source import decode

    parsed, _ = parse_packet(decode(f"# Task Packet: {wp}\n\n- STATUS: In Progress\n{body}".encode(), packet_file(wp)))
    return parsed


def test_item_findings_quote_the_item_as_written_and_point_at_the_true_column() -> None:
    packet = _written("- **IN_SCOPE_PATHS**:\n  * `src/`\n  * `src/a.rs` then <pending>\n")
    [vague] = run("PKT-009", packet)
    assert (vague.loc.line, vague.loc.column, vague.excerpt) == (5, 5, "`src/`")
    [slot] = run("PKT-005", packet)
    line = "  * `src/a.rs` then <pending>"
    assert (slot.loc.line, slot.loc.column, slot.excerpt) == (6, line.index("<pending>") + 1, "<pending>")
