"""Packet forms of the 2026-02 corpus that the 2025-12 reader missed.

Each fixture copies the *shape* a packet of ``handshake-2026-02-03`` writes
(labels, nesting, headings), with invented ids and values: validation
reports under ``## VALIDATION_REPORTS`` and outside it, a Dependencies
heading holding ``Depends on`` / ``Blocks`` / ``Requires`` / ``Enables``
items, ``USER_SIGNATURE`` as the lock, a TASK_ID that differs from the file
name, ``### RISK_TIER: HIGH``.
"""

from __future__ import annotations

from mkdocs_handshake.model.basics import Loc
from mkdocs_handshake.parse.packets import parse_packet
from mkdocs_handshake.repository.source import decode
from tests.parse.test_packets import _at as locate

PATH = "docs/task_packets/WP-7-Gadget-v2.md"


def _parse(text: str, path: str = PATH):
    packet, _ = parse_packet(decode(text.encode("utf-8"), path))
    return packet


def _at(text: str, needle: str, occurrence: int = 1) -> Loc:
    return locate(text, needle, occurrence, PATH)


# --------------------------------------------------------------------------
# Validation reports
# --------------------------------------------------------------------------

REPORTS = """# Task Packet: WP-7-Gadget-v2

## METADATA
- TASK_ID: WP-7-Gadget-v2
- **Status:** Done

## VALIDATION_REPORTS
- (Validator appends official audits and verdicts here. Append-only.)

### 2031-02-01 Validator Report (FAIL)

Verdict: FAIL

Scope Inputs:
- Task Packet: docs/task_packets/WP-7-Gadget-v2.md

- VALIDATION REPORT - WP-7-Gadget-v2
  - **Verdict:** PASS
  - Status: FAIL

## USER_CONTEXT
- notes

VALIDATION REPORT - WP-7-Gadget-v2 (Revalidation)
VERDICT: OUTDATED_ONLY
"""


def test_reports_under_validation_reports_and_after_it() -> None:
    packet = _parse(REPORTS)
    reports = packet.validation_reports
    # the "## VALIDATION_REPORTS" container is not itself a report
    assert [report.heading for report in reports] == [
        "2031-02-01 Validator Report (FAIL)",
        "VALIDATION REPORT - WP-7-Gadget-v2",
        "VALIDATION REPORT - WP-7-Gadget-v2 (Revalidation)",
    ]
    assert [report.verdict for report in reports] == ["FAIL", "PASS", "OUTDATED_ONLY"]
    assert [report.verdict_loc for report in reports] == [
        _at(REPORTS, "FAIL", 2),
        _at(REPORTS, "PASS"),
        _at(REPORTS, "OUTDATED_ONLY"),
    ]
    assert reports[0].date == "2031-02-01"


def test_verdict_from_status_label_or_heading_when_no_verdict_label() -> None:
    text = (
        "# Task Packet: WP-7-Gadget-v2\n\n## VALIDATION_REPORTS\n\n"
        "### VALIDATION_REPORT - 2031-01-31 - PASS\n- Checked: yes\n\n"
        "### VALIDATION REPORT - WP-7-Gadget-v2\n- Status: FAIL\n- Result: see below\n"
    )
    reports = _parse(text).validation_reports
    assert [(report.verdict, report.verdict_loc) for report in reports] == [
        ("PASS", _at(text, "PASS")),
        ("FAIL", _at(text, "FAIL")),
    ]


def test_a_status_line_that_is_no_verdict_is_not_taken() -> None:
    text = "# T\n\n## VALIDATION REPORT - WP-7-Gadget-v2\n- Status: Done\n- Notes: none\n"
    (report,) = _parse(text).validation_reports
    assert report.verdict == "" and report.verdict_loc is None


# --------------------------------------------------------------------------
# Dependencies and their direction
# --------------------------------------------------------------------------

DEPENDENCIES = """# Task Packet: WP-7-Gadget-v2

## METADATA
- TASK_ID: WP-7-Gadget-v2

### Dependencies
- **Depends on:** WP-7-Base (VALIDATED), WP-7-Store (VALIDATED)
- **Blocks:** WP-7-Ui, WP-7-Export
- **Requires**: WP-7-Clock (DONE)
- **Enables**: faster debugging, WP-7-Bundle

## SCOPE
- Dependencies: Supersedes failed `WP-7-Gadget`.
- Blocks: none - this unblocks WP-7-Later
- Dependencies:
  - This packet is a prerequisite for revalidating downstream work, including WP-7-Console
"""


def test_blocks_under_a_dependencies_heading_points_downstream() -> None:
    packet = _parse(DEPENDENCIES)
    depends = [(ref.wp, ref.loc) for ref in packet.depends_on]
    blocks = sorted(ref.wp for ref in packet.blocks)
    assert depends == [
        ("WP-7-Base", _at(DEPENDENCIES, "WP-7-Base")),
        ("WP-7-Store", _at(DEPENDENCIES, "WP-7-Store")),
        ("WP-7-Clock", _at(DEPENDENCIES, "WP-7-Clock")),
    ]
    # each WP is read once, in the direction its own label gives
    assert blocks == ["WP-7-Bundle", "WP-7-Console", "WP-7-Export", "WP-7-Later", "WP-7-Ui"]
    # "Supersedes failed WP-7-Gadget" is a lineage note, not a dependency
    assert "WP-7-Gadget" not in {ref.wp for ref in (*packet.depends_on, *packet.blocks)}


def test_none_and_prose_name_no_dependency() -> None:
    text = "# T\n\n- Depends on: NONE (can start independently)\n- Blocks: NONE\n- **Dependencies**: Foundational.\n"
    packet = _parse(text)
    assert packet.depends_on == () and packet.blocks == ()


# --------------------------------------------------------------------------
# Identity, lock, heading fields
# --------------------------------------------------------------------------


def test_declared_id_is_kept_when_it_is_a_whole_wp_id() -> None:
    text = "# Task Packet: WP-7-Gadget-v2\n\n## METADATA\n- TASK_ID: `WP-7-Gadget-v3`\n- WP_ID: WP-7-Other\n"
    assert _parse(text).declared_id == "WP-7-Gadget-v3"
    assert _parse("# T\n\n- TASK_ID: {{WP_ID}}\n").declared_id == ""
    in_report = "# T\n\n## VALIDATION REPORT\n- TASK_ID: WP-7-Elsewhere\n"
    assert _parse(in_report).declared_id == ""


LOCKED = """# Task Packet: WP-7-Gadget-v2

## METADATA
- TASK_ID: WP-7-Gadget-v2
- **Status:** In Progress
- **USER_SIGNATURE**: `ann0102203109`
- PACKET_FORMAT_VERSION: 2031-02-01

## VALIDATION_REPORTS
VALIDATION REPORT - WP-7-Gadget-v2
Verdict: PASS
USER_SIGNATURE: ann010220311000
"""


def test_user_signature_is_the_lock_of_the_2026_template() -> None:
    packet = _parse(LOCKED)
    # decoration dropped, located at the token; the report's line is not the lock
    assert packet.signature == "ann0102203109"
    assert packet.signature_loc == _at(LOCKED, "ann0102203109")


def test_a_signed_user_signature_wins_over_a_pending_locked_line() -> None:
    text = "# T\n\n**User Signature Locked:** <pending>\n\n- USER_SIGNATURE: ann010220311000\n"
    packet = _parse(text)
    assert packet.signature == "ann010220311000"
    pending = "# T\n\n**User Signature Locked:** <pending>\n"
    assert _parse(pending).signature == "<pending>"


def test_field_written_in_a_heading_with_its_value() -> None:
    text = "# T\n\n## Quality Gate\n\n### RISK_TIER: HIGH\n**Justification**: security-critical.\n\n### REASON FOR PASS:\n- ok\n"
    packet = _parse(text)
    risk = packet.field("RISK_TIER")
    assert risk is not None and (risk.value, risk.form, risk.loc) == ("HIGH", "heading", _at(text, "HIGH"))
    assert packet.field("REASON FOR PASS") is None
