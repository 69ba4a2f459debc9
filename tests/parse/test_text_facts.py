"""Facts about a packet's text as written (parse/text_facts.py) and the
refinement file reader (parse/refinement.py)."""

from __future__ import annotations

from mkdocs_handshake.parse.packet_labels import label_key
from mkdocs_handshake.parse.refinement import parse_refinement
from mkdocs_handshake.parse.text_facts import text_facts
from mkdocs_handshake.repository.source import decode

TEXT = """# Task Packet: WP-1-A
## METADATA
- **Status:** In Progress
- USER_SIGNATURE: anna181120260900
**Last Updated:** 2026-11-18

## SKELETON
- Proposed interfaces: none \u2192 yet
```
SKELETON APPROVED
- FAKE_LABEL: inside code
```
SKELETON APPROVED

## VALIDATION
- **Target File**: `src/a.rs`
- **Gates Passed**:
  - [x] anchors_present
  - [ ] window_matches_plan
"""


def facts():
    return text_facts(decode(TEXT.encode("utf-8"), "docs/task_packets/WP-1-A.md"), ("SKELETON APPROVED",))


def test_labels_keep_their_section_value_and_place():
    found = facts()
    assert found.label(label_key("Status"))[1:3] == ("status", "In Progress")
    assert found.label(label_key("USER_SIGNATURE"))[3].line == 4
    assert found.label(label_key("Last Updated"))[2] == "2026-11-18"  # bold label outside a list
    target = found.label(label_key("Target File"), "validation")
    assert target is not None and target[0] == "VALIDATION" and target[2] == "`src/a.rs`"
    assert found.label(label_key("FAKE_LABEL")) is None  # fenced code is an example, not a field


def test_markers_outside_code_and_checklist_items():
    found = facts()
    assert [(marker, loc.line) for marker, loc in found.markers] == [("SKELETON APPROVED", 13)]
    assert [(section, text, checked, loc.line) for section, text, checked, loc in found.checklist] == [
        ("VALIDATION", "anchors_present", True, 18),
        ("VALIDATION", "window_matches_plan", False, 19),
    ]


def test_non_ascii_lines_counted_with_the_first_place():
    found = facts()
    assert found.non_ascii_lines == 1
    loc, line = found.non_ascii_first[0]
    assert (loc.line, loc.column) == (8, 29) and line.startswith("- Proposed") and line[28] == "\u2192"


def test_refinement_fields_first_value_wins_and_code_is_skipped():
    text = "# R\n- WP_ID: WP-1-A\n```\n- USER_REVIEW_STATUS: APPROVED\n```\n- USER_REVIEW_STATUS: PENDING\n- USER_REVIEW_STATUS: APPROVED\n"
    found = parse_refinement(decode(text.encode("utf-8"), "docs/refinements/WP-1-A.md"))
    assert found.value("WP_ID") == "WP-1-A"
    assert (found.value("user review status"), found.loc("USER_REVIEW_STATUS").line) == ("PENDING", 6)
    assert found.value("USER_SIGNATURE") == "" and found.loc("USER_SIGNATURE").line == 1
