"""Packets that are docs pages: annotated in place, one page per packet.

When ``docs_dir`` holds the packet files, the site shows each packet on its
own page with a governance header, builds no second page for it, links
every mention to that page and keeps ``packets/<id>/`` as a redirect.
"""

from __future__ import annotations

import dataclasses

import pytest

from mkdocs_handshake.model.basics import Lifecycle
from mkdocs_handshake.render.site import annotated_pages, generate_annotations, generate_pages, nav_entries, page_paths, redirect_pages
from tests.render.test_site import EVIL_TITLE, _resolve, context, parse_html, sample_model, sample_packets, to_html


def test_packets_in_docs_dir_get_a_header_and_no_generated_page() -> None:
    ctx = context(docs_dir="docs")
    pages = generate_pages(ctx)
    assert not [path for path in pages if path.startswith("governance/packets/")]
    annotations = generate_annotations(ctx)
    assert list(annotations) == ["task_packets/WP-1-Base.md", "task_packets/WP-1-Ledger.md"]
    ledger = to_html(annotations["task_packets/WP-1-Ledger.md"])
    assert "<h1" not in ledger and "<h2" not in ledger  # the page's own headings stay its table of contents
    assert "hs-status-in-progress" in ledger and "hs-lifecycle-active" in ledger
    assert 'href="../WP-1-Base/">WP-1-Base</a>' in ledger  # upstream, at its own page
    assert "ilja181120261000" in ledger and "SIGNATURE_AUDIT.md:7" in ledger
    assert 'href="../../governance/spec/2/#sec-2-1-1-r1">requirement 1</a>' in ledger
    assert "PKT-004" in ledger and 'class="failure hs-findings"' in ledger
    assert EVIL_TITLE not in ledger and "&lt;script&gt;" in ledger
    packets = [entry for entry in nav_entries(ctx) if isinstance(entry, dict) and "Packets" in entry]
    assert packets == []


def test_without_docs_dir_every_packet_keeps_its_generated_page() -> None:
    ctx = context()
    assert {"governance/packets/WP-1-Base.md", "governance/packets/WP-1-Ledger.md"} <= set(generate_pages(ctx))
    assert generate_annotations(ctx) == {} and redirect_pages(ctx) == {}


def test_the_lifecycle_reason_is_escaped_text() -> None:
    packets = [dataclasses.replace(packet, lifecycle=Lifecycle.SUPERSEDED, lifecycle_reason='moved "<b>" & gone') for packet in sample_packets()]
    html = to_html(generate_annotations(context(sample_model(packets), docs_dir="docs"))["task_packets/WP-1-Base.md"])
    assert "hs-lifecycle-superseded" in html and "<b>" not in html
    assert 'title="moved &quot;&lt;b&gt;&quot; &amp; gone"' in html


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_every_link_reaches_the_one_page_of_its_packet(use_directory_urls: bool) -> None:
    """Links from generated pages and from the headers resolve to a page
    that exists, and to an id on it when the page is a generated one."""
    ctx = context(docs_dir="docs", use_directory_urls=use_directory_urls)
    pages = {**generate_pages(ctx), **generate_annotations(ctx)}
    url_to_page = {ctx.url_of(path): path for path in pages}
    parsed = {path: parse_html(to_html(text)) for path, text in pages.items()}
    reached = set()
    for path, collector in parsed.items():
        for href in collector.hrefs:
            target, fragment = _resolve(ctx, path, href, url_to_page)
            assert target in pages, (path, href, target)
            if fragment and not target.startswith("task_packets/"):
                assert fragment in parsed[target].ids, (path, href)
            reached.add(target)
    assert {"task_packets/WP-1-Base.md", "task_packets/WP-1-Ledger.md"} <= reached


@pytest.mark.parametrize(("use_directory_urls", "path", "href"), [
    (True, "governance/packets/WP-1-Base/index.html", "../../../task_packets/WP-1-Base/"),
    (False, "governance/packets/WP-1-Base.html", "../../task_packets/WP-1-Base.html"),
])
def test_the_promised_packet_url_redirects_to_the_packet_page(use_directory_urls: bool, path: str, href: str) -> None:
    redirects = redirect_pages(context(docs_dir="docs", use_directory_urls=use_directory_urls))
    assert len(redirects) == 2
    page = redirects[path]
    assert f'<meta http-equiv="refresh" content="0; url={href}">' in page
    assert f'<link rel="canonical" href="{href}">' in page and f'<a href="{href}">' in page


def test_headers_are_byte_identical_across_runs_and_input_order() -> None:
    first = generate_annotations(context(docs_dir="docs"))
    assert generate_annotations(context(docs_dir="docs")) == first
    reordered = sample_model(list(reversed(sample_packets())))
    assert generate_annotations(context(reordered, docs_dir="docs")) == first


def test_a_packet_mkdocs_does_not_build_keeps_its_generated_page() -> None:
    """``exclude_docs`` or a draft: the packet file is no page, so the
    generated page is its one page and nothing links to the missing file."""
    ctx = context(docs_dir="docs", excluded_docs=frozenset({"task_packets/WP-1-Base.md"}))
    pages = generate_pages(ctx)
    assert "governance/packets/WP-1-Base.md" in pages and "governance/packets/WP-1-Ledger.md" not in pages
    assert list(generate_annotations(ctx)) == ["task_packets/WP-1-Ledger.md"]
    assert list(redirect_pages(ctx)) == ["governance/packets/WP-1-Ledger/index.html"]
    assert ctx.packet_page("WP-1-Base") == "governance/packets/WP-1-Base.md"


@pytest.mark.parametrize("docs_dir", [None, "docs"])
def test_the_page_plan_without_findings_matches_what_is_rendered(docs_dir: str | None) -> None:
    """The plugin registers pages with MkDocs from a context without
    findings, before the rules ran; the pages rendered later must be
    exactly those, and the headers exactly those pages."""
    ctx = context(docs_dir=docs_dir)
    plan = dataclasses.replace(ctx, findings=(), rule_plan=())
    assert page_paths(plan) == list(generate_pages(ctx))
    assert annotated_pages(plan) == set(generate_annotations(ctx))
    assert nav_entries(plan) == nav_entries(ctx)
