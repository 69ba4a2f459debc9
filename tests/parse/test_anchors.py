"""SPEC_ANCHOR values split into anchors with exact columns and damage."""

from __future__ import annotations

from mkdocs_handshake.model.basics import Loc
from mkdocs_handshake.parse.anchors import (
    SECTION_REF,
    damage_columns,
    find_section_refs,
    parse_anchor_value,
)
from mkdocs_handshake.repository.source import decode

FILE = "docs/task_packets/WP-1-Demo.md"


def _value_loc(line: str, value: str, number: int = 3) -> Loc:
    return Loc(FILE, number, line.index(value) + 1)


def test_several_anchors_on_one_line_keep_their_columns() -> None:
    line = "- **SPEC_ANCHOR**: §4.1.2, §9.3"
    value = "§4.1.2, §9.3"
    anchors = parse_anchor_value(value, _value_loc(line, value))
    assert [a.number for a in anchors] == ["4.1.2", "9.3"]
    assert [a.loc.column for a in anchors] == [line.index("§4.1.2") + 1, line.index("§9.3") + 1]
    assert [a.raw for a in anchors] == ["§4.1.2", "§9.3"]
    assert all(a.loc.line == 3 for a in anchors)


def test_requirement_ids_belong_to_the_number_before_them() -> None:
    value = "§5.2 [ABC-XY-010], [ABC-XY-011], §6.1 [QQ-001]"
    anchors = parse_anchor_value(value, Loc(FILE, 7, 21))
    assert [(a.number, a.ids) for a in anchors] == [
        ("5.2", ("ABC-XY-010", "ABC-XY-011")),
        ("6.1", ("QQ-001",)),
    ]
    assert anchors[1].loc.column == 21 + value.index("§6.1")


def test_pinned_version_label_and_parenthesised_id() -> None:
    pinned, labelled, paren_id = (
        parse_anchor_value("§3.4.5 (v01.20)", Loc(FILE, 1, 1))[0],
        parse_anchor_value("§8.1 (Widget Registry)", Loc(FILE, 1, 1))[0],
        parse_anchor_value("§8.2 (WID-GET-007)", Loc(FILE, 1, 1))[0],
    )
    assert (pinned.number, pinned.pinned_version, pinned.label) == ("3.4.5", "01.20", "")
    assert (labelled.number, labelled.label) == ("8.1", "Widget Registry")
    assert (paren_id.number, paren_id.ids) == ("8.2", ("WID-GET-007",))


def test_item_and_word_suffixes() -> None:
    item = parse_anchor_value("§6.2.1 Item 4 (Gadgets)", Loc(FILE, 1, 1))[0]
    word = parse_anchor_value("§6.2.1.Acceptance", Loc(FILE, 1, 1))[0]
    assert (item.number, item.label) == ("6.2.1.4", "Gadgets")
    assert (word.number, word.label) == ("6.2.1", "Acceptance")


def test_anchor_into_another_document() -> None:
    value = "[GATE-RULE-002] in docs/OTHER_PROTOCOL.md"
    (anchor,) = parse_anchor_value(value, Loc(FILE, 4, 20))
    assert anchor.number == ""
    assert anchor.ids == ("GATE-RULE-002",)
    assert anchor.document == "docs/OTHER_PROTOCOL.md"
    assert anchor.loc == Loc(FILE, 4, 20)


def test_prose_anchor_is_kept_whole() -> None:
    value = "  The widget section (see main body)."
    (anchor,) = parse_anchor_value(value, Loc(FILE, 2, 10))
    assert anchor.number == ""
    assert anchor.raw == "The widget section (see main body)."
    assert anchor.loc.column == 12  # past the two leading spaces


def test_empty_value_gives_no_anchor() -> None:
    assert parse_anchor_value("   ", Loc(FILE, 1, 1)) == []


def test_damaged_markers_are_recovered_from_encoding_issues() -> None:
    # UTF-8 "§" read as Windows-1252 and saved again: "Â§". Two on the line,
    # plus an earlier repaired emoji that shifts columns by three.
    raw = "- x \u00f0\u0178\u0161\u20ac **SPEC_ANCHOR**: \u00c2\u00a71.2, \u00c2\u00a73.4\n- Q: ??7.7\n"
    src = decode(raw.encode("utf-8"), FILE)
    line = src.lines[0]
    value = line[line.index("§"):]
    anchors = parse_anchor_value(value, Loc(FILE, 1, line.index("§") + 1), src.issues)
    assert [a.number for a in anchors] == ["1.2", "3.4"]
    assert [a.damage for a in anchors] == ["Â§", "Â§"]
    assert [a.loc.column for a in anchors] == [line.index("§1.2") + 1, line.index("§3.4") + 1]

    second = src.lines[1]
    start = second.index("§")
    (question,) = parse_anchor_value(second[start:], Loc(FILE, 2, start + 1), src.issues)
    assert (question.number, question.damage) == ("7.7", "??")


def test_clean_markers_report_no_damage_even_beside_issues_of_other_lines() -> None:
    src = decode("a \u00c2\u00a71.1\nb §2.2\n".encode("utf-8"), FILE)
    (clean,) = parse_anchor_value("§2.2", Loc(FILE, 2, 3), src.issues)
    assert clean.damage == ""
    assert damage_columns(src.issues) == {3: "Â§"}


def test_find_section_refs_offsets() -> None:
    text = "Per §2.3.12.1 and § 4.5, see Section 7.1.2; Section 3 is prose."
    assert find_section_refs(text) == [
        ("2.3.12.1", text.index("§2.3")),
        ("4.5", text.index("§ 4.5")),
        ("7.1.2", text.index("Section 7")),
    ]
    assert SECTION_REF.search("version v02.36") is None
