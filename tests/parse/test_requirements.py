"""Normative sentence extraction: keywords, ids, sentence boundaries, places."""

from __future__ import annotations

from mkdocs_handshake.parse.requirements import (
    REQUIREMENT_ID,
    extract_requirements,
    find_keywords,
    find_requirement_ids,
    split_sentences,
    strength_of,
)


def _extract(text: str, src_lines: list[str], first_line: int = 1):
    return extract_requirements(text, "spec.md", first_line, src_lines)


def test_keywords_in_order_with_negation_folded_and_strongest_wins() -> None:
    text = "Exports MAY be zipped and SHOULD NOT be renamed; the manifest SHALL NOT change."
    (req,) = _extract(text, [text])
    assert req.keywords == ("MAY", "SHOULD NOT", "SHALL NOT")
    assert req.strength == "MUST"
    assert (req.loc.line, req.loc.column) == (1, 1)


def test_strength_classes() -> None:
    assert strength_of(("MAY", "SHOULD")) == "SHOULD"
    assert strength_of(("REQUIRED",)) == "MUST"
    assert strength_of(("MAY",)) == "MAY"
    assert strength_of(()) == ""
    assert find_keywords("a MUST NOT b, c MUST d") == ("MUST NOT", "MUST")


def test_lower_case_keywords_are_prose_not_requirements() -> None:
    text = "You must read this. It may rain. Nothing here is normative."
    assert _extract(text, [text]) == []


def test_id_only_sentence_is_a_requirement_with_empty_strength() -> None:
    text = "Background only. Storage follows [HSK-WF-002] and [CX-585A]."
    (req,) = _extract(text, [text])
    assert req.text == "Storage follows [HSK-WF-002] and [CX-585A]."
    assert req.ids == ("HSK-WF-002", "CX-585A")
    assert req.strength == "" and req.keywords == ()
    assert req.loc.column == text.index("Storage") + 1


def test_requirement_id_pattern() -> None:
    text = "[CX-DBP-040] [ADD v02.44] [ilja271220250057] [X1-2] [HSK-WF-002] [lower-case]"
    assert find_requirement_ids(text) == ["CX-DBP-040", "HSK-WF-002"]
    assert REQUIREMENT_ID.fullmatch("[CX-585A]") is not None


def test_no_split_on_abbreviations_section_numbers_or_file_names() -> None:
    text = "Use a cache, e.g. Redis, per §2.3.12. Then i.e. Nothing in main.rs MUST panic. Next one."
    sentences = [sentence for _, sentence in split_sentences(text)]
    assert sentences == [
        "Use a cache, e.g. Redis, per §2.3.12.",
        "Then i.e. Nothing in main.rs MUST panic.",
        "Next one.",
    ]


def test_sentence_split_on_capital_after_period_and_on_hard_break() -> None:
    text = "First part. Second MUST hold.  \nThird SHOULD too"
    sentences = [sentence for _, sentence in split_sentences(text)]
    assert sentences == ["First part.", "Second MUST hold.", "Third SHOULD too"]


def test_locations_point_at_the_sentence_start_in_the_source() -> None:
    # A list item's inline content has the container indentation stripped.
    source = [
        "# Title",
        "",
        "- The loader **MUST** retry. Failures",
        "  are logged. Callers MAY give up",
        "  after three tries.",
    ]
    content = "The loader **MUST** retry. Failures\nare logged. Callers MAY give up\nafter three tries."
    first, second = _extract(content, source, first_line=3)
    assert first.text == "The loader MUST retry."
    assert (first.loc.line, first.loc.column) == (3, 3)
    assert second.text == "Callers MAY give up after three tries."
    assert (second.loc.line, second.loc.column) == (4, source[3].index("Callers") + 1)
    assert (first.index, second.index) == (1, 2)


def test_markup_dropped_from_sentence_text() -> None:
    text = "See [the guide](http://x/y.md) and `cfg.toml`: values **MUST** be set."
    (req,) = _extract(text, [text])
    assert req.text == "See the guide and cfg.toml: values MUST be set."
