"""Inline content is parsed on demand, and reads the same as a full parse."""

from __future__ import annotations

from markdown_it import MarkdownIt

from mkdocs_handshake.parse.markdown import inline_children, inline_plain, tokenize

DOCUMENT = """# Heading with \\*escapes\\* and [a link][ref] and `code`

A paragraph nobody reads, with **bold** and _emphasis_.

| Signature | Used by |
|---|---|
| `sig1` | [Orchestrator][ref] |

- **Depends on**: WP-1-A, ![alt text](x.png)

[ref]: https://example.org
"""


def test_paragraphs_are_not_parsed_inline_until_read() -> None:
    tokens = tokenize(DOCUMENT + "\n<!-- not the cached token list of another test -->\n")
    inline = [token for token in tokens if token.type == "inline"]
    assert len(inline) == 7
    assert all(token.meta.get("deferred_env") is not None for token in inline)
    inline_plain(inline[0])
    assert "deferred_env" not in inline[0].meta
    assert all(token.meta.get("deferred_env") is not None for token in inline[1:])


def test_inline_text_is_the_same_as_from_a_full_parse() -> None:
    full = MarkdownIt("commonmark", {"html": True}).enable("table").parse(DOCUMENT)
    lazy = tokenize(DOCUMENT)
    assert [token.type for token in lazy] == [token.type for token in full]
    expected = [inline_plain(token) for token in full if token.type == "inline"]
    assert [inline_plain(token) for token in lazy if token.type == "inline"] == expected
    assert expected[0] == "Heading with *escapes* and a link and code"  # the reference resolves
    heading = next(token for token in lazy if token.type == "inline")
    assert [child.type for child in inline_children(heading)] == [child.type for child in full[1].children]
