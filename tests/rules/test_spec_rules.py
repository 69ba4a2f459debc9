"""SPEC rules: SPEC_CURRENT names the latest spec, and everyone says so."""

from __future__ import annotations

from dataclasses import replace

from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.model.governance import GovernanceModel
from mkdocs_handshake.model.basics import Loc, ParseIssue, Status
from mkdocs_handshake.model.spec import SpecPointer
from mkdocs_handshake.rules import REGISTRY
from mkdocs_handshake.rules.context import RuleContext
from mkdocs_handshake.rules.spec import version_key
from tests.rules.builders import make_model, make_packet, make_section, make_spec, packet_file
from tests.fixtures.repo import AS_OF

POINTER = "docs/SPEC_CURRENT.md"


def run(rule_id: str, model: GovernanceModel) -> list[Finding]:
    rule = REGISTRY[rule_id]
    return list(rule.check(rule, RuleContext(model, as_of=AS_OF)))


def with_names(*names: tuple[str, int]) -> GovernanceModel:
    model = make_model([])
    pointer = SpecPointer(POINTER, tuple((name, Loc(POINTER, line, 3)) for name, line in names), version="01.00")
    return replace(model, spec_pointer=pointer)


def test_version_key_is_numeric() -> None:
    assert version_key("02.100") > version_key("02.93")
    assert version_key("v1.2") == (1, 2)
    assert version_key("draft") is None


def test_spec_001_silent_for_one_existing_spec() -> None:
    assert run("SPEC-001", make_model([])) == []
    # the same file named twice is still one spec
    model = with_names(("Spec_v01.00.md", 3), ("Spec_v01.00.md", 9))
    assert run("SPEC-001", model) == []


def test_spec_001_two_specs_named() -> None:
    [finding] = run("SPEC-001", with_names(("Spec_v01.00.md", 3), ("Spec_v01.01.md", 8)))
    assert finding.severity is Severity.ERROR
    assert finding.loc == Loc(POINTER, 8, 3)
    assert finding.excerpt == "Spec_v01.01.md"
    assert "2 Master Spec files" in finding.message


def test_spec_001_no_spec_named() -> None:
    [finding] = run("SPEC-001", with_names())
    assert finding.loc.file == POINTER and "names no Master Spec" in finding.message


def test_spec_001_named_spec_missing_reported_once() -> None:
    model = replace(with_names(("Spec_v09.00.md", 5)), spec=None)
    issue = ParseIssue("PARSE-001", Loc(POINTER, 5, 3), "SPEC_CURRENT names Spec_v09.00.md, which does not exist under the root", "Spec_v09.00.md")
    model = replace(model, parse_issues=(issue,))
    [finding] = run("SPEC-001", model)
    assert (finding.loc, finding.excerpt) == (Loc(POINTER, 5, 3), "Spec_v09.00.md")
    assert "does not exist" in finding.message
    assert run("PARSE-001", model) == []  # one problem, one finding


def test_spec_001_unreadable_spec_left_to_parse_001() -> None:
    model = replace(with_names(("Spec_v09.00.md", 5)), spec=None)
    issue = ParseIssue("PARSE-001", Loc("Spec_v09.00.md", 1), "the configured Master Spec Spec_v09.00.md cannot be read: Permission denied", "Spec_v09.00.md")
    model = replace(model, parse_issues=(issue,))
    assert run("SPEC-001", model) == []
    assert len(run("PARSE-001", model)) == 1


def test_spec_002_newer_sibling_compared_numerically() -> None:
    spec = make_spec([make_section("2.1.1")], version="02.93")
    model = make_model([], spec=spec, sibling_specs=(("Spec_v02.93.md", "02.93"), ("Spec_v02.100.md", "02.100"), ("Spec_v02.9.md", "02.9")))
    [finding] = run("SPEC-002", model)
    assert finding.severity is Severity.ERROR
    assert finding.loc == Loc(POINTER, 3)
    assert finding.excerpt == "Spec_v02.93.md"
    assert "Spec_v02.100.md" in finding.message and "v02.93" in finding.message


def test_spec_002_silent_when_current_is_latest() -> None:
    spec = make_spec([make_section("2.1.1")], version="02.93")
    model = make_model([], spec=spec, sibling_specs=(("Spec_v02.84.md", "02.84"), ("Spec_v02.93.md", "02.93")))
    assert run("SPEC-002", model) == []


def test_spec_003_title_version_mismatch() -> None:
    spec = replace(make_spec([make_section("2.1.1")], version="02.93"), title="Spec v02.92", title_version="02.92")
    [finding] = run("SPEC-003", make_model([], spec=spec))
    assert (finding.loc, finding.excerpt, finding.severity) == (Loc("Spec_v02.93.md", 1), "Spec v02.92", Severity.WARNING)
    assert "v02.92" in finding.message and "v02.93" in finding.message


def test_spec_003_silent_on_equal_versions_written_differently() -> None:
    spec = replace(make_spec([make_section("2.1.1")], version="02.93"), title_version="2.93")
    assert run("SPEC-003", make_model([], spec=spec)) == []


def test_spec_004_missing_changelog_entry_points_at_newest_entry() -> None:
    spec = replace(make_spec([make_section("2.1.1")], version="02.93"), changelog_versions=(("02.92", Loc("Spec_v02.93.md", 20, 3)), ("02.91", Loc("Spec_v02.93.md", 21, 3))))
    [finding] = run("SPEC-004", make_model([], spec=spec))
    assert (finding.loc, finding.excerpt) == (Loc("Spec_v02.93.md", 20, 3), "v02.92")
    assert "no entry for v02.93" in finding.message
    assert run("SPEC-004", make_model([])) == []


def test_spec_005_flags_stale_mentions_in_active_packets_and_protocols_only() -> None:
    spec = make_spec([make_section("2.1.1")], version="02.93")
    active = make_packet("WP-1-Active")
    done = make_packet("WP-1-Old", status=Status.VALIDATED)
    mentions = (
        ("02.84", Loc(packet_file("WP-1-Active"), 70, 19)),
        ("02.84", Loc(packet_file("WP-1-Old"), 70, 19)),
        ("02.90", Loc("docs/ORCHESTRATOR_PROTOCOL.md", 12, 40)),
        ("02.93", Loc("docs/START_HERE.md", 5, 10)),
    )
    findings = run("SPEC-005", make_model([active, done], spec=spec, spec_version_mentions=mentions))
    assert [(f.loc, f.subject, f.excerpt) for f in findings] == [
        (Loc(packet_file("WP-1-Active"), 70, 19), "WP-1-Active", "v02.84"),
        (Loc("docs/ORCHESTRATOR_PROTOCOL.md", 12, 40), "docs/ORCHESTRATOR_PROTOCOL.md", "v02.90"),
    ]
    assert all(f.severity is Severity.WARNING and "v02.93" in f.message for f in findings)


def test_spec_005_packet_without_status_but_validated_pass_is_history() -> None:
    # No STATUS written (PKT-004's finding), but the last validation report
    # says PASS: the SPEC_CURRENT it records is the spec it was built on.
    spec = make_spec([make_section("2.1.1")], version="02.93")
    validated = make_packet("WP-1-Validated", status=Status.UNKNOWN, status_raw="", reports=[("FAIL", "2026-11-01"), ("PASS", "2026-11-02")])
    failed = make_packet("WP-1-Failed", status=Status.UNKNOWN, status_raw="", reports=[("PASS", "2026-11-01"), ("FAIL", "2026-11-02")])
    mentions = (("02.85", Loc(packet_file("WP-1-Validated"), 70, 19)), ("02.85", Loc(packet_file("WP-1-Failed"), 70, 19)))
    findings = run("SPEC-005", make_model([validated, failed], spec=spec, spec_version_mentions=mentions))
    assert [(f.loc, f.subject) for f in findings] == [(Loc(packet_file("WP-1-Failed"), 70, 19), "WP-1-Failed")]
