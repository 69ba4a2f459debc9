"""ANCHOR rules: each SPEC_ANCHOR names a specific Main Body section."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from mkdocs_handshake.findings.finding import Finding, Severity
from mkdocs_handshake.model.packet import AnchorRef, Packet
from mkdocs_handshake.model.governance import GovernanceModel
from mkdocs_handshake.model.basics import Loc
from mkdocs_handshake.rules import REGISTRY
from mkdocs_handshake.rules.context import RuleContext
from tests.rules.builders import make_model, make_packet, make_section, make_spec, packet_file
from tests.fixtures.repo import AS_OF

ANCHOR_RULES = [f"ANCHOR-00{n}" for n in range(1, 8)]


def run(rule_id: str, model: GovernanceModel) -> list[Finding]:
    rule = REGISTRY[rule_id]
    return list(rule.check(rule, RuleContext(model, as_of=AS_OF)))


def run_all(model: GovernanceModel) -> list[Finding]:
    return [finding for rule_id in ANCHOR_RULES for finding in run(rule_id, model)]


def spec() -> object:
    return make_spec(
        [
            make_section("2", title="Architecture", has_subsections=True, line=10),
            make_section("2.1", title="Storage", has_subsections=True, line=20),
            make_section("2.1.1", title="Portability Pillars", requirements=["[HSK-ST-001] The store MUST be portable."], line=30),
            make_section("2.1.2", title="Job Model", has_subsections=True, requirements=["[HSK-JOB-001] Jobs MUST persist."], line=40),
            make_section("2.1.2.1", title="First step", kind="list-item", line=41),
            make_section("2.1.2.2", title="Second step", kind="list-item", line=42),
            make_section("7.6.3", title="Phase 1 roadmap", main_body=False, has_subsections=True, line=900),
            make_section("7.6.3.12", title="Calendar lens", main_body=False, kind="list-item", line=912),
            make_section("11.5", title="Dataset slicing", has_subsections=True, line=1000),
            make_section("11.5.1", title="Slices", line=1001),
            make_section("11.5", title="Flight Recorder Event Shapes", line=1100),
        ],
        version="02.93",
    )


def with_anchors(wp: str, *anchors: AnchorRef) -> Packet:
    return replace(make_packet(wp), spec_anchors=anchors)


def anchor(raw: str, number: str = "", column: int = 19, **extra: object) -> AnchorRef:
    return AnchorRef(raw, Loc(packet_file("WP-1-X"), 72, column), number=number, **extra)  # type: ignore[arg-type]


def test_compliant_anchor_is_silent_under_every_rule() -> None:
    model = make_model([make_packet("WP-1-X", anchors=("2.1.1",))], spec=spec())
    assert run_all(model) == []


def test_list_item_parent_is_specific_enough() -> None:
    """2.1.2 has only list-item children: citing it alone is not too broad."""
    model = make_model([make_packet("WP-1-X", anchors=("2.1.2",))], spec=spec())
    assert run_all(model) == []


def test_anchor_001_prose_anchor() -> None:
    prose = anchor("Debug bundle section (per Master Spec Main Body).", column=17)
    findings = run_all(make_model([with_anchors("WP-1-X", prose)], spec=spec()))
    assert [(f.rule, f.loc, f.excerpt, f.subject) for f in findings] == [
        ("ANCHOR-001", Loc(packet_file("WP-1-X"), 72, 17), prose.raw, "WP-1-X")
    ]
    assert findings[0].severity is Severity.ERROR


def test_anchor_001_id_only_anchor_names_the_section_holding_it() -> None:
    ids_only = anchor("[HSK-ST-001]", ids=("HSK-ST-001",))
    [finding] = run_all(make_model([with_anchors("WP-1-X", ids_only)], spec=spec()))
    assert finding.rule == "ANCHOR-001"
    assert "§2.1.1" in finding.message


def test_missing_spec_anchor_is_not_reported_by_anchor_rules() -> None:
    model = make_model([make_packet("WP-1-X", anchors=())], spec=spec())
    assert run_all(model) == []


def test_anchor_002_unknown_section_only_once() -> None:
    ghost = anchor("§2.1.9", "2.1.9")
    findings = run_all(make_model([with_anchors("WP-1-X", ghost)], spec=spec()))
    assert [(f.rule, f.excerpt) for f in findings] == [("ANCHOR-002", "§2.1.9")]
    assert "nearest existing section is §2.1 (Storage)" in findings[0].message


def test_anchor_002_on_a_section_swallowed_by_a_code_block_names_the_fences_as_the_cause() -> None:
    """The heading is in the spec's file, inside a block whose fences are
    out of step (PARSE-006): "does not exist" would send the packet's
    author looking for a renamed section; the spec's fences are the fix."""
    swallowed = replace(spec(), swallowed_headings=(("2.1.3", Loc("Master_Spec_v02.93.md", 57, 1)),))  # type: ignore[arg-type]
    [finding] = run("ANCHOR-002", make_model([with_anchors("WP-1-X", anchor("§2.1.3", "2.1.3"))], spec=swallowed))
    assert "is written in" in finding.message and "(line 57) but inside a code block" in finding.message
    assert "PARSE-006" in finding.message and "nearest existing" not in finding.message


def test_anchor_002_damaged_marker_is_checked_and_mentioned() -> None:
    damaged = anchor("§2.1.9", "2.1.9", damage="Â§")
    [finding] = run_all(make_model([with_anchors("WP-1-X", damaged)], spec=spec()))
    assert finding.rule == "ANCHOR-002"
    assert "'Â§'" in finding.message and "PARSE-002" in finding.message


def test_anchor_003_roadmap_item_not_also_too_broad() -> None:
    roadmap = anchor("§7.6.3.12", "7.6.3.12")
    broad_roadmap = anchor("§7.6.3", "7.6.3", column=31)
    findings = run_all(make_model([with_anchors("WP-1-X", roadmap, broad_roadmap)], spec=spec()))
    assert [(f.rule, f.loc.column, f.excerpt) for f in findings] == [("ANCHOR-003", 19, "§7.6.3.12"), ("ANCHOR-003", 31, "§7.6.3")]
    assert "Calendar lens" in findings[0].message


def test_anchor_004_chapter_and_parent_section_too_broad() -> None:
    findings = run_all(make_model([make_packet("WP-1-X", anchors=("2", "2.1"))], spec=spec()))
    assert [(f.rule, f.excerpt) for f in findings] == [("ANCHOR-004", "§2"), ("ANCHOR-004", "§2.1")]
    assert "whole chapter" in findings[0].message
    assert "numbered subsections" in findings[1].message


def test_anchor_004_ids_pin_a_broad_section() -> None:
    pinned = anchor("§2.1 [HSK-ST-001]", "2.1", ids=("HSK-ST-001",))
    assert run_all(make_model([with_anchors("WP-1-X", pinned)], spec=spec())) == []


def test_duplicate_numbers_resolved_by_label() -> None:
    by_label = anchor("§11.5 (Flight Recorder Event Shapes)", "11.5", label="Flight Recorder Event Shapes")
    assert run_all(make_model([with_anchors("WP-1-X", by_label)], spec=spec())) == []
    # without a label one 11.5 is broad and the other is not: no false finding
    bare = anchor("§11.5", "11.5")
    assert run_all(make_model([with_anchors("WP-1-X", bare)], spec=spec())) == []


def test_anchor_005_id_from_another_section() -> None:
    wrong = anchor("§2.1.1 [HSK-JOB-001], [HSK-ST-001]", "2.1.1", ids=("HSK-JOB-001", "HSK-ST-001"))
    findings = run_all(make_model([with_anchors("WP-1-X", wrong)], spec=spec()))
    assert [(f.rule, f.excerpt) for f in findings] == [("ANCHOR-005", wrong.raw)]
    assert "[HSK-JOB-001]" in findings[0].message and "§2.1.2" in findings[0].message


def test_anchor_005_id_in_subsection_or_heading_counts() -> None:
    sections = list(spec().sections) + [make_section("2.1.1.1", title="Rules (HSK-ST-009)", line=31)]
    model = make_model([with_anchors("WP-1-X", anchor("§2.1.1 (HSK-ST-009)", "2.1.1", ids=("HSK-ST-009",)))], spec=make_spec(sections, version="02.93"))
    assert run("ANCHOR-005", model) == []


def test_anchor_006_pinned_older_version() -> None:
    old = anchor("§2.1.1 (v02.36)", "2.1.1", pinned_version="02.36")
    findings = run_all(make_model([with_anchors("WP-1-X", old)], spec=spec()))
    assert [(f.rule, f.severity, f.excerpt) for f in findings] == [("ANCHOR-006", Severity.WARNING, "§2.1.1 (v02.36)")]
    assert "v02.36" in findings[0].message and "v02.93" in findings[0].message
    current = anchor("§2.1.1 (v02.93)", "2.1.1", pinned_version="02.93")
    assert run_all(make_model([with_anchors("WP-1-X", current)], spec=spec())) == []


def test_anchor_007_document_anchor() -> None:
    doc = anchor("[CX-GATE-001] in docs/VALIDATOR_PROTOCOL.md", ids=("CX-GATE-001",), document="docs/VALIDATOR_PROTOCOL.md")
    packet = with_anchors("WP-1-X", doc)
    ok = make_model([packet], spec=spec(), document_ids={"docs/VALIDATOR_PROTOCOL.md": ("CX-GATE-001", "CX-GATE-002")})
    assert run_all(ok) == []
    wrong_id = make_model([packet], spec=spec(), document_ids={"docs/VALIDATOR_PROTOCOL.md": ("CX-GATE-002",)})
    [finding] = run_all(wrong_id)
    assert (finding.rule, finding.severity, finding.excerpt) == ("ANCHOR-007", Severity.WARNING, doc.raw)
    assert "[CX-GATE-001]" in finding.message
    [missing] = run_all(make_model([packet], spec=spec()))
    assert missing.rule == "ANCHOR-007" and "does not exist" in missing.message


CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "handshake-2025-12-27"


@pytest.mark.corpus
def test_real_calendar_lens_anchor_is_roadmap() -> None:
    if not (CORPUS / "docs" / "task_packets").is_dir():
        pytest.skip("real corpus not found")
    from mkdocs_handshake.parse.packets import parse_packet
    from mkdocs_handshake.parse.spec import parse_spec
    from mkdocs_handshake.repository.source import decode

    spec_name = "Handshake_Master_Spec_v02.93.md"
    real_spec, _ = parse_spec(decode((CORPUS / spec_name).read_bytes(), spec_name))
    relative = "docs/task_packets/WP-1-Calendar-Lens.md"
    packet, _ = parse_packet(decode((CORPUS / relative).read_bytes(), relative))
    findings = run_all(make_model([packet], spec=real_spec))
    assert [(f.rule, f.excerpt, f.subject) for f in findings] == [("ANCHOR-003", "§7.6.3.12", "WP-1-Calendar-Lens")]
