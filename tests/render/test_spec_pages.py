"""Spec chapter pages: a compact index with a stable id per section."""

from __future__ import annotations

import re

from mkdocs_handshake.render.site import generate_pages
from mkdocs_handshake.render.spec_pages import chapter_sections, render_spec_chapter
from tests.render.test_site import context, parse_html, sample_model, to_html, visible_text
from tests.rules.builders import make_model, make_packet, make_section, make_spec


def test_one_page_per_chapter_with_every_section_of_the_chapter() -> None:
    ctx = context()
    assert [s.number for s in chapter_sections(ctx, "2")] == ["2", "2.1", "2.1.1", "2.1.2"]
    pages = generate_pages(ctx)
    assert sorted(p for p in pages if "/spec/" in p) == ["governance/spec/2.md", "governance/spec/3.md", "governance/spec/9.md"]


def test_every_section_has_its_stable_id_including_list_items() -> None:
    ctx = context()
    ids = parse_html(to_html(render_spec_chapter(ctx, "2"))).ids
    assert {"sec-2", "sec-2-1", "sec-2-1-1", "sec-2-1-2"} <= ids
    storage = to_html(render_spec_chapter(ctx, "3"))
    assert '<div class="hs-sec" id="sec-3-4-1" data-level="3">' in storage
    assert '<span class="hs-badge">list item</span>' in storage


def test_second_level_sections_are_headings_and_deeper_ones_compact_blocks() -> None:
    html = to_html(render_spec_chapter(context(), "2"))
    assert '<h1 id="sec-2">§2 Ledger</h1>' in html
    assert '<h2 id="sec-2-1">§2.1 Reconciliation</h2>' in html
    assert '<h3' not in html
    assert '<div class="hs-sec-head"><span class="hs-sec-num">§2.1.1</span>Balance checks</div>' in html


def test_requirements_are_listed_with_ids_strength_and_source_line() -> None:
    html = to_html(render_spec_chapter(context(), "2"))
    assert (
        '<li id="sec-2-1-1-r3" value="3"><span class="hs-badge hs-strength-must">MUST</span> <code>HSK-LED-001</code> '
        "Drift MUST raise an alert [HSK-LED-001] . <span class=\"hs-meta\">(line 123)</span></li>"
    ) in html
    assert '<li id="sec-2-1-1-r2" value="2"><span class="hs-badge hs-strength-should">SHOULD</span>' in html
    assert 'see <a class="hs-secref" href="./#sec-2-1-2">§2.1.2</a>.' in html


def test_main_body_and_roadmap_badges_and_anchoring_packets() -> None:
    ctx = context()
    ledger = to_html(render_spec_chapter(ctx, "2"))
    block = re.search(r'<div class="hs-sec" id="sec-2-1-1".*?</ol>\n</div>', ledger, re.S).group(0)  # type: ignore[union-attr]
    assert '<span class="hs-badge hs-mainbody">Main Body</span> · line 120 · ' in block
    assert 'Anchored by <a href="../../packets/WP-1-Ledger/">WP-1-Ledger</a>' in block
    roadmap = to_html(render_spec_chapter(ctx, "9"))
    assert '<span class="hs-badge hs-roadmap">Roadmap</span>' in roadmap


def test_a_repeated_section_number_keeps_the_first_id_and_suffixes_the_rest() -> None:
    spec = make_spec([make_section("4.1", title="First"), make_section("4.1", title="Again", requirements=["A MUST b."])])
    ctx = context(make_model([make_packet("WP-1-X", anchors=("4.1",))], spec=spec), findings=())
    html = to_html(render_spec_chapter(ctx, "4"))
    ids = parse_html(html).ids
    assert {"sec-4-1", "sec-4-1-dup2", "sec-4-1-dup2-r1"} <= ids
    assert html.index('id="sec-4-1"') < html.index("First") < html.index('id="sec-4-1-dup2"')


def test_long_requirements_are_cut_and_the_page_stays_small() -> None:
    long_text = "The engine MUST " + " ".join(f"word{i}" for i in range(400)) + "."
    sections = [make_section("6", title="Big")] + [
        make_section(f"6.{i}.{j}", requirements=[long_text]) for i in range(1, 11) for j in range(1, 21)
    ]
    ctx = context(make_model([make_packet("WP-1-Big", anchors=("6.1.1",))], spec=make_spec(sections)), findings=())
    page = render_spec_chapter(ctx, "6")
    assert "word400" not in page and "word50 …" not in page
    assert page.count(" …") == 200
    assert len(page.encode()) < 200 * 1200
    limited = context(ctx.model, (), options={"spec_requirement_chars": 40})
    assert "The engine MUST word0 word1 word2 word3 …" in render_spec_chapter(limited, "6")


def test_titles_are_escaped_in_headings_and_blocks() -> None:
    spec = make_spec([make_section("5", title="<img src=x onerror=alert(1)>"), make_section("5.1.1", title="a <b>bold</b> move")])
    ctx = context(make_model([make_packet("WP-1-E", anchors=("5.1.1",))], spec=spec), findings=())
    html = to_html(render_spec_chapter(ctx, "5"))
    assert "<img" not in html and "<b>" not in html
    text = visible_text(render_spec_chapter(ctx, "5"))
    assert text.startswith("§5 <img src=x onerror=alert(1)>") and "a <b>bold</b> move" in text


def test_summary_line_counts_sections_requirements_and_anchored_sections() -> None:
    text = visible_text(render_spec_chapter(context(sample_model()), "2"))
    assert "Index of chapter 2 of Spec_v01.00.md (version 01.00): 4 sections, 4 requirements, 2 sections anchored by a packet." in text


def test_the_plain_id_goes_to_the_section_anchors_resolve_to() -> None:
    """When a pasted note repeats a number before the spec's own heading, the
    parser marks the pasted one duplicate; the plain id (and so every § and
    requirement link) must land on the real section, not the note."""
    from dataclasses import replace

    pasted = replace(make_section("11.5", title="Dataset slicing", line=100, requirements=["Slices MUST be named."]), duplicate=True)
    real = make_section("11.5", title="Flight Recorder", line=200, requirements=[f"Event {i} MUST be logged." for i in range(1, 6)])
    ctx = context(make_model([make_packet("WP-1-Foo", anchors=("11.5",))], spec=make_spec([pasted, real])))
    html = to_html(render_spec_chapter(ctx, "11"))
    assert 'id="sec-11-5-r5"' in html
    assert 'id="sec-11-5-dup2"' in html
