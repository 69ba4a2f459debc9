"""PARSE rules: parse and encoding issues become findings a person can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.model.basics import EncodingIssue, Loc, ParseIssue
from mkdocs_handshake.model.governance import GovernanceModel
from mkdocs_handshake.rules import REGISTRY
from mkdocs_handshake.rules.context import RuleContext
from tests.rules.builders import make_model, make_packet, packet_file
from tests.fixtures.repo import AS_OF


def run(rule_id: str, model: GovernanceModel) -> list[Finding]:
    rule = REGISTRY[rule_id]
    return list(rule.check(rule, RuleContext(model, as_of=AS_OF)))


def test_parse_001_reports_missing_configured_file() -> None:
    issue = ParseIssue("PARSE-001", Loc("docs/TASK_BOARD.md", 1), "the configured task board docs/TASK_BOARD.md does not exist", "docs/TASK_BOARD.md", "docs/TASK_BOARD.md")
    [finding] = run("PARSE-001", make_model([make_packet("WP-1-A")], parse_issues=(issue,)))
    assert (finding.rule, finding.severity) == ("PARSE-001", Severity.ERROR)
    assert finding.loc == Loc("docs/TASK_BOARD.md", 1)
    assert "does not exist" in finding.message
    assert finding.subject == "docs/TASK_BOARD.md"


def test_parse_001_leaves_a_missing_named_spec_to_spec_001() -> None:
    model = make_model([make_packet("WP-1-A")])
    name, loc = model.spec_pointer.spec_names[0]
    issue = ParseIssue("PARSE-001", loc, f"SPEC_CURRENT names {name}, which does not exist under the root", name, name)
    model = make_model([make_packet("WP-1-A")], parse_issues=(issue,))
    assert run("PARSE-001", model) == []


def test_parse_001_silent_without_issues_and_ignores_other_rules_issues() -> None:
    other = ParseIssue("PARSE-004", Loc(packet_file("WP-1-A"), 3), "odd label", "X_Y:", "WP-1-A")
    assert run("PARSE-001", make_model([make_packet("WP-1-A")], parse_issues=(other,))) == []


def test_parse_002_one_finding_per_damaged_file_with_its_first_lines() -> None:
    file = packet_file("WP-1-Enc")
    issues = (
        EncodingIssue(Loc(file, 7, 12), "mojibake", "Â§", "§"),
        EncodingIssue(Loc(file, 7, 30), "question-marks", "??", "§"),
        EncodingIssue(Loc(file, 9, 1), "invalid-utf8", "0x96", "–"),
    )
    findings = run("PARSE-002", make_model([make_packet("WP-1-Enc")], encoding_issues=issues))
    # One re-save fixes the file: one finding, at its first damaged spot.
    assert [(f.loc.line, f.loc.column) for f in findings] == [(7, 12)]
    [only] = findings
    assert only.severity is Severity.WARNING
    assert only.excerpt == "Â§"
    assert "2 damaged lines" in only.message
    assert "line 7: 'Â§' read as '§', '??' read as '§'" in only.message
    assert "line 9: 0x96 decoded as Windows-1252 '–'" in only.message
    assert only.subject == "WP-1-Enc"


def test_parse_002_names_the_first_lines_and_counts_the_rest() -> None:
    file = packet_file("WP-1-Enc")
    issues = tuple(EncodingIssue(Loc(file, line, 1), "mojibake", "Â§", "§") for line in range(10, 16))
    [only] = run("PARSE-002", make_model([make_packet("WP-1-Enc")], encoding_issues=issues))
    assert "6 damaged lines" in only.message and "and 3 more line(s)" in only.message
    assert "line 12:" in only.message and "line 13:" not in only.message


def test_parse_002_ascii_only_profile_asks_for_ascii_in_packets() -> None:
    from mkdocs_handshake.protocol.profiles import load_profile
    from mkdocs_handshake.rules import REGISTRY
    from mkdocs_handshake.rules.context import RuleContext

    file = packet_file("WP-1-Enc")
    model = make_model([make_packet("WP-1-Enc")], encoding_issues=(EncodingIssue(Loc(file, 7, 12), "mojibake", "Â§", "§"),))
    rule = REGISTRY["PARSE-002"]
    [newer] = rule.check(rule, RuleContext(model, as_of=AS_OF, profile=load_profile("handshake-2026-02")))
    [older] = rule.check(rule, RuleContext(model, as_of=AS_OF, profile=load_profile("handshake-2025-12")))
    assert "ASCII" in newer.message and "ASCII" not in older.message


def test_parse_002_subject_is_file_outside_packets_and_silent_when_clean() -> None:
    issue = EncodingIssue(Loc("docs/ORCHESTRATOR_PROTOCOL.md", 4, 2), "mojibake", "â€”", "—")
    [finding] = run("PARSE-002", make_model([], encoding_issues=(issue,)))
    assert finding.subject == "docs/ORCHESTRATOR_PROTOCOL.md"
    assert finding.loc == Loc("docs/ORCHESTRATOR_PROTOCOL.md", 4, 2)
    assert run("PARSE-002", make_model([make_packet("WP-1-A")])) == []


def test_parse_003_reports_spec_numbering_issues_with_section_subject() -> None:
    issue = ParseIssue("PARSE-003", Loc("Spec_v01.00.md", 40, 5), "section number 2.2 is used by an earlier heading too", "2.2 Entities", "2.2")
    findings = run("PARSE-003", make_model([], parse_issues=(issue,)))
    assert [(f.loc, f.excerpt, f.subject, f.severity) for f in findings] == [(Loc("Spec_v01.00.md", 40, 5), "2.2 Entities", "2.2", Severity.WARNING)]
    assert run("PARSE-003", make_model([])) == []


def test_parse_004_reports_unreadable_packet_text() -> None:
    file = packet_file("WP-1-B")
    issue = ParseIssue("PARSE-004", Loc(file, 1), "no packet metadata found (no TASK_ID, WP_ID or STATUS field)", "# Notes only", "WP-1-B")
    [finding] = run("PARSE-004", make_model([make_packet("WP-1-B")], parse_issues=(issue,)))
    assert (finding.loc, finding.subject, finding.severity) == (Loc(file, 1), "WP-1-B", Severity.ERROR)
    assert "no packet metadata" in finding.message
    assert run("PARSE-004", make_model([make_packet("WP-1-B")])) == []


CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "handshake-2025-12-27"


@pytest.mark.corpus
def test_parse_002_on_real_packet_reports_damaged_section_signs() -> None:
    if not (CORPUS / "docs" / "task_packets").is_dir():
        pytest.skip("real corpus not found")
    from mkdocs_handshake.parse.packets import parse_packet
    from mkdocs_handshake.repository.source import decode

    relative = "docs/task_packets/WP-1-ACE-Auditability.md"
    src = decode((CORPUS / relative).read_bytes(), relative)
    packet, _ = parse_packet(src)
    findings = run("PARSE-002", make_model([packet], encoding_issues=src.issues))
    assert findings, "the packet has Â§ damage"
    assert all(f.subject == "WP-1-ACE-Auditability" for f in findings)
    assert len(findings) == 1, "one finding per damaged file"
    assert "'Â§' read as '§'" in findings[0].message or "more line(s)" in findings[0].message


def test_parse_002_points_at_the_invalid_byte_itself():
    """A stray Windows-1252 byte is reported where it sits in the line, so
    an editor jump lands on it (not at column 1)."""
    from mkdocs_handshake.rules.engine import EngineConfig, run_rules
    from mkdocs_handshake.repository.source import decode

    path = "docs/task_packets/WP-1-A.md"
    source = decode("- **What**: sync ".encode() + b"\x96" + " offline tills\n".encode(), path)
    model = make_model([make_packet("WP-1-A")], encoding_issues=source.issues)
    findings = [f for f in run_rules(model, EngineConfig(as_of=AS_OF)) if f.rule == "PARSE-002"]
    assert [(f.loc.line, f.loc.column, f.excerpt) for f in findings] == [(1, len("- **What**: sync ") + 1, "0x96")]
    assert source.line(1)[len("- **What**: sync ")] == "–"


def _spec_model(text: str):
    from mkdocs_handshake.parse.spec import parse_spec
    from mkdocs_handshake.repository.source import decode

    spec, issues = parse_spec(decode(text.encode("utf-8"), "Spec_v01.00.md"))
    return make_model([], spec=spec, parse_issues=tuple(issues))


def test_parse_003_one_finding_per_misnumbered_block_and_its_subsections() -> None:
    text = (
        "# Spec v01.00\n\n## 1 Intro\n\n### 1.1 Goals\n\n## 2 Model\n\n### 2.1 Entities\n\n#### 2.1.1 Asset\n\n"
        "### 2.2 Events\n\n"
        # a copied block: 2.1 again, with its subsection, then the real 2.3
        "### 2.1 Entities (copy)\n\n#### 2.1.1 Asset (copy)\n\n### 2.3 Views\n\n"
        # an unrelated misplaced heading later on is its own problem
        "## 3 Storage\n\n### 1.2 Stray\n"
    )
    findings = run("PARSE-003", _spec_model(text))
    assert [f.subject for f in findings] == ["2.1", "1.2"]
    copy, stray = findings
    assert "1 more numbered heading(s) after it" in copy.message
    assert "more numbered" not in stray.message


def test_parse_003_a_subsection_far_from_its_namesake_is_not_folded_into_it() -> None:
    text = (
        "# Spec v01.00\n\n## 1 Intro\n\n## 2 Model\n\n## 3 Jobs\n\n## 2 Model again\n\n"
        "## 4 Storage\n\n### 4.1 Files\n\n### 2.6 Stray\n"
    )
    findings = run("PARSE-003", _spec_model(text))
    # "2.6" sits under 4, not under the repeated "2": two problems.
    assert [f.subject for f in findings] == ["2", "2.6"]


def test_parse_003_a_heading_displaced_by_a_misnumbered_one_joins_its_finding() -> None:
    text = (
        "# Spec v01.00\n\n## 1 Intro\n\n## 2 Engines\n\n### 2.1 Merge\n\n### 2.2 Export\n\n"
        "## 9 Proxy\n\n## 9 Proxy again\n\n"  # a repeated chapter number
        "### 2.2.1 Stray\n\n## 3 Storage\n"  # out of order only because it now stands inside the repeated 9
    )
    issues = _spec_model(text).parse_issues
    assert [(issue.subject, issue.label) for issue in issues] == [("9", ""), ("2.2.1", "9")]
    [finding] = run("PARSE-003", _spec_model(text))
    assert finding.subject == "9" and "1 more numbered heading(s)" in finding.message


def test_parse_003_tells_a_pasted_looking_block_how_to_declare_it_a_copy() -> None:
    """A misnumbered block, or a chapter-style number opening one inside a
    section, may be a copy of another document: the message says how to
    declare it (a tag the parser knows), not only how to renumber it."""
    text = (
        "# Spec v01.00\n\n## 1 Intro\n\n### 1.1 Goals\n\n## 2 Model\n\n### 2.1 Entities\n\n#### 2.1.1 Asset\n\n"
        "### 2.2 Research note\n\n#### 0. Stance\n\n#### 1. Background\n\n"
        "### 2.1 Entities (copy)\n\n#### 2.1.1 Asset (copy)\n"
    )
    opener, block = run("PARSE-003", _spec_model(text))
    for finding in (opener, block):
        assert "tag the heading above it '(verbatim)'" in finding.message, finding.message
    assert opener.subject == "0" and "it opens a block" in opener.message
    tagged = text.replace("### 2.2 Research note", "### 2.2 Research note (verbatim)")
    assert [f.subject for f in run("PARSE-003", _spec_model(tagged))] == ["2.1"]


def test_a_fix_inside_the_spec_says_how_the_protocol_changes_the_spec() -> None:
    """December's protocol changes the spec by a new version file ("Update
    spec without bumping version" is a DO NOT), June's through its bundle
    workflow: "renumber it" must not read as leave to edit the version in
    force. A profile that says nothing of it adds nothing."""
    from dataclasses import replace

    from mkdocs_handshake.protocol.profiles import load_profile

    model = _spec_model("# Spec v01.00\n\n## 1 Intro\n\n## 2 Model\n\n## 2 Model again\n")
    rule = REGISTRY["PARSE-003"]
    december = load_profile("handshake-2025-12")
    [finding] = rule.check(rule, RuleContext(model, as_of=AS_OF, profile=december))
    assert finding.message.endswith("; fix it " + december.remedy.spec_edit)
    assert "new spec version" in december.remedy.spec_edit
    [june] = rule.check(rule, RuleContext(model, as_of=AS_OF, profile=load_profile("handshake-2026-06")))
    assert "versioned bundle workflow" in june.message
    silent = replace(december, remedy=replace(december.remedy, spec_edit=""))
    [plain] = rule.check(rule, RuleContext(model, as_of=AS_OF, profile=silent))
    assert "fix it" not in plain.message
    # Outside the spec (a packet's own text) nothing is added.
    outside = replace(model, spec=replace(model.spec, file="Other_v01.00.md"))
    [elsewhere] = rule.check(rule, RuleContext(outside, as_of=AS_OF, profile=december))
    assert "fix it" not in elsewhere.message
