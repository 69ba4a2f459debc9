"""SPEC_ANCHOR shapes of the 2026-02 packets: numbers without ``§``.

The values copy the shapes the corpus writes (a spec file name or version
first, ``file:line`` citations, ranges, bold numbers, ``A`` for a lost
``Â§``, a written-out ``\\u00a7``), with invented section numbers and titles.
"""

from __future__ import annotations

import pytest

from mkdocs_handshake.model.basics import Loc
from mkdocs_handshake.parse.anchors import find_section_refs, parse_anchor_value

FILE = "docs/task_packets/WP-1-Demo.md"


def _parse(value: str, column: int = 10):
    return parse_anchor_value(value, Loc(FILE, 5, column))


def _columns(value: str, column: int, *needles: str) -> list[int]:
    return [column + value.index(needle) for needle in needles]


def test_spec_file_then_numbers_separated_every_way() -> None:
    value = "Handshake_Demo_Master_Spec_v03.117.md 4.2.1 (Widget Store), 4.2.2(B); 9.1 [WID-001] + 9.2 Title and 9.3"
    anchors = _parse(value)
    assert [a.number for a in anchors] == ["4.2.1", "4.2.2", "9.1", "9.2", "9.3"]
    assert [a.loc.column for a in anchors] == _columns(value, 10, "4.2.1", "4.2.2", "9.1", "9.2", "9.3")
    assert {(a.spec_file, a.pinned_version, a.document) for a in anchors} == {("Handshake_Demo_Master_Spec_v03.117.md", "03.117", "")}
    assert (anchors[0].raw, anchors[0].label) == ("4.2.1 (Widget Store)", "Widget Store")
    assert anchors[1].label == "B" and anchors[2].ids == ("WID-001",)


def test_version_prefix_and_filler_words() -> None:
    (plain,) = _parse("v03.113 11.10.3 (Token Accounting)")
    assert (plain.number, plain.pinned_version, plain.spec_file) == ("11.10.3", "03.113", "")
    master = _parse("Master Spec v03.99 10.1.1.1 TERM-SEC-002; 10.1.1.2 TERM-CAP-003")
    assert [(a.number, a.pinned_version, a.label) for a in master] == [("10.1.1.1", "03.99", "TERM-SEC-002"), ("10.1.1.2", "03.99", "TERM-CAP-003")]
    words = _parse("Demo_Master_Spec_v03.106.md sections 2.3.4 (X-1), and 2.3.5")
    assert [a.number for a in words] == ["2.3.4", "2.3.5"]
    # an addendum numbers its own parts: no Master Spec section to check
    value = "Demo_Master_Spec_v03.123.md Addendum: 14.2.1 (Panel) + 14.3"
    (addendum,) = _parse(value)
    assert (addendum.number, addendum.raw, addendum.spec_file) == ("", value, "Demo_Master_Spec_v03.123.md")


def test_file_line_citation_with_and_without_a_number() -> None:
    numbered = "Demo_Master_Spec_v03.113.md:46633 11.7.4.2 License preference order"
    (anchor,) = _parse(numbered)
    assert (anchor.number, anchor.label, anchor.loc.column) == ("11.7.4.2", "License preference order", 10 + numbered.index("11.7"))
    prose = "Demo_Master_Spec_v03.113.md:35290 Supply engines: engine.scan/sbom"
    (line_only,) = _parse(prose)
    # no section number: the whole citation is quoted, file and line included
    assert (line_only.number, line_only.raw, line_only.spec_file, line_only.loc.column) == ("", prose, "Demo_Master_Spec_v03.113.md", 10)


def test_ranges_expand_within_one_parent() -> None:
    assert [a.number for a in _parse("10.5.6.1-10.5.6.4")] == ["10.5.6.1", "10.5.6.2", "10.5.6.3", "10.5.6.4"]
    assert [a.number for a in _parse("10.5.6.5-7 (Schemas)")] == ["10.5.6.5", "10.5.6.6", "10.5.6.7"]
    # ends in different parents: the two ends only
    assert [a.number for a in _parse("2.3.11.9-2.3.12.1")] == ["2.3.11.9", "2.3.12.1"]
    assert {a.raw for a in _parse("10.5.6.1-10.5.6.4")} == {"10.5.6.1-10.5.6.4"}


def test_bare_and_bold_numbers_of_item_lists() -> None:
    (bold,) = _parse("**10.5.5.8** Debug Export (high-level MUST)", column=5)
    assert (bold.number, bold.raw, bold.loc.column) == ("10.5.5.8", "10.5.5.8 Debug Export (high-level MUST)", 7)
    (pinned,) = _parse("7.6.3.15 (v03.36)")
    assert (pinned.number, pinned.pinned_version, pinned.spec_file) == ("7.6.3.15", "03.36", "")


def test_numbers_after_a_colon_or_in_parentheses_belong_to_the_label() -> None:
    value = "Demo_Master_Spec_v03.100.md 11.8 Extension Spec v1.2 (Verbatim): 4.1, 4.2, 6; 11.1 Consent (see 7.6.3, 2.1)"
    assert [a.number for a in _parse(value)] == ["11.8", "11.1"]


def test_lost_section_sign_and_written_escape_are_damage() -> None:
    ascii_only = "A2.7.5 (Validation Gates); A2.9 (Edit Process)"
    assert [(a.number, a.damage) for a in _parse(ascii_only)] == [("2.7.5", "A"), ("2.9", "A")]
    escaped = "Demo_Master_Spec_v03.112.md \\u00a72.6.8.10 (Mailbox) + \\u00a711.5.3 (Schemas)"
    anchors = _parse(escaped)
    assert [(a.number, a.damage, a.spec_file) for a in anchors] == [
        ("2.6.8.10", "\\u00a7", "Demo_Master_Spec_v03.112.md"),
        ("11.5.3", "\\u00a7", "Demo_Master_Spec_v03.112.md"),
    ]
    assert [a.loc.column for a in anchors] == _columns(escaped, 10, "\\u00a72", "\\u00a711")


@pytest.mark.parametrize(
    "value",
    [
        "Debug bundle section (per Master Spec Main Body).",
        "See 2.3 of the roadmap",
        "Alpha2.3 release notes",
        "<fill>",
    ],
)
def test_prose_stays_prose(value: str) -> None:
    (anchor,) = _parse(value)
    assert anchor.number == "" and anchor.raw == value and anchor.spec_file == ""


def test_one_anchor_per_number_in_a_value() -> None:
    anchors = _parse("Demo_Master_Spec_v03.100.md 4.6 (Service) and 4.6 Contract (normative)")
    assert [a.number for a in anchors] == ["4.6"]


def test_section_refs_written_with_the_word_spec() -> None:
    text = "Store exists per spec 2.3.15.5 (SQLite); see Master Spec v03.123 2.3.15 and spec 3."
    assert find_section_refs(text) == [
        ("2.3.15.5", text.index("spec 2")),
        ("2.3.15", text.index("Master Spec")),
    ]
