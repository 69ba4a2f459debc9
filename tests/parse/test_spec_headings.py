"""What a spec heading's text says: its section number, a declared copy,
and the anchor pages link a section number to."""

from __future__ import annotations

import pytest

from mkdocs_handshake.parse.spec_headings import is_copy_title, section_anchor, split_heading_number


def test_heading_number_patterns() -> None:
    assert split_heading_number("2.3.12.1 Four Pillars") == ("2.3.12.1", "Four Pillars")
    assert split_heading_number("1. Vision & Context") == ("1", "Vision & Context")
    assert split_heading_number("A9.2.1 Appendix") == ("A9.2.1", "Appendix")
    assert split_heading_number("A.1 Short") == ("A.1", "Short")
    assert split_heading_number("A Brief History") is None
    assert split_heading_number("B2B Sales") is None
    assert split_heading_number("v2.0 Stack") is None
    assert split_heading_number("2025-12-26 notes") is None


@pytest.mark.parametrize(
    ("title", "copy"),
    [
        ("Calendar Research v0.4 (verbatim import; headings adjusted)", True),
        ("Open-Source ASR Technology (Claude, Verbatim)", True),
        ("Industry Modules Spec (Embedded Snapshot)", True),
        ("Appendix: Runtime Addendum v0.5 (Archived Copy) (Non-Normative)", True),
        ("Embedded source snapshots (lossless archive)", True),
        ("Review required (existing MPL shorthand in verbatim research)", False),
        ("Entities Snapshot (Photo Stack v0.3.0)", False),
        ("Verbatim quotes policy", False),
    ],
)
def test_a_copy_is_declared_in_a_parenthesised_tag(title: str, copy: bool) -> None:
    assert is_copy_title(title) is copy


def test_section_anchor_is_stable_for_every_numbering_style() -> None:
    assert section_anchor("2.3.12.1") == "sec-2-3-12-1"
    assert section_anchor("A9.2.1") == "sec-a9-2-1"
    assert section_anchor("7.6.3.14") == "sec-7-6-3-14"
