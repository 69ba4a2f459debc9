"""inline_plain skips the inline parser for text without markup; the text
it returns must be what the parser would have made of it."""

from __future__ import annotations

import pytest

from mkdocs_handshake.parse import markdown as md


def _parsed_plain(content: str) -> str:
    token = next(t for t in md.markdown_parser().parse(content) if t.type == "inline")
    parts = []
    for child in md.inline_children(token):
        if child.type in ("text", "code_inline", "html_inline", "image"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


@pytest.mark.parametrize(
    "markdown",
    [
        "STATUS: Ready for Dev",
        "two lines\nof text",
        "hard break  \nafter two spaces",
        "one trailing space \nthen text",
        "tab\tinside and\n\tindented continuation",
        "non\u00a0breaking\u00a0space at the end\u00a0",
        "§2.3.12 (Title) - done: 100% = ok # not a heading",
        "three\nline\nparagraph   ",
    ],
)
def test_text_without_markup_reads_as_the_parser_reads_it(markdown: str) -> None:
    token = next(t for t in md.markdown_parser().parse(markdown) if t.type == "inline")
    assert md.inline_plain(token) == _parsed_plain(markdown)
    assert "deferred_env" in token.meta  # answered without parsing it


@pytest.mark.parametrize("markdown", ["**bold** value", "`code`", "a [link](x)", "x &amp; y", "escaped \\*", "<b>html</b>"])
def test_text_with_markup_goes_through_the_parser(markdown: str) -> None:
    assert md._plain_without_markup(markdown) is None
    token = next(t for t in md.markdown_parser().parse(markdown) if t.type == "inline")
    assert md.inline_plain(token) == _parsed_plain(markdown)
