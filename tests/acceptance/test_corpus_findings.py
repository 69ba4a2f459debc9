"""Issue 3 acceptance: the real violations in the corpus are found, each at
the right file and line with the text that shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_handshake.findings import Finding, Severity

from .conftest import line_of

pytestmark = pytest.mark.corpus

PACKETS = "docs/task_packets"


def by_rule(findings: list[Finding], rule: str) -> list[Finding]:
    return [finding for finding in findings if finding.rule == rule]


def test_the_build_would_fail(corpus_findings: list[Finding]) -> None:
    assert any(finding.severity is Severity.ERROR for finding in corpus_findings)


def test_invalid_signature_used_as_lock(corpus_findings: list[Finding], corpus_root: Path) -> None:
    file = f"{PACKETS}/WP-1-Workflow-Engine-v3.md"
    hits = [f for f in by_rule(corpus_findings, "SIG-004") if f.loc.file == file]
    assert len(hits) == 1
    assert hits[0].excerpt == "ilja261220252337"
    assert hits[0].loc.line == line_of(corpus_root / file, "User Signature Locked")
    assert hits[0].subject == "WP-1-Workflow-Engine-v3"


def test_roadmap_anchors(corpus_findings: list[Finding], corpus_root: Path) -> None:
    file = f"{PACKETS}/WP-1-Calendar-Lens.md"
    hits = [f for f in by_rule(corpus_findings, "ANCHOR-003") if f.loc.file == file]
    assert len(hits) == 1 and "7.6.3.12" in hits[0].excerpt
    assert hits[0].loc.line == line_of(corpus_root / file, "SPEC_ANCHOR")
    roadmap_subjects = {f.subject for f in by_rule(corpus_findings, "ANCHOR-003")}
    assert len(roadmap_subjects) > 10  # the audit packets anchor many §7.6.3.* items


def test_prose_anchor(corpus_findings: list[Finding], corpus_root: Path) -> None:
    file = f"{PACKETS}/WP-1-Debug-Bundle.md"
    hits = [f for f in by_rule(corpus_findings, "ANCHOR-001") if f.loc.file == file]
    assert len(hits) == 1 and "Debug bundle section" in hits[0].excerpt
    assert hits[0].loc.line == line_of(corpus_root / file, "SPEC_ANCHOR")


def test_damaged_anchor_reported_and_still_checked(corpus_findings: list[Finding], corpus_root: Path) -> None:
    file = f"{PACKETS}/WP-1-ACE-Auditability.md"
    anchor_line = line_of(corpus_root / file, "SPEC_ANCHOR")
    damaged = [f for f in by_rule(corpus_findings, "PARSE-002") if f.loc.file == file and f.loc.line == anchor_line]
    assert len(damaged) == 1 and "Â§" in damaged[0].excerpt and "§" in damaged[0].message
    # The repaired §2.6.6.7.3 resolves to a Main Body section, so no anchor
    # rule rejects it, and DONE-002 checks its requirements.
    anchor_findings = [f for f in corpus_findings if f.rule.startswith("ANCHOR") and f.loc.file == file]
    assert not [f for f in anchor_findings if f.rule in ("ANCHOR-001", "ANCHOR-002")]
    assert any(f.rule == "DONE-002" and f.subject == "WP-1-ACE-Auditability" for f in corpus_findings)


def test_board_disagrees_with_done_packets(corpus_findings: list[Finding], corpus_root: Path) -> None:
    hits = by_rule(corpus_findings, "BOARD-002")
    subjects = {f.subject for f in hits}
    # Done [VALIDATED] on the board, but nothing in the packet backs it.
    assert {"WP-1-LLM-Core", "WP-1-Flight-Recorder", "WP-1-Capability-SSoT"} <= subjects
    board = corpus_root / "docs" / "TASK_BOARD.md"
    llm = next(f for f in hits if f.subject == "WP-1-LLM-Core")
    assert llm.loc.file == "docs/TASK_BOARD.md" and llm.loc.line == line_of(board, "[WP-1-LLM-Core]")


def test_bootstrap_counts(corpus_findings: list[Finding]) -> None:
    file = f"{PACKETS}/WP-1-Workflow-Engine-v3.md"
    messages = [f.message for f in by_rule(corpus_findings, "PKT-008") if f.loc.file == file]
    assert any("FILES_TO_OPEN" in m and "3" in m for m in messages)
    assert any("SEARCH_TERMS" in m and "3" in m for m in messages)


def test_signatures_that_are_not_a_time(corpus_findings: list[Finding], corpus_root: Path) -> None:
    hits = by_rule(corpus_findings, "SIG-001")
    excerpts = {f.excerpt for f in hits}
    assert {"ilja251225032800", "ilja251225041500"} <= excerpts
    example = next(f for f in hits if f.excerpt == "ilja251225032800")
    assert "DDMMYYHHMMSS" in example.message
    assert example.loc.line == line_of(corpus_root / "docs" / "SIGNATURE_AUDIT.md", "| ilja251225032800")


def test_every_finding_has_evidence(corpus_findings: list[Finding]) -> None:
    for finding in corpus_findings:
        assert finding.loc.file and finding.loc.line >= 1, finding
        assert finding.message, finding
        assert finding.excerpt or finding.rule in ("PKT-004", "PKT-003", "DONE-002", "BOARD-001"), finding
