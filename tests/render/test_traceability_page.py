"""Traceability: anchored sections with covering items, UNCOVERED MUSTs, packet view."""

from __future__ import annotations

import re

from mkdocs_handshake.model.packet import DoneMapping
from mkdocs_handshake.render.traceability_page import (
    anchored_coverage,
    render_traceability_page,
    unanchored_must_sections,
)
from tests.render.test_site import context, parse_html, sample_model, sample_packets, to_html, visible_text
from tests.rules.builders import make_model, make_packet, make_section, make_spec


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr[^>]*>.*?</tr>", html)


def test_anchored_sections_list_each_requirement_with_its_covering_items() -> None:
    coverage = anchored_coverage(context())
    assert [entry.section.number for entry in coverage] == ["2.1.1", "2.1.2"]
    first = coverage[0]
    assert first.anchored_by == ("WP-1-Ledger",)
    assert [(c.wp, c.number) for c in first.requirements[0].covered_by] == [("WP-1-Ledger", 1)]
    assert [(c.wp, c.number) for c in first.requirements[1].covered_by] == [("WP-1-Ledger", 2)]
    third = first.requirements[2]
    assert third.covered_by == () and third.missing_in == ("WP-1-Ledger",) and third.uncovered


def test_uncovered_must_rows_stand_out_and_covered_ones_do_not() -> None:
    html = to_html(render_traceability_page(context()))
    rows = _rows(html)
    drift = next(row for row in rows if "Drift MUST raise an alert" in row)
    assert drift.startswith('<tr class="hs-uncovered">')
    assert '<span class="hs-flag">Not covered</span> by the DONE_MEANS of <a href="../packets/WP-1-Ledger/">WP-1-Ledger</a>' in drift
    compare = next(row for row in rows if "The reconciler MUST compare balances" in row)
    assert "hs-uncovered" not in compare and "UNCOVERED" not in compare
    assert '<a href="../packets/WP-1-Ledger/">WP-1-Ledger</a> item 1: MUST: the reconciler compares balances' in compare
    # The requirement text keeps its § reference as a link, and the number links the requirement.
    assert '<a class="hs-secref" href="../spec/2/#sec-2-1-2">§2.1.2</a>' in compare
    assert '<td><a href="../spec/2/#sec-2-1-1-r1">1</a></td>' in compare


def test_a_should_without_coverage_is_not_flagged() -> None:
    packet = make_packet("WP-1-Solo", anchors=("2.1.1",))
    items = packet.field("DONE_MEANS").items  # type: ignore[union-attr]
    mappings = {"WP-1-Solo": (DoneMapping(items[0], "citation", "2.1.1", 1), DoneMapping(items[1], "citation", "2.1.1", 3))}
    page = render_traceability_page(context(sample_model([packet], done_mappings=mappings), findings=()))
    should = next(row for row in _rows(to_html(page)) if "Mismatches SHOULD be logged." in row)
    assert "Not covered" not in should and should.endswith("<td>-</td></tr>")
    assert "| MUST requirements not covered by the DONE_MEANS of a live anchoring packet | 0 |" in page


def test_a_must_is_uncovered_when_one_of_two_anchoring_packets_skips_it() -> None:
    covering = make_packet("WP-1-One", anchors=("2.1.2",))
    skipping = make_packet("WP-1-Two", anchors=("2.1.2",))
    item = covering.field("DONE_MEANS").items[0]  # type: ignore[union-attr]
    mappings = {"WP-1-One": (DoneMapping(item, "citation", "2.1.2", 1),), "WP-1-Two": ()}
    ctx = context(sample_model([covering, skipping], done_mappings=mappings), findings=())
    [entry] = anchored_coverage(ctx)
    assert entry.requirements[0].missing_in == ("WP-1-Two",) and entry.requirements[0].uncovered
    text = visible_text(render_traceability_page(ctx))
    assert "Not covered by the DONE_MEANS of WP-1-Two" in text
    assert "UNCOVERED" not in text
    # The summary tells "some anchoring packet skips it" from "nobody covers it".
    page = render_traceability_page(ctx)
    assert "| MUST requirements not covered by the DONE_MEANS of a live anchoring packet | 1 |" in page
    assert "| MUST requirements covered by no live packet at all | 0 |" in page


def test_unanchored_main_body_must_sections_are_listed_per_chapter_but_roadmap_is_not() -> None:
    ctx = context()
    assert [s.number for s in unanchored_must_sections(ctx)] == ["3.4"]
    html = to_html(render_traceability_page(ctx))
    assert '<details class="hs-unanchored-all"><summary>1 section(s) in 1 chapter(s);' in html
    assert '<li class="hs-unanchored" data-chapter="3"><strong>§3 Storage</strong> <span class="hs-meta">1 section(s)</span>: ' in html
    assert '<a href="../spec/3/#sec-3-4">§3.4</a> (1)' in html
    # The anchored sections come first, the unanchored list after them.
    assert html.index('id="trace-sec-2-1-1"') < html.index("hs-unanchored-all")
    assert "sec-9-1" not in html


def test_chapter_filter_is_hidden_until_the_script_runs_and_sections_carry_their_chapter() -> None:
    html = to_html(render_traceability_page(context()))
    collector = parse_html(html)
    filters = [attrs for tag, attrs in collector.tags if tag == "div" and attrs.get("class") == "hs-filter"]
    assert filters and "hidden" in filters[0]
    options = re.findall(r'<option value="([^"]*)">([^<]*)</option>', html)
    assert options == [("", "All chapters"), ("2", "§2 Ledger"), ("3", "§3 Storage")]
    chapters = [attrs.get("data-chapter") for tag, attrs in collector.tags if "data-chapter" in attrs]
    assert chapters == ["2", "2", "3"]


def test_packet_view_lists_anchors_mapping_counts_and_uncovered_musts() -> None:
    page = render_traceability_page(context())
    ledger = next(line for line in page.splitlines() if line.startswith("| [WP-1-Ledger]"))
    assert "[§2.1.1](../spec/2/#sec-2-1-1)" in ledger
    assert "| 2 of 3 (+1 verification) |" in ledger
    assert '<span class="hs-flag hs-uncovered">1 not covered</span>' in ledger
    base = next(line for line in page.splitlines() if line.startswith("| [WP-1-Base]"))
    assert base.endswith("| 1 of 3 (+1 verification) | 0 |")


def test_anchors_that_match_no_section_are_reported() -> None:
    packets = [*sample_packets(), make_packet("WP-1-Lost", anchors=("4.4.4",))]
    page = render_traceability_page(context(sample_model(packets, done_mappings={}), findings=()))
    assert "| [WP-1-Lost](../packets/WP-1-Lost/) | `§4.4.4` | no such section in the current spec | `docs/task_packets/WP-1-Lost.md:72` |" in page


def test_no_anchored_section_says_so() -> None:
    packet = make_packet("WP-1-None", anchors=())
    spec = make_spec([make_section("5.1", requirements=["X MUST hold."])])
    text = visible_text(render_traceability_page(context(make_model([packet], spec=spec), findings=())))
    assert "No packet anchors a section of the current spec." in text


def test_anchored_sections_are_collapsed_under_a_summary_that_flags_uncovered_musts() -> None:
    html = to_html(render_traceability_page(context()))
    first = re.search(r'<details class="hs-trace-sec" id="trace-sec-2-1-1" data-chapter="2">\s*<summary>(.*?)</summary>', html, re.S)
    assert first, html
    assert '<span class="hs-flag">1 MUST not covered</span>' in first.group(1)
    assert "3 requirement(s)" in first.group(1) and '<a href="../packets/WP-1-Ledger/">WP-1-Ledger</a>' in first.group(1)
    second = re.search(r'<details class="hs-trace-sec" id="trace-sec-2-1-2" data-chapter="2">\s*<summary>(.*?)</summary>', html, re.S)
    assert second and "not covered" not in second.group(1)


def test_a_repeated_section_number_resolves_by_the_anchor_label_like_the_rules() -> None:
    """Two 11.5 headings: an anchor labelled Flight Recorder means the second,
    as ANCHOR rules decide it, not the first one of the spec."""
    from dataclasses import replace

    first = make_section("11.5", title="Dataset slicing", requirements=["Slices MUST be stable."], line=100)
    second = replace(
        make_section("11.5", title="Flight Recorder Event Shapes", requirements=["Events MUST carry a trace id."], line=300),
        duplicate=True,
    )
    packet = make_packet("WP-1-Recorder", anchors=("11.5",))
    anchor = replace(packet.spec_anchors[0], raw="§11.5 (Flight Recorder Event Shapes)", label="Flight Recorder Event Shapes")
    packet = replace(packet, spec_anchors=(anchor,))
    ctx = context(make_model([packet], spec=make_spec([first, second])), findings=())
    [entry] = anchored_coverage(ctx)
    assert entry.section.title == "Flight Recorder Event Shapes" and entry.section.loc.line == 300
    html = to_html(render_traceability_page(ctx))
    assert 'id="trace-sec-11-5-dup2"' in html
    assert '<a href="../spec/11/#sec-11-5-dup2">§11.5</a> Flight Recorder Event Shapes' in html
    assert '<a href="../spec/11/#sec-11-5-dup2-r1">1</a>' in html
    # The other 11.5 has a MUST and no anchor: it is listed as unanchored.
    assert [(s.number, s.title) for s in unanchored_must_sections(ctx)] == [("11.5", "Dataset slicing")]


def test_a_repeated_number_links_to_the_id_the_spec_page_gives_it() -> None:
    """When the parser marks the first of two ``2.1.1`` headings as the
    duplicate, anchors resolve to the second; the matrix must link to the id
    the spec page gives that second one, not to the first's."""
    from dataclasses import replace as replaced

    from mkdocs_handshake.render.spec_pages import render_spec_chapter

    stray = replaced(make_section("2.1.1", title="Stray copy", line=50), duplicate=True)
    real = make_section("2.1.1", title="Ledger", line=100, requirements=["The reconciler MUST compare balances."])
    packet = make_packet("WP-1-Solo", anchors=("2.1.1",))
    ctx = context(make_model([packet], spec=make_spec([make_section("2", line=10), stray, real])), findings=())
    spec_ids = parse_html(to_html(render_spec_chapter(ctx, "2"))).ids
    matrix = render_traceability_page(ctx)
    [entry] = anchored_coverage(ctx)
    assert entry.section is real
    assert "sec-2-1-1" in spec_ids
    assert '<details class="hs-trace-sec" id="trace-sec-2-1-1"' in matrix
    assert '<a href="../spec/2/#sec-2-1-1">§2.1.1</a> Ledger' in matrix


def test_a_superseded_variants_items_are_history_not_coverage() -> None:
    """The lead packet is superseded by its -v2: its citation of requirement 1
    no longer counts, the -v2 that skips it is what the matrix judges, and
    the MUST is listed among those no live packet covers."""
    from dataclasses import replace

    from mkdocs_handshake.model.basics import Lifecycle

    # The loader classifies the older revision as superseded (lifecycle.py).
    old = replace(make_packet("WP-1-One", anchors=("2.1.2",)), lifecycle=Lifecycle.SUPERSEDED)
    new = make_packet("WP-1-One-v2", anchors=("2.1.2",))
    item = old.field("DONE_MEANS").items[0]  # type: ignore[union-attr]
    mappings = {"WP-1-One": (DoneMapping(item, "citation", "2.1.2", 1),), "WP-1-One-v2": ()}
    ctx = context(sample_model([old, new], done_mappings=mappings), findings=())
    [entry] = anchored_coverage(ctx)
    assert entry.anchored_by == ("WP-1-One", "WP-1-One-v2") and entry.live == ("WP-1-One-v2",)
    row = entry.requirements[0]
    assert row.covered_by == () and row.missing_in == ("WP-1-One-v2",)
    page = render_traceability_page(ctx)
    assert "| MUST requirements covered by no live packet at all | 1 |" in page
    text = visible_text(page)
    assert "MUST requirements no live packet covers" in text
    assert "§2.1.2 requirement 1: Alerts MUST name the ledger. (live anchoring packets: WP-1-One-v2)" in text
