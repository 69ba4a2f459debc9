"""Converting a generated page: HTML, heading ids, table of contents, title."""

from __future__ import annotations

from mkdocs.structure.toc import get_toc

from mkdocs_handshake.render.html import slugify, to_html
from mkdocs_handshake.render.common import admonition


def test_explicit_heading_id_is_kept_and_removed_from_the_text() -> None:
    page = to_html("# Findings\n\n## Packets {#family-pkt}\n")
    assert '<h2 id="family-pkt">Packets</h2>' in page.html
    assert "{#" not in page.html


def test_other_headings_get_toc_style_ids_that_stay_unique() -> None:
    page = to_html("## Phase gate: §6.5\n\n## Phase gate: §6.5\n\n## Ünïcode Title\n")
    assert [entry.id for entry in page.toc] == ["phase-gate-65", "phase-gate-65_1", "unicode-title"]
    assert slugify("Main Body sections (MUST)") == "main-body-sections-must"


def test_toc_nests_by_level_and_mkdocs_can_read_it() -> None:
    page = to_html("# Title\n\n## A\n\n### A.1\n\n## B\n")
    (title,) = page.toc
    assert [child.title for child in title.children] == ["A", "B"]
    assert [child.title for child in title.children[0].children] == ["A.1"]
    toc = get_toc([entry.as_token() for entry in page.toc])
    assert [link.url for link in next(iter(toc)).children] == ["#a", "#b"]


def test_title_is_the_first_h1_escaped_like_mkdocs_page_titles() -> None:
    page = to_html("# §2 &lt;script&gt;alert\\(1\\)&lt;/script&gt;\n\n# Second\n")
    assert page.title == "§2 &lt;script&gt;alert(1)&lt;/script&gt;"
    assert "<script>" not in page.html
    assert to_html("## no h1\n").title is None


def test_permalinks_follow_the_toc_option() -> None:
    plain = to_html("## Scope\n")
    assert "headerlink" not in plain.html
    linked = to_html("## Scope\n", permalink="#", permalink_title="Link here")
    assert '<h2 id="scope">Scope<a class="headerlink" href="#scope" title="Link here">#</a></h2>' in linked.html


def test_admonition_body_is_markdown_inside_material_markup() -> None:
    block = admonition("warning", "Graphviz <code>dot</code> not found", "Install `graphviz`, then **rebuild**.")
    html = to_html(block).html
    assert html.startswith('<div class="admonition warning">\n<p class="admonition-title">Graphviz <code>dot</code> not found</p>')
    assert "<p>Install <code>graphviz</code>, then <strong>rebuild</strong>.</p>" in html
    assert html.rstrip().endswith("</div>")


def test_markdown_between_html_block_tags_is_converted() -> None:
    html = to_html('<details class="failure" open>\n<summary>PKT-003</summary>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n</details>\n').html
    assert "<table>" in html and "<td>1</td>" in html
    assert html.rstrip().endswith("</details>")
